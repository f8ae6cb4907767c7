import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompileJson } from "../../adapters/slack-export/compile-json.ts";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { defaultTeamSettings } from "../../src/domain/team.ts";
import { citedHighlightIds } from "../../src/domain/weeknote.ts";
import { runCli } from "../support/run-cli.ts";

const EXAMPLE = join(resolve(import.meta.dirname, "../.."), "examples/slack-export");
/** The example export's workspace (its users' team id), as the compile stamps it. */
const EXAMPLE_WORKSPACE = "T0KBC00001";
const W13 = ["compile", "--slack-export", EXAMPLE, "--week", "2026-W13", "--tz", "Europe/London"];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-prose-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("weeknotes compile: series, language and what was left out", () => {
  it("--series 2026-W13=5.9 numbers the title like the seed", async () => {
    const md = await runCli([...W13, "--no-store", "--series", "2026-W13=5.9"]);
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith("# 5.9 — weeknotes — ")).toBe(true);
    const json = await runCli([...W13, "--no-store", "--series", "2026-W10 = 5.6", "--format", "json"]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as CompileJson;
    expect(parsed.weeknote.title.startsWith("5.9 — weeknotes — ")).toBe(true);
    // The themes are 2–5 word phrases, at most four of them.
    expect(parsed.weeknote.themes.length).toBeLessThanOrEqual(4);
  });

  it("--series 2026-W12=41 numbers the title with a plain count", async () => {
    const md = await runCli([...W13, "--no-store", "--series", "2026-W12=41"]);
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith("# 42 — weeknotes — ")).toBe(true);
  });

  it("refuses a --series that is not WEEK=NUMBER or WEEK=YEAR.NUMBER from 1, with exit 2 and says what to give", async () => {
    for (const bad of [
      "2026-13=5.9",
      "2026-W13=0.0",
      "2026-W13=0",
      "2026-W13=5.0",
      "2026-W13=1234567.1",
      "5.9",
      "2026-W13=five.nine",
      "2026-W54=5.9",
    ]) {
      const result = await runCli([...W13, "--no-store", "--series", bad]);
      expect(result.code, bad).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("--series");
      expect(result.stderr).toContain("2026-W13=5.9");
    }
  });

  it("says so when the week is before the series starts, and leaves the number out", async () => {
    const result = await runCli([...W13, "--no-store", "--series", "2026-W20=6.1"]);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith("# weeknotes 2026-W13 — ")).toBe(true);
    expect(result.stderr).toContain("before the series starts");
  });

  it("--lang cy writes the frame words in Welsh; --lang fr is refused with exit 2", async () => {
    const result = await runCli([...W13, "--no-store", "--lang", "cy", "--format", "json"]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as CompileJson;
    expect(parsed.weeknote.language).toBe("cy");
    expect(parsed.weeknote.title.startsWith("nodiadau'r wythnos 2026-W13 — ")).toBe(true);
    expect(parsed.markdown).toContain("**Tiwn yr wythnos:**");
    expect(parsed.markdown).not.toContain("Tune of the week");
    const english = await runCli([...W13, "--no-store"]);
    expect(english.stdout).toContain("**Tune of the week:**");
    const refused = await runCli([...W13, "--no-store", "--lang", "fr"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--lang");
  });

  it("--format json keeps highlights, weeknote and markdown and adds leftOut: nothing tagged disappears", async () => {
    const result = await runCli([...W13, "--no-store", "--format", "json"]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as CompileJson;
    expect(Object.keys(parsed)).toEqual([
      "week",
      "timezone",
      "highlights",
      "weeknote",
      "markdown",
      "leftOut",
    ]);
    expect(parsed.highlights).toHaveLength(17);
    expect(parsed.leftOut).toEqual(parsed.weeknote.leftOut ?? []);
    const cited = citedHighlightIds(parsed.weeknote);
    const left = new Set(parsed.leftOut.map((l) => l.highlightId));
    for (const h of parsed.highlights) {
      expect(cited.has(h.id) || left.has(h.id), h.id).toBe(true);
    }
    for (const l of parsed.leftOut) {
      expect(cited.has(l.highlightId), l.highlightId).toBe(false);
    }
  });

  it("never calls the team 'default' in the note", async () => {
    const result = await runCli([...W13, "--no-store", "--team", "default", "--format", "json"]);
    const parsed = JSON.parse(result.stdout) as CompileJson;
    expect(parsed.markdown.toLowerCase()).not.toMatch(/\bdefault\b/);
  });

  it("a stored team's series and language number and frame the note; --lang and --series win over them", async () => {
    const dataDir = join(dir, "stored");
    const first = await runCli([...W13, "--data-dir", dataDir, "--format", "json"]);
    expect(first.code).toBe(0);
    const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
    await store.saveTeam({
      ...defaultTeamSettings("slack", EXAMPLE_WORKSPACE, "Europe/London", 0),
      name: "Kerbside digital",
      series: { week: "2026-W10", year: 5, number: 6 },
      language: "cy",
    });
    await store.close();

    const stored = await runCli([...W13, "--data-dir", dataDir, "--format", "json"]);
    expect(stored.code).toBe(0);
    const welsh = JSON.parse(stored.stdout) as CompileJson;
    expect(welsh.weeknote.title.startsWith("5.9 — nodiadau'r wythnos — ")).toBe(true);
    expect(welsh.markdown).toContain("**Tiwn yr wythnos:**");

    const overridden = await runCli([
      ...W13,
      "--data-dir",
      dataDir,
      "--lang",
      "en",
      "--series",
      "2026-W13=7.1",
      "--format",
      "json",
    ]);
    const english = JSON.parse(overridden.stdout) as CompileJson;
    expect(english.weeknote.title.startsWith("7.1 — weeknotes — ")).toBe(true);
    expect(english.markdown).toContain("**Tune of the week:**");
  });
});
