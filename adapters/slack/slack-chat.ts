/**
 * The ChatPlatform port (src/ports/chat.ts) over the Slack Web API.
 *
 * Construct the WebClient for it with `rejectRateLimitedCalls: true` and `retryConfig: { retries: 0 }`
 * (and, for calls made while a request waits for its acknowledgement, a short `timeout`). The
 * WebClient's defaults retry for about 30 minutes and pause the whole client on a 429
 * (slackapi/node-slack-sdk#2010, PR #599); with these options a 429 surfaces at once as
 * `platform.rate_limited` with `retryAfterMs`, and the caller's queue decides when to try again
 * (SPEC §4, CASES C9):
 *
 *     new WebClient(token, { rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, timeout: 10_000 })
 *
 * Vendor errors are translated here and only here (see {@link translateSlackError}); everything
 * this adapter throws is a BotError whose message holds Slack's error string and never chat text.
 */

import {
  asBotError,
  BotError,
  type BotErrorCode,
  type BotErrorOptions,
  isBotError,
} from "../../src/domain/errors.ts";
import type { MessageContent } from "../../src/domain/inbox-command.ts";
import type { MessageRef, PostedRef } from "../../src/domain/message-ref.ts";
import type { Notice, ReviewView } from "../../src/domain/outcomes.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import type { Revision, Weeknote } from "../../src/domain/weeknote.ts";
import type { ChatPlatform, ConversationInfo, FetchedMessage, Recipient } from "../../src/ports/chat.ts";
import type { Logger } from "../../src/ports/logger.ts";
import { slackEmojiUnicode } from "../emoji/aliases.ts";
import {
  FALLBACK_TEXT_LIMIT,
  publishedMessage,
  reviewMessage,
  type SlackMessage,
  splitMrkdwn,
} from "./blocks.ts";
import { escapeSlackText } from "./escape.ts";
import { slackTsToMs } from "./ids.ts";
import { isMachineMessage } from "./message-author.ts";
import { messageMarkup } from "./message-text.ts";
import { decodeSlackText } from "./mrkdwn.ts";
import { noticeText, reviewStatusText } from "./presenter.ts";

/** What the adapter needs of `@slack/web-api`'s WebClient: its generic method call. */
export interface SlackApiClient {
  apiCall(method: string, options?: Record<string, unknown>): Promise<unknown>;
}

export interface SlackChatOptions {
  /**
   * The Web API client: one WebClient for a single-workspace install, or a function giving the
   * client of a workspace (OAuth installs, one token per workspace).
   */
  readonly client: SlackApiClient | ((workspace: string) => SlackApiClient | Promise<SlackApiClient>);
  /** The bot's own user id (`U…`); its messages are `fromBot`. Messages with a `bot_id` are anyway. */
  readonly botUserId?: string;
  readonly logger: Logger;
  /** How long user and channel names are remembered, ms. Default 1 hour. */
  readonly cacheTtlMs?: number;
  /** The clock for the name cache, UTC epoch ms. Default Date.now. */
  readonly now?: () => number;
  /** Waits `ms`; tests replace it. Used only between the parts of a long message. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A Slack Web API failure as a BotError. `slackError` is Slack's error string (`not_in_channel`,
 * `missing_scope`, `ratelimited`…) when Slack gave one; `method` the Web API method called.
 */
export class SlackApiError extends BotError {
  readonly slackError: string | undefined;
  readonly method: string;

