/**
 * What the offline summariser cites within the note's budget: each candidate's score, and the
 * choice of the best candidates that fit the word budget and the note's rendered lines, counting
 * each quote's lead-in and each new paragraph's heading.
 */
import { MAX_NOTE_LINES, noteBudgetFor } from "../../src/domain/note-budget.ts";
import type { SummariseInput } from "../../src/ports/summariser.ts";
import { byRank, type Candidate } from "./candidate.ts";
import { MAX_PER_PARAGRAPH } from "./paragraphs.ts";
import type { ReadHighlight } from "./reading.ts";
import type { Slot } from "./salience.ts";

const MAX_NEXT_WEEK = 3;
// Title, intro, footer (rule, blank, text) and the blank lines between them, in rendered lines.
const FIXED_LINES = 2 + 2 + 3;
const INTRO_WORDS = 22;
const LEAD_WORDS = 4;

// The salience of what it would quote, then its taggers, and a little for a shared subject. A
// tune is a title and an artist: only its taggers count.
export function scoreOf(item: ReadHighlight, salience: number, slot: Slot, shared: boolean): number {
  if (slot === "tune") {
    return item.taggers * 10;
  }
  return salience + Math.min(item.taggers, 5) * 1.5 + (shared ? 1 : 0);
}

/**
 * The candidates that fit the budget (SummariseInput.wordBudget or noteBudgetFor, and about 25
 * rendered lines), best first: one tune, at most three "Into next week…" items, and paragraphs of
 * at most three messages each, as many paragraphs as the lines allow.
 */
export function choose(
  candidates: readonly Candidate[],
  input: SummariseInput,
  total: number,
): Set<Candidate> {
  const budget = noteBudgetFor(total, input.wordBudget);
  const chosen = new Set<Candidate>();
  const ranked = [...candidates].sort(byRank);
  let words = 10 + INTRO_WORDS;
  let lines = FIXED_LINES;
  const paragraphs = new Map<string, number>();
  let next = 0;
  let tune = false;
  for (const c of ranked) {
    if (c.quote === "") {
      continue;
    }
    // "On Tuesday, Marcus wrote:" or "Niamh added:": four words on average; a new paragraph's
    // heading about three more.
    const lead = c.slot === "next" || c.slot === "tune" ? 0 : LEAD_WORDS;
    const inSubject = paragraphs.get(c.paragraph) ?? 0;
    const heading = c.slot !== "next" && c.slot !== "tune" && inSubject % MAX_PER_PARAGRAPH === 0 ? 3 : 0;
    const cost = c.words + lead + heading;
    if (words + cost > budget.words) {
      continue;
    }
    if (c.slot === "tune") {
      if (tune || lines + 2 > MAX_NOTE_LINES) {
        continue;
      }
      tune = true;
      lines += 2;
    } else if (c.slot === "next") {
      if (next >= MAX_NEXT_WEEK || (next === 0 && lines + 2 > MAX_NOTE_LINES)) {
        continue;
      }
      lines += next === 0 ? 2 : 0;
      next += 1;
    } else {
      // A subject with more to say than one paragraph holds gets another paragraph.
      const inSubject = paragraphs.get(c.paragraph) ?? 0;
      const opens = inSubject % MAX_PER_PARAGRAPH === 0;
      if (opens && lines + 2 > MAX_NOTE_LINES) {
        continue;
      }
      lines += opens ? 2 : 0;
      paragraphs.set(c.paragraph, inSubject + 1);
    }
    words += cost;
    chosen.add(c);
  }
  return chosen;
}
