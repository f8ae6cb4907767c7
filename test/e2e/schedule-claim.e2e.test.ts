import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOfflineSummariser } from "../../adapters/offline/offline-summariser.ts";
import { openSqliteStore, type SqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { type JobResult, leaseName } from "../../src/app/run-schedule.ts";
import { formatWeekKey, weekOf } from "../../src/domain/week.ts";
import type { LogEntry } from "../support/memory-logger.ts";
import {
  heldSummariser,
  MINUTE,
  postedReviews,
  SCHEDULE_WS,
  type ScheduleReplica,
  scheduleReplica,
  scheduleTeam,
  seedHighlights,
  signedSummariser,
  utc,
} from "../support/schedule-harness.ts";

// CASES C14: several replicas on one SQLite file (each with its own connection, as separate
// processes have), all at the draft time. Exactly one drafts; a crashed winner's claim expires
// and another replica finishes the week, and if the "crashed" winner was only paused, the lease's
// fence keeps its late draft out. The same with three real processes.
const root = fileURLToPath(new URL("../..", import.meta.url));
// T1, Friday 16:00 Europe/London; 2025-01-10T16:00:00Z is that time in 2025-W02.
const T1 = scheduleTeam({ team: "t1", draftSchedule: { weekday: 5, hour: 16, minute: 0 } });
const DRAFT_TIME = "2025-01-10T16:00:00Z";
const W02 = { workspace: SCHEDULE_WS, team: "t1", week: "2025-W02" };

let dir: string;
let path: string;
let stores: SqliteStore[];
let logs: LogEntry[];
let children: ChildProcessByStdio<Writable, Readable, Readable>[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-claim-"));
  path = join(dir, "weeknotes.sqlite");
  stores = [];
  logs = [];
  children = [];
  const seed = open();
  await seed.saveTeam(T1);
  await seedHighlights(seed, [utc("2025-01-07T10:00:00Z"), utc("2025-01-09T15:00:00Z")]);
});

