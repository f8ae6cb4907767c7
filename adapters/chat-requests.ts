import type { UseCases } from "../src/app/use-cases.ts";
import type { ChatRequest } from "../src/domain/command.ts";
import type { InboxCommand, Recipient } from "../src/domain/inbox-command.ts";
import { type Platform, typedHighlightId } from "../src/domain/message-ref.ts";
import type { Notice } from "../src/domain/outcomes.ts";
import type { Section } from "../src/domain/sections.ts";

/**
 * What every platform's listeners do alike with a request typed in chat: the `add_text` command of
 * typed text, and the answer to a question about notes. Platforms differ only in their words.
 */

/** Text someone typed for the notes, where and how. */
export interface TypedText {
  readonly platform: Platform;
  readonly workspace: string;
  readonly conversationId: string;
  readonly conversationName?: string | undefined;
  readonly user: string;
  /** Their display name when the platform gave it (else the worker looks it up). */
  readonly userName?: string | undefined;
  readonly text: string;
  readonly section: Section;
  /** When it was typed, UTC epoch ms. */
  readonly postedAtMs: number;
  readonly replyTo?: Recipient | undefined;
}

/**
 * The `add_text` command of typed text, with a new unique highlight id (`newId()`). Typed text is
 * never private: the person chose to add it to the team's notes (a DM included).
 */
export function typedTextCommand(typed: TypedText, newId: () => string): InboxCommand {
  return {
    kind: "add_text",
    platform: typed.platform,
    workspace: typed.workspace,
    highlightId: typedHighlightId(newId()),
    conversationId: typed.conversationId,
    ...(typed.conversationName === undefined ? {} : { conversationName: typed.conversationName }),
    private: false,
    user: typed.user,
    ...(typed.userName === undefined ? {} : { userName: typed.userName }),
    text: typed.text,
    section: typed.section,
    postedAtMs: typed.postedAtMs,
    ...(typed.replyTo === undefined ? {} : { replyTo: typed.replyTo }),
  };
}

/**
 * The answer to `last`, `week …` or `list`, read from the store (fast enough to run while the
 * platform waits); undefined for any other request.
 * @throws BotError `input.*` for a week that cannot be read (its toUserLine says why).
 */
export async function questionNotice(
  useCases: UseCases,
  where: { readonly platform: Platform; readonly workspace: string; readonly conversationId: string },
  request: ChatRequest,
): Promise<Notice | undefined> {
  if (request.kind !== "last" && request.kind !== "week" && request.kind !== "list") {
    return undefined;
  }
  return useCases.answer.answer({
    platform: where.platform,
    workspace: where.workspace,
    conversationId: where.conversationId,
    team: request.team,
    ask: request.kind === "week" ? { kind: "week", week: request.week } : { kind: request.kind },
  });
}
