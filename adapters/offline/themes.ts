/**
 * What the week was about (issue 9): highlights that share a subject (a noun or proper noun that
 * more than one of them names, or one thread) are grouped, and each group is named by its key
 * phrase — a noun phrase of 2–5 words the group's messages use, lower case unless a name, never a
 * channel's name or a person's.
 */

import type { ReadHighlight } from "./reading.ts";

/** Highlights about one subject, in posting order, with the subject's noun (if one was shared). */
export interface TopicGroup {
  readonly seed: string | undefined;
  readonly members: ReadHighlight[];
}

/** How much a group weighs: its taggers, then its size. */
export function groupWeight(group: TopicGroup): number {
  return group.members.reduce((sum, m) => sum + m.taggers, 0) + group.members.length;
}

/**
 * Groups highlights by subject: a thread's messages together; then, most-tagged subject first, each
 * highlight with the first subject noun it shares with another highlight; the rest alone. Groups
 * come heaviest first (ties: earliest first). Deterministic for a given order of `items`.
 */
export function groupByTopic(
  items: readonly ReadHighlight[],
  /** The subject words of an item: by default its reading's lemmas; the summariser passes those of its quote. */
  lemmasOf: (item: ReadHighlight) => ReadonlySet<string> = (item) => item.reading.lemmas,
): TopicGroup[] {
  const df = new Map<string, { count: number; weight: number }>();
  for (const item of items) {
    for (const lemma of lemmasOf(item)) {
      const entry = df.get(lemma) ?? { count: 0, weight: 0 };
      entry.count += 1;
      entry.weight += item.taggers;
      df.set(lemma, entry);
    }
  }
  const seeds = [...df.entries()]
    .filter(([, e]) => e.count >= 2)
    .sort((a, b) => b[1].weight - a[1].weight || b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
    .map(([lemma]) => lemma);
  const groups: TopicGroup[] = [];
  const byThread = new Map<string, TopicGroup>();
  const bySeed = new Map<string, TopicGroup>();
  for (const item of items) {
    const h = item.highlight;
    const thread = h.threadId ?? h.messageId;
    const threadKey = thread === undefined ? undefined : `${h.conversationId}/${thread}`;
    const inThread = threadKey === undefined ? undefined : byThread.get(threadKey);
    const own = lemmasOf(item);
    const itemSeeds = seeds.filter((s) => own.has(s));
    // One shared noun joins messages of one channel; across channels they must share two.
    const related = (g: TopicGroup) =>
      g.members.some(
        (m) => m.highlight.conversationId === h.conversationId || sharedLemmas(lemmasOf(m), own) >= 2,
      );
    let bySubject: TopicGroup | undefined;
    for (const s of itemSeeds) {
      const g = bySeed.get(s);
      if (g && related(g)) {
        bySubject = g;
        break;
      }
    }
    const group = inThread ?? bySubject;
    if (group) {
      group.members.push(item);
    } else {
      groups.push({ seed: itemSeeds[0], members: [item] });
    }
    const owner = group ?? groups.at(-1);
    // A message that joined by its thread brings its subjects: later messages about them join too.
    for (const s of itemSeeds) {
      if (owner && !bySeed.has(s)) {
        bySeed.set(s, owner);
      }
    }
    if (threadKey !== undefined && owner && !byThread.has(threadKey)) {
      byThread.set(threadKey, owner);
    }
  }
  return groups
    .map((g, index) => ({ g, index }))
    .sort((a, b) => groupWeight(b.g) - groupWeight(a.g) || a.index - b.index)
    .map(({ g }) => g);
}

function sharedLemmas(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let n = 0;
  for (const lemma of a) {
    if (b.has(lemma)) {
      n += 1;
    }
  }
  return n;
}

/** What a theme phrase must not be: a channel's name, or only people's names. */
export interface ThemeLimits {
  /** Channel names, humanised and lower case (`bins digital`). */
  readonly channels: ReadonlySet<string>;
  /** Words of people's names, lower case. */
  readonly personWords: ReadonlySet<string>;
  /** Words written with a capital in the middle of a sentence somewhere this week: names. */
  readonly names: ReadonlySet<string>;
}

const WEEKDAY_OR_MONTH =
  /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday|january|february|march|april|may|june|july|august|september|october|november|december|week|weekend|day|morning|afternoon|evening)(?:['’]s)?$/;

// Words that praise rather than name ("great write-up"), and heads too general to name a subject.
const EVALUATIVE =
  /^(?:great|good|nice|big|huge|awesome|amazing|quick|short|little|lovely|brilliant|cool|super|best|whole)$/;
const CJK_NOUN = /^[\p{Script=Han}\p{Script=Katakana}ー]{2,12}$/u;
const LINKING = /^(?:on|at|in|of|for|to|by|from|with|about|as|into|over|the|a|an)$/;
// "wiki as I'm": a pronoun or a contraction is not part of a theme.
const CONTRACTION = /^(?:i|['’]?(?:m|re|ve|ll|d|t)|\p{L}+['’](?:m|re|ve|ll|d|t))$/iu;
const THANKS_WORD = /^(?:thank|thanks|thankyou|thx|kudos|cheers|shout-?out|diolch)$/i;
const GENERIC_HEAD =
  /^(?:time|times|thing|things|way|ways|job|lot|lots|bit|day|days|week|weeks|part|kind|sort|stuff|point|everyone|folks|people|today|question|idea|work|org|thing|stuff)$/;

/**
 * The key phrase of a group, or undefined when its messages share no phrase that may be a theme:
 * the phrase most of its members use (ties: the one holding the group's noun, then the shorter,
 * then the earliest), shaped as a theme (see shapePhrase).
 */
export function themeOf(
  group: TopicGroup,
  limits: ThemeLimits,
  /** The phrases of a member that may name it: by default its reading's; the summariser passes those of its quote. */
  phrasesOf: (item: ReadHighlight) => readonly string[] = (item) => item.reading.phrases,
): string | undefined {
  const candidates = new Map<
    string,
    { phrase: string; members: number; first: number; seeded: boolean; position: number }
  >();
  group.members.forEach((member, index) => {
    const seen = new Set<string>();
    for (const [position, raw] of phrasesOf(member).entries()) {
      const phrase = shapePhrase(raw, limits);
      if (phrase === undefined) {
        continue;
      }
      const key = phrase.toLocaleLowerCase();
      if (seen.has(key)) {
        continue;
      }
      seen.add(key);
      const entry = candidates.get(key) ?? {
        phrase,
        members: 0,
        first: index,
        seeded: group.seed !== undefined && key.includes(group.seed),
        position,
      };
      entry.members += 1;
      candidates.set(key, entry);
    }
  });
  // A phrase of capitalised words only ("Tim Horton", "Cafe Nero") is a name: a person's or a
  // place's, unless more than one message names it.
  for (const [key, entry] of candidates) {
    if (entry.members < 2 && entry.phrase.split(" ").every((w) => /^\p{Lu}/u.test(w))) {
      candidates.delete(key);
    }
  }
  const best = [...candidates.values()].sort(
    (a, b) =>
      b.members - a.members ||
      Number(b.seeded) - Number(a.seeded) ||
      a.first - b.first ||
      a.position - b.position ||
      words(a.phrase) - words(b.phrase) ||
      (a.phrase < b.phrase ? -1 : 1),
  )[0];
  return best?.phrase;
}

function words(phrase: string): number {
  return phrase.split(" ").length;
}

/**
 * A noun phrase as a theme, or undefined when it cannot be one: leading day and month words and
 * numbers dropped, then 2–5 words, lower case except names (a word capitalised mid-sentence this
 * week, or with more than one capital: `R Project Sprint`, `CRM`), not a channel's name, not only
 * people's names, and made of letters.
 */
export function shapePhrase(raw: string, limits: ThemeLimits): string | undefined {
  // Japanese and Chinese write a noun as one run of Han or Katakana: that run is the phrase.
  if (CJK_NOUN.test(raw)) {
    return limits.channels.has(raw.toLocaleLowerCase()) || limits.personWords.has(raw.toLocaleLowerCase())
      ? undefined
      : raw;
  }
  const tokens = raw
    .replace(/[^\p{L}\p{N}\p{M}'’\s-]/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
  while (
    tokens.length > 0 &&
    (WEEKDAY_OR_MONTH.test(tokens[0]?.toLowerCase() ?? "") || /^\p{N}/u.test(tokens[0] ?? ""))
  ) {
    tokens.shift();
  }
  // "households on Wednesday" names the households: a day or month ends the phrase.
  const dated = tokens.findIndex((t, i) => i > 0 && WEEKDAY_OR_MONTH.test(t.toLowerCase()));
  if (dated > 0) {
    tokens.splice(dated);
    while (tokens.length > 0 && LINKING.test(tokens.at(-1)?.toLowerCase() ?? "")) {
      tokens.pop();
    }
  }
  // "stuff Grace", "great write-up": a general or praising word does not open a theme.
  while (
    tokens.length > 0 &&
    (EVALUATIVE.test(tokens[0]?.toLowerCase() ?? "") || GENERIC_HEAD.test(tokens[0]?.toLowerCase() ?? ""))
  ) {
    tokens.shift();
  }
  if (GENERIC_HEAD.test(tokens.at(-1)?.toLowerCase() ?? "")) {
    return undefined;
  }
  const last = tokens.length - 1;
  if (last >= 0) {
    tokens[last] = (tokens[last] ?? "").replace(/['’]s$/u, "");
  }
  if (
    tokens.length < 2 ||
    tokens.length > 5 ||
    LINKING.test(tokens[0]?.toLowerCase() ?? "") ||
    tokens.some(
      (t) =>
        !/\p{L}/u.test(t) ||
        CONTRACTION.test(t) ||
        THANKS_WORD.test(t) ||
        (/^\p{Ll}{1,2}$/u.test(t) && !LINKING.test(t)) ||
        limits.personWords.has(t.toLocaleLowerCase()),
    )
  ) {
    return undefined;
  }
  // A name of several capitalised words with an acronym or initial in it ("R Development Guide")
  // keeps all its capitals.
  const properName =
    tokens.every((t) => /^\p{Lu}/u.test(t)) &&
    tokens.some((t) => /^\p{Lu}+$/u.test(t) || limits.names.has(t));
  const shaped = tokens
    .map((t) => (properName || /\p{Lu}.*\p{Lu}/u.test(t) || limits.names.has(t) ? t : t.toLocaleLowerCase()))
    .join(" ");
  const lower = shaped.toLocaleLowerCase();
  if (limits.channels.has(lower) || lower.split(" ").every((w) => limits.personWords.has(w))) {
    return undefined;
  }
  return shaped;
}

// A capitalised word after a lower-case word or a comma: written as a name, not a sentence opener.
const MID_SENTENCE_CAPITAL = /(?<=[\p{Ll},;] )\p{Lu}[\p{L}\p{M}'’-]*/gu;

/** Words written with a capital mid-sentence in any of `texts`, as written. */
export function namesIn(texts: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const text of texts) {
    for (const word of text.match(MID_SENTENCE_CAPITAL) ?? []) {
      names.add(word.replace(/['’]s$/u, ""));
    }
  }
  return names;
}
