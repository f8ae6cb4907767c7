/**
 * The offline summariser's reading of text, through wink-nlp and its packaged English model
 * (sentences, parts of speech, lemmas, named entities), and Intl.Segmenter for text in languages the
 * English model does not know (Welsh, Japanese…). The model is loaded once: by loadLanguageModel
 * (the bot's prepare() at start) or on first use (0.2–2 s), and only the opening of a message is read, so a 40,000-character message costs no more
 * than a long one. readMessage reads a message in one wink pass: its units, their tokens and what
 * it is about. readingGrade estimates a reading grade without NLP, as the quality report counts it.
 */

import model from "wink-eng-lite-web-model";
import winkNLP, { type ItemToken, type WinkMethods } from "wink-nlp";

/** Characters of a message that are read; sentences past this are never quoted. */
export const READ_CHARACTERS = 3000;

/** The wink instance with the noun-phrase patterns learnt; made once. */
let wink: WinkMethods | undefined;

function nlp(): WinkMethods {
  if (!wink) {
    wink = winkNLP(model);
    // Key phrases are noun phrases: up to four modifiers before a head noun (wink's POS patterns,
    // Universal POS tags). "bulky waste collection", "accessibility audit", "R Project Sprint".
    wink.learnCustomEntities(
      [
        {
          name: "phrase",
          patterns: [
            "[ADJ|NOUN|PROPN] [NOUN|PROPN]",
            "[ADJ|NOUN|PROPN] [ADJ|NOUN|PROPN] [NOUN|PROPN]",
            "[ADJ|NOUN|PROPN] [ADJ|NOUN|PROPN] [ADJ|NOUN|PROPN] [NOUN|PROPN]",
            "[NOUN|PROPN] [ADP] [NOUN|PROPN]",
            "[NOUN|PROPN] [ADP] [ADJ|NOUN|PROPN] [NOUN|PROPN]",
          ],
        },
      ],
      { matchValue: false, usePOS: true, useEntity: false },
    );
  }
  return wink;
}

/**
 * Loads the English model and reads one sentence with it, so the first summary does not pay for it
 * (about 2 s on a small machine). Idempotent; synchronous: call it before the server listens.
 */
export function loadLanguageModel(): void {
  nlp().readDoc("The model is ready.");
}

/** Whether text is (mostly) English: Latin script and, past a few words, English function words. */
export function isEnglish(text: string): boolean {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) {
    return true;
  }
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  if (latin / letters < 0.7) {
    return false;
  }
  const its = nlp().its;
  const words = nlp()
    .readDoc(text.slice(0, READ_CHARACTERS))
    .tokens()
    .filter((t: ItemToken) => t.out(its.type) === "word");
  if (words.length() < 6) {
    return true;
  }
  // English prose is a third to a half function words (the, of, to, we…); Welsh or Spanish
  // written in Latin letters has almost none that the English model knows.
  const stop = words.filter((t: ItemToken) => t.out(its.stopWordFlag) === true).length();
  return stop / words.length() >= 0.18;
}

/** Word-like segments of `text` (any script), through Intl.Segmenter. */
export function countWords(text: string): number {
  let n = 0;
  for (const s of wordSegmenter.segment(text)) {
    if (s.isWordLike) {
      n += 1;
    }
  }
  return n;
}

const wordSegmenter = new Intl.Segmenter("und", { granularity: "word" });
const sentenceSegmenters = new Map<string, Intl.Segmenter>();

function sentenceSegmenter(locale: string): Intl.Segmenter {
  let s = sentenceSegmenters.get(locale);
  if (!s) {
    s = new Intl.Segmenter(locale, { granularity: "sentence" });
    sentenceSegmenters.set(locale, s);
  }
  return s;
}

const LONG_SENTENCE = 25;
// One space after the emoji: the text is tidied to single spaces (clean-text.ts), and a bounded
// look-behind keeps the split linear.
const EMOJI_END = /(?<=\p{Extended_Pictographic}\uFE0F? )(?=\p{Lu}\p{Ll})/u;

