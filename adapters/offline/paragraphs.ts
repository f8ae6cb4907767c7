/**
 * How the offline summariser writes its paragraphs: messages in posting order, a few to a
 * paragraph, each opened by a lead-in naming who wrote it and, when it changes, the weekday (or
 * "Thanks to …" when the message does not thank in its own words).
 */
import { DateTime } from "luxon";
import type { FrameWords } from "../../src/domain/frame-words.ts";
import type { Highlight } from "../../src/domain/highlight.ts";
import type { Candidate } from "./candidate.ts";
import type { Slot } from "./salience.ts";

// Most sentences a paragraph weaves together.
export const MAX_PER_PARAGRAPH = 3;

// Thanks in the words of the message itself: then the message reads as thanks as it is.
export const THANKS = /\b(?:thank|thanks|thankyou|shout-?out|kudos|cheers|grateful|diolch)\b/i;

/** One paragraph weaving messages in posting order, each opened by who wrote it and, when it changes, the day. */
export function paragraph(members: readonly Candidate[], words: FrameWords, zone: string, slot: Slot) {
  const inOrder = [...members].sort(
    (a, b) =>
      a.item.highlight.postedAtMs - b.item.highlight.postedAtMs ||
      a.item.highlight.id.localeCompare(b.item.highlight.id),
  );
  let lastDay: string | undefined;
  const sentences = inOrder.map((c, index) => {
    const day = weekdayOf(c.item.highlight, zone, words);
    const newDay = day !== lastDay ? day : undefined;
    lastDay = day;
    const name = c.item.author;
    let lead: string;
    if (slot === "thanks" && !THANKS.test(c.quote)) {
      lead = words.thanksTo(name);
    } else {
      lead = index === 0 ? words.wrote(name, newDay) : words.added(name, newDay);
    }
    return `${lead}${c.quote}`;
  });
  // The names the sentences open with are names, not text: renderers escape them as names.
  const names = [...new Set(inOrder.map((c) => c.item.author))].filter((name) => name !== "");
  return { text: sentences.join(" "), highlightIds: inOrder.map((c) => c.item.highlight.id), names };
}

function weekdayOf(h: Highlight, zone: string, words: FrameWords): string | undefined {
  const day = DateTime.fromMillis(h.postedAtMs, { zone });
  return day.isValid ? words.weekdays[day.weekday - 1] : undefined;
}

/** Messages in posting order, MAX_PER_PARAGRAPH to a paragraph. */
export function chunks(members: readonly Candidate[]): Candidate[][] {
  const inOrder = [...members].sort(
    (a, b) =>
      a.item.highlight.postedAtMs - b.item.highlight.postedAtMs ||
      a.item.highlight.id.localeCompare(b.item.highlight.id),
  );
  const out: Candidate[][] = [];
  for (let i = 0; i < inOrder.length; i += MAX_PER_PARAGRAPH) {
    out.push(inOrder.slice(i, i + MAX_PER_PARAGRAPH));
  }
  return out;
}
