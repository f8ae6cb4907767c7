/**
 * A local stand-in for the Slack Web API (https://slack.com/api/<method>) for end-to-end tests:
 * an HTTP server on 127.0.0.1 that a real `@slack/web-api` WebClient talks to through
 * `slackApiUrl: fake.url`. It records every call in order and answers like Slack from small
 * in-memory tables (messages, users, channels) or from per-method handlers a test sets.
 *
 *     const fake = await startFakeSlackApi();
 *     fake.addChannel({ id: "C0GENERAL1", name: "general" });
 *     fake.addMessage("C0GENERAL1", { ts: "1700000000.000100", user: "U0ALICE001", text: "Hi" });
 *     const client = new WebClient("xoxb-test", {
 *       slackApiUrl: fake.url, rejectRateLimitedCalls: true, retryConfig: { retries: 0 },
 *     });
 *     …
 *     expect(fake.callsOf("conversations.history")[0]?.args).toMatchObject({ inclusive: "true" });
 *     await fake.close();
 *
 * Arguments are recorded as Slack receives them: a WebClient sends a form body, so scalars arrive
 * as strings (`inclusive: "true"`, `limit: "1"`) and objects as JSON (decoded here: `blocks` is an
 * array). JSON bodies (`Content-Type: application/json`) are recorded as sent.
 *
 * Faithful to Slack where our code depends on it (docs.slack.dev method reference pages):
 * - `conversations.history` lists top-level messages (and thread broadcasts) newest first, between
 *   `oldest` and `latest`, exclusive of both unless `inclusive`, at most `limit` (default 100);
 *   with only `oldest` it answers the `limit` messages just after `oldest` (slackhq/slack-api-docs#4);
 *   thread replies are never in it (liatrio/gratibot#50);
 * - `conversations.replies` answers only the members of the thread that `ts` names (the parent or
 *   any reply): the parent first, then the replies within the same bounds, oldest first;
 * - a channel set with `notInChannel` answers `not_in_channel` to history, replies and postMessage,
 *   and a channel the fake has never heard of (no `addChannel`, no message) `channel_not_found`;
 * - `chat.getPermalink` gives `…/archives/C…/p<ts digits>`, plus `?thread_ts=…&cid=…` for a reply;
 * - a call without a token (or, for `oauth.v2.access`, without client id and secret) answers `not_authed`; `rateLimit` answers HTTP 429 with `Retry-After`;
 * - Slack's documented size limits (see {@link SLACK_LIMITS}): a chat.postMessage, chat.update or
 *   chat.postEphemeral whose blocks break one answers `invalid_blocks`, whose `text` is too long
 *   `msg_too_long`; a views.open / views.update / views.push / views.publish view that breaks one
 *   answers `invalid_arguments`. These are checked before any handler runs, so a test's handler
 *   cannot hide them, and every refusal is kept in {@link FakeSlackApi.limitRefusals}: the test
 *   harness fails a test whose bot broke a limit even when the test asserts nothing about it.
 * Any other method answers `{ ok: true }` unless a handler says otherwise. Cursors are not
 * implemented: `next_cursor` is always empty.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake received, in arrival order. */
export interface FakeSlackCall {
  /** Web API method, `conversations.history`. */
  readonly method: string;
  readonly args: Record<string, unknown>;
  /** Request headers, lower-case names. */
  readonly headers: Record<string, string>;
  /** The HTTP status the fake answered with. */
  status: number;
  /** Slack's `error` string when the fake answered `{ ok: false, error }`. */
  error?: string | undefined;
}

/**
 * Slack's size limits on what the bot sends, each from Slack's reference documentation (numbers
 * written here from the documents, never taken from the code under test). Lengths are counted in
 * UTF-16 code units, which is never less than Slack's character count, so the fake is never more
 * lenient than Slack.
 */
