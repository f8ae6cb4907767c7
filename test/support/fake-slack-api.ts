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
 * - a call without a token answers `not_authed`; `rateLimit` answers HTTP 429 with `Retry-After`.
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
}

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
  /** Forgets the recorded calls (tables, handlers and rate limits stay). */
  clearCalls(): void;
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
    if (!headers.authorization?.startsWith("Bearer ") && typeof args.token !== "string") {
      send(response, 200, { ok: false, error: "not_authed" });
      return;
    }
    // Methods without a default answer `{ ok: true }`, so tests only describe what matters to them.
    const fallback = () => (defaults[method] ?? (() => ({ ok: true })))(args);
    const handler = handlers.get(method);
    const reply = handler ? await handler(args, call, fallback) : fallback();
    if (reply instanceof HttpReply) {
      call.status = reply.status;
      send(response, reply.status, reply.body, reply.headers);
    } else {
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
    clearCalls() {
      calls.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
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