function segmentSentences(text: string, locale: string): string[] {
  return [...sentenceSegmenter(locale).segment(text)].map((s) => s.segment);
}

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

/** A stretch of a message that is quoted whole or not at all: a sentence, or a sentence with its translation. */
export interface Unit {
  readonly text: string;
  readonly words: number;
  /** Text and its translation: long, but never cut. */
  readonly bilingual: boolean;
  /** Whether the unit reads as English (its words' parts of speech mean something). */
  readonly english: boolean;
  /** Its word tokens as wink-nlp read them (empty for text the English model does not read). */
  readonly tokens: readonly WordToken[];
}

/** One token of a unit, as read in the one wink-nlp pass over its message. */
export interface WordToken {
  /** As written. */
  readonly text: string;
  /** Lower case. */
  readonly normal: string;
  readonly lemma: string;
  /** Universal POS tag (`NOUN`, `VERB`, `PROPN`, `NUM`, `PUNCT`…). */
  readonly pos: string;
  /** wink's token type: `word`, `number`, `punctuation`, `emoji`, `symbol`… */
  readonly type: string;
  readonly stop: boolean;
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

interface Piece {
  text: string;
  tokens: WordToken[];
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

// The unit rules of unitsOf, over lines already cut into sentences.
function buildUnits(
  lines: readonly { english: boolean; pieces: readonly Piece[] }[],
  truncated: boolean,
): Unit[] {
  const languages = new Set(
    lines.filter((l) => countWords(l.pieces.map((p) => p.text).join(" ")) >= 4).map((l) => l.english),
  );
  if (languages.size > 1 && !truncated) {
    const whole = lines.flatMap((l) => l.pieces.map((p) => p.text)).join(" ");
    return [{ text: whole, words: countWords(whole), bilingual: true, english: false, tokens: [] }];
  }
  const units: Unit[] = [];
  lines.forEach((line, index) => {
    let pieces = line.pieces;
    if (truncated && index === lines.length - 1) {
      pieces = pieces.slice(0, -1);
    }
    const lineUnits: Piece[] = [];
    for (const piece of pieces) {
      const previous = lineUnits.at(-1);
      if (previous !== undefined && bracketDepth(previous.text) > 0) {
        lineUnits[lineUnits.length - 1] = {
          text: `${previous.text} ${piece.text}`,
          tokens: [...previous.tokens, ...piece.tokens],
        };
      } else {
        lineUnits.push(piece);
      }
    }
    const glued: { piece: Piece; bilingual: boolean }[] = [];
    for (const piece of lineUnits) {
      const before = glued.map((g) => g.piece.text).join(" ");
      if (glued.length > 0 && piece.text.startsWith("(") && isTranslation(before, piece)) {
        const merged = {
          text: `${before} ${piece.text}`,
          tokens: glued.flatMap((g) => g.piece.tokens).concat(piece.tokens),
        };
        glued.splice(0, glued.length, { piece: merged, bilingual: true });
      } else {
        glued.push({ piece, bilingual: false });
      }
    }
    for (const { piece, bilingual } of glued) {
      const text = endSentence(piece.text);
      units.push({
        text,
        words: countWords(text),
        bilingual,
        english: line.english && !bilingual,
        tokens: line.english && !bilingual ? piece.tokens : [],
      });
    }
  });
  return units;
}

function isTranslation(before: string, bracket: Piece): boolean {
  const inner = bracket.text.slice(1, -1);
  return countWords(bracket.text) >= 3 && isEnglish(before) !== isEnglish(inner);
}

// Open brackets minus closed ones, so a unit ends only where its brackets are closed.
function bracketDepth(text: string): number {
  let depth = 0;
  for (const c of text) {
    if (c === "(" || c === "[") {
      depth += 1;
    } else if ((c === ")" || c === "]") && depth > 0) {
      depth -= 1;
    }
  }
  return depth;
}

// A line of a list ("Goals for the sprint", "Global translation guidelines") becomes a sentence.
function endSentence(unit: string): string {
  if (/[.!?…。！？)"”’'\p{Extended_Pictographic}]$/u.test(unit)) {
    return unit;
  }
  let open = unit;
  while (/[,:;、]$/u.test(open)) {
    open = open.slice(0, -1);
  }
  return /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u.test(open) ? `${open}。` : `${open}.`;
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

/** Reads an English text (the opening READ_CHARACTERS) for its phrases, lemmas, dates and tense. */
export function readEnglish(text: string): Reading {
  return readEnglishDoc(nlp().readDoc(text.slice(0, READ_CHARACTERS)));
}

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

const LATIN_WORD = /\p{Script=Latin}/u;

/**
 * English syllables of one word, by the usual rule of thumb: groups of vowels (y counts), less a
 * silent final `e`/`es`/`ed`, at least one. Within a syllable or so of dictionary counts on
 * ordinary words; enough for a reading grade.
 */
export function syllablesOf(word: string): number {
  // "Daróczi", "Siân": the accent off, the vowel kept.
  let w = word
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLocaleLowerCase()
    .replace(/[^a-z]/g, "");
  if (w.length === 0) {
    return 1;
  }
  let extra = 0;
  // "wouldn't", "isn't": the n't is a syllable after a consonant.
  if (/[bcdfghjklmpqrstvwxz]n['’]t$/iu.test(word)) {
    extra += 1;
  }
  // A silent `e` before a suffix: "useful", "safely", "movement".
  extra -= (w.match(/[^aeiouy]e(?=(?:ly|ful|ments?|ness|less|some)$)/g) ?? []).length;
  // Two vowels read apart: "idea", "studio", "casual", "being".
  extra += (w.match(/(?<![tscxg])io|(?<![gq])ua|ia|iu|ea$|ei(?=ng)|ay(?=ing)/g) ?? []).length;
  // A silent final e, es or ed ("made", "roles", "merged"), but not "-le", nor "-ted"/"-ded", nor
  // "-ses"/"-ges"/"-ches" (a syllable of their own).
  w = w
    .replace(/(?:[^laeiouytd]ed|[^laeiouy]e)$/, (m) => m.charAt(0))
    .replace(/([^aeiouycgsxzh])es$/, "$1")
    .replace(/^y/, "");
  const groups = w.match(/[aeiouy]+/g)?.length ?? 0;
  return Math.max(1, groups + extra);
}

/**
 * The Flesch–Kincaid grade of `texts` (each its own run of sentences) as the quality report
 * counts it (scripts/quality/measure.ts): Intl.Segmenter sentences and words, a word not in Latin
 * script one syllable, grade = 0.39·words/sentences + 11.8·syllables/words − 15.59; syllables by
 * syllablesOf. Undefined for text with no words, or under half its words in Latin script. No NLP:
 * cheap enough to try every quote.
 */
export function readingGrade(texts: readonly string[]): number | undefined {
  let sentences = 0;
  let words = 0;
  let latin = 0;
  let syllables = 0;
  for (const text of texts) {
    for (const { segment } of sentenceSegmenter("en").segment(text)) {
      let inSentence = 0;
      for (const s of wordSegmenter.segment(segment)) {
        if (!s.isWordLike) {
          continue;
        }
        inSentence += 1;
        if (LATIN_WORD.test(s.segment)) {
          latin += 1;
          syllables += syllablesOf(s.segment);
        } else {
          syllables += 1;
        }
      }
      if (inSentence > 0) {
        sentences += 1;
        words += inSentence;
      }
    }
  }
  if (words === 0 || latin * 2 < words) {
    return undefined;
  }
  return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59;
}
