/**
 * The LLM prompts (SPEC §5): Markdown files in `prompts/` with `{{placeholders}}`, loaded and
 * checked once at start-up, optionally overridden file by file for a team, and hashed so that each
 * revision records which prompt text made it.
 *
 *     const library = loadPromptLibrary({ dir: "prompts", teamsDir: "prompts/teams" });
 *     const prompts = library.forTeam("T0WEEK0001/kbc");   // the team's overrides, else defaults
 *     prompts.version;                                     // "3f2a9c1b7d4e"
 *     prompts.houseStyle;                                  // the team's house-style.md, if any
 *     prompts.fill("user", { teamName, week, … });         // every placeholder, no more, no less
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { BotError } from "../../src/domain/errors.ts";

/** Each prompt, its file, and the placeholders the code fills in it (all of them, and only them). */
export const PROMPT_FILES = {
  system: {
    file: "weeknote.system.md",
    placeholders: ["teamName", "voice", "language", "houseStyle", "dataStart", "dataEnd"],
  },
  user: {
    file: "weeknote.user.md",
    placeholders: [
      "teamName",
      "week",
      "weekDates",
      "wordBudget",
      "highlightCount",
      "dataStart",
      "highlights",
      "dataEnd",
      "previousWeek",
      "regeneration",
    ],
  },
  chunk: {
    file: "weeknote.chunk.md",
    placeholders: [
      "teamName",
      "week",
      "weekDates",
      "partNumber",
      "partCount",
      "highlightCount",
      "dataStart",
      "highlights",
      "dataEnd",
      "wordBudget",
    ],
  },
  merge: {
    file: "weeknote.merge.md",
    placeholders: [
      "teamName",
      "week",
      "weekDates",
      "highlightCount",
      "partCount",
      "dataStart",
      "parts",
      "dataEnd",
      "previousWeek",
      "regeneration",
      "wordBudget",
    ],
  },
  regenerate: {
    file: "weeknote.regenerate.md",
    placeholders: ["reason", "dataStart", "previous", "dataEnd"],
  },
  /** Last week's "Into next week…" plans, fenced as data, so the note can say what became of them. */
  previous: {
    file: "weeknote.previous.md",
    placeholders: ["dataStart", "plans", "dataEnd"],
  },
  /** The team's house style, fenced as the team's instructions (not chat data) in the system prompt. */
  style: {
    file: "weeknote.style.md",
    placeholders: ["teamName", "styleStart", "rules", "styleEnd"],
  },
} as const;

/**
 * A team's house style file in its override folder (issue 9): short Markdown rules ("no
 * exclamation marks"), not a prompt; added to the system prompt through {@link PROMPT_FILES}.style.
 */
export const HOUSE_STYLE_FILE = "house-style.md";
/** Most characters of a house style, as the team setting allows. */
export const HOUSE_STYLE_MAX_CHARS = 2_000;

export type PromptName = keyof typeof PROMPT_FILES;
/** The values one prompt needs: exactly its placeholders. */
export type PromptValues<N extends PromptName> = Record<
  (typeof PROMPT_FILES)[N]["placeholders"][number],
  string
>;

const PROMPT_NAMES = Object.keys(PROMPT_FILES) as PromptName[];
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;
// Braces that look like a placeholder but are not one (`{{ 1 }}`, `{{team-name}}`) are mistakes too.
const LOOSE_BRACES = /\{\{[^}]*\}\}/g;

/** One team's checked prompts. */
export interface PromptSet {
  /** Short stable hash of the prompt texts (12 hex digits of sha256); the revision's promptVersion. */
  readonly version: string;
  /** Where each prompt was read from (a default file or a team's override). */
  readonly sources: Readonly<Record<PromptName, string>>;
  /** The team's `house-style.md` from its override folder, trimmed; undefined when it has none. */
  readonly houseStyle: string | undefined;
  /**
   * The prompt with every placeholder replaced by its value, in one pass: a value that itself
   * holds `{{…}}` (chat text can) is inserted as it is, never expanded.
   */
  fill<N extends PromptName>(name: N, values: PromptValues<N>): string;
}

export interface LoadPromptsOptions {
  /** The folder of the default prompts, normally `prompts/`. */
  readonly dir: string;
  /** A folder whose files replace the defaults of the same name (a team's overrides). */
  readonly overrideDir?: string;
}

/**
 * Reads and checks the prompts: every file present and readable, every `{{placeholder}}` in a file
 * one the code fills, every placeholder the code fills used by the file, and, in an override
 * folder, no file that is not a prompt (a misspelt name would otherwise be ignored silently).
 * @throws BotError `config.invalid` naming the file and what is wrong with it.
 */
export function loadPrompts(options: LoadPromptsOptions): PromptSet {
  const dir = resolve(options.dir);
  const overrideDir = options.overrideDir === undefined ? undefined : resolve(options.overrideDir);
  if (overrideDir !== undefined) {
    checkOverrideDir(overrideDir);
  }
  const texts = {} as Record<PromptName, string>;
  const sources = {} as Record<PromptName, string>;
  for (const name of PROMPT_NAMES) {
    const { file } = PROMPT_FILES[name];
    const override = overrideDir === undefined ? undefined : join(overrideDir, file);
    const path = override !== undefined && existsSync(override) ? override : join(dir, file);
    const text = readPrompt(path);
    checkPlaceholders(path, text, PROMPT_FILES[name].placeholders);
    texts[name] = text;
    sources[name] = path;
  }
  const houseStyle =
    overrideDir === undefined ? undefined : readHouseStyle(join(overrideDir, HOUSE_STYLE_FILE));
  const version = promptHash(texts, houseStyle);
  return {
    version,
    sources,
    houseStyle,
    fill(name, values) {
      const text = texts[name];
      const given = values as Readonly<Record<string, string>>;
      return text.replace(PLACEHOLDER, (_whole, key: string) => {
        const value = given[key];
        if (value === undefined) {
          // Unreachable through the types; kept so a cast can't send a raw placeholder to the model.
          throw new BotError("config.invalid", `No value for {{${key}}} in ${PROMPT_FILES[name].file}`);
        }
        return value;
      });
    },
  };
}

