import { createRequire } from "node:module";
import type { EmojiAliases } from "../../src/domain/sections.ts";

interface EmojiDatum {
  short_name: string;
  short_names: string[];
}

// Aliases Slack accepts that iamcal's emoji-data (the set Slack's own names come from) lacks.
const EXTRA_ALIASES: Readonly<Record<string, string>> = {
  glowing_star: "star2",
};

let cached: EmojiAliases | undefined;

/**
 * Slack short-name aliases (`thumbsup` → `+1`, `glowing_star` → `star2`) from the
 * `emoji-datasource` package, the data Slack's emoji names follow. Custom emoji have no aliases
 * and resolve to themselves. Loaded once (about 1 MB of JSON) on first use.
 */
export function slackEmojiAliases(): EmojiAliases {
  if (cached) {
    return cached;
  }
  const require = createRequire(import.meta.url);
  const data = require("emoji-datasource/emoji.json") as EmojiDatum[];
  const canonical = new Map<string, string>();
  for (const emoji of data) {
    for (const name of emoji.short_names) {
      canonical.set(name, emoji.short_name);
    }
  }
  for (const [alias, name] of Object.entries(EXTRA_ALIASES)) {
    canonical.set(alias, canonical.get(name) ?? name);
  }
  const aliases: EmojiAliases = { canonical: (name) => canonical.get(name) ?? name };
  cached = aliases;
  return aliases;
}
