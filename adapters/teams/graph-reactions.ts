/**
 * Microsoft Graph reaction → the emoji short name a team's emoji map is written in (SPEC §1, §4).
 *
 * A Graph `chatMessageReaction` names its emoji by `reactionType`: "Supported values include
 * Unicode characters, `custom`, and some backward-compatible reaction types, such as `like`,
 * `angry`, `sad`, `laugh`, `heart`, and `surprised`"; `displayName` is "the name of the reaction"
 * and `reactionContentUrl` the hosted content of a custom one
 * (https://learn.microsoft.com/graph/api/resources/chatmessagereaction). Older captures carry only
 * the six words (`like` in the 2019 and 2022 samples); newer ones a Unicode emoji with its display
 * name (`💯`, "Hundred points") or `custom` with the custom emoji's display name (which the 2024
 * beta capture leaves out).
 *
 * Emoji maps (src/domain/sections.ts DEFAULT_EMOJI_SECTIONS, a team's `emoji` setting) are keyed
 * by Slack-style short names, the names of the `emoji-datasource` data set (adapters/emoji): the
 * name given here is that data set's canonical `short_name`, so that it matches a map with or
 * without the alias resolver (`thumbsup` in a map resolves to `+1`; `+1` is what we give).
 *
 * | reactionType                  | name                                 | why                         |
 * |-------------------------------|--------------------------------------|-----------------------------|
 * | `like`                        | `+1`                                 | Teams shows 👍               |
 * | `heart`                       | `heart`                              | ❤️                           |
 * | `laugh`                       | `laughing`                           | 😆                           |
 * | `surprised`                   | `open_mouth`                         | 😮                           |
 * | `sad`                         | `cry`                                | 😢                           |
 * | `angry`                       | `angry`                              | 😠                           |
 * | a Unicode emoji (`⭐`, `👏🏽`)  | its short name (`star`, `clap::skin-tone-4`) | emoji-datasource; a skin tone kept as Slack writes it, so maps (which drop tones) still match and two tones stay two tags |
 * | a Unicode emoji the data set lacks | the emoji itself, without U+FE0F | stable, and a map may name an emoji by itself |
 * | `custom`                      | its `displayName`, lower-cased, spaces → `_` (`Microsoft Teams` → `microsoft_teams`) | custom emoji have no standard name |
 * | `custom` without a displayName | none (not a tag)                    | nothing stable to name it by |
 * | a Bot Framework id (`1f44b_wavinghand`) | the short name of its code points (`wave`) | the ids Teams uses in `messageReaction` activities |
 * | any other word                | the word, lower-cased                | a future backward-compatible type |
 *
 * A name equal to `add` (the reaction name of an explicit add, src/domain/highlight.ts) is never
 * given: a custom emoji called "add" is not a tag, so it cannot be mistaken for "Add to weeknotes".
 */
import { slackEmojiAliases } from "../emoji/aliases.ts";

/** The six backward-compatible Teams reaction types and the emoji Teams shows for them. */
export const LEGACY_TEAMS_REACTIONS: Readonly<Record<string, string>> = {
  like: "+1",
  heart: "heart",
  laugh: "laughing",
  surprised: "open_mouth",
  sad: "cry",
  angry: "angry",
};

/** What of a Graph chatMessageReaction the name depends on. */
export interface GraphReactionNaming {
  readonly reactionType: string;
  readonly displayName?: string | null | undefined;
}

// The Fitzpatrick modifiers U+1F3FB…U+1F3FF are Slack's skin-tone-2…6.
const SKIN_TONES = ["\u{1F3FB}", "\u{1F3FC}", "\u{1F3FD}", "\u{1F3FE}", "\u{1F3FF}"];
const RESERVED = "add";
// `1f44b_wavinghand`: code points in hex, then a word; taken as an emoji only when it is one.
const BOT_FRAMEWORK_ID = /^[0-9a-f]{4,6}(?:-[0-9a-f]{4,6})*_[a-z0-9]+$/;
const WORD = /^[a-z0-9_+'-]+$/;

/**
 * The emoji name of a Graph reaction (see the table above), or undefined when it names no emoji
 * we can tag by (a custom emoji with no display name, an empty type, the reserved `add`).
 */
export function graphReactionName(reaction: GraphReactionNaming): string | undefined {
  const type = reaction.reactionType.trim();
  const lower = type.toLowerCase();
  let name: string | undefined;
  if (lower === "custom") {
    name = customName(reaction.displayName);
  } else if (lower in LEGACY_TEAMS_REACTIONS) {
    name = LEGACY_TEAMS_REACTIONS[lower];
  } else if (BOT_FRAMEWORK_ID.test(lower) && knownEmoji(fromCodePoints(lower.split("_")[0] ?? ""))) {
    name = unicodeName(fromCodePoints(lower.split("_")[0] ?? ""));
  } else if (WORD.test(lower)) {
    name = lower;
  } else if (type !== "") {
    name = unicodeName(type);
  }
  return name === undefined || name === "" || name === RESERVED ? undefined : name;
}

function customName(displayName: string | null | undefined): string | undefined {
  const name = displayName?.trim().toLowerCase().replace(/\s+/g, "_");
  return name ? name : undefined;
}

/** `👏🏽` → `clap::skin-tone-4`; `⭐️` → `star`; an emoji the data set lacks → itself without U+FE0F. */
function unicodeName(emoji: string): string | undefined {
  let tone: number | undefined;
  let base = emoji;
  SKIN_TONES.forEach((modifier, index) => {
    if (base.includes(modifier)) {
      tone ??= index + 2;
      base = base.split(modifier).join("");
    }
  });
  const known = knownEmoji(base);
  if (known === undefined) {
    return emoji.replace(/\uFE0F/g, "") || undefined;
  }
  return tone === undefined ? known : `${known}::skin-tone-${tone}`;
}

/** The emoji-datasource short name of an emoji (with or without U+FE0F), or undefined. */
function knownEmoji(glyph: string): string | undefined {
  if (glyph === "") {
    return undefined;
  }
  const aliases = slackEmojiAliases();
  for (const form of [glyph, glyph.replace(/\uFE0F/g, "")]) {
    const name = aliases.canonical(form);
    if (name !== form) {
      return name;
    }
  }
  return undefined;
}

function fromCodePoints(hex: string): string {
  const points = hex.split("-").map((part) => Number.parseInt(part, 16));
  return points.every((p) => Number.isInteger(p) && p > 0 && p <= 0x10ffff)
    ? String.fromCodePoint(...points)
    : "";
}
