/**
 * Chat furniture out of a message before it becomes prose (issue 9): broadcasts, user ids, emoji
 * short codes, Slack escapes, links, file notices and the mark-up of chat formatting. Works on the
 * raw Slack form (`<!here>`, `<@U0…|name>`, `&lt;`, `<https://…|label>`) as well as on text the
 * export reader or the live bot already decoded (`@here`, `@Name`, `label (https://…)`), so a
 * decoder change upstream never lets furniture through. Every pattern here is linear in the text's
 * length (test/unit/text-linear.unit.test.ts checks them).
 */

import { slackEmojiUnicode } from "../emoji/aliases.ts";

/** A message cleaned for prose, with what was taken out of it. */
export interface CleanedText {
  /** The prose: one space between words, line breaks kept where a line ended a thought. */
  readonly text: string;
  /** The text without the people it mentions, to tell a bare list of mentions from a message. */
  readonly withoutMentions: string;
  /** The message held a link (removed or replaced by its label). */
  readonly hadLink: boolean;
  /** The message held a file notice ("shared a file: image.png"). */
  readonly hadFile: boolean;
}

// Slack's special mentions, raw (`<!here>`, `<!channel|channel>`, `<!subteam^S1|@team>` keeps its
// label) and as the decoded `@here` / `@channel` / `@everyone` (Slack "Formatting text for apps").
const RAW_BROADCAST = /<!(?:here|channel|everyone)(?:\|[^<>]*)?>[:,]?/g;
const RAW_SUBTEAM = /<!subteam\^[A-Z0-9]+(?:\|@?([^<>]*))?>/g;
const BROADCAST = /(^|[^\p{L}\p{N}_@.])@(?:here|channel|everyone)\b[:,]?/gu;
// `<@U0KBC00001|dan>` → dan; `<@U0KBC00001>` → nothing (the name is not known here).
const RAW_USER = /<@[UW][A-Z0-9]+(?:\|([^<>]*))?>/g;
const RAW_CHANNEL = /<#C[A-Z0-9]+(?:\|([^<>]*))?>/g;
// `<https://x|label>` → label; `<https://x>` and `<mailto:a@b>` → nothing.
const RAW_LINK = /<((?:https?|mailto|ftp):[^<>|]*)(?:\|([^<>]*))?>/g;
// The decoded form of a labelled link: `label (https://…)`; the label stays.
const DECODED_LINK = /\s?\((?:https?:\/\/|mailto:)[^\s()]*\)/g;
const BARE_URL = /\b(?:https?:\/\/|www\.)[^\s<>]*/g;
// A Slack user or bot id standing alone in text: `U0KBC00001`, `W012AB3CD`, `B0KBCBOT01`.
const RAW_ID = /\b[UWB][0-9][A-Z0-9]{6,}\b/g;
// A decoded mention: `@Dan W` keeps `Dan W` (the name is the person's); only the sign goes.
const MENTION_SIGN = /(^|[\s(])@(?=\p{L})/gu;
// File notices as Slack writes them for file_share messages and legacy uploads.
const FILE_NOTICE =
  /(?:<@[UW][A-Z0-9]+(?:\|[^<>]*)?>\s?|@\p{L}[\p{L}\p{N}._-]*(?: \p{Lu}[\p{L}\p{N}._-]*){0,2}\s)?\b(?:shared|uploaded|commented on) (?:a|an|the) (?:file|image|snippet|post)\b(?::\s?(?:<[^<>]*>|[^\n()]*\([^\s()]*\)|[^\s()]+))?(?: and commented:)?/gu;
// Where a link was taken out, until the label before it is dropped too.
const REMOVED = "\uE000";
const LABEL_OF_REMOVED = /(^|[.!?][ \t]|\n)[\p{L}\p{N}]+:[ \t]?\uE000[.,;]?/gu;
const POINTER_TO_REMOVED = /[ \t](?:at|on|see|in|from|via|to|here)[ \t]?(?=\uE000)/g;
// `#website` (a channel reference the reader decoded) reads as `website`; `PR #7` keeps its number
// sign (a channel name has a letter in it; a bare number is an issue, a PR or a rank).
const CHANNEL_SIGN = /(^|[\s(])#(?=[\p{N}_-]*\p{L})/gu;
const ENTITIES: Readonly<Record<string, string>> = { "&lt;": "<", "&gt;": ">", "&amp;": "&" };
const ENTITY = /&(?:lt|gt|amp);/g;
// A backslash before a mark is an escape a renderer failed to remove: `\<th>` → `<th>`.
const VISIBLE_ESCAPE = /\\([<>*_~`[\]#|&\\])/g;
const EMOJI_CODE = /:([a-z0-9_+'-]+)(?:::skin-tone-([2-6]))?:/g;
const CODE_BLOCK = /```[^`]*```/g;
const INLINE_CODE = /`([^`\n]*)`/g;
// Chat emphasis around a word: `*where*`, `_really_`, `~old~`; not `2 * 3`.
const EMPHASIS = /(^|[\s(])([*_~])(?=\S)([^*_~\n]*?\S)\2(?=$|[\s.,;:!?)])/gm;
const BULLET = /^[ \t]*(?:[•◦▪‣·*-]|\d{1,3}[.)])[ \t]+/gm;
const SPACES = /[ \t\u00A0]+/g;
const SPACE_BEFORE_MARK = / ([.,;:!?)])/g;

/**
 * Cleans one message for prose. `emoji` maps a short name and skin tone to its Unicode (default:
 * the standard emoji set of adapters/emoji); a custom emoji (no Unicode) is dropped.
 */
export function cleanChatText(
  raw: string,
  emoji: (name: string, tone: number | undefined) => string | undefined = slackEmojiUnicode(),
): CleanedText {
  let hadLink = false;
  let hadFile = false;
  let text = raw.replace(/\r\n?/g, "\n");
  text = text.replace(CODE_BLOCK, " ");
  text = text.replace(FILE_NOTICE, () => {
    hadFile = true;
    return " ";
  });
  text = text
    .replace(RAW_BROADCAST, " ")
    .replace(RAW_SUBTEAM, (_m, label: string | undefined) => label ?? " ")
    .replace(RAW_USER, (_m, label: string | undefined) => (label ? `@${label}` : " "))
    .replace(RAW_CHANNEL, (_m, label: string | undefined) => label ?? " ")
    .replace(RAW_LINK, (_m, _url: string, label: string | undefined) => {
      hadLink = true;
      return label ?? " ";
    })
    .replace(ENTITY, (e) => ENTITIES[e] ?? e)
    .replace(VISIBLE_ESCAPE, "$1")
    .replace(BROADCAST, "$1")
    .replace(DECODED_LINK, () => {
      hadLink = true;
      return "";
    })
    .replace(CHANNEL_SIGN, "$1")
    .replace(BARE_URL, () => {
      hadLink = true;
      return REMOVED;
    })
    .replace(RAW_ID, " ")
    .replace(EMOJI_CODE, (match, name: string, tone: string | undefined) => {
      const glyph = emoji(name, tone === undefined ? undefined : Number(tone));
      // `09:03:` and `1:2:` are times and ratios, not custom emoji: a custom name has a letter.
      return glyph ?? (/[a-z]/.test(name) ? "" : match);
    })
    .replace(INLINE_CODE, "$1")
    .replace(EMPHASIS, "$1$3")
    .replace(BULLET, "")
    // A label whose link was taken out ("Tracker: <link>") says nothing any more, nor does the
    // word that pointed at it ("the table at <link>" is "the table").
    .replace(LABEL_OF_REMOVED, "$1")
    .replace(POINTER_TO_REMOVED, "")
    .replaceAll(REMOVED, " ");
  const withMentions = tidy(text.replace(MENTION_SIGN, "$1"));
  const withoutMentions = tidy(
    text.replace(/(^|[\s(])@\p{L}[\p{L}\p{M}'’.-]*(?: \p{Lu}[\p{L}\p{M}'’.-]*){0,3}/gu, "$1"),
  );
  return { text: withMentions, withoutMentions, hadLink, hadFile };
}

// One space between words, no space before a mark, no empty lines or brackets left by removals.
function tidy(text: string): string {
  return text
    .split("\n")
    .map((line) =>
      line
        .replace(SPACES, " ")
        .replace(/\(\s*\)/g, "")
        .replace(SPACE_BEFORE_MARK, "$1")
        .replace(/^[\s:,;-]+/, "")
        .trim(),
    )
    .filter((line) => /[\p{L}\p{N}\p{Extended_Pictographic}]/u.test(line))
    .join("\n");
}

// A trailing role or pronoun part of a display name: `Sam (she/her)`, `Heather (admin, she/her)`,
// `Alex | Product`, `Kim · Design`.
const NAME_BAR = /\s[|·•]\s/;
const PLAIN_NAME = /^\p{L}[\p{L}\p{M}\p{N} .'’-]{0,60}$/u;
// What a role or pronoun part holds: `she/her`, `admin, she/her`, `Product`, `CEO`.
const ROLE = /^\p{L}[\p{L}\p{M} ,/.'’-]{0,29}$/u;
const PRONOUNS_IN_TEXT =
  /\s?\((?:[^()/]{0,30},\s?)?(?:she|he|they|ze|xe)\/(?:her|him|them|hers|his|theirs|they|she|he|zir|xem)(?:\/[a-z]{2,6})?\)/gi;

/**
 * A display name for prose: without a trailing pronoun or role part (`Sam (she/her)` → `Sam`,
 * `Alex | Product` → `Alex`), unless `keep` (a team that wants them kept). A name that would be
 * left empty is kept whole.
 */
export function cleanDisplayName(name: string, keep = false): string {
  const line = name.replace(/\s+/g, " ").trim();
  if (keep) {
    return line;
  }
  // Only a plain name loses a plain suffix: `[IT Helpdesk](https://evil.example)` or a table row
  // is not a name with a role, and stays exactly as written (renderers escape it).
  const bar = line.search(NAME_BAR);
  let cut = bar > 0 && PLAIN_NAME.test(line.slice(0, bar)) ? line.slice(0, bar) : line;
  // A last bracketed part, found by index rather than a pattern anchored at the end.
  const open = cut.lastIndexOf("(");
  if (
    cut.endsWith(")") &&
    open > 0 &&
    ROLE.test(cut.slice(open + 1, -1)) &&
    PLAIN_NAME.test(cut.slice(0, open).trim())
  ) {
    cut = cut.slice(0, open);
  }
  cut = cut.trim();
  return cut || line;
}

/** Pronoun parts after names mentioned in a message: `Saranjeet Kaur (she/her)` → `Saranjeet Kaur`. */
export function dropPronounsInText(text: string, keep = false): string {
  return keep ? text : text.replace(PRONOUNS_IN_TEXT, "");
}
