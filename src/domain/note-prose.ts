import { frameWords } from "./frame-words.ts";
import type { WeeknoteDocument, WeeknoteItem } from "./weeknote.ts";

/** What namesOfCited needs of a highlight: its id and its author's display name. */
export interface NamedHighlight {
  readonly id: string;
  readonly authorName: string;
}

/**
 * The body of a prose note (issue 9) in reading order, before any escaping: what every renderer
 * (Markdown, Block Kit, Adaptive Card, HTML) lays out, so they agree on the words and the order.
 * Text here is plain text from chat or a summariser; renderers escape `lead`, `text` and `names`.
 */
export type ProsePart = ProseParagraph | ProseList;

/** A paragraph, optionally opened by a bold lead-in (`End of financial year.`, `Into next week…`). */
export interface ProseParagraph {
  readonly kind: "paragraph";
  /** A one-line label, shown bold before the text; ends in `.`, `:`, `…`, `?` or `!`. */
  readonly lead: string | undefined;
  /** Sentences of the paragraph, shown one after another with a space between. */
  readonly sentences: readonly ProseSentence[];
}

/** The short list a section keeps where a list is clearer than prose. */
export interface ProseList {
  readonly kind: "list";
  readonly items: readonly ProseSentence[];
}

/** A sentence (one line of text) and the people to name after it in brackets. */
export interface ProseSentence {
  readonly text: string;
  /** One-line display names not already named in `text`. */
  readonly names: readonly string[];
  /**
   * One-line display names `text` holds as written: renderers show each place it holds one as a
   * name (escaped like `names`), not as text, so no name becomes markup or a link (namePieces).
   */
  readonly mentions: readonly string[];
}

/** A piece of a sentence's text: a display name it holds (`name: true`) or the text between. */
export interface TextPiece {
  readonly text: string;
  readonly name: boolean;
}

/**
 * `text` cut into pieces at each place it holds one of `mentions` (a longer name first where two
 * overlap), in order; the pieces join back to `text`. Time O(text length × mentions).
 */
