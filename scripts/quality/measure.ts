import { fleschKincaid } from "flesch-kincaid";
import MarkdownIt from "markdown-it";
import { readingCounts } from "../../adapters/offline/reading-grade.ts";
import { MAX_NOTE_LINES, MAX_NOTE_WORDS } from "../../src/domain/note-budget.ts";
import { renderMarkdown } from "../../src/domain/render-markdown.ts";
import { citedHighlightIds, type WeeknoteDocument } from "../../src/domain/weeknote.ts";

/** What the measures read: `weeknotes compile --format json` output (adapters/slack-export/compile-json.ts). */
export interface CompiledNote {
  readonly highlights: readonly { readonly id: string; readonly channel: string; readonly text: string }[];
  readonly weeknote: WeeknoteDocument;
  readonly markdown: string;
  /** Top-level copy of `weeknote.leftOut`, when the JSON carries one. */
  readonly leftOut?: readonly { readonly highlightId: string; readonly reason: string }[];
}

/** One leftover piece of chat markup a reader would see, with the pattern that found it. */
export interface MarkupHit {
  readonly kind: "broadcast" | "slack_markup" | "raw_id" | "emoji_code" | "visible_escape";
  readonly text: string;
}

/** The quality figures of one note (issue 9 item 6). */
export interface NoteQuality {
  readonly highlights: number;
  /** Lines of the rendered Markdown, blank lines included (as src/domain/note-budget.ts counts them). */
  readonly lines: number;
  /** Words a reader reads: the note rendered without its footer, a URL counted as one word. */
  readonly words: number;
  /**
   * Flesch–Kincaid grade of the prose (intro, summaries, paragraphs, items, next week, tune; not
   * title, headings or footer; URLs left out); undefined when under half its words are in Latin
   * script, where the English formula means nothing (the Japanese export).
   */
  readonly fkGrade: number | undefined;
  readonly markup: readonly MarkupHit[];
  /** Backslash escapes in the Markdown source (informational: a Markdown renderer hides them). */
  readonly markdownEscapes: number;
  /** Texts of cited parts that are junk: "shared a file", only a link, only a file name, empty. */
  readonly junk: readonly string[];
  /** Theme phrases and section headings that are only a channel name. */
  readonly channelThemes: readonly string[];
  readonly cited: number;
  readonly leftOut: number;
  /** Highlights neither cited nor in leftOut (should be none). */
  readonly missing: readonly string[];
  /** Highlights both cited and in leftOut (contradictory). */
  readonly citedAndLeftOut: readonly string[];
  /**
   * Whether a note that leaves highlights out says so: its text names both the number cited and
   * the number tagged ("cites 14 of 17 highlights"). True when nothing is left out.
   */
  readonly saysHowManyLeftOut: boolean;
}

