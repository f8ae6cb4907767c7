/**
 * Sentence salience (issue 9): how much news one unit of a message carries, so the note quotes what
 * a message reports rather than how it opens. A unit scores for figures, outcome and change words
 * (by wink-nlp lemma: fixed, merged, live, decided…), named things (proper nouns), a verb and a
 * readable length; it loses for being a question, a request or an instruction to someone, a bare
 * reaction or reply ("Cool, that's close!"), a greeting, a pointer to somewhere else ("More in
 * #website", "Write-up to follow") and, outside the thanks section, a thanks.
 */

import type { Unit, WordToken } from "./language.ts";

/** Where the quote goes: a theme paragraph, challenges, thanks, "Into next week…" or the tune. */
export type Slot = "theme" | "challenges" | "thanks" | "next" | "tune";

// Lemmas of what happened: something went live, was fixed, was decided, was found.
const OUTCOME_LEMMAS = new Set([
  "launch",
  "live",
  "do",
  "done",
  "fix",
  "merge",
  "deploy",
  "ship",
  "publish",
  "decide",
  "decision",
  "sign",
  "finish",
  "find",
  "finding",
  "release",
  "complete",
  "submit",
  "approve",
  "win",
  "award",
  "open",
  "close",
  "create",
  "build",
  "start",
  "reach",
  "pass",
  "accept",
  "agree",
  "fund",
  "hire",
  "migrate",
  "move",
  "test",
  "update",
  "upgrade",
  "add",
  "remove",
  "wrap",
  "deliver",
  "run",
  "resolve",
  "reduce",
  "increase",
  "grow",
  "cut",
  "save",
  "change",
  "learn",
  "result",
  "lesson",
  "outcome",
  "milestone",
  "progress",
  "go",
]);
// Words of a bare reaction or reply at the start of a sentence.
const REACTION_START =
  /^(?:cool|oh|ooh|ah|aw+|yes|yeah|yep|yup|no|nope|ok|okay|sure|great|nice|awesome|amazing|wow|haha|lol|hmm+|indeed|absolutely|exactly|true|right|agreed|totally|perfect|lovely|brilliant|congrats|congratulations|yay|woo+|welcome|sorry|oops|same|ditto|\+1)\b/i;
const REACTION_PHRASE =
  /^(?:that|this|it) (?:sounds|looks|seems|is|was) (?:great|good|nice|cool|useful|quite|really|so|very|amazing|awesome|fine|fun|lovely|perfect|interesting)\b|^(?:sounds|looks) (?:great|good|nice|like)\b|^i (?:agree|think|guess|suppose|feel|believe|love|like)\b|^(?:me too|same here|good (?:idea|point|question)|great (?:idea|point|question|job|work)|well done|good job|nice (?:one|work))\b/i;
const GREETING = /^(?:hi|hello|hey|hiya|morning|good morning|good afternoon|good evening|dear|welcome)\b/i;
// A request or instruction to someone: "can you…", "please…", "let me know…", "feel free…".
const REQUEST =
  /\b(?:can|could|would|will) (?:you|someone|anyone|somebody|we)\b|\b(?:please|pls|plz|kindly)\b|^(?:let (?:me|us) (?:know|think|see|check)|feel free|do (?:not|n't) forget|don'?t forget|remember to|make sure|shout if|ping me|reach out|get in touch|pop (?:in|along|over)|come (?:along|and)|join us|bring (?:a|your)|check (?:out|it|this|the)|take a look|have a look|see (?:the|this|here|below|above))\b/i;
// Pointers and furniture: where more is, not what happened.
const POINTER =
  /^(?:more|further|full)?\s?(?:details?|info|information|notes?|slides?|recording|minutes|write-?up|report|tracker|link|links|docs?|agenda|thread|source|deck|video|form|survey|sheet|spreadsheet|board|repo|issue|pr)\b[^.!?]{0,60}\b(?:in|on|at|here|to follow|below|above|attached)\b|^(?:more|details|everything) (?:in|on|at|here)\b|^(?:report|tracker|link|links|slides|notes|recording|minutes|agenda|docs?|write-?up|source|thread|ticket|issue|pr|deck|video|form|survey|board|repo|sheet)s?\s?:|\bto follow[.!]?$|^(?:added|opened|filed|created|posted) (?:an? )?(?:issue|ticket|pr|thread|link)s? (?:here|for this|for it)\b|^(?:see|read) (?:more|the (?:thread|notes|report|write-?up|slides))\b/i;
const THANKS = /\b(?:thank|thanks|thankyou|thx|shout-?out|kudos|cheers|grateful|diolch)\b/i;
const FIGURE = /(?:^|[^\p{L}])[£$€]?\d[\d.,:]*(?:%|k|m|bn)?(?![\p{L}])/gu;
const NUMBER_WORDS =
  /\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|half|all|every|no|zero|first)\b/i;
const HEDGE = /\b(?:maybe|perhaps|might|i think|i guess|i wonder|not sure|probably|possibly|honestly)\b/i;

/** Whether a lemma says something happened ("fix", "launch", "done") rather than what it was about. */
export function isOutcomeLemma(lemma: string): boolean {
  return OUTCOME_LEMMAS.has(lemma);
}

