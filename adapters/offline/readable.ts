/**
 * Keeping the offline summariser's prose readable (issue 9: Flesch–Kincaid grade 9 or below): the
 * grade aim, the plain lead-in a quote is graded with, the note's prose as the quality report reads
 * it, and keepReadable, which swaps a hard quote for an easier one of the same message or leaves
 * it out.
 */
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";
import { byRank, type Candidate, unitOf } from "./candidate.ts";
import { countWords, readingGrade } from "./language.ts";
import { THANKS } from "./paragraphs.ts";
import { MAX_QUOTE_WORDS, MAX_SENTENCE_WORDS, quoteText } from "./quotes.ts";
import type { ReadHighlight } from "./reading.ts";
import { isQuestion, isThanks, READABLE_WORDS, salienceOf } from "./salience.ts";

// Issue 9: the prose reads at Flesch–Kincaid grade 9 or below. The note's grade is worked out on
// the note itself with the quality report's own counts (readingCounts: the same segmenters and the
// `syllable` package), so the aim needs no margin beyond rounding.
export const GRADE_AIM = 8.9;
// Salience under which a quote says little: it may go for its lead-in's grade.
const LITTLE_NEWS = 2.5;
// A quote that takes a dropped one's room may be this much harder than the aim on its own.
export const REFILL_SLACK = 0;
// A quote's own grade is read with a plain lead-in: a message is never judged hard, or dropped,
// for its author's name.
export const leadIn = (c: Candidate) =>
  c.slot === "thanks" && !THANKS.test(c.quote) ? "Thanks to Sam: " : "On Monday, Sam wrote: ";

/**
 * Makes the chosen quotes read at GRADE_AIM or below, hardest first: a quote is swapped for an
 * easier whole sentence of the same message (at least 6 words), or else left out, while another
 * message is still cited; the last one stays. Small weeks are where one long sentence decides the
 * grade. English quotes only (the estimate is English).
 */
export function keepReadable(
  chosen: Set<Candidate>,
  candidates: Candidate[],
  /** The grade of the note that would cite a set of candidates (see proseOf). */
  gradeOfChosen: (chosen: ReadonlySet<Candidate>) => number | undefined,
  /** Grades already estimated, by text. */
  grades: Map<string, number | undefined>,
  /** Most quotes it may leave out. */
  allowance: number,
): ReadHighlight[] {
  const dropped: ReadHighlight[] = [];
  const graded = (text: string) => cachedGrade(grades, text);
  for (let round = 0; round < 12; round++) {
    const prose = [...chosen].filter((c) => c.slot !== "tune");
    const english = prose.filter((c) => c.item.english);
    const grade = gradeOfChosen(chosen);
    if (english.length === 0 || grade === undefined || grade <= GRADE_AIM) {
      return dropped;
    }
    // Hard and of little news first: a hard sentence that reports most is the last to go.
    const hardest = english
      .map((c) => ({ c, grade: graded(`${leadIn(c)}${c.quote}`) ?? 0 }))
      // A quote that reads at the aim on its own goes only when it says little and its author's
      // name makes the sentence hard (no one's news is dropped for a name); ties go to the least news.
      .filter(
        (h) =>
          h.grade > GRADE_AIM ||
          (h.c.salience < LITTLE_NEWS &&
            (graded(`On Monday, ${h.c.item.author} wrote: ${h.c.quote}`) ?? 0) > GRADE_AIM),
      )
      .sort((a, b) => b.grade - 0.5 * b.c.score - (a.grade - 0.5 * a.c.score) || byRank(b.c, a.c))[0];
    if (!hardest) {
      return dropped;
    }
    const easier = easierQuote(hardest.c, hardest.grade);
    if (easier) {
      chosen.delete(hardest.c);
      candidates[candidates.indexOf(hardest.c)] = easier;
      chosen.add(easier);
    } else if (prose.length > 1 && dropped.length < allowance) {
      chosen.delete(hardest.c);
      dropped.push(hardest.c.item);
    } else {
      // The only quote of a small week, too hard: another highlight that reads easier says the
      // week as well (no longer, and graded under the aim on its own).
      const others = candidates.filter(
        (c) =>
          !chosen.has(c) &&
          c.quote !== "" &&
          c.slot !== "tune" &&
          c.words <= hardest.c.words &&
          c.salience > 0 &&
          (graded(`${leadIn(c)}${c.quote}`) ?? Number.POSITIVE_INFINITY) <= GRADE_AIM,
      );
      const swap = others.sort(byRank)[0];
      if (!swap || prose.length > 1) {
        return dropped;
      }
      chosen.delete(hardest.c);
      chosen.add(swap);
      dropped.push(hardest.c.item);
    }
  }
  return dropped;
}

