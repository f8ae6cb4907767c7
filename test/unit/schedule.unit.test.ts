import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { isBotError } from "../../src/domain/errors.ts";
import {
  assertSchedule,
  assertScheduleIn,
  dueDraft,
  dueWeekly,
  localTimeToInstant,
  scheduledInstant,
} from "../../src/domain/schedule.ts";
import type { DraftSchedule } from "../../src/domain/team.ts";
import { formatWeekKey, weekWindow } from "../../src/domain/week.ts";

// Every expectation is an explicit UTC instant, so the file passes whatever the host's TZ is;
// test/e2e/schedule-host-tz.e2e.test.ts runs it again under TZ=Europe/London and Asia/Jerusalem.
const iso = (ms: number) => new Date(ms).toISOString();
const utc = (text: string) => Date.parse(text);
const FRIDAY_14: DraftSchedule = { weekday: 5, hour: 14, minute: 0 };
const SUNDAY_0130: DraftSchedule = { weekday: 7, hour: 1, minute: 30 };
const FRIDAY_0230: DraftSchedule = { weekday: 5, hour: 2, minute: 30 };

function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isBotError(error) ? error.code : "not a BotError";
  }
  return undefined;
}

describe("localTimeToInstant", () => {
  it("reads an ordinary local time on the zone's clock", () => {
    expect(
      iso(localTimeToInstant({ year: 2026, month: 3, day: 27, hour: 14, minute: 0 }, "Europe/London")),
    ).toBe("2026-03-27T14:00:00.000Z");
    expect(
      iso(localTimeToInstant({ year: 2026, month: 7, day: 3, hour: 14, minute: 0 }, "Europe/London")),
    ).toBe("2026-07-03T13:00:00.000Z");
    expect(
      iso(localTimeToInstant({ year: 2026, month: 7, day: 3, hour: 9, minute: 15 }, "Asia/Kolkata")),
    ).toBe("2026-07-03T03:45:00.000Z");
  });

  it("moves a time in a spring-forward gap to the instant the clock jumps", () => {
    // London 2026-03-29: 01:00 GMT → 02:00 BST, at 01:00Z. 01:00–01:59 never happens.
    expect(
      iso(localTimeToInstant({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 }, "Europe/London")),
    ).toBe("2026-03-29T01:00:00.000Z");
    expect(
      iso(localTimeToInstant({ year: 2026, month: 3, day: 29, hour: 1, minute: 0 }, "Europe/London")),
    ).toBe("2026-03-29T01:00:00.000Z");
    // 02:00 exists (it is the first BST minute).
    expect(
      iso(localTimeToInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 0 }, "Europe/London")),
    ).toBe("2026-03-29T01:00:00.000Z");
    // Jerusalem, Friday 2026-03-27: 02:00 IST → 03:00 IDT, at 00:00Z.
    expect(
      iso(localTimeToInstant({ year: 2026, month: 3, day: 27, hour: 2, minute: 30 }, "Asia/Jerusalem")),
    ).toBe("2026-03-27T00:00:00.000Z");
    // New York 2026-03-08: 02:00 EST → 03:00 EDT, at 07:00Z.
    expect(
      iso(localTimeToInstant({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, "America/New_York")),
    ).toBe("2026-03-08T07:00:00.000Z");
    // Lord Howe Island moves by 30 minutes: 02:00 → 02:30 (+10:30 → +11) on 2026-10-04.
    expect(
      iso(localTimeToInstant({ year: 2026, month: 10, day: 4, hour: 2, minute: 15 }, "Australia/Lord_Howe")),
    ).toBe("2026-10-03T15:30:00.000Z");
  });

  it("takes the first occurrence of a time in a repeated autumn hour", () => {
    // London 2026-10-25: 01:30 happens at 00:30Z (BST) and again at 01:30Z (GMT).
    expect(
      iso(localTimeToInstant({ year: 2026, month: 10, day: 25, hour: 1, minute: 30 }, "Europe/London")),
    ).toBe("2026-10-25T00:30:00.000Z");
    // New York 2026-11-01: 01:30 EDT (05:30Z), not 01:30 EST (06:30Z).
    expect(
      iso(localTimeToInstant({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, "America/New_York")),
    ).toBe("2026-11-01T05:30:00.000Z");
  });

  it("refuses an unknown zone", () => {
    expect(
      thrownCode(() =>
        localTimeToInstant({ year: 2026, month: 1, day: 1, hour: 0, minute: 0 }, "Europe/Atlantis"),
      ),
    ).toBe("input.bad_timezone");
  });

  it("is the first instant at which the wall clock reads the time or later, for every slot of a DST week", () => {
    const cases = [
      { zone: "Europe/London", week: { year: 2026, week: 13 } },
      { zone: "Europe/London", week: { year: 2026, week: 43 } },
      { zone: "Asia/Jerusalem", week: { year: 2026, week: 13 } },
      { zone: "Asia/Jerusalem", week: { year: 2026, week: 43 } },
      { zone: "America/New_York", week: { year: 2026, week: 10 } },
    ];
    for (const { zone, week } of cases) {
      const window = weekWindow(week, zone);
      for (let weekday = 1; weekday <= 7; weekday++) {
        for (let hour = 0; hour < 24; hour++) {
          for (const minute of [0, 30, 59]) {
            const at = scheduledInstant({ weekday, hour, minute }, week, zone);
            const label = `${zone} ${formatWeekKey(week)} ${weekday} ${hour}:${minute}`;
            expect(at >= window.startMs && at < window.endMs, label).toBe(true);
            const local = DateTime.fromMillis(at, { zone });
            const before = DateTime.fromMillis(at - 1, { zone });
            const wanted = hour * 60 + minute;
            expect(local.weekday, label).toBe(weekday);
            expect(local.hour * 60 + local.minute >= wanted, label).toBe(true);
            expect(before.weekday !== weekday || before.hour * 60 + before.minute < wanted, label).toBe(true);
          }
        }
      }
    }
  });
});

