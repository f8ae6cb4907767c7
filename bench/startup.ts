// bench/startup: how long `weeknotes serve` takes from spawn to its first 200 on /healthz, the
// compiled code (`node bin/weeknotes.js serve`, what `npm start` runs) against the TypeScript
// sources through tsx (`node bin/weeknotes-dev.js serve`), and against the floor: a bare node:http
// server answering /healthz (the least a process must do to answer). Slack is off (no tokens),
// SQLite in a fresh temp folder each run; best of BENCH_ROUNDS, after one warm-up run of each.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const FLOOR = `
const { createServer } = require("node:http");
const server = createServer((req, res) => { res.writeHead(200); res.end("ok\\n"); });
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ msg: "weeknotes started", url: "http://127.0.0.1:" + server.address().port }));
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

interface Variant {
  readonly name: string;
  readonly args: readonly string[];
}

const VARIANTS: readonly Variant[] = [
  { name: "floor: bare node:http /healthz", args: ["-e", FLOOR] },
  { name: "weeknotes serve, compiled (dist/)", args: ["bin/weeknotes.js", "serve"] },
  { name: "weeknotes serve, tsx (sources)", args: ["bin/weeknotes-dev.js", "serve"] },
];

/** Spawns one variant and resolves with the ms from spawn to the first 200 on /healthz. */
async function startOnce(variant: Variant): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), "weeknotes-startup-"));
  const started = performance.now();
  const child = spawn(process.execPath, [...variant.args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8");
        const found = /"url":"(http:\/\/[^"]+)"/.exec(out);
        if (found?.[1]) resolveUrl(found[1]);
      });
      child.once("exit", (code) => reject(new Error(`${variant.name} exited (${code}) before listening`)));
    });
    for (;;) {
      if ((await status(`${url}/healthz`)) === 200) {
        return performance.now() - started;
      }
    }
  } finally {
    child.kill("SIGTERM");
    await new Promise((done) => child.once("exit", done));
    await rm(dataDir, { recursive: true, force: true });
  }
}

function status(url: string): Promise<number> {
  return new Promise((resolveStatus) => {
    get(url, (response) => {
      response.resume();
      resolveStatus(response.statusCode ?? 0);
    }).on("error", () => resolveStatus(0));
  });
}

export async function benchStartup(): Promise<void> {
  console.log(`\nbench/startup: spawn → first 200 on /healthz, best of ${ROUNDS} (ms)`);
  const best = new Map<string, number>();
  for (const variant of VARIANTS) {
    await startOnce(variant); // warm the file-system cache
    let fastest = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ROUNDS; round += 1) {
      fastest = Math.min(fastest, await startOnce(variant));
    }
    best.set(variant.name, fastest);
  }
  const floor = best.get(VARIANTS[0]?.name ?? "") ?? Number.NaN;
  console.log("| run | start (ms) | ratio to floor |");
  console.log("| --- | ---: | ---: |");
  for (const [name, ms] of best) {
    console.log(`| ${name} | ${ms.toFixed(0)} | ${(ms / floor).toFixed(1)}× |`);
  }
}

if (import.meta.url === `file://${resolve(process.argv[1] ?? "")}`) {
  await benchStartup();
}
