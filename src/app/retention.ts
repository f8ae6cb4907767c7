import { asBotError } from "../domain/errors.ts";
import type { EmojiAliases } from "../domain/sections.ts";
import type { TeamSettings } from "../domain/team.ts";
import { utcDay } from "../domain/utc-day.ts";
import { parseWeekKey, weekWindow } from "../domain/week.ts";
import type { Clock, Timers } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { HighlightStore, InboxStore, LeaseStore, WeeknoteStore } from "../ports/store.ts";
import { teamHighlights } from "./draft-weeknote.ts";
import { yieldToEventLoop } from "./yield.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long a finished inbox event is kept after it was received: 7 days. The event id is what
 * recognises the platform's retries of an event (Slack retries a delivery 3 times, over about an
 * hour; Teams and Graph redeliver within minutes), so it must outlive every retry; a week also
 * covers a weekend outage of the worker, whose retries of one event (up to a day when rate
 * limited) all need the row, and leaves operators a working week to look at a failure.
 */
export const INBOX_KEEP_MS = 7 * DAY_MS;

/** Most weeknotes of one team looked at in one run (ten years of weeks). */
const WEEKNOTES_PER_TEAM = 520;
/** Most highlight ids deleted in one store call (the port's limit). */
const IDS_PER_CALL = 1000;

/**
 * Teams looked at between two yields to the event loop (yield.ts): the run reads each team's
 * weeknotes, and a thousand teams' in one go held the event loop about 60 ms at a bot's start,
 * with Slack's events waiting behind it.
 */
const TEAMS_PER_SLICE = 8;

export interface RetentionDeps {
  readonly leases: LeaseStore;
  readonly highlights: HighlightStore;
  readonly weeknotes: WeeknoteStore;
  readonly inbox: InboxStore;
  readonly aliases: EmojiAliases;
  /** Every team (TeamDirectory.all). */
  readonly listTeams: () => Promise<readonly TeamSettings[]>;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /** This process's name in leases. */
  readonly holder: string;
  /** Days a decided week's raw highlights are kept after the decision (RETENTION_DAYS). */
  readonly retentionDays: number;
  /** How often the job looks whether today's run is done, ms. Default one hour. */
  readonly tickEveryMs?: number;
}

/** What one run did. */
export interface RetentionRun {
  readonly status: "done" | "done_before" | "claimed_elsewhere" | "failed";
  /** The UTC day it ran for, `2026-04-30`. */
  readonly day: string;
  /** Highlights deleted (their text, author, tags). */
  readonly highlights: number;
  /** Decided weeknotes whose highlights were deleted in this run. */
  readonly weeks: number;
  /** Finished inbox events purged. */
  readonly events: number;
  /** The BotError code of a failure. */
  readonly code?: string;
}

/**
 * The daily retention job (SPEC §7): once a UTC day, across every replica (the lease
 * `retention:<day>`, claimed like the weekly jobs of run-schedule.ts, kept two days as the day's
 * "done" marker), it
 * - deletes the highlights of every week whose note was approved or skipped at least
 *   `retentionDays` days ago: those its latest revision cites and those of the week the team's note
 *   is made from (teamHighlights). The weeknote itself, with its text, is kept. A week still in
 *   draft keeps its highlights. A highlight in a channel shared by two teams goes with the first
 *   team's decided week;
 * - purges finished inbox events received more than {@link INBOX_KEEP_MS} ago.
 * All times are UTC epoch ms from `clock`; the run starts at start() and then on every tick.
 */
export interface RetentionJob {
  /** Runs today's retention unless another process has (or this one did). Never throws. */
  runOnce(): Promise<RetentionRun>;
  /** Runs now, then looks again on every tick. */
  start(): Promise<void>;
  /** Stops ticking and waits for a run in progress. Safe to call twice. */
  stop(): Promise<void>;
}

