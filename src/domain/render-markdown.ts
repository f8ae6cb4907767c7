import { isProseNote, namePieces, type ProsePart, type ProseSentence, proseParts } from "./note-prose.ts";
import type { WeeknoteDocument, WeeknoteItem } from "./weeknote.ts";

/**
 * Renders a weeknote as CommonMark. A prose note (isProseNote) reads like the seed weeknote: `#
 * title`, then one Markdown paragraph per paragraph of proseParts (a section's first one opened by
 * its heading as a bold lead-in, `**End of financial year.** …`, rather than a `##` heading, so a
 * week of 20 highlights fits about 25 lines), a section's short list as `-` bullets, "Into next
 * week…" and "Tune of the week:" as bold lead-ins in the note's language, then the footer in
 * italics after a rule. A revision written before prose notes keeps its layout: one `##` part
 * per section with `-` bullets, "Into next week", "Tune of the week". Pure.
 *
 * Everything in the document is plain text, from chat or an LLM, and is escaped here so that it
 * shows as written with any mainstream renderer (CommonMark, GFM, markdown-it with `html: true`):
 * the intro, summaries and items through {@link escapeMarkdownText}; the one-line labels (title,
 * headings, footer) and the authors' display names through {@link escapeMarkdownName}, also where
 * prose holds them (a paragraph's `names`, an item's authors: namePieces). The only
 * markup in the result is the structure written here.
 */
export function renderMarkdown(doc: WeeknoteDocument): string {
  if (isProseNote(doc)) {
    return renderProse(doc);
  }
  const parts: string[] = [`# ${oneLine(doc.title)}`];
  if (doc.intro.trim()) {
    parts.push(escapeMarkdownText(doc.intro.trim()));
  }
  for (const section of doc.sections) {
    const lines = [`## ${oneLine(section.heading)}`];
    if (section.summary?.trim()) {
      lines.push("", escapeMarkdownText(section.summary.trim()));
    }
    if (section.items.length > 0) {
      lines.push("", ...section.items.map(renderItem));
    }
    parts.push(lines.join("\n"));
  }
  if (doc.intoNextWeek.length > 0) {
    parts.push(["## Into next week", "", ...doc.intoNextWeek.map(renderItem)].join("\n"));
  }
  if (doc.tune) {
    parts.push(`## Tune of the week\n\n${itemText(doc.tune)}`);
  }
  if (doc.footer.trim()) {
    parts.push(`---\n\n_${oneLine(doc.footer)}_`);
  }
  return `${parts.join("\n\n")}\n`;
}

function renderProse(doc: WeeknoteDocument): string {
  const parts = [`# ${oneLine(doc.title)}`, ...proseParts(doc).map(renderPart)];
  if (doc.footer.trim()) {
    parts.push(`---\n\n_${oneLine(doc.footer)}_`);
  }
  return `${parts.join("\n\n")}\n`;
}

function renderPart(part: ProsePart): string {
  if (part.kind === "list") {
    return part.items.map((item) => `- ${sentenceText(item)}`).join("\n");
  }
  const lead = part.lead ? [`**${leadText(part.lead)}**`] : [];
  return [...lead, ...part.sentences.map(sentenceText)].join(" ");
}

// A lead-in's closing mark is ours (leadIn), so it stays unescaped: `**Bins beta.**` reads as
// written in the Markdown too; what comes before it is escaped like any label.
function leadText(lead: string): string {
  const end = /[.:…?!]$/u.exec(lead)?.[0] ?? "";
  return `${oneLine(lead.slice(0, lead.length - end.length))}${end}`;
}

function sentenceText(sentence: ProseSentence): string {
  const text = namePieces(sentence.text, sentence.mentions)
    .map((piece) => (piece.name ? escapeMarkdownName(piece.text) : escapeInLine(piece.text)))
    .join("");
  const names = sentence.names.map(escapeMarkdownName).filter((name) => name !== "");
  return names.length > 0 ? `${text} (${names.join(", ")})` : text;
}

// A piece of a one-line sentence, escaped as text with the white space at its ends kept (the
// names between pieces are set apart by it).
function escapeInLine(piece: string): string {
  const core = piece.trim();
  if (core === "") {
    return piece;
  }
  const start = piece.indexOf(core);
  return `${piece.slice(0, start)}${escapeMarkdownText(core)}${piece.slice(start + core.length)}`;
}

function renderItem(item: WeeknoteItem): string {
  // Continuation lines are indented so a multi-line message stays inside its bullet.
  return `- ${itemText(item).replace(/\n/g, "\n  ")}`;
}

function itemText(item: WeeknoteItem): string {
  const text = escapeMarkdownText(item.text.trim());
  const names = item.authors.map(escapeMarkdownName).filter((name) => name !== "");
  return names.length > 0 ? `${text} (${names.join(", ")})` : text;
}

function oneLine(text: string): string {
  return escapeMarkdownName(text);
}

// U+202A–U+202E (embeddings, overrides), U+2066–U+2069 (isolates), U+200E/U+200F (marks), U+061C
// (Arabic letter mark): they reorder what is shown around them (CVE-2021-42574 "Trojan Source").
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

