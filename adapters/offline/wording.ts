/**
 * Small wording helpers for the offline summariser. Lengths are in user-perceived characters
 * (grapheme clusters, through Intl.Segmenter), so a cut never splits an emoji or a combining mark.
 */

import { firstGraphemes } from "../../src/domain/graphemes.ts";

/**
 * The opening of `text` up to `max` graphemes: the first line, cut at the last sentence end or
 * word boundary that fits, with `…` when anything was left out.
 */
export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  // Only the opening is segmented: a 40,000-character message must not stall the event loop.
  const parts = firstGraphemes(flat, max + 1);
  if (parts.length <= max) {
    return flat;
  }
  const head = parts.slice(0, max - 1).join("");
  const sentenceEnd = Math.max(head.lastIndexOf(". "), head.lastIndexOf("! "), head.lastIndexOf("? "));
  if (sentenceEnd > head.length / 2) {
    return `${head.slice(0, sentenceEnd + 1)} …`;
  }
  const space = head.lastIndexOf(" ");
  return `${(space > head.length / 2 ? head.slice(0, space) : head).trimEnd()}…`;
}

/**
 * A name from chat (a person's, a channel's) as the document holds it: one line, every run of
 * white space (line breaks included) one space, so that no renderer can be made to start a new
 * line, bullet or heading by a name. Nothing else changes: renderers escape names.
 */
export function oneLineName(name: string): string {
  return name.replace(/\s+/g, " ").trim();
}

/** `bins-digital` → `bins digital`; `team_kbc` → `team kbc`; other scripts kept as they are; one line. */
export function humaniseChannel(name: string): string {
  const line = oneLineName(name);
  return line.replace(/[-_]+/g, " ").trim() || line;
}

/** `["a", "b", "c"]` → `a, b and c`. */
export function joinPhrases(phrases: readonly string[]): string {
  if (phrases.length <= 1) {
    return phrases.join("");
  }
  return `${phrases.slice(0, -1).join(", ")} and ${phrases.at(-1)}`;
}

/**
 * A short title phrase from a message: its first clause (up to the first sentence mark, dash,
 * bracket or emoji), at most `maxWords` words (and 60 characters), without trailing punctuation
 * or a word that only joins (`and`, `&`, `the`, `to`…): a phrase never ends mid-join.
 */
export function themePhrase(text: string, maxWords = 8): string {
  const clause = text.split(/[.!?:;()\n—–。！？]|\s-\s|\p{Extended_Pictographic}/u)[0] ?? "";
  const words = clause.trim().split(/\s+/).filter(Boolean).slice(0, maxWords);
  while (words.length > 1 && JOINING.test(words.at(-1) ?? "")) {
    words.pop();
  }
  const phrase = excerpt(words.join(" "), 60);
  return phrase.replace(/[,…'"“”‘’]+$/u, "");
}

// Words a phrase cannot end on.
const JOINING =
  /^(?:&|\+|and|or|but|nor|so|the|a|an|of|to|in|on|at|for|with|by|from|as|our|my|your|their|its|is|are|was|were)$/i;
