import { asBotError, type BotError, isBotError } from "../domain/errors.ts";
import { type InboxCommand, parseInboxCommand, type Recipient } from "../domain/inbox-command.ts";
import type { Platform } from "../domain/message-ref.ts";
import type { Notice } from "../domain/outcomes.ts";
import type { ChatRouter } from "../ports/chat.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { InboxEvent, InboxOutcome } from "../ports/store.ts";
import type { Capture } from "./capture.ts";
import type { CommandResult } from "./command-results.ts";
import type { ConfigureTeam } from "./configure-team.ts";
import type { DecideDraft, DecisionRequest } from "./decide-draft.ts";
import type { RequestDraft } from "./request-draft.ts";
import type { TeamDirectory } from "./teams.ts";

export interface ProcessCommandDeps {
  readonly capture: Capture;
  readonly decide: DecideDraft;
  readonly configure: ConfigureTeam;
  readonly requestDraft: RequestDraft;
  /** "Forget me": deletes a person's highlights and tags (HighlightStore.forgetPerson). */
  readonly forget: (workspace: string, user: string) => Promise<{ highlights: number; tags: number }>;
  readonly teams: TeamDirectory;
  readonly chat: ChatRouter;
  readonly clock: Clock;
  /** Told how each command went (for a request of this process still waiting for it). */
  readonly onResult?: (event: InboxEvent, result: CommandResult) => void;
}

/**
 * Carries out one recorded command (the inbox worker's `process`): checks it again
 * (parseInboxCommand), runs its use case, tells whoever asked how it went, and says what the inbox
 * should do next. Never throws:
 * - done; or a retry at `notBeforeMs` for a failure that may pass (a rate limit waits as long as
 *   the platform said, up to a day; anything else retryable backs off 5 s, 10 s, 20 s … 10 min, for
 *   12 attempts); or failed for good with the error's code (a command that does not check is
 *   `store.corrupt`);
 * - a tag on a message the bot cannot read (`platform.not_in_channel`, `platform.missing_scope`)
 *   fails for good and the tagger is told, privately, to invite the bot.
 */
export type ProcessCommand = (event: InboxEvent, logger: Logger) => Promise<InboxOutcome>;

const MAX_ATTEMPTS = 12;
const backoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 600_000);
// A rate limit is not a failure: the platform said when to come back, so an event waits as often
// as it is told to (a burst under a 1-a-minute limit takes a minute per event), up to a day.
const RATE_LIMIT_GIVE_UP_MS = 24 * 3_600_000;
const DEFAULT_RETRY_AFTER_MS = 60_000;