/** readingGrade of `text`, remembered in `grades`. */
export function cachedGrade(grades: Map<string, number | undefined>, text: string): number | undefined {
  if (!grades.has(text)) {
    grades.set(text, readingGrade([text]));
  }
  return grades.get(text);
}

/**
 * The prose of a note as the quality report reads it (scripts/quality/measure.ts): the intro,
 * each paragraph twice (as prose and as cited text), the items, "Into next week…" and the tune.
 */
export function proseOf(doc: WeeknoteDocument): string[] {
  const paragraphs = doc.sections.flatMap((s) => (s.paragraphs ?? []).map((p) => p.text));
  return [
    doc.intro,
    ...paragraphs,
    ...paragraphs,
    ...doc.sections.flatMap((s) => s.items.map((i) => i.text)),
    ...doc.intoNextWeek.map((i) => i.text),
    ...(doc.tune ? [doc.tune.text] : []),
  ];
}

/**
 * An easier quote of `c`'s message, graded half a grade below `grade`: first the quote with the
 * message's next sentence (the context kept, the average sentence shorter), else the easiest whole
 * sentence of the message alone (6 to MAX_SENTENCE_WORDS words).
 */
function easierQuote(c: Candidate, grade: number): Candidate | undefined {
  const units = c.item.units;
  const last = c.units.at(-1) ?? -1;
  const next = last >= 0 ? units[last + 1] : undefined;
  if (
    next &&
    !next.bilingual &&
    next.words <= MAX_SENTENCE_WORDS &&
    c.words + next.words <= 2 * MAX_QUOTE_WORDS &&
    !isQuestion(next) &&
    (c.paragraph === "thanks" || !isThanks(next)) &&
    salienceOf(next, c.slot) >= 0
  ) {
    const longer = `${c.quote} ${next.text}`;
    if ((readingGrade([`${leadIn(c)}${longer}`]) ?? grade) < grade - 0.5) {
      return { ...c, quote: longer, units: [...c.units, last + 1], words: countWords(longer) };
    }
  }
  // A thanks stays a thanks, and a sentence of the body does not become one.
  const mustThank = c.slot === "thanks" && c.units.some((i) => isThanks(c.item.units[i] ?? unitOf(c)));
  const mayThank = c.paragraph === "thanks";
  let best: { text: string; index: number; grade: number; salience: number } | undefined;
  units.forEach((unit, index) => {
    if (
      unit.bilingual ||
      unit.words < READABLE_WORDS.min ||
      unit.words > MAX_SENTENCE_WORDS ||
      isQuestion(unit) ||
      (mustThank && !isThanks(unit)) ||
      (!mayThank && isThanks(unit))
    ) {
      return;
    }
    const salience = salienceOf(unit, c.slot);
    if (salience < 0) {
      return;
    }
    const quote = quoteText(unit.text, c.slot);
    const unitGrade = readingGrade([`${leadIn(c)}${quote}`]) ?? grade;
    if (
      quote !== c.quote &&
      unitGrade < grade - 0.5 &&
      (!best || salience > best.salience || (salience === best.salience && unitGrade < best.grade))
    ) {
      best = { text: quote, index, grade: unitGrade, salience };
    }
  });
  return best ? { ...c, quote: best.text, units: [best.index], words: countWords(best.text) } : undefined;
}