export const SLACK_LIMITS = {
  /** Blocks in one message: "up to 50 blocks in each message" (Block Kit reference, "Blocks"). */
  messageBlocks: 50,
  /** Blocks in a modal or Home tab view: "100 blocks in modals or Home tabs" (Block Kit "Blocks"; "Modal views" and "Home tab views": "Max of 100 blocks"). */
  viewBlocks: 100,
  /** A section block's `text`: "Maximum length for the text in this field is 3000 characters" (Block Kit "Section block"). */
  sectionText: 3000,
  /** A section block's `fields`: at most 10 items of at most 2,000 characters each (Block Kit "Section block"). */
  sectionFields: 10,
  sectionFieldText: 2000,
  /** Any other text object's `text` (a context element): "Maximum length … 3000 characters" (Block Kit "Text object"). */
  textObject: 3000,
  /** A header block's plain text: "Maximum length for the text in this field is 150 characters" (Block Kit "Header block"). */
  headerText: 150,
  /** A context block's `elements`: "Maximum number of items is 10" (Block Kit "Context block"). */
  contextElements: 10,
  /** An actions block's `elements`: "a maximum of 25 elements in each action block" (Block Kit "Actions block"). */
  actionsElements: 25,
  /** A `block_id`: "Maximum length for this field is 255 characters" (Block Kit, every block). */
  blockId: 255,
  /** A button's `value`: at most 2,000 characters (Block Kit "Button element"). */
  buttonValue: 2000,
  /** A button's label: at most 75 characters (Block Kit "Button element"). */
  buttonText: 75,
  /** An element's `action_id`: at most 255 characters (Block Kit "Button element" and the other elements). */
  actionId: 255,
  /**
   * A message's top-level `text`: Slack truncates text past 40,000 characters and refuses it with
   * `msg_too_long` (chat.postMessage reference, "Truncating content" and "Errors"; Slack changelog
   * 2018-04 "Truncating really long messages").
   */
  messageText: 40_000,
  /** A modal's `title`, `submit` and `close` labels: max length of 24 characters (Block Kit "Modal views"). */
  modalLabel: 24,
  /** A view's `private_metadata`: max length of 3000 characters ("Modal views", "Home tab views"). */
  privateMetadata: 3000,
} as const;

/** A message in the fake's table; any further Slack fields are returned as given. */
export interface FakeMessage {
  readonly ts: string;
  readonly text?: string;
  readonly user?: string;
  readonly thread_ts?: string;
  readonly subtype?: string;
  readonly bot_id?: string;
  readonly [field: string]: unknown;
}

export interface FakeUser {
  readonly id: string;
  readonly name: string;
  readonly real_name?: string;
  readonly profile?: { readonly display_name?: string; readonly real_name?: string };
  readonly [field: string]: unknown;
}

export interface FakeChannel {
  readonly id: string;
  readonly name?: string;
  readonly is_private?: boolean;
  readonly is_im?: boolean;
  readonly is_mpim?: boolean;
  readonly [field: string]: unknown;
}

/** An answer with a chosen HTTP status and headers; see {@link httpReply}. */
export class HttpReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** Answers with `status`, a JSON `body` and `headers` (a 500, a 429 with Retry-After…). */
export function httpReply(status: number, body: unknown, headers: Record<string, string> = {}): HttpReply {
  return new HttpReply(status, body, headers);
}

/**
 * Answers one call: a JSON body (sent with HTTP 200, like Slack's `{ ok: false, error }` answers)
 * or an {@link HttpReply}. `next()` gives the fake's default answer.
 */
export type FakeHandler = (
  args: Record<string, unknown>,
  call: FakeSlackCall,
  next: () => unknown,
) => unknown;