/** Words of a readable sentence: shorter is a fragment, longer is hard to read (FK grade). */
export const READABLE_WORDS = { min: 6, max: 22 } as const;

/** Whether a unit is a question (ends in `?`, or opens with a question word and an auxiliary). */
export function isQuestion(unit: Unit): boolean {
  const text = unit.text.trim();
  if (/\?[)"”’'\s\p{Extended_Pictographic}]*$/u.test(text)) {
    return true;
  }
  const first = unit.tokens.find((t) => t.type === "word");
  const second = unit.tokens.filter((t) => t.type === "word")[1];
  return (
    first !== undefined &&
    /^(?:who|what|when|where|why|how|which|is|are|do|does|did|can|could|would|should|will|shall|has|have|anyone|any)$/i.test(
      first.normal,
    ) &&
    second !== undefined &&
    (second.pos === "PRON" || second.pos === "AUX" || second.pos === "DET") &&
    !/[.!]$/.test(text)
  );
}

/** Whether a unit thanks someone. */
export function isThanks(unit: Unit): boolean {
  return THANKS.test(unit.text);
}

/**
 * The salience of one unit for `slot`: positive for a unit that reports something, negative for
 * chatter. English units are read by their tokens; other units by figures and length only.
 */
export function salienceOf(unit: Unit, slot: Slot): number {
  const text = unit.text.trim();
  const words = unit.words;
  let score = 0;
  // What it reports: figures, outcome words, named things, a verb.
  const figures = (text.match(FIGURE) ?? []).length;
  score += Math.min(figures, 3) * 1.5;
  if (figures === 0 && NUMBER_WORDS.test(text)) {
    score += 0.5;
  }
  let outcomes = 0;
  if (unit.english && unit.tokens.length > 0) {
    const read = tokenScore(unit.tokens);
    score += read.score;
    outcomes = read.outcomes;
  } else if (unit.bilingual) {
    score += 2;
  }
  // A readable length; a few words that say something happened ("Library research done.") are news.
  if (unit.bilingual) {
    score += 1;
  } else if (words < 4) {
    score -= outcomes > 0 ? 0.5 : 2.5;
  } else if (words < READABLE_WORDS.min) {
    score -= 1;
  } else if (words <= READABLE_WORDS.max) {
    score += 1;
  } else {
    score -= 3 + (words - READABLE_WORDS.max) / 5;
  }
  // Long words make hard reading (FK grade counts syllables): an easier sentence of the same news wins.
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  // (A short sentence weighs little on the grade.)
  if (words >= 8 && !unit.bilingual) {
    score -= Math.max(0, letters / words - 5.2) * 2;
  }
  // What is not news.
  if (isQuestion(unit)) {
    score -= 8;
  }
  if (GREETING.test(text)) {
    // "Hey guys, short notice…": a greeting opens chatter more often than news.
    score -= words <= 8 ? 6 : 2;
  }
  if (REQUEST.test(text) || isImperative(unit.tokens)) {
    score -= 4;
  }
  if (REACTION_START.test(text) || REACTION_PHRASE.test(text)) {
    score -= 4;
  }
  if (POINTER.test(text)) {
    score -= 6;
  }
  if (HEDGE.test(text)) {
    score -= 1.5;
  }
  if (isThanks(unit) && !(unit.bilingual && slot !== "thanks")) {
    score += slot === "thanks" ? 8 : -5;
  }
  return score;
}

function tokenScore(tokens: readonly WordToken[]): { score: number; outcomes: number } {
  let score = 0;
  let outcomes = 0;
  let names = 0;
  let verb = false;
  let past = false;
  tokens.forEach((t, i) => {
    if (t.type !== "word") {
      return;
    }
    if (OUTCOME_LEMMAS.has(t.lemma) || (t.text === "GO" && i < 6)) {
      outcomes += 1;
    }
    // A proper noun mid-sentence names a thing (the first word is capitalised anyway).
    if (t.pos === "PROPN" && i > 0 && /^\p{Lu}/u.test(t.text)) {
      names += 1;
    }
    if (t.pos === "VERB" || t.pos === "AUX") {
      verb = true;
    }
    if (t.pos === "VERB" && t.normal !== t.lemma && /(?:ed|en|ne|wn)$/.test(t.normal)) {
      past = true;
    }
  });
  score += Math.min(outcomes, 2) * 1.5;
  score += Math.min(names, 3) * 0.5;
  score += verb ? 1 : -1;
  score += past ? 0.5 : 0;
  return { score, outcomes };
}

// An instruction: a base-form verb first, then its object or a particle ("Book a collection",
// "Bring a colleague", "Let me know").
function isImperative(tokens: readonly WordToken[]): boolean {
  const words = tokens.filter((t) => t.type === "word");
  const first = words[0];
  const second = words[1];
  return (
    first !== undefined &&
    second !== undefined &&
    first.pos === "VERB" &&
    first.normal === first.lemma &&
    ["DET", "PRON", "PART", "ADP", "ADV"].includes(second.pos)
  );
}
