import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.ts";

// A compile that cannot write its note saves nothing, and the data folder it could not use is
// named as the user knows it (newcomer's trial, 2026-12-01).
const ROOT = resolve(import.meta.dirname, "../..");
const EXAMPLE = join(ROOT, "examples/slack-export");
const W13 = ["compile", "--slack-export", EXAMPLE, "--week", "2026-W13", "--tz", "Europe/London"];
const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-cli-files-"));
  await writeFile(join(dir, "a-file"), "not a folder");
  await mkdir(join(dir, "a-folder"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("weeknotes compile --out that cannot be written", () => {
  it.each([
    ["a folder", "a-folder", (out: string) => `Cannot write --out ${out}: it is a folder`],
    [
      "a place under a file",
      "a-file/w13.md",
      () =>
        `Cannot make the folder ${join(dir, "a-file")} for --out ${join(dir, "a-file/w13.md")}: a file is in the way`,
    ],
  ])("%s: exit 2, one line, and no draft saved", async (_what, name, message) => {
    const dataDir = join(dir, `data-${name.replace(/\W/g, "-")}`);
    const out = join(dir, name);
    const { code, stdout, stderr } = await runCli([...W13, "--data-dir", dataDir, "--out", out]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(new RegExp(`^weeknotes: ${escapeRegExp(message(out))}\\. `));
    expect(existsSync(join(dataDir, "weeknotes.sqlite"))).toBe(false);
    // No probe or temporary file is left beside the target.
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("the default data folder", () => {
  it("is named as the default, with DATA_DIR and --data-dir offered, when ./data cannot hold the database", async () => {
    const cwd = await mkdtemp(join(dir, "cwd-"));
    await writeFile(join(cwd, "data"), "a file where the data folder would go");
    const failure = await run(process.execPath, [join(ROOT, "bin/weeknotes-dev.js"), ...W13], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: tmpdir(), LOG_LEVEL: "silent" },
    }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stdout).toBe("");
    expect(failure?.stderr).toBe(
      `weeknotes: The default data folder ${join(cwd, "data")} (DATA_DIR is not set) cannot hold the database: part of its path is a file. Set DATA_DIR or give --data-dir a folder you can write to, or --no-store to save nothing\n`,
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