  constructor(
    code: BotErrorCode,
    message: string,
    details: { readonly method: string; readonly slackError: string | undefined },
    options: BotErrorOptions,
  ) {
    super(code, message, options);
    this.method = details.method;
    this.slackError = details.slackError;
  }
}

// Slack's error strings by what they mean to us (Web API method reference pages, "Errors").
const NOT_IN_CHANNEL = new Set(["not_in_channel", "channel_not_found"]);
const NOT_FOUND = new Set(["message_not_found", "thread_not_found", "user_not_found", "users_not_found"]);
const UNAVAILABLE = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout"]);
const RATE_LIMITED = new Set(["ratelimited", "rate_limited"]);
// chat.postEphemeral cannot reach the user there; a DM can (chat.postEphemeral reference, "Errors").
const EPHEMERAL_FALLBACK = new Set(["user_not_in_channel", "channel_not_found", "not_in_channel"]);
// The longest Retry-After we wait for in-process between the parts of one long message.
const MAX_PART_WAIT_MS = 60_000;
const PART_ATTEMPTS = 3;
const CACHE_LIMIT = 5000;

/**
 * Any error from a WebClient call → BotError, after the error classes of `@slack/web-api` (matched
 * by their `code` strings, so a WebClient from another copy of the package works too):
 * - platform errors: `not_in_channel`, `channel_not_found` → `platform.not_in_channel`;
 *   `missing_scope` → `platform.missing_scope` (the `needed` scope in the message);
 *   `ratelimited` → `platform.rate_limited`; `message_not_found`, `thread_not_found`,
 *   `user_not_found` → `platform.not_found`; `internal_error`, `fatal_error`, `service_unavailable`,
 *   `request_timeout` → `platform.unavailable` (retryable); anything else → `platform.rejected`;
 * - HTTP 429 (`rejectRateLimitedCalls`) → `platform.rate_limited`, retryable, `retryAfterMs` from
 *   `Retry-After` (seconds → ms);
 * - other HTTP 5xx, network errors and time-outs → `platform.unavailable`, retryable.
 */
export function translateSlackError(error: unknown, method: string): BotError {
  if (isBotError(error)) {
    return error;
  }
  const fields = record(error);
  switch (fields.code) {
    case "slack_webapi_platform_error":
      return fromPlatformError(method, record(fields.data), error);
    case "slack_webapi_rate_limited_error":
      return rateLimited(method, secondsToMs(fields.retryAfter), error);
    case "slack_webapi_http_error": {
      const status = typeof fields.statusCode === "number" ? fields.statusCode : 0;
      if (status === 429) {
        return rateLimited(method, secondsToMs(Number(record(fields.headers)["retry-after"])), error);
      }
      if (status >= 500) {
        return unavailable(method, `HTTP ${status}`, error);
      }
      return slackError(
        "platform.rejected",
        `Slack ${method} failed with HTTP ${status}`,
        method,
        undefined,
        {
          cause: error,
        },
      );
    }
    case "slack_webapi_request_error":
      return unavailable(method, "no response", error);
  }
  if (error instanceof Error) {
    // A 429 whose Retry-After the WebClient could not read arrives as a plain Error.
    if (/rate limit/i.test(error.message)) {
      return rateLimited(method, undefined, error);
    }
    if (error.name === "AbortError" || error.name === "TimeoutError") {
      return unavailable(method, "timed out", error);
    }
  }
  return slackError("platform.rejected", `Slack ${method} failed unexpectedly`, method, undefined, {
    cause: error,
  });
}

function fromPlatformError(method: string, data: Record<string, unknown>, cause: unknown): BotError {
  const code = str(data.error) ?? "unknown_error";
  if (NOT_IN_CHANNEL.has(code)) {
    return slackError("platform.not_in_channel", `Slack ${method}: ${code}`, method, code, {
      cause,
      hint: "Invite @weeknotes to the channel (/invite @weeknotes) so it can read and post there",
    });
  }
  if (code === "missing_scope") {
    const needed = str(data.needed);
    return slackError(
      "platform.missing_scope",
      `Slack ${method}: missing_scope${needed ? ` (needs ${needed})` : ""}`,
      method,
      code,
      {
        cause,
        hint: "Add the scope to the Slack app (manifest/slack.yaml lists them all) and reinstall it",
      },
    );
  }
  if (RATE_LIMITED.has(code)) {
    return rateLimited(method, secondsToMs(record(data.response_metadata).retryAfter), cause);
  }
  if (NOT_FOUND.has(code)) {
    return slackError("platform.not_found", `Slack ${method}: ${code}`, method, code, { cause });
  }
  if (UNAVAILABLE.has(code)) {
    return slackError("platform.unavailable", `Slack ${method}: ${code}`, method, code, {
      cause,
      retryable: true,
    });
  }
  return slackError("platform.rejected", `Slack ${method} refused: ${code}`, method, code, { cause });
}

function rateLimited(method: string, retryAfterMs: number | undefined, cause: unknown): BotError {
  const options: BotErrorOptions = { cause, retryable: true };
  if (retryAfterMs !== undefined) {
    options.retryAfterMs = retryAfterMs;
  }
  const after = retryAfterMs === undefined ? "" : `; retry after ${retryAfterMs / 1000} s`;
  return slackError(
    "platform.rate_limited",
    `Slack rate-limited ${method}${after}`,
    method,
    "ratelimited",
    options,
  );
}

function unavailable(method: string, what: string, cause: unknown): BotError {
  return slackError("platform.unavailable", `Slack ${method}: ${what}`, method, undefined, {
    cause,
    retryable: true,
  });
}

function slackError(
  code: BotErrorCode,
  message: string,
  method: string,
  slackCode: string | undefined,
  options: BotErrorOptions,
): SlackApiError {
  return new SlackApiError(code, message, { method, slackError: slackCode }, options);
}

function secondsToMs(value: unknown): number | undefined {
  const seconds = typeof value === "number" ? value : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
}

/**
 * The Slack ChatPlatform, plus what only Slack listeners use: plain text to one person or a
 * conversation, and the App Home.
 */
export interface SlackChat extends ChatPlatform {
  /** Posts plain text (escaped here) in a channel, or in a thread when `threadTs`; split, never cut. */
  postText(workspace: string, channelId: string, text: string, threadTs?: string): Promise<PostedRef>;
  /**
   * Posts mrkdwn that is already escaped (escapeSlackText, or a renderer such as noteAsMrkdwn) as
   * postText does: split into parts of at most 3,000 characters (FALLBACK_TEXT_LIMIT), never cut.
   */
  postMrkdwn(workspace: string, channelId: string, mrkdwn: string, threadTs?: string): Promise<PostedRef>;
  /** Plain text (escaped here) only `userId` sees in `channelId`: ephemeral, else a DM. */
  notifyText(workspace: string, channelId: string, userId: string, text: string): Promise<void>;
  /** Publishes a user's App Home view (views.publish). */
  publishHome(workspace: string, userId: string, view: unknown): Promise<void>;
  /**
   * The workspace's custom emoji (emoji.list, scope `emoji:read`): name → image URL or
   * `alias:<name>`; entries that are not strings are left out.
   * @throws BotError as {@link translateSlackError} (`platform.missing_scope` without emoji:read).
   */
  customEmoji(workspace: string): Promise<Record<string, string>>;
}

/**
 * Creates the Slack ChatPlatform.
 *
 * fetchMessage (SPEC §4, CASES C3): `chat.getPermalink` first (Slack allows hundreds a minute, and
 * its URL carries `thread_ts` for a thread reply), then one bounded read: `conversations.history`
 * with `oldest` = `latest` = ts, `inclusive`, `limit` 1 for a top-level message, or
 * `conversations.replies` with `ts` = the thread and the same bounds for a reply — one call to the
 * methods Slack may limit to 1 a minute. The result is used only when its `ts` is exactly the ts
 * asked for; otherwise fetchMessage returns undefined (and logs), never a neighbour.
 */
export function createSlackChat(options: SlackChatOptions): SlackChat {
  const logger = options.logger.child({ adapter: "slack" });
  const now = options.now ?? Date.now;
  const ttlMs = options.cacheTtlMs ?? 3_600_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const source = options.client;
  const users = new TtlCache<string | undefined>(ttlMs, now);
  const channels = new TtlCache<ConversationInfo>(ttlMs, now);

  async function call(workspace: string, method: string, args: Record<string, unknown>) {
    try {
      const client = typeof source === "function" ? await source(workspace) : source;
      return record(await client.apiCall(method, args));
    } catch (error) {
      throw translateSlackError(error, method);
    }
  }

  /** A lookup that may fail without harm: permanent errors give undefined, retryable ones throw. */
  function softFailure(error: unknown, fields: Record<string, unknown>, what: string): undefined {
    if (isBotError(error) && error.retryable) {
      throw error;
    }
    logger.warn({ ...fields, code: asBotError(error).code }, what);
    return undefined;
  }

  function userName(workspace: string, userId: string): Promise<string | undefined> {
    return users.get(`${workspace}/${userId}`, async () => {
      try {
        return displayName(record((await call(workspace, "users.info", { user: userId })).user));
      } catch (error) {
        return softFailure(
          error,
          { workspace, user: userId },
          "users.info failed; the user id stands in for a name",
        );
      }
    });
  }

  function channelInfo(workspace: string, channelId: string): Promise<ConversationInfo> {
    // conversations.info on a DM needs im:read, which the app does not ask for; a DM is private.
    if (channelId.startsWith("D")) {
      return Promise.resolve({ name: "direct message", private: true });
    }
    return channels.get(`${workspace}/${channelId}`, async () => {
      try {
        const channel = record((await call(workspace, "conversations.info", { channel: channelId })).channel);
        const isDm = channel.is_im === true;
        return {
          name: isDm ? "direct message" : (str(channel.name) ?? channelId),
          private:
            channel.is_private === true || isDm || channel.is_mpim === true || channel.is_group === true,
        };
      } catch (error) {
        softFailure(
          error,
          { workspace, channel: channelId },
          "conversations.info failed; treating it as private",
        );
        // What we cannot see is treated as private, so it never leaks into a public note.
        return { name: channelId, private: true };
      }
    });
  }

  async function decode(workspace: string, text: string): Promise<string> {
    const userIds = new Set(Array.from(text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>/g), (m) => m[1] ?? ""));
    // Channel links with a `|name` label carry their name already; bare ones and empty labels
    // (`<#C1|>`) are looked up, and a channel the bot cannot read shows its id.
    const channelIds = new Set(Array.from(text.matchAll(/<#([CG][A-Z0-9]+)\|?>/g), (m) => m[1] ?? ""));
    const [userNames, channelNames] = await Promise.all([
      Promise.all([...userIds].map(async (id) => [id, await userName(workspace, id)] as const)),
      Promise.all([...channelIds].map(async (id) => [id, (await channelInfo(workspace, id)).name] as const)),
    ]);
    const userMap = new Map(userNames);
    const channelMap = new Map(channelNames);
    const emoji = slackEmojiUnicode();
    return decodeSlackText(text, {
      userName: (id) => userMap.get(id),
      channelName: (id) => channelMap.get(id),
      emoji,
    });
  }

  async function permalinkOf(workspace: string, channel: string, ts: string): Promise<string | undefined> {
    try {
      return str((await call(workspace, "chat.getPermalink", { channel, message_ts: ts })).permalink);
    } catch (error) {
      // Best effort: the history read that follows reports a channel we cannot read.
      return softFailure(error, { workspace, channel, ts }, "chat.getPermalink failed");
    }
  }

  async function readTopLevel(workspace: string, channel: string, ts: string) {
    const result = await call(workspace, "conversations.history", {
      channel,
      oldest: ts,
      latest: ts,
      inclusive: true,
      limit: 1,
    });
    return exactly(result.messages, ts);
  }

  async function readReply(workspace: string, channel: string, ts: string, threadTs: string) {
    try {
      const result = await call(workspace, "conversations.replies", {
        channel,
        ts: threadTs,
        oldest: ts,
        latest: ts,
        inclusive: true,
        limit: 1,
      });
      return exactly(result.messages, ts);
    } catch (error) {
      if (isBotError(error, "platform.not_found")) {
        return undefined;
      }
      throw error;
    }
  }

  async function authorName(workspace: string, message: Record<string, unknown>): Promise<string> {
    const user = str(message.user);
    const fromProfile = displayName({ profile: message.user_profile });
    if (user !== undefined && !isMachineMessage(message, options.botUserId)) {
      return (await userName(workspace, user)) ?? fromProfile ?? user;
    }
    return str(record(message.bot_profile).name) ?? str(message.username) ?? fromProfile ?? user ?? "a bot";
  }

  async function postMessage(
    workspace: string,
    channel: string,
    message: SlackMessage,
    threadTs?: string,
  ): Promise<PostedRef> {
    const args: Record<string, unknown> = {
      channel,
      text: message.text,
      blocks: message.blocks,
      // Links in a note are sources, not previews: unfurling would bury the note under cards.
      unfurl_links: false,
      unfurl_media: false,
    };
    if (threadTs !== undefined) {
      args.thread_ts = threadTs;
    }
    return postedRef(await call(workspace, "chat.postMessage", args), channel, "chat.postMessage");
  }

  async function postPlain(workspace: string, channel: string, text: string, threadTs?: string) {
    const args: Record<string, unknown> = { channel, text, unfurl_links: false, unfurl_media: false };
    if (threadTs !== undefined) {
      args.thread_ts = threadTs;
    }
    return postedRef(await call(workspace, "chat.postMessage", args), channel, "chat.postMessage");
  }

  /**
   * Posts the later parts of a long message in the thread of the first. The first is already up,
   * so a rate limit here is waited out (Retry-After, up to a minute, a few times) rather than
   * leaving a note half-posted; chat.postMessage allows about one message a second per channel.
   */
  async function postParts(
    workspace: string,
    parent: PostedRef,
    parts: readonly (() => Promise<PostedRef>)[],
  ) {
    for (const [index, post] of parts.entries()) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await post();
          break;
        } catch (error) {
          const waitMs = isBotError(error, "platform.rate_limited")
            ? (error.retryAfterMs ?? 1000)
            : undefined;
          if (waitMs === undefined || waitMs > MAX_PART_WAIT_MS || attempt >= PART_ATTEMPTS) {
            logger.error(
              {
                workspace,
                channel: parent.conversationId,
                ts: parent.messageId,
                part: index + 2,
                parts: parts.length + 1,
                code: asBotError(error).code,
              },
              "A later part of a long message could not be posted",
            );
            throw error;
          }
          await sleep(waitMs);
        }
      }
    }
  }

