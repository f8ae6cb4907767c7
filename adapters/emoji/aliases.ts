import { createRequire } from "node:module";
import type { EmojiAliases } from "../../src/domain/sections.ts";

interface EmojiDatum {
  short_name: string;
  short_names: string[];
  /** Code points in hex, `-`-separated: `1F44D`, `1F469-200D-1F4BB`. */
  unified: string;
  skin_variations?: Record<string, { unified: string }>;
}

// Aliases Slack accepts that iamcal's emoji-data (the set Slack's own names come from) lacks.
const EXTRA_ALIASES: Readonly<Record<string, string>> = {
  glowing_star: "star2",
};

let cached: EmojiAliases | undefined;
let unicodeCache: ((name: string, skinTone: number | undefined) => string | undefined) | undefined;

function loadEmojiData(): EmojiDatum[] {
  const require = createRequire(import.meta.url);
  return require("emoji-datasource/emoji.json") as EmojiDatum[];
}

// Slack's skin-tone-2…6 are the Fitzpatrick modifiers U+1F3FB…U+1F3FF.
const TONE_CODES = ["1F3FB", "1F3FC", "1F3FD", "1F3FE", "1F3FF"];

function fromCodePoints(unified: string): string {
  return String.fromCodePoint(...unified.split("-").map((hex) => Number.parseInt(hex, 16)));
}

/**
 * Standard emoji short name (any alias) → its Unicode, with skin tone 2–6 where the emoji has
 * one; undefined for custom emoji. From the same `emoji-datasource` data as the aliases.
 */
export function slackEmojiUnicode(): (name: string, skinTone: number | undefined) => string | undefined {
  if (unicodeCache) {
    return unicodeCache;
  }
  const byName = new Map<string, EmojiDatum>();
  for (const emoji of loadEmojiData()) {
    for (const name of emoji.short_names) {
      byName.set(name, emoji);
    }
  }
  for (const [alias, name] of Object.entries(EXTRA_ALIASES)) {
    const emoji = byName.get(name);
    if (emoji) {
      byName.set(alias, emoji);
    }
  }
  unicodeCache = (name, skinTone) => {
    const emoji = byName.get(name);
    if (!emoji) {
      return undefined;
    }
    const toned =
      skinTone === undefined ? undefined : emoji.skin_variations?.[TONE_CODES[skinTone - 2] ?? ""];
    return fromCodePoints(toned?.unified ?? emoji.unified);
  };
  return unicodeCache;
}

/**
 * Slack short-name aliases (`thumbsup` → `+1`, `glowing_star` → `star2`, and `👍` → `+1`) from the
 * `emoji-datasource` package, the data Slack's emoji names follow. Custom emoji have no aliases
 * and resolve to themselves. Loaded once (about 1 MB of JSON) on first use.
 */
export function slackEmojiAliases(): EmojiAliases {
  if (cached) {
    return cached;
  }
  const data = loadEmojiData();
  const canonical = new Map<string, string>();
  for (const emoji of data) {
    for (const name of emoji.short_names) {
      canonical.set(name, emoji.short_name);
    }
    // The emoji itself, with and without the variation selector (⭐ and ⭐️), names it too.
    const glyph = fromCodePoints(emoji.unified);
    canonical.set(glyph, emoji.short_name);
    canonical.set(glyph.replace(/\uFE0F/g, ""), emoji.short_name);
    canonical.set(`${glyph.replace(/\uFE0F/g, "")}\uFE0F`, emoji.short_name);
  }
  for (const [alias, name] of Object.entries(EXTRA_ALIASES)) {
    canonical.set(alias, canonical.get(name) ?? name);
  }
  const aliases: EmojiAliases = { canonical: (name) => canonical.get(name) ?? name };
  cached = aliases;
  return aliases;
}
