/**
 * The offline summariser's cheap first pass over a week (no NLP): the posting order everything is
 * decided in, junk and repeats (a tune named twice however it is written) left out, and the best
 * TOP_READ usable highlights by the cheap rank picked to be read with wink-nlp.
 */
import type { Highlight } from "../../src/domain/highlight.ts";
import type { LeftOut } from "../../src/domain/weeknote.ts";
import { type CheapRead, overlap } from "./reading.ts";

/**
 * Highlights read with wink-nlp, at most: the rest (the cheap rank's tail) are left out as
 * over_budget unread. A note cites about 15–20, so 60 leaves room for the budget to choose.
 */
export const TOP_READ = 60;
// Each part of the note beyond the body keeps a few of its own candidates among those read.
const TOP_READ_PER_SECTION = 4;

/** Posting order (ties: by id): the order everything is decided in, whatever the input order. */
export function orderOf(highlights: readonly Highlight[]): Highlight[] {
  return [...highlights].sort((a, b) => a.postedAtMs - b.postedAtMs || a.id.localeCompare(b.id));
}

/**
 * The cheap first pass over a week (no NLP): junk and repeats go to `leftOut`, the best TOP_READ
 * usable highlights by the cheap rank (with a few of each section's own) are to be read, and the
 * rest are left out as over_budget. `ordered`: highlights in posting order.
 */
export function planReading(
  ordered: readonly Highlight[],
  cheapOf: (h: Highlight) => CheapRead,
): { leftOut: LeftOut[]; toRead: CheapRead[] } {
  const leftOut: LeftOut[] = [];
  const usable: CheapRead[] = [];
  for (const h of ordered) {
    const item = cheapOf(h);
    if (item.junk) {
      leftOut.push({ highlightId: h.id, reason: item.junk });
      continue;
    }
    // The same thing said twice in one part of the note (the same tune, however it is written);
    // a tune may share its words with a highlight.
    const repeats = usable.find(
      (earlier) =>
        earlier.highlight.section === h.section &&
        (overlap(earlier.wordSet, item.wordSet) >= 0.8 || (h.section === "tune" && sameTune(earlier, item))),
    );
    if (repeats) {
      leftOut.push({ highlightId: h.id, reason: "duplicate", duplicateOf: repeats.highlight.id });
      continue;
    }
    usable.push(item);
  }
  const ranked = [...usable].sort(
    (a, b) =>
      b.cheapScore - a.cheapScore ||
      a.highlight.postedAtMs - b.highlight.postedAtMs ||
      a.highlight.id.localeCompare(b.highlight.id),
  );
  const picked = new Set(ranked.slice(0, TOP_READ));
  for (const section of ["challenges", "thanks", "coming_up", "tune"] as const) {
    for (const item of ranked.filter((r) => r.highlight.section === section).slice(0, TOP_READ_PER_SECTION)) {
      picked.add(item);
    }
  }
  for (const item of usable) {
    if (!picked.has(item)) {
      leftOut.push({ highlightId: item.highlight.id, reason: "over_budget" });
    }
  }
  return { leftOut, toRead: usable.filter((item) => picked.has(item)) };
}

// Words of a tune message that do not name the tune.
const TUNE_FILLER = new Set(
  "tune song track week of the a an by my our this is it its obviously again also another love loving listening playing to on in and for me you today now just still can't cant stop from with official music video audio lyrics live feat ft remix version".split(
    " ",
  ),
);

/** Whether two tune messages name the same tune: the same link, the same quoted title, or the same title and artist words. */
export function sameTune(a: CheapRead, b: CheapRead): boolean {
  if (a.links.some((l) => b.links.includes(l))) {
    return true;
  }
  const titleA = quotedTitle(a.text);
  const titleB = quotedTitle(b.text);
  if (titleA !== undefined && titleA === titleB) {
    return true;
  }
  const wordsA = tuneWords(a.text);
  const wordsB = tuneWords(b.text);
  let common = 0;
  for (const w of wordsA) {
    if (wordsB.has(w)) {
      common += 1;
    }
  }
  return common >= 2 && common / Math.min(wordsA.size, wordsB.size) >= 0.6;
}

function quotedTitle(text: string): string | undefined {
  const m = text.match(/['‘"“]([^'’"”]{2,80})['’"”]/u);
  return m?.[1]?.toLocaleLowerCase().trim();
}

function tuneWords(text: string): Set<string> {
  const set = new Set<string>();
  for (const w of text.toLocaleLowerCase().match(/[\p{L}\p{N}'’]+/gu) ?? []) {
    if (w.length >= 2 && !TUNE_FILLER.has(w)) {
      set.add(w);
    }
  }
  return set;
}