  async function postNote(workspace: string, channel: string, messages: readonly SlackMessage[]) {
    const [first, ...rest] = messages;
    if (first === undefined) {
      throw new BotError("platform.rejected", "Nothing to post");
    }
    const ref = await postMessage(workspace, channel, first);
    await postParts(
      workspace,
      ref,
      rest.map((message) => () => postMessage(workspace, ref.conversationId, message, ref.messageId)),
    );
    return ref;
  }

  /** Notifies `userId` only, in `channelId` (ephemeral; a DM where that is not possible). */
  async function notifyUser(
    workspace: string,
    channelId: string,
    userId: string,
    text: string,
  ): Promise<void> {
    const escaped = escapeSlackText(text);
    try {
      await call(workspace, "chat.postEphemeral", { channel: channelId, user: userId, text: escaped });
      return;
    } catch (error) {
      if (!(error instanceof SlackApiError && EPHEMERAL_FALLBACK.has(error.slackError ?? ""))) {
        throw error;
      }
      logger.info(
        { workspace, channel: channelId, code: error.slackError },
        "Ephemeral message not possible there; sending a direct message",
      );
    }
    const opened = await call(workspace, "conversations.open", { users: userId });
    const dm = str(record(opened.channel).id);
    if (dm === undefined) {
      throw new BotError("platform.rejected", "Slack conversations.open returned no channel");
    }
    await postPlain(workspace, dm, escaped);
  }

