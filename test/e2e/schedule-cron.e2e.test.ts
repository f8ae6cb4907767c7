import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createNodeCronScheduler } from "../../adapters/cron/node-cron-scheduler.ts";
import { openSqliteStore, type SqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { createScheduleRunner } from "../../src/app/run-schedule.ts";
import type { DraftSchedule } from "../../src/domain/team.ts";
import type { Scheduler } from "../../src/ports/scheduler.ts";
import { type LogEntry, recordingLogger } from "../support/memory-logger.ts";
import {
  countingDraft,
  dateClock,
  recordingChat,
  SCHEDULE_WS,
  scheduleTeam,
  seedHighlights,
} from "../support/schedule-harness.ts";

// CASES C13: the real node-cron scheduler and the schedule runner on a SQLite file, driven by fake
// timers (node-cron reads Date and setTimeout; the runner's clock reads the same fake Date). Every
// expectation is a UTC instant; test/e2e/schedule-host-tz.e2e.test.ts runs this file again under
// TZ=Europe/London and TZ=Asia/Jerusalem.
const utc = (text: string) => Date.parse(text);
const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;
const TICK_MS = 15 * 60_000;

let dir: string;
let store: SqliteStore;
let entries: LogEntry[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-schedule-"));
  store = openSqliteStore({ path: join(dir, "weeknotes.sqlite") });
  entries = [];
});

