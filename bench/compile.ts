// bench/compile: compile one week out of a generated export of 1,000,000 messages, from a folder
// and from a zip, against the floor: a synchronous read + JSON.parse of every day file, nothing else
// (same run, same machine). The floor reads every file; compile reads only the week's, so a
// ratio above 1 is what skipping files buys, and below 1 what the rest of compile costs.
import { execFileSync } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { readdir, stat, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";
import { generateExport } from "./generate-export.ts";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const OUT = resolve("bench/.out");
const folder = join(OUT, `export-${MESSAGES}`);
const zip = `${folder}.zip`;

interface Run {
  mode: string;
  ms: number;
  highlights: number;
  messagesRead: number;
  maxRssKb: number;
}

async function prepare(): Promise<void> {
  const marker = join(folder, ".complete");
  if (!existsSync(marker)) {
    const t = Date.now();
    await generateExport(folder, { messages: MESSAGES, channels: 20 });
    await writeFile(marker, String(MESSAGES));
    console.log(`generated ${MESSAGES} messages in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  if (!existsSync(zip)) {
    const archive = new yazl.ZipFile();
    for (const file of await readdir(folder, { recursive: true, encoding: "utf8" })) {
      const full = join(folder, file);
      if ((await stat(full)).isFile() && file !== ".complete") {
        archive.addFile(full, `export/${relative(folder, full)}`);
      }
    }
    archive.end();
    await pipeline(archive.outputStream, createWriteStream(zip));
  }
}

function child(mode: string, path: string): Run {
  const out = execFileSync(process.execPath, ["bin/run-ts.js", "bench/compile-child.ts", mode, path], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Run;
}

function best(mode: string, path: string, times = 3): Run {
  const runs = Array.from({ length: times }, () => child(mode, path));
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

export async function benchCompile(): Promise<void> {
  await prepare();
  const baseline = best("baseline", folder);
  const fromFolder = best("compile", folder);
  const fromZip = best("compile", zip);
  const rate = (r: Run) => Math.round(MESSAGES / (r.ms / 1000));
  const mb = (r: Run) => (r.maxRssKb / 1024).toFixed(0);
  console.log(`bench/compile — one week (2024-W20) out of ${MESSAGES.toLocaleString("en-GB")} messages`);
  console.log("| run | time (ms) | export messages/s | messages parsed | highlights | peak RSS (MB) |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const [name, r] of [
    ["floor: synchronous read + JSON.parse of every day file", baseline],
    ["compile from folder", fromFolder],
    ["compile from zip", fromZip],
  ] as const) {
    console.log(
      `| ${name} | ${r.ms.toFixed(0)} | ${rate(r)} | ${r.messagesRead} | ${r.highlights} | ${mb(r)} |`,
    );
  }
  console.log(
    `ratio (floor time / compile time): folder ${(baseline.ms / fromFolder.ms).toFixed(1)}×, zip ${(baseline.ms / fromZip.ms).toFixed(1)}×`,
  );
}

if (import.meta.url === `file://${resolve(process.argv[1] ?? "")}`) {
  await benchCompile();
}
