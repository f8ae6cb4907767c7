import type { DraftSchedule } from "../domain/team.ts";

/** One weekly job as the scheduler runs it: a local time of a weekday, in an IANA time zone. */
export interface WeeklyJob {
  /** Stable and unique among the scheduler's jobs (say `draft:T0001:default`); re-setting it replaces it. */
  readonly id: string;
  /** ISO weekday 1–7 and local hour and minute. */
  readonly schedule: DraftSchedule;
  /** IANA zone the schedule is read in (the team's zone, never the host's). */
  readonly timezone: string;
  /**
   * Called at each firing with the instant the run was scheduled for (UTC epoch ms). The runner's
   * jobs never reject; a scheduler logs a rejection anyway rather than lose it.
   */
  readonly run: (scheduledAtMs: number) => Promise<void>;
}

/**
 * Fires weekly jobs on time (SPEC §6). The app sees only this; adapters/cron/node-cron-scheduler.ts
 * implements it with node-cron. A scheduler only fires: claiming (exactly once across replicas),
 * catching up and daylight-saving rules are the schedule runner's (src/app/run-schedule.ts).
 */
export interface Scheduler {
  /** Starts `job`, replacing (stopping) the job with the same id if there is one. */
  set(job: WeeklyJob): void;
  /** Stops and forgets job `id`; nothing when there is none. */
  remove(id: string): void;
  /** The ids of the jobs set and not removed. */
  ids(): string[];
  /** Stops every job; no job fires after it returns. Safe to call twice. */
  stop(): void;
}