export interface FakeSlackApi {
  /** Base URL ending in `/api/`, for WebClient's `slackApiUrl`. */
  readonly url: string;
  /** Every call so far, in order. */
  readonly calls: FakeSlackCall[];
  /** The calls of one method, in order. */
  callsOf(method: string): FakeSlackCall[];
  /** Answers `method` with `handler` from now on; `undefined` restores the default. */
  setHandler(method: string, handler: FakeHandler | undefined): void;
  /** The next `times` calls of `method` get HTTP 429, `Retry-After: retryAfterSeconds`, `ratelimited`. */
  rateLimit(method: string, times: number, retryAfterSeconds?: number): void;
  /** The bot is (not) a member of `channelId`: history, replies and postMessage answer `not_in_channel`. */
  notInChannel(channelId: string, notIn?: boolean): void;
  addMessage(channelId: string, message: FakeMessage): void;
  /** The channel's messages as the fake holds them, oldest first (posted ones included). */
  messages(channelId: string): FakeMessage[];
  addUser(user: FakeUser): void;
  addChannel(channel: FakeChannel): void;
  /** Adds custom emoji `emoji.list` answers: name → image URL or `alias:<name>`. */
  addEmoji(emoji: Readonly<Record<string, string>>): void;
  /** Forgets the recorded calls (tables, handlers and rate limits stay). */
  clearCalls(): void;
  /**
   * Every call refused for breaking one of Slack's limits ({@link SLACK_LIMITS}), with what it
   * broke, since the fake started (clearCalls keeps them).
   */
  limitRefusals(): readonly {
    readonly method: string;
    readonly error: string;
    readonly problems: readonly string[];
  }[];
  close(): Promise<void>;
}

