/**
 * The offline summariser's reading of text, through wink-nlp and its packaged English model
 * (sentences, parts of speech, lemmas, named entities), and Intl.Segmenter for text in languages the
 * English model does not know (Welsh, Japanese…). The model is loaded once: by loadLanguageModel
 * (the bot's prepare() at start) or on first use (0.2–2 s), and only the opening of a message is read, so a 40,000-character message costs no more
 * than a long one. readMessage reads a message in one wink pass: its units, their tokens and what
 * it is about. readingGrade estimates a reading grade without NLP, as the quality report counts it.
 * The model, the segmenters, the units and the grade have files of their own (english-model.ts,
 * segmenters.ts, units.ts, reading-grade.ts); this file re-exports what the rest of the summariser uses.
 */

import type { ItemToken, WinkMethods } from "wink-nlp";
import { nlp, READ_CHARACTERS } from "./english-model.ts";
import { countWords, segmentSentences, wordSegmenter } from "./segmenters.ts";
import { buildUnits, type Piece, type Unit, type WordToken } from "./units.ts";

export { isEnglish, loadLanguageModel, READ_CHARACTERS } from "./english-model.ts";
export { readingGrade, syllablesOf } from "./reading-grade.ts";
export { countWords } from "./segmenters.ts";
export type { Unit, WordToken } from "./units.ts";

const LONG_SENTENCE = 25;
// One space after the emoji: the text is tidied to single spaces (clean-text.ts), and a bounded
// look-behind keeps the split linear.
const EMOJI_END = /(?<=\p{Extended_Pictographic}\uFE0F? )(?=\p{Lu}\p{Ll})/u;

/**
 * The units of a message, in order: each line's sentences, a sentence whose bracket closes in a
 * later sentence joined to it, and a bracketed translation (a bracket in another language than
 * the text before it on its line, as in `Diolch o galon! (Thank you!)`) joined to all that
 * precedes it on the line, so no trim ever separates a text from its translation. A message whose
 * lines are in two languages is one unit. Reads at most READ_CHARACTERS; a sentence cut by that
 * limit is not a unit.
 */
export function unitsOf(text: string): Unit[] {
  return [...readMessage(text).units];
}

// For text the English model does not know: its word segments of two or more letters stand in
// for lemmas, and a run of Han or Katakana (a noun, in Japanese) for a phrase.
export function readOther(text: string): Reading {
  const lemmas = new Set<string>();
  const phrases: string[] = [];
  for (const s of wordSegmenter.segment(text)) {
    const word = s.segment.toLocaleLowerCase();
    if (s.isWordLike && [...word].length >= 2 && !/^\p{N}+$/u.test(word)) {
      if (/^[\p{Script=Han}\p{Script=Katakana}ー]+$/u.test(word) || /^\p{Script=Latin}{4,}$/u.test(word)) {
        lemmas.add(word);
      }
    }
  }
  for (const run of text.match(/[\p{Script=Han}\p{Script=Katakana}ー]{2,12}/gu) ?? []) {
    phrases.push(run);
  }
  return { phrases, lemmas, properNouns: new Set(), dates: [], future: false, past: false };
}

/** A message read once: its units, whether it is English, and what it is about. */
export interface MessageReading {
  readonly english: boolean;
  readonly units: readonly Unit[];
  readonly reading: Reading;
}

/**
 * Reads a message (its opening READ_CHARACTERS) in one wink-nlp pass: its units (see unitsOf), each
 * with its tokens, whether it is English, and its Reading. Text mostly outside the Latin script is
 * not given to wink at all (Intl.Segmenter sentences, readOther).
 */
export function readMessage(text: string): MessageReading {
  const read = text.length > READ_CHARACTERS ? text.slice(0, READ_CHARACTERS) : text;
  const truncated = read.length < text.length;
  if (!latinEnough(read)) {
    const units = buildUnits(
      read
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((line) => ({
          english: false,
          pieces: otherSentences(line).map((s) => ({ text: s, tokens: [] })),
        })),
      truncated,
    );
    return { english: false, units, reading: readOther(text) };
  }
  const w = nlp();
  const its = w.its;
  const doc = w.readDoc(read);
  // Lines of tokens, each token with its sentence index and the text before it.
  interface Tok extends WordToken {
    readonly before: string;
    readonly sentence: number;
  }
  const lines: Tok[][] = [[]];
  doc.tokens().each((t: ItemToken) => {
    const value = t.out();
    const type = String(t.out(its.type));
    if (type === "tabCRLF" || /^\s+$/.test(value)) {
      if (value.includes("\n") && (lines.at(-1)?.length ?? 0) > 0) {
        lines.push([]);
      }
      return;
    }
    lines.at(-1)?.push({
      text: value,
      normal: String(t.out(its.normal)),
      lemma: String(t.out(its.lemma as unknown as typeof its.normal)),
      pos: String(t.out(its.pos)),
      type,
      stop: t.out(its.stopWordFlag) === true,
      before: String(t.out(its.precedingSpaces)),
      sentence: t.parentSentence().index(),
    });
  });
  const all = lines.flat();
  const english = englishTokens(all, read);
  const lineReads = lines
    .filter((l) => l.length > 0)
    .map((line) => {
      const lineText = joinTokens(line);
      const lineEnglish = englishTokens(line, lineText);
      let pieces: Piece[];
      if (lineEnglish) {
        const bySentence = new Map<number, Tok[]>();
        for (const tok of line) {
          bySentence.set(tok.sentence, [...(bySentence.get(tok.sentence) ?? []), tok]);
        }
        pieces = [...bySentence.values()].flatMap((toks) => {
          const sentence = joinTokens(toks);
          // wink reads `at level A. Still to do` as an initial and runs on: a long sentence is
          // split again by Intl.Segmenter, which ends a sentence at every full stop before a capital.
          const parts = countWords(sentence) > LONG_SENTENCE ? segmentSentences(sentence, "en") : [sentence];
          // "live in beta 🎉 First booking came in…": an emoji before a capital ends a sentence.
          const split = parts.flatMap((p) => p.split(EMOJI_END));
          return split.length > 1 ? splitPiece(toks, split) : [{ text: sentence, tokens: toks }];
        });
      } else {
        pieces = splitPiece(line, otherSentences(lineText));
      }
      return { english: lineEnglish, pieces: pieces.filter((p) => p.text.trim() !== "") };
    });
  const units = buildUnits(lineReads, truncated);
  return { english, units, reading: english ? readEnglishDoc(doc) : readOther(text) };
}

