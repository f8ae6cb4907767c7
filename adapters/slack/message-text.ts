/**
 * Where a Slack message's words live, for the export reader and the live bot alike: `text`, the
 * `blocks` the modern composer writes (`rich_text`), and the `attachments` of a forwarded or shared
 * message (`is_share`). {@link messageMarkup} gives them as one Slack markup string, which
 * `decodeSlackText` (mrkdwn.ts) then turns into plain text with names resolved.
 *
 * Rich text elements follow Slack's "Rich text block" reference
 * (https://docs.slack.dev/reference/block-kit/blocks/rich-text-block): sections, lists, quotes and
 * preformatted blocks of `text`, `link`, `emoji`, `user`, `channel`, `usergroup`, `broadcast`,
 * `date`, `team` and `color` elements. Attachments follow "Legacy secondary message attachments"
 * (`text`, `fallback`, `pretext`, `title`).
 *
 * Linear in the size of the message: every element is visited once.
 */

// Deeper nesting than Slack produces is not followed (a hostile payload cannot recurse forever).
const MAX_DEPTH = 8;

/**
 * The message's words as Slack markup (mrkdwn with `<@U…>`, `<#C…>`, `<url|label>` tokens and
 * `&amp;` `&lt;` `&gt;` entities), for `decodeSlackText`:
 * 1. the richer of `text` and the words of its `rich_text`/`section`/`header`/`context` blocks —
 *    the one with more letters and digits (a mention or link counts as one), `text` on a tie, so
 *    an ordinary message reads exactly as its `text`; either one when the other is empty;
 * 2. then each shared message (`attachments` with `is_share`): its `text`, else its `fallback`,
 *    each line quoted (`> `) when the message has words of its own;
 * 3. when there are still no words: the other attachments' `pretext`, `title` and `text` (else
 *    `fallback`), one per line.
 * An empty string when the message has no words anywhere (a file alone: callers add its title).
 * @param message a message object as conversations.history, an event or an export gives it; any
 *   field of the wrong type reads as absent.
 */
export function messageMarkup(message: Readonly<Record<string, unknown>>): string {
  const text = typeof message.text === "string" ? message.text : "";
  const fromBlocks = blocksMarkup(message.blocks);
  const own = richness(fromBlocks) > richness(text) ? fromBlocks : text;
  const attachments = Array.isArray(message.attachments) ? message.attachments.map(record) : [];
  const shared = attachments
    .filter((a) => a.is_share === true)
    .map((a) => firstWords(str(a.text), str(a.fallback)))
    .filter((words) => words !== "");
  const hasOwn = own.trim() !== "";
  if (shared.length > 0) {
    const quoted = hasOwn ? shared.map((words) => words.replace(/^/gm, "&gt; ")) : shared;
    return [hasOwn ? own : undefined, ...quoted].filter((part) => part !== undefined).join("\n");
  }
  if (hasOwn) {
    return own;
  }
  const other = attachments.flatMap((a) =>
    [str(a.pretext), escapePlain(str(a.title)), firstWords(str(a.text), str(a.fallback))].filter(
      (part): part is string => part !== undefined && part.trim() !== "",
    ),
  );
  return other.length > 0 ? other.join("\n") : text;
}

/** The words of a message's blocks as Slack markup, one block per line; "" when there are none. */
export function blocksMarkup(blocks: unknown): string {
  if (!Array.isArray(blocks)) {
    return "";
  }
  return blocks
    .map((block) => blockMarkup(record(block)))
    .filter((part) => part.trim() !== "")
    .join("\n");
}

function blockMarkup(block: Record<string, unknown>): string {
  switch (block.type) {
    case "rich_text":
      return richElements(block.elements, 0);
    case "section": {
      const fields = Array.isArray(block.fields) ? block.fields.map((f) => textObject(record(f))) : [];
      return [textObject(record(block.text)), ...fields].filter((part) => part !== "").join("\n");
    }
    case "header":
      return textObject(record(block.text));
    case "context":
      return Array.isArray(block.elements)
        ? block.elements
            .map((e) => textObject(record(e)))
            .filter((part) => part !== "")
            .join(" ")
        : "";
    default:
      return "";
  }
}

/** A Block Kit text object: mrkdwn as it is, plain_text escaped into markup. */
function textObject(object: Record<string, unknown>): string {
  const text = str(object.text) ?? "";
  return object.type === "plain_text" ? escapePlain(text) : text;
}

