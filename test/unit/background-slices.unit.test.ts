import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../adapters/memory/memory-store.ts";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import type { DraftWeeknote } from "../../src/app/draft-weeknote.ts";
import { createInboxWorker } from "../../src/app/inbox-worker.ts";
import { createRetentionJob } from "../../src/app/retention.ts";
import { createScheduleRunner } from "../../src/app/run-schedule.ts";
import { NO_ALIASES } from "../../src/domain/sections.ts";
import type { Store } from "../../src/ports/store.ts";
import { manualTime } from "../support/manual-timers.ts";
import { recordingLogger } from "../support/memory-logger.ts";
import { SCHEDULE_WS, scheduleChat, scheduleTeam } from "../support/schedule-harness.ts";

// Issue 10 item 15: the inbox worker and the weekly sweep share the event loop with the
// acknowledgements, so they work in bounded slices that yield, and the sweep runs at most
// `sweepConcurrency` teams' jobs at once. "Yields" is shown without any timing: a callback queued
// on the event loop (as an arriving request's would be) runs before the background work ends.

// Friday 14:00 in London: the default team's draft time in 2026-W13.
const DRAFT_TIME = "2026-03-27T14:00:00Z";

const STORES: [string, () => Store][] = [
  ["in-memory store", () => createMemoryStore()],
  ["SQLite store", () => openSqliteStore({ path: ":memory:" })],
];

/** Resolves `done` and reports whether a setImmediate queued now ran before `work` finished. */
async function loopRanDuring(work: () => Promise<unknown>): Promise<boolean> {
  let ranBeforeEnd = false;
  let ended = false;
  const finished = work().then(() => {
    ended = true;
  });
  setImmediate(() => {
    ranBeforeEnd = !ended;
  });
  await finished;
  return ranBeforeEnd;
}

describe.each(STORES)("background work in slices, on the %s", (_name, openStore) => {
  it("the inbox worker lets the event loop run between events", async () => {
    const store = openStore();
    const time = manualTime(DRAFT_TIME);
    try {
      for (let i = 0; i < 50; i += 1) {
        await store.recordEvent({
          workspace: SCHEDULE_WS,
          eventId: `Ev${i}`,
          kind: "tag_added",
          payload: { i },
          correlationId: `c${i}`,
          receivedAtMs: time.now(),
        });
      }
      const processed: string[] = [];
      const worker = createInboxWorker({
        inbox: store,
        // Carried out at once: without yields the whole batch would be one chain of microtasks.
        process: async (event) => {
          processed.push(event.eventId);
          return { status: "done" };
        },
        clock: time.clock,
        timers: time.timers,
        logger: recordingLogger(),
        holder: "worker-a",
      });
      expect(await loopRanDuring(() => worker.drain())).toBe(true);
      expect(processed).toHaveLength(50);
      expect(await store.getEvent(SCHEDULE_WS, "Ev49")).toMatchObject({ status: "done" });
    } finally {
      await store.close();
    }
  });

  /** A runner over 200 due teams whose draft takes `turns` turns of the event loop. */
  function sweepOf(store: Store, turns: number) {
    const time = manualTime(DRAFT_TIME);
    const teams = Array.from({ length: 200 }, (_, i) =>
      scheduleTeam({ team: `team-${i}`, name: `Team ${i}` }),
    );
    const seen = { active: 0, most: 0, drafted: [] as string[] };
    const draft: DraftWeeknote = async (team, window) => {
      seen.active += 1;
      seen.most = Math.max(seen.most, seen.active);
      // A draft waits on the summariser and Slack: some turns of the event loop (each start waits
      // for a lull of three turns in the yield gate, so ten turns keep more than three under way).
      for (let turn = 0; turn < turns; turn += 1) {
        await new Promise((resume) => setImmediate(resume));
      }
      seen.drafted.push(team.team);
      seen.active -= 1;
      return { kind: "empty", week: window ? `${window.key.year}-W${window.key.week}` : "" };
    };
    const { router } = scheduleChat();
    const runner = createScheduleRunner({
      highlights: store,
      weeknotes: store,
      aliases: NO_ALIASES,
      leases: store,
      listTeams: async () => teams,
      draft,
      chat: router,
      clock: time.clock,
      timers: time.timers,
      logger: recordingLogger(),
      holder: "runner-a",
      sweepConcurrency: 3,
    });
    return { runner, teams, seen };
  }

  it("a sweep of 200 due teams lets the event loop run, even when every job ends at once", async () => {
    const store = openStore();
    try {
      const { runner, seen } = sweepOf(store, 0);
      expect(await loopRanDuring(() => runner.catchUp())).toBe(true);
      expect(seen.drafted).toHaveLength(200);
    } finally {
      await store.close();
    }
  });

  it("the daily retention run over 200 teams lets the event loop run", async () => {
    const store = openStore();
    const time = manualTime(DRAFT_TIME);
    try {
      const teams = Array.from({ length: 200 }, (_, i) =>
        scheduleTeam({ team: `team-${i}`, name: `Team ${i}` }),
      );
      const looked: string[] = [];
      const job = createRetentionJob({
        leases: store,
        highlights: store,
        // Each team's weeknotes are read (none here): without yields, 200 reads in one chain of microtasks.
        weeknotes: {
          ...store,
          listWeeknotes: async (query) => {
            looked.push(query.team ?? "");
            return store.listWeeknotes(query);
          },
        },
        inbox: store,
        aliases: NO_ALIASES,
        listTeams: async () => teams,
        clock: time.clock,
        timers: time.timers,
        logger: recordingLogger(),
        holder: "replica-a",
        retentionDays: 30,
      });
      let status: string | undefined;
      expect(await loopRanDuring(async () => (status = (await job.runOnce()).status))).toBe(true);
      expect(status).toBe("done");
      expect(looked).toHaveLength(200);
    } finally {
      await store.close();
    }
  });

  it("a sweep of 200 due teams runs at most sweepConcurrency drafts at once and drafts every team once", async () => {
    const store = openStore();
    try {
      const { runner, teams, seen } = sweepOf(store, 10);
      const results = await runner.catchUp();
      expect(seen.most).toBe(3);
      expect(seen.drafted.toSorted()).toEqual(teams.map((t) => t.team).toSorted());
      expect(results).toHaveLength(200);
      expect(results.every((r) => r.status === "done" && r.job === "draft")).toBe(true);
      // Done once: a second sweep finds every job done.
      const again = await runner.catchUp();
      expect(again.every((r) => r.status === "skipped" && r.reason === "done_before")).toBe(true);
      expect(seen.drafted).toHaveLength(200);
    } finally {
      await store.close();
    }
  });
});
