import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompileJson } from "../../adapters/slack-export/compile-json.ts";
import { runCli } from "../support/run-cli.ts";

// Options read the same way whatever is typed (newcomer's trial, 2026-12-01).
const EXAMPLE = join(resolve(import.meta.dirname, "../.."), "examples/slack-export");
const W13 = ["compile", "--slack-export", EXAMPLE, "--week", "2026-W13", "--no-store"];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-cli-input-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("weeknotes compile options", () => {
  it.each(["", ",", " , #"])(
    "refuses --channels %j, which names no channel, rather than reading all",
    async (value) => {
      const result = await runCli([...W13, "--tz", "Europe/London", "--channels", value]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(
        "weeknotes: --channels names no channel. Give channel names or ids, comma-separated (--channels general,bins-digital), or leave --channels out for all\n",
      );
    },
  );

  it("gives a time zone typed in any case back as the zone database spells it", async () => {
    const result = await runCli([...W13, "--tz", "europe/london", "--format", "json"]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as CompileJson).timezone).toBe("Europe/London");
    const fromEnv = await runCli([...W13, "--format", "json"], { DEFAULT_TIMEZONE: "EUROPE/LONDON" });
    expect((JSON.parse(fromEnv.stdout) as CompileJson).timezone).toBe("Europe/London");
  });

  it("says how many message entries it skipped, in English, and leaves out a count of 0", async () => {
    const folder = join(dir, "export");
    await mkdir(join(folder, "general"), { recursive: true });
    await writeFile(join(folder, "channels.json"), JSON.stringify([{ id: "C1", name: "general" }]));
    await writeFile(join(folder, "users.json"), "[]");
    await writeFile(join(folder, "general", "2026-03-24.json"), JSON.stringify([1]));
    const result = await runCli([
      "compile",
      "--slack-export",
      folder,
      "--week",
      "2026-W13",
      "--tz",
      "UTC",
      "--no-store",
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("weeknotes: skipped 1 unreadable message entry in the export.\n");
  });
});

describe("help after a mistake", () => {
  it("points at the commands for an unknown command, and at the command's own options otherwise", async () => {
    const unknown = await runCli(["bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("(run weeknotes help for the commands)");
    const exportOption = await runCli(["export", "--bogus"]);
    expect(exportOption.code).toBe(2);
    expect(exportOption.stderr).toContain("(run weeknotes help export for the options)");
    const compileOption = await runCli(["compile", "--fromat", "md"]);
    expect(compileOption.stderr).toContain("(run weeknotes help compile for the options)");
  });
});