describe("scheduledInstant", () => {
  it("puts Friday 14:00 London at 14:00Z before the spring change and 13:00Z after it", () => {
    expect(iso(scheduledInstant(FRIDAY_14, { year: 2026, week: 13 }, "Europe/London"))).toBe(
      "2026-03-27T14:00:00.000Z",
    );
    expect(iso(scheduledInstant(FRIDAY_14, { year: 2026, week: 14 }, "Europe/London"))).toBe(
      "2026-04-03T13:00:00.000Z",
    );
    expect(iso(scheduledInstant(FRIDAY_14, { year: 2026, week: 43 }, "Europe/London"))).toBe(
      "2026-10-23T13:00:00.000Z",
    );
    expect(iso(scheduledInstant(FRIDAY_14, { year: 2026, week: 44 }, "Europe/London"))).toBe(
      "2026-10-30T14:00:00.000Z",
    );
  });

  it("C13 (a): Friday 16:00 London in 2025-W14 is 15:00Z", () => {
    expect(
      iso(scheduledInstant({ weekday: 5, hour: 16, minute: 0 }, { year: 2025, week: 14 }, "Europe/London")),
    ).toBe("2025-04-04T15:00:00.000Z");
  });

  it("keeps a Sunday 01:30 London draft in the week on both change days", () => {
    expect(iso(scheduledInstant(SUNDAY_0130, { year: 2026, week: 13 }, "Europe/London"))).toBe(
      "2026-03-29T01:00:00.000Z",
    );
    expect(iso(scheduledInstant(SUNDAY_0130, { year: 2026, week: 43 }, "Europe/London"))).toBe(
      "2026-10-25T00:30:00.000Z",
    );
    expect(iso(scheduledInstant(SUNDAY_0130, { year: 2026, week: 12 }, "Europe/London"))).toBe(
      "2026-03-22T01:30:00.000Z",
    );
  });

  it("keeps a Friday 02:30 Jerusalem draft on its change day (2026-03-27) and the next week", () => {
    expect(iso(scheduledInstant(FRIDAY_0230, { year: 2026, week: 13 }, "Asia/Jerusalem"))).toBe(
      "2026-03-27T00:00:00.000Z",
    );
    expect(iso(scheduledInstant(FRIDAY_0230, { year: 2026, week: 14 }, "Asia/Jerusalem"))).toBe(
      "2026-04-02T23:30:00.000Z",
    );
  });

  it("refuses a week that does not exist and a schedule out of range", () => {
    expect(thrownCode(() => scheduledInstant(FRIDAY_14, { year: 2025, week: 53 }, "Europe/London"))).toBe(
      "input.bad_week",
    );
    expect(
      thrownCode(() => scheduledInstant({ weekday: 8, hour: 1, minute: 0 }, { year: 2026, week: 1 }, "UTC")),
    ).toBe("input.bad_option");
  });
});

