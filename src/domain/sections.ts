import { BotError } from "./errors.ts";
import type { Platform } from "./message-ref.ts";

/** Where a highlight goes in the note (SPEC §2). Order is the order of the rendered note. */
export const SECTIONS = ["highlights", "challenges", "thanks", "coming_up", "tune"] as const;
export type Section = (typeof SECTIONS)[number];

export function isSection(value: string): value is Section {
  return (SECTIONS as readonly string[]).includes(value);
}

/** Default emoji → section map of SPEC §1, keyed by Slack short names. */
export const DEFAULT_EMOJI_SECTIONS: Readonly<Record<string, Section>> = {
  star: "highlights",
  star2: "highlights",
  glowing_star: "highlights",
  raised_hands: "thanks",
  clap: "thanks",
  pray: "thanks",
  crystal_ball: "coming_up",
  soon: "coming_up",
  construction: "challenges",
  warning: "challenges",
  notes: "tune",
  musical_note: "tune",
  headphones: "tune",
};

/**
 * Resolves emoji aliases to one canonical short name, so that `+1` and `thumbsup` are one emoji.
 * Built from an emoji data set outside the domain (see adapters/emoji); the identity resolver knows
 * no aliases.
 */
export interface EmojiAliases {
  canonical(name: string): string;
  /**
   * The aliases of one workspace, with its custom emoji aliases (Slack's `emoji.list`: `wn` →
   * `alias:star`), once `names` (raw reaction names about to be compared) are known; may ask the
   * platform. Absent when the same aliases serve every workspace. Every comparison of a
   * workspace's emoji names (a reaction against the team's map, a draft's tags) goes through it.
   */
  forWorkspace?(platform: Platform, workspace: string, names: readonly string[]): Promise<EmojiAliases>;
}

export const NO_ALIASES: EmojiAliases = { canonical: (name) => name };

// Slack appends a tone to a reaction name: `clap::skin-tone-3` (Slack reactions.add docs). Only
// that exact suffix is stripped; `star-struck` stays itself.
const SKIN_TONE = /::skin-tone-[2-6]$/;
// The five Fitzpatrick modifiers (U+1F3FB–U+1F3FF) of an emoji typed as itself, `👍🏽`: Slack
// names the same reaction `+1::skin-tone-4`, which counts as `+1`.
const SKIN_TONE_MODIFIER = /[\u{1F3FB}-\u{1F3FF}]/gu;

/** `Clap::skin-tone-3` → `clap`; `thumbsup` → `+1` (given aliases); never a prefix match. */
export function normaliseEmojiName(raw: string, aliases: EmojiAliases = NO_ALIASES): string {
  const name = raw
    .trim()
    .replace(/^:|:$/g, "")
    .toLowerCase()
    .replace(SKIN_TONE, "")
    .replace(SKIN_TONE_MODIFIER, "");
  return aliases.canonical(name);
}

/** Emoji (canonical short names) → section, as a team or the CLI chose it. */
export class EmojiSectionMap {
  private readonly bySection: ReadonlyMap<string, Section>;
  readonly aliases: EmojiAliases;

  constructor(entries: Iterable<readonly [string, Section]>, aliases: EmojiAliases = NO_ALIASES) {
    this.aliases = aliases;
    const map = new Map<string, Section>();
    for (const [name, section] of entries) {
      map.set(normaliseEmojiName(name, aliases), section);
    }
    this.bySection = map;
  }

  static defaults(aliases: EmojiAliases = NO_ALIASES): EmojiSectionMap {
    return new EmojiSectionMap(Object.entries(DEFAULT_EMOJI_SECTIONS), aliases);
  }

  /** The section a raw reaction name files under, or undefined when it is not a chosen emoji. */
  sectionOf(rawReaction: string): Section | undefined {
    return this.bySection.get(normaliseEmojiName(rawReaction, this.aliases));
  }

  /** The chosen emoji (canonical names) with their sections. */
  entries(): [string, Section][] {
    return [...this.bySection.entries()];
  }
}

// A Slack short name: lower-case letters, digits and `_ + - '`, optionally with a skin tone.
const EMOJI_NAME = /^[\p{Ll}\p{Lo}\p{N}_+'-]+(::skin-tone-[2-6])?$/u;

/**
 * Parses the CLI's `--emoji` value: `NAME[=SECTION],...`, such as `star,tada=thanks,+1`. A name
 * may be a Slack short name (`:star:` colons optional) or, where the aliases know it, the emoji
 * itself (`⭐`). A name without a section takes its default section (see DEFAULT_EMOJI_SECTIONS),
 * or `highlights` when it has none. Empty items (a trailing comma) are ignored.
 * @throws BotError `input.bad_emoji` on an empty list, a name that is not an emoji name, an
 *   unknown section, or one emoji given two different sections.
 */
export function parseEmojiOption(value: string, aliases: EmojiAliases = NO_ALIASES): EmojiSectionMap {
  const defaults = EmojiSectionMap.defaults(aliases);
  const chosen = new Map<string, Section>();
  const parts = value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 0) {
    throw badEmoji(`--emoji "${value}" names no emoji`);
  }
  for (const part of parts) {
    const [rawName = "", rawSection, ...extra] = part.split("=").map((s) => s.trim());
    const name = normaliseEmojiName(rawName, aliases);
    if (!name || extra.length > 0 || !EMOJI_NAME.test(name)) {
      throw badEmoji(`"${part}" in --emoji is not NAME or NAME=SECTION`);
    }
    if (rawSection !== undefined && !isSection(rawSection)) {
      throw new BotError("input.bad_emoji", `Unknown section "${rawSection}" for emoji ${rawName}`, {
        hint: `Sections are ${SECTIONS.join(", ")}`,
      });
    }
    const section = rawSection ?? defaults.sectionOf(name) ?? "highlights";
    const earlier = chosen.get(name);
    if (earlier !== undefined && earlier !== section) {
      throw new BotError(
        "input.bad_emoji",
        `--emoji gives ${rawName} two sections, ${earlier} and ${section}`,
        {
          hint: "Give each emoji one section",
        },
      );
    }
    chosen.set(name, section);
  }
  return new EmojiSectionMap(chosen, aliases);
}

function badEmoji(message: string): BotError {
  return new BotError("input.bad_emoji", message, {
    hint: "Write emoji as a comma-separated list such as star,tada=thanks,crystal_ball=coming_up",
  });
}
