/**
 * The subjects of the offline summariser's quotes: the subject words a quote names, the key
 * phrases it holds, the phrases that head a paragraph of several messages, the word most of them
 * share, and the channel, person and place words a heading must not be.
 */
import type { Highlight } from "../../src/domain/highlight.ts";
import { byRank, type Candidate } from "./candidate.ts";
import type { ReadHighlight } from "./reading.ts";
import { isOutcomeLemma } from "./salience.ts";
import { namesIn, type ThemeLimits } from "./themes.ts";
import { humaniseChannel } from "./wording.ts";

/** Subject words of the quoted units: their nouns' and proper nouns' lemmas (word segments for other languages). */
export function quoteLemmas(item: ReadHighlight, indices: readonly number[]): Set<string> {
  const lemmas = new Set<string>();
  for (const index of indices) {
    const unit = item.units[index];
    if (!unit) {
      continue;
    }
    if (unit.tokens.length > 0) {
      for (const t of unit.tokens) {
        if ((t.pos === "NOUN" || t.pos === "PROPN") && !t.stop && /\p{L}{3,}/u.test(t.normal)) {
          lemmas.add(t.lemma);
        }
      }
    } else {
      const lower = unit.text.toLocaleLowerCase();
      for (const lemma of item.reading.lemmas) {
        if (lower.includes(lemma)) {
          lemmas.add(lemma);
        }
      }
    }
  }
  return lemmas;
}

/** The message's key phrases that its quote holds, in the order the quote has them. */
export function quotePhrases(c: Candidate): string[] {
  const lower = c.quote.toLocaleLowerCase();
  return c.item.reading.phrases
    .filter((p) => lower.includes(p.toLocaleLowerCase()))
    .sort((a, b) => lower.indexOf(a.toLocaleLowerCase()) - lower.indexOf(b.toLocaleLowerCase()));
}

/**
 * The phrases of a group's quotes that name each member: a member is named by a phrase its quote
 * holds, or one with a subject word its quote has (lemma match: `bookings` for `booking`), so the
 * phrase that names most of the paragraph heads it. Outcome words ("fix", "done") name no subject.
 */
export function coveringPhrases(
  members: readonly Candidate[],
  phrasesOfItem: (item: ReadHighlight) => readonly string[],
): (item: ReadHighlight) => readonly string[] {
  const all = [...members].sort(byRank).flatMap((m) => phrasesOfItem(m.item));
  const lemmasOf = new Map(members.map((m) => [m.item, quoteLemmas(m.item, m.units)]));
  return (item) => {
    const own = phrasesOfItem(item);
    const lemmas = lemmasOf.get(item) ?? new Set<string>();
    const named = all.filter((phrase) =>
      phrase
        .toLocaleLowerCase()
        .split(/\s+/)
        .some((w) => {
          const stem = w.replace(/['’]s$|s$/u, "");
          return !isOutcomeLemma(stem) && (lemmas.has(w) || lemmas.has(stem));
        }),
    );
    return [...own, ...named.filter((p) => !own.includes(p))];
  };
}

/** The subject word most of `members`' quotes share (ties: the first met), if two share one. */
export function sharedSeed(members: readonly Candidate[]): string | undefined {
  const counts = new Map<string, number>();
  // The best member's words first: a tie goes to what the best of them is about.
  for (const m of [...members].sort(byRank)) {
    for (const lemma of quoteLemmas(m.item, m.units)) {
      if (isOutcomeLemma(lemma)) {
        continue;
      }
      counts.set(lemma, (counts.get(lemma) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  let most = 1;
  for (const [lemma, n] of counts) {
    if (n > most) {
      best = lemma;
      most = n;
    }
  }
  return best;
}

/** What a heading may not be made of: the week's channel names, the words of its people's names and @-mentions, and the names its messages hold. */
export function themeLimits(highlights: readonly Highlight[]): ThemeLimits {
  const personWords = new Set<string>();
  for (const h of highlights) {
    for (const w of h.authorName.toLocaleLowerCase().split(/[^\p{L}\p{M}'’]+/u)) {
      if (w) {
        personWords.add(w);
      }
    }
    for (const m of h.text.match(/@\p{L}[\p{L}\p{M}'’.-]*(?: \p{Lu}[\p{L}\p{M}'’.-]*){0,3}/gu) ?? []) {
      for (const w of m
        .slice(1)
        .toLocaleLowerCase()
        .split(/[\s-]+/)) {
        personWords.add(w);
      }
    }
  }
  return {
    channels: new Set(highlights.map((h) => humaniseChannel(h.conversationName).toLocaleLowerCase())),
    personWords,
    names: namesIn(highlights.map((h) => h.text)),
  };
}
