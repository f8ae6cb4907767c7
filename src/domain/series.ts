import { DateTime } from "luxon";
import { frameWords } from "./frame-words.ts";
import { type WeekKey, weekWindow } from "./week.ts";
import type { NoteLanguage } from "./weeknote.ts";

/**
 * The series number of `week` (`3.12`, or `42` for a plain count) given that `start.week` had
 * `start.year.start.number` (`start.number` without a year): the last part counts on one a week;
 * the first stays. Undefined before the start week.
 */
export function seriesNumber(
  start: { readonly week: WeekKey; readonly year?: number | undefined; readonly number: number },
  week: WeekKey,
): string | undefined {
  const from = DateTime.fromMillis(weekWindow(start.week, "UTC").startMs, { zone: "UTC" });
  const to = DateTime.fromMillis(weekWindow(week, "UTC").startMs, { zone: "UTC" });
  const weeks = Math.round(to.diff(from, "weeks").weeks);
  if (weeks < 0) {
    return undefined;
  }
  return start.year === undefined ? `${start.number + weeks}` : `${start.year}.${start.number + weeks}`;
}

/**
 * A note's title in the shape of the seed weeknote (issue 9): `5.9 — weeknotes — end of financial
 * year — a cyber drill` with a series number, `weeknotes 2026-W13 — …` without one, `weeknotes`
 * in the note's language (frameWords). Each theme phrase is made one line (white space runs become
 * one space, ends trimmed, a trailing `.`/`,`/`;`/`:` dropped); empty ones and repeats (ignoring
 * case) are left out, then at most 4 are kept; with none left the theme is the language's "a quiet
 * week". Phrases are kept as given otherwise: choosing 2–5 words, lower case unless a name, is the
 * summariser's job (see isThemePhrase). Pure; shared by every summariser.
 */
export function titleOf(
  seriesNumber: string | undefined,
  week: string,
  themes: readonly string[],
  language?: NoteLanguage,
): string {
  const words = frameWords(language);
  const prefix = seriesNumber?.trim()
    ? `${seriesNumber.trim()} — ${words.weeknotes}`
    : `${words.weeknotes} ${week}`;
  const kept = titleThemes(themes);
  return [prefix, ...(kept.length > 0 ? kept : [words.quietWeek])].join(" — ");
}

/** `text` without the stops, commas, colons and spaces at its end; one pass from the end. */
function trimTrailingStops(text: string): string {
  let end = text.length;
  while (end > 0 && ".,;: ".includes(text[end - 1] ?? "")) {
    end -= 1;
  }
  return text.slice(0, end);
}

/** The theme phrases titleOf would show, cleaned and at most 4, in order. */
export function titleThemes(themes: readonly string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const theme of themes) {
    // An em dash inside a theme would read as the title's own separator. Split and trimmed
    // rather than matched, so a long run of spaces or stops is read once (issue 12).
    const phrase = trimTrailingStops(
      theme
        .split("—")
        .map((part) => part.replace(/\s+/g, " ").trim())
        .join(" - ")
        .trim(),
    );
    const key = phrase.toLocaleLowerCase();
    if (phrase !== "" && !seen.has(key)) {
      seen.add(key);
      kept.push(phrase);
    }
  }
  return kept.slice(0, 4);
}

/**
 * Whether `phrase` has the shape of a theme phrase (issue 9): 2–5 words, lower case unless a name.
 * Without a parser a name is approximated: a first word capitalised like a sentence opener
 * (`Budget meeting`) fails unless a later word is capitalised too (`Hounslow House`); a word with
 * more than one capital (`AWS summit`) or any capitalised later word passes. A check for tests and
 * the quality report, not a rule the renderers apply.
 */
export function isThemePhrase(phrase: string): boolean {
  const words = phrase.trim().split(/\s+/).filter(Boolean);
  if (words.length < 2 || words.length > 5) {
    return false;
  }
  const [first = "", ...rest] = words;
  const capitalOnlyFirst = /^\p{Lu}[^\p{Lu}]*$/u.test(first);
  return !capitalOnlyFirst || rest.some((word) => /\p{Lu}/u.test(word));
}
