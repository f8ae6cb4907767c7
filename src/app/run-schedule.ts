import {
  assertScheduleIn,
  cronExpression,
  dueDraft,
  dueWeekly,
  scheduledInstant,
} from "../domain/schedule.ts";
import type { DraftSchedule, TeamSettings } from "../domain/team.ts";
import { formatWeekKey, type WeekKey, type WeekWindow, weekOf, weekWindow } from "../domain/week.ts";
import type { ChatPlatform } from "../ports/chat.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Scheduler } from "../ports/scheduler.ts";
import type { Store, WeeknoteKey } from "../ports/store.ts";
import { type DraftOutcome, teamHighlights } from "./draft-weeknote.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The weekly jobs the runner knows. */
export type JobKind = "draft" | "reminder";

/** The default reminder time, for callers that turn reminders on without choosing one: Thursday 15:00. */
export const DEFAULT_REMINDER_SCHEDULE: DraftSchedule = { weekday: 4, hour: 15, minute: 0 };

export interface ScheduleRunnerDeps {
  readonly store: Store;
  /** Every team to schedule, read afresh on each refresh and catch-up. Default `store.listTeams()`. */
  readonly listTeams?: () => Promise<readonly TeamSettings[]>;
  /** Drafts a team's week and posts it for review (createDraftWeeknote). */
  readonly draft: (
    team: TeamSettings,
    window: WeekWindow,
    options?: { readonly beforeSave?: () => Promise<boolean> },
  ) => Promise<DraftOutcome>;
  /** Only `postText` is used, for reminders. */
  readonly chat: Pick<ChatPlatform, "postText">;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This process's name in leases, unique per process. */
  readonly holder: string;
  /** Fires the jobs on time. Without one the runner only works when swept (catchUp, tick). */
  readonly scheduler?: Scheduler;
  /**
   * How long a claim protects a job in progress, ms; when a winner crashes, another process takes
   * the job over after this. Must be longer than the slowest draft. Default 15 minutes.
   */
  readonly claimTtlMs?: number;
  /** How long a finished job's claim is kept as a "done" marker, ms. Default 8 days. */
  readonly doneTtlMs?: number;
  /** After a job failed here, how long this process leaves it before trying again, ms. Default 10 minutes. */
  readonly retryAfterMs?: number;
  /**
   * A team's reminder time ("nothing tagged yet" in the review channel), or undefined for none.
   * Default {@link teamReminder}: the team's own optional `reminder` setting when its settings
   * carry one, otherwise none (reminders are off by default). {@link DEFAULT_REMINDER_SCHEDULE}
   * is the usual Thursday 15:00.
   */
  readonly reminders?: (team: TeamSettings) => DraftSchedule | undefined;
  /** How long after its time a missed reminder is still worth sending, ms. Default 6 hours. */
  readonly reminderGraceMs?: number;
}

/** Why a job call did no work. */
export type SkipReason =
  /** The week already has a weeknote (draft, approved or skipped). */
  | "weeknote_exists"
  /** Another process holds the claim: it is working on the job, or finished it. */
  | "claimed_elsewhere"
  /** This runner already finished the job. */
  | "done_before"
  /** This runner is working on the job right now. */
  | "in_progress"
  /** The team has no review channel to post to. */
  | "no_review_channel"
  /** The job failed here a short while ago (see retryAfterMs). */
  | "backing_off"
  /** The runner was stopped. */
  | "stopped";

/** What one job call did, for logs and tests. `week` is the week key, `2026-W13`. */
export type JobResult =
  | {
      readonly status: "done";
      readonly job: JobKind;
      readonly week: string;
      /** Drafts: what drafting did. Reminders: undefined. */
      readonly outcome: DraftOutcome | undefined;
      /** Reminders: whether a reminder was posted (only when nothing is tagged yet). */
      readonly posted: boolean;
    }
  | { readonly status: "skipped"; readonly job: JobKind; readonly week: string; readonly reason: SkipReason }
  | { readonly status: "failed"; readonly job: JobKind; readonly week: string; readonly code: string };

