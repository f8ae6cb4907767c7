import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import {
  createScheduleRunner,
  DEFAULT_REMINDER_SCHEDULE,
  leaseName,
  teamReminder,
} from "../../src/app/run-schedule.ts";
import { BotError } from "../../src/domain/errors.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import { weekWindow } from "../../src/domain/week.ts";
import type { Scheduler, WeeklyJob } from "../../src/ports/scheduler.ts";
import { type LogEntry, recordingLogger } from "../support/memory-logger.ts";
import {
  countingDraft,
  REVIEW_CHANNEL,
  recordingChat,
  SCHEDULE_WS,
  scheduleTeam,
  seedHighlights,
} from "../support/schedule-harness.ts";

// The runner's rules with a scheduler that fires only when told and a clock that moves only when
// told; the store is SQLite in memory. Real node-cron and several stores on one file are in
// test/e2e/schedule-*.e2e.test.ts.
const utc = (text: string) => Date.parse(text);
const MINUTE = 60_000;
const W13 = { year: 2026, week: 13 };

function manualClock(iso: string) {
  let t = utc(iso);
  return {
    now: () => t,
    set: (next: string) => {
      t = utc(next);
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** A Scheduler that records its jobs; `fire` runs one as a firing at `atIso` would. */
function fakeScheduler() {
  const jobs = new Map<string, WeeklyJob>();
  const sets: string[] = [];
  const scheduler: Scheduler = {
    set: (job) => {
      jobs.set(job.id, job);
      sets.push(job.id);
    },
    remove: (id) => {
      jobs.delete(id);
    },
    ids: () => [...jobs.keys()],
    stop: () => jobs.clear(),
  };
  return {
    scheduler,
    jobs,
    sets,
    fire: async (id: string, atIso: string) => {
      const job = jobs.get(id);
      if (!job) {
        throw new Error(`no job ${id}`);
      }
      await job.run(utc(atIso));
    },
  };
}

let store: SqliteStore;
let entries: LogEntry[];

beforeEach(() => {
  store = openSqliteStore({ path: ":memory:" });
  entries = [];
});

afterEach(async () => {
  await store.close();
});

function setup(
  options: { clock?: ReturnType<typeof manualClock>; holder?: string; teams?: TeamSettings[] } = {},
) {
  const clock = options.clock ?? manualClock("2026-03-27T14:00:00Z");
  const chat = recordingChat();
  const draft = countingDraft({ store, chat, clock });
  const cron = fakeScheduler();
  const teams = options.teams;
  const runner = createScheduleRunner({
    store,
    ...(teams ? { listTeams: async () => teams } : {}),
    draft,
    chat,
    clock,
    logger: recordingLogger(entries),
    holder: options.holder ?? "a",
    scheduler: cron.scheduler,
    claimTtlMs: 15 * MINUTE,
  });
  return { runner, clock, chat, draft, cron };
}

describe("runDraftJob", () => {
  it("drafts a week once, keeps a done marker, and leaves a week with a weeknote alone", async () => {
    await seedHighlights(store, [utc("2026-03-24T10:00:00Z"), utc("2026-03-25T10:00:00Z")]);
    const team = scheduleTeam();
    const a = setup({ holder: "a" });
    const first = await a.runner.runDraftJob(team, W13);
    expect(first).toMatchObject({ status: "done", job: "draft", week: "2026-W13" });
    expect(first.status === "done" && first.outcome?.kind).toBe("posted");
    expect(await a.runner.runDraftJob(team, W13)).toMatchObject({ status: "skipped", reason: "done_before" });

    const b = setup({ holder: "b", clock: a.clock });
    expect(await b.runner.runDraftJob(team, W13)).toMatchObject({
      status: "skipped",
      reason: "weeknote_exists",
    });
    expect(a.draft.calls).toHaveLength(1);
    expect(b.draft.calls).toHaveLength(0);
    expect(a.chat.record.reviews).toEqual([{ week: "2026-W13", channel: REVIEW_CHANNEL }]);
    const note = await store.getWeeknote({ workspace: SCHEDULE_WS, team: "default", week: "2026-W13" });
    expect(note?.revisions).toHaveLength(1);
    // The claim is held for days as the done marker.
    expect(
      await store.acquireLease(leaseName("draft", team, "2026-W13"), "c", a.clock.now() + 7 * 86_400_000, 1),
    ).toBe(false);
  });

  it("treats an empty week as done: no draft, no second attempt by another process", async () => {
    const team = scheduleTeam();
    const a = setup({ holder: "a" });
    const result = await a.runner.runDraftJob(team, W13);
    expect(result.status === "done" && result.outcome?.kind).toBe("empty");
    const b = setup({ holder: "b", clock: a.clock });
    expect(await b.runner.runDraftJob(team, W13)).toMatchObject({
      status: "skipped",
      reason: "claimed_elsewhere",
    });
    expect(b.draft.calls).toHaveLength(0);
  });

  it("releases the claim when drafting fails, so that another process can retry at once", async () => {
    await seedHighlights(store, [utc("2026-03-24T10:00:00Z")]);
    const team = scheduleTeam();
    const clock = manualClock("2026-03-27T14:00:00Z");
    const failing = createScheduleRunner({
      store,
      draft: async () => {
        throw new BotError("summariser.failed", "The model is down", { retryable: true });
      },
      chat: recordingChat(),
      clock,
      logger: recordingLogger(entries),
      holder: "a",
      retryAfterMs: 10 * MINUTE,
    });
    expect(await failing.runDraftJob(team, W13)).toMatchObject({
      status: "failed",
      code: "summariser.failed",
    });
    expect(entries.some((e) => e.level === "error" && e.fields.code === "summariser.failed")).toBe(true);
    // The same process waits before trying again; another may go ahead.
    expect(await failing.runDraftJob(team, W13)).toMatchObject({ status: "skipped", reason: "backing_off" });
    const b = setup({ holder: "b", clock });
    expect(await b.runner.runDraftJob(team, W13)).toMatchObject({ status: "done" });
    expect(b.draft.calls).toHaveLength(1);
  });

  it("reports a store that cannot be read as a failure, without throwing, and claims nothing", async () => {
    await seedHighlights(store, [utc("2026-03-24T10:00:00Z")]);
    const team = scheduleTeam();
    const clock = manualClock("2026-03-27T14:00:00Z");
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
    const chat = recordingChat();
    const runner = createScheduleRunner({
      store: flaky,
      draft: countingDraft({ store, chat, clock }),
      chat,
      clock,
      logger: recordingLogger(entries),
      holder: "a",
    });
    expect(await runner.runDraftJob(team, W13)).toMatchObject({
      status: "failed",
      code: "store.unavailable",
    });
    down = false;
    expect(await runner.runDraftJob(team, W13)).toMatchObject({ status: "done" });
    expect(chat.record.reviews).toHaveLength(1);
  });

  it("does nothing for a team without a review channel, and holds no claim", async () => {
    const team = scheduleTeam({ reviewChannel: undefined });
    const a = setup();
    expect(await a.runner.runDraftJob(team, W13)).toMatchObject({
      status: "skipped",
      reason: "no_review_channel",
    });
    expect(await store.acquireLease(leaseName("draft", team, "2026-W13"), "z", a.clock.now(), 1)).toBe(true);
  });

  it("runs one job at a time per week within one process", async () => {
    await seedHighlights(store, [utc("2026-03-24T10:00:00Z")]);
    const team = scheduleTeam();
    const a = setup();
    const results = await Promise.all([a.runner.runDraftJob(team, W13), a.runner.runDraftJob(team, W13)]);
    expect(results.map((r) => r.status).sort()).toEqual(["done", "skipped"]);
    expect(a.draft.calls).toHaveLength(1);
  });
});

describe("catchUp", () => {
  it("drafts this week once its draft time has passed without a weeknote", async () => {
    await seedHighlights(store, [utc("2026-03-24T10:00:00Z")]);
    const clock = manualClock("2026-03-27T13:59:00Z");
    const a = setup({ clock, teams: [scheduleTeam()] });
    expect(await a.runner.catchUp()).toEqual([]);
    clock.set("2026-03-28T09:00:00Z");
    expect(await a.runner.catchUp()).toMatchObject([{ status: "done", week: "2026-W13" }]);
    expect(await a.runner.catchUp()).toMatchObject([{ status: "skipped", reason: "done_before" }]);
    expect(a.draft.calls).toEqual([{ atMs: utc("2026-03-28T09:00:00Z"), week: "2026-W13", team: "default" }]);
  });

  it("leaves a week someone drafted by hand alone", async () => {
    await seedHighlights(store, [utc("2026-03-24T10:00:00Z")]);
    const team = scheduleTeam();
    const clock = manualClock("2026-03-26T09:00:00Z");
    const manual = setup({ clock, holder: "manual" });
    await manual.draft(team, weekWindow(W13, team.timezone));
    clock.set("2026-03-27T15:00:00Z");
    const a = setup({ clock, teams: [team] });
    expect(await a.runner.catchUp()).toMatchObject([{ status: "skipped", reason: "weeknote_exists" }]);
    expect(a.draft.calls).toHaveLength(0);
  });

  it("uses each team's own zone and skips a team with a bad zone", async () => {
    await seedHighlights(store, [utc("2026-03-24T10:00:00Z")]);
    const london = scheduleTeam();
    const tokyo = scheduleTeam({ team: "tokyo", timezone: "Asia/Tokyo" });
    const broken = scheduleTeam({ team: "broken", timezone: "Mars/Olympus" });
    // 14:00 in Tokyo is 05:00Z: Tokyo is due, London not yet.
    const clock = manualClock("2026-03-27T05:00:00Z");
    const a = setup({ clock, teams: [london, tokyo, broken] });
    expect(await a.runner.catchUp()).toMatchObject([{ status: "done", week: "2026-W13" }]);
    expect(a.draft.calls.map((c) => c.team)).toEqual(["tokyo"]);
    expect(entries.some((e) => e.level === "warn" && e.fields.team === "broken")).toBe(true);
  });
});

describe("refresh", () => {
  it("sets one job per team and re-sets only the jobs whose time or zone changed", async () => {
    const teams = [scheduleTeam(), scheduleTeam({ team: "other" })];
    const a = setup({ teams });
    await a.runner.refresh();
    expect(a.cron.sets.sort()).toEqual(["draft:T0WEEK0001:default", "draft:T0WEEK0001:other"]);
    a.cron.sets.length = 0;

    await a.runner.refresh();
    expect(a.cron.sets).toEqual([]);

    teams[0] = { ...scheduleTeam(), draftSchedule: { weekday: 4, hour: 9, minute: 30 } };
    teams[1] = { ...scheduleTeam({ team: "other" }), name: "renamed" };
    await a.runner.refresh();
    expect(a.cron.sets).toEqual(["draft:T0WEEK0001:default"]);
    expect(a.cron.jobs.get("draft:T0WEEK0001:default")?.schedule).toEqual({
      weekday: 4,
      hour: 9,
      minute: 30,
    });

    teams.pop();
    await a.runner.refresh();
    expect(a.cron.scheduler.ids()).toEqual(["draft:T0WEEK0001:default"]);
  });

  it("fires with the latest settings, for the week holding the firing instant in the team's zone", async () => {
    await seedHighlights(store, [utc("2026-03-30T10:00:00Z")]);
    const teams = [
      scheduleTeam({ reviewChannel: "C0OLD00001", draftSchedule: { weekday: 1, hour: 0, minute: 30 } }),
    ];
    const clock = manualClock("2026-03-29T23:30:00Z");
    const a = setup({ clock, teams });
    await a.runner.refresh();
    teams[0] = { ...teams[0], reviewChannel: "C0NEW00001" } as TeamSettings;
    await a.runner.refresh();
    // Sunday 23:30 UTC is Monday 00:30 BST: week 14 in London.
    await a.cron.fire("draft:T0WEEK0001:default", "2026-03-29T23:30:00Z");
    expect(a.draft.calls.map((c) => c.week)).toEqual(["2026-W14"]);
    // The seeded highlight is in W14 too, so a draft was posted, to the new channel.
    expect(a.chat.record.reviews).toEqual([{ week: "2026-W14", channel: "C0NEW00001" }]);
  });
});

describe("reminders", () => {
  const reminders = () => DEFAULT_REMINDER_SCHEDULE;

  function withReminders(holder: string, clock: ReturnType<typeof manualClock>, teams: TeamSettings[]) {
    const chat = recordingChat();
    const runner = createScheduleRunner({
      store,
      listTeams: async () => teams,
      draft: countingDraft({ store, chat, clock }),
      chat,
      clock,
      logger: recordingLogger(entries),
      holder,
      reminders,
    });
    return { runner, chat };
  }

  it("posts 'nothing tagged yet' once across processes, on Thursday 15:00 by default", async () => {
    const clock = manualClock("2026-03-26T15:00:00Z");
    const teams = [scheduleTeam()];
    const a = withReminders("a", clock, teams);
    const b = withReminders("b", clock, teams);
    const results = await Promise.all([a.runner.catchUp(), b.runner.catchUp()]);
    expect(
      results
        .flat()
        .map((r) => r.status)
        .sort(),
    ).toEqual(["done", "skipped"]);
    const texts = [...a.chat.record.texts, ...b.chat.record.texts];
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ workspace: SCHEDULE_WS, channel: REVIEW_CHANNEL });
    expect(texts[0]?.text).toContain("Nothing has been tagged for 2026-W13 yet");
    expect(texts[0]?.text).toContain(":star:");
    expect(texts[0]?.text).toContain("Friday at 14:00");
  });

  it("posts nothing when something is tagged, and is not caught up after its grace or the draft", async () => {
    const clock = manualClock("2026-03-26T15:30:00Z");
    await seedHighlights(store, [utc("2026-03-24T10:00:00Z")]);
    const a = withReminders("a", clock, [scheduleTeam()]);
    expect(await a.runner.catchUp()).toMatchObject([{ status: "done", job: "reminder", posted: false }]);
    expect(a.chat.record.texts).toEqual([]);

    const late = manualClock("2026-03-26T21:01:00Z");
    const b = withReminders("b", late, [scheduleTeam({ team: "late" })]);
    expect(await b.runner.catchUp()).toEqual([]);
  });

  it("reads an optional reminder setting from the team when no reminders function is given", () => {
    expect(teamReminder(scheduleTeam())).toBeUndefined();
    const withReminder = { ...scheduleTeam(), reminder: { weekday: 4, hour: 15, minute: 0 } };
    expect(teamReminder(withReminder)).toEqual({ weekday: 4, hour: 15, minute: 0 });
    expect(teamReminder({ ...scheduleTeam(), reminder: "Thursday" } as TeamSettings)).toBeUndefined();
  });

  it("sets a reminder job beside the draft job only for teams that have one", async () => {
    const cron = fakeScheduler();
    const teams = [scheduleTeam(), scheduleTeam({ team: "quiet" })];
    const runner = createScheduleRunner({
      store,
      listTeams: async () => teams,
      draft: async () => ({ kind: "empty", message: "" }),
      chat: recordingChat(),
      clock: manualClock("2026-03-23T09:00:00Z"),
      logger: recordingLogger(entries),
      holder: "a",
      scheduler: cron.scheduler,
      reminders: (team) => (team.team === "quiet" ? undefined : DEFAULT_REMINDER_SCHEDULE),
    });
    await runner.refresh();
    expect(cron.scheduler.ids().sort()).toEqual([
      "draft:T0WEEK0001:default",
      "draft:T0WEEK0001:quiet",
      "reminder:T0WEEK0001:default",
    ]);
    await runner.stop();
    expect(cron.scheduler.ids()).toEqual([]);
  });
});