const markdownIt = new MarkdownIt({ html: false, linkify: false });
const URL = /\b(?:https?|ftp|mailto):[^\s<>()]*[^\s<>().,;:!?'"]/giu;
const FILE_NAME =
  /\S+\.(?:png|jpe?g|gif|webp|heic|svg|pdf|docx?|xlsx?|pptx?|csv|zip|txt|md|mp[34]|mov|key)\b/giu;

/** The figures of one compiled note. Pure. */
export function measureNote(note: CompiledNote): NoteQuality {
  const doc = note.weeknote;
  const seen = renderedText(note.markdown);
  const cited = citedHighlightIds(doc);
  const leftOut = new Set((doc.leftOut ?? note.leftOut ?? []).map((l) => l.highlightId));
  const ids = note.highlights.map((h) => h.id);
  const citedCount = ids.filter((id) => cited.has(id)).length;
  const mentions = (n: number) => new RegExp(`(?<![\\d,.])${n}(?!\\d|[,.]\\d)`).test(seen);
  return {
    highlights: ids.length,
    lines: note.markdown.replace(/\n+$/, "").split("\n").length,
    words: countWords(renderedText(renderMarkdown({ ...doc, footer: "" }))),
    fkGrade: fkGrade(proseTexts(doc)),
    markup: [...findMarkup(seen), ...proseTexts(doc).flatMap((text) => findMarkup(text))].filter(
      (hit, index, all) => all.findIndex((h) => h.kind === hit.kind && h.text === hit.text) === index,
    ),
    markdownEscapes: (note.markdown.match(/\\[!-/:-@[-`{-~]/g) ?? []).length,
    junk: citedTexts(doc).filter(isJunk),
    channelThemes: channelThemes(
      doc,
      note.highlights.map((h) => h.channel),
    ),
    cited: citedCount,
    leftOut: ids.filter((id) => leftOut.has(id)).length,
    missing: ids.filter((id) => !cited.has(id) && !leftOut.has(id)),
    citedAndLeftOut: ids.filter((id) => cited.has(id) && leftOut.has(id)),
    saysHowManyLeftOut: citedCount === ids.length || (mentions(citedCount) && mentions(ids.length)),
  };
}

/** Limits a note must keep (issue 9, "What it must show"). */
export const QUALITY_LIMITS = { lines: MAX_NOTE_LINES, words: MAX_NOTE_WORDS, fkGrade: 9 } as const;

/** Every way a note breaks the limits, one line each; empty when it keeps them all. */
export function qualityProblems(q: NoteQuality): string[] {
  const problems: string[] = [];
  if (q.markup.length > 0) {
    problems.push(
      `leftover markup: ${q.markup.map((m) => `${m.kind} ${JSON.stringify(m.text)}`).join(", ")}`,
    );
  }
  if (q.junk.length > 0) {
    problems.push(`junk items: ${q.junk.map((j) => JSON.stringify(j.slice(0, 60))).join(", ")}`);
  }
  if (q.missing.length > 0) {
    problems.push(`${q.missing.length} highlights neither cited nor left out: ${q.missing.join(", ")}`);
  }
  if (q.citedAndLeftOut.length > 0) {
    problems.push(`highlights both cited and left out: ${q.citedAndLeftOut.join(", ")}`);
  }
  if (!q.saysHowManyLeftOut) {
    problems.push(`cites ${q.cited} of ${q.highlights} highlights but does not say so`);
  }
  if (q.channelThemes.length > 0) {
    problems.push(`themes that are only channel names: ${q.channelThemes.join(", ")}`);
  }
  if (q.lines > QUALITY_LIMITS.lines) {
    problems.push(`${q.lines} lines (at most ${QUALITY_LIMITS.lines})`);
  }
  if (q.words > QUALITY_LIMITS.words) {
    problems.push(`${q.words} words (at most ${QUALITY_LIMITS.words})`);
  }
  if (q.fkGrade !== undefined && q.fkGrade > QUALITY_LIMITS.fkGrade) {
    problems.push(`Flesch–Kincaid grade ${q.fkGrade.toFixed(1)} (at most ${QUALITY_LIMITS.fkGrade})`);
  }
  return problems;
}

/** The text a reader sees of CommonMark, block by block: markdown-it's text, escapes resolved. */
export function renderedText(markdown: string): string {
  const blocks: string[] = [];
  for (const token of markdownIt.parse(markdown, {})) {
    if (token.type !== "inline") continue;
    blocks.push(
      (token.children ?? [])
        .map((child) =>
          child.type === "softbreak" || child.type === "hardbreak"
            ? " "
            : child.type === "text" || child.type === "code_inline"
              ? child.content
              : "",
        )
        .join(""),
    );
  }
  return blocks.join("\n");
}

const MARKUP: readonly { readonly kind: MarkupHit["kind"]; readonly pattern: RegExp }[] = [
  { kind: "broadcast", pattern: /(?<![\w@])@(?:here|channel|everyone)\b/giu },
  // Slack's own syntax: <@U…>, <!here>, <#C…|name>, <https://…|label>, <mailto:…>.
  { kind: "slack_markup", pattern: /<[@#!][^>\s]*>?|<(?:https?|mailto):[^>\s]*>?/giu },
  // Slack ids (users, channels, groups, bots, teams): a capital letter, then capitals and digits.
  { kind: "raw_id", pattern: /\b[UWCGBDT](?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z][A-Z0-9]*\b)[A-Z0-9]{7,11}\b/gu },
  { kind: "emoji_code", pattern: /(?<![A-Za-z0-9/]):[a-z0-9_+'-]*[a-z][a-z0-9_+'-]*:(?![A-Za-z0-9/])/giu },
  {
    kind: "visible_escape",
    pattern: /\\[\\`*_{}[\]()#+\-.!<>|~&]|&(?:lt|gt|amp|quot|apos|nbsp|#\d+|#x[0-9a-f]+);/giu,
  },
];

/** Chat markup left in `text` (URLs are looked through: `:` and ids inside a link are its own). */
export function findMarkup(text: string): MarkupHit[] {
  const withoutUrls = text.replace(URL, " ");
  return MARKUP.flatMap(({ kind, pattern }) =>
    [...(kind === "slack_markup" ? text : withoutUrls).matchAll(pattern)].map((m) => ({ kind, text: m[0] })),
  );
}

/** Word-like segments (Intl.Segmenter: also right for Japanese), a URL as one word. */
export function countWords(text: string): number {
  const segmenter = new Intl.Segmenter(undefined, { granularity: "word" });
  let words = 0;
  for (const segment of segmenter.segment(text.replace(URL, " link "))) {
    if (segment.isWordLike) words += 1;
  }
  return words;
}

/** Plain texts of the prose: intro, section summaries, paragraphs, items, next week, tune. */
function proseTexts(doc: WeeknoteDocument): string[] {
  return [
    doc.intro,
    ...doc.sections.flatMap((s) => [s.summary ?? "", ...(s.paragraphs ?? []).map((p) => p.text)]),
    ...citedTexts(doc),
  ].filter((text) => text.trim() !== "");
}

/** The texts of the cited parts: paragraphs, items, next week, tune. */
function citedTexts(doc: WeeknoteDocument): string[] {
  return [
    ...doc.sections.flatMap((s) => [
      ...(s.paragraphs ?? []).map((p) => p.text),
      ...s.items.map((i) => i.text),
    ]),
    ...doc.intoNextWeek.map((i) => i.text),
    ...(doc.tune ? [doc.tune.text] : []),
  ].filter((text, index, all) => all.indexOf(text) === index);
}

/**
 * "shared a file", or nothing left but links, file names and punctuation: the whole text, or one
 * of its sentences once a lead-in such as "On Friday, Kim wrote:" is taken off (a link-only
 * message woven into prose is still a link-only message).
 */
function isJunk(text: string): boolean {
  if (/\b(?:shared|uploaded|posted) (?:a|an|the) (?:file|image|photo|snippet|post)\b/iu.test(text)) {
    return true;
  }
  const empty = (t: string) => countWords(t.replace(URL, " ").replace(FILE_NAME, " ")) === 0;
  if (empty(text)) {
    return true;
  }
  const sentences = new Intl.Segmenter("en", { granularity: "sentence" });
  return [...sentences.segment(text)].some(({ segment }) => {
    const said = /^[^:]*\b(?:wrote|added|said|shared|posted|linked)\s*:\s*(.*)$/isu.exec(segment.trim());
    return (
      (said !== null && empty(said[1] ?? "")) ||
      (/\b(?:https?|ftp|mailto):/iu.test(segment) && empty(segment))
    );
  });
}

/** A channel name as a phrase: `team-kbc_digital` → `team kbc digital`. */
function phrase(name: string): string {
  return name
    .toLocaleLowerCase()
    .replace(/^#/, "")
    .replace(/[-_.\s]+/gu, " ")
    .trim();
}

function channelThemes(doc: WeeknoteDocument, channels: readonly string[]): string[] {
  const names = new Set(channels.map(phrase));
  const found = [...doc.themes, ...doc.sections.map((s) => s.heading)].filter((theme) =>
    names.has(phrase(theme)),
  );
  return [...new Set(found)];
}

/**
 * Flesch–Kincaid grade over `texts`, each its own run of sentences; see NoteQuality.fkGrade. The
 * counts are the summariser's own (readingCounts, so its estimate and this report agree); the
 * formula is the `flesch-kincaid` package's.
 */
export function fkGrade(texts: readonly string[]): number | undefined {
  const { sentences, words, syllables, latin } = readingCounts(texts);
  if (words === 0 || latin * 2 < words) {
    return undefined;
  }
  return fleschKincaid({ sentence: sentences, word: words, syllable: syllables });
}