afterEach(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  await Promise.all(stores.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(): SqliteStore {
  const store = openSqliteStore({ path, busyTimeoutMs: 10_000 });
  stores.push(store);
  return store;
}

function replica(
  holder: string,
  clock: { now(): number },
  options: Partial<Parameters<typeof scheduleReplica>[0]> = {},
): ScheduleReplica & { store: SqliteStore } {
  const store = open();
  return { ...scheduleReplica({ store, holder, clock, logs, claimTtlMs: 15 * MINUTE, ...options }), store };
}

const sum = (replicas: readonly ScheduleReplica[], count: (r: ScheduleReplica) => number) =>
  replicas.reduce((n, r) => n + count(r), 0);

describe("exactly one draft across replicas (C14)", () => {
  it("three runners on one SQLite file racing at the draft time draft the week once", async () => {
    const clock = { now: () => utc(DRAFT_TIME) };
    const replicas = ["r1", "r2", "r3"].map((holder) => replica(holder, clock));
    const week = weekOf(clock.now(), T1.timezone);
    expect(formatWeekKey(week)).toBe("2025-W02");
    const results = await Promise.all(replicas.map((r) => r.runner.runDraftJob(T1, week)));
    expect(results.map((r) => r.status).sort()).toEqual(["done", "skipped", "skipped"]);
    expect(sum(replicas, (r) => r.draft.calls.length)).toBe(1);
    expect(sum(replicas, (r) => postedReviews(r.chat).length)).toBe(1);
    const note = await replicas[0]?.store.getWeeknote(W02);
    expect(note?.revisions).toHaveLength(1);

    // A sweep on every replica afterwards changes nothing.
    const again = (await Promise.all(replicas.map((r) => r.runner.catchUp()))).flat();
    expect(again.map((r) => r.status)).toEqual(["skipped", "skipped", "skipped"]);
    expect(sum(replicas, (r) => r.draft.calls.length)).toBe(1);
  });

  it("a crashed winner's claim expires after the ttl and another runner completes the week; the winner, only paused, is fenced out", async () => {
    let now = utc(DRAFT_TIME);
    const clock = { now: () => now };
    // r1 claims the week and then hangs in its summariser, as if its process had died.
    const hung = heldSummariser(signedSummariser("r1"));
    const r1 = replica("r1", clock, { summariser: hung });
    const r2 = replica("r2", clock, { summariser: signedSummariser("r2") });
    const r3 = replica("r3", clock, { summariser: signedSummariser("r3") });
    const stuck = r1.runner.runDraftJob(T1, weekOf(now, T1.timezone));
    await hung.started();

    expect(await r2.runner.catchUp()).toMatchObject([{ status: "skipped", reason: "claimed_elsewhere" }]);
    now += 14 * MINUTE;
    expect(await r3.runner.catchUp()).toMatchObject([{ status: "skipped", reason: "claimed_elsewhere" }]);
    now += 1 * MINUTE;
    // The claim ran until 16:15 (exclusive): at 16:15 it has expired.
    const results: JobResult[] = (await Promise.all([r2.runner.catchUp(), r3.runner.catchUp()])).flat();
    expect(results.map((r) => (r.status === "skipped" ? r.reason : r.status)).sort()).toEqual([
      "claimed_elsewhere",
      "done",
    ]);
    expect(r2.draft.calls.length + r3.draft.calls.length).toBe(1);
    expect(postedReviews(r2.chat).length + postedReviews(r3.chat).length).toBe(1);
    const winner = postedReviews(r2.chat).length === 1 ? "r2" : "r3";
    const note = await r2.store.getWeeknote(W02);
    expect(note?.revisions).toHaveLength(1);
    expect(note?.revisions[0]?.document.intro).toContain(`[drafted by ${winner}]`);

    // The "dead" winner wakes up after all: the fence refuses its revision, and it posts nothing.
    hung.release();
    expect(await stuck).toMatchObject({ status: "skipped", reason: "taken_over" });
    expect(postedReviews(r1.chat)).toEqual([]);
    const after = await r1.store.getWeeknote(W02);
    expect(after?.revisions.map((r) => r.document.intro)).toEqual(
      note?.revisions.map((r) => r.document.intro),
    );
    expect(after?.review).toEqual(note?.review);
    expect(
      logs.some(
        (e) =>
          e.fields.holder === "r1" && e.message === "draft not stored: another process took the job over",
      ),
    ).toBe(true);
    // The winner's done marker still holds the week.
    expect(await r1.store.acquireLease(leaseName("draft", T1, "2025-W02"), "probe", now + MINUTE, 1)).toBe(
      undefined,
    );
  });

  it("a winner paused before posting, whose claim another replica took over, leaves the review to that replica", async () => {
    let now = utc(DRAFT_TIME);
    const clock = { now: () => now };
    const slow = heldSummariser(createOfflineSummariser());
    const r1 = replica("r1", clock, { summariser: slow });
    const r2 = replica("r2", clock);
    const stuck = r1.runner.runDraftJob(T1, weekOf(now, T1.timezone));
    await slow.started();
    now += 16 * MINUTE;
    expect(await r2.runner.catchUp()).toMatchObject([{ status: "done", outcome: { kind: "posted" } }]);
    slow.release();
    expect(await stuck).toMatchObject({ status: "skipped", reason: "taken_over" });
    expect(postedReviews(r1.chat)).toEqual([]);
    expect(postedReviews(r2.chat)).toEqual(["2025-W02 C0REVIEW01"]);
    expect((await r1.store.getWeeknote(W02))?.revisions).toHaveLength(1);
  });

  it("three processes on one SQLite file at the draft time: exactly one drafts", async () => {
    const workers = ["p1", "p2", "p3"].map((holder) => {
      const child = spawn(
        process.execPath,
        [
          join(root, "bin/run-ts.js"),
          join(root, "test/support/schedule-claim-worker.ts"),
          path,
          holder,
          DRAFT_TIME,
        ],
        { cwd: root, stdio: ["pipe", "pipe", "pipe"] },
      );
      children.push(child);
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      const lines = createInterface({ input: child.stdout });
      const output: string[] = [];
      const ready = new Promise<void>((resolve, reject) => {
        lines.on("line", (line) => {
          if (line === "ready") resolve();
          else output.push(line);
        });
        child.once("exit", (code) =>
          reject(new Error(`worker ${holder} exited (${code}) before ready: ${stderr}`)),
        );
      });
      const exited = new Promise<string>((resolve, reject) => {
        child.once("exit", (code) =>
          code === 0
            ? resolve(output.join("\n"))
            : reject(new Error(`worker ${holder} failed (${code}): ${stderr}`)),
        );
      });
      return { child, ready, exited };
    });
    // Every replica is up and holds its connection; then all sweep at once.
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin.end("go\n");
    const outputs = (await Promise.all(workers.map((w) => w.exited))).map(
      (stdout) => JSON.parse(stdout) as { results: JobResult[]; draftCalls: number; reviews: number },
    );
    const results = outputs.flatMap((o) => o.results);
    expect(results.map((r) => r.status).sort()).toEqual(["done", "skipped", "skipped"]);
    expect(results.every((r) => r.week === "2025-W02" && r.job === "draft")).toBe(true);
    expect(outputs.reduce((n, o) => n + o.draftCalls, 0)).toBe(1);
    expect(outputs.reduce((n, o) => n + o.reviews, 0)).toBe(1);
    const note = await open().getWeeknote(W02);
    expect(note?.status).toBe("draft");
    expect(note?.revisions).toHaveLength(1);
    expect(note?.review).toBeDefined();
  });
});