/** The default prompts and each team's overrides, all loaded and checked at start-up. */
export interface PromptLibrary {
  readonly defaults: PromptSet;
  /** The prompts of `team` (the name of its folder under `teamsDir`), else the defaults. */
  forTeam(team: string): PromptSet;
  /** The teams that have overrides. */
  readonly teams: readonly string[];
}

/**
 * Loads the default prompts from `dir` and, when `teamsDir` is given, one override set from each of
 * its sub-folders (named after the team). Every set is checked now, so a broken override stops
 * start-up rather than a Friday draft.
 * @throws BotError `config.invalid` naming the first bad file.
 */
export function loadPromptLibrary(options: { dir: string; teamsDir?: string }): PromptLibrary {
  const defaults = loadPrompts({ dir: options.dir });
  const byTeam = new Map<string, PromptSet>();
  if (options.teamsDir !== undefined) {
    const teamsDir = resolve(options.teamsDir);
    if (!existsSync(teamsDir) || !statSync(teamsDir).isDirectory()) {
      throw new BotError("config.invalid", `The team prompts folder ${teamsDir} does not exist`, {
        hint: "Create it, or unset the prompts folder option",
      });
    }
    for (const entry of readdirSync(teamsDir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        byTeam.set(entry.name, loadPrompts({ dir: options.dir, overrideDir: join(teamsDir, entry.name) }));
      }
    }
  }
  return {
    defaults,
    teams: [...byTeam.keys()].sort(),
    forTeam: (team) => byTeam.get(team) ?? defaults,
  };
}

/**
 * sha256 over each prompt's file name and text, in a fixed order, then the house style (its file
 * name and text) when there is one; the first 12 hex digits.
 */
export function promptHash(texts: Readonly<Record<PromptName, string>>, houseStyle?: string): string {
  const hash = createHash("sha256");
  for (const name of PROMPT_NAMES) {
    hash.update(PROMPT_FILES[name].file).update("\0").update(texts[name]).update("\0");
  }
  if (houseStyle !== undefined) {
    hash.update(HOUSE_STYLE_FILE).update("\0").update(houseStyle).update("\0");
  }
  return hash.digest("hex").slice(0, 12);
}

/**
 * A draft's prompt version with the team's house style setting folded in: `version` itself when
 * there is none, else `version+` and 6 hex digits of its sha256, so a revision says which rules
 * shaped it.
 */
export function versionWithStyle(version: string, houseStyle: string | undefined): string {
  const style = houseStyle?.trim();
  return style ? `${version}+${createHash("sha256").update(style).digest("hex").slice(0, 6)}` : version;
}

/** A house style file, trimmed; undefined when absent. @throws BotError `config.invalid` when too long. */
function readHouseStyle(path: string): string | undefined {
  if (!existsSync(path)) {
    return undefined;
  }
  const text = readFileSync(path, "utf8").trim();
  if (text.length > HOUSE_STYLE_MAX_CHARS) {
    throw new BotError(
      "config.invalid",
      `House style file ${path} has ${text.length} characters, over ${HOUSE_STYLE_MAX_CHARS}`,
      { hint: "Keep a house style to a few short rules" },
    );
  }
  return text || undefined;
}

function readPrompt(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new BotError("config.invalid", `Prompt file ${path} cannot be read`, {
      cause: error,
      hint: "Every prompt in prompts/ must be present: restore it from the repository",
    });
  }
  if (!text.trim()) {
    throw new BotError("config.invalid", `Prompt file ${path} is empty`);
  }
  return text;
}

function checkPlaceholders(path: string, text: string, known: readonly string[]): void {
  const used = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) {
    used.add(match[1] ?? "");
  }
  const unknown = [...used].filter((name) => !known.includes(name));
  const malformed = [...text.matchAll(LOOSE_BRACES)]
    .map((m) => m[0])
    .filter((raw) => !new RegExp(PLACEHOLDER.source).test(raw));
  const unused = known.filter((name) => !used.has(name));
  const problems = [
    ...unknown.map((name) => `unknown placeholder {{${name}}}`),
    ...malformed.map((raw) => `malformed placeholder ${raw}`),
    ...unused.map((name) => `missing placeholder {{${name}}}`),
  ];
  if (problems.length > 0) {
    throw new BotError("config.invalid", `Prompt file ${path}: ${problems.join(", ")}`, {
      hint: `This prompt's placeholders are ${known.map((n) => `{{${n}}}`).join(" ")}; each must appear`,
    });
  }
}

function checkOverrideDir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new BotError("config.invalid", `The prompt override folder ${dir} does not exist`);
  }
  const known = new Set<string>([...PROMPT_NAMES.map((n) => PROMPT_FILES[n].file), HOUSE_STYLE_FILE]);
  const strays = readdirSync(dir).filter((file) => file.endsWith(".md") && !known.has(file));
  if (strays.length > 0) {
    throw new BotError(
      "config.invalid",
      `Prompt override folder ${dir} has unknown files: ${strays.join(", ")}`,
      {
        hint: `Override files are named ${[...known].join(", ")}`,
      },
    );
  }
}