afterEach(async () => {
  vi.useRealTimers();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * node-cron 4.6 rounds "now" with Date#setMilliseconds(0), in the host's zone: while the host's
 * own clock repeats an hour that lands an hour early, and node-cron then misses a slot in that
 * hour (see adapters/cron/node-cron-scheduler.ts). True when it will miss the slot `iso` on
 * this host (never under TZ=UTC; 2026-10-25T01:30Z under TZ=Europe/London).
 */
function nodeCronMissesOnThisHost(slot: string): boolean {
  const rounded = new Date(slot);
  rounded.setMilliseconds(0);
  return rounded.getTime() !== utc(slot);
}

/** The slots node-cron fires on this host, of those it fires under TZ=UTC. */
function firedOnThisHost(slots: string[]): string[] {
  return slots.filter((slot) => !nodeCronMissesOnThisHost(slot));
}

/** Wraps a scheduler to record the instants its jobs fired for. */
function recordingScheduler(inner: Scheduler, fired: number[]): Scheduler {
  return {
    ...inner,
    set: (job) =>
      inner.set({
        ...job,
        run: (at) => {
          fired.push(at);
          return job.run(at);
        },
      }),
  };
}

/**
 * Runs one team on `schedule` in `zone` from `fromIso` to `toIso` of fake time, with one highlight
 * on each day in between, and returns when the draft ran (clock instants and weeks) and when
 * node-cron fired.
 */
async function runThrough(zone: string, schedule: DraftSchedule, fromIso: string, toIso: string) {
  vi.useFakeTimers({ now: utc(fromIso) });
  const from = utc(fromIso);
  const to = utc(toIso);
  const days = Array.from({ length: Math.ceil((to - from) / DAY) }, (_, i) => from + i * DAY + 3_600_000);
  await seedHighlights(store, days);
  await store.saveTeam(scheduleTeam({ timezone: zone, draftSchedule: schedule }));
  const chat = recordingChat();
  const logger = recordingLogger(entries);
  const draft = countingDraft({ store, chat, clock: dateClock, logger });
  const fired: number[] = [];
  const runner = createScheduleRunner({
    store,
    draft,
    chat,
    clock: dateClock,
    logger,
    holder: "replica-1",
    scheduler: recordingScheduler(createNodeCronScheduler({ logger }), fired),
  });
  // Production ticks every minute; a quarter of an hour keeps fake time fast and still lands on
  // every instant these cases expect (all on the quarter hour from a start on the hour).
  await runner.start({ tickEveryMs: TICK_MS });
  await vi.advanceTimersByTimeAsync(to - from);
  await runner.stop();
  const notes = await store.listWeeknotes({ workspace: SCHEDULE_WS, team: "default", limit: 10 });
  return {
    drafts: draft.calls.map((c) => `${c.week} ${iso(c.atMs)}`),
    fired: fired.map(iso),
    notes: notes.map((n) => `${n.week} ${n.revisions.length}`).sort(),
    reviews: chat.record.reviews.map((r) => r.week),
  };
}

describe("one draft per local week across daylight-saving changes (C13)", () => {
  it("Friday 14:00 London fires at 14:00Z before the spring change and 13:00Z after it", async () => {
    const run = await runThrough(
      "Europe/London",
      { weekday: 5, hour: 14, minute: 0 },
      "2026-03-23T00:00:00Z",
      "2026-04-06T00:00:00Z",
    );
    expect(run.fired).toEqual(["2026-03-27T14:00:00.000Z", "2026-04-03T13:00:00.000Z"]);
    expect(run.drafts).toEqual(["2026-W13 2026-03-27T14:00:00.000Z", "2026-W14 2026-04-03T13:00:00.000Z"]);
    expect(run.notes).toEqual(["2026-W13 1", "2026-W14 1"]);
    expect(run.reviews).toEqual(["2026-W13", "2026-W14"]);
  });

  it("Friday 14:00 London fires at 13:00Z before the autumn change and 14:00Z after it", async () => {
    const run = await runThrough(
      "Europe/London",
      { weekday: 5, hour: 14, minute: 0 },
      "2026-10-19T00:00:00Z",
      "2026-11-02T00:00:00Z",
    );
    expect(run.fired).toEqual(["2026-10-23T13:00:00.000Z", "2026-10-30T14:00:00.000Z"]);
    expect(run.drafts).toEqual(["2026-W43 2026-10-23T13:00:00.000Z", "2026-W44 2026-10-30T14:00:00.000Z"]);
    expect(run.notes).toEqual(["2026-W43 1", "2026-W44 1"]);
  });

  it("C13 (a): Friday 16:00 London through 2025-04-04 drafts once, at 15:00Z", async () => {
    const run = await runThrough(
      "Europe/London",
      { weekday: 5, hour: 16, minute: 0 },
      "2025-03-31T00:00:00Z",
      "2025-04-07T00:00:00Z",
    );
    expect(run.drafts).toEqual(["2025-W14 2025-04-04T15:00:00.000Z"]);
    expect(run.notes).toEqual(["2025-W14 1"]);
  });

  it("'30 1 * * 0' London: the skipped hour of 2026-03-29 still drafts W13 once, when the clock jumps", async () => {
    const run = await runThrough(
      "Europe/London",
      { weekday: 7, hour: 1, minute: 30 },
      "2026-03-16T00:00:00Z",
      "2026-04-06T00:00:00Z",
    );
    // node-cron 4 skips a time inside the gap; the runner's sweep drafts at 02:00 BST (01:00Z).
    expect(run.fired).toEqual(["2026-03-22T01:30:00.000Z", "2026-04-05T00:30:00.000Z"]);
    expect(run.drafts).toEqual([
      "2026-W12 2026-03-22T01:30:00.000Z",
      "2026-W13 2026-03-29T01:00:00.000Z",
      "2026-W14 2026-04-05T00:30:00.000Z",
    ]);
    expect(run.notes).toEqual(["2026-W12 1", "2026-W13 1", "2026-W14 1"]);
    expect(run.reviews).toEqual(["2026-W12", "2026-W13", "2026-W14"]);
  });

  it("'30 1 * * 0' London: the repeated hour of 2026-10-25 drafts W43 once, at its first occurrence", async () => {
    const run = await runThrough(
      "Europe/London",
      { weekday: 7, hour: 1, minute: 30 },
      "2026-10-19T00:00:00Z",
      "2026-11-02T00:00:00Z",
    );
    // node-cron fires at the second 01:30 (01:30Z), or on a London host not at all; the sweep
    // drafted at the first (00:30Z) either way.
    expect(run.fired).toEqual(firedOnThisHost(["2026-10-25T01:30:00.000Z", "2026-11-01T01:30:00.000Z"]));
    expect(run.drafts).toEqual(["2026-W43 2026-10-25T00:30:00.000Z", "2026-W44 2026-11-01T01:30:00.000Z"]);
    expect(run.notes).toEqual(["2026-W43 1", "2026-W44 1"]);
    expect(run.reviews).toEqual(["2026-W43", "2026-W44"]);
  });

  it("C13 (b): '30 2 * * 5' Jerusalem drafts once on Friday 2026-03-27, when 02:00 jumps to 03:00", async () => {
    const run = await runThrough(
      "Asia/Jerusalem",
      { weekday: 5, hour: 2, minute: 30 },
      "2026-03-22T22:00:00Z",
      "2026-04-05T00:00:00Z",
    );
    expect(run.fired).toEqual(["2026-04-02T23:30:00.000Z"]);
    expect(run.drafts).toEqual(["2026-W13 2026-03-27T00:00:00.000Z", "2026-W14 2026-04-02T23:30:00.000Z"]);
    expect(run.notes).toEqual(["2026-W13 1", "2026-W14 1"]);
  });

  it("C13 (c): '30 1 * * 0' London across Sunday 2025-10-26 drafts once", async () => {
    const run = await runThrough(
      "Europe/London",
      { weekday: 7, hour: 1, minute: 30 },
      "2025-10-20T00:00:00Z",
      "2025-10-27T00:00:00Z",
    );
    expect(run.fired).toEqual(firedOnThisHost(["2025-10-26T01:30:00.000Z"]));
    expect(run.drafts).toEqual(["2025-W43 2025-10-26T00:30:00.000Z"]);
    expect(run.notes).toEqual(["2025-W43 1"]);
  });
});

describe("start-up, settings changes and stop", () => {
  it("catches up at start-up a draft missed while down, then keeps to the schedule", async () => {
    const run = await runThrough(
      "Europe/London",
      { weekday: 5, hour: 14, minute: 0 },
      "2026-03-28T10:00:00Z",
      "2026-04-04T00:00:00Z",
    );
    expect(run.drafts).toEqual(["2026-W13 2026-03-28T10:00:00.000Z", "2026-W14 2026-04-03T13:00:00.000Z"]);
  });

  it("moves a team's job when its time changes in chat, without a restart, and stops firing after stop()", async () => {
    vi.useFakeTimers({ now: utc("2026-03-23T00:00:00Z") });
    await seedHighlights(store, [utc("2026-03-23T10:00:00Z"), utc("2026-03-30T10:00:00Z")]);
    await store.saveTeam(scheduleTeam());
    const chat = recordingChat();
    const logger = recordingLogger(entries);
    const draft = countingDraft({ store, chat, clock: dateClock, logger });
    const scheduler = createNodeCronScheduler({ logger });
    const runner = createScheduleRunner({
      store,
      draft,
      chat,
      clock: dateClock,
      logger,
      holder: "r1",
      scheduler,
    });
    await runner.start({ tickEveryMs: TICK_MS });
    await vi.advanceTimersByTimeAsync(DAY);
    await store.saveTeam(scheduleTeam({ draftSchedule: { weekday: 3, hour: 9, minute: 15 } }));
    await runner.refresh();
    await vi.advanceTimersByTimeAsync(9 * DAY);
    expect(draft.calls.map((c) => `${c.week} ${iso(c.atMs)}`)).toEqual([
      "2026-W13 2026-03-25T09:15:00.000Z",
      "2026-W14 2026-04-01T08:15:00.000Z",
    ]);
    await runner.stop();
    expect(scheduler.ids()).toEqual([]);
    await vi.advanceTimersByTimeAsync(14 * DAY);
    expect(draft.calls).toHaveLength(2);
  });
});
