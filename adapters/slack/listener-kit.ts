import type { UseCases } from "../../src/app/use-cases.ts";
import type { ChatRequest } from "../../src/domain/command.ts";
import { isBotError } from "../../src/domain/errors.ts";
import type { InboxCommand } from "../../src/domain/inbox-command.ts";
import type { Clock } from "../../src/ports/clock.ts";
import { questionNotice, type TypedText as SharedTypedText, typedTextCommand } from "../chat-requests.ts";
import { noteAsMrkdwn } from "./blocks.ts";
import { escapeSlackText } from "./escape.ts";
import { helpText, noteAnswerLine, noticeText } from "./presenter.ts";
import type { SlackChat } from "./slack-chat.ts";

/** What every Slack listener is given. */
export interface SlackListenerDeps {
  readonly useCases: UseCases;
  readonly chat: SlackChat;
  readonly clock: Clock;
  /** A new unique id (typed highlights, requests with no platform event id). */
  readonly newId: () => string;
}

/**
 * The workspace (Slack team id) a request came from, as slack-app.ts checked it against the
 * token's own workspace before any listener ran: Bolt's `context.teamId` (from the event's
 * authorization, the command, or the clicking user's team). Never a button's value or a form's
 * metadata, which say what the request claims, not where it came from.
 */
export function workspaceOf(context: Record<string, unknown>): string {
  const team = context.teamId;
  return typeof team === "string" ? team : "";
}

/**
 * The correlation id of a request: the HTTP receiver puts one in Bolt's context for each request
 * (Socket Mode has none: the event id stands in).
 */
export function correlationOf(context: Record<string, unknown>, fallback: string): string {
  const id = context.correlationId;
  return typeof id === "string" && id !== "" ? id : fallback;
}

/** Records a command under `eventId` before the listener lets Bolt acknowledge. */
export function recordCommand(
  deps: SlackListenerDeps,
  command: InboxCommand,
  eventId: string,
  context: Record<string, unknown>,
): Promise<"recorded" | "duplicate"> {
  return deps.useCases.record.record(command, { eventId, correlationId: correlationOf(context, eventId) });
}

/** Text someone typed for the notes in Slack, where and how. */
export type TypedText = Omit<SharedTypedText, "platform" | "postedAtMs">;

/** The `add_text` command of typed text in Slack (see typedTextCommand). */
export function typedText(deps: SlackListenerDeps, typed: TypedText): InboxCommand {
  return typedTextCommand({ ...typed, platform: "slack", postedAtMs: deps.clock.now() }, deps.newId);
}

/**
 * The answer to a request answered from the store (last, week, list, help; anything else gets
 * the help) as escaped Slack mrkdwn, ready for `text` (post it with SlackChat.postMrkdwn, never
 * escape it again): fast enough to run while Slack waits. A note is laid out as the published
 * one reads (noteAsMrkdwn), not as its Markdown source, whose `**` and backslash escapes Slack
 * would show as typed. A week that cannot be read is said as such.
 */
export async function answerRequest(
  deps: SlackListenerDeps,
  where: { readonly workspace: string; readonly conversationId: string },
  request: ChatRequest,
): Promise<string> {
  try {
    const notice = await questionNotice(deps.useCases, { ...where, platform: "slack" }, request);
    if (notice?.kind === "answer" && notice.answer.kind === "note") {
      const line = escapeSlackText(noteAnswerLine(notice.answer));
      return `${line}\n\n${noteAsMrkdwn(notice.answer.revision.document)}`;
    }
    return escapeSlackText(
      notice ? noticeText(notice) : helpText(request.kind === "help" ? request.unknown : undefined),
    );
  } catch (error) {
    if (isBotError(error) && error.code.startsWith("input.")) {
      return escapeSlackText(error.toUserLine());
    }
    throw error;
  }
}
