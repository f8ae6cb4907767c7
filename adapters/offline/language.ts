/**
 * The offline summariser's reading of text, through wink-nlp and its packaged English model
 * (sentences, parts of speech, lemmas, named entities), and Intl.Segmenter for text in languages the
 * English model does not know (Welsh, Japanese…). The model is loaded once: by loadLanguageModel
 * (the bot's prepare() at start) or on first use (0.2–2 s), and only the opening of a message is read, so a 40,000-character message costs no more
 * than a long one.
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

/**
 * The Flesch–Kincaid grade of English `text`, from wink-nlp's readability statistics: its Flesch
 * reading ease (FRE = 206.835 − 1.015·W/S − 84.6·Y/W) gives syllables per word Y/W, then grade =
 * 0.39·W/S + 11.8·Y/W − 15.59. wink counts syllables its own way, so this is an estimate within about
 * a grade of other counters; undefined for text with no words.
 */
export function gradeOf(text: string): number | undefined {
  const stats = nlp().readDoc(text).out(nlp().its.readabilityStats) as {
    fres: number;
    numOfWords: number;
    numOfSentences: number;
  };
  if (stats.numOfWords === 0 || stats.numOfSentences === 0) {
    return undefined;
  }
  const perSentence = stats.numOfWords / stats.numOfSentences;
  const perWord = (206.835 - 1.015 * perSentence - stats.fres) / 84.6;
  return 0.39 * perSentence + 11.8 * perWord - 15.59;
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

/** A stretch of a message that is quoted whole or not at all: a sentence, or a sentence with its translation. */
export interface Unit {
  readonly text: string;
  readonly words: number;
  /** Text and its translation: long, but never cut. */
  readonly bilingual: boolean;
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

/**
 * Sentences of one line: wink for English, Intl.Segmenter otherwise. A wink sentence of more than
 * LONG_SENTENCE words is split again by Intl.Segmenter, which ends a sentence at every full stop
 * before a capital: wink reads `at level A. Still to do` as an initial and runs on.
 */
function sentencesOfLine(line: string): string[] {
  const raw = isEnglish(line)
    ? (nlp().readDoc(line).sentences().out() as string[]).flatMap((s) =>
        countWords(s) > LONG_SENTENCE ? segmentSentences(s, "en") : [s],
      )
    : segmentSentences(
        line,
        /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}/u.test(line) ? "ja" : "und",
      );
  return raw.map((s) => s.trim()).filter((s) => s !== "");
}

const LONG_SENTENCE = 25;

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
  const read = text.length > READ_CHARACTERS ? text.slice(0, READ_CHARACTERS) : text;
  const truncated = read.length < text.length;
  const lines = read.split("\n").filter((l) => l.trim() !== "");
  const languages = new Set(lines.filter((l) => countWords(l) >= 4).map((l) => isEnglish(l)));
  if (languages.size > 1 && !truncated) {
    const whole = lines.join(" ");
    return [{ text: whole, words: countWords(whole), bilingual: true }];
  }
  const units: string[] = [];
  const bilingual = new Set<string>();
  lines.forEach((line, index) => {
    let sentences = sentencesOfLine(line);
    if (truncated && index === lines.length - 1) {
      sentences = sentences.slice(0, -1);
    }
    const lineUnits: string[] = [];
    for (const sentence of sentences) {
      const previous = lineUnits.at(-1);
      if (previous !== undefined && bracketDepth(previous) > 0) {
        lineUnits[lineUnits.length - 1] = `${previous} ${sentence}`;
      } else {
        lineUnits.push(sentence);
      }
    }
    const glued: string[] = [];
    for (const unit of lineUnits) {
      if (glued.length > 0 && unit.startsWith("(") && isTranslation(glued.join(" "), unit)) {
        glued.splice(0, glued.length, `${glued.join(" ")} ${unit}`);
        bilingual.add(endSentence(glued[0] ?? ""));
      } else {
        glued.push(unit);
      }
    }
    units.push(...glued.map(endSentence));
  });
  return units.map((u) => ({ text: u, words: countWords(u), bilingual: bilingual.has(u) }));
}

function isTranslation(before: string, bracket: string): boolean {
  return countWords(bracket) >= 3 && isEnglish(before) !== isEnglish(bracket.slice(1, -1));
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
  const w = nlp();
  const its = w.its;
  const doc = w.readDoc(text.slice(0, READ_CHARACTERS));
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
