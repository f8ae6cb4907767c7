/**
 * The Flesch–Kincaid reading grade the offline summariser keeps its prose to, counted as the
 * quality report counts it (Intl.Segmenter sentences and words, syllables by the `syllable`
 * package), with no NLP, so it is cheap enough to try every quote.
 */
import { syllable } from "syllable";
import { sentenceSegmenter, wordSegmenter } from "./segmenters.ts";

const LATIN_WORD = /\p{Script=Latin}/u;
// A URL is not words to read: left out of the counts, as the quality report leaves it out.
const URL_IN_TEXT = /\b(?:https?|ftp|mailto):[^\s<>()]*[^\s<>().,;:!?'"]/giu;

/** English syllables of one word, at least one: the `syllable` package (wooorm). */
export function syllablesOf(word: string): number {
  return Math.max(1, syllable(word));
}

/** What a reading grade is computed from. */
export interface ReadingCounts {
  readonly sentences: number;
  readonly words: number;
  /** Syllables of the words in Latin script (syllablesOf), one for every other word. */
  readonly syllables: number;
  /** Words in Latin script. */
  readonly latin: number;
}

/**
 * Sentences, words and syllables of `texts` (each its own run of sentences), URLs left out:
 * Intl.Segmenter sentences and words (so Japanese counts too), a word not in Latin script one
 * syllable. The one count behind readingGrade and the quality report (scripts/quality/measure.ts).
 */
export function readingCounts(texts: readonly string[]): ReadingCounts {
  let sentences = 0;
  let words = 0;
  let latin = 0;
  let syllables = 0;
  for (const text of texts) {
    for (const { segment } of sentenceSegmenter("en").segment(text.replace(URL_IN_TEXT, " "))) {
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
  return { sentences, words, syllables, latin };
}

/**
 * The Flesch–Kincaid grade of `texts` (each its own run of sentences) as the quality report
 * counts it (readingCounts): 0.39·words/sentences + 11.8·syllables/words − 15.59. Undefined for
 * text with no words, or under half its words in Latin script, where the formula means nothing.
 * No NLP: cheap enough to try every quote.
 */
export function readingGrade(texts: readonly string[]): number | undefined {
  const { sentences, words, syllables, latin } = readingCounts(texts);
  if (words === 0 || latin * 2 < words) {
    return undefined;
  }
  return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59;
}