export function namePieces(text: string, mentions: readonly string[]): TextPiece[] {
  const found: { start: number; end: number }[] = [];
  for (const mention of new Set(mentions)) {
    if (mention === "") {
      continue;
    }
    for (let at = text.indexOf(mention); at !== -1; at = text.indexOf(mention, at + mention.length)) {
      found.push({ start: at, end: at + mention.length });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const { start, end } of found) {
    if (start < last) {
      continue;
    }
    if (start > last) {
      pieces.push({ text: text.slice(last, start), name: false });
    }
    pieces.push({ text: text.slice(start, end), name: true });
    last = end;
  }
  if (last < text.length || pieces.length === 0) {
    pieces.push({ text: text.slice(last), name: false });
  }
  return pieces;
}

/**
 * Whether `doc` is a prose note (issue 9) rather than a revision written before prose notes: some
 * section has `paragraphs`, or the document says its `language` or lists `leftOut` (which only
 * prose summarisers write, so a quiet week with no sections is prose too). Older revisions keep
 * their headed bullet layout.
 */
export function isProseNote(doc: WeeknoteDocument): boolean {
  return doc.language !== undefined || doc.leftOut !== undefined || doc.sections.some((s) => s.paragraphs);
}

/**
 * The body of a prose note, without its title and footer: the intro (a paragraph per part between
 * blank lines); each section as its paragraphs, the first opened by the section's heading as a
 * lead-in (leadIn), then its short list (items) if any; "Into next week…" as one paragraph of its items' sentences; the tune as one
 * paragraph led by "Tune of the week:". Frame words are in `doc.language` (frameWords). Every text
 * is made one line (a paragraph is a paragraph: line breaks inside it become spaces). An item's
 * authors are named in brackets only when its text does not name them already (people are named
 * in the prose).
 */
export function proseParts(doc: WeeknoteDocument): ProsePart[] {
  const words = frameWords(doc.language);
  const parts: ProsePart[] = [];
  // An intro may hold several paragraphs, apart at blank lines; each reads as one line.
  for (const intro of doc.intro.split(/\r?\n\s*\r?\n/).map(oneLine)) {
    if (intro) {
      parts.push({
        kind: "paragraph",
        lead: undefined,
        sentences: [{ text: intro, names: [], mentions: [] }],
      });
    }
  }
  for (const section of doc.sections) {
    const texts: ProseSentence[] = [
      ...(section.paragraphs ?? []).map((p) => ({
        text: oneLine(p.text),
        names: [],
        mentions: (p.names ?? []).map(oneLine),
      })),
      // A revision may carry a summary instead of paragraphs: it reads as the first paragraph.
      ...(section.paragraphs === undefined && section.summary
        ? [{ text: oneLine(section.summary), names: [], mentions: [] }]
        : []),
    ].filter((sentence) => sentence.text !== "");
    const items = section.items.map(sentenceOf).filter((item) => item.text !== "");
    const lead = leadIn(section.heading);
    if (texts.length === 0 && items.length === 0) {
      continue;
    }
    if (texts.length === 0) {
      parts.push({ kind: "paragraph", lead, sentences: [] });
    }
    texts.forEach((sentence, index) => {
      parts.push({ kind: "paragraph", lead: index === 0 ? lead : undefined, sentences: [sentence] });
    });
    if (items.length > 0) {
      parts.push({ kind: "list", items });
    }
  }
  const next = doc.intoNextWeek
    .map(sentenceOf)
    .filter((s) => s.text !== "")
    .map((s) => ({ ...s, text: asSentence(s.text) }));
  if (next.length > 0) {
    parts.push({ kind: "paragraph", lead: leadIn(words.intoNextWeek), sentences: next });
  }
  const tune = doc.tune ? sentenceOf(doc.tune) : undefined;
  if (tune && tune.text !== "") {
    parts.push({ kind: "paragraph", lead: `${words.tuneOfTheWeek}:`, sentences: [tune] });
  }
  return parts;
}

/**
 * A heading as a bold lead-in: one line, its first letter capitalised (it opens a sentence), and
 * a full stop added unless it already ends in `.`, `:`, `…`, `?` or `!`. `end of financial year` →
 * `End of financial year.`
 */
export function leadIn(heading: string): string {
  const line = oneLine(heading);
  if (line === "") {
    return line;
  }
  const first = line.codePointAt(0) ?? 0;
  const head = String.fromCodePoint(first);
  const capitalised = head.toLocaleUpperCase() + line.slice(head.length);
  return /[.:…?!]$/u.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** Text as one line: runs of white space (line breaks too) become one space; ends trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

// An item's authors, where its text holds them, are names there too.
function sentenceOf(item: WeeknoteItem): ProseSentence {
  const text = oneLine(item.text);
  return { text, names: unnamedAuthors(text, item.authors), mentions: item.authors.map(oneLine) };
}

/**
 * The authors `text` does not name yet, as one-line names, in order and without repeats: a name
 * counts as named when the text holds it whole or holds its first word (`Priya` for `Priya Shah`),
 * ignoring case.
 */
export function unnamedAuthors(text: string, authors: readonly string[]): string[] {
  const haystack = text.toLocaleLowerCase();
  const names: string[] = [];
  for (const author of authors) {
    const name = oneLine(author);
    const first = name.split(" ")[0] ?? "";
    const named =
      containsWord(haystack, name.toLocaleLowerCase()) ||
      (first.length > 1 && containsWord(haystack, first.toLocaleLowerCase()));
    if (name !== "" && !named && !names.includes(name)) {
      names.push(name);
    }
  }
  return names;
}

function containsWord(haystack: string, word: string): boolean {
  let from = haystack.indexOf(word);
  while (from !== -1) {
    const before = haystack.slice(0, from);
    const after = haystack.slice(from + word.length);
    if (!/[\p{L}\p{N}]$/u.test(before) && !/^[\p{L}\p{N}]/u.test(after)) {
      return true;
    }
    from = haystack.indexOf(word, from + 1);
  }
  return false;
}

/** A sentence ends in a full stop unless it already ends in punctuation a sentence may end with. */
function asSentence(text: string): string {
  return /[.!?…)"'”’]$/u.test(text) ? text : `${text}.`;
}

/**
 * `doc` with each paragraph's `names` also listing, as one line, the author of every highlight it
 * cites whose name its prose holds: a summariser (an LLM above all) writes people's names into
 * prose, and renderers must show them as names there (issue 12: names are text). Names already
 * listed stay, first. Pure.
 */
export function namesOfCited(doc: WeeknoteDocument, highlights: readonly NamedHighlight[]): WeeknoteDocument {
  const authorOf = new Map(highlights.map((h) => [h.id, oneLine(h.authorName)]));
  return {
    ...doc,
    sections: doc.sections.map((section) =>
      section.paragraphs === undefined
        ? section
        : {
            ...section,
            paragraphs: section.paragraphs.map((paragraph) => {
              // Only names the prose holds: a name it shortened (`Sam (she/her)` written `Sam`)
              // is not in it, and listing it would only repeat the person.
              const cited = paragraph.highlightIds
                .map((id) => authorOf.get(id) ?? "")
                .filter((name) => oneLine(paragraph.text).includes(name));
              const names = [...new Set([...(paragraph.names ?? []), ...cited])].filter((n) => n !== "");
              return names.length > 0 ? { ...paragraph, names } : paragraph;
            }),
          },
    ),
  };
}