export interface FakeSlackOptions {
  readonly teamId?: string;
  readonly teamDomain?: string;
  readonly botUserId?: string;
  readonly botId?: string;
}

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeSlackApi(options: FakeSlackOptions = {}): Promise<FakeSlackApi> {
  const teamId = options.teamId ?? "T0WEEK0001";
  const domain = options.teamDomain ?? "weeknotes-test";
  const botUserId = options.botUserId ?? "U0BOT00001";
  const botId = options.botId ?? "B0BOT00001";

  const calls: FakeSlackCall[] = [];
  const handlers = new Map<string, FakeHandler>();
  const rateLimits = new Map<string, { remaining: number; retryAfterSeconds: number }>();
  const notMember = new Set<string>();
  const messagesByChannel = new Map<string, Map<string, FakeMessage>>();
  const users = new Map<string, FakeUser>();
  const channels = new Map<string, FakeChannel>();
  const refusals: { method: string; error: string; problems: string[] }[] = [];
  let posted = 0;

  function table(channelId: string): Map<string, FakeMessage> {
    let messages = messagesByChannel.get(channelId);
    if (!messages) {
      messages = new Map();
      messagesByChannel.set(channelId, messages);
    }
    return messages;
  }

  function sorted(channelId: string): FakeMessage[] {
    return [...(messagesByChannel.get(channelId)?.values() ?? [])].sort((a, b) => compareTs(a.ts, b.ts));
  }

  function knownChannel(channelId: string): boolean {
    return channels.has(channelId) || messagesByChannel.has(channelId);
  }

  function nextTs(): string {
    posted += 1;
    return `${1_800_000_000 + posted}.${String(posted).padStart(6, "0")}`;
  }

  const customEmoji = new Map<string, string>();

  const defaults: Record<string, (args: Record<string, unknown>) => unknown> = {
    "auth.test": () => ({
      ok: true,
      url: `https://${domain}.slack.com/`,
      team: "Weeknotes Test",
      user: "weeknotes",
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
    }),

    "conversations.history": (args) => {
      const channel = String(args.channel ?? "");
      const refused = membership(channel);
      if (refused) {
        return refused;
      }
      const inclusive = flag(args.inclusive);
      const oldest = args.oldest === undefined ? undefined : String(args.oldest);
      const latest = args.latest === undefined ? undefined : String(args.latest);
      const limit = clamp(Number(args.limit ?? 100), 1, 999);
      const inRange = sorted(channel)
        .filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === "thread_broadcast")
        .filter((m) => within(m.ts, oldest, latest, inclusive));
      // Only `oldest` anchors the window at `oldest`; otherwise it hangs from `latest` (or now).
      const page =
        oldest !== undefined && latest === undefined ? inRange.slice(0, limit) : inRange.slice(-limit);
      return {
        ok: true,
        messages: page.reverse(),
        has_more: inRange.length > limit,
        pin_count: 0,
        response_metadata: { next_cursor: "" },
      };
    },

    "conversations.replies": (args) => {
      const channel = String(args.channel ?? "");
      const refused = membership(channel);
      if (refused) {
        return refused;
      }
      const named = table(channel).get(String(args.ts ?? ""));
      if (!named) {
        return { ok: false, error: "thread_not_found" };
      }
      const parentTs = named.thread_ts ?? named.ts;
      const parent = table(channel).get(parentTs);
      if (!parent) {
        return { ok: false, error: "thread_not_found" };
      }
      const inclusive = flag(args.inclusive);
      const oldest = args.oldest === undefined ? undefined : String(args.oldest);
      const latest = args.latest === undefined ? undefined : String(args.latest);
      const limit = clamp(Number(args.limit ?? 1000), 1, 1000);
      const replies = sorted(channel).filter(
        (m) => m.thread_ts === parentTs && m.ts !== parentTs && within(m.ts, oldest, latest, inclusive),
      );
      return {
        ok: true,
        messages: [parent, ...replies.slice(0, limit)],
        has_more: replies.length > limit,
        response_metadata: { next_cursor: "" },
      };
    },

    "conversations.info": (args) => {
      const channel = channels.get(String(args.channel ?? ""));
      return channel ? { ok: true, channel } : { ok: false, error: "channel_not_found" };
    },

    "conversations.open": (args) => {
      const user = String(args.users ?? "").split(",")[0] ?? "";
      const dm = dmWith(user);
      return dm ? { ok: true, channel: { id: dm } } : { ok: false, error: "user_not_found" };
    },

    // emoji.list reference: `{ ok, emoji: { name: url | "alias:name" } }`, needs emoji:read.
    "emoji.list": () => ({ ok: true, emoji: Object.fromEntries(customEmoji) }),

    "users.info": (args) => {
      const user = users.get(String(args.user ?? ""));
      return user ? { ok: true, user } : { ok: false, error: "user_not_found" };
    },

    "chat.getPermalink": (args) => {
      const channel = String(args.channel ?? "");
      const ts = String(args.message_ts ?? "");
      const message = messagesByChannel.get(channel)?.get(ts);
      if (!message) {
        return { ok: false, error: knownChannel(channel) ? "message_not_found" : "channel_not_found" };
      }
      const base = `https://${domain}.slack.com/archives/${channel}/p${ts.replace(".", "")}`;
      const reply = message.thread_ts !== undefined && message.thread_ts !== ts;
      return {
        ok: true,
        channel,
        permalink: reply ? `${base}?thread_ts=${message.thread_ts}&cid=${channel}` : base,
      };
    },

    "chat.postMessage": (args) => {
      // A user id as the channel posts in the app's DM with that user.
      const named = String(args.channel ?? "");
      const channel = /^[UW]/.test(named) ? (dmWith(named) ?? named) : named;
      const refused = membership(channel);
      if (refused) {
        return refused;
      }
      if (!args.text && !args.blocks) {
        return { ok: false, error: "no_text" };
      }
      const ts = nextTs();
      const message: FakeMessage = {
        type: "message",
        ts,
        user: botUserId,
        bot_id: botId,
        text: String(args.text ?? ""),
        ...(args.blocks === undefined ? {} : { blocks: args.blocks }),
        ...(args.thread_ts === undefined ? {} : { thread_ts: String(args.thread_ts) }),
      };
      table(channel).set(ts, message);
      return { ok: true, channel, ts, message };
    },

    "chat.update": (args) => {
      const channel = String(args.channel ?? "");
      const ts = String(args.ts ?? "");
      const existing = messagesByChannel.get(channel)?.get(ts);
      if (!existing) {
        return { ok: false, error: "message_not_found" };
      }
      const message: FakeMessage = {
        ...existing,
        text: String(args.text ?? ""),
        ...(args.blocks === undefined ? {} : { blocks: args.blocks }),
      };
      table(channel).set(ts, message);
      return { ok: true, channel, ts, text: message.text, message };
    },

    "chat.postEphemeral": () => ({ ok: true, message_ts: nextTs() }),

    "views.open": (args) => ({
      ok: true,
      view: { id: `V${nextTs().replace(".", "")}`, ...record(args.view) },
    }),
    "views.update": (args) => ({
      ok: true,
      view: { id: String(args.view_id ?? `V${nextTs().replace(".", "")}`), ...record(args.view) },
    }),
    "views.publish": (args) => ({
      ok: true,
      view: { id: `V${nextTs().replace(".", "")}`, ...record(args.view) },
    }),
  };

  /** The id of the bot's DM with `user`, opening it on first use; undefined for an unknown user. */
  function dmWith(user: string): string | undefined {
    if (!users.has(user)) {
      return undefined;
    }
    const id = `D${user.slice(1).padEnd(9, "0").slice(0, 9)}`;
    if (!channels.has(id)) {
      channels.set(id, { id, is_im: true, user });
    }
    return id;
  }

  function membership(channel: string): Record<string, unknown> | undefined {
    if (notMember.has(channel)) {
      return { ok: false, error: "not_in_channel" };
    }
    if (!knownChannel(channel)) {
      return { ok: false, error: "channel_not_found" };
    }
    return undefined;
  }

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const match = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
    if (request.method !== "POST" || !match?.[1]) {
      send(response, 404, { ok: false, error: "unknown_method" });
      return;
    }
    const method = match[1];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name] = Array.isArray(value) ? value.join(", ") : (value ?? "");
    }
    const args = parseBody(headers["content-type"] ?? "", await readBody(request));
    const call: FakeSlackCall = { method, args, headers, status: 200 };
    calls.push(call);

    const limited = rateLimits.get(method);
    if (limited && limited.remaining > 0) {
      limited.remaining -= 1;
      call.status = 429;
      send(
        response,
        429,
        { ok: false, error: "ratelimited" },
        { "Retry-After": String(limited.retryAfterSeconds) },
      );
      return;
    }
    // oauth.v2.access authenticates with the app's client id and secret, not a token (its reference page).
    const byClient =
      method === "oauth.v2.access" &&
      typeof args.client_id === "string" &&
      typeof args.client_secret === "string";
    if (!byClient && !headers.authorization?.startsWith("Bearer ") && typeof args.token !== "string") {
      call.error = "not_authed";
      send(response, 200, { ok: false, error: "not_authed" });
      return;
    }
    const broken = limitProblems(method, args);
    if (broken) {
      // Like Slack: the reason is in response_metadata.messages, with a JSON pointer.
      refusals.push({ method, ...broken });
      call.error = broken.error;
      send(response, 200, {
        ok: false,
        error: broken.error,
        response_metadata: { messages: broken.problems.map((p) => `[ERROR] ${p}`) },
      });
      return;
    }
    // Methods without a default answer `{ ok: true }`, so tests only describe what matters to them.
    const fallback = () => (defaults[method] ?? (() => ({ ok: true })))(args);
    const handler = handlers.get(method);
    const reply = handler ? await handler(args, call, fallback) : fallback();
    if (reply instanceof HttpReply) {
      call.status = reply.status;
      call.error = errorOf(reply.body);
      send(response, reply.status, reply.body, reply.headers);
    } else {
      call.error = errorOf(reply);
      send(response, 200, reply);
    }
  }

  const server: Server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      send(response, 500, { ok: false, error: "fake_failed", detail: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    callsOf: (method) => calls.filter((call) => call.method === method),
    setHandler(method, handler) {
      if (handler) {
        handlers.set(method, handler);
      } else {
        handlers.delete(method);
      }
    },
    rateLimit(method, times, retryAfterSeconds = 60) {
      rateLimits.set(method, { remaining: times, retryAfterSeconds });
    },
    notInChannel(channelId, notIn = true) {
      if (notIn) {
        notMember.add(channelId);
      } else {
        notMember.delete(channelId);
      }
    },
    addMessage(channelId, message) {
      table(channelId).set(message.ts, message);
    },
    messages: (channelId) => sorted(channelId),
    addUser(user) {
      users.set(user.id, user);
    },
    addChannel(channel) {
      channels.set(channel.id, channel);
    },
    addEmoji(emoji) {
      for (const [name, value] of Object.entries(emoji)) {
        customEmoji.set(name, value);
      }
    },
    clearCalls() {
      calls.length = 0;
    },
    limitRefusals: () => refusals.map((r) => ({ ...r, problems: [...r.problems] })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const MESSAGE_METHODS = new Set([
  "chat.postMessage",
  "chat.update",
  "chat.postEphemeral",
  "chat.scheduleMessage",
]);
const VIEW_METHODS = new Set(["views.open", "views.update", "views.push", "views.publish"]);

/** What a call breaks of {@link SLACK_LIMITS}, as Slack's error and the problems found; undefined when nothing. */
function limitProblems(
  method: string,
  args: Record<string, unknown>,
): { error: string; problems: string[] } | undefined {
  if (MESSAGE_METHODS.has(method)) {
    const problems = blocksProblems(args.blocks, SLACK_LIMITS.messageBlocks, "/blocks");
    if (problems.length > 0) {
      return { error: "invalid_blocks", problems };
    }
    const text = typeof args.text === "string" ? args.text : "";
    if (text.length > SLACK_LIMITS.messageText) {
      return {
        error: "msg_too_long",
        problems: [`text is ${text.length} characters, more than ${SLACK_LIMITS.messageText}`],
      };
    }
    return undefined;
  }
  if (VIEW_METHODS.has(method)) {
    const problems = viewProblems(args.view);
    return problems.length > 0 ? { error: "invalid_arguments", problems } : undefined;
  }
  return undefined;
}

function viewProblems(value: unknown): string[] {
  const view = typeof value === "string" ? parseJsonOr(value) : value;
  if (typeof view !== "object" || view === null || Array.isArray(view)) {
    return ["must provide an object [json-pointer:/view]"];
  }
  const fields = view as Record<string, unknown>;
  const problems = blocksProblems(fields.blocks, SLACK_LIMITS.viewBlocks, "/view/blocks");
  for (const label of ["title", "submit", "close"]) {
    const text = textOf(fields[label]);
    if (fields.type === "modal" && text !== undefined && text.length > SLACK_LIMITS.modalLabel) {
      problems.push(
        `${label} longer than ${SLACK_LIMITS.modalLabel} characters [json-pointer:/view/${label}/text]`,
      );
    }
  }
  if (
    typeof fields.private_metadata === "string" &&
    fields.private_metadata.length > SLACK_LIMITS.privateMetadata
  ) {
    problems.push(
      `private_metadata longer than ${SLACK_LIMITS.privateMetadata} characters [json-pointer:/view/private_metadata]`,
    );
  }
  return problems;
}

/** What a blocks array breaks; `undefined` (no blocks) breaks nothing. */
function blocksProblems(value: unknown, maxBlocks: number, pointer: string): string[] {
  if (value === undefined) {
    return [];
  }
  const blocks = typeof value === "string" ? parseJsonOr(value) : value;
  if (!Array.isArray(blocks)) {
    return [`must provide an array [json-pointer:${pointer}]`];
  }
  const problems: string[] = [];
  if (blocks.length > maxBlocks) {
    problems.push(`no more than ${maxBlocks} items allowed, got ${blocks.length} [json-pointer:${pointer}]`);
  }
  for (const [index, item] of blocks.entries()) {
    problems.push(...blockProblems(record(item), `${pointer}/${index}`));
  }
  return problems;
}

function blockProblems(block: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  const tooLong = (text: string | undefined, limit: number, where: string) => {
    if (text !== undefined && text.length > limit) {
      problems.push(
        `must be less than ${limit + 1} characters, got ${text.length} [json-pointer:${at}${where}]`,
      );
    }
  };
  tooLong(typeof block.block_id === "string" ? block.block_id : undefined, SLACK_LIMITS.blockId, "/block_id");
  switch (block.type) {
    case "section": {
      tooLong(textOf(block.text), SLACK_LIMITS.sectionText, "/text/text");
      if (Array.isArray(block.fields)) {
        if (block.fields.length > SLACK_LIMITS.sectionFields) {
          problems.push(
            `no more than ${SLACK_LIMITS.sectionFields} items allowed [json-pointer:${at}/fields]`,
          );
        }
        for (const [i, field] of block.fields.entries()) {
          tooLong(textOf(field), SLACK_LIMITS.sectionFieldText, `/fields/${i}/text`);
        }
      }
      problems.push(...elementProblems(record(block.accessory), `${at}/accessory`));
      break;
    }
    case "header":
      tooLong(textOf(block.text), SLACK_LIMITS.headerText, "/text/text");
      break;
    case "context": {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length > SLACK_LIMITS.contextElements) {
        problems.push(
          `no more than ${SLACK_LIMITS.contextElements} items allowed, got ${elements.length} [json-pointer:${at}/elements]`,
        );
      }
      for (const [i, element] of elements.entries()) {
        tooLong(textOf(element), SLACK_LIMITS.textObject, `/elements/${i}/text`);
      }
      break;
    }
    case "actions": {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length > SLACK_LIMITS.actionsElements) {
        problems.push(
          `no more than ${SLACK_LIMITS.actionsElements} items allowed, got ${elements.length} [json-pointer:${at}/elements]`,
        );
      }
      for (const [i, element] of elements.entries()) {
        problems.push(...elementProblems(record(element), `${at}/elements/${i}`));
      }
      break;
    }
    case "input":
      problems.push(...elementProblems(record(block.element), `${at}/element`));
      break;
  }
  return problems;
}

function elementProblems(element: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  const tooLong = (text: string | undefined, limit: number, where: string) => {
    if (text !== undefined && text.length > limit) {
      problems.push(
        `must be less than ${limit + 1} characters, got ${text.length} [json-pointer:${at}${where}]`,
      );
    }
  };
  tooLong(
    typeof element.action_id === "string" ? element.action_id : undefined,
    SLACK_LIMITS.actionId,
    "/action_id",
  );
  if (element.type === "button") {
    tooLong(
      typeof element.value === "string" ? element.value : undefined,
      SLACK_LIMITS.buttonValue,
      "/value",
    );
    tooLong(textOf(element.text), SLACK_LIMITS.buttonText, "/text/text");
  }
  return problems;
}

/** The `text` of a text object (`{ type, text }`), if it is one. */
function textOf(value: unknown): string | undefined {
  const text = record(value).text;
  return typeof text === "string" ? text : undefined;
}

function errorOf(body: unknown): string | undefined {
  const fields = record(body);
  return fields.ok === false && typeof fields.error === "string" ? fields.error : undefined;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A form body as Slack reads it (JSON-looking values decoded), or a JSON body as it is. */
function parseBody(contentType: string, body: string): Record<string, unknown> {
  if (contentType.includes("application/json")) {
    return body ? record(JSON.parse(body)) : {};
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = /^[[{]/.test(value) ? parseJsonOr(value) : value;
  }
  return args;
}

function parseJsonOr(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    // Text that merely starts with a bracket is kept as the string it is.
    return value;
  }
}

/** Slack ts strings compare as numbers: seconds, then microseconds. */
function compareTs(a: string, b: string): number {
  return tsValue(a) - tsValue(b);
}

function tsValue(ts: string): number {
  const [seconds = "0", micros = "0"] = ts.split(".");
  return Number(seconds) * 1_000_000 + Number(micros.padEnd(6, "0").slice(0, 6));
}

function within(
  ts: string,
  oldest: string | undefined,
  latest: string | undefined,
  inclusive: boolean,
): boolean {
  const value = tsValue(ts);
  if (oldest !== undefined) {
    const bound = tsValue(oldest);
    if (inclusive ? value < bound : value <= bound) {
      return false;
    }
  }
  if (latest !== undefined) {
    const bound = tsValue(latest);
    if (inclusive ? value > bound : value >= bound) {
      return false;
    }
  }
  return true;
}

function flag(value: unknown): boolean {
  return value === true || value === "true" || value === "1" || value === 1;
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.trunc(value))) : min;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}
