import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import type { DraftOutcome } from "../../src/app/draft-weeknote.ts";
import { createScheduleRunner, type JobResult } from "../../src/app/run-schedule.ts";
import { formatWeekKey, weekOf } from "../../src/domain/week.ts";
import { type LogEntry, recordingLogger } from "../support/memory-logger.ts";
import {
  type CountingDraft,
  countingDraft,
  recordingChat,
  SCHEDULE_WS,
  scheduleTeam,
  seedHighlights,
} from "../support/schedule-harness.ts";

// CASES C14: several replicas on one SQLite file, all at the draft time. Exactly one drafts; a
// crashed winner's claim expires and another replica finishes the week.
const runFile = promisify(execFile);
const utc = (text: string) => Date.parse(text);
const MINUTE = 60_000;
// T1, Friday 16:00 Europe/London; 2025-01-10T16:00:00Z is that time in 2025-W02.
const T1 = scheduleTeam({ team: "t1", draftSchedule: { weekday: 5, hour: 16, minute: 0 } });
const DRAFT_TIME = "2025-01-10T16:00:00Z";
const W02 = { workspace: SCHEDULE_WS, team: "t1", week: "2025-W02" };

let dir: string;
let path: string;
let stores: SqliteStore[];
let entries: LogEntry[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-claim-"));
  path = join(dir, "weeknotes.sqlite");
  stores = [];
  entries = [];
  const seed = open();
  await seed.saveTeam(T1);
  await seedHighlights(seed, [utc("2025-01-07T10:00:00Z"), utc("2025-01-09T15:00:00Z")]);
});

afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(): SqliteStore {
  const store = openSqliteStore({ path, busyTimeoutMs: 10_000 });
  stores.push(store);
  return store;
}

function replica(holder: string, clock: { now(): number }, draft?: (store: SqliteStore) => CountingDraft) {
  const store = open();
  const chat = recordingChat();
  const drafting = draft?.(store) ?? countingDraft({ store, chat, clock });
  const runner = createScheduleRunner({
    store,
    draft: drafting,
    chat,
    clock,
    logger: recordingLogger(entries, { holder }),
    holder,
    claimTtlMs: 15 * MINUTE,
  });
  return { store, chat, draft: drafting, runner };
}

describe("exactly one draft across replicas (C14)", () => {
  it("three runners on one SQLite file racing at the draft time draft the week once", async () => {
    const clock = { now: () => utc(DRAFT_TIME) };
    const replicas = ["r1", "r2", "r3"].map((holder) => replica(holder, clock));
    const week = weekOf(clock.now(), T1.timezone);
    expect(formatWeekKey(week)).toBe("2025-W02");
    const results = await Promise.all(replicas.map((r) => r.runner.runDraftJob(T1, week)));
    expect(results.map((r) => r.status).sort()).toEqual(["done", "skipped", "skipped"]);
    expect(replicas.reduce((n, r) => n + r.draft.calls.length, 0)).toBe(1);
    expect(replicas.reduce((n, r) => n + r.chat.record.reviews.length, 0)).toBe(1);
    const note = await replicas[0]?.store.getWeeknote(W02);
    expect(note?.revisions).toHaveLength(1);

    // Catch-up on every replica afterwards changes nothing.
    const again = (await Promise.all(replicas.map((r) => r.runner.catchUp()))).flat();
    expect(again.every((r) => r.status === "skipped")).toBe(true);
    expect(replicas.reduce((n, r) => n + r.draft.calls.length, 0)).toBe(1);
  });

  it("a crashed winner's claim expires after the ttl and another runner completes the week", async () => {
    let now = utc(DRAFT_TIME);
    const clock = { now: () => now };
    // r1 claims the week and then hangs for ever in its draft, as if its process had died.
    let started!: () => void;
    const claimed = new Promise<void>((resolve) => {
      started = resolve;
    });
    let finishHung!: (outcome: DraftOutcome) => void;
    const hung = replica("r1", clock, () =>
      Object.assign(
        () => {
          started();
          return new Promise<DraftOutcome>((resolve) => {
            finishHung = resolve;
          });
        },
        { calls: [] },
      ),
    );
    const r2 = replica("r2", clock);
    const r3 = replica("r3", clock);
    const stuck = hung.runner.runDraftJob(T1, weekOf(now, T1.timezone));
    await claimed;

    expect(await r2.runner.catchUp()).toMatchObject([{ status: "skipped", reason: "claimed_elsewhere" }]);
    now += 14 * MINUTE;
    expect(await r3.runner.catchUp()).toMatchObject([{ status: "skipped", reason: "claimed_elsewhere" }]);
    now += 1 * MINUTE + 1;
    const results: JobResult[] = (await Promise.all([r2.runner.catchUp(), r3.runner.catchUp()])).flat();
    expect(results.map((r) => r.status).sort()).toEqual(["done", "skipped"]);
    expect(r2.draft.calls.length + r3.draft.calls.length).toBe(1);
    expect(r2.chat.record.reviews.length + r3.chat.record.reviews.length).toBe(1);
    expect((await r2.store.getWeeknote(W02))?.revisions).toHaveLength(1);

    // If the "dead" winner wakes up after all, it finds its claim gone and says so.
    finishHung({ kind: "empty", message: "" });
    expect(await stuck).toMatchObject({ status: "done" });
    expect(entries.some((e) => e.level === "warn" && e.fields.holder === "r1")).toBe(true);
  });

  it("three processes on one SQLite file at the draft time: exactly one drafts", async () => {
    const startAtMs = Date.now() + 2_000;
    const workers = ["p1", "p2", "p3"].map((holder) =>
      runFile(process.execPath, [
        fileURLToPath(new URL("../../bin/run-ts.js", import.meta.url)),
        fileURLToPath(new URL("../support/schedule-claim-worker.ts", import.meta.url)),
        path,
        holder,
        String(startAtMs),
        DRAFT_TIME,
      ]),
    );
    const outputs = (await Promise.all(workers)).map(
      ({ stdout }) => JSON.parse(stdout) as { results: JobResult[]; draftCalls: number; reviews: number },
    );
    const results = outputs.flatMap((o) => o.results);
    expect(results.map((r) => r.status).sort()).toEqual(["done", "skipped", "skipped"]);
    expect(results.every((r) => r.week === "2025-W02" && r.job === "draft")).toBe(true);
    expect(outputs.reduce((n, o) => n + o.draftCalls, 0)).toBe(1);
    expect(outputs.reduce((n, o) => n + o.reviews, 0)).toBe(1);
    const note = await open().getWeeknote(W02);
    expect(note?.status).toBe("draft");
    expect(note?.revisions).toHaveLength(1);
  });
});