export function createRetentionJob(deps: RetentionDeps): RetentionJob {
  const logger = deps.logger.child({ component: "retention" });
  const tickEveryMs = deps.tickEveryMs ?? HOUR_MS;
  const claimTtlMs = 30 * 60_000;
  let running: Promise<RetentionRun> | undefined;
  let cancelTick: (() => void) | undefined;
  let stopped = false;
  /** The UTC day this process last finished a run for. */
  let doneDay: string | undefined;

  async function purgeWeeks(nowMs: number): Promise<{ highlights: number; weeks: number }> {
    const cutoffMs = nowMs - deps.retentionDays * DAY_MS;
    let highlights = 0;
    let weeks = 0;
    const teams = await deps.listTeams();
    for (const [index, team] of teams.entries()) {
      if (index % TEAMS_PER_SLICE === TEAMS_PER_SLICE - 1) {
        await yieldToEventLoop(deps.timers);
      }
      const notes = await deps.weeknotes.listWeeknotes({
        workspace: team.workspace,
        team: team.team,
        limit: WEEKNOTES_PER_TEAM,
      });
      for (const note of notes) {
        if (note.status === "draft" || note.approval === undefined || note.approval.atMs > cutoffMs) {
          continue;
        }
        const window = weekWindow(parseWeekKey(note.week), team.timezone);
        const ids = new Set(note.revisions.flatMap((r) => r.highlightIds));
        for (const h of await teamHighlights(deps, team, window)) {
          ids.add(h.id);
        }
        const all = [...ids];
        let deleted = 0;
        for (let i = 0; i < all.length; i += IDS_PER_CALL) {
          deleted += await deps.highlights.removeHighlights(team.workspace, all.slice(i, i + IDS_PER_CALL));
        }
        if (deleted > 0) {
          highlights += deleted;
          weeks += 1;
        }
      }
    }
    return { highlights, weeks };
  }

  async function run(): Promise<RetentionRun> {
    const nowMs = deps.clock.now();
    const day = utcDay(nowMs);
    const name = `retention:${day}`;
    const empty = { day, highlights: 0, weeks: 0, events: 0 };
    if (doneDay === day) {
      return { status: "done_before", ...empty };
    }
    let lease: Awaited<ReturnType<LeaseStore["acquireLease"]>>;
    try {
      lease = await deps.leases.acquireLease(name, deps.holder, nowMs, claimTtlMs);
    } catch (error) {
      const code = asBotError(error).code;
      logger.error({ code, err: error }, "could not claim the retention run");
      return { status: "failed", ...empty, code };
    }
    if (lease === undefined) {
      return { status: "claimed_elsewhere", ...empty };
    }
    try {
      const purged = await purgeWeeks(nowMs);
      const events = await deps.inbox.purgeInbox(nowMs - INBOX_KEEP_MS);
      // Kept two days as the day's "done" marker, so no other replica runs it again today.
      await deps.leases.renewLease(lease, deps.clock.now(), 2 * DAY_MS);
      doneDay = day;
      logger.info({ day, ...purged, events }, "retention done");
      return { status: "done", day, ...purged, events };
    } catch (error) {
      const code = asBotError(error).code;
      logger.error({ day, code, err: error }, "retention failed; the next tick tries again");
      await deps.leases.releaseLease(lease).catch(() => undefined);
      return { status: "failed", ...empty, code };
    }
  }

  function runOnce(): Promise<RetentionRun> {
    if (running === undefined) {
      running = run().finally(() => {
        running = undefined;
      });
    }
    return running;
  }

  function scheduleTick(): void {
    if (stopped) return;
    cancelTick = deps.timers.after(tickEveryMs, () => {
      void runOnce().finally(scheduleTick);
    });
  }

  return {
    runOnce,
    async start() {
      stopped = false;
      await runOnce();
      scheduleTick();
    },
    async stop() {
      stopped = true;
      cancelTick?.();
      cancelTick = undefined;
      await running;
    },
  };
}
