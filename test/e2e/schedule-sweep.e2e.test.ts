import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { manualTime } from "../support/manual-timers.ts";
import {
  AUTUMN_2026,
  casesOf,
  DAY,
  dueInstant,
  expectedRun,
  iso,
  MINUTE,
  postedReviews,
  REVIEW_CHANNEL,
  SPRING_2026,
  scheduleReplica,
  scheduleTeam,
  seedHighlights,
  sweepWeeks,
  utc,
  windowsAround,
} from "../support/schedule-harness.ts";

// CASES C13: the real schedule runner on a SQLite file, swept by its own minute timer (manual
// timers and clock, test/support/manual-timers.ts: no fake timers, no wall clock). Two replicas
// share the file, as two processes would. Each week of each team must be drafted exactly once, at
// the first sweep at or after the instant src/domain/schedule.ts gives in the team's zone, across
// the spring and autumn changes of Europe/London, Asia/Jerusalem and America/New_York, for times
// inside the skipped and the repeated hours too. Sweeping every minute of five weeks takes tens of
// seconds (each sweep reads the teams and works out their weeks), so time moves minute by minute
// only around each due instant (through the whole repeated hour) and jumps in between, as for a
// machine that sleeps: each runner's overdue timer then sweeps once when it wakes. Every
// expectation is a UTC instant; schedule-host-tz.e2e.test.ts runs the same runs under other TZ.

let dir: string;
let stores: SqliteStore[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-sweep-"));
  stores = [];
});

afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(): SqliteStore {
  const store = openSqliteStore({ path: join(dir, "weeknotes.sqlite"), busyTimeoutMs: 10_000 });
  stores.push(store);
  return store;
}

describe("one draft per local week, at the first minute sweep at or after its instant (C13)", () => {
  it("the expected instants are the ones src/domain/schedule.ts gives", () => {
    for (const [c, week, at] of [...SPRING_2026.dues, ...AUTUMN_2026.dues]) {
      expect(dueInstant(c.schedule, week, c.zone), `${c.team} ${week}`).toBe(at);
    }
  });

  it("spring 2026: London, Jerusalem and New York jump forward; times in the skipped hours run when the clock jumps", async () => {
    const windows = windowsAround(SPRING_2026.dues, 30 * MINUTE);
    const run = await sweepWeeks({
      stores: [open(), open()],
      cases: casesOf(SPRING_2026.dues),
      from: SPRING_2026.from,
      to: SPRING_2026.to,
      windows,
    });
    expect(run).toMatchObject(expectedRun(SPRING_2026.dues));
    expect(run.drafts).toHaveLength(20);
    expect(run.problems).toEqual([]);
    assertSweptEveryMinute(run.sweptAt, windows);
  });

  it("autumn 2026: London and New York repeat an hour; a time inside it drafts once, at its first occurrence", async () => {
    const windows = windowsAround(AUTUMN_2026.dues, 30 * MINUTE);
    const run = await sweepWeeks({
      stores: [open(), open()],
      cases: casesOf(AUTUMN_2026.dues),
      from: AUTUMN_2026.from,
      to: AUTUMN_2026.to,
      windows,
    });
    expect(run).toMatchObject(expectedRun(AUTUMN_2026.dues));
    expect(run.drafts).toHaveLength(12);
    expect(run.problems).toEqual([]);
    assertSweptEveryMinute(run.sweptAt, windows);
  });
});

/** Every minute of every window was swept, and every sweep was on a minute boundary. */
function assertSweptEveryMinute(sweptAt: readonly number[], windows: readonly [number, number][]): void {
  expect(sweptAt.filter((t) => t % MINUTE !== 0).map(iso)).toEqual([]);
  const swept = new Set(sweptAt);
  const missed: string[] = [];
  for (const [start, end] of windows) {
    for (let t = start + MINUTE; t <= end; t += MINUTE) {
      if (!swept.has(t)) missed.push(iso(t));
    }
  }
  expect(missed).toEqual([]);
}

describe("start-up, settings changes and stop, on the minute sweep", () => {
  it("catches up at start-up a draft missed while down, then keeps to the schedule", async () => {
    const store = open();
    await store.saveTeam(scheduleTeam());
    await seedHighlights(store, [utc("2026-03-24T10:00:00Z"), utc("2026-03-31T10:00:00Z")]);
    const time = manualTime("2026-03-28T10:00:00Z");
    const replica = scheduleReplica({ store, holder: "r1", clock: time.clock, timers: time.timers });
    time.settleWith(() => replica.runner.idle());

    await replica.runner.start();
    await replica.runner.idle();
    // Friday's 14:00 was missed while down: drafted at once.
    expect(replica.draft.calls.map((c) => `${c.week} ${iso(c.atMs)}`)).toEqual([
      "2026-W13 2026-03-28T10:00:00.000Z",
    ]);
    // The next sweep is on the next minute.
    expect(time.nextDueAt()).toBe(utc("2026-03-28T10:01:00Z"));
    await time.advanceTo("2026-03-28T11:00:00Z");
    await time.jumpTo("2026-04-03T12:58:00Z");
    await time.advanceTo("2026-04-03T13:05:00Z");
    expect(replica.draft.calls.map((c) => `${c.week} ${iso(c.atMs)}`)).toEqual([
      "2026-W13 2026-03-28T10:00:00.000Z",
      "2026-W14 2026-04-03T13:00:00.000Z",
    ]);
    expect(postedReviews(replica.chat)).toEqual([`2026-W13 ${REVIEW_CHANNEL}`, `2026-W14 ${REVIEW_CHANNEL}`]);
    await replica.runner.stop();
  });

  it("applies a draft time changed in the store at the next sweep, without a restart, and sweeps no more after stop()", async () => {
    const store = open();
    await store.saveTeam(scheduleTeam());
    await seedHighlights(store, [utc("2026-03-23T10:00:00Z"), utc("2026-03-30T10:00:00Z")]);
    const time = manualTime("2026-03-23T00:00:00Z");
    const replica = scheduleReplica({ store, holder: "r1", clock: time.clock, timers: time.timers });
    time.settleWith(() => replica.runner.idle());
    await replica.runner.start();
    await time.advanceTo("2026-03-23T00:30:00Z");

    // Changed in chat (another process wrote the store): Wednesday 09:15 from now on.
    await store.saveTeam(scheduleTeam({ draftSchedule: { weekday: 3, hour: 9, minute: 15 } }));
    await time.jumpTo("2026-03-25T09:10:00Z");
    await time.advanceTo("2026-03-25T09:20:00Z");
    await time.jumpTo("2026-03-27T13:55:00Z");
    // The old time passes with nothing to do.
    await time.advanceTo("2026-03-27T14:05:00Z");
    await time.jumpTo("2026-04-01T08:10:00Z");
    await time.advanceTo("2026-04-01T08:20:00Z");
    expect(replica.draft.calls.map((c) => `${c.week} ${iso(c.atMs)}`)).toEqual([
      "2026-W13 2026-03-25T09:15:00.000Z",
      "2026-W14 2026-04-01T08:15:00.000Z",
    ]);

    await replica.runner.stop();
    expect(time.pending()).toBe(0);
    await store.saveTeam(scheduleTeam({ draftSchedule: { weekday: 3, hour: 9, minute: 30 } }));
    await time.advance(14 * DAY);
    expect(replica.draft.calls).toHaveLength(2);
  });
});
