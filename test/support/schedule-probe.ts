// The schedule domain's answers for the C13 cases (src/domain/schedule.ts), as plain data, for
// test/e2e/schedule-host-tz.e2e.test.ts to compare across host time zones (process.env.TZ set
// in-process, one zone after the other). Nothing here imports vitest.
import { dueDraft, localTimeToInstant, scheduledInstant } from "../../src/domain/schedule.ts";
import type { DraftSchedule } from "../../src/domain/team.ts";
import { formatWeekKey, windowOf } from "../../src/domain/week.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/** `[zone, schedule, week]`: drafts before, inside and after the changes of 2025 and 2026. */
const CASES: [string, DraftSchedule, { year: number; week: number }][] = [
  ["Europe/London", { weekday: 5, hour: 14, minute: 0 }, { year: 2026, week: 13 }],
  ["Europe/London", { weekday: 5, hour: 14, minute: 0 }, { year: 2026, week: 14 }],
  ["Europe/London", { weekday: 5, hour: 16, minute: 0 }, { year: 2025, week: 14 }],
  ["Europe/London", { weekday: 7, hour: 1, minute: 30 }, { year: 2026, week: 13 }],
  ["Europe/London", { weekday: 7, hour: 1, minute: 30 }, { year: 2026, week: 43 }],
  ["Europe/London", { weekday: 7, hour: 1, minute: 30 }, { year: 2025, week: 43 }],
  ["Asia/Jerusalem", { weekday: 5, hour: 2, minute: 30 }, { year: 2026, week: 13 }],
  ["Asia/Jerusalem", { weekday: 5, hour: 2, minute: 30 }, { year: 2025, week: 13 }],
  ["America/New_York", { weekday: 7, hour: 2, minute: 30 }, { year: 2026, week: 10 }],
  ["America/New_York", { weekday: 7, hour: 1, minute: 30 }, { year: 2026, week: 44 }],
  ["Pacific/Chatham", { weekday: 7, hour: 2, minute: 50 }, { year: 2026, week: 14 }],
  ["Pacific/Chatham", { weekday: 7, hour: 3, minute: 0 }, { year: 2026, week: 39 }],
];

/** What the schedule domain answers for the C13 cases; the same whatever the host's zone. */
export function probeSchedule() {
  const instants = CASES.map(([zone, schedule, week]) => ({
    zone,
    schedule: `${schedule.weekday} ${schedule.hour}:${String(schedule.minute).padStart(2, "0")}`,
    week: formatWeekKey(week),
    at: iso(scheduledInstant(schedule, week, zone)),
  }));
  const due = ["2026-03-27T13:59:00Z", "2026-03-27T14:00:00Z", "2026-03-29T23:30:00Z"].map((now) => {
    const d = dueDraft(
      { timezone: "Europe/London", draftSchedule: { weekday: 5, hour: 14, minute: 0 } },
      Date.parse(now),
    );
    return d ? `${formatWeekKey(d.window.key)} ${iso(d.dueAtMs)}` : null;
  });
  const gap = iso(
    localTimeToInstant({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 }, "Europe/London"),
  );
  // Sunday 23:30Z is Monday in London in summer: the week of the zone, not of the host.
  const window = windowOf(Date.parse("2026-03-29T23:30:00Z"), "Europe/London");
  return {
    instants,
    due,
    gap,
    week: `${formatWeekKey(window.key)} ${iso(window.startMs)} ${iso(window.endMs)}`,
  };
}
