import type { MessageContent, Recipient } from "../domain/inbox-command.ts";
import type { MessageRef, Platform, PostedRef } from "../domain/message-ref.ts";
import type { Notice, ReviewView } from "../domain/outcomes.ts";
import type { TeamSettings } from "../domain/team.ts";
import type { Revision, Weeknote } from "../domain/weeknote.ts";

export type { Recipient } from "../domain/inbox-command.ts";

/** A chat message as the platform holds it now, decoded for use. Times are UTC epoch ms. */
export interface FetchedMessage {
  readonly conversationName: string;
  /** Private channel, group chat or DM. */
  readonly private: boolean;
  /** Exactly the message asked for (the adapter checks it). */
  readonly messageId: string;
  /** The thread root's message id when the message is a reply. */
  readonly threadId: string | undefined;
  readonly authorId: string | undefined;
  readonly authorName: string;
  /** Plain text: markup decoded, mentions resolved. */
  readonly text: string;
  /** Posted by a bot or an integration (never a highlight). */
  readonly fromBot: boolean;
  readonly permalink: string | undefined;
  readonly postedAtMs: number;
}

/** A conversation as the platform describes it. */
export interface ConversationInfo {
  /** Its name without `#` (a DM: "direct message"); its id when it cannot be read. */
  readonly name: string;
  /** Private channel, group chat or DM; also true when it cannot be read, so nothing leaks. */
  readonly private: boolean;
}

/**
 * One chat platform as use cases need it (SPEC §3 ChatPlatform); Slack's adapter implements it with
 * the Web API, Teams' with the Bot Connector. The adapter renders every {@link Notice} and
 * {@link ReviewView} in its platform's words and markup. Errors are BotError:
 * `platform.not_in_channel`, `platform.missing_scope`, `platform.rate_limited` (retryable, with
 * retryAfterMs), `platform.not_found`, `platform.unavailable` (retryable), `platform.rejected`.
 */
export interface ChatPlatform {
  readonly platform: Platform;

  /** Fetches one message (a thread reply too). Undefined when the platform has no such message. */
  fetchMessage(ref: MessageRef): Promise<FetchedMessage | undefined>;

  /**
   * A message the platform handed over with a command (MessageContent), completed as fetchMessage
   * would give it: markup decoded, the conversation and author named, a permalink when the
   * platform has one. No rate-limited history read.
   */
  describeMessage(ref: MessageRef, content: MessageContent): Promise<FetchedMessage>;

  /** Text in the platform's markup (as events and commands carry it) → plain text, names resolved. */
  decodeText(workspace: string, rawText: string): Promise<string>;

  /** A conversation's name and privacy. */
  conversation(workspace: string, conversationId: string): Promise<ConversationInfo>;

  /** A person's display name; their id when it cannot be found. */
  personName(workspace: string, userId: string): Promise<string>;

  /** Tells someone (or a conversation, see Recipient) about something, in the platform's words. */
  tell(workspace: string, to: Recipient, notice: Notice): Promise<void>;

  /** Posts a draft for review with its buttons; returns where. Long notes are split, never cut. */
  postReview(view: ReviewView): Promise<PostedRef>;

  /** Updates the review message in place (a new revision, or the outcome with the buttons gone). */
  updateReview(view: ReviewView, ref: PostedRef): Promise<void>;

  /** Posts an approved note to the team's publish channel; returns where. */
  publish(team: TeamSettings, weeknote: Weeknote, revision: Revision): Promise<PostedRef>;
}

/**
 * The chat platforms of this process, by platform (SPEC §3: use cases reach the right platform
 * through a router keyed by the workspace's platform).
 */
export interface ChatRouter {
  /** @throws BotError `platform.off` when that platform is not configured in this process. */
  for(platform: Platform): ChatPlatform;
}
