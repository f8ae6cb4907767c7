/**
 * A candidate quote of the offline summariser: one read highlight with the sentences it would
 * quote, its score and the paragraph it would go in; with the rank every part of the summariser
 * orders candidates by, and the first unit a quote cites. Shared by the quoting, budget,
 * readability, subject and paragraph files, so none of them imports another for the type.
 */
import type { ReadHighlight } from "./reading.ts";
import type { Slot } from "./salience.ts";

export interface Candidate {
  readonly item: ReadHighlight;
  readonly slot: Slot;
  /** The quoted sentences: the message's most salient whole units, in their order. */
  readonly quote: string;
  /** Indices of the quoted units. */
  readonly units: readonly number[];
  readonly words: number;
  /** Salience of the best quoted unit. */
  readonly salience: number;
  readonly score: number;
  /** Which paragraph it would be woven into: `group:<n>`, `also`, `challenges`, `thanks`, `next`, `tune`. */
  readonly paragraph: string;
}

/** Best first: higher score, then earlier, then by id. */
export function byRank(a: Candidate, b: Candidate): number {
  return (
    b.score - a.score ||
    a.item.highlight.postedAtMs - b.item.highlight.postedAtMs ||
    a.item.highlight.id.localeCompare(b.item.highlight.id)
  );
}

/** The first quoted unit of a quote (an empty unit for an empty quote). */
export function unitOf(q: { item: ReadHighlight; units: readonly number[] }) {
  return (
    q.item.units[q.units[0] ?? -1] ?? { text: "", words: 0, bilingual: false, english: true, tokens: [] }
  );
}
