import cron, { type ScheduledTask } from "node-cron";
import { cronExpression } from "../../src/domain/schedule.ts";
import { assertTimeZone } from "../../src/domain/week.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { Scheduler, WeeklyJob } from "../../src/ports/scheduler.ts";

export type { Scheduler, WeeklyJob } from "../../src/ports/scheduler.ts";

export interface NodeCronSchedulerOptions {
  readonly logger: Logger;
}

/**
 * The {@link Scheduler} on node-cron 4 (SPEC §6): one in-process node-cron task per job, created
 * with `createTask(cronExpression(schedule), …, { timezone, name: id, noOverlap: true })`, so the
 * schedule is read on the job's IANA zone's wall clock whatever the host's `TZ`. node-cron reads
 * `Date` and `setTimeout`, so tests drive it with fake timers.
 *
 * On daylight-saving days node-cron 4 skips a time that falls in a spring-forward gap and fires a
 * time in a repeated autumn hour once, at its second occurrence; the schedule runner's catch-up
 * sweep and store claims make both days come out as exactly one run (src/domain/schedule.ts).
 * node-cron's own warnings (a missed execution when the event loop was blocked) go to `logger`.
 *
 * Host zone: node-cron 4.6 rounds "now" with `Date#setMilliseconds(0)`, which works in the
 * *host's* zone; while the host's own clock repeats an hour (Europe/London 01:00–02:00 GMT on the
 * last Sunday of October) that moves "now" an hour back, so a slot in that hour spins on zero-delay
 * timers until the hour ends and is then reported missed. The runner's sweep still runs such a
 * job once, but run the process with `TZ=UTC` to avoid the spin; `createNodeCronScheduler` logs a
 * warning when the host's zone has daylight saving.
 *
 * @throws BotError `input.bad_option` or `input.bad_timezone` from `set` on a bad schedule or zone.
 */
export function createNodeCronScheduler(options: NodeCronSchedulerOptions): Scheduler {
  const logger = options.logger.child({ component: "scheduler" });
  const tasks = new Map<string, ScheduledTask>();
  const hostZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (hostHasDaylightSaving()) {
    logger.warn(
      { hostZone },
      "the host's time zone has daylight saving, which node-cron mishandles in its repeated hour; run with TZ=UTC",
    );
  }
  const cronLogger = {
    info: (message: string) => logger.debug({}, message),
    warn: (message: string) => logger.warn({}, message),
    error: (message: string | Error, err?: Error) =>
      logger.error({ err: err ?? message }, typeof message === "string" ? message : "node-cron error"),
    debug: (message: string | Error) => logger.debug({}, String(message)),
  };

  function drop(id: string): void {
    const task = tasks.get(id);
    if (task) {
      tasks.delete(id);
      // destroy() stops the timer and takes the task out of node-cron's global registry.
      void task.destroy();
    }
  }

  return {
    set(job: WeeklyJob): void {
      const expression = cronExpression(job.schedule);
      assertTimeZone(job.timezone);
      drop(job.id);
      const task = cron.createTask(
        expression,
        async (context) => {
          try {
            await job.run(context.date.getTime());
          } catch (error) {
            logger.error({ job: job.id, err: error }, "scheduled job failed");
          }
        },
        { timezone: job.timezone, name: job.id, noOverlap: true, logger: cronLogger },
      );
      tasks.set(job.id, task);
      void task.start();
      logger.debug({ job: job.id, cron: expression, timezone: job.timezone }, "job scheduled");
    },

    remove(id: string): void {
      drop(id);
    },

    ids(): string[] {
      return [...tasks.keys()];
    },

    stop(): void {
      for (const id of [...tasks.keys()]) {
        drop(id);
      }
    },
  };
}

/** Whether the host's own zone (TZ) changes its UTC offset over this year. */
function hostHasDaylightSaving(): boolean {
  const year = new Date().getUTCFullYear();
  return (
    new Date(Date.UTC(year, 0, 1)).getTimezoneOffset() !== new Date(Date.UTC(year, 6, 1)).getTimezoneOffset()
  );
}