  /** Posts plain text in a channel (a thread when `threadTs`), split when long, never cut. */
  function postText(workspace: string, channelId: string, text: string, threadTs?: string) {
    return postMrkdwn(workspace, channelId, escapeSlackText(text), threadTs);
  }

  async function postMrkdwn(workspace: string, channelId: string, mrkdwn: string, threadTs?: string) {
    const [first = mrkdwn, ...rest] = splitMrkdwn(mrkdwn, FALLBACK_TEXT_LIMIT);
    const ref = await postPlain(workspace, channelId, first, threadTs);
    const thread = threadTs ?? ref.messageId;
    await postParts(
      workspace,
      ref,
      rest.map((part) => () => postPlain(workspace, ref.conversationId, part, thread)),
    );
    return ref;
  }

  /** The review message of `view`, with who decided named as people see them (`@Alice`). */
  async function renderReview(view: ReviewView): Promise<SlackMessage[]> {
    const workspace = view.weeknote.workspace;
    const by = "by" in view.status ? view.status.by : undefined;
    const name = by === undefined ? undefined : await personName(workspace, by);
    const outcome = reviewStatusText(view.status, (id) => `@${id === by && name ? name : id}`);
    return reviewMessage(view, outcome);
  }

  async function personName(workspace: string, userId: string): Promise<string> {
    return (await userName(workspace, userId)) ?? userId;
  }

