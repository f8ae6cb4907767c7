import { DateTime, IANAZone } from "luxon";
import { BotError } from "./errors.ts";

/** An ISO-8601 week: the ISO week-year (not always the calendar year) and week number 1–53. */
export interface WeekKey {
  readonly year: number;
  readonly week: number;
}

/**
 * One week in one IANA time zone: [Monday 00:00, next Monday 00:00) local time, as UTC epoch
 * milliseconds. Around a daylight-saving change the window is 167 or 169 hours long.
 */
export interface WeekWindow {
  readonly key: WeekKey;
  readonly zone: string;
  /** Inclusive start, UTC epoch ms. */
  readonly startMs: number;
  /** Exclusive end, UTC epoch ms. */
  readonly endMs: number;
}

const WEEK_KEY = /^(\d{4})-W(\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// Chat exports start in the 2010s; the bounds only stop typos such as 0026-W13 or 9026-W13.
const MIN_YEAR = 1970;
const MAX_YEAR = 2999;

/** Formats a week key the ISO way: `2026-W03`. */
export function formatWeekKey(key: WeekKey): string {
  return `${String(key.year).padStart(4, "0")}-W${String(key.week).padStart(2, "0")}`;
}

/**
 * Checks that `zone` is an IANA time-zone name this runtime knows (`Europe/London`, `UTC`).
 * @throws BotError `input.bad_timezone`
 */
export function assertTimeZone(zone: string): void {
  if (!IANAZone.isValidZone(zone)) {
    throw new BotError("input.bad_timezone", `Unknown time zone "${zone}"`, {
      hint: "Use an IANA zone name such as Europe/London or America/New_York",
    });
  }
}

/**
 * `zone` with the capitals the IANA database gives it (`europe/london` → `Europe/London`): zone
 * names are matched without regard to case (luxon, Intl), but a name shown back or stored should
 * read as the database has it. Only the case changes: a link (`GB`, `Asia/Calcutta`) stays the
 * name the user typed rather than becoming another.
 * @throws BotError `input.bad_timezone` as assertTimeZone.
 */
export function canonicalTimeZone(zone: string): string {
  assertTimeZone(zone);
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    // A zone luxon knows and Intl does not (none today) stays as typed.
    return zone;
  }
  return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
}

/** The ISO week that holds the instant `instantMs` (UTC epoch ms) in `zone`. */
export function weekOf(instantMs: number, zone: string): WeekKey {
  assertTimeZone(zone);
  const local = DateTime.fromMillis(instantMs, { zone });
  return { year: local.weekYear, week: local.weekNumber };
}

/**
 * The window of `key` in `zone`.
 * @throws BotError `input.bad_week` when the week does not exist (2026-W53), `input.bad_timezone`.
 */
export function weekWindow(key: WeekKey, zone: string): WeekWindow {
  assertTimeZone(zone);
  const start = DateTime.fromObject({ weekYear: key.year, weekNumber: key.week, weekday: 1 }, { zone });
  if (!start.isValid || start.weekYear !== key.year || start.weekNumber !== key.week) {
    throw new BotError("input.bad_week", `There is no week ${formatWeekKey(key)}`, {
      hint: `${key.year} has ${weeksInWeekYear(key.year)} ISO weeks`,
    });
  }
  const end = start.plus({ weeks: 1 });
  return { key, zone, startMs: start.toMillis(), endMs: end.toMillis() };
}

/** The window of the week holding `instantMs` (UTC epoch ms) in `zone`. */
export function windowOf(instantMs: number, zone: string): WeekWindow {
  return weekWindow(weekOf(instantMs, zone), zone);
}

/** The week after `key` (2026-W52 → 2026-W53 or 2027-W01). */
export function nextWeek(key: WeekKey): WeekKey {
  const monday = DateTime.fromObject(
    { weekYear: key.year, weekNumber: key.week, weekday: 1 },
    { zone: "UTC" },
  );
  const next = monday.plus({ weeks: 1 });
  return { year: next.weekYear, week: next.weekNumber };
}

/** The week before `key`. */
export function previousWeek(key: WeekKey): WeekKey {
  const monday = DateTime.fromObject(
    { weekYear: key.year, weekNumber: key.week, weekday: 1 },
    { zone: "UTC" },
  );
  const previous = monday.minus({ weeks: 1 });
  return { year: previous.weekYear, week: previous.weekNumber };
}

/** 52 or 53. */
export function weeksInWeekYear(year: number): number {
  // Asked of a day of that week-year: 1 January can belong to the previous one (2027: 2026-W53).
  return DateTime.fromObject({ weekYear: year, weekNumber: 1, weekday: 4 }, { zone: "UTC" }).weeksInWeekYear;
}

/**
 * Parses a week key `2026-W13` (case-insensitive `w`).
 * @throws BotError `input.bad_week`
 */
export function parseWeekKey(text: string): WeekKey {
  const match = WEEK_KEY.exec(text.trim().toUpperCase());
  if (!match) {
    throw badWeek(text);
  }
  const key = { year: Number(match[1]), week: Number(match[2]) };
  assertYearInRange(key.year, text);
  if (key.week < 1 || key.week > weeksInWeekYear(key.year)) {
    throw new BotError("input.bad_week", `There is no week ${formatWeekKey(key)}`, {
      hint: `${key.year} has ${weeksInWeekYear(key.year)} ISO weeks`,
    });
  }
  return key;
}

/**
 * Resolves what a user typed for a week, relative to `nowMs` (UTC epoch ms) in `zone`:
 * `last`, `this`, a week key `2026-W13`, or a date `2026-03-27` (the week holding that local day).
 * @throws BotError `input.bad_week`, `input.bad_timezone`
 */
export function resolveWeek(spec: string, nowMs: number, zone: string): WeekWindow {
  assertTimeZone(zone);
  const text = spec.trim().toLowerCase();
  if (text === "this") {
    return windowOf(nowMs, zone);
  }
  if (text === "last") {
    return weekWindow(previousWeek(weekOf(nowMs, zone)), zone);
  }
  if (DATE.test(text)) {
    const day = DateTime.fromISO(text, { zone });
    if (!day.isValid) {
      throw badWeek(spec);
    }
    assertYearInRange(day.year, spec);
    return weekWindow({ year: day.weekYear, week: day.weekNumber }, zone);
  }
  return weekWindow(parseWeekKey(spec), zone);
}

function assertYearInRange(year: number, text: string): void {
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new BotError("input.bad_week", `"${text}" is out of range`, {
      hint: `Give a week between ${MIN_YEAR} and ${MAX_YEAR}`,
    });
  }
}

function badWeek(text: string): BotError {
  return new BotError("input.bad_week", `"${text}" is not a week`, {
    hint: "Give a week key like 2026-W13, a date like 2026-03-27, or the words last or this",
  });
}
