import { DateTime } from "luxon";
import { type FrameWords, frameWords } from "../../src/domain/frame-words.ts";
import type { Highlight } from "../../src/domain/highlight.ts";
import { MAX_NOTE_LINES, noteBudgetFor } from "../../src/domain/note-budget.ts";
import { titleOf } from "../../src/domain/series.ts";
import { parseWeekKey, weekWindow } from "../../src/domain/week.ts";
import type {
  LeftOut,
  NoteLanguage,
  WeeknoteDocument,
  WeeknoteItem,
  WeeknoteSection,
} from "../../src/domain/weeknote.ts";
import type { SummariseInput, SummariseResult, Summariser } from "../../src/ports/summariser.ts";
import { countWords, loadLanguageModel, readingGrade } from "./language.ts";
import { type CheapRead, overlap, type ReadHighlight, readCheap, readHighlight } from "./reading.ts";
import { isOutcomeLemma, isQuestion, isThanks, READABLE_WORDS, type Slot, salienceOf } from "./salience.ts";
import { groupByTopic, namesIn, type ThemeLimits, themeOf } from "./themes.ts";
import { isAboutNextWeek } from "./timing.ts";
import { humaniseChannel, oneLineName, themePhrase } from "./wording.ts";

/** Bumped whenever the offline wording changes, so revisions say which rules wrote them. */
export const OFFLINE_SUMMARISER_VERSION = "offline-3";

/** Options of the offline summariser beyond its input. */
export interface OfflineOptions {
  /** Keep pronoun and role parts of display names (`Sam (she/her)`, `Alex | Product`). Default: drop them. */
  readonly keepNameSuffixes?: boolean;
}

/**
 * The built-in summariser (SPEC §5, issue 9 item 2): deterministic, no network. It writes the
 * week as prose in the seed weeknote's shape — a themed title, an intro, a short paragraph per
 * subject with the people named, then challenges, thanks, "Into next week…" and the tune — within
 * the note's length budget, listing every highlight it does not cite in `leftOut` with why.
 */
export function createOfflineSummariser(options: OfflineOptions = {}): OfflineSummariser {
  return {
    async prepare() {
      loadLanguageModel();
    },
    async summarise(input: SummariseInput): Promise<SummariseResult> {
      const keepSuffixes = input.keepNameSuffixes ?? options.keepNameSuffixes ?? false;
      // Every highlight is read cheaply (no NLP); only the best TOP_READ go through wink-nlp.
      const { toRead } = planReading(orderOf(input.highlights), (h) => readCheap(h, keepSuffixes));
      const read = new Map<string, ReadHighlight>();
      for (const [index, cheap] of toRead.entries()) {
        if (index > 0 && index % READ_SLICE === 0) {
          // Reading is most of the work (wink-nlp, ~5 ms a message): a big week lets the event
          // loop run between slices, so acknowledgements and /healthz are not held behind it.
          await nextMacrotask();
        }
        read.set(cheap.highlight.id, readHighlight(cheap.highlight, keepSuffixes, cheap));
      }
      await nextMacrotask();
      return {
        document: summariseOffline(input, options, read),
        origin: "offline",
        model: undefined,
        promptVersion: OFFLINE_SUMMARISER_VERSION,
      };
    },
  };
}

/** The offline summariser, with `prepare()` to load its language model before the bot serves. */
export interface OfflineSummariser extends Summariser {
  /** Loads wink-nlp's English model now rather than at the first summary. Never rejects. */
  prepare(): Promise<void>;
}

/** Highlights read between two turns of the event loop. */
export const READ_SLICE = 10;

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// Most sentences a paragraph weaves together, and most words quoted from one message.
const MAX_PER_PARAGRAPH = 3;
const MAX_QUOTE_WORDS = 22;
// A second sentence joins only a short first one: one sentence a message lets more messages in.
const SHORT_SENTENCE_WORDS = 10;
// A thanks sentence is the thanks: quoted whole in the thanks section up to this length.
const MAX_THANKS_WORDS = 36;
// Longer sentences are not quoted: they make the note hard to read (issue 9: FK grade at most 9).
const MAX_SENTENCE_WORDS = READABLE_WORDS.max;
const MAX_NEXT_WEEK = 3;
// A message whose best sentence scores this or less says nothing a note can quote.
const MIN_SALIENCE = -1;
// Text the English model does not read is scored by figures and length only: a lower floor.
const MIN_SALIENCE_OTHER = -3;
// A second sentence is quoted only when it reports something too.
const SECOND_SENTENCE_SALIENCE = 2.5;
// Title, intro, footer (rule, blank, text) and the blank lines between them, in rendered lines.
const FIXED_LINES = 2 + 2 + 3;
const INTRO_WORDS = 22;
const LEAD_WORDS = 4;

