import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { InboxEvent, InboxOutcome, Store } from "../ports/store.ts";

export interface InboxWorkerDeps {
  readonly store: Store;
  readonly process: (event: InboxEvent) => Promise<InboxOutcome>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This process's name in leases, unique per process. */
  readonly holder: string;
  /** How long a claim lasts before another process may take the event over, ms. Default 60 000. */
  readonly leaseMs?: number;
  /** Events claimed per round. Default 20. */
  readonly batch?: number;
  /** Poll interval when idle, ms (catches retries that fall due). Default 1 000. */
  readonly pollMs?: number;
}

/**
 * Works through the inbox in the background: claims due events, processes each, records the
 * outcome. Started at start-up it also resumes what a dead process left (its leases expire).
 * `kick()` wakes it at once after a new event was recorded.
 */
export function createInboxWorker(deps: InboxWorkerDeps) {
  const leaseMs = deps.leaseMs ?? 60_000;
  const batch = deps.batch ?? 20;
  const pollMs = deps.pollMs ?? 1_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  /** Processes everything due now; resolves with how many events it handled. */
  async function drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const events = await deps.store.claimEvents({
        nowMs: deps.clock.now(),
        limit: batch,
        leaseMs,
        holder: deps.holder,
      });
      if (events.length === 0) {
        return handled;
      }
      for (const event of events) {
        const outcome = await deps.process(event);
        await deps.store.finishEvent(event.workspace, event.eventId, outcome);
        handled += 1;
      }
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) {
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(() => void kick(), delayMs);
    timer.unref();
  }

  /** Runs a round now, or right after the current one. */
  function kick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await drain();
        } catch (error) {
          deps.logger.error({ err: error }, "inbox round failed");
        }
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
      schedule(pollMs);
    });
    return running;
  }

  return {
    drain,
    kick,
    start(): void {
      stopped = false;
      void kick();
    },
    /** Stops polling and waits for the round in progress. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export type InboxWorker = ReturnType<typeof createInboxWorker>;