  return {
    platform: "slack",
    postText,
    postMrkdwn,
    notifyText: notifyUser,

    async publishHome(workspace: string, userId: string, view: unknown): Promise<void> {
      await call(workspace, "views.publish", { user_id: userId, view });
    },

    async customEmoji(workspace: string): Promise<Record<string, string>> {
      const emoji = record((await call(workspace, "emoji.list", {})).emoji);
      return Object.fromEntries(
        Object.entries(emoji).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
      );
    },

    async fetchMessage(ref: MessageRef): Promise<FetchedMessage | undefined> {
      const { workspace, conversationId: channelId, messageId: ts } = ref;
      let permalink: string | undefined;
      let thread = ref.threadId;
      if (thread === undefined) {
        // reaction_added does not say whether the message is a thread reply; its permalink does.
        permalink = await permalinkOf(workspace, channelId, ts);
        thread = permalink === undefined ? undefined : threadTsOf(permalink);
      }
      const message =
        thread !== undefined && thread !== ts
          ? await readReply(workspace, channelId, ts, thread)
          : await readTopLevel(workspace, channelId, ts);
      if (message === undefined) {
        logger.info({ workspace, channel: channelId, ts }, "Slack has no message with exactly this ts");
        return undefined;
      }
      permalink ??= await permalinkOf(workspace, channelId, ts);
      const user = str(message.user);
      const threadTs = str(message.thread_ts);
      const [channel, author, text] = await Promise.all([
        channelInfo(workspace, channelId),
        authorName(workspace, message),
        decode(workspace, messageMarkup(message)),
      ]);
      return {
        conversationName: channel.name,
        private: channel.private,
        messageId: ts,
        // A parent's own thread_ts is its ts: only a reply has a thread.
        threadId: threadTs !== undefined && threadTs !== ts ? threadTs : undefined,
        authorId: user,
        authorName: author,
        text,
        fromBot: isMachineMessage(message, options.botUserId),
        permalink,
        postedAtMs: slackTsToMs(ts),
      };
    },

    async describeMessage(ref: MessageRef, content: MessageContent): Promise<FetchedMessage> {
      const { workspace, conversationId: channelId, messageId: ts } = ref;
      const author = content.authorId;
      const [channel, authorName, text, permalink] = await Promise.all([
        channelInfo(workspace, channelId),
        content.authorName ?? (author === undefined ? "someone" : personName(workspace, author)),
        decode(workspace, content.rawText),
        content.permalink ?? permalinkOf(workspace, channelId, ts),
      ]);
      return {
        conversationName: channel.name,
        private: channel.private,
        messageId: ts,
        threadId: ref.threadId,
        authorId: author,
        authorName,
        text,
        fromBot: content.fromBot || isMachineMessage({ user: author }, options.botUserId),
        permalink,
        postedAtMs: content.postedAtMs,
      };
    },

    decodeText(workspace: string, text: string): Promise<string> {
      return decode(workspace, text);
    },

    conversation(workspace: string, conversationId: string): Promise<ConversationInfo> {
      return channelInfo(workspace, conversationId);
    },

    personName,

    async tell(workspace: string, to: Recipient, notice: Notice): Promise<void> {
      const text = noticeText(notice);
      if (to.userId !== undefined) {
        await notifyUser(workspace, to.conversationId, to.userId, text);
      } else {
        await postText(workspace, to.conversationId, text, to.threadId);
      }
    },

    async postReview(view: ReviewView): Promise<PostedRef> {
      const channel = view.team.reviewChannel;
      if (channel === undefined) {
        throw new BotError("platform.not_found", `Team ${view.team.team} has no review channel`, {
          hint: "Choose where drafts go for approval with /weeknotes config",
        });
      }
      return postNote(view.weeknote.workspace, channel, await renderReview(view));
    },

    async updateReview(view: ReviewView, ref: PostedRef): Promise<void> {
      const workspace = view.weeknote.workspace;
      const [first, ...rest] = await renderReview(view);
      if (first === undefined) {
        return;
      }
      await call(workspace, "chat.update", {
        channel: ref.conversationId,
        ts: ref.messageId,
        text: first.text,
        blocks: first.blocks,
      });
      // A new revision that runs long continues in the thread; an outcome only changes the first
      // message, since the thread already holds the rest of the note.
      if (view.status.kind === "open") {
        await postParts(
          workspace,
          ref,
          rest.map((message) => () => postMessage(workspace, ref.conversationId, message, ref.messageId)),
        );
      }
    },

    async publish(team: TeamSettings, weeknote: Weeknote, revision: Revision): Promise<PostedRef> {
      const channel = team.publishChannel;
      if (channel === undefined) {
        throw new BotError("platform.not_found", `Team ${team.team} has no publish channel`, {
          hint: "Choose where approved notes go with /weeknotes config",
        });
      }
      return postNote(weeknote.workspace, channel, publishedMessage(team, weeknote, revision));
    },
  };
}

