import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryStore } from "../../adapters/memory/memory-store.ts";
import { createOfflineSummariser } from "../../adapters/offline/offline-summariser.ts";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import type { DraftWeeknote } from "../../src/app/draft-weeknote.ts";
import { type JobResult, leaseName } from "../../src/app/run-schedule.ts";
import { BotError } from "../../src/domain/errors.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import { weekWindow } from "../../src/domain/week.ts";
import type { Store } from "../../src/ports/store.ts";
import { type ManualTime, manualTime } from "../support/manual-timers.ts";
import type { LogEntry } from "../support/memory-logger.ts";
import {
  countingDraft,
  DAY,
  HOUR,
  heldSummariser,
  iso,
  MINUTE,
  postedReviews,
  REVIEW_CHANNEL,
  SCHEDULE_WS,
  type ScheduleReplica,
  scheduleChat,
  scheduleReplica,
  scheduleTeam,
  seedHighlights,
  signedSummariser,
  utc,
} from "../support/schedule-harness.ts";

// The schedule runner's rules (src/app/run-schedule.ts) with the real draft use case (offline
// summariser), a recording chat, a clock and timers that move only when told
// (test/support/manual-timers.ts), on the in-memory store and on SQLite in memory. Several
// runners on one store stand for several processes. The minute sweep through whole weeks on a
// SQLite file is test/e2e/schedule-sweep.e2e.test.ts; processes on one file are
// test/e2e/schedule-claim.e2e.test.ts and schedule-fence.e2e.test.ts.

const W13 = { year: 2026, week: 13 };
const W13_KEY = { workspace: SCHEDULE_WS, team: "default", week: "2026-W13" };
// Friday 14:00 in London (GMT that day): the default team's draft time in 2026-W13.
const DRAFT_TIME = "2026-03-27T14:00:00Z";
const TUESDAY = utc("2026-03-24T10:00:00Z");
const WEDNESDAY = utc("2026-03-25T10:00:00Z");

const STORES: [string, () => Store][] = [
  ["in-memory store", () => createMemoryStore()],
  ["SQLite store", () => openSqliteStore({ path: ":memory:" })],
];

