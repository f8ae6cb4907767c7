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
import { countWords, gradeOf, loadLanguageModel } from "./language.ts";
import { overlap, type ReadHighlight, readHighlight, wordSet } from "./reading.ts";
import { groupByTopic, namesIn, type ThemeLimits, type TopicGroup, themeOf } from "./themes.ts";
import { isAboutNextWeek } from "./timing.ts";
import { humaniseChannel, oneLineName, themePhrase } from "./wording.ts";

/** Bumped whenever the offline wording changes, so revisions say which rules wrote them. */
export const OFFLINE_SUMMARISER_VERSION = "offline-2";

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
      const read = new Map<string, ReadHighlight>();
      for (const [index, highlight] of input.highlights.entries()) {
        if (index > 0 && index % READ_SLICE === 0) {
          // Reading is most of the work (wink-nlp, ~5 ms a message): a big week lets the event
          // loop run between slices, so acknowledgements and /healthz are not held behind it.
          await nextMacrotask();
        }
        read.set(highlight.id, readHighlight(highlight, keepSuffixes));
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
const MAX_QUOTE_WORDS = 20;
// Longer sentences are not quoted: they make the note hard to read (issue 9: FK grade at most 9).
const MAX_SENTENCE_WORDS = 22;
const MAX_NEXT_WEEK = 3;
// Title, intro, footer (rule, blank, text) and the blank lines between them, in rendered lines.
const FIXED_LINES = 2 + 2 + 3;
const INTRO_WORDS = 22;

type Slot = "theme" | "challenges" | "thanks" | "next" | "tune";

interface Candidate {
  readonly item: ReadHighlight;
  readonly slot: Slot;
  /** The quoted sentences: whole units from the start of the message. */
  readonly quote: string;
  readonly words: number;
  readonly score: number;
  readonly group: TopicGroup | undefined;
  /** Which paragraph it would be woven into: `theme:<key phrase>`, `also`, `challenges`, `thanks`. */
  readonly paragraph: string;
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
  const ordered = [...input.highlights].sort(
    (a, b) => a.postedAtMs - b.postedAtMs || a.id.localeCompare(b.id),
  );
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

  const leftOut: LeftOut[] = [];
  const keepSuffixes = input.keepNameSuffixes ?? options.keepNameSuffixes ?? false;
  const read = ordered.map((h) => alreadyRead.get(h.id) ?? readHighlight(h, keepSuffixes));
  const usable: ReadHighlight[] = [];
  const wordsOf = new Map<ReadHighlight, Set<string>>();
  for (const item of read) {
    if (item.junk) {
      leftOut.push({ highlightId: item.highlight.id, reason: item.junk });
      continue;
    }
    const set = wordSet(item.text);
    wordsOf.set(item, set);
    // The same thing said twice in one part of the note; a tune may share its words with a highlight.
    const repeats = usable.find(
      (earlier) =>
        earlier.highlight.section === item.highlight.section &&
        overlap(wordsOf.get(earlier) ?? new Set(), set) >= 0.8,
    );
    if (repeats) {
      leftOut.push({
        highlightId: item.highlight.id,
        reason: "duplicate",
        duplicateOf: repeats.highlight.id,
      });
      continue;
    }
    usable.push(item);
  }

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
  const slotted = usable.map((item) => ({ item, slot: slotOf(item) }));
  const groups = groupByTopic(slotted.filter((s) => s.slot === "theme").map((s) => s.item));
  const groupOf = new Map<string, TopicGroup>();
  for (const group of groups) {
    for (const member of group.members) {
      groupOf.set(member.highlight.id, group);
    }
  }

  const limits = themeLimits(ordered);
  // A subject with no key phrase (a message alone, say) goes in one "Also this week" paragraph.
  const themeOfGroup = new Map(groups.map((g) => [g, themeOf(g, limits)]));
  const paragraphKey = (c: { item: ReadHighlight; slot: Slot; group: TopicGroup | undefined }): string => {
    if (c.slot !== "theme") {
      return c.slot;
    }
    const theme = c.group ? themeOfGroup.get(c.group) : undefined;
    // Subjects that come out with one key phrase are one subject.
    return theme === undefined ? "also" : `theme:${theme.toLocaleLowerCase()}`;
  };
  const candidates: Candidate[] = slotted.map(({ item, slot }) => {
    const { quote, words: quoteWords, skipped } = quoteOf(item, slot);
    const group = groupOf.get(item.highlight.id);
    // A translation doubles a message's words, not what it says.
    const bilingual = item.units.some((u) => u.bilingual);
    const score = scoreOf(item, bilingual ? quoteWords / 2 : quoteWords, group, slot) - (skipped ? 3 : 0);
    return {
      item,
      slot,
      quote,
      words: quoteWords,
      score,
      group,
      paragraph: paragraphKey({ item, slot, group }),
    };
  });
  const chosen = choose(candidates, input, ordered.length);
  if (chosen.size === 0) {
    // A week with something usable says it: its best highlight is cited even when none of its
    // sentences is short (quoted whole then, never cut) or the budget is small.
    const best = [...candidates].sort(byRank)[0];
    const quote = best ? best.quote || wholeFirstSentence(best.item) : "";
    if (best && quote !== "") {
      const cited = { ...best, quote, words: countWords(quote) };
      candidates[candidates.indexOf(best)] = cited;
      chosen.add(cited);
    }
  }
  keepReadable(chosen, candidates, words.tagged(input.voice ?? "we", ordered.length, 2));
  for (const c of candidates) {
    if (!chosen.has(c)) {
      leftOut.push({ highlightId: c.item.highlight.id, reason: "over_budget" });
    }
  }

  const sections: WeeknoteSection[] = [];
  const themes: string[] = [];
  for (const group of groups) {
    const theme = themeOfGroup.get(group);
    if (theme === undefined || themes.some((t) => t.toLocaleLowerCase() === theme.toLocaleLowerCase())) {
      continue;
    }
    const key = `theme:${theme.toLocaleLowerCase()}`;
    const members = candidates.filter((c) => c.paragraph === key && chosen.has(c));
    if (members.length === 0) {
      continue;
    }
    themes.push(theme);
    sections.push({
      section: "highlights",
      heading: theme,
      paragraphs: chunks(members).map((chunk) => paragraph(chunk, words, zone, "theme")),
      items: [],
    });
  }
  const also = candidates.filter((c) => c.paragraph === "also" && chosen.has(c));
  if (also.length > 0) {
    sections.push({
      section: "highlights",
      heading: words.alsoThisWeek,
      paragraphs: chunks(also).map((chunk) => paragraph(chunk, words, zone, "theme")),
      items: [],
    });
  }
  for (const slot of ["challenges", "thanks"] as const) {
    const members = candidates.filter((c) => c.slot === slot && chosen.has(c));
    if (members.length > 0) {
      sections.push({
        section: slot,
        heading: slot === "challenges" ? words.challenges : words.thanks,
        paragraphs: chunks(members).map((chunk) => paragraph(chunk, words, zone, slot)),
        items: [],
      });
    }
  }
  if (themes.length < 2) {
    // A week of one subject (or none) borrows the key phrases of its challenges and thanks.
    for (const c of candidates.filter(
      (c) => chosen.has(c) && (c.slot === "challenges" || c.slot === "thanks"),
    )) {
      const theme = themeOf({ seed: undefined, members: [c.item] }, limits);
      if (theme !== undefined && !themes.some((t) => t.toLocaleLowerCase() === theme.toLocaleLowerCase())) {
        themes.push(theme);
      }
      if (themes.length >= 2) {
        break;
      }
    }
  }
  if (themes.length === 0) {
    // No key phrase at all (one short message, say): the opening words of the best-tagged quote
    // name the week better than "a quiet week" would.
    const best = [...chosen].sort((a, b) => b.score - a.score)[0];
    const opening = best ? themePhrase(best.quote, 5) : "";
    if (opening.split(" ").length >= 2) {
      // Lower case unless a name: an acronym (`R&D`, `NHS`) keeps its capitals, not `r&D`.
      const acronym = /\p{Lu}/u.test((opening.split(" ")[0] ?? "").slice(1));
      themes.push(acronym ? opening : opening.charAt(0).toLocaleLowerCase() + opening.slice(1));
    }
  }
  const titleThemes = themes.slice(0, 4);

  const intoNextWeek: WeeknoteItem[] = candidates
    .filter((c) => c.slot === "next" && chosen.has(c))
    .map((c) => ({ text: c.quote, authors: [c.item.author], highlightIds: [c.item.highlight.id] }));
  const tuneCandidate = candidates.find((c) => c.slot === "tune" && chosen.has(c));
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
const GREETING = /^(?:hi|hello|hey|hiya|morning|good morning|good afternoon|dear)\b[^.!?]{0,20}[.!?,]?$/i;

/**
 * The whole sentences quoted from a message: from its first sentence of at most
 * MAX_SENTENCE_WORDS words (a greeting skipped), up to MAX_QUOTE_WORDS, never part of a sentence;
 * a sentence with its translation counts as one. Empty when no sentence is short enough to read.
 */
function quoteOf(item: ReadHighlight, slot: Slot): { quote: string; words: number; skipped: boolean } {
  let units = [...item.units];
  if (units.length > 1 && GREETING.test(units[0]?.text ?? "")) {
    units = units.slice(1);
  }
  // A message's first sentence sets its context: only a highlight's may be skipped for being long;
  // a thanks that cannot be quoted from its start is not quoted at all.
  const first = units.findIndex((u) => u.bilingual || u.words <= MAX_SENTENCE_WORDS);
  const start = first > 0 && slot !== "theme" ? -1 : first;
  const kept: string[] = [];
  let total = 0;
  for (const unit of start < 0 ? [] : units.slice(start)) {
    if (kept.length > 0 && (total + unit.words > MAX_QUOTE_WORDS || unit.words > MAX_SENTENCE_WORDS)) {
      break;
    }
    kept.push(unit.text);
    total += unit.words;
  }
  let quote = kept.join(" ");
  if (slot === "tune") {
    // A tune is quoted as its first line is written, without a full stop added.
    const line = item.text.split("\n")[0] ?? "";
    quote = (countWords(line) <= MAX_QUOTE_WORDS ? line : quote).replace(TUNE_LEAD, "");
  } else if (slot !== "next") {
    // A "Coming up:" label on something that has happened by the week's end would mislead.
    quote = quote.replace(COMING_UP_LABEL, "");
  }
  quote = quote.charAt(0).toLocaleUpperCase() + quote.slice(1);
  return { quote, words: countWords(quote), skipped: start > 0 };
}

// More taggers first; then messages of a quotable length; a long first sentence weighs less. A
// tune is a title and an artist: only its taggers count.
function scoreOf(item: ReadHighlight, words: number, group: TopicGroup | undefined, slot: Slot): number {
  if (slot === "tune") {
    return item.taggers * 10;
  }
  const length = words < 6 ? -4 : words > 45 ? -6 : 0;
  const shared = group && group.members.length > 1 ? 2 : 0;
  return item.taggers * 10 + Math.min(words, 30) / 5 + length + shared;
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
    const lead = c.slot === "next" || c.slot === "tune" ? 0 : 6;
    const cost = c.words + lead;
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

// Issue 9: the prose reads at Flesch–Kincaid grade 9 or below. wink's estimate (gradeOf) runs up to
// about a grade apart from other syllable counters, so the aim is lower. A paragraph's sentence
// opens with who wrote it: the estimate reads each quote with such a lead-in.
const GRADE_AIM = 7.5;
const LEAD_IN = "On Monday, Sam wrote: ";

/**
 * Makes the chosen quotes read at GRADE_AIM or below, hardest first: a quote is swapped for an
 * easier whole sentence of the same message (at least 6 words), or else left out, while another
 * message is still cited; the last one stays. Small weeks are where one long sentence decides the
 * grade. English quotes only (the estimate is English).
 */
function keepReadable(chosen: Set<Candidate>, candidates: Candidate[], intro: string): void {
  for (let round = 0; round < 8; round++) {
    const prose = [...chosen].filter((c) => c.slot !== "tune");
    const english = prose.filter((c) => c.item.english);
    const grade = gradeOf([intro, ...english.map((c) => `${LEAD_IN}${c.quote}`)].join(" "));
    if (english.length === 0 || grade === undefined || grade <= GRADE_AIM) {
      return;
    }
    const graded = english.map((c) => ({ c, grade: gradeOf(`${LEAD_IN}${c.quote}`) ?? 0 }));
    const hardest = graded.sort((a, b) => b.grade - a.grade || byRank(a.c, b.c))[0];
    if (!hardest) {
      return;
    }
    const easier = easierQuote(hardest.c, hardest.grade);
    if (easier) {
      chosen.delete(hardest.c);
      candidates[candidates.indexOf(hardest.c)] = easier;
      chosen.add(easier);
    } else if (prose.length > 1) {
      chosen.delete(hardest.c);
    } else {
      return;
    }
  }
}

/**
 * An easier quote of `c`'s message, graded half a grade below `grade`: first the quote with the
 * message's next sentence (the context kept, the average sentence shorter), else the easiest whole
 * sentence of the message alone (6 to MAX_SENTENCE_WORDS words).
 */
function easierQuote(c: Candidate, grade: number): Candidate | undefined {
  const units = c.item.units;
  const last = units.findLastIndex((u) => c.quote.endsWith(u.text.slice(1)));
  const next = last >= 0 ? units[last + 1] : undefined;
  if (
    next &&
    !next.bilingual &&
    next.words <= MAX_SENTENCE_WORDS &&
    c.words + next.words <= 2 * MAX_QUOTE_WORDS
  ) {
    const longer = `${c.quote} ${next.text}`;
    if ((gradeOf(`${LEAD_IN}${longer}`) ?? grade) < grade - 0.5) {
      return { ...c, quote: longer, words: countWords(longer) };
    }
  }
  let best: { text: string; grade: number } | undefined;
  for (const unit of units) {
    if (unit.bilingual || unit.words < 6 || unit.words > MAX_SENTENCE_WORDS || GREETING.test(unit.text)) {
      continue;
    }
    const text = unit.text.replace(COMING_UP_LABEL, "");
    const quote = text.charAt(0).toLocaleUpperCase() + text.slice(1);
    const unitGrade = gradeOf(`${LEAD_IN}${quote}`) ?? grade;
    if (quote !== c.quote && unitGrade < grade - 0.5 && (!best || unitGrade < best.grade)) {
      best = { text: quote, grade: unitGrade };
    }
  }
  return best ? { ...c, quote: best.text, words: countWords(best.text) } : undefined;
}

/** Best first: higher score, then earlier, then by id. */
function byRank(a: Candidate, b: Candidate): number {
  return (
    b.score - a.score ||
    a.item.highlight.postedAtMs - b.item.highlight.postedAtMs ||
    a.item.highlight.id.localeCompare(b.item.highlight.id)
  );
}

/** A message's first sentence (a greeting skipped), whole however long; with a capital first letter. */
function wholeFirstSentence(item: ReadHighlight): string {
  const units =
    item.units.length > 1 && GREETING.test(item.units[0]?.text ?? "") ? item.units.slice(1) : item.units;
  const text = (units[0]?.text ?? "").replace(COMING_UP_LABEL, "");
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
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