/** Remembers one value per key for `ttlMs`, in-flight lookups included; at most CACHE_LIMIT keys. */
class TtlCache<V> {
  private readonly entries = new Map<string, { readonly value: Promise<V>; readonly expiresAtMs: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const nowMs = this.now();
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAtMs > nowMs) {
      return entry.value;
    }
    const value = load();
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs: nowMs + this.ttlMs });
    // A failed lookup is forgotten, so the next caller asks again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) {
        this.entries.delete(key);
      }
    });
    if (this.entries.size > CACHE_LIMIT) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) {
        this.entries.delete(oldest);
      }
    }
    return value;
  }
}

/** profile.display_name, else the real name, else the account name (users.info reference). */
function displayName(user: Record<string, unknown>): string | undefined {
  const profile = record(user.profile);
  for (const candidate of [profile.display_name, profile.real_name, user.real_name, user.name]) {
    const name = str(candidate)?.trim();
    if (name) {
      return name;
    }
  }
  return undefined;
}

function exactly(messages: unknown, ts: string): Record<string, unknown> | undefined {
  if (!Array.isArray(messages)) {
    return undefined;
  }
  return messages.map(record).find((message) => message.ts === ts);
}

function threadTsOf(permalink: string): string | undefined {
  if (!URL.canParse(permalink)) {
    return undefined;
  }
  return new URL(permalink).searchParams.get("thread_ts") ?? undefined;
}

function postedRef(result: Record<string, unknown>, channel: string, method: string): PostedRef {
  const ts = str(result.ts);
  if (ts === undefined) {
    throw new BotError("platform.rejected", `Slack ${method} answered without a ts`);
  }
  return { platform: "slack", conversationId: str(result.channel) ?? channel, messageId: ts };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
