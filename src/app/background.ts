import { asBotError } from "../domain/errors.ts";
import type { Logger } from "../ports/logger.ts";

/**
 * Work started after an acknowledgement (SPEC §4: nothing slow in the ack path). Tracks each task
 * so a graceful stop can wait for them, and logs failures instead of losing them.
 */
export interface Background {
  /** Starts `task` now; never throws. */
  run(name: string, task: () => Promise<void>): void;
  /** Resolves when every task started so far has ended. */
  idle(): Promise<void>;
}

export function createBackground(logger: Logger): Background {
  const running = new Set<Promise<void>>();
  return {
    /** Starts `task` now; never throws. */
    run(name: string, task: () => Promise<void>): void {
      const promise = Promise.resolve()
        .then(task)
        .catch((error: unknown) => {
          logger.error({ task: name, code: asBotError(error).code, err: error }, "background task failed");
        })
        .finally(() => {
          running.delete(promise);
        });
      running.add(promise);
    },
    /** Resolves when every task started so far has ended. */
    async idle(): Promise<void> {
      while (running.size > 0) {
        await Promise.allSettled([...running]);
      }
    },
  };
}