describe.each(STORES)("the schedule runner on the %s", (_name, openStore) => {
  let store: Store;
  let logs: LogEntry[];
  let time: ManualTime;

  beforeEach(() => {
    store = openStore();
    logs = [];
    time = manualTime(DRAFT_TIME);
  });

  afterEach(async () => {
    await store.close();
  });

  /** A runner of process `holder` on the shared store and clock (timers: the manual ones). */
  function replica(
    holder: string,
    options: Partial<Parameters<typeof scheduleReplica>[0]> = {},
  ): ScheduleReplica {
    return scheduleReplica({ store, holder, clock: time.clock, timers: time.timers, logs, ...options });
  }

  /** Lease `name` is held by someone at `atMs`: a probe holder cannot take it (and changes nothing). */
  async function held(name: string, atMs: number): Promise<boolean> {
    const probe = await store.acquireLease(name, `probe-${atMs}`, atMs, 1);
    if (probe) {
      await store.releaseLease(probe);
    }
    return probe === undefined;
  }

  const draftLease = (team: TeamSettings = scheduleTeam()) => leaseName("draft", team, "2026-W13");

  function warnings(team: string): LogEntry[] {
    return logs.filter((e) => e.level === "warn" && e.fields.team === team);
  }

  describe("runDraftJob: the claim", () => {
    it("claims the week under a lease, drafts and posts once, and keeps the claim for days as the done marker", async () => {
      await seedHighlights(store, [TUESDAY, WEDNESDAY]);
      const team = scheduleTeam();
      const a = replica("a");
      const first = await a.runner.runDraftJob(team, W13);
      expect(first).toMatchObject({ status: "done", job: "draft", week: "2026-W13", posted: false });
      expect(first.status === "done" && first.outcome?.kind).toBe("posted");
      expect(a.draft.calls).toEqual([
        { atMs: utc(DRAFT_TIME), week: "2026-W13", team: "default", leased: true },
      ]);
      expect(postedReviews(a.chat)).toEqual([`2026-W13 ${REVIEW_CHANNEL}`]);
      expect(await a.runner.runDraftJob(team, W13)).toMatchObject({
        status: "skipped",
        reason: "done_before",
      });

      // Another process finds the week's draft posted for review.
      const b = replica("b");
      expect(await b.runner.runDraftJob(team, W13)).toMatchObject({
        status: "skipped",
        reason: "weeknote_exists",
      });
      expect(b.draft.calls).toEqual([]);
      const note = await store.getWeeknote(W13_KEY);
      expect(note?.revisions).toHaveLength(1);
      expect(note?.review).toMatchObject({ platform: "slack", conversationId: REVIEW_CHANNEL });

      // The claim is kept 8 days from the end of the job as the done marker.
      const now = utc(DRAFT_TIME);
      expect(await held(draftLease(team), now + 8 * DAY - 1)).toBe(true);
      expect(await held(draftLease(team), now + 8 * DAY)).toBe(false);
      expect(logs.some((e) => e.level === "info" && e.message === "scheduled draft done")).toBe(true);
    });

    it("names each job's lease by job, workspace, team and week", () => {
      expect(leaseName("draft", { workspace: "T0WEEK0001", team: "default" }, "2026-W13")).toBe(
        "schedule:draft:T0WEEK0001:default:2026-W13",
      );
      expect(leaseName("reminder", { workspace: "T:1", team: "bins/x" }, "2026-W13")).toBe(
        "schedule:reminder:T%3A1:bins%2Fx:2026-W13",
      );
    });

    it("counts an empty week as done: nothing posted, and another process finds it claimed", async () => {
      const team = scheduleTeam();
      const a = replica("a");
      const result = await a.runner.runDraftJob(team, W13);
      expect(result).toMatchObject({ status: "done", outcome: { kind: "empty", week: "2026-W13" } });
      expect(a.chat.reviews).toEqual([]);
      expect(await store.getWeeknote(W13_KEY)).toBeUndefined();
      const b = replica("b");
      expect(await b.runner.runDraftJob(team, W13)).toMatchObject({
        status: "skipped",
        reason: "claimed_elsewhere",
      });
      expect(b.draft.calls).toEqual([]);
    });

    it("releases the claim when drafting fails: another process retries at once, this one after retryAfterMs", async () => {
      await seedHighlights(store, [TUESDAY]);
      const team = scheduleTeam();
      const failing: DraftWeeknote = async () => {
        throw new BotError("summariser.failed", "The model is down", { retryable: true });
      };
      const a = replica("a", { draft: failing, retryAfterMs: 10 * MINUTE });
      expect(await a.runner.runDraftJob(team, W13)).toMatchObject({
        status: "failed",
        job: "draft",
        week: "2026-W13",
        code: "summariser.failed",
      });
      expect(
        logs.some(
          (e) => e.level === "error" && e.fields.code === "summariser.failed" && e.fields.holder === "a",
        ),
      ).toBe(true);
      expect(await a.runner.runDraftJob(team, W13)).toMatchObject({
        status: "skipped",
        reason: "backing_off",
      });

      // Released, not left to expire: another process claims it at the same instant.
      expect(await held(draftLease(team), time.now())).toBe(false);
      const b = replica("b");
      expect(await b.runner.runDraftJob(team, W13)).toMatchObject({ status: "done" });
      expect(postedReviews(b.chat)).toHaveLength(1);

      // Past retryAfterMs the first process looks again, and finds the week done.
      await time.advance(10 * MINUTE);
      expect(await a.runner.runDraftJob(team, W13)).toMatchObject({
        status: "skipped",
        reason: "weeknote_exists",
      });
    });

    it("reports a store that cannot be read as a failure, without throwing, claims nothing, and works once it answers", async () => {
      await seedHighlights(store, [TUESDAY]);
      const team = scheduleTeam();
      let down = true;
      const flaky = new Proxy(store, {
        get(target, property, receiver) {
          if (property === "getWeeknote" && down) {
            return async () => {
              throw new BotError("store.unavailable", "The database is busy", { retryable: true });
            };
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      const a = replica("a", { store: flaky });
      expect(await a.runner.runDraftJob(team, W13)).toMatchObject({
        status: "failed",
        code: "store.unavailable",
      });
      expect(a.draft.calls).toEqual([]);
      expect(await held(draftLease(team), time.now())).toBe(false);
      down = false;
      expect(await a.runner.runDraftJob(team, W13)).toMatchObject({ status: "done" });
      expect(postedReviews(a.chat)).toHaveLength(1);
    });

    it("does nothing for a team without a review channel, and holds no claim", async () => {
      await seedHighlights(store, [TUESDAY]);
      const team = scheduleTeam({ reviewChannel: undefined });
      const a = replica("a");
      expect(await a.runner.runDraftJob(team, W13)).toMatchObject({
        status: "skipped",
        reason: "no_review_channel",
      });
      expect(a.draft.calls).toEqual([]);
      expect(await held(draftLease(team), time.now())).toBe(false);
    });

    it("runs one job at a time per week within one process", async () => {
      await seedHighlights(store, [TUESDAY]);
      const team = scheduleTeam();
      const a = replica("a");
      const results = await Promise.all([a.runner.runDraftJob(team, W13), a.runner.runDraftJob(team, W13)]);
      expect(results.map((r) => (r.status === "skipped" ? r.reason : r.status)).sort()).toEqual([
        "done",
        "in_progress",
      ]);
      expect(a.draft.calls).toHaveLength(1);
      expect(postedReviews(a.chat)).toHaveLength(1);
    });

    it("finishes a draft whose review was never posted: no second revision, the review posted once", async () => {
      await seedHighlights(store, [TUESDAY, WEDNESDAY]);
      const team = scheduleTeam();
      await store.saveTeam(team);
      // A process drafted the week and died before its review was posted.
      const { chat, router } = scheduleChat();
      chat.fail("postReview", new BotError("platform.unavailable", "Slack is down", { retryable: true }));
      const dying = countingDraft({ store, chat: router, clock: time.clock });
      await expect(dying(team, weekWindow(W13, team.timezone))).rejects.toMatchObject({
        code: "platform.unavailable",
      });
      const left = await store.getWeeknote(W13_KEY);
      expect(left?.status).toBe("draft");
      expect(left?.review).toBeUndefined();

      const a = replica("a");
      expect(await a.runner.catchUp()).toMatchObject([
        { status: "done", job: "draft", week: "2026-W13", outcome: { kind: "posted" } },
      ]);
      expect(postedReviews(a.chat)).toEqual([`2026-W13 ${REVIEW_CHANNEL}`]);
      const note = await store.getWeeknote(W13_KEY);
      expect(note?.revisions).toHaveLength(1);
      expect(note?.review).toMatchObject({ conversationId: REVIEW_CHANNEL });
      expect(await a.runner.catchUp()).toMatchObject([{ status: "skipped", reason: "done_before" }]);
      expect(await replica("b").runner.catchUp()).toMatchObject([
        { status: "skipped", reason: "weeknote_exists" },
      ]);
    });

    it("leaves a week whose note was approved alone", async () => {
      await seedHighlights(store, [TUESDAY]);
      const team = scheduleTeam();
      const byHand = countingDraft({ store, chat: scheduleChat().router, clock: time.clock });
      await byHand(team, weekWindow(W13, team.timezone));
      expect(
        await store.decideWeeknote(W13_KEY, { status: "approved", by: "U0ALICE001", atMs: time.now() }),
      ).toBeDefined();
      const a = replica("a");
      expect(await a.runner.runDraftJob(team, W13)).toMatchObject({
        status: "skipped",
        reason: "weeknote_exists",
      });
      expect(a.draft.calls).toEqual([]);
    });
  });

  describe("runDraftJob: the fence", () => {
    it("a runner whose claim expired and was taken over stores no revision and posts no review; the one that took over succeeds", async () => {
      await seedHighlights(store, [TUESDAY, WEDNESDAY]);
      const team = scheduleTeam();
      const slow = heldSummariser(signedSummariser("a"));
      const a = replica("a", { summariser: slow });
      const b = replica("b", { summariser: signedSummariser("b") });

      // A claims the week at 14:00 (for 15 minutes) and is stuck in its summariser.
      const stuck = a.runner.runDraftJob(team, W13);
      await slow.started();
      expect(await held(draftLease(team), time.now() + 15 * MINUTE - 1)).toBe(true);
      expect(await b.runner.runDraftJob(team, W13)).toMatchObject({
        status: "skipped",
        reason: "claimed_elsewhere",
      });

      // 16 minutes later A's claim has expired: B takes it over (the next token) and drafts.
      await time.advance(16 * MINUTE);
      expect(await b.runner.runDraftJob(team, W13)).toMatchObject({
        status: "done",
        outcome: { kind: "posted" },
      });

      // A wakes up: its revision is refused by the fence, and it posts nothing.
      slow.release();
      const late: JobResult = await stuck;
      expect(late).toMatchObject({ status: "skipped", job: "draft", week: "2026-W13", reason: "taken_over" });
      expect(a.chat.calls.filter((c) => c.method === "postReview" || c.method === "updateReview")).toEqual(
        [],
      );
      expect(postedReviews(b.chat)).toEqual([`2026-W13 ${REVIEW_CHANNEL}`]);
      const note = await store.getWeeknote(W13_KEY);
      expect(note?.revisions).toHaveLength(1);
      expect(note?.revisions[0]?.document.intro).toContain("[drafted by b]");
      expect(note?.review).toEqual(b.chat.reviews[0]?.ref);
      expect(
        logs.some(
          (e) =>
            e.level === "warn" &&
            e.fields.holder === "a" &&
            e.message === "draft not stored: another process took the job over",
        ),
      ).toBe(true);
      // B's done marker stands: A neither released it nor marked it.
      expect(await held(draftLease(team), time.now() + 7 * DAY)).toBe(true);
      // A's next sweep finds the week done.
      expect(await a.runner.runDraftJob(team, W13)).toMatchObject({
        status: "skipped",
        reason: "weeknote_exists",
      });
    });

    it("a runner that lost its claim with nothing new to store is stopped by the renewal before posting", async () => {
      await seedHighlights(store, [TUESDAY]);
      const team = scheduleTeam();
      // Both draft the same words: A's compile finds B's revision already says it, stores nothing,
      // and only the lease renewal right before posting can stop A.
      const slow = heldSummariser(createOfflineSummariser());
      const a = replica("a", { summariser: slow });
      const b = replica("b");
      const stuck = a.runner.runDraftJob(team, W13);
      await slow.started();
      await time.advance(16 * MINUTE);
      expect(await b.runner.runDraftJob(team, W13)).toMatchObject({ status: "done" });
      slow.release();
      expect(await stuck).toMatchObject({ status: "skipped", reason: "taken_over" });
      expect(a.chat.reviews).toEqual([]);
      expect(postedReviews(b.chat)).toHaveLength(1);
      expect((await store.getWeeknote(W13_KEY))?.revisions).toHaveLength(1);
      expect(
        logs.some((e) => e.fields.holder === "a" && e.message === "lease lost before posting the review"),
      ).toBe(true);
    });

    it("a runner taken over after storing its revision posts no review; the one that took over posts it", async () => {
      await seedHighlights(store, [TUESDAY]);
      const team = scheduleTeam();
      // A's store call returns only when the test says, after the revision is written.
      let resume!: () => void;
      const paused = new Promise<void>((resolve) => {
        resume = resolve;
      });
      let saved!: () => void;
      const wasSaved = new Promise<void>((resolve) => {
        saved = resolve;
      });
      const pausing = new Proxy(store, {
        get(target, property, receiver) {
          if (property === "saveDraftRevision") {
            return async (...args: Parameters<Store["saveDraftRevision"]>) => {
              const note = await target.saveDraftRevision(...args);
              saved();
              await paused;
              return note;
            };
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      const a = replica("a", { store: pausing });
      const b = replica("b");
      const stuck = a.runner.runDraftJob(team, W13);
      await wasSaved;
      await time.advance(16 * MINUTE);
      // A's draft is stored but has no review: not finished, so B takes the job over.
      expect(await b.runner.runDraftJob(team, W13)).toMatchObject({
        status: "done",
        outcome: { kind: "posted" },
      });
      resume();
      expect(await stuck).toMatchObject({ status: "skipped", reason: "taken_over" });
      expect(a.chat.reviews).toEqual([]);
      expect(postedReviews(b.chat)).toEqual([`2026-W13 ${REVIEW_CHANNEL}`]);
      const note = await store.getWeeknote(W13_KEY);
      expect(note?.revisions).toHaveLength(1);
      expect(note?.review).toEqual(b.chat.reviews[0]?.ref);
    });

    it("a runner whose claim merely expired, with nobody taking it over, still finishes", async () => {
      await seedHighlights(store, [TUESDAY]);
      const team = scheduleTeam();
      const slow = heldSummariser(createOfflineSummariser());
      const a = replica("a", { summariser: slow });
      const stuck = a.runner.runDraftJob(team, W13);
      await slow.started();
      await time.advance(20 * MINUTE);
      slow.release();
      expect(await stuck).toMatchObject({ status: "done", outcome: { kind: "posted" } });
      expect(postedReviews(a.chat)).toHaveLength(1);
      expect(await held(draftLease(team), time.now() + 7 * DAY)).toBe(true);
    });
  });

  describe("sweeps", () => {
    it("drafts this week once its draft time has passed, not before", async () => {
      await seedHighlights(store, [TUESDAY]);
      await store.saveTeam(scheduleTeam());
      time = manualTime("2026-03-27T13:59:00Z");
      const a = replica("a");
      expect(await a.runner.catchUp()).toEqual([]);
      await time.advanceTo(DRAFT_TIME);
      expect(await a.runner.catchUp()).toMatchObject([{ status: "done", week: "2026-W13" }]);
      expect(await a.runner.catchUp()).toMatchObject([{ status: "skipped", reason: "done_before" }]);
      expect(a.draft.calls.map((c) => `${c.week} ${iso(c.atMs)}`)).toEqual([
        "2026-W13 2026-03-27T14:00:00.000Z",
      ]);
    });

    it("sweeps on the minute by its clock, one job at a time while a draft takes minutes, and stops", async () => {
      await seedHighlights(store, [TUESDAY]);
      await store.saveTeam(scheduleTeam());
      time = manualTime("2026-03-27T13:58:30Z");
      const slow = heldSummariser(createOfflineSummariser());
      const a = replica("a", { summariser: slow });
      await a.runner.start();
      // The next sweep is at the next whole minute of the runner's clock.
      expect(time.nextDueAt()).toBe(utc("2026-03-27T13:59:00Z"));
      await time.advanceTo("2026-03-27T14:00:00Z");
      await slow.started();
      expect(a.draft.calls.map((c) => iso(c.atMs))).toEqual(["2026-03-27T14:00:00.000Z"]);
      // Three more sweeps while the draft is still being written: nothing started twice.
      await time.advanceTo("2026-03-27T14:03:00Z");
      expect(a.draft.calls).toHaveLength(1);
      expect(time.nextDueAt()).toBe(utc("2026-03-27T14:04:00Z"));
      slow.release();
      await a.runner.idle();
      expect(postedReviews(a.chat)).toHaveLength(1);
      await a.runner.stop();
      await a.runner.stop();
      expect(time.pending()).toBe(0);
      await time.advance(7 * DAY);
      expect(a.draft.calls).toHaveLength(1);
    });

    it("catches up at start-up the week's draft missed while down, but not last week's", async () => {
      await seedHighlights(store, [TUESDAY, utc("2026-03-31T10:00:00Z")]);
      await store.saveTeam(scheduleTeam());
      // Down from Thursday until Saturday: start() drafts W13 at once.
      time = manualTime("2026-03-28T09:30:00Z");
      const a = replica("a");
      await a.runner.start();
      await a.runner.idle();
      expect(a.draft.calls.map((c) => `${c.week} ${iso(c.atMs)}`)).toEqual([
        "2026-W13 2026-03-28T09:30:00.000Z",
      ]);
      await a.runner.stop();

      // Another team, down over its draft time until the next Monday: last week is not drafted.
      await store.saveTeam(scheduleTeam({ team: "late" }));
      await time.jumpTo("2026-03-30T08:00:00Z");
      const b = replica("b");
      await b.runner.start();
      await b.runner.idle();
      expect(b.draft.calls).toEqual([]);
      await b.runner.stop();
    });

    it("uses each team's own zone, and skips a team with a bad zone or schedule, warning once", async () => {
      await seedHighlights(store, [TUESDAY]);
      const london = scheduleTeam();
      const tokyo = scheduleTeam({ team: "tokyo", timezone: "Asia/Tokyo" });
      const zone = scheduleTeam({ team: "mars", timezone: "Mars/Olympus" });
      const hour = scheduleTeam({ team: "late-night", draftSchedule: { weekday: 5, hour: 25, minute: 0 } });
      const reminder = scheduleTeam({ team: "bad-reminder", reminder: { weekday: 8, hour: 9, minute: 0 } });
      // Stores refuse such settings; a team read from an older or foreign record may still have them.
      const teams = [reminder, london, hour, zone, tokyo];
      // 14:00 in Tokyo is 05:00Z: Tokyo is due, London not yet.
      time = manualTime("2026-03-27T05:00:00Z");
      const a = replica("a", { listTeams: async () => teams });
      expect(await a.runner.catchUp()).toMatchObject([{ status: "done", week: "2026-W13" }]);
      expect(a.draft.calls.map((c) => c.team)).toEqual(["tokyo"]);
      await time.advance(MINUTE);
      expect(await a.runner.catchUp()).toMatchObject([{ status: "skipped", reason: "done_before" }]);
      await time.advance(MINUTE);
      await a.runner.catchUp();
      for (const team of ["mars", "late-night", "bad-reminder"]) {
        expect(
          warnings(team).map((e) => [e.message, e.fields.code]),
          team,
        ).toEqual([
          [
            "team has a schedule or time zone that cannot be used; not scheduled",
            team === "mars" ? "input.bad_timezone" : "input.bad_option",
          ],
        ]);
      }
      expect(warnings("tokyo")).toEqual([]);
      expect(warnings("default")).toEqual([]);

      // Mended in chat: scheduled at the next sweep (14:00 Tokyo has passed).
      teams[3] = { ...zone, timezone: "Asia/Tokyo" };
      // By team key: mars, then tokyo.
      expect(await a.runner.catchUp()).toMatchObject([
        { status: "done", week: "2026-W13" },
        { status: "skipped", reason: "done_before" },
      ]);
      expect(a.draft.calls.map((c) => c.team)).toEqual(["tokyo", "mars"]);
    });

    it("runs a team's draft in the week holding now in its zone", async () => {
      await seedHighlights(store, [utc("2026-03-30T10:00:00Z")]);
      // Monday 00:30 London on 30 March is Sunday 23:30Z: week 14 in London, still 13 in UTC.
      await store.saveTeam(scheduleTeam({ draftSchedule: { weekday: 1, hour: 0, minute: 30 } }));
      time = manualTime("2026-03-29T23:30:00Z");
      const a = replica("a");
      expect(await a.runner.catchUp()).toMatchObject([{ status: "done", week: "2026-W14" }]);
      expect(postedReviews(a.chat)).toEqual([`2026-W14 ${REVIEW_CHANNEL}`]);
    });

    it("throws from catchUp when the teams cannot be read, and logs (never throws) from the minute sweep", async () => {
      const broken = async (): Promise<readonly TeamSettings[]> => {
        throw new BotError("store.unavailable", "The database is busy", { retryable: true });
      };
      const a = replica("a", { listTeams: broken });
      await expect(a.runner.catchUp()).rejects.toMatchObject({ code: "store.unavailable" });
      await a.runner.start();
      await time.advance(2 * MINUTE);
      const errors = logs.filter(
        (e) => e.level === "error" && e.message === "could not read the teams to schedule",
      );
      // The start-up sweep and the two minute sweeps; the sweeps go on.
      expect(errors).toHaveLength(3);
      expect(errors[0]?.fields.code).toBe("store.unavailable");
      expect(time.pending()).toBe(1);
      await a.runner.stop();
    });
  });

  describe("refresh", () => {
    it("sweeps at once with the settings just saved, without waiting for the minute; not before start() or after stop()", async () => {
      await seedHighlights(store, [TUESDAY]);
      await store.saveTeam(scheduleTeam());
      time = manualTime("2026-03-27T12:00:20Z");
      const a = replica("a");
      a.runner.refresh();
      await a.runner.idle();
      expect(a.draft.calls).toEqual([]);

      await a.runner.start();
      await a.runner.idle();
      expect(a.draft.calls).toEqual([]);
      // The team moves its draft to 11:00, already past: the week is drafted now, not at 12:01.
      await store.saveTeam(scheduleTeam({ draftSchedule: { weekday: 5, hour: 11, minute: 0 } }));
      a.runner.refresh();
      await a.runner.idle();
      expect(a.draft.calls.map((c) => `${c.week} ${iso(c.atMs)}`)).toEqual([
        "2026-W13 2026-03-27T12:00:20.000Z",
      ]);
      await a.runner.stop();

      await store.saveTeam(
        scheduleTeam({ team: "other", draftSchedule: { weekday: 5, hour: 11, minute: 0 } }),
      );
      a.runner.refresh();
      await a.runner.idle();
      expect(a.draft.calls).toHaveLength(1);
    });

    it("follows a review channel changed in chat: the draft goes to the new one", async () => {
      await seedHighlights(store, [TUESDAY]);
      await store.saveTeam(scheduleTeam({ reviewChannel: "C0OLD00001" }));
      time = manualTime("2026-03-27T13:59:00Z");
      const a = replica("a");
      await a.runner.start();
      await store.saveTeam(scheduleTeam({ reviewChannel: "C0NEW00001" }));
      a.runner.refresh();
      await time.advanceTo(DRAFT_TIME);
      await a.runner.idle();
      expect(postedReviews(a.chat)).toEqual(["2026-W13 C0NEW00001"]);
      await a.runner.stop();
    });
  });

  describe("reminders", () => {
    // Thursday 15:00 London (GMT): the reminder time of these teams in 2026-W13.
    const REMINDER = { weekday: 4, hour: 15, minute: 0 };
    const REMINDER_TIME = "2026-03-26T15:00:00Z";

    it("reminds the review channel once across processes at team.reminder when nothing is tagged", async () => {
      await store.saveTeam(scheduleTeam({ reminder: REMINDER }));
      time = manualTime(REMINDER_TIME);
      const a = replica("a");
      const b = replica("b");
      const results = (await Promise.all([a.runner.catchUp(), b.runner.catchUp()])).flat();
      expect(results.map((r) => `${r.job} ${r.status === "skipped" ? r.reason : r.status}`).sort()).toEqual([
        "reminder claimed_elsewhere",
        "reminder done",
      ]);
      expect(results.find((r) => r.status === "done")).toMatchObject({ posted: true, outcome: undefined });
      const told = [...a.chat.told, ...b.chat.told];
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({
        workspace: SCHEDULE_WS,
        to: { conversationId: REVIEW_CHANNEL },
        notice: { kind: "reminder", week: "2026-W13", draftAtMs: utc(DRAFT_TIME), team: { team: "default" } },
      });
      // Later sweeps of either process remind no more.
      await time.advance(MINUTE);
      expect((await Promise.all([a.runner.catchUp(), b.runner.catchUp()])).flat()).toMatchObject([
        { status: "skipped" },
        { status: "skipped" },
      ]);
      expect([...a.chat.told, ...b.chat.told]).toHaveLength(1);
      expect(a.draft.calls.length + b.draft.calls.length).toBe(0);
    });

    it("posts nothing when something is tagged, and nothing for a team without team.reminder", async () => {
      await seedHighlights(store, [TUESDAY]);
      await store.saveTeam(scheduleTeam({ reminder: REMINDER }));
      await store.saveTeam(
        scheduleTeam({ team: "quiet", sourceChannels: ["C0ELSEWHERE"], reminder: REMINDER }),
      );
      await store.saveTeam(scheduleTeam({ team: "no-reminder", sourceChannels: ["C0ELSEWHERE"] }));
      time = manualTime("2026-03-26T15:30:00Z");
      const a = replica("a");
      const results = await a.runner.catchUp();
      // By team key: default (tagged), no-reminder (nothing to do), quiet (nothing tagged in its channels).
      expect(results).toMatchObject([
        { status: "done", job: "reminder", posted: false },
        { status: "done", job: "reminder", posted: true },
      ]);
      expect(a.chat.told.map((t) => t.notice.kind === "reminder" && t.notice.team.team)).toEqual(["quiet"]);
    });

    it("is caught up within its grace after downtime, not after it, and never once the draft is due", async () => {
      await store.saveTeam(scheduleTeam({ reminder: REMINDER }));
      // Six hours of grace by default: 20:59 still reminds …
      time = manualTime("2026-03-26T20:59:00Z");
      const a = replica("a");
      expect(await a.runner.catchUp()).toMatchObject([{ status: "done", job: "reminder", posted: true }]);

      // … 21:00 does not (for this team, nor for one that never had it).
      await store.saveTeam(scheduleTeam({ team: "late", reminder: REMINDER }));
      await time.advanceTo("2026-03-26T21:00:00Z");
      expect(await a.runner.catchUp()).toEqual([]);
      expect(a.chat.told).toHaveLength(1);

      // A reminder after the draft time never runs: the draft does.
      await store.saveTeam(scheduleTeam({ team: "after", reminder: { weekday: 5, hour: 15, minute: 0 } }));
      await time.advanceTo("2026-03-27T15:00:00Z");
      const results = await a.runner.catchUp();
      expect(results.map((r) => `${r.job} ${r.week}`)).toEqual([
        "draft 2026-W13",
        "draft 2026-W13",
        "draft 2026-W13",
      ]);
      expect(a.chat.told).toHaveLength(1);
    });

    it("with a shorter grace, and told directly: no draft time in the reminder once it has passed", async () => {
      const team = scheduleTeam({ reminder: REMINDER });
      await store.saveTeam(team);
      time = manualTime("2026-03-26T16:00:00Z");
      const a = replica("a", { reminderGraceMs: HOUR });
      expect(await a.runner.catchUp()).toEqual([]);
      await time.advanceTo("2026-03-27T16:00:00Z");
      const b = replica("b");
      expect(await b.runner.runReminderJob(team, W13)).toMatchObject({
        status: "done",
        job: "reminder",
        posted: true,
      });
      expect(a.chat.told).toEqual([]);
      expect(b.chat.told).toMatchObject([
        { notice: { kind: "reminder", week: "2026-W13", draftAtMs: undefined } },
      ]);
    });

    it("a runner paused past its reminder claim, which another process took over and did, reminds no more", async () => {
      const team = scheduleTeam({ reminder: REMINDER });
      await store.saveTeam(team);
      time = manualTime(REMINDER_TIME);
      // A claims the reminder, then stalls reading the week's highlights (a paused process).
      let resume!: () => void;
      const paused = new Promise<void>((resolve) => {
        resume = resolve;
      });
      let reading!: () => void;
      const wasReading = new Promise<void>((resolve) => {
        reading = resolve;
      });
      const stalling = new Proxy(store, {
        get(target, property, receiver) {
          if (property === "listHighlights") {
            return async (...args: Parameters<Store["listHighlights"]>) => {
              reading();
              await paused;
              return target.listHighlights(...args);
            };
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      const a = replica("a", { store: stalling });
      const b = replica("b");
      const stuck = a.runner.runReminderJob(team, W13);
      await wasReading;
      await time.advance(16 * MINUTE);
      expect(await b.runner.runReminderJob(team, W13)).toMatchObject({ status: "done", posted: true });
      resume();
      const late = await stuck;
      // Once across processes: B's reminder is the only one, as with drafts (the claim's fence).
      expect([...a.chat.told, ...b.chat.told]).toHaveLength(1);
      expect(a.chat.told).toEqual([]);
      expect(late).toMatchObject({ status: "skipped", job: "reminder", reason: "taken_over" });
    });

    it("reminds on the minute sweep at the reminder's minute", async () => {
      await store.saveTeam(scheduleTeam({ reminder: REMINDER }));
      time = manualTime("2026-03-26T14:58:00Z");
      const a = replica("a");
      const at: string[] = [];
      const tell = a.chat.tell.bind(a.chat);
      a.chat.tell = async (...args) => {
        at.push(iso(time.now()));
        return tell(...args);
      };
      time.settleWith(() => a.runner.idle());
      await a.runner.start();
      await time.advanceTo("2026-03-26T15:10:00Z");
      await a.runner.stop();
      expect(at).toEqual(["2026-03-26T15:00:00.000Z"]);
    });
  });
});