/**
 * Highlights read with wink-nlp, at most: the rest (the cheap rank's tail) are left out as
 * over_budget unread. A note cites about 15–20, so 60 leaves room for the budget to choose.
 */
export const TOP_READ = 60;
// Each part of the note beyond the body keeps a few of its own candidates among those read.
const TOP_READ_PER_SECTION = 4;

interface Candidate {
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

/** Posting order (ties: by id): the order everything is decided in, whatever the input order. */
function orderOf(highlights: readonly Highlight[]): Highlight[] {
  return [...highlights].sort((a, b) => a.postedAtMs - b.postedAtMs || a.id.localeCompare(b.id));
}

/**
 * The cheap first pass over a week (no NLP): junk and repeats go to `leftOut`, the best TOP_READ
 * usable highlights by the cheap rank (with a few of each section's own) are to be read, and the
 * rest are left out as over_budget. `ordered`: highlights in posting order.
 */
function planReading(
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

/**
 * The pure function behind the offline summariser: same input (in any order), same document.
 * Every highlight of `input` is cited by a paragraph, an "Into next week…" item or the tune, or
 * listed in `leftOut`.
 */
export function summariseOffline(
  input: SummariseInput,
  options: OfflineOptions = {},
  /** Highlights already read (readHighlight with the same name rule), by id. */
  alreadyRead: ReadonlyMap<string, ReadHighlight> = new Map(),
): WeeknoteDocument {
  const language: NoteLanguage = input.language ?? "en";
  const words = frameWords(language);
  const zone = input.timezone ?? "UTC";
  const ordered = orderOf(input.highlights);
  const footerOf = (cited: number) =>
    words.offlineFooter(OFFLINE_SUMMARISER_VERSION, ordered.length, input.week, cited);
  if (ordered.length === 0) {
    return {
      week: input.week,
      title: titleOf(input.seriesNumber, input.week, [], language),
      themes: [],
      intro: words.nothingTagged,
      sections: [],
      intoNextWeek: [],
      language,
      leftOut: [],
      footer: footerOf(0),
    };
  }

  const keepSuffixes = input.keepNameSuffixes ?? options.keepNameSuffixes ?? false;
  const { leftOut: junkAndRepeats, toRead } = planReading(
    ordered,
    (h) => alreadyRead.get(h.id) ?? readCheap(h, keepSuffixes),
  );
  const usable = toRead.map(
    (cheap) => alreadyRead.get(cheap.highlight.id) ?? readHighlight(cheap.highlight, keepSuffixes, cheap),
  );

  const weekEnd = weekEndMs(input.week, zone);
  const slotOf = (item: ReadHighlight): Slot => {
    switch (item.highlight.section) {
      case "highlights":
        return "theme";
      case "coming_up":
        return isAboutNextWeek(item.reading, item.highlight.postedAtMs, weekEnd, zone) ? "next" : "theme";
      case "tune":
        return "tune";
      default:
        return item.highlight.section;
    }
  };
  const quoted = usable.map((item) => {
    const slot = slotOf(item);
    return { item, slot, ...quoteOf(item, slot) };
  });
  // Subjects are grouped by what the quoted sentences name. A challenge, or a thanks that does
  // not itself thank, joins a subject of the body when it shares one.
  const joinable = quoted.filter(
    (q) =>
      q.slot === "theme" ||
      q.slot === "challenges" ||
      (q.slot === "thanks" && !q.units.some((i) => isThanks(q.item.units[i] ?? unitOf(q)))),
  );
  const lemmasByItem = new Map(joinable.map((q) => [q.item, quoteLemmas(q.item, q.units)]));
  const groups = groupByTopic(
    joinable.map((q) => q.item),
    (item) => lemmasByItem.get(item) ?? new Set(),
  );
  const paragraphOf = new Map<ReadHighlight, string>();
  groups.forEach((group, index) => {
    const inBody = group.members.some((m) => quoted.find((q) => q.item === m)?.slot === "theme");
    if (group.members.length > 1 && inBody) {
      for (const member of group.members) {
        paragraphOf.set(member, `group:${index}`);
      }
    }
  });
  const candidates: Candidate[] = quoted.map((q) => {
    const grouped = paragraphOf.get(q.item);
    const paragraph = grouped ?? (q.slot === "theme" ? "also" : q.slot);
    return {
      item: q.item,
      slot: q.slot,
      quote: q.quote,
      units: q.units,
      words: q.words,
      salience: q.salience,
      score: scoreOf(q.item, q.salience, q.slot, grouped !== undefined),
      paragraph,
    };
  });
  const limits = themeLimits(ordered);
  /** The document citing `chosen` (every other candidate left out as over_budget). */
  const compose = (chosen: ReadonlySet<Candidate>): WeeknoteDocument => {
    // By highlight: a set kept from an earlier pass may hold a quote since swapped in `candidates`.
    const chosenList = [...chosen].sort(
      (a, b) =>
        a.item.highlight.postedAtMs - b.item.highlight.postedAtMs ||
        a.item.highlight.id.localeCompare(b.item.highlight.id),
    );
    const chosenItems = new Set(chosenList.map((c) => c.item));
    const leftOut = [...junkAndRepeats];
    for (const c of candidates) {
      if (!chosenItems.has(c.item)) {
        leftOut.push({ highlightId: c.item.highlight.id, reason: "over_budget" });
      }
    }
    // A heading is a phrase of the sentences its paragraph quotes.
    const phrasesOf = (c: Candidate) => quotePhrases(c);
    const byItem = new Map([...candidates, ...chosenList].map((c) => [c.item, c]));
    const phrasesOfItem = (item: ReadHighlight) => {
      const c = byItem.get(item);
      return c ? phrasesOf(c) : [];
    };
    const sections: WeeknoteSection[] = [];
    const themes: string[] = [];
    const also = chosenList.filter((c) => c.paragraph === "also");
    const headed = new Map<string, { theme: string; members: Candidate[] }>();
    const challengesOut: Candidate[] = [];
    const thanksOut: Candidate[] = [];
    const bySlot = (slot: Slot): Candidate[] => (slot === "challenges" ? challengesOut : thanksOut);
    groups.forEach((_group, index) => {
      const members = chosenList.filter((c) => c.paragraph === `group:${index}`);
      if (members.length === 0) {
        return;
      }
      const theme =
        members.length > 1
          ? themeOf(
              { seed: sharedSeed(members), members: [...members].sort(byRank).map((m) => m.item) },
              limits,
              coveringPhrases(members, phrasesOfItem),
            )
          : undefined;
      if (theme === undefined) {
        // One message left of a subject, or no phrase its quotes share: it goes with the others.
        for (const m of members) {
          if (m.slot === "theme") {
            also.push(m);
          } else {
            bySlot(m.slot).push(m);
          }
        }
        return;
      }
      const key = theme.toLocaleLowerCase();
      const entry = headed.get(key) ?? { theme, members: [] };
      entry.members.push(...members);
      headed.set(key, entry);
    });
    for (const { theme, members } of headed.values()) {
      themes.push(theme);
      sections.push({
        section: "highlights",
        heading: theme,
        paragraphs: chunks(members).map((chunk) => paragraph(chunk, words, zone, "theme")),
        items: [],
      });
    }
    if (also.length > 0) {
      sections.push({
        section: "highlights",
        heading: words.alsoThisWeek,
        paragraphs: chunks(also).map((chunk) => paragraph(chunk, words, zone, "theme")),
        items: [],
      });
    }
    for (const slot of ["challenges", "thanks"] as const) {
      const members = [
        ...chosenList.filter((c) => c.paragraph === slot),
        ...(slot === "challenges" ? challengesOut : thanksOut),
      ];
      if (members.length > 0) {
        sections.push({
          section: slot,
          heading: slot === "challenges" ? words.challenges : words.thanks,
          paragraphs: chunks(members).map((chunk) => paragraph(chunk, words, zone, slot)),
          items: [],
        });
      }
    }
    // Then the key phrases of the best other quotes: the week's title names what it was about,
    // its news before its challenges, and its thanks last (a thanks names people and places).
    const titleOrder = (c: Candidate) => (c.slot === "thanks" ? 2 : c.slot === "challenges" ? 1 : 0);
    for (const c of [...chosen]
      .filter((c) => c.slot !== "tune" && c.slot !== "next")
      .sort((a, b) => titleOrder(a) - titleOrder(b) || byRank(a, b))) {
      if (themes.length >= 4) {
        break;
      }
      const theme = themeOf({ seed: undefined, members: [c.item] }, limits, phrasesOfItem);
      if (theme !== undefined && !themes.some((t) => t.toLocaleLowerCase() === theme.toLocaleLowerCase())) {
        themes.push(theme);
      }
    }
    if (themes.length === 0) {
      // No key phrase at all (one short message, say): the opening words of the best quote name
      // the week better than "a quiet week" would.
      const best = [...chosen].sort(byRank)[0];
      const opening = best ? themePhrase(best.quote, 5) : "";
      if (opening.split(" ").length >= 2) {
        // Lower case unless a name: an acronym (`R&D`, `NHS`) keeps its capitals, not `r&D`.
        const acronym = /\p{Lu}/u.test((opening.split(" ")[0] ?? "").slice(1));
        themes.push(acronym ? opening : opening.charAt(0).toLocaleLowerCase() + opening.slice(1));
      }
    }
    const titleThemes = themes.slice(0, 4);

    const intoNextWeek: WeeknoteItem[] = chosenList
      .filter((c) => c.slot === "next")
      .map((c) => ({ text: c.quote, authors: [c.item.author], highlightIds: [c.item.highlight.id] }));
    const tuneCandidate = chosenList.find((c) => c.slot === "tune");
    const cited = chosen.size;
    const people = new Set(ordered.map((h) => oneLineName(h.authorName))).size;
    const more = ordered.length - cited;
    const intro = [
      words.tagged(input.voice ?? "we", ordered.length, people),
      ...(more > 0 ? [words.moreTagged(more)] : []),
    ].join(" ");
    const leftOutOrder = new Map(ordered.map((h, i) => [h.id, i]));
    leftOut.sort((a, b) => (leftOutOrder.get(a.highlightId) ?? 0) - (leftOutOrder.get(b.highlightId) ?? 0));
    const document: WeeknoteDocument = {
      week: input.week,
      title: titleOf(input.seriesNumber, input.week, titleThemes, language),
      themes: titleThemes,
      intro,
      sections,
      intoNextWeek,
      language,
      leftOut,
      footer: footerOf(cited),
    };
    return tuneCandidate
      ? {
          ...document,
          tune: {
            text: tuneCandidate.quote,
            authors: [tuneCandidate.item.author],
            highlightIds: [tuneCandidate.item.highlight.id],
          },
        }
      : document;
  };
  // A quote left out to keep the grade down frees room for the next best: choose again without it.
  const dropped = new Set<ReadHighlight>();
  const grades = new Map<string, number | undefined>();
  let chosen = new Set<Candidate>();
  let best: { chosen: Set<Candidate>; grade: number; fits: boolean } | undefined;
  const gradeOfSet = (set: ReadonlySet<Candidate>) => readingGrade(proseOf(compose(set)));
  for (let pass = 0; pass < 3; pass++) {
    const before = new Set([...chosen].map((c) => c.item));
    chosen = choose(
      candidates.filter(
        (c) =>
          !dropped.has(c.item) &&
          // The room a hard quote left goes to an easy one.
          (pass === 0 ||
            before.has(c.item) ||
            !c.item.english ||
            (cachedGrade(grades, `${leadIn(c)}${c.quote}`) ?? 0) <= GRADE_AIM + REFILL_SLACK),
      ),
      input,
      ordered.length,
    );
    if (chosen.size === 0) {
      // A week with something usable says it: its best highlight is cited even when none of its
      // sentences is short (its most salient sentence quoted whole then, never cut) or the budget is small.
      const best = [...candidates].filter((c) => c.slot !== "tune").sort(byRank)[0];
      const whole = best && best.quote === "" ? bestWholeSentence(best.item, best.slot) : undefined;
      if (best && (best.quote !== "" || whole)) {
        const cited = whole
          ? { ...best, quote: whole.quote, units: [whole.index], words: countWords(whole.quote) }
          : best;
        candidates[candidates.indexOf(best)] = cited;
        chosen.add(cited);
      }
    }
    // Dropping is for a hard sentence or two, not for emptying a week of long names.
    const allowance = Math.max(1, Math.ceil(chosen.size / 3) - dropped.size);
    const newly = keepReadable(chosen, candidates, gradeOfSet, grades, allowance);
    // The easiest note of the passes that keeps the aim with most cited, else the easiest of all.
    const grade = gradeOfSet(chosen) ?? 0;
    const fits = grade <= GRADE_AIM;
    if (
      !best ||
      (fits && (!best.fits || chosen.size > best.chosen.size)) ||
      (!fits && !best.fits && grade < best.grade)
    ) {
      best = { chosen: new Set(chosen), grade, fits };
    }
    if (newly.length === 0) {
      break;
    }
    for (const item of newly) {
      dropped.add(item);
    }
  }

  return compose(best?.chosen ?? chosen);
}

/** The first quoted unit of a quote (an empty unit for an empty quote). */
function unitOf(q: { item: ReadHighlight; units: readonly number[] }) {
  return (
    q.item.units[q.units[0] ?? -1] ?? { text: "", words: 0, bilingual: false, english: true, tokens: [] }
  );
}

/** Subject words of the quoted units: their nouns' and proper nouns' lemmas (word segments for other languages). */
function quoteLemmas(item: ReadHighlight, indices: readonly number[]): Set<string> {
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
function quotePhrases(c: Candidate): string[] {
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
function coveringPhrases(
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
function sharedSeed(members: readonly Candidate[]): string | undefined {
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

function weekEndMs(week: string, zone: string): number {
  try {
    return weekWindow(parseWeekKey(week), zone).endMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

// A tune message often says so ("Tune of the week, obviously: …"); the note says it once itself.
const TUNE_LEAD = /^(?:my |our |the )?(?:tune|song|track) of the week\b[^:\n]{0,20}:\s?/i;
const COMING_UP_LABEL = /^(?:coming up|upcoming|coming soon|next week|heads up)\s?[:,-]\s?/i;

/**
 * The whole sentences quoted from a message: its most salient unit (see salienceOf) of at most
 * MAX_SENTENCE_WORDS words, with the next most salient when that reports something too and both
 * fit MAX_QUOTE_WORDS, in the message's order; never part of a sentence; a sentence with its
 * translation is one unit. In the thanks section a sentence that thanks comes first, and a
 * question is never quoted there. Empty when no sentence is short enough to read.
 */
function quoteOf(
  item: ReadHighlight,
  slot: Slot,
): { quote: string; units: number[]; words: number; salience: number } {
  if (slot === "tune") {
    // A tune is quoted as its first line is written, without a full stop added.
    const line = item.text.split("\n")[0] ?? "";
    const quote = capitalise(
      (countWords(line) <= MAX_QUOTE_WORDS ? line : (item.units[0]?.text ?? "")).replace(TUNE_LEAD, ""),
    );
    return { quote, units: [0], words: countWords(quote), salience: 0 };
  }
  const scored = item.units
    .map((unit, index) => ({ unit, index, salience: salienceOf(unit, slot) }))
    .filter(
      (s) =>
        s.unit.bilingual ||
        s.unit.words <= MAX_SENTENCE_WORDS ||
        (slot === "thanks" && isThanks(s.unit) && s.unit.words <= MAX_THANKS_WORDS),
    )
    .filter((s) => slot !== "thanks" || !isQuestion(s.unit));
  const ranked = [...scored].sort((a, b) => b.salience - a.salience || a.index - b.index);
  const best =
    slot === "thanks" ? (ranked.find((s) => isThanks(s.unit) && s.salience > 0) ?? ranked[0]) : ranked[0];
  if (!best || best.salience <= (best.unit.english ? MIN_SALIENCE : MIN_SALIENCE_OTHER)) {
    // Nothing but questions, replies or a name: it ranks last and is not quoted.
    return { quote: "", units: [], words: 0, salience: best?.salience ?? Number.NEGATIVE_INFINITY };
  }
  const picked = [best];
  const second = ranked.find(
    (s) =>
      s !== best &&
      !s.unit.bilingual &&
      !best.unit.bilingual &&
      s.salience >= SECOND_SENTENCE_SALIENCE &&
      !isQuestion(s.unit) &&
      Math.min(best.unit.words, s.unit.words) < SHORT_SENTENCE_WORDS &&
      s.unit.words <= MAX_SENTENCE_WORDS &&
      best.unit.words + s.unit.words <= MAX_QUOTE_WORDS,
  );
  if (second) {
    picked.push(second);
  }
  picked.sort((a, b) => a.index - b.index);
  const quote = quoteText(picked.map((p) => p.unit.text).join(" "), slot);
  return { quote, units: picked.map((p) => p.index), words: countWords(quote), salience: best.salience };
}

// A "Coming up:" label on something that has happened by the week's end would mislead. A quote
// ends as a sentence ends, so the next one in its paragraph reads as a sentence of its own.
function quoteText(text: string, slot: Slot): string {
  const quote = capitalise(slot === "next" ? text : text.replace(COMING_UP_LABEL, ""));
  return /[.!?…。！？]["”’')\]]*$/u.test(quote) ? quote : `${quote}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

// The salience of what it would quote, then its taggers, and a little for a shared subject. A
// tune is a title and an artist: only its taggers count.
function scoreOf(item: ReadHighlight, salience: number, slot: Slot, shared: boolean): number {
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
function choose(candidates: readonly Candidate[], input: SummariseInput, total: number): Set<Candidate> {
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

// Issue 9: the prose reads at Flesch–Kincaid grade 9 or below. The note's grade is estimated on
// the note itself (readingGrade counts as the quality report does, to within a few tenths), so the
// aim leaves that margin.
const GRADE_AIM = 8.3;
// Salience under which a quote says little: it may go for its lead-in's grade.
const LITTLE_NEWS = 2.5;
// A quote that takes a dropped one's room may be this much harder than the aim on its own.
const REFILL_SLACK = 0;
// A quote's own grade is read with a plain lead-in: a message is never judged hard, or dropped,
// for its author's name.
const leadIn = (c: Candidate) =>
  c.slot === "thanks" && !THANKS.test(c.quote) ? "Thanks to Sam: " : "On Monday, Sam wrote: ";

/**
 * Makes the chosen quotes read at GRADE_AIM or below, hardest first: a quote is swapped for an
 * easier whole sentence of the same message (at least 6 words), or else left out, while another
 * message is still cited; the last one stays. Small weeks are where one long sentence decides the
 * grade. English quotes only (the estimate is English).
 */
function keepReadable(
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
function cachedGrade(grades: Map<string, number | undefined>, text: string): number | undefined {
  if (!grades.has(text)) {
    grades.set(text, readingGrade([text]));
  }
  return grades.get(text);
}

/**
 * The prose of a note as the quality report reads it (scripts/quality/measure.ts): the intro,
 * each paragraph twice (as prose and as cited text), the items, "Into next week…" and the tune.
 */
function proseOf(doc: WeeknoteDocument): string[] {
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

/** Best first: higher score, then earlier, then by id. */
function byRank(a: Candidate, b: Candidate): number {
  return (
    b.score - a.score ||
    a.item.highlight.postedAtMs - b.item.highlight.postedAtMs ||
    a.item.highlight.id.localeCompare(b.item.highlight.id)
  );
}

/**
 * A message's most salient sentence whole, however long (the fallback of a week with nothing
 * else to cite), with its unit index; undefined when it has none that is not a question.
 */
function bestWholeSentence(item: ReadHighlight, slot: Slot): { quote: string; index: number } | undefined {
  const best = item.units
    .map((unit, index) => ({ unit, index, salience: salienceOf(unit, slot) }))
    .filter((s) => !isQuestion(s.unit))
    .sort((a, b) => b.salience - a.salience || a.index - b.index)[0];
  return best ? { quote: quoteText(best.unit.text, slot), index: best.index } : undefined;
}

// Thanks in the words of the message itself: then the message reads as thanks as it is.
const THANKS = /\b(?:thank|thanks|thankyou|shout-?out|kudos|cheers|grateful|diolch)\b/i;

/** One paragraph weaving messages in posting order, each opened by who wrote it and, when it changes, the day. */
function paragraph(members: readonly Candidate[], words: FrameWords, zone: string, slot: Slot) {
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

function themeLimits(highlights: readonly Highlight[]): ThemeLimits {
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

/** Messages in posting order, MAX_PER_PARAGRAPH to a paragraph. */
function chunks(members: readonly Candidate[]): Candidate[][] {
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
