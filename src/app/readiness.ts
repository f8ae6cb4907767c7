import type { Clock } from "../ports/clock.ts";
import type { InboxStore } from "../ports/store.ts";

/** Default age of the oldest waiting inbox event past which the bot is not ready: 5 minutes. */
export const DEFAULT_INBOX_STUCK_AFTER_MS = 5 * 60_000;

/** What `/readyz` asks (issue 11 item 4), and the switch shutdown turns. */
export interface Readiness {
  /**
   * Resolves when this replica should get traffic: it is not shutting down, the store answers,
   * and the oldest waiting inbox event is younger than `stuckAfterMs` (a worker that stopped
   * moving, or a store that takes writes but not the worker's, leaves events waiting).
   * @throws Error "shutting down" or "inbox stuck: …"; the store's BotError when it does not answer.
   */
  check(): Promise<void>;
  /** From now on check() rejects: the load balancer stops sending before the server closes. */
  shutDown(): void;
  readonly shuttingDown: boolean;
}

export function createReadiness(deps: {
  readonly store: Pick<InboxStore, "inboxBacklog"> & { ping(): Promise<void> };
  readonly clock: Clock;
  /** Default {@link DEFAULT_INBOX_STUCK_AFTER_MS}. */
  readonly stuckAfterMs?: number;
}): Readiness {
  const stuckAfterMs = deps.stuckAfterMs ?? DEFAULT_INBOX_STUCK_AFTER_MS;
  let shuttingDown = false;
  return {
    get shuttingDown() {
      return shuttingDown;
    },
    shutDown() {
      shuttingDown = true;
    },
    async check() {
      if (shuttingDown) throw new Error("shutting down");
      await deps.store.ping();
      const now = deps.clock.now();
      const { pending, oldestReceivedAtMs } = await deps.store.inboxBacklog(now);
      if (oldestReceivedAtMs !== undefined && now - oldestReceivedAtMs > stuckAfterMs) {
        throw new Error(
          `inbox stuck: ${pending} events waiting, the oldest for ${Math.round((now - oldestReceivedAtMs) / 1000)} s`,
        );
      }
    },
  };
}
