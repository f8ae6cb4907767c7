import { type InboxCommand, parseInboxCommand } from "../domain/inbox-command.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { InboxStore } from "../ports/store.ts";
import type { CommandResult, CommandResults } from "./command-results.ts";

/** How a recorded command is identified. */
export interface CommandMeta {
  /**
   * Unique per command within its workspace: the platform's event id when it has one (Slack
   * `event_id`, so a redelivery is recognised), else an id the adapter makes for the request.
   */
  readonly eventId: string;
  /** The id the request carries in the logs, from its acknowledgement to the worker. */
  readonly correlationId: string;
}

/**
 * Records what the bot was asked before the platform is answered (SPEC §3, §4: acknowledge only
 * what is durably recorded), then wakes the inbox worker.
 */
export interface CommandRecorder {
  /**
   * Checks and records `command`; a repeat of an event id already recorded is a `duplicate` and
   * changes nothing.
   * @throws BotError `store.invalid` when it is not a valid command; `store.*` when it cannot be
   *   recorded (then the platform must not be answered as if it was).
   */
  record(command: InboxCommand, meta: CommandMeta): Promise<"recorded" | "duplicate">;

  /**
   * Records `command` as {@link record} does, then waits up to `withinMs` ms for this process's
   * worker to carry it out (a Teams card action answers with the updated card). `result` is
   * undefined for a duplicate and when the command was not done in time (another replica, a
   * retry, a slow summariser): the platform then learns the outcome from the review message.
   * @throws as {@link record}.
   */
  recordAndWait(
    command: InboxCommand,
    meta: CommandMeta,
    withinMs: number,
  ): Promise<{ readonly recorded: "recorded" | "duplicate"; readonly result: CommandResult | undefined }>;
}

export function createCommandRecorder(deps: {
  readonly inbox: InboxStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called after a new command was recorded (the worker's kick). */
  readonly onRecorded: () => void;
  readonly results: CommandResults;
}): CommandRecorder {
  const recorder: CommandRecorder = {
    async recordAndWait(command, meta, withinMs) {
      const waiting = deps.results.wait(command.workspace, meta.eventId, withinMs);
      let recorded: "recorded" | "duplicate";
      try {
        recorded = await recorder.record(command, meta);
      } catch (error) {
        deps.results.settle(command.workspace, meta.eventId, { status: "failed", notice: undefined });
        await waiting;
        throw error;
      }
      if (recorded === "duplicate") {
        deps.results.settle(command.workspace, meta.eventId, { status: "done", notice: undefined });
        await waiting;
        return { recorded, result: undefined };
      }
      return { recorded, result: await waiting };
    },
    async record(command, meta) {
      const checked = parseInboxCommand(command);
      const result = await deps.inbox.recordEvent({
        workspace: checked.workspace,
        eventId: meta.eventId,
        kind: checked.kind,
        payload: checked,
        correlationId: meta.correlationId,
        receivedAtMs: deps.clock.now(),
      });
      deps.logger.info(
        { correlationId: meta.correlationId, eventId: meta.eventId, kind: checked.kind, result },
        "command recorded",
      );
      if (result === "recorded") {
        deps.onRecorded();
      }
      return result;
    },
  };
  return recorder;
}
