import { asBotError } from "../domain/errors.ts";
import type { DraftOutcome } from "../domain/outcomes.ts";
import { assertScheduleIn, dueDraft, dueWeekly, scheduledInstant } from "../domain/schedule.ts";
import type { TeamSettings } from "../domain/team.ts";
import { formatWeekKey, type WeekKey, type WeekWindow, weekWindow } from "../domain/week.ts";
import type { Weeknote } from "../domain/weeknote.ts";
import type { ChatRouter } from "../ports/chat.ts";
import type { Clock, Timers } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Lease, LeaseStore } from "../ports/store.ts";
import { type DraftWeeknote, type TeamHighlightSource, teamHighlights } from "./draft-weeknote.ts";
import { yieldToEventLoop } from "./yield.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The weekly jobs the runner knows. */
export type JobKind = "draft" | "reminder";

export interface ScheduleRunnerDeps extends TeamHighlightSource {
  readonly leases: LeaseStore;
  /** Every team to schedule, read afresh on each sweep (TeamDirectory.all). */
  readonly listTeams: () => Promise<readonly TeamSettings[]>;
  /** Drafts a team's week and posts it for review (createDraftWeeknote). */
  readonly draft: DraftWeeknote;
  /** Reminders are told to the review channel through the team's platform. */
  readonly chat: ChatRouter;
  /**
   * Called when a team's platform refused a post for good (BotError `platform.blocked`: the bot
   * was removed or blocked); the team should be marked inactive (TeamDirectory.markInactive), so
   * the next sweeps leave it alone.
   */
  readonly onBlocked?: (team: TeamSettings) => Promise<void>;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /** This process's name in leases, unique per process. */
  readonly holder: string;
  /**
   * How long a claim protects a job in progress, ms; when a winner crashes, another process takes
   * the job over after this. Default 15 minutes.
   */
  readonly claimTtlMs?: number;
  /** How long a finished job's claim is kept as a "done" marker, ms. Default 8 days. */
  readonly doneTtlMs?: number;
  /** After a job failed here, how long this process leaves it before trying again, ms. Default 10 minutes. */
  readonly retryAfterMs?: number;
  /** How long after its time a missed reminder is still worth sending, ms. Default 6 hours. */
  readonly reminderGraceMs?: number;
  /** How often the runner sweeps, ms; each sweep starts on a multiple of it (the minute). Default 60 000. */
  readonly tickEveryMs?: number;
  /**
   * How many teams' due jobs run at once, across sweeps. Default 8: a drafting team mostly waits
   * on the summariser and Slack, and a thousand teams due in the same minute must not start a
   * thousand drafts (and their database work) at once on the event loop that acknowledges events.
   */
  readonly sweepConcurrency?: number;
}

/** How many teams a sweep looks at (schedule arithmetic in each zone) between two yields. */
const TEAMS_PER_SLICE = 8;

/** Why a job call did no work. */
export type SkipReason =
  /** The week already has a weeknote: decided, or a draft whose review was posted. */
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
  /** This process lost its claim while it worked: another took the job over. */
  | "taken_over"
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

/**
 * Runs the weekly jobs of every team exactly once per (workspace, team, week, job) across
 * processes and replicas (SPEC §6, CASES C13, C14), from a sweep every minute.
 *
 * - **Sweep.** Every `tickEveryMs` (on the minute) the runner reads the teams and runs, for each,
 *   the draft of the current week once its time has passed in the team's zone, or a reminder whose
 *   time passed less than `reminderGraceMs` ago while the draft is not yet due. The first sweep at
 *   start() is the catch-up after downtime. Schedules are read in each team's IANA zone by the
 *   rule of src/domain/schedule.ts (a time in a skipped hour runs when the clock jumps; a repeated
 *   time runs at its first occurrence), so the host's time zone never matters. node-cron is not
 *   used: under a host zone with daylight saving it spins through the repeated autumn hour, and the
 *   sweep already gives everything it gave.
 * - **Claim.** A job first looks for the week's weeknote (decided, or a draft already posted for
 *   review: nothing to do), then claims the lease `schedule:<job>:<workspace>:<team>:<week>` for
 *   `claimTtlMs`. Only the winner works, and its writes are fenced by the lease's token: a winner
 *   paused past its claim, whose job another process took over, stores and posts nothing. On
 *   success the lease is kept for `doneTtlMs` as a done marker; on failure it is released so a
 *   retry can run; a winner that crashes leaves it to expire.
 * - **Settings** changed in chat apply at the next sweep; `refresh()` sweeps at once.
 * - **Off the acknowledgement path.** A sweep yields to the event loop (yield.ts) every
 *   TEAMS_PER_SLICE teams it looks at and before each job it starts, and at most
 *   `sweepConcurrency` teams' jobs run at once (the others wait their turn, in list order), so a
 *   thousand teams due in one minute never hold the event loop for more than one slice.
 *
 * Times are UTC epoch ms from `clock`.
 */