/** How a runner is started. */
export interface ScheduleRunnerStartOptions {
  /** How often to re-read the teams and sweep for due work, ms. Default 60 000. */
  readonly tickEveryMs?: number;
}

/**
 * Runs the weekly jobs of every team exactly once per (workspace, team, week, job) across
 * processes and replicas (SPEC §6, CASES C13, C14).
 *
 * - **Claim.** A job first looks for the week's weeknote (any status: then there is nothing to
 *   do), then claims the store lease `schedule:<job>:<workspace>:<team>:<week>` for `holder` for
 *   `claimTtlMs`. Only the winner works; a loser returns `skipped` quietly. After claiming it looks
 *   for the weeknote again. On success the lease is kept for `doneTtlMs` (8 days) as a done marker;
 *   on failure it is released so that a retry can run. A winner that crashes leaves its claim to
 *   expire after `claimTtlMs`, and the next sweep of any process takes the job over.
 * - **Fire and sweep.** The `scheduler` fires each team's draft (and reminder) at its local time;
 *   `catchUp()` runs every job whose time has passed this week and is not done. `start()` runs a
 *   tick (refresh, then catch-up) at once and every `tickEveryMs`, which covers start-up after
 *   downtime, a blocked event loop and node-cron's skipped spring-forward hour; the claim makes a
 *   fire and a sweep of the same job come out as one run.
 * - **Settings.** `refresh()` re-reads the teams and re-creates only the scheduler jobs whose time
 *   or zone changed, and the jobs use the latest settings read, so changes made in chat apply
 *   without a restart.
 *
 * Times are UTC epoch ms from `clock`; schedules are read in each team's IANA zone by the rule of
 * src/domain/schedule.ts (a time in a skipped hour runs when the clock jumps; a repeated time runs
 * at its first occurrence).
 */
