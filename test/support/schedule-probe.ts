// Prints the schedule domain's answers for the C13 cases as JSON, for
// test/e2e/schedule-host-tz.e2e.test.ts to compare across host time zones (TZ=…):
// `node bin/run-ts.js test/support/schedule-probe.ts`. Also prints what the host thinks its zone is.
import { cronExpression, dueDraft, localTimeToInstant, scheduledInstant } from "../../src/domain/schedule.ts";
import type { DraftSchedule } from "../../src/domain/team.ts";
import { formatWeekKey } from "../../src/domain/week.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const cases: [string, DraftSchedule, { year: number; week: number }][] = [
  ["Europe/London", { weekday: 5, hour: 14, minute: 0 }, { year: 2026, week: 13 }],
  ["Europe/London", { weekday: 5, hour: 14, minute: 0 }, { year: 2026, week: 14 }],
  ["Europe/London", { weekday: 5, hour: 16, minute: 0 }, { year: 2025, week: 14 }],
  ["Europe/London", { weekday: 7, hour: 1, minute: 30 }, { year: 2026, week: 13 }],
  ["Europe/London", { weekday: 7, hour: 1, minute: 30 }, { year: 2026, week: 43 }],
  ["Europe/London", { weekday: 7, hour: 1, minute: 30 }, { year: 2025, week: 43 }],
  ["Asia/Jerusalem", { weekday: 5, hour: 2, minute: 30 }, { year: 2026, week: 13 }],
  ["Asia/Jerusalem", { weekday: 5, hour: 2, minute: 30 }, { year: 2025, week: 13 }],
  ["America/New_York", { weekday: 7, hour: 2, minute: 30 }, { year: 2026, week: 10 }],
];
const instants = cases.map(([zone, schedule, week]) => ({
  zone,
  cron: cronExpression(schedule),
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
const gap = iso(localTimeToInstant({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 }, "Europe/London"));
process.stdout.write(
  JSON.stringify({ host: Intl.DateTimeFormat().resolvedOptions().timeZone, result: { instants, due, gap } }),
);
