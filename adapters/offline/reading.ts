/**
 * One highlight as the offline summariser reads it, in two steps. readCheap (every highlight, no
 * NLP): cleaned of chat furniture, judged worth a place in the note or not (a link on its own or
 * with a few words of chatter, a file notice, a few words), with the words and links that tell a
 * repeat and a cheap rank. readHighlight (the best candidates only): the one wink-nlp pass that cuts
 * the message into units (sentences, a sentence with its translation) with their tokens and reads
 * what it is about.
 */

import type { Highlight } from "../../src/domain/highlight.ts";
import type { LeftOutReason } from "../../src/domain/weeknote.ts";
import { cleanChatText, cleanDisplayName, dropPronounsInText } from "./clean-text.ts";
import { countWords, type Reading, readMessage, type Unit } from "./language.ts";

/** A highlight read without NLP: enough to drop junk and repeats and to rank it roughly. */
export interface CheapRead {
  readonly highlight: Highlight;
  /** The author's name for prose (see cleanDisplayName). */
  readonly author: string;
  /** The message without chat furniture. */
  readonly text: string;
  /** Number of people who tagged it. */
  readonly taggers: number;
  /** Why it cannot be in the note, if it cannot. */
  readonly junk: Extract<LeftOutReason, "link_only" | "file_only" | "too_short"> | undefined;
  /** Lower-case word segments of the text, for telling a repeat. */
  readonly wordSet: ReadonlySet<string>;
  /** The links the raw message held, without scheme, `www.` or trailing slash, lower case. */
  readonly links: readonly string[];
  /** Rough worth before reading (taggers, figures, a readable length, not a bare question). */
  readonly cheapScore: number;
}

/** A highlight ready to be written about. */
export interface ReadHighlight extends CheapRead {
  readonly english: boolean;
  readonly units: readonly Unit[];
  /** What it is about: phrases, lemmas, dates, tense (English); word segments otherwise. */
  readonly reading: Reading;
}

/** Fewest words (mentions aside) a message needs to say something on its own. */
export const MIN_WORDS = 3;

// What is left of a shared link's message that says nothing by itself: a short question, a nudge
// to look, an aside ("Javier: have you seen this?", "look at this", "fyi").
const LINK_CHATTER =
  /^(?:(?:fyi|fwiw|ftr|nb|ps|this|here|interesting|nice|cool|wow|lol|haha|ha|oh|ooh|neat|great|love (?:this|it)|(?:look|check) (?:at )?(?:this|it)(?: out)?|check (?:this|it) out|have (?:you|y'?all) seen (?:this|it)|(?:did|have) you see (?:this|it)|see (?:this|here|above|below)|worth a (?:look|read)|in case (?:you|anyone)(?: missed it)?|for (?:those|anyone) interested|thought (?:you'?d|you would) like (?:this|it))\b[^\p{L}]*)+$/iu;
const VOCATIVE =
  /^(?:\p{Lu}[\p{L}'’.-]*(?: \p{Lu}[\p{L}'’.-]*){0,2}|all|everyone|folks|team|guys|y'?all)[:,]\s*/u;
const RAW_URL = /(?:https?:\/\/|www\.)[^\s<>|)]+/gi;

/** Reads one highlight without NLP. `keepNameSuffixes`: keep `(she/her)`, `| Product` in names. */
export function readCheap(highlight: Highlight, keepNameSuffixes = false): CheapRead {
  const cleaned = cleanChatText(highlight.text);
  const text = dropPronounsInText(cleaned.text, keepNameSuffixes);
  const words = countWords(cleaned.withoutMentions);
  let junk: CheapRead["junk"];
  if (words === 0 && cleaned.hadFile) {
    junk = "file_only";
  } else if (cleaned.hadLink && isLinkChatter(cleaned.withoutMentions, words)) {
    junk = "link_only";
  } else if (words < MIN_WORDS || text.trim() === "") {
    junk = "too_short";
  }
  const taggers = new Set(highlight.tags.map((t) => t.user)).size;
  return {
    highlight,
    author: cleanDisplayName(highlight.authorName, keepNameSuffixes),
    text,
    taggers,
    junk,
    wordSet: wordSet(text),
    links: linksOf(highlight.text),
    cheapScore: cheapScoreOf(text, words, taggers),
  };
}

/** Whether a message that held a link says nothing else: no words, or a short question or aside. */
export function isLinkChatter(withoutMentions: string, words: number): boolean {
  if (words === 0) {
    return true;
  }
  const rest = withoutMentions.replace(VOCATIVE, "").trim();
  const restWords = countWords(rest);
  return restWords <= 8 && (LINK_CHATTER.test(rest) || (/\?\s*$/u.test(rest) && restWords <= 6));
}

function linksOf(raw: string): string[] {
  return (raw.match(RAW_URL) ?? []).map((u) => {
    let link = u.toLocaleLowerCase().replace(/^https?:\/\/(?:www\.)?|^www\./, "");
    // Trailing slashes and punctuation, one by one (a pattern anchored at the end is not linear).
    while (link !== "" && "/.,;:!?>".includes(link.charAt(link.length - 1))) {
      link = link.slice(0, -1);
    }
    return link;
  });
}

// The rank before reading: who tagged it, what it reports in figures, and a readable length; a
// message that is only a question ranks low. Only to pick which messages are read (TOP_READ).
function cheapScoreOf(text: string, words: number, taggers: number): number {
  const figures = Math.min((text.match(/\d+(?:[.,]\d+)*/g) ?? []).length, 3);
  const length = words < 6 ? -3 : words <= 60 ? Math.min(words, 30) / 10 : 1;
  const question = /\?\s*$/u.test(text) && !/[.!]\s/u.test(text) ? -4 : 0;
  return Math.min(taggers, 4) * 2 + figures + length + question;
}

/** Reads one highlight fully (one wink-nlp pass); `cheap` is its readCheap, when already made. */
export function readHighlight(
  highlight: Highlight,
  keepNameSuffixes = false,
  cheap?: CheapRead,
): ReadHighlight {
  const first = cheap ?? readCheap(highlight, keepNameSuffixes);
  const read = first.text ? readMessage(first.text) : undefined;
  return {
    ...first,
    english: read?.english ?? true,
    units: read?.units ?? [],
    reading: read?.reading ?? {
      phrases: [],
      lemmas: new Set(),
      properNouns: new Set(),
      dates: [],
      future: false,
      past: false,
    },
  };
}

const wordSegmenter = new Intl.Segmenter("und", { granularity: "word" });

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
