import { asBotError } from "../../src/domain/errors.ts";
import type { Timers } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";

/**
 * Runs publishing jobs in the background, one at a time per key, retrying a failed one after
 * each of `delaysMs` in turn (through the injected Timers: tests never sleep). A job asked for
 * again while it runs runs once more afterwards (the store may have changed meanwhile); asked for
 * while it waits to retry, it runs now instead.
 */
export interface RetryQueue {
  /** Runs `job` under `key` now or after the one running; never throws. */
  run(key: string, job: () => Promise<void>): void;
  /** Whether a job under `key` is running or waiting to retry. */
  has(key: string): boolean;
  /** Resolves when no job is running (retries waiting on a timer do not count). */
  idle(): Promise<void>;
  /** Cancels waiting retries, refuses new jobs, and waits for the running ones. */
  stop(): Promise<void>;
}

export interface RetryQueueOptions {
  /** What the jobs are, for logs: `blog`, `webhook`. */
  readonly name: string;
  readonly timers: Timers;
  readonly logger: Logger;
  /** Waits before the 1st, 2nd… retry, ms; a job that fails once more than there are delays is given up. */
  readonly delaysMs: readonly number[];
}

interface Slot {
  running: Promise<void> | undefined;
  again: (() => Promise<void>) | undefined;
  attempt: number;
  cancelRetry: (() => void) | undefined;
}

export function createRetryQueue(options: RetryQueueOptions): RetryQueue {
  const slots = new Map<string, Slot>();
  let stopped = false;

  function start(key: string, slot: Slot, job: () => Promise<void>): void {
    slot.running = (async () => {
      try {
        await job();
        slot.attempt = 0;
      } catch (error) {
        const failure = asBotError(error);
        const delay = options.delaysMs[slot.attempt];
        slot.attempt += 1;
        if (delay === undefined || stopped) {
          options.logger.error(
            { job: options.name, key, attempts: slot.attempt, code: failure.code },
            "publishing failed; giving up until the next approval or restart",
          );
          slot.attempt = 0;
        } else if (slot.again === undefined) {
          options.logger.warn(
            { job: options.name, key, attempt: slot.attempt, retryInMs: delay, code: failure.code },
            "publishing failed; will retry",
          );
          slot.cancelRetry = options.timers.after(delay, () => {
            slot.cancelRetry = undefined;
            enqueue(key, job);
          });
        }
      } finally {
        slot.running = undefined;
        const next = slot.again;
        slot.again = undefined;
        if (next && !stopped) {
          start(key, slot, next);
        } else if (!slot.cancelRetry) {
          slots.delete(key);
        }
      }
    })();
  }

  function enqueue(key: string, job: () => Promise<void>): void {
    if (stopped) return;
    let slot = slots.get(key);
    if (!slot) {
      slot = { running: undefined, again: undefined, attempt: 0, cancelRetry: undefined };
      slots.set(key, slot);
    }
    if (slot.running) {
      slot.again = job;
      return;
    }
    slot.cancelRetry?.();
    slot.cancelRetry = undefined;
    start(key, slot, job);
  }

  async function idle(): Promise<void> {
    for (;;) {
      const running = [...slots.values()].flatMap((s) => (s.running ? [s.running] : []));
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  return {
    run: enqueue,
    has: (key) => slots.has(key),
    idle,
    async stop() {
      stopped = true;
      for (const slot of slots.values()) {
        slot.cancelRetry?.();
        slot.cancelRetry = undefined;
        slot.again = undefined;
      }
      await idle();
    },
  };
}