export interface ScheduleRunner {
  /** Drafts `team`'s note of `week` once (see the claim rules) and posts it for review. Never throws. */
  runDraftJob(team: TeamSettings, week: WeekKey | WeekWindow): Promise<JobResult>;
  /** Reminds `team` once for `week` when nothing is tagged yet. Never throws. */
  runReminderJob(team: TeamSettings, week: WeekKey | WeekWindow): Promise<JobResult>;
  /**
   * One sweep: every due job of every team. Resolves when the jobs it started have ended.
   * @throws BotError `store.*` when the teams cannot be read.
   */
  catchUp(): Promise<JobResult[]>;
  /** Sweeps now in the background (after settings changed); logs rather than throws. */
  refresh(): void;
  /** Resolves when every job and sweep started so far has ended. */
  idle(): Promise<void>;
  /** Starts sweeping: one sweep now (resolved when its teams are read), then one on every tick. */
  start(): Promise<void>;
  /** Stops the sweeps and waits for jobs in progress. Safe to call twice. */
  stop(): Promise<void>;
}

export function createScheduleRunner(deps: ScheduleRunnerDeps): ScheduleRunner {
  const claimTtlMs = deps.claimTtlMs ?? 15 * MINUTE_MS;
  const doneTtlMs = deps.doneTtlMs ?? 8 * DAY_MS;
  const retryAfterMs = deps.retryAfterMs ?? 10 * MINUTE_MS;
  const reminderGraceMs = deps.reminderGraceMs ?? 6 * HOUR_MS;
  const tickEveryMs = deps.tickEveryMs ?? MINUTE_MS;
  const sweepConcurrency = Math.max(1, deps.sweepConcurrency ?? 8);
  const logger = deps.logger.child({ component: "schedule" });

  /** Lease name → until when (UTC ms) this runner knows the job is done. */
  const done = new Map<string, number>();
  /** Lease name → until when (UTC ms) this runner leaves a failed job alone. */
  const failed = new Map<string, number>();
  /** Lease name → the job call in progress here. */
  const inFlight = new Map<string, Promise<JobResult>>();
  /** Sweeps and jobs in progress, for idle() and stop(). */
  const running = new Set<Promise<unknown>>();
  /** Teams whose bad settings were already logged, by `teamKey|signature`. */
  const warned = new Set<string>();
  let cancelTick: (() => void) | undefined;
  let stopped = false;
  let started = false;
  /** Teams' jobs running now (at most sweepConcurrency), and those waiting for a place. */
  let active = 0;
  const waiting: (() => void)[] = [];

  /** Runs `work` when fewer than sweepConcurrency teams' jobs run, after a yield. */
  async function inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (active >= sweepConcurrency) {
      await new Promise<void>((place) => waiting.push(place));
    } else {
      active += 1;
    }
    try {
      await yieldToEventLoop(deps.timers);
      return await work();
    } finally {
      // The place passes straight to the next waiting team, or is given back.
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    running.add(promise);
    void promise.finally(() => running.delete(promise)).catch(() => undefined);
    return promise;
  }

  /**
   * Claims, runs and records one job. `work` runs only for the claim's winner, with its lease, and
   * resolves with what goes into the result, or with a skip reason when the job cannot be done
   * after all (then the claim is released and nothing is remembered). Never rejects.
   */
  function runJob(
    job: JobKind,
    team: TeamSettings,
    window: WeekWindow,
    finished: (weeknote: Weeknote) => boolean,
    work: (lease: Lease) => Promise<{ outcome: DraftOutcome | undefined; posted: boolean } | SkipReason>,
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
    const key = { workspace: team.workspace, team: team.team, week };
    const fields = { workspace: team.workspace, team: team.team, week, job };
    const isFinished = async () => {
      const weeknote = await deps.weeknotes.getWeeknote(key);
      return weeknote !== undefined && finished(weeknote);
    };
    const markDone = async (): Promise<void> => {
      const at = deps.clock.now();
      done.set(name, at + doneTtlMs);
      if (!(await deps.leases.acquireLease(name, deps.holder, at, doneTtlMs))) {
        logger.warn(fields, "job finished after its claim expired and another process took it");
      }
    };

    const call = (async (): Promise<JobResult> => {
      let lease: Lease | undefined;
      try {
        if (await isFinished()) {
          done.set(name, now + doneTtlMs);
          return skipped("weeknote_exists");
        }
        lease = await deps.leases.acquireLease(name, deps.holder, deps.clock.now(), claimTtlMs);
        if (!lease) {
          logger.debug(fields, "job claimed by another process");
          return skipped("claimed_elsewhere");
        }
      } catch (error) {
        // Nothing claimed: the next sweep tries again.
        const code = asBotError(error).code;
        logger.error({ ...fields, code, err: error }, `could not claim scheduled ${job}`);
        return { status: "failed", job, week, code };
      }
      try {
        // A crashed or slow winner may have finished before its claim ran out.
        if (await isFinished()) {
          await markDone();
          return skipped("weeknote_exists");
        }
        const result = await work(lease);
        if (result === "taken_over") {
          // The lease is another process's now: nothing to release or mark.
          return skipped(result);
        }
        if (typeof result === "string") {
          await deps.leases.releaseLease(lease);
          return skipped(result);
        }
        await markDone();
        logger.info(
          { ...fields, outcome: result.outcome?.kind, posted: result.posted },
          `scheduled ${job} done`,
        );
        return { status: "done", job, week, ...result };
      } catch (error) {
        const failure = asBotError(error);
        const code = failure.code;
        // A platform that said when to come back (Retry-After) is not asked again before then.
        failed.set(name, deps.clock.now() + Math.max(retryAfterMs, failure.retryAfterMs ?? 0));
        logger.error({ ...fields, code, err: error }, `scheduled ${job} failed`);
        if (code === "platform.blocked") {
          await deps
            .onBlocked?.(team)
            .catch((markError: unknown) =>
              logger.warn(
                { ...fields, code: asBotError(markError).code },
                "could not mark the team inactive",
              ),
            );
        }
        try {
          await deps.leases.releaseLease(lease);
        } catch (releaseError) {
          // The claim then expires after claimTtlMs instead.
          logger.warn(
            { ...fields, code: asBotError(releaseError).code },
            "could not release a failed job's claim",
          );
        }
        return { status: "failed", job, week, code };
      }
    })().finally(() => inFlight.delete(name));
    inFlight.set(name, call);
    return track(call);
  }

  function runDraftJob(team: TeamSettings, week: WeekKey | WeekWindow): Promise<JobResult> {
    const window = toWindow(week, team.timezone);
    // A draft whose review was never posted (its process died in between) is not finished.
    const finished = (w: Weeknote) => w.status !== "draft" || w.review !== undefined;
    return runJob("draft", team, window, finished, async (lease) => {
      const renew = async () =>
        (await deps.leases.renewLease(lease, deps.clock.now(), claimTtlMs)) !== undefined;
      const outcome = await deps.draft(team, window, { lease: { fence: lease, renew }, settleInbox: true });
      // in_progress: a requested draft of the week holds its claim; release ours, the next sweep
      // finds its review posted.
      if (
        outcome.kind === "no_review_channel" ||
        outcome.kind === "taken_over" ||
        outcome.kind === "in_progress"
      ) {
        return outcome.kind;
      }
      return { outcome, posted: false };
    });
  }

  function runReminderJob(team: TeamSettings, week: WeekKey | WeekWindow): Promise<JobResult> {
    const window = toWindow(week, team.timezone);
    return runJob(
      "reminder",
      team,
      window,
      () => true,
      async (lease) => {
        const channel = team.reviewChannel;
        if (!channel) {
          return "no_review_channel";
        }
        if ((await teamHighlights(deps, team, window)).length > 0) {
          return { outcome: undefined, posted: false };
        }
        // A reminder cannot be taken back: only the claim's current holder posts it.
        if (!(await deps.leases.renewLease(lease, deps.clock.now(), claimTtlMs))) {
          return "taken_over";
        }
        const draftAtMs = scheduledInstant(team.draftSchedule, window.key, team.timezone);
        await deps.chat.for(team.platform).tell(
          team.workspace,
          { conversationId: channel },
          {
            kind: "reminder",
            team,
            week: formatWeekKey(window.key),
            draftAtMs: draftAtMs > deps.clock.now() ? draftAtMs : undefined,
          },
        );
        return { outcome: undefined, posted: true };
      },
    );
  }

  async function sweep(list: readonly TeamSettings[]): Promise<JobResult[]> {
    const now = deps.clock.now();
    for (const memo of [done, failed]) {
      for (const [name, until] of memo) {
        if (until <= now) {
          memo.delete(name);
        }
      }
    }
    const jobs: Promise<JobResult>[] = [];
    for (const [index, team] of list.entries()) {
      if (index % TEAMS_PER_SLICE === TEAMS_PER_SLICE - 1) {
        await yieldToEventLoop(deps.timers);
      }
      if (team.inactive) {
        // The platform refused its posts for good; the bot hearing from it again clears this.
        continue;
      }
      try {
        assertScheduleIn(team.draftSchedule, team.timezone);
        const draft = dueDraft(team, now);
        if (draft) {
          jobs.push(inTurn(() => runDraftJob(team, draft.window)));
          continue;
        }
        const reminder = dueReminder(team, now);
        if (reminder) {
          jobs.push(inTurn(() => runReminderJob(team, reminder)));
        }
      } catch (error) {
        warnBadSettings(team, error);
      }
    }
    const perTeam = await Promise.all(jobs);
    return perTeam;
  }

  /** This week's reminder window when it is due: past its time, within the grace, before the draft. */
  function dueReminder(team: TeamSettings, now: number): WeekWindow | undefined {
    if (!team.reminder) {
      return undefined;
    }
    assertScheduleIn(team.reminder, team.timezone);
    const due = dueWeekly(team.reminder, team.timezone, now);
    return due && now < due.dueAtMs + reminderGraceMs ? due.window : undefined;
  }

  async function catchUp(): Promise<JobResult[]> {
    return sweep(await deps.listTeams());
  }

  /** Reads the teams, then sweeps in the background; logs rather than throws. */
  async function tick(): Promise<void> {
    try {
      const list = await deps.listTeams();
      if (!stopped) {
        void track(sweep(list));
      }
    } catch (error) {
      logger.error({ code: asBotError(error).code, err: error }, "could not read the teams to schedule");
    }
  }

  function scheduleTick(): void {
    if (stopped) {
      return;
    }
    // On the minute, so a draft due at 14:00 runs within a second or so of it.
    const delay = tickEveryMs - (deps.clock.now() % tickEveryMs);
    cancelTick = deps.timers.after(delay, () => {
      void track(tick()).finally(scheduleTick);
    });
  }

  function warnBadSettings(team: TeamSettings, error: unknown): void {
    const signature = `${team.workspace}:${team.team}|${JSON.stringify([team.timezone, team.draftSchedule, team.reminder])}`;
    if (!warned.has(signature)) {
      warned.add(signature);
      logger.warn(
        { workspace: team.workspace, team: team.team, code: asBotError(error).code },
        "team has a schedule or time zone that cannot be used; not scheduled",
      );
    }
  }

  async function idle(): Promise<void> {
    while (running.size > 0) {
      await Promise.allSettled([...running]);
    }
  }

  return {
    runDraftJob,
    runReminderJob,
    catchUp,
    idle,

    refresh() {
      if (started && !stopped) {
        void track(tick());
      }
    },

    async start() {
      stopped = false;
      started = true;
      cancelTick?.();
      await track(tick());
      scheduleTick();
    },

    async stop() {
      stopped = true;
      cancelTick?.();
      cancelTick = undefined;
      await idle();
    },
  };
}

/** The store lease that claims one job of one team's week. */
export function leaseName(
  job: JobKind,
  team: Pick<TeamSettings, "workspace" | "team">,
  week: string,
): string {
  return `schedule:${job}:${encodeURIComponent(team.workspace)}:${encodeURIComponent(team.team)}:${week}`;
}

function toWindow(week: WeekKey | WeekWindow, zone: string): WeekWindow {
  return "startMs" in week && week.zone === zone
    ? week
    : weekWindow("startMs" in week ? week.key : week, zone);
}
