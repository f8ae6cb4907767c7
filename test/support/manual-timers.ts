// A Clock and a Timers that move only when a test moves them: `advance` runs the timer callbacks
// that fall due on the way, in order, each at its own due time, so code that schedules its next
// call from inside a callback (the schedule runner's minute sweep, the inbox worker's poll) can be
// driven through days in a few milliseconds, without fake timers and without the wall clock.
// Nothing here imports vitest, so a plain child process can use it.

import type { Clock, Timers } from "../../src/ports/clock.ts";

export interface ManualTime {
  /** Reads the manual time; it moves only by advance() / advanceTo(). */
  readonly clock: Clock;
  /** Timers that run only inside advance() / advanceTo() / runDue(). */
  readonly timers: Timers;
  /** Now, UTC epoch ms (same as `clock.now()`). */
  now(): number;
  /**
   * Moves the clock forward to `target` (UTC epoch ms or an ISO instant). Each timer whose due
   * time is at or before `target` runs in due-time order (ties: the order they were set), with the
   * clock set to its due time first; after each callback `settle` is awaited, so the async work
   * the callback started (and the next timer it sets) is in place before the next one runs.
   * Timers set during the advance that fall due by `target` run too. The clock ends at `target`.
   * @throws Error when `target` is before now.
   */
  advanceTo(target: number | string): Promise<void>;
  /** advanceTo(now + ms). */
  advance(ms: number): Promise<void>;
  /**
   * The clock jumps to `target` at once, as for a machine waking from sleep: the timers that fell
   * due meanwhile then run late, all at `target`, in due-time order (with `settle` after each).
   * @throws Error when `target` is before now.
   */
  jumpTo(target: number | string): Promise<void>;
  /** Runs the timers due now (those set with 0 ms, say) without moving the clock. */
  runDue(): Promise<void>;
  /** How many timers are pending. */
  pending(): number;
  /** When the next pending timer is due (UTC epoch ms), or undefined when none is. */
  nextDueAt(): number | undefined;
  /** Replaces what is awaited after each callback (see advanceTo). */
  settleWith(settle: () => Promise<void>): void;
}

interface PendingTimer {
  readonly dueAt: number;
  readonly seq: number;
  readonly run: () => void;
}

/**
 * One turn of the event loop: every promise reaction queued so far has run, and so has any
 * `setImmediate` queued before. Enough for work that does no real I/O (the in-memory store, the
 * SQLite store, whose calls are synchronous underneath); pass a stronger `settle` otherwise
 * (a runner's `idle()`).
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Manual time starting at `start` (UTC epoch ms or an ISO instant). */
export function manualTime(
  start: number | string,
  options: { readonly settle?: () => Promise<void> } = {},
): ManualTime {
  let now = toMs(start);
  let settle = options.settle ?? nextTurn;
  let seq = 0;
  const pending: PendingTimer[] = [];

  function takeNextDue(limit: number): PendingTimer | undefined {
    let best = -1;
    for (let i = 0; i < pending.length; i += 1) {
      const timer = pending[i] as PendingTimer;
      const current = pending[best];
      if (
        timer.dueAt <= limit &&
        (!current ||
          timer.dueAt < current.dueAt ||
          (timer.dueAt === current.dueAt && timer.seq < current.seq))
      ) {
        best = i;
      }
    }
    return best < 0 ? undefined : pending.splice(best, 1)[0];
  }

  async function advanceTo(target: number | string): Promise<void> {
    const targetMs = toMs(target);
    if (targetMs < now) {
      throw new Error(
        `manualTime: cannot go back from ${new Date(now).toISOString()} to ${new Date(targetMs).toISOString()}`,
      );
    }
    for (let timer = takeNextDue(targetMs); timer; timer = takeNextDue(targetMs)) {
      now = Math.max(now, timer.dueAt);
      timer.run();
      await settle();
    }
    now = targetMs;
  }

  return {
    clock: { now: () => now },
    timers: {
      after(ms, run) {
        seq += 1;
        const timer: PendingTimer = { dueAt: now + Math.max(0, ms), seq, run };
        pending.push(timer);
        return () => {
          const index = pending.indexOf(timer);
          if (index >= 0) {
            pending.splice(index, 1);
          }
        };
      },
      // A real turn of the event loop: it takes no time, so manual time need not move for it.
      nextTurn,
    },
    now: () => now,
    advanceTo,
    advance: (ms) => advanceTo(now + ms),
    async jumpTo(target) {
      const targetMs = toMs(target);
      if (targetMs < now) {
        throw new Error(`manualTime: cannot go back to ${new Date(targetMs).toISOString()}`);
      }
      now = targetMs;
      await advanceTo(targetMs);
    },
    runDue: () => advanceTo(now),
    pending: () => pending.length,
    nextDueAt: () => (pending.length === 0 ? undefined : Math.min(...pending.map((t) => t.dueAt))),
    settleWith(next) {
      settle = next;
    },
  };
}

function toMs(at: number | string): number {
  const ms = typeof at === "number" ? at : Date.parse(at);
  if (!Number.isFinite(ms)) {
    throw new Error(`manualTime: ${String(at)} is not an instant`);
  }
  return ms;
}
