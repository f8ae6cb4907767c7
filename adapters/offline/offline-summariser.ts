import type { Highlight } from "../../src/domain/highlight.ts";
import type { WeeknoteDocument, WeeknoteItem, WeeknoteSection } from "../../src/domain/weeknote.ts";
import type { SummariseInput, SummariseResult, Summariser } from "../../src/ports/summariser.ts";
import { excerpt, humaniseChannel, joinPhrases, oneLineName, themePhrase } from "./wording.ts";

/** Bumped whenever the offline wording changes, so revisions say which rules wrote them. */
export const OFFLINE_SUMMARISER_VERSION = "offline-1";

// Channels whose name says nothing about the work (team chat, #general) never become title themes.
const GENERIC_CHANNEL = /^(general|random|chat|social|announcements?|watercooler|off-?topic)$|^team([-_]|$)/;

/**
 * The built-in summariser (SPEC §5): deterministic, no network. Highlights are grouped by section
 * and, within `highlights`, by channel (each channel is a theme); the title names the 2–4 busiest
 * themes; every item cites its highlight and names its author. Names (authors, channels) go into
 * the document as plain one-line text (see oneLineName); the renderers escape them.
 */
export function createOfflineSummariser(): Summariser {
  return {
    async summarise(input: SummariseInput): Promise<SummariseResult> {
      return {
        document: summariseOffline(input),
        origin: "offline",
        model: undefined,
        promptVersion: OFFLINE_SUMMARISER_VERSION,
      };
    },
  };
}

/** The pure function behind the offline summariser: same input, same document. */
export function summariseOffline(input: SummariseInput): WeeknoteDocument {
  const ordered = [...input.highlights].sort(
    (a, b) => a.postedAtMs - b.postedAtMs || a.id.localeCompare(b.id),
  );
  const bySection = groupBy(ordered, (h) => h.section);
  const themes = rankThemes(bySection.get("highlights") ?? []);
  // The title names the week's work: its highlights and challenges, else whatever was tagged.
  const work = ordered.filter((h) => h.section === "highlights" || h.section === "challenges");
  const titleThemes = pickTitleThemes(
    rankThemes(work.length > 0 ? work : ordered),
    work.length > 0 ? work : ordered,
  );
  const prefix = input.seriesNumber ? `${input.seriesNumber} — weeknotes` : `weeknotes ${input.week}`;
  const title = [prefix, ...(titleThemes.length > 0 ? titleThemes : ["a quiet week"])].join(" — ");

  const sections: WeeknoteSection[] = themes.map((theme) => ({
    section: "highlights" as const,
    heading: capitalise(theme.phrase),
    items: theme.highlights.map(toItem),
  }));
  for (const [section, heading] of [
    ["challenges", "Challenges"],
    ["thanks", "Thanks"],
  ] as const) {
    const items = (bySection.get(section) ?? []).map(toItem);
    if (items.length > 0) {
      sections.push({ section, heading, items });
    }
  }

  const tunes = bySection.get("tune") ?? [];
  const document: WeeknoteDocument = {
    week: input.week,
    title,
    themes: titleThemes,
    intro: intro(input, titleThemes),
    sections,
    intoNextWeek: (bySection.get("coming_up") ?? []).map(toItem),
    footer: footer(input),
  };
  const tune = tuneItem(tunes);
  return tune ? { ...document, tune } : document;
}

interface Theme {
  phrase: string;
  channel: string;
  highlights: Highlight[];
}

// Busiest channel first; ties by name so the order never depends on input order.
function rankThemes(highlights: readonly Highlight[]): Theme[] {
  const byChannel = groupBy(highlights, (h) => h.conversationName);
  return [...byChannel.entries()]
    .map(([channel, items]) => ({ channel, phrase: humaniseChannel(channel), highlights: items }))
    .sort((a, b) => b.highlights.length - a.highlights.length || a.channel.localeCompare(b.channel));
}

function pickTitleThemes(themes: readonly Theme[], all: readonly Highlight[]): string[] {
  const specific = themes.filter((t) => !GENERIC_CHANNEL.test(t.channel)).map((t) => t.phrase);
  const phrases = specific.slice(0, 4);
  if (phrases.length < 2) {
    // One busy channel (or only #general) says little: borrow the opening words of the week's
    // most-tagged highlights so the title still names what happened.
    const mostTagged = [...all].sort((a, b) => b.tags.length - a.tags.length || a.postedAtMs - b.postedAtMs);
    for (const h of mostTagged) {
      const phrase = themePhrase(h.text);
      if (phrases.length >= 2) {
        break;
      }
      if (phrase && !phrases.includes(phrase)) {
        phrases.push(phrase);
      }
    }
  }
  return phrases.slice(0, 4);
}

function intro(input: SummariseInput, themes: readonly string[]): string {
  const count = input.highlights.length;
  if (count === 0) {
    return "Nothing was tagged for the weeknotes this week.";
  }
  const people = new Set(input.highlights.map((h) => h.authorName)).size;
  const channels = [...new Set(input.highlights.map((h) => `#${oneLineName(h.conversationName)}`))].sort();
  const where = channels.length <= 4 ? ` in ${joinPhrases(channels)}` : ` across ${channels.length} channels`;
  const from = people === 1 ? "one person" : `${people} people`;
  const about = themes.length > 1 ? ` Most of it was about ${joinPhrases(themes)}.` : "";
  const who = input.voice === "I" ? "I" : "we";
  return `This week ${who} tagged ${plural(count, "highlight")} from ${from}${where}.${about}`;
}

function footer(input: SummariseInput): string {
  return `Drafted by the weeknotes offline summariser (${OFFLINE_SUMMARISER_VERSION}, no LLM) from ${plural(
    input.highlights.length,
    "highlight",
  )} tagged in ${input.week}.`;
}

// Long enough for a message and its translation or explanation; the full text stays in the store.
const ITEM_LENGTH = 400;

function toItem(h: Highlight): WeeknoteItem {
  return {
    text: excerpt(h.text, ITEM_LENGTH) || "(a message with no text)",
    authors: [oneLineName(h.authorName)],
    highlightIds: [h.id],
  };
}

function tuneItem(tunes: readonly Highlight[]): WeeknoteItem | undefined {
  if (tunes.length === 0) {
    return undefined;
  }
  return {
    text: tunes.map((h) => excerpt(h.text, 200) || "(a message with no text)").join(" / "),
    authors: [...new Set(tunes.map((h) => oneLineName(h.authorName)))],
    highlightIds: tunes.map((h) => h.id),
  };
}

function groupBy<K>(highlights: readonly Highlight[], key: (h: Highlight) => K): Map<K, Highlight[]> {
  const groups = new Map<K, Highlight[]>();
  for (const h of highlights) {
    const group = groups.get(key(h));
    if (group) {
      group.push(h);
    } else {
      groups.set(key(h), [h]);
    }
  }
  return groups;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