function latinEnough(text: string): boolean {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return letters === 0 || latin / letters >= 0.7;
}

// English prose is a third to a half function words (the, of, to, we…); Welsh or Spanish
// written in Latin letters has almost none that the English model knows.
function englishTokens(tokens: readonly WordToken[], text: string): boolean {
  if (!latinEnough(text)) {
    return false;
  }
  const words = tokens.filter((t) => t.type === "word");
  if (words.length < 6) {
    return true;
  }
  return words.filter((t) => t.stop).length / words.length >= 0.18;
}

function joinTokens(tokens: readonly { text: string; before: string }[]): string {
  return tokens
    .map((t, i) => (i === 0 ? t.text : `${t.before}${t.text}`))
    .join("")
    .trim();
}

// Tokens shared out to the sentences Intl.Segmenter found in their text, by character offset.
function splitPiece(
  tokens: readonly (WordToken & { before: string })[],
  sentences: readonly string[],
): Piece[] {
  const out: Piece[] = sentences.map((s) => ({ text: s.trim(), tokens: [] }));
  let offset = 0;
  const ends: number[] = [];
  for (const s of sentences) {
    offset += s.length;
    ends.push(offset);
  }
  let at = 0;
  tokens.forEach((t, i) => {
    at += i === 0 ? 0 : t.before.length;
    const index = ends.findIndex((end) => at < end);
    out[index < 0 ? out.length - 1 : index]?.tokens.push(t);
    at += t.text.length;
  });
  return out.filter((p) => p.text !== "");
}

function otherSentences(line: string): string[] {
  return segmentSentences(
    line,
    /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}/u.test(line) ? "ja" : "und",
  )
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** What a highlight is about, for themes and grouping. */
export interface Reading {
  /** Noun phrases of 2–5 words, as written (case kept), in order. */
  readonly phrases: readonly string[];
  /** Content lemmas (nouns, proper nouns), lower case. */
  readonly lemmas: ReadonlySet<string>;
  /** Parts of speech of the words, for proper-noun casing: word (lower case) → is a proper noun. */
  readonly properNouns: ReadonlySet<string>;
  /** DATE entities (`Wednesday`, `next week`, `31 March`). */
  readonly dates: readonly string[];
  /** The text speaks of the future: `will`, `'ll`, `shall`, `going to`, `next`, `upcoming`, `soon`. */
  readonly future: boolean;
  /** The text has a verb in the past tense (`went`, `fixed`, `was`) or a past participle of a done thing. */
  readonly past: boolean;
}

const FUTURE_WORDS = new Set([
  "will",
  "shall",
  "next",
  "upcoming",
  "soon",
  "tomorrow",
  "later",
  "plan",
  "planning",
]);
const PAST_AUX = new Set(["was", "were", "did", "had"]);

function readEnglishDoc(doc: ReturnType<WinkMethods["readDoc"]>): Reading {
  const w = nlp();
  const its = w.its;
  const phrases = (doc.customEntities().out() as string[]).filter(
    (p) => countWords(p) >= 2 && countWords(p) <= 5,
  );
  const lemmas = new Set<string>();
  const properNouns = new Set<string>();
  let future = false;
  let past = false;
  let previous = "";
  doc.tokens().each((t: ItemToken) => {
    const pos = t.out(its.pos);
    const normal = String(t.out(its.normal));
    const lemma = String(t.out(its.lemma as unknown as typeof its.normal));
    if (
      (pos === "NOUN" || pos === "PROPN") &&
      t.out(its.stopWordFlag) !== true &&
      /\p{L}{3,}/u.test(normal)
    ) {
      lemmas.add(lemma);
    }
    if (pos === "PROPN") {
      properNouns.add(normal);
    }
    if (FUTURE_WORDS.has(normal) || (previous === "going" && normal === "to")) {
      future = true;
    }
    if (
      (pos === "AUX" && PAST_AUX.has(normal)) ||
      (pos === "VERB" && normal !== lemma && /ed$/.test(normal)) ||
      (pos === "VERB" && ["went", "ran", "came", "done", "gave", "made", "took", "met"].includes(normal))
    ) {
      past = true;
    }
    previous = normal;
  });
  const dates = (doc.entities().out(its.detail) as { value: string; type: string }[])
    .filter((e) => e.type === "DATE")
    .map((e) => e.value);
  return { phrases, lemmas, properNouns, dates, future, past };
}
