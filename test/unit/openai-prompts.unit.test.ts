import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  HOUSE_STYLE_FILE,
  HOUSE_STYLE_MAX_CHARS,
  loadPromptLibrary,
  loadPrompts,
  PROMPT_FILES,
  versionWithStyle,
} from "../../adapters/openai/prompts.ts";
import { BotError } from "../../src/domain/errors.ts";

const DEFAULTS = resolve(import.meta.dirname, "../../prompts");
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "weeknotes-prompts-"));
  cpSync(DEFAULTS, join(dir, "prompts"), { recursive: true });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function failure(load: () => unknown): BotError {
  try {
    load();
  } catch (error) {
    if (error instanceof BotError) {
      return error;
    }
    throw error;
  }
  throw new Error("did not throw");
}

describe("prompt files", () => {
  it("loads the shipped prompts, each using exactly its placeholders", () => {
    const prompts = loadPrompts({ dir: DEFAULTS });
    expect(prompts.version).toMatch(/^[0-9a-f]{12}$/);
    for (const { file, placeholders } of Object.values(PROMPT_FILES)) {
      const text = readFileSync(join(DEFAULTS, file), "utf8");
      const used = new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]));
      expect([...used].sort()).toEqual([...placeholders].sort());
    }
  });

  it("fills placeholders in one pass, never expanding a value's own braces", () => {
    const prompts = loadPrompts({ dir: DEFAULTS });
    const filled = prompts.fill("system", {
      teamName: "Team {{dataEnd}}",
      voice: "in the voice of {{teamName}}",
      language: "British English",
      houseStyle: "{{language}} as a rule",
      dataStart: "<<<S>>>",
      dataEnd: "<<<E>>>",
    });
    expect(filled).toContain("Team {{dataEnd}}");
    expect(filled).toContain("Write in the voice of {{teamName}}.");
    expect(filled).toContain("<<<S>>>");
    expect(filled).toContain("{{language}} as a rule");
    expect(filled).not.toMatch(/\{\{(voice|dataStart)\}\}/);
    expect(filled.split("{{teamName}}")).toHaveLength(2);
  });

  it("asks for the note's voice in the system prompt", () => {
    expect(PROMPT_FILES.system.placeholders).toContain("voice");
    const text = readFileSync(join(DEFAULTS, PROMPT_FILES.system.file), "utf8");
    expect(text).toContain("Write {{voice}}.");
    const file = join(dir, "prompts", PROMPT_FILES.system.file);
    writeFileSync(file, text.replace("{{voice}}", "as the team"));
    expect(failure(() => loadPrompts({ dir: join(dir, "prompts") })).message).toMatch(
      /weeknote\.system\.md: missing placeholder \{\{voice\}\}/,
    );
  });

  it("has a stable version that changes with any prompt text", () => {
    const a = loadPrompts({ dir: join(dir, "prompts") });
    expect(loadPrompts({ dir: join(dir, "prompts") }).version).toBe(a.version);
    const file = join(dir, "prompts", "weeknote.chunk.md");
    writeFileSync(file, `${readFileSync(file, "utf8")}\nOne more line.\n`);
    expect(loadPrompts({ dir: join(dir, "prompts") }).version).not.toBe(a.version);
  });

  it("names a missing file", () => {
    rmSync(join(dir, "prompts", "weeknote.merge.md"));
    const error = failure(() => loadPrompts({ dir: join(dir, "prompts") }));
    expect(error.code).toBe("config.invalid");
    expect(error.message).toContain("weeknote.merge.md");
    expect(error.message).toContain("cannot be read");
  });

  it("names the file and the placeholder that is unknown, malformed or missing", () => {
    const file = join(dir, "prompts", "weeknote.user.md");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, `${original}\n{{teamname}}\n`);
    let error = failure(() => loadPrompts({ dir: join(dir, "prompts") }));
    expect(error.message).toMatch(/weeknote\.user\.md: unknown placeholder \{\{teamname\}\}/);

    writeFileSync(file, `${original}\n{{ team-name }}\n`);
    error = failure(() => loadPrompts({ dir: join(dir, "prompts") }));
    expect(error.message).toContain("malformed placeholder {{ team-name }}");

    writeFileSync(file, original.replace("{{highlights}}", ""));
    error = failure(() => loadPrompts({ dir: join(dir, "prompts") }));
    expect(error.message).toMatch(/weeknote\.user\.md: missing placeholder \{\{highlights\}\}/);
    expect(error.hint).toContain("{{highlights}}");
  });

  it("rejects an empty file", () => {
    writeFileSync(join(dir, "prompts", "weeknote.regenerate.md"), "  \n");
    expect(failure(() => loadPrompts({ dir: join(dir, "prompts") })).message).toMatch(
      /weeknote\.regenerate\.md is empty/,
    );
  });
});

