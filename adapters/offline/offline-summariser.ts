import { frameWords } from "../../src/domain/frame-words.ts";
import { titleOf } from "../../src/domain/series.ts";
import { parseWeekKey, weekWindow } from "../../src/domain/week.ts";
import type {
  NoteLanguage,
  WeeknoteDocument,
  WeeknoteItem,
  WeeknoteSection,
} from "../../src/domain/weeknote.ts";
import type { SummariseInput, SummariseResult, Summariser } from "../../src/ports/summariser.ts";
import { choose, scoreOf } from "./budget.ts";
import { byRank, type Candidate, unitOf } from "./candidate.ts";
import { orderOf, planReading } from "./cheap-pass.ts";
import { countWords, loadLanguageModel, readingGrade } from "./language.ts";
import { chunks, paragraph } from "./paragraphs.ts";
import { bestWholeSentence, quoteOf } from "./quotes.ts";
import { cachedGrade, GRADE_AIM, keepReadable, leadIn, proseOf, REFILL_SLACK } from "./readable.ts";
import { type ReadHighlight, readCheap, readHighlight } from "./reading.ts";
import { isThanks, type Slot } from "./salience.ts";
import { coveringPhrases, quoteLemmas, quotePhrases, sharedSeed, themeLimits } from "./subjects.ts";
import { groupByTopic, themeOf } from "./themes.ts";
import { isAboutNextWeek } from "./timing.ts";
import { oneLineName, themePhrase } from "./wording.ts";

export { sameTune, TOP_READ } from "./cheap-pass.ts";

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

function weekEndMs(week: string, zone: string): number {
  try {
    return weekWindow(parseWeekKey(week), zone).endMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
