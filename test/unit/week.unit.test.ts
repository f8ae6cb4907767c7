import { describe, expect, it } from "vitest";
import { isBotError } from "../../src/domain/errors.ts";
import {
  formatWeekKey,
  nextWeek,
  parseWeekKey,
  previousWeek,
  resolveWeek,
  weekOf,
  weeksInWeekYear,
  weekWindow,
} from "../../src/domain/week.ts";

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(iso);

describe("week windows in Europe/London", () => {
  it("2026-W13 holds the spring change and lasts 167 hours", () => {
    const window = weekWindow({ year: 2026, week: 13 }, "Europe/London");
    expect(new Date(window.startMs).toISOString()).toBe("2026-03-23T00:00:00.000Z");
    // Monday 30 March 00:00 BST is Sunday 23:00 UTC.
    expect(new Date(window.endMs).toISOString()).toBe("2026-03-29T23:00:00.000Z");
    expect((window.endMs - window.startMs) / HOUR).toBe(167);
  });

  it("2026-W43 holds the autumn change and lasts 169 hours", () => {
    const window = weekWindow({ year: 2026, week: 43 }, "Europe/London");
    expect(new Date(window.startMs).toISOString()).toBe("2026-10-18T23:00:00.000Z");
    expect(new Date(window.endMs).toISOString()).toBe("2026-10-26T00:00:00.000Z");
    expect((window.endMs - window.startMs) / HOUR).toBe(169);
  });

  it("an ordinary week lasts 168 hours", () => {
    const window = weekWindow({ year: 2026, week: 20 }, "Europe/London");
    expect((window.endMs - window.startMs) / HOUR).toBe(168);
  });

  it("puts instants either side of local midnight on Monday in the right week", () => {
    // Sunday 29 March 23:30 BST = 22:30 UTC: still W13. Monday 00:30 BST = Sunday 23:30 UTC: W14.
    expect(formatWeekKey(weekOf(utc("2026-03-29T22:30:00Z"), "Europe/London"))).toBe("2026-W13");
    expect(formatWeekKey(weekOf(utc("2026-03-29T23:30:00Z"), "Europe/London"))).toBe("2026-W14");
    expect(formatWeekKey(weekOf(utc("2026-03-29T23:30:00Z"), "UTC"))).toBe("2026-W13");
  });

  it("the window is the same whatever zone the host runs in", () => {
    // Luxon computes in the given zone, never the host's: the window depends on its inputs alone.
    const window = weekWindow({ year: 2026, week: 13 }, "Asia/Tokyo");
    expect(new Date(window.startMs).toISOString()).toBe("2026-03-22T15:00:00.000Z");
    expect((window.endMs - window.startMs) / HOUR).toBe(168);
  });
});

describe("ISO week-year at the turn of a year", () => {
  it("2024-12-31 is in 2025-W01", () => {
    expect(weekOf(utc("2024-12-31T12:00:00Z"), "Europe/London")).toEqual({ year: 2025, week: 1 });
    expect(formatWeekKey(resolveWeek("2024-12-31", 0, "Europe/London").key)).toBe("2025-W01");
  });

  it("2027-01-01 is in 2026-W53, and 2026 has 53 weeks", () => {
    expect(weekOf(utc("2027-01-01T12:00:00Z"), "UTC")).toEqual({ year: 2026, week: 53 });
    expect(parseWeekKey("2026-W53")).toEqual({ year: 2026, week: 53 });
    expect(nextWeek({ year: 2026, week: 53 })).toEqual({ year: 2027, week: 1 });
    expect(nextWeek({ year: 2025, week: 52 })).toEqual({ year: 2026, week: 1 });
    expect(previousWeek({ year: 2025, week: 1 })).toEqual({ year: 2024, week: 52 });
  });

  it("formats with a zero-padded week", () => {
    expect(formatWeekKey({ year: 2026, week: 3 })).toBe("2026-W03");
  });
});

describe("resolveWeek", () => {
  // Wednesday 1 April 2026, 10:00 BST.
  const now = utc("2026-04-01T09:00:00Z");

  it("understands this, last, a week key and a date", () => {
    expect(formatWeekKey(resolveWeek("this", now, "Europe/London").key)).toBe("2026-W14");
    expect(formatWeekKey(resolveWeek("last", now, "Europe/London").key)).toBe("2026-W13");
    expect(formatWeekKey(resolveWeek(" LAST ", now, "Europe/London").key)).toBe("2026-W13");
    expect(formatWeekKey(resolveWeek("2026-w12", now, "Europe/London").key)).toBe("2026-W12");
    expect(formatWeekKey(resolveWeek("2026-03-27", now, "Europe/London").key)).toBe("2026-W13");
  });

  it("counts 52 or 53 weeks by the week-year, not by 1 January (2021 and 2027 start in the year before's last week)", () => {
    expect([2020, 2021, 2025, 2026, 2027].map(weeksInWeekYear)).toEqual([53, 52, 52, 53, 52]);
    for (const week of ["2021-W53", "2027-W53"]) {
      expect(() => resolveWeek(week, now, "UTC")).toThrowError(
        expect.objectContaining({ hint: expect.stringMatching(/has 52 ISO weeks/) }),
      );
    }
  });

  it("last week of the first week of a year is in the year before", () => {
    expect(formatWeekKey(resolveWeek("last", utc("2026-01-02T12:00:00Z"), "UTC").key)).toBe("2025-W52");
  });

  it.each([
    "next",
    "2026-W54",
    "2025-W53",
    "2026-W00",
    "2026-13",
    "2026-02-30",
    "",
    "W13",
    "0000-W01",
    "9999-W01",
    "0026-03-01",
  ])("refuses %j with input.bad_week", (text) => {
    expect(() => resolveWeek(text, now, "Europe/London")).toThrowError(
      expect.objectContaining({ code: "input.bad_week" }),
    );
  });

  it("echoes what was typed, not a lower-cased copy", () => {
    expect(() => resolveWeek("W13", now, "UTC")).toThrowError('"W13" is not a week');
  });

  it("refuses an unknown zone with input.bad_timezone and a hint", () => {
    try {
      resolveWeek("this", now, "Mars/Olympus_Mons");
      expect.unreachable();
    } catch (error) {
      expect(isBotError(error, "input.bad_timezone")).toBe(true);
      expect((error as Error & { hint: string }).hint).toMatch(/Europe\/London/);
    }
  });
});