const BIDI_NAMES: ReadonlyMap<string, string> = new Map(
  [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c].map(
    (code) => [String.fromCharCode(code), `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`],
  ),
);

/** The same, escaped for Markdown: `\<U+202E>`. */
const ESCAPED_BIDI: ReadonlyMap<string, string> = new Map(
  [...BIDI_NAMES].map(([c, name]) => [c, `\\${name}`]),
);

/** `<U+202E>` for U+202E. */
function bidiName(c: string): string {
  return BIDI_NAMES.get(c) ?? c;
}

/**
 * Text with each bidi control character shown as `<U+XXXX>` (as the Teams cards show them), so a
 * name or message cannot reorder what is shown around it; nothing else changes. Plain text in,
 * plain text out: renderers escape the result.
 */
export function showBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, bidiName);
}

// CommonMark lets a backslash escape any ASCII punctuation; these are the marks that start or
// close inline markup somewhere (CommonMark, GFM tables and strikethrough, markdown-it and its
// common plugins: `==mark==`, `++ins++`, `^sup^`, `$math$`, `{attrs}`), and those autolinkers (GFM's
// extended autolinks, markdown-it's `linkify`) look for: `www.`, `scheme:`, `user@host.tld`. An
// escaped mark is not part of a text run, so no autolinker finds a link across it. One pass with
// the bidi controls, which are shown escaped: `\<U+202E>`.
// A `.` between two digits (`5.9`, a series number) is left alone: no autolink or list marker
// can start there, and the title reads as the seed's `5.9 — weeknotes — …`.
const NAME_MARKS =
  /[\\`*_~^=+[\]{}<>&|!#$:@\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]|(?<!\d)\.|\.(?!\d)/g;

/**
 * A display name (of a person, channel or team), or any one-line label that may hold one (a title,
 * a heading), as CommonMark that shows it exactly as written and never makes markup of any kind:
 * bidi controls shown as `<U+XXXX>`, line breaks and other runs of white space made one space, and
 * every ASCII punctuation mark that some renderer reads as markup (`<`, `[`, `*`, `|`, `&`…) or as
 * part of an autolink (`.`, `:`, `@`) backslash-escaped. So `<img src=x onerror=…>`,
 * `[IT Helpdesk](https://evil.example)` and `www.evil.example` stay text even where HTML and
 * linkify are on. For a place inside a line (a heading, a list item). Linear in the name's length.
 */
export function escapeMarkdownName(name: string): string {
  return name.replace(/\s+/g, " ").trim().replace(NAME_MARKS, escapeMark);
}

/** A mark found by NAME_MARKS or TEXT_MARKS, backslash-escaped; a bidi control shown as `\<U+XXXX>`. */
function escapeMark(mark: string): string {
  return mark.charCodeAt(0) < 0x80 ? `\\${mark}` : (ESCAPED_BIDI.get(mark) ?? mark);
}

// Inline: a backslash that would escape what follows it (or break the line), `<` (HTML, autolinks),
// `[` `]` (links, images), `|` (tables), `&` of an entity; and the bidi controls, shown escaped.
const TEXT_MARKS = /\\(?=[!-/:-@[-`{-~]|$)|[<[\]|\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]|&(?=#?\w+;)/gm;

// What may start a block at the start of a (trimmed) line: an ATX heading, a quote, a code fence,
// a bullet, a setext underline (`===`, `--`), a thematic break (`***`, `_ _ _`), and the number of
// an ordered list item (its `.` or `)` is escaped, after the number: `3\.12`).
const LINE_START = /^(?:[#>]|```|~~~|[-+*](?=[ \t]|$)|=+$|-+$|([-*_])(?:[ \t]*\1){2,}$)|^(\d{1,9})(?=[.)])/gm;

/**
 * Escapes chat text so that CommonMark shows it as written, over any number of lines:
 * - no HTML: `<` (tags, comments, autolinks) and entity-like `&name;` / `&#…;` are escaped;
 * - no links or images: `[` and `]` are escaped (`![x](…)`, `[x](…)`, `[x][ref]`, footnotes);
 * - no tables: `|` is escaped;
 * - no structure started by a line: headings (`#`, setext `===` / `---` underlines), quotes,
 *   list markers (`-`, `+`, `*`, and the `.` or `)` of `3.` / `3)`, escaped after the number:
 *   `3\.12`), thematic breaks (`***`, `___`), code fences; line endings are `\n` (a lone `\r`
 *   ends a line in CommonMark too); each line's leading white space is dropped (no indented code
 *   block) and so is its trailing white space (no hard line break), as is a line-ending
 *   backslash's meaning;
 * - bidi controls are shown as `<U+XXXX>` ({@link showBidiControls}).
 * Emphasis (`*`, `_`), strikethrough and inline code are left alone: they are harmless and common.
 * Bare URLs stay as they are (a renderer with linkify on links them, showing the URL itself).
 * Linear in the text's length.
 */
export function escapeMarkdownText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(TEXT_MARKS, escapeMark)
    .replace(LINE_START, (mark: string, _break: string | undefined, number: string | undefined) =>
      number === undefined ? `\\${mark}` : `${number}\\`,
    );
}
