import { DateTime } from "luxon";

/** The UTC calendar day of an instant (UTC epoch ms), as `2026-04-30`. */
export function utcDay(instantMs: number): string {
  return DateTime.fromMillis(instantMs, { zone: "utc" }).toFormat("yyyy-MM-dd");
}
