/**
 * Whether a `coming_up` highlight is about the time after the note's week (issue 9): "Booking opens
 * on Wednesday", posted on the Tuesday of the week being written up, has happened by the time the
 * note is read and belongs in the body, not under "Into next week…".
 */

import { DateTime } from "luxon";
import type { Reading } from "./language.ts";

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/**
 * The local day (start, UTC epoch ms) a DATE entity names, resolved against the day the message was
 * posted (in `zone`): a weekday is its next occurrence on or after that day, `tomorrow` the day
 * after, `today`/`tonight`/`this morning` that day, `31 March` that date (the next year's when it
 * would be half a year back). `next week`/`next month` and the like are the far future
 * (Infinity); a month or year alone, or anything else, is undefined.
 */
export function resolveDate(value: string, postedAtMs: number, zone: string): number | undefined {
  const text = value.toLowerCase();
  const posted = DateTime.fromMillis(postedAtMs, { zone }).startOf("day");
  if (/\b(?:next|coming)\b/.test(text)) {
    return Number.POSITIVE_INFINITY;
  }
  if (/\b(?:yesterday|last|ago)\b/.test(text)) {
    return posted.minus({ days: 1 }).toMillis();
  }
  if (/\btomorrow\b/.test(text)) {
    return posted.plus({ days: 1 }).toMillis();
  }
  if (/\b(?:today|tonight|this (?:morning|afternoon|evening))\b/.test(text)) {
    return posted.toMillis();
  }
  const words = text.match(/[a-z]+|\d{1,2}(?=st|nd|rd|th|\b)/g) ?? [];
  const month = MONTHS.findIndex((m) => words.some((w) => w.length >= 3 && m.startsWith(w)));
  const day = words.map(Number).find((n) => Number.isInteger(n) && n >= 1 && n <= 31);
  if (month >= 0 && day !== undefined) {
    let date = posted.set({ month: month + 1, day });
    if (date < posted.minus({ days: 183 })) {
      date = date.plus({ years: 1 });
    }
    return date.toMillis();
  }
  const weekday = WEEKDAYS.findIndex((d) => words.some((w) => w === d || w === d.slice(0, 3)));
  if (weekday >= 0) {
    const ahead = (weekday + 1 - posted.weekday + 7) % 7;
    return posted.plus({ days: ahead }).toMillis();
  }
  return undefined;
}

/**
 * Whether a message tagged for "Into next week…" is about the future at the end of its week
 * (`weekEndMs`): any date it names on or after the week's end makes it so; dates that all fall
 * inside the week mean it has happened; with no date, future words (`will`, `next`, `soon`) say
 * yes and a past tense says no; a present-tense message with no date keeps the tagger's word.
 */
export function isAboutNextWeek(
  reading: Reading,
  postedAtMs: number,
  weekEndMs: number,
  zone: string,
): boolean {
  const resolved = reading.dates
    .map((d) => resolveDate(d, postedAtMs, zone))
    .filter((d): d is number => d !== undefined);
  if (resolved.length > 0) {
    return resolved.some((d) => d >= weekEndMs);
  }
  if (reading.future) {
    return true;
  }
  return !reading.past;
}
