import type { UseCases } from "../../src/app/use-cases.ts";
import type { ChatRequest } from "../../src/domain/command.ts";
import { isBotError } from "../../src/domain/errors.ts";
import type { InboxCommand, Recipient } from "../../src/domain/inbox-command.ts";
import { typedHighlightId } from "../../src/domain/message-ref.ts";
import type { Notice } from "../../src/domain/outcomes.ts";
import type { Section } from "../../src/domain/sections.ts";
import type { Clock } from "../../src/ports/clock.ts";
import { helpText, noticeText } from "./presenter.ts";
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

/** Text someone typed for the notes, where and how. */
export interface TypedText {
  readonly workspace: string;
  readonly conversationId: string;
  readonly conversationName?: string;
  readonly user: string;
  readonly text: string;
  readonly section: Section;
  readonly replyTo?: Recipient;
}

/**
 * The `add_text` command of typed text, with a new unique highlight id. Typed text is never
 * private: the person chose to add it to the team's notes (a DM included).
 */
export function typedText(deps: SlackListenerDeps, typed: TypedText): InboxCommand {
  return {
    kind: "add_text",
    platform: "slack",
    workspace: typed.workspace,
    highlightId: typedHighlightId(deps.newId()),
    conversationId: typed.conversationId,
    ...(typed.conversationName === undefined ? {} : { conversationName: typed.conversationName }),
    private: false,
    user: typed.user,
    text: typed.text,
    section: typed.section,
    postedAtMs: deps.clock.now(),
    ...(typed.replyTo === undefined ? {} : { replyTo: typed.replyTo }),
  };
}

/**
 * The words for a request answered from the store (last, week, list, help; anything else gets
 * the help): fast enough to run while Slack waits. A week that cannot be read is said as such.
 */
export async function answerRequest(
  deps: SlackListenerDeps,
  where: { readonly workspace: string; readonly conversationId: string },
  request: ChatRequest,
): Promise<string> {
  try {
    const notice = await questionNotice(deps, where, request);
    return notice ? noticeText(notice) : helpText(request.kind === "help" ? request.unknown : undefined);
  } catch (error) {
    if (isBotError(error) && error.code.startsWith("input.")) {
      return error.toUserLine();
    }
    throw error;
  }
}

async function questionNotice(
  deps: SlackListenerDeps,
  where: { readonly workspace: string; readonly conversationId: string },
  request: ChatRequest,
): Promise<Notice | undefined> {
  if (request.kind !== "last" && request.kind !== "week" && request.kind !== "list") {
    return undefined;
  }
  return deps.useCases.answer.answer({
    platform: "slack",
    workspace: where.workspace,
    conversationId: where.conversationId,
    team: request.team,
    ask: request.kind === "week" ? { kind: "week", week: request.week } : { kind: request.kind },
  });
}
