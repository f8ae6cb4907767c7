import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import {
  AUTUMN_2026,
  casesOf,
  expectedRun,
  MINUTE,
  SPRING_2026,
  type SweepRun,
  sweepWeeks,
  windowsAround,
} from "../support/schedule-harness.ts";
import { probeSchedule } from "../support/schedule-probe.ts";

// CASES C13: the schedule must not depend on the host's time zone. Node applies a change of
// process.env.TZ at run time to Date's local-time methods (and to Intl's default zone), so this
// file sets TZ to one zone after the other in this one process and, under each, asks the schedule
// domain for its instants and drives the real runner on its minute sweep through the spring and
// autumn changes of 2026 (as test/e2e/schedule-sweep.e2e.test.ts does, with narrower windows).
// Every answer must be the same under every zone. No child processes, no nested Vitest.

const ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Jerusalem", "Pacific/Chatham"] as const;

/** What `Date#getTimezoneOffset` gives in January and July 2026 under each host zone, minutes. */
const HOST_OFFSETS: Record<(typeof ZONES)[number], [number, number]> = {
  UTC: [0, 0],
  "Europe/London": [0, -60],
  "America/New_York": [300, 240],
  "Asia/Jerusalem": [-120, -180],
  // +13:45 in the southern summer, +12:45 in winter.
  "Pacific/Chatham": [-825, -765],
};

const EXPECTED_PROBE = {
  instants: [
    { zone: "Europe/London", schedule: "5 14:00", week: "2026-W13", at: "2026-03-27T14:00:00.000Z" },
    { zone: "Europe/London", schedule: "5 14:00", week: "2026-W14", at: "2026-04-03T13:00:00.000Z" },
    { zone: "Europe/London", schedule: "5 16:00", week: "2025-W14", at: "2025-04-04T15:00:00.000Z" },
    // Inside the spring gap: when the clock jumps.
    { zone: "Europe/London", schedule: "7 1:30", week: "2026-W13", at: "2026-03-29T01:00:00.000Z" },
    // Inside the repeated autumn hour: its first occurrence.
    { zone: "Europe/London", schedule: "7 1:30", week: "2026-W43", at: "2026-10-25T00:30:00.000Z" },
    { zone: "Europe/London", schedule: "7 1:30", week: "2025-W43", at: "2025-10-26T00:30:00.000Z" },
    { zone: "Asia/Jerusalem", schedule: "5 2:30", week: "2026-W13", at: "2026-03-27T00:00:00.000Z" },
    { zone: "Asia/Jerusalem", schedule: "5 2:30", week: "2025-W13", at: "2025-03-28T00:00:00.000Z" },
    { zone: "America/New_York", schedule: "7 2:30", week: "2026-W10", at: "2026-03-08T07:00:00.000Z" },
    { zone: "America/New_York", schedule: "7 1:30", week: "2026-W44", at: "2026-11-01T05:30:00.000Z" },
    // Chatham repeats 02:45–03:45 on 5 April 2026 (+13:45 → +12:45) …
    { zone: "Pacific/Chatham", schedule: "7 2:50", week: "2026-W14", at: "2026-04-04T13:05:00.000Z" },
    // … and skips 02:45–03:45 on 27 September 2026.
    { zone: "Pacific/Chatham", schedule: "7 3:00", week: "2026-W39", at: "2026-09-26T14:00:00.000Z" },
  ],
  due: [null, "2026-W13 2026-03-27T14:00:00.000Z", null],
  gap: "2026-03-29T01:00:00.000Z",
  week: "2026-W14 2026-03-29T23:00:00.000Z 2026-04-05T23:00:00.000Z",
};

const original = process.env.TZ;

afterEach(() => {
  setHostZone(original);
});

/** Sets (or, with undefined, removes) the host zone of this process. */
function setHostZone(zone: string | undefined): void {
  if (zone === undefined) {
    Reflect.deleteProperty(process.env, "TZ");
  } else {
    process.env.TZ = zone;
  }
}

/** The spring and autumn runs of schedule-sweep.e2e.test.ts, ten minutes either side of each due instant. */
async function runBothSeasons(): Promise<{ spring: SweepRun; autumn: SweepRun }> {
  const results: SweepRun[] = [];
  for (const season of [SPRING_2026, AUTUMN_2026]) {
    const store = openSqliteStore({ path: ":memory:" });
    try {
      results.push(
        await sweepWeeks({
          stores: [store],
          cases: casesOf(season.dues),
          from: season.from,
          to: season.to,
          windows: windowsAround(season.dues, 10 * MINUTE),
        }),
      );
    } finally {
      await store.close();
    }
  }
  const [spring, autumn] = results as [SweepRun, SweepRun];
  return { spring, autumn };
}

describe("the schedule is the same whatever the host's TZ (C13)", () => {
  it("gives the same instants and the same drafts under TZ=UTC, Europe/London, America/New_York, Asia/Jerusalem and Pacific/Chatham", {
    timeout: 30_000,
  }, async () => {
    const seen: { zone: string; probe: unknown; runs: { spring: SweepRun; autumn: SweepRun } }[] = [];
    for (const zone of ZONES) {
      setHostZone(zone);
      // Node applied it: local time in this process is now the zone's.
      expect(
        [Date.parse("2026-01-15T12:00:00Z"), Date.parse("2026-07-15T12:00:00Z")].map((t) =>
          new Date(t).getTimezoneOffset(),
        ),
        zone,
      ).toEqual(HOST_OFFSETS[zone]);
      expect(Intl.DateTimeFormat().resolvedOptions().timeZone, zone).toBe(zone);
      seen.push({ zone, probe: probeSchedule(), runs: await runBothSeasons() });
    }

    const first = seen[0];
    if (!first) throw new Error("no zone ran");
    expect(first.probe).toEqual(EXPECTED_PROBE);
    const { spring, autumn } = first.runs;
    expect(spring).toMatchObject(expectedRun(SPRING_2026.dues));
    expect(autumn).toMatchObject(expectedRun(AUTUMN_2026.dues));
    expect([...spring.problems, ...autumn.problems]).toEqual([]);
    for (const other of seen.slice(1)) {
      expect(other.probe, other.zone).toEqual(first.probe);
      expect(other.runs, other.zone).toEqual(first.runs);
    }
  });
});