describe("per-team overrides", () => {
  it("replaces the defaults file by file and gets its own version", () => {
    const teamDir = join(dir, "teams", "T0WEEK0001-kbc");
    mkdirSync(teamDir, { recursive: true });
    const system = readFileSync(join(DEFAULTS, "weeknote.system.md"), "utf8").replace(
      "Plain words, in the style of GOV.UK",
      "Plain words, in the style of GOV.UK, and Welsh place names as written",
    );
    writeFileSync(join(teamDir, "weeknote.system.md"), system);
    const library = loadPromptLibrary({ dir: DEFAULTS, teamsDir: join(dir, "teams") });

    expect(library.teams).toEqual(["T0WEEK0001-kbc"]);
    const team = library.forTeam("T0WEEK0001-kbc");
    expect(team.version).not.toBe(library.defaults.version);
    expect(team.sources.system).toBe(join(teamDir, "weeknote.system.md"));
    expect(team.sources.user).toBe(join(DEFAULTS, "weeknote.user.md"));
    expect(
      team.fill("system", {
        teamName: "KBC",
        voice: "as the team",
        language: "British English",
        houseStyle: "",
        dataStart: "s",
        dataEnd: "e",
      }),
    ).toContain("Welsh place names");
    expect(library.forTeam("another-team")).toBe(library.defaults);
  });

  it("reads a team's house-style.md, folds it into the version, and refuses one over 2,000 characters", () => {
    const teamDir = join(dir, "teams", "T0WEEK0001_bins");
    mkdirSync(teamDir, { recursive: true });
    writeFileSync(
      join(teamDir, HOUSE_STYLE_FILE),
      "\n- No exclamation marks.\n- Always thank by first name.\n\n",
    );
    const library = loadPromptLibrary({ dir: DEFAULTS, teamsDir: join(dir, "teams") });
    const team = library.forTeam("T0WEEK0001_bins");
    expect(team.houseStyle).toBe("- No exclamation marks.\n- Always thank by first name.");
    expect(library.defaults.houseStyle).toBeUndefined();
    // Same prompt files, different rules: a different version.
    expect(team.version).not.toBe(library.defaults.version);
    expect(team.version).toMatch(/^[0-9a-f]{12}$/);

    writeFileSync(join(teamDir, HOUSE_STYLE_FILE), "x".repeat(HOUSE_STYLE_MAX_CHARS + 1));
    const error = failure(() => loadPromptLibrary({ dir: DEFAULTS, teamsDir: join(dir, "teams") }));
    expect(error.code).toBe("config.invalid");
    expect(error.message).toContain(HOUSE_STYLE_FILE);
    expect(error.message).toContain("over 2000");
  });

  it("marks a draft's version with the team's house style setting", () => {
    expect(versionWithStyle("0123456789ab", undefined)).toBe("0123456789ab");
    expect(versionWithStyle("0123456789ab", "  ")).toBe("0123456789ab");
    const styled = versionWithStyle("0123456789ab", "No exclamation marks.");
    expect(styled).toMatch(/^0123456789ab\+[0-9a-f]{6}$/);
    expect(versionWithStyle("0123456789ab", "Always thank by first name.")).not.toBe(styled);
  });

  it("checks overrides at load time, naming the bad file", () => {
    const teamDir = join(dir, "teams", "broken");
    mkdirSync(teamDir, { recursive: true });
    writeFileSync(join(teamDir, "weeknote.user.md"), "Write it. {{highlights}} {{bogus}}");
    const error = failure(() => loadPromptLibrary({ dir: DEFAULTS, teamsDir: join(dir, "teams") }));
    expect(error.code).toBe("config.invalid");
    expect(error.message).toContain(join(teamDir, "weeknote.user.md"));
    expect(error.message).toContain("unknown placeholder {{bogus}}");
  });

  it("rejects a misspelt override file and a missing folder", () => {
    const teamDir = join(dir, "teams", "typo");
    mkdirSync(teamDir, { recursive: true });
    writeFileSync(join(teamDir, "weeknote.sytem.md"), "hello");
    expect(failure(() => loadPrompts({ dir: DEFAULTS, overrideDir: teamDir })).message).toContain(
      "unknown files: weeknote.sytem.md",
    );
    expect(failure(() => loadPrompts({ dir: DEFAULTS, overrideDir: join(dir, "nope") })).message).toContain(
      "does not exist",
    );
    expect(failure(() => loadPromptLibrary({ dir: DEFAULTS, teamsDir: join(dir, "none") })).code).toBe(
      "config.invalid",
    );
  });
});
