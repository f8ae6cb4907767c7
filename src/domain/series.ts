import { DateTime } from "luxon";
import { type WeekKey, weekWindow } from "./week.ts";

/**
 * The series number of `week` (`3.12`) given that `start.week` had `start.year.start.number`:
 * the second part counts on one a week; the first stays. Undefined before the start week.
 */
export function seriesNumber(
  start: { readonly week: WeekKey; readonly year: number; readonly number: number },
  week: WeekKey,
): string | undefined {
  const from = DateTime.fromMillis(weekWindow(start.week, "UTC").startMs, { zone: "UTC" });
  const to = DateTime.fromMillis(weekWindow(week, "UTC").startMs, { zone: "UTC" });
  const weeks = Math.round(to.diff(from, "weeks").weeks);
  return weeks < 0 ? undefined : `${start.year}.${start.number + weeks}`;
}