export function createProcessCommand(deps: ProcessCommandDeps): ProcessCommand {
  async function tell(
    platform: Platform,
    workspace: string,
    to: Recipient | undefined,
    notice: Notice,
    logger: Logger,
  ): Promise<void> {
    if (to === undefined) {
      return;
    }
    try {
      await deps.chat.for(platform).tell(workspace, to, notice);
    } catch (error) {
      // The work is done; a reply that cannot be delivered is not worth doing it again.
      logger.warn({ code: asBotError(error).code, notice: notice.kind }, "could not tell how it went");
    }
  }

  function decisionRequest(
    command: Extract<InboxCommand, { kind: "approve" | "skip" | "edit" | "regenerate" }>,
    event: InboxEvent,
  ): DecisionRequest {
    return { key: command.key, user: command.user, revision: command.revision, resumed: event.attempts > 1 };
  }

  /** Runs the command; resolves with what to tell whom, if anything. */
  async function run(
    command: InboxCommand,
    event: InboxEvent,
  ): Promise<[Recipient | undefined, Notice] | undefined> {
    switch (command.kind) {
      case "tag_added":
        await deps.capture.tagAdded(command);
        return undefined;
      case "tag_removed":
        await deps.capture.tagRemoved(command);
        return undefined;
      case "message_edited":
        await deps.capture.messageEdited(command);
        return undefined;
      case "message_deleted":
        await deps.capture.messageDeleted(command);
        return undefined;
      case "add_message": {
        const added = await deps.capture.addMessage(command);
        return added ? [command.replyTo, { kind: "highlight_added", section: added.section }] : undefined;
      }
      case "add_text": {
        const added = await deps.capture.addText(command);
        return [command.replyTo, { kind: "highlight_added", section: added.section }];
      }
      case "approve":
        return [
          command.replyTo,
          { kind: "decision", outcome: await deps.decide.approve(decisionRequest(command, event)) },
        ];
      case "skip":
        return [
          command.replyTo,
          { kind: "decision", outcome: await deps.decide.skip(decisionRequest(command, event)) },
        ];
      case "edit":
        return [
          command.replyTo,
          {
            kind: "decision",
            outcome: await deps.decide.edit({
              ...decisionRequest(command, event),
              markdown: command.markdown,
            }),
          },
        ];
      case "regenerate":
        return [
          command.replyTo,
          {
            kind: "decision",
            outcome: await deps.decide.regenerate({
              ...decisionRequest(command, event),
              reason: command.reason,
            }),
          },
        ];
      case "configure_team":
        return [command.replyTo, await deps.configure.apply(command)];
      case "create_team": {
        const created = await deps.teams.create(command);
        return created
          ? [command.replyTo, { kind: "team_created", team: created.team, existed: created.existed }]
          : [
              command.replyTo,
              { kind: "team_problem", problem: { kind: "bad_team_name", name: command.name } },
            ];
      }
      case "request_draft":
        return [command.replyTo, await deps.requestDraft.run(command)];
      case "forget_person": {
        const forgotten = await deps.forget(command.workspace, command.user);
        return [command.replyTo, { kind: "forgotten", ...forgotten }];
      }
    }
  }

  /** Tags on a message the bot cannot read: the tagger hears how to fix it. */
  async function inviteHint(command: InboxCommand, logger: Logger): Promise<void> {
    if (command.kind === "tag_added" || command.kind === "add_message") {
      await tell(
        command.platform,
        command.workspace,
        { conversationId: command.ref.conversationId, userId: command.user },
        { kind: "invite_needed" },
        logger,
      );
    }
  }

  function retryOrFail(error: BotError, event: InboxEvent, logger: Logger): InboxOutcome {
    const rateLimited =
      error.code === "platform.rate_limited" && deps.clock.now() - event.receivedAtMs < RATE_LIMIT_GIVE_UP_MS;
    if (error.retryable && (rateLimited || event.attempts < MAX_ATTEMPTS)) {
      const wait = error.retryAfterMs ?? (rateLimited ? DEFAULT_RETRY_AFTER_MS : backoffMs(event.attempts));
      logger.info({ code: error.code, attempts: event.attempts, retryInMs: wait }, "will retry the event");
      return { status: "retry", notBeforeMs: deps.clock.now() + wait, errorCode: error.code };
    }
    logger.error(
      {
        code: error.code,
        attempts: event.attempts,
        err: error.code === "unexpected" ? error.cause : undefined,
      },
      "event failed",
    );
    return { status: "failed", errorCode: error.code };
  }

  return async function processCommand(event, logger) {
    const outcome = await processOnce(event, logger);
    deps.onResult?.(event, outcome);
    return outcome.outcome;
  };

  async function processOnce(
    event: InboxEvent,
    logger: Logger,
  ): Promise<CommandResult & { readonly outcome: InboxOutcome }> {
    const result = (outcome: InboxOutcome, notice?: Notice) => ({
      outcome,
      status: outcome.status,
      notice,
    });
    let command: InboxCommand;
    try {
      command = parseInboxCommand(event.payload);
    } catch (error) {
      logger.error({ code: asBotError(error).code }, "inbox event is not a command; failed for good");
      return result({ status: "failed", errorCode: "store.corrupt" });
    }
    try {
      const reply = await run(command, event);
      if (reply) {
        await tell(command.platform, command.workspace, reply[0], reply[1], logger);
      }
      return result({ status: "done" }, reply?.[1]);
    } catch (error) {
      const failure = asBotError(error);
      if (isBotError(failure, "platform.not_in_channel") || isBotError(failure, "platform.missing_scope")) {
        logger.warn({ code: failure.code }, "cannot read the tagged message");
        await inviteHint(command, logger);
        return result({ status: "failed", errorCode: failure.code });
      }
      return result(retryOrFail(failure, event, logger));
    }
  }
}
