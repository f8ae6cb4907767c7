import { asBotError } from "../domain/errors.ts";
import type { Clock, Timers } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { InboxEvent, InboxOutcome, InboxStore } from "../ports/store.ts";
import { yieldToEventLoop } from "./yield.ts";

export interface InboxWorkerDeps {
  readonly inbox: InboxStore;
  /** Carries one event out; never throws (failures are outcomes). `logger` carries the event's correlation id. */
  readonly process: (event: InboxEvent, logger: Logger) => Promise<InboxOutcome>;
  readonly clock: Clock;
  readonly timers: Timers;
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
 *
 * It shares the event loop with the acknowledgements, so it works in bounded slices: after each
 * event (one claim's bookkeeping, one command carried out, its outcome written) it yields to the
 * event loop (yield.ts), and requests that arrived meanwhile are answered before the next event.
 * Without that, a batch whose store calls resolve at once (SQLite is synchronous underneath)
 * would run as one chain of microtasks and hold every acknowledgement until the batch ended.
 */
export interface InboxWorker {
  /** Processes everything due now; resolves with how many events it handled. */
  drain(): Promise<number>;
  /** Runs a round now, or right after the current one; resolves when that round has ended. */
  kick(): Promise<void>;
  start(): void;
  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void>;
}

export function createInboxWorker(deps: InboxWorkerDeps): InboxWorker {
  const leaseMs = deps.leaseMs ?? 60_000;
  const batch = deps.batch ?? 20;
  const pollMs = deps.pollMs ?? 1_000;
  const logger = deps.logger.child({ component: "inbox" });
  let cancelPoll: (() => void) | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  async function drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const events = await deps.inbox.claimEvents({
        nowMs: deps.clock.now(),
        limit: batch,
        leaseMs,
        holder: deps.holder,
      });
      if (events.length === 0) {
        return handled;
      }
      for (const event of events) {
        const eventLogger = logger.child({
          correlationId: event.correlationId,
          eventId: event.eventId,
          kind: event.kind,
        });
        const outcome = await deps.process(event, eventLogger);
        await deps.inbox.finishEvent(event.workspace, event.eventId, outcome);
        eventLogger.info({ status: outcome.status, attempts: event.attempts }, "event processed");
        handled += 1;
        await yieldToEventLoop(deps.timers);
      }
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) {
      return;
    }
    cancelPoll?.();
    cancelPoll = deps.timers.after(delayMs, () => void kick());
  }

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
          logger.error({ code: asBotError(error).code, err: error }, "inbox round failed");
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
    start() {
      stopped = false;
      void kick();
    },
    async stop() {
      stopped = true;
      cancelPoll?.();
      await running;
    },
  };
}