export function createScheduleRunner(deps: ScheduleRunnerDeps) {
  const claimTtlMs = deps.claimTtlMs ?? 15 * MINUTE_MS;
  const doneTtlMs = deps.doneTtlMs ?? 8 * DAY_MS;
  const retryAfterMs = deps.retryAfterMs ?? 10 * MINUTE_MS;
  const reminderGraceMs = deps.reminderGraceMs ?? 6 * HOUR_MS;
  const listTeams = deps.listTeams ?? (() => deps.store.listTeams());
  const reminders = deps.reminders ?? teamReminder;
  const logger = deps.logger.child({ component: "schedule" });

  /** Latest settings per team key, as read by the last refresh. */
  let teams = new Map<string, TeamSettings>();
  /** Scheduler job id → the `cron@zone` it was set with. */
  const scheduled = new Map<string, string>();
  /** Lease name → until when (UTC ms) this runner knows the job is done. */
  const done = new Map<string, number>();
  /** Lease name → until when (UTC ms) this runner leaves a failed job alone. */
  const failed = new Map<string, number>();
  /** Lease name → the job call in progress here. */
  const inFlight = new Map<string, Promise<JobResult>>();
  /** Sweeps and fires in progress, for idle() and stop(). */
  const running = new Set<Promise<unknown>>();
  /** Teams whose bad settings were already logged, by `teamKey|signature`. */
  const warned = new Set<string>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;

  function track<T>(promise: Promise<T>): Promise<T> {
    running.add(promise);
    void promise.finally(() => running.delete(promise)).catch(() => undefined);
    return promise;
  }

  /**
   * Claims, runs and records one job. `work` runs only for the claim's winner and resolves with
   * what goes into the result, or with a skip reason when the job cannot be done now after all
   * (then the claim is released and nothing is remembered). Never rejects.
   */
  function runJob(
    job: JobKind,
    team: TeamSettings,
    window: WeekWindow,
    work: () => Promise<{ outcome: DraftOutcome | undefined; posted: boolean } | SkipReason>,
  ): Promise<JobResult> {
    const week = formatWeekKey(window.key);
    const name = leaseName(job, team, week);
    const skipped = (reason: SkipReason): JobResult => ({ status: "skipped", job, week, reason });
    if (stopped) {
      return Promise.resolve(skipped("stopped"));
    }
    const now = deps.clock.now();
    if ((done.get(name) ?? 0) > now) {
      return Promise.resolve(skipped("done_before"));
    }
    if (inFlight.has(name)) {
      return Promise.resolve(skipped("in_progress"));
    }
    if (!team.reviewChannel) {
      return Promise.resolve(skipped("no_review_channel"));
    }
    if ((failed.get(name) ?? 0) > now) {
      return Promise.resolve(skipped("backing_off"));
    }
    const key: WeeknoteKey = { workspace: team.workspace, team: team.team, week };
    const fields = { workspace: team.workspace, team: team.team, week, job };
    const markDone = async (): Promise<void> => {
      const at = deps.clock.now();
      done.set(name, at + doneTtlMs);
      if (!(await deps.store.acquireLease(name, deps.holder, at, doneTtlMs))) {
        logger.warn(fields, "job finished after its claim expired and another process took it");
      }
    };

    const call = (async (): Promise<JobResult> => {
      try {
        if (await deps.store.getWeeknote(key)) {
          done.set(name, now + doneTtlMs);
          return skipped("weeknote_exists");
        }
        if (!(await deps.store.acquireLease(name, deps.holder, deps.clock.now(), claimTtlMs))) {
          logger.debug(fields, "job claimed by another process");
          return skipped("claimed_elsewhere");
        }
      } catch (error) {
        // Nothing claimed: the next sweep tries again.
        const code = errorCode(error);
        logger.error({ ...fields, code, err: error }, `could not claim scheduled ${job}`);
        return { status: "failed", job, week, code };
      }
      try {
        // A crashed or slow winner may have drafted before its claim ran out.
        if (await deps.store.getWeeknote(key)) {
          await markDone();
          return skipped("weeknote_exists");
        }
        const result = await work();
        if (typeof result === "string") {
          await deps.store.releaseLease(name, deps.holder);
          return skipped(result);
        }
        await markDone();
        logger.info(
          { ...fields, outcome: result.outcome?.kind, posted: result.posted },
          `scheduled ${job} done`,
        );
        return { status: "done", job, week, ...result };
      } catch (error) {
        const code = errorCode(error);
        failed.set(name, deps.clock.now() + retryAfterMs);
        logger.error({ ...fields, code, err: error }, `scheduled ${job} failed`);
        try {
          await deps.store.releaseLease(name, deps.holder);
        } catch (releaseError) {
          // The claim then expires after claimTtlMs instead.
          logger.warn({ ...fields, code: errorCode(releaseError) }, "could not release a failed job's claim");
        }
        return { status: "failed", job, week, code };
      }
    })().finally(() => inFlight.delete(name));
    inFlight.set(name, call);
    return track(call);
  }

  /**
   * Drafts `team`'s note of `week` once (see the runner's claim rules) and posts it for review.
   * Never throws: a failure is logged, its claim released, and returned as `failed`.
   */
  function runDraftJob(team: TeamSettings, week: WeekKey | WeekWindow): Promise<JobResult> {
    const window = toWindow(week, team.timezone);
    return runJob("draft", team, window, async () => {
      const name = leaseName("draft", team, formatWeekKey(window.key));
      // A winner that was slow rather than dead must not overwrite the draft of the process that
      // took its expired claim over: it renews the claim before storing, or gives up.
      const beforeSave = () => deps.store.acquireLease(name, deps.holder, deps.clock.now(), claimTtlMs);
      const outcome = await deps.draft(team, window, { beforeSave });
      return outcome.kind === "no_review_channel" ? "no_review_channel" : { outcome, posted: false };
    });
  }

  /**
   * Reminds `team` once for `week`: when nothing is tagged in the week yet, posts "nothing tagged
   * yet" to its review channel; otherwise posts nothing. Skipped when the week already has a
   * weeknote. Claimed exactly once like a draft. Never throws.
   */
  function runReminderJob(team: TeamSettings, week: WeekKey | WeekWindow): Promise<JobResult> {
    const window = toWindow(week, team.timezone);
    return runJob("reminder", team, window, async () => {
      const channel = team.reviewChannel;
      if (!channel) {
        return "no_review_channel";
      }
      const highlights = await teamHighlights(deps.store, team, window);
      if (highlights.length > 0) {
        return { outcome: undefined, posted: false };
      }
      await deps.chat.postText(team.workspace, channel, reminderText(team, window, deps.clock.now()));
      return { outcome: undefined, posted: true };
    });
  }

  /** Runs every due job of the given teams; see catchUp. */
  async function catchUpTeams(list: readonly TeamSettings[]): Promise<JobResult[]> {
    const now = deps.clock.now();
    for (const memo of [done, failed]) {
      for (const [name, until] of memo) {
        if (until <= now) {
          memo.delete(name);
        }
      }
    }
    const perTeam = await Promise.all(
      list.map(async (team): Promise<JobResult[]> => {
        const results: JobResult[] = [];
        try {
          const draft = dueDraft(team, now);
          if (draft) {
            results.push(await runDraftJob(team, draft.window));
          } else {
            const reminder = dueReminder(team, now);
            if (reminder) {
              results.push(await runReminderJob(team, reminder));
            }
          }
        } catch (error) {
          warnBadSettings(team, error);
        }
        return results;
      }),
    );
    return perTeam.flat();
  }

  /** This week's reminder window when it is due: past its time, within the grace, before the draft. */
  function dueReminder(team: TeamSettings, now: number): WeekWindow | undefined {
    const schedule = reminders(team);
    if (!schedule) {
      return undefined;
    }
    const due = dueWeekly(schedule, team.timezone, now);
    return due && now < due.dueAtMs + reminderGraceMs ? due.window : undefined;
  }

  /**
   * Runs, for every team, the draft of the current week when its time has passed (in the team's
   * zone) without a weeknote, and a reminder whose time passed less than `reminderGraceMs` ago
   * while the draft is not yet due. Call at start-up (start() does, then every tick). Resolves when
   * the jobs it started have ended; never throws on a job's failure.
   * @throws BotError `store.*` when the teams cannot be read.
   */
  async function catchUp(): Promise<JobResult[]> {
    return catchUpTeams(await listTeams());
  }

  /**
   * Re-reads the teams and brings the scheduler's jobs in line: sets the jobs of new teams and of
   * teams whose time, zone or reminder changed, removes those of teams gone, leaves the rest
   * running. Jobs already set pick up other setting changes (channels, approvers) at once.
   * Call periodically (start() does) and after a team's settings change.
   * @throws BotError `store.*` when the teams cannot be read.
   */
  async function refresh(): Promise<readonly TeamSettings[]> {
    const list = await listTeams();
    if (stopped) {
      return list;
    }
    teams = new Map(list.map((team) => [teamKey(team), team]));
    const wanted = new Map<
      string,
      { schedule: DraftSchedule; timezone: string; job: JobKind; key: string }
    >();
    for (const team of list) {
      const key = teamKey(team);
      const jobs: [JobKind, DraftSchedule | undefined][] = [
        ["draft", team.draftSchedule],
        ["reminder", reminders(team)],
      ];
      for (const [job, schedule] of jobs) {
        if (!schedule) {
          continue;
        }
        try {
          assertScheduleIn(schedule, team.timezone);
          wanted.set(`${job}:${key}`, { schedule, timezone: team.timezone, job, key });
        } catch (error) {
          warnBadSettings(team, error);
        }
      }
    }
    const scheduler = deps.scheduler;
    if (!scheduler) {
      return list;
    }
    for (const id of [...scheduled.keys()]) {
      if (!wanted.has(id)) {
        scheduler.remove(id);
        scheduled.delete(id);
      }
    }
    for (const [id, want] of wanted) {
      const signature = `${cronExpression(want.schedule)}@${want.timezone}`;
      if (scheduled.get(id) === signature) {
        continue;
      }
      scheduler.set({
        id,
        schedule: want.schedule,
        timezone: want.timezone,
        run: (scheduledAtMs) => fire(want.job, want.key, scheduledAtMs),
      });
      scheduled.set(id, signature);
    }
    return list;
  }

  /** A scheduler firing: the job of the week holding the scheduled instant in the team's zone. */
  async function fire(job: JobKind, key: string, scheduledAtMs: number): Promise<void> {
    const team = teams.get(key);
    if (!team) {
      return;
    }
    const window = weekWindow(weekOf(scheduledAtMs, team.timezone), team.timezone);
    await (job === "draft" ? runDraftJob(team, window) : runReminderJob(team, window));
  }

  /** Refreshes, then sweeps for due work in the background; logs rather than throws. */
  async function tick(): Promise<void> {
    try {
      const list = await refresh();
      if (!stopped) {
        void track(catchUpTeams(list));
      }
    } catch (error) {
      logger.error({ code: errorCode(error), err: error }, "schedule refresh failed");
    }
  }

  function warnBadSettings(team: TeamSettings, error: unknown): void {
    const signature = `${teamKey(team)}|${JSON.stringify([team.timezone, team.draftSchedule])}`;
    if (!warned.has(signature)) {
      warned.add(signature);
      logger.warn(
        { workspace: team.workspace, team: team.team, code: errorCode(error) },
        "team has a schedule or time zone that cannot be used; not scheduled",
      );
    }
  }

  /** Resolves when every job and sweep started so far has ended. */
  async function idle(): Promise<void> {
    while (running.size > 0) {
      await Promise.allSettled([...running]);
    }
  }

  return {
    runDraftJob,
    runReminderJob,
    catchUp,
    refresh,
    idle,

    /**
     * Starts scheduling: a tick now (refresh, which sets the scheduler's jobs, then catch-up in
     * the background) and one every `tickEveryMs`. Resolves after the first refresh.
     */
    async start(options: ScheduleRunnerStartOptions = {}): Promise<void> {
      stopped = false;
      clearInterval(timer);
      timer = setInterval(() => void tick(), options.tickEveryMs ?? MINUTE_MS);
      timer.unref();
      await tick();
    },

    /** Stops the ticks and the scheduler's jobs, then waits for jobs in progress. Safe to call twice. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      deps.scheduler?.stop();
      scheduled.clear();
      await idle();
    },
  };
}

export type ScheduleRunner = ReturnType<typeof createScheduleRunner>;

/**
 * A team's reminder time from an optional `reminder: {weekday, hour, minute}` field of its stored
 * settings, for when TeamSettings gains one; undefined when there is none or it is not a schedule.
 */
export function teamReminder(team: TeamSettings): DraftSchedule | undefined {
  const value: unknown = (team as TeamSettings & { readonly reminder?: unknown }).reminder;
  if (typeof value !== "object" || value === null) {
    return undefined;
  }
  const { weekday, hour, minute } = value as Record<string, unknown>;
  return typeof weekday === "number" && typeof hour === "number" && typeof minute === "number"
    ? { weekday, hour, minute }
    : undefined;
}

/** The store lease that claims one job of one team's week. */
export function leaseName(
  job: JobKind,
  team: Pick<TeamSettings, "workspace" | "team">,
  week: string,
): string {
  return `schedule:${job}:${encodeURIComponent(team.workspace)}:${encodeURIComponent(team.team)}:${week}`;
}

function teamKey(team: Pick<TeamSettings, "workspace" | "team">): string {
  return `${encodeURIComponent(team.workspace)}:${encodeURIComponent(team.team)}`;
}

function toWindow(week: WeekKey | WeekWindow, zone: string): WeekWindow {
  return "startMs" in week && week.zone === zone
    ? week
    : weekWindow("startMs" in week ? week.key : week, zone);
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** The reminder's text: the week, the emoji to use and when the draft will be made (if still ahead). */
function reminderText(team: TeamSettings, window: WeekWindow, nowMs: number): string {
  const emoji = team.emoji.find(([, section]) => section === "highlights")?.[0] ?? "star";
  const { weekday, hour, minute } = team.draftSchedule;
  const draftAt = scheduledInstant(team.draftSchedule, window.key, team.timezone);
  const when =
    draftAt > nowMs
      ? ` before the draft on ${WEEKDAYS[weekday - 1] ?? "Friday"} at ${pad(hour)}:${pad(minute)}`
      : "";
  return `Nothing has been tagged for ${formatWeekKey(window.key)} yet. React with :${emoji}: to messages worth a mention in the weeknote${when}.`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : "unexpected";
}
