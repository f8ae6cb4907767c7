import type { TeamSettings } from "../domain/team.ts";
import type { Revision, Weeknote } from "../domain/weeknote.ts";
import type { MessageKey, PostedRef } from "./store.ts";

/** A chat message as the platform holds it now, decoded for use. Times are UTC epoch ms. */
export interface FetchedMessage {
  readonly channelName: string;
  /** Private channel, group DM or DM. */
  readonly private: boolean;
  /** Exactly the ts asked for (the adapter checks it). */
  readonly ts: string;
  readonly threadTs: string | undefined;
  readonly authorId: string | undefined;
  readonly authorName: string;
  /** Plain text: markup decoded, mentions resolved (decodeSlackText). */
  readonly text: string;
  /** Posted by a bot or an integration (never a highlight). */
  readonly fromBot: boolean;
  readonly permalink: string | undefined;
  readonly postedAtMs: number;
}

/** What the draft review message shows and allows. */
export interface ReviewView {
  readonly team: TeamSettings;
  readonly weeknote: Weeknote;
  readonly revision: Revision;
  /** `undefined` while a draft awaits a decision; otherwise the outcome line replaces the buttons. */
  readonly outcome: string | undefined;
}

/**
 * The chat platform as use cases need it (SPEC §3 ChatPlatform). Slack implements it with the Web
 * API. Errors are BotError: `platform.not_in_channel`, `platform.missing_scope`,
 * `platform.rate_limited` (retryable, with retryAfterMs), `platform.not_found`,
 * `platform.unavailable` (retryable), `platform.rejected` (anything else the platform refused).
 */
export interface ChatPlatform {
  /**
   * Fetches one message, a thread reply too (`threadTs` when known). Undefined when the platform
   * has no message with exactly that ts.
   */
  fetchMessage(key: MessageKey, threadTs?: string): Promise<FetchedMessage | undefined>;

  /** Decodes message markup of `workspace` (mentions to names) as fetchMessage does. */
  decodeText(workspace: string, text: string): Promise<string>;

  /** A message only `userId` sees, in `channelId` (Slack: ephemeral; falls back to a DM). */
  notifyUser(workspace: string, channelId: string, userId: string, text: string): Promise<void>;

  /** Posts a draft for review with its buttons; returns where. Long notes are split, never cut. */
  postReview(view: ReviewView): Promise<PostedRef>;

  /** Updates the review message in place (new revision, or the outcome with the buttons gone). */
  updateReview(view: ReviewView, ref: PostedRef): Promise<void>;

  /** Posts an approved note to the team's publish channel; returns where. */
  publish(team: TeamSettings, weeknote: Weeknote, revision: Revision): Promise<PostedRef>;

  /** Posts plain text (answers to questions) in a channel, or in a thread when `threadTs`. */
  postText(workspace: string, channelId: string, text: string, threadTs?: string): Promise<PostedRef>;
}