/** Block-level rich text elements (sections, lists, quotes, preformatted), one after the other. */
function richElements(elements: unknown, depth: number): string {
  if (!Array.isArray(elements) || depth > MAX_DEPTH) {
    return "";
  }
  const parts: string[] = [];
  for (const element of elements.map(record)) {
    const part = richBlockElement(element, depth);
    if (part !== "") {
      parts.push(withoutTrailingNewlines(part));
    }
  }
  return parts.join("\n");
}

function richBlockElement(element: Record<string, unknown>, depth: number): string {
  switch (element.type) {
    case "rich_text_section":
      return inlineElements(element.elements);
    case "rich_text_preformatted":
      return `\`\`\`${inlineElements(element.elements)}\`\`\``;
    case "rich_text_quote":
      return inlineElements(element.elements).replace(/^/gm, "&gt; ");
    case "rich_text_list": {
      const items = Array.isArray(element.elements) ? element.elements.map(record) : [];
      const indent = "  ".repeat(Math.max(0, Math.min(MAX_DEPTH, num(element.indent) ?? 0)));
      const offset = num(element.offset) ?? 0;
      return items
        .map((item, index) => {
          const marker = element.style === "ordered" ? `${offset + index + 1}.` : "•";
          const words =
            item.type === "rich_text_section"
              ? inlineElements(item.elements)
              : richBlockElement(item, depth + 1);
          return `${indent}${marker} ${words}`;
        })
        .join("\n");
    }
    default:
      // An inline element where a block belongs (seen in hand-made payloads): read it as one.
      return inlineElement(element);
  }
}

function inlineElements(elements: unknown): string {
  return Array.isArray(elements) ? elements.map((e) => inlineElement(record(e))).join("") : "";
}

function inlineElement(element: Record<string, unknown>): string {
  switch (element.type) {
    case "text":
      return escapePlain(str(element.text));
    case "link": {
      const url = str(element.url);
      const label = str(element.text);
      if (url === undefined) {
        return escapePlain(label);
      }
      return label ? `<${escapePlain(url)}|${escapePlain(label)}>` : `<${escapePlain(url)}>`;
    }
    case "emoji": {
      const name = str(element.name);
      if (name === undefined) {
        return str(element.unicode) === undefined ? "" : unicodeOf(str(element.unicode) ?? "");
      }
      const tone = num(element.skin_tone);
      return tone !== undefined && tone >= 2 && tone <= 6 ? `:${name}::skin-tone-${tone}:` : `:${name}:`;
    }
    case "user":
      return str(element.user_id) ? `<@${str(element.user_id)}>` : "";
    case "channel":
      return str(element.channel_id) ? `<#${str(element.channel_id)}>` : "";
    case "usergroup":
      return str(element.usergroup_id) ? `<!subteam^${str(element.usergroup_id)}>` : "";
    case "broadcast":
      return str(element.range) ? `<!${str(element.range)}>` : "";
    case "date":
      return escapePlain(str(element.fallback));
    case "color":
      return escapePlain(str(element.value));
    case "team":
      return "";
    default:
      return "";
  }
}

/** `1f44d` or `1f469-200d-1f4bb` (a rich text emoji's `unicode`) → the emoji; "" when malformed. */
function unicodeOf(hex: string): string {
  const points = hex.split("-").map((part) => Number.parseInt(part, 16));
  return points.every((p) => Number.isInteger(p) && p >= 0 && p <= 0x10ffff)
    ? String.fromCodePoint(...points)
    : "";
}

/**
 * How much a markup string says: letters and digits, a link counting by what it shows (its label,
 * else its URL, as a URL typed in blocks is plain text), a mention or other `<…>` token as one (an
 * id inside it says nothing more); entities (`&gt;` of a quote) count as nothing, as punctuation.
 */
function richness(markup: string): number {
  const flat = markup
    .replace(/<([^<>|]*)(?:\|([^<>]*))?>/g, (_, target: string, label: string | undefined) =>
      label ? label : /^[@#!]/.test(target) ? "x" : target,
    )
    .replace(/&(amp|lt|gt);/g, "");
  let count = 0;
  for (const _ of flat.matchAll(/[\p{L}\p{N}]/gu)) {
    count += 1;
  }
  return count;
}

/** `text` without the line breaks it ends with; one step per character, so linear on any input. */
function withoutTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x0a) {
    end -= 1;
  }
  return text.slice(0, end);
}

function firstWords(...candidates: (string | undefined)[]): string {
  return candidates.find((c) => c !== undefined && c.trim() !== "") ?? "";
}

/** Plain text into markup: `&` `<` `>` as Slack escapes them, so decoding gives it back. */
function escapePlain(text: string | undefined): string {
  return (text ?? "").replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? Math.trunc(value) : undefined;
}