describe("dueDraft", () => {
  const team = { timezone: "Europe/London", draftSchedule: FRIDAY_14 };

  it("is undefined before this week's draft time and the week once it has passed", () => {
    expect(dueDraft(team, utc("2026-03-27T13:59:59.999Z"))).toBeUndefined();
    const due = dueDraft(team, utc("2026-03-27T14:00:00Z"));
    expect(due && formatWeekKey(due.window.key)).toBe("2026-W13");
    expect(due && iso(due.dueAtMs)).toBe("2026-03-27T14:00:00.000Z");
    const sunday = dueDraft(team, utc("2026-03-29T22:59:00Z"));
    expect(sunday && formatWeekKey(sunday.window.key)).toBe("2026-W13");
  });

  it("starts over on Monday in the team's zone, not in UTC", () => {
    // Sunday 23:30 UTC on 29 March is Monday 00:30 BST: W14, whose Friday is ahead.
    expect(dueDraft(team, utc("2026-03-29T23:30:00Z"))).toBeUndefined();
  });

  it("is due from the instant the clock jumps for a time in the skipped hour", () => {
    const sunday = { timezone: "Europe/London", draftSchedule: SUNDAY_0130 };
    expect(dueDraft(sunday, utc("2026-03-29T00:59:59Z"))).toBeUndefined();
    expect(dueDraft(sunday, utc("2026-03-29T01:00:00Z"))?.dueAtMs).toBe(utc("2026-03-29T01:00:00Z"));
    const autumn = dueDraft(sunday, utc("2026-10-25T00:30:00Z"));
    expect(autumn && formatWeekKey(autumn.window.key)).toBe("2026-W43");
  });
});

describe("dueWeekly", () => {
  it("is a reminder's week once its time has passed in the zone, like a draft", () => {
    const thursday15 = { weekday: 4, hour: 15, minute: 0 };
    expect(dueWeekly(thursday15, "Europe/London", utc("2026-04-02T13:59:59Z"))).toBeUndefined();
    const due = dueWeekly(thursday15, "Europe/London", utc("2026-04-02T14:00:00Z"));
    expect(due && formatWeekKey(due.window.key)).toBe("2026-W14");
    expect(due && iso(due.dueAtMs)).toBe("2026-04-02T14:00:00.000Z");
    expect(dueWeekly(FRIDAY_14, "Europe/London", utc("2026-03-27T14:00:00Z"))).toEqual(
      dueDraft({ timezone: "Europe/London", draftSchedule: FRIDAY_14 }, utc("2026-03-27T14:00:00Z")),
    );
  });

  it("refuses an unknown zone and a schedule out of range", () => {
    expect(thrownCode(() => dueWeekly(FRIDAY_14, "Europe/Atlantis", utc("2026-03-27T14:00:00Z")))).toBe(
      "input.bad_timezone",
    );
    expect(
      thrownCode(() => dueWeekly({ weekday: 5, hour: 24, minute: 0 }, "UTC", utc("2026-03-27T14:00:00Z"))),
    ).toBe("input.bad_option");
  });
});

describe("assertSchedule", () => {
  it("accepts every weekly time", () => {
    for (const good of [FRIDAY_14, SUNDAY_0130, FRIDAY_0230, { weekday: 1, hour: 0, minute: 0 }]) {
      expect(thrownCode(() => assertSchedule(good))).toBeUndefined();
      expect(thrownCode(() => assertScheduleIn(good, "Asia/Jerusalem"))).toBeUndefined();
    }
  });

  it("refuses what is not a weekly time", () => {
    for (const bad of [
      { weekday: 0, hour: 14, minute: 0 },
      { weekday: 8, hour: 14, minute: 0 },
      { weekday: 5, hour: 24, minute: 0 },
      { weekday: 5, hour: 14, minute: 60 },
      { weekday: 5, hour: 14.5, minute: 0 },
      { weekday: 5, hour: -1, minute: 0 },
    ]) {
      expect(
        thrownCode(() => assertSchedule(bad)),
        JSON.stringify(bad),
      ).toBe("input.bad_option");
      expect(
        thrownCode(() => assertScheduleIn(bad, "UTC")),
        JSON.stringify(bad),
      ).toBe("input.bad_option");
    }
  });

  it("refuses an unknown zone with a good schedule", () => {
    expect(thrownCode(() => assertScheduleIn(FRIDAY_14, "Europe/Atlantis"))).toBe("input.bad_timezone");
  });
});
