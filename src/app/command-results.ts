import type { Notice } from "../domain/outcomes.ts";
import type { Timers } from "../ports/clock.ts";
import type { InboxOutcome } from "../ports/store.ts";

/** How one recorded command went, as the inbox worker of this process carried it out. */
export interface CommandResult {
  readonly status: InboxOutcome["status"];
  /** What the person who asked would be told (a decision's outcome with its new review view). */
  readonly notice: Notice | undefined;
}

/**
 * Hands the result of a command to a request still waiting for it in this process: a Teams card
 * action must be answered with the updated card within Teams' 5 s, after the decision was recorded
 * and carried out. Nothing is kept for commands nobody waits for; results of commands another
 * replica carries out never arrive (the waiter times out and the platform shows the result when
 * the review message is updated).
 */
export interface CommandResults {
  /**
   * Waits for the result of (workspace, eventId) for up to `withinMs` ms; register before the
   * command is recorded, since the worker may finish it at once.
   * @returns the result, or undefined when it did not come in time.
   */
  wait(workspace: string, eventId: string, withinMs: number): Promise<CommandResult | undefined>;
  /** Called by the worker's processing after each command. */
  settle(workspace: string, eventId: string, result: CommandResult): void;
}

export function createCommandResults(timers: Timers): CommandResults {
  const waiting = new Map<string, (result: CommandResult | undefined) => void>();
  const keyOf = (workspace: string, eventId: string) => JSON.stringify([workspace, eventId]);
  return {
    wait(workspace, eventId, withinMs) {
      const key = keyOf(workspace, eventId);
      return new Promise((resolve) => {
        const cancel = timers.after(withinMs, () => {
          waiting.delete(key);
          resolve(undefined);
        });
        waiting.set(key, (result) => {
          cancel();
          waiting.delete(key);
          resolve(result);
        });
      });
    },
    settle(workspace, eventId, result) {
      waiting.get(keyOf(workspace, eventId))?.(result);
    },
  };
}
