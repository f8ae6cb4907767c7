/**
 * One highlight as the offline summariser reads it: cleaned of chat furniture, cut into units
 * (sentences, a sentence with its translation), read for what it is about, and judged worth a
 * place in the note or not (a link on its own, a file notice, a few words).
 */

import type { Highlight } from "../../src/domain/highlight.ts";
import type { LeftOutReason } from "../../src/domain/weeknote.ts";
import { cleanChatText, cleanDisplayName, dropPronounsInText } from "./clean-text.ts";
import { countWords, isEnglish, type Reading, readEnglish, type Unit, unitsOf } from "./language.ts";

/** A highlight ready to be written about. */
export interface ReadHighlight {
  readonly highlight: Highlight;
  /** The author's name for prose (see cleanDisplayName). */
  readonly author: string;
  /** The message without chat furniture. */
  readonly text: string;
  readonly english: boolean;
  readonly units: readonly Unit[];
  /** What it is about: phrases, lemmas, dates, tense (English); word segments otherwise. */
  readonly reading: Reading;
  /** Number of people who tagged it. */
  readonly taggers: number;
  /** Why it cannot be in the note, if it cannot. */
  readonly junk: Extract<LeftOutReason, "link_only" | "file_only" | "too_short"> | undefined;
}

/** Fewest words (mentions aside) a message needs to say something on its own. */
export const MIN_WORDS = 3;

/** Reads one highlight. `keepNameSuffixes`: keep `(she/her)`, `| Product` in names. */
export function readHighlight(highlight: Highlight, keepNameSuffixes = false): ReadHighlight {
  const cleaned = cleanChatText(highlight.text);
  const text = dropPronounsInText(cleaned.text, keepNameSuffixes);
  const english = isEnglish(text);
  const units = text ? unitsOf(text) : [];
  // Subjects come from the whole message; its key phrases from its opening, the part a note quotes.
  const opening = openingOf(units);
  const full = english ? readEnglish(text) : readOther(text);
  const phrases = full.phrases.filter((p) => opening.includes(p));
  const reading = { ...full, phrases: phrases.length > 0 ? phrases : full.phrases };
  const words = countWords(cleaned.withoutMentions);
  let junk: ReadHighlight["junk"];
  if (words === 0 && cleaned.hadFile) {
    junk = "file_only";
  } else if (words === 0 && cleaned.hadLink) {
    junk = "link_only";
  } else if (words < MIN_WORDS || units.length === 0) {
    junk = "too_short";
  }
  return {
    highlight,
    author: cleanDisplayName(highlight.authorName, keepNameSuffixes),
    text,
    english,
    units,
    reading,
    taggers: new Set(highlight.tags.map((t) => t.user)).size,
    junk,
  };
}

/** Words of a message's opening that a note would quote. */
const OPENING_WORDS = 40;

function openingOf(units: readonly { text: string; words: number }[]): string {
  const kept: string[] = [];
  let words = 0;
  for (const unit of units) {
    if (kept.length > 0 && words + unit.words > OPENING_WORDS) {
      break;
    }
    kept.push(unit.text);
    words += unit.words;
  }
  return kept.join(" ");
}

const wordSegmenter = new Intl.Segmenter("und", { granularity: "word" });

// For text the English model does not know: its word segments of two or more letters stand in
// for lemmas, and a run of Han or Katakana (a noun, in Japanese) for a phrase.
function readOther(text: string): Reading {
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

/** Words of two messages, for telling a repeat: lower-case word segments. */
export function wordSet(text: string): Set<string> {
  const set = new Set<string>();
  for (const s of wordSegmenter.segment(text.toLocaleLowerCase())) {
    if (s.isWordLike) {
      set.add(s.segment);
    }
  }
  return set;
}

/** Share of words two sets have in common (Jaccard), 0 for two empty sets. */
export function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let common = 0;
  for (const w of a) {
    if (b.has(w)) {
      common += 1;
    }
  }
  const union = a.size + b.size - common;
  return union === 0 ? 0 : common / union;
}
