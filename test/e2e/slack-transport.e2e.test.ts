import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { App, type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpServer, type HttpServer } from "../../adapters/http/server.ts";
import { createSlackHttpReceiver, SLACK_EVENTS_PATH } from "../../adapters/slack/http-receiver.ts";
import { yieldToEventLoop } from "../../src/app/yield.ts";
import type { Clock, Timers } from "../../src/ports/clock.ts";
import { manualTime } from "../support/manual-timers.ts";
import { type LogEntry, recordingLogger } from "../support/memory-logger.ts";
import {
  postSigned,
  postSlackCommand,
  postSlackEvent,
  postSlackInteraction,
  type SignedPostOptions,
} from "../support/slack-signing.ts";

// SPEC §4 (HTTP Events API), §9 and CASES C1 (retries reach the app) and C18 (signatures over the
// exact raw bytes, replays, unsigned requests): the real node:http server on 127.0.0.1:0, a real
// Bolt App on our receiver, and requests signed from Slack's documented recipe.

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
// A fixed "now" for the replay window: signatures never depend on the wall clock.
const NOW_MS = Date.UTC(2026, 2, 23, 9, 0, 0);
const NOW_S = NOW_MS / 1000;
const clock: Clock = { now: () => NOW_MS };
const MAX_BODY_BYTES = 64 * 1024;
const signed: SignedPostOptions = { secret: SECRET, timestampSeconds: NOW_S };

// C1's reaction, as the Events API envelope Slack posts.
const REACTION_ENVELOPE = {
  token: "legacy-verification-token",
  team_id: "T0TEAM0001",
  api_app_id: "A0WEEKNOTE",
  type: "event_callback",
  event_id: "Ev0DUP00001",
  event_time: 1700000005,
  event: {
    type: "reaction_added",
    user: "U0ALICE001",
    reaction: "star",
    item_user: "U0BOB00002",
    item: { type: "message", channel: "C0GENERAL1", ts: "1700000000.000100" },
    event_ts: "1700000005.000200",
  },
};

const APPROVE_ACTION = {
  type: "block_actions",
  team: { id: "T0TEAM0001", domain: "council" },
  user: { id: "U0ALICE001", username: "alice", team_id: "T0TEAM0001" },
  api_app_id: "A0WEEKNOTE",
  token: "legacy-verification-token",
  trigger_id: "1111.2222.abcd",
  container: { type: "message", message_ts: "1700000100.000100", channel_id: "C0GENERAL1" },
  channel: { id: "C0GENERAL1", name: "general" },
  actions: [
    {
      type: "button",
      action_id: "approve",
      block_id: "decision",
      value: "d-2025-W02-T1",
      action_ts: "1700000101.000200",
    },
  ],
};

const COMMAND = {
  token: "legacy-verification-token",
  team_id: "T0TEAM0001",
  team_domain: "council",
  channel_id: "C0GENERAL1",
  channel_name: "general",
  user_id: "U0ALICE001",
  user_name: "alice",
  command: "/weeknotes",
  text: "draft last week & more",
  api_app_id: "A0WEEKNOTE",
  response_url: "http://127.0.0.1:1/commands/response",
  trigger_id: "1111.2222.efgh",
};

// Bolt logs listener errors on its own logger; the tests keep the console quiet.
const quietBoltLogger: BoltLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** Lets a listener wait until the test says go. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

interface Seen {
  kind: "event" | "command" | "action";
  id: string;
  retryNum?: number | undefined;
  retryReason?: string | undefined;
  text?: string;
  /** The correlation id the receiver gave the request (Bolt's context). */
  correlationId?: unknown;
}

interface TestBot {
  url: string;
  events: string;
  server: HttpServer;
  seen: Seen[];
  logs: LogEntry[];
  setReady(ready: boolean): void;
}

/** `/slow` calls `entered()` on arrival, then acks only once `release` resolves. */
interface SlowListener {
  entered(): void;
  release: Promise<void>;
}

async function startBot(options: { ackTimeoutMs?: number; slow?: SlowListener } = {}): Promise<TestBot> {
  const logs: LogEntry[] = [];
  const logger = recordingLogger(logs);
  const seen: Seen[] = [];
  let ready = true;
  let ids = 0;
  const { receiver, handler } = createSlackHttpReceiver({
    signingSecret: SECRET,
    clock,
    logger,
    maxBodyBytes: MAX_BODY_BYTES,
    newId: () => {
      ids += 1;
      return `corr-${ids}`;
    },
    ...(options.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: options.ackTimeoutMs }),
  });
  const app = new App({
    receiver,
    token: "xoxb-test",
    // With both ids given and verification off, Bolt's authorize never calls auth.test.
    botId: "B0WEEKNOTE",
    botUserId: "U0WEEKNOTE",
    tokenVerificationEnabled: false,
    // Port 1 refuses connections: a listener that reached for the Web API would fail loudly.
    clientOptions: { slackApiUrl: "http://127.0.0.1:1/" },
    logger: quietBoltLogger,
  });
  app.event("reaction_added", async ({ event, context }) => {
    seen.push({
      kind: "event",
      id: `${event.reaction}@${event.item.type === "message" ? event.item.ts : "?"}`,
      retryNum: context.retryNum,
      retryReason: context.retryReason,
      correlationId: context.correlationId,
    });
  });
  app.command("/weeknotes", async ({ command, ack }) => {
    seen.push({ kind: "command", id: command.command, text: command.text });
    if (command.text === "json") await ack({ response_type: "ephemeral", text: "As JSON" });
    else await ack("Drafting last week's note");
  });
  app.command("/slow", async ({ ack }) => {
    options.slow?.entered();
    await options.slow?.release;
    await ack("done at last");
  });
  app.command("/broken", async () => {
    throw new Error("database password is hunter2");
  });
  app.action("approve", async ({ action, ack }) => {
    seen.push({ kind: "action", id: "value" in action ? String(action.value) : "?" });
    await ack();
  });

  const server = createHttpServer({
    host: "127.0.0.1",
    port: 0,
    logger,
    routes: new Map([[SLACK_EVENTS_PATH, handler]]),
    readiness: async () => {
      if (!ready) throw new Error("database unreachable");
    },
  });
  const { url } = await server.listen();
  return { url, events: `${url}${SLACK_EVENTS_PATH}`, server, seen, logs, setReady: (r) => (ready = r) };
}

/** Sends `size` bytes with chunked encoding (no Content-Length), as fast as the server takes them. */
/** POSTs raw bytes as JSON, signed over exactly those bytes; resolves with the status. */
function postSignedBytes(url: string, body: Buffer): Promise<number> {
  const timestamp = String(NOW_S);
  const digest = createHmac("sha256", SECRET).update(`v0:${timestamp}:`).update(body).digest("hex");
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": String(body.length),
        "x-slack-signature": `v0=${digest}`,
        "x-slack-request-timestamp": timestamp,
      },
    });
    req.on("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(body);
  });
}

function postChunked(url: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json" } });
    req.on("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
      req.destroy();
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(16 * 1024, "a");
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("Slack HTTP transport", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(async () => {
    await bot.server.close();
  });
  const seenSince = (before: number) => bot.seen.slice(before);

  describe("signed requests reach Bolt", () => {
    it("a signed event gets 200 and reaches the event listener", async () => {
      const before = bot.seen.length;
      const result = await postSlackEvent(bot.events, REACTION_ENVELOPE, signed);
      expect(result.status).toBe(200);
      expect(result.body).toBe("");
      expect(seenSince(before)).toEqual([
        {
          kind: "event",
          id: "star@1700000000.000100",
          retryNum: undefined,
          retryReason: undefined,
          correlationId: expect.stringMatching(/^corr-\d+$/),
        },
      ]);
    });

    it("gives each request its own correlation id, in the listener's context and the acknowledgement log", async () => {
      const before = bot.seen.length;
      await postSlackEvent(bot.events, REACTION_ENVELOPE, signed);
      await postSlackEvent(bot.events, REACTION_ENVELOPE, signed);
      const ids = seenSince(before).map((s) => s.correlationId);
      expect(ids).toHaveLength(2);
      expect(new Set(ids).size).toBe(2);
      for (const id of ids) {
        expect(
          bot.logs.filter((e) => e.message === "Slack request acknowledged" && e.fields.correlationId === id),
        ).toEqual([expect.objectContaining({ fields: expect.objectContaining({ eventId: "Ev0DUP00001" }) })]);
      }
    });

    it("passes Slack's retry headers through to the listener's context (C1)", async () => {
      const before = bot.seen.length;
      const result = await postSlackEvent(bot.events, REACTION_ENVELOPE, {
        ...signed,
        headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
      });
      expect(result.status).toBe(200);
      expect(seenSince(before)).toEqual([
        {
          kind: "event",
          id: "star@1700000000.000100",
          retryNum: 1,
          retryReason: "http_timeout",
          correlationId: expect.any(String),
        },
      ]);
    });

    it("answers url_verification with the challenge", async () => {
      const result = await postSlackEvent(
        bot.events,
        {
          token: "legacy",
          challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
          type: "url_verification",
        },
        signed,
      );
      expect(result.status).toBe(200);
      expect(result.headers.get("content-type")).toMatch(/^application\/json/);
      expect(JSON.parse(result.body)).toEqual({
        challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      });
    });

    it("a signed slash command (form body) reaches app.command and its ack text is the answer", async () => {
      const before = bot.seen.length;
      const result = await postSlackCommand(bot.events, COMMAND, signed);
      expect(result.status).toBe(200);
      expect(result.body).toBe("Drafting last week's note");
      expect(seenSince(before)).toEqual([
        { kind: "command", id: "/weeknotes", text: "draft last week & more" },
      ]);
    });

    it("an ack with an object answers JSON", async () => {
      const result = await postSlackCommand(bot.events, { ...COMMAND, text: "json" }, signed);
      expect(result.status).toBe(200);
      expect(result.headers.get("content-type")).toMatch(/^application\/json/);
      expect(JSON.parse(result.body)).toEqual({ response_type: "ephemeral", text: "As JSON" });
    });

    it("a signed interactive payload= reaches app.action with an empty 200", async () => {
      const before = bot.seen.length;
      const result = await postSlackInteraction(bot.events, APPROVE_ACTION, signed);
      expect(result.status).toBe(200);
      expect(result.body).toBe("");
      expect(seenSince(before)).toEqual([{ kind: "action", id: "d-2025-W02-T1" }]);
    });

    it("accepts a timestamp just inside the 5-minute window, and a content type with a charset", async () => {
      const result = await postSigned(
        bot.events,
        JSON.stringify(REACTION_ENVELOPE),
        "application/json; charset=utf-8",
        { ...signed, timestampSeconds: NOW_S - 299 },
      );
      expect(result.status).toBe(200);
    });

    it("acknowledges and ignores an event no listener handles", async () => {
      const before = bot.seen.length;
      const envelope = { ...REACTION_ENVELOPE, event_id: "Ev0UNKNOWN1", event: { type: "emoji_changed" } };
      const result = await postSlackEvent(bot.events, envelope, signed);
      expect(result.status).toBe(200);
      expect(seenSince(before)).toEqual([]);
    });

    it("keeps non-ASCII text intact through signing and parsing", async () => {
      const before = bot.seen.length;
      const text = "שלום 👋🏽 zero\u200Bwidth & <b>";
      const result = await postSlackCommand(bot.events, { ...COMMAND, text }, signed);
      expect(result.status).toBe(200);
      expect(seenSince(before)).toEqual([{ kind: "command", id: "/weeknotes", text }]);
    });
  });

  describe("refused requests never reach a listener (C18)", () => {
    it.each<[string, () => Promise<{ status: number }>]>([
      [
        "a forged signature (wrong secret)",
        () => postSlackEvent(bot.events, REACTION_ENVELOPE, { ...signed, secret: "not-the-secret" }),
      ],
      [
        "a timestamp 600 s old (replay)",
        () => postSlackEvent(bot.events, REACTION_ENVELOPE, { ...signed, timestampSeconds: NOW_S - 600 }),
      ],
      [
        "a timestamp 600 s in the future",
        () => postSlackEvent(bot.events, REACTION_ENVELOPE, { ...signed, timestampSeconds: NOW_S + 600 }),
      ],
      [
        "a body re-serialised with other whitespace under the original signature",
        () =>
          postSlackEvent(bot.events, JSON.stringify(REACTION_ENVELOPE, null, 2), {
            ...signed,
            signedBody: JSON.stringify(REACTION_ENVELOPE),
          }),
      ],
      [
        "a body re-serialised with other key order under the original signature",
        () => {
          const { event, ...rest } = REACTION_ENVELOPE;
          return postSlackEvent(bot.events, JSON.stringify({ event, ...rest }), {
            ...signed,
            signedBody: JSON.stringify(REACTION_ENVELOPE),
          });
        },
      ],
      [
        "an approval with no signature headers",
        () =>
          postSlackEvent(
            bot.events,
            { type: "block_actions", actions: [{ action_id: "approve", value: "d-2025-W02-T1" }] },
            { ...signed, unsigned: true },
          ),
      ],
      [
        "an unsigned interactive payload",
        () => postSlackInteraction(bot.events, APPROVE_ACTION, { ...signed, unsigned: true }),
      ],
      [
        "a signature with an unknown version",
        () =>
          postSlackEvent(bot.events, REACTION_ENVELOPE, {
            ...signed,
            headers: { "x-slack-signature": "v1=abc" },
          }),
      ],
      [
        "a timestamp that is not a number",
        () =>
          postSlackEvent(bot.events, REACTION_ENVELOPE, {
            ...signed,
            headers: { "x-slack-request-timestamp": "soon" },
          }),
      ],
    ])("401 for %s", async (_, send) => {
      const before = bot.seen.length;
      const result = await send();
      expect(result.status).toBe(401);
      expect(seenSince(before)).toEqual([]);
    });

    it("logs why a signature was refused, without the secret", () => {
      const refusals = bot.logs.filter((entry) => entry.message === "Slack request refused");
      expect(refusals.length).toBeGreaterThan(0);
      expect(JSON.stringify(bot.logs)).not.toContain(SECRET);
    });

    it("400 for malformed JSON with a valid signature", async () => {
      const result = await postSlackEvent(bot.events, '{"type":"event_callback",', signed);
      expect(result.status).toBe(400);
    });

    it("400 for JSON that is not an object, and for a broken payload= field", async () => {
      expect((await postSlackEvent(bot.events, "[1,2]", signed)).status).toBe(400);
      const broken = await postSigned(
        bot.events,
        "payload=%7Bnot-json",
        "application/x-www-form-urlencoded",
        signed,
      );
      expect(broken.status).toBe(400);
    });

    it("checks the signature before parsing: malformed JSON without a valid signature is 401", async () => {
      const result = await postSlackEvent(bot.events, "{not json", { ...signed, secret: "wrong" });
      expect(result.status).toBe(401);
    });

    it("401 for a correctly signed body that is not valid UTF-8 (what would be parsed is not what was signed)", async () => {
      const json = Buffer.from(JSON.stringify(REACTION_ENVELOPE));
      const broken = Buffer.concat([json.subarray(0, json.length - 2), Buffer.from([0xff, 0x22, 0x7d])]);
      expect(await postSignedBytes(bot.events, broken)).toBe(401);
      expect(await postSignedBytes(bot.events, json)).toBe(200);
    });

    it("413 for a body over the limit (Content-Length), before it is read", async () => {
      const before = bot.seen.length;
      const huge = JSON.stringify({ ...REACTION_ENVELOPE, padding: "x".repeat(MAX_BODY_BYTES) });
      const result = await postSlackEvent(bot.events, huge, signed);
      expect(result.status).toBe(413);
      expect(seenSince(before)).toEqual([]);
    });

    it("413 for a chunked body that runs over the limit", async () => {
      expect(await postChunked(bot.events, 4 * MAX_BODY_BYTES)).toBe(413);
    });

    it("answers 500 with no details when a listener throws before ack", async () => {
      const result = await postSlackCommand(bot.events, { ...COMMAND, command: "/broken" }, signed);
      expect(result.status).toBe(500);
      expect(result.body).not.toContain("hunter2");
    });
  });

  describe("the shared server", () => {
    it("/healthz answers 200 to GET and HEAD", async () => {
      const get = await fetch(`${bot.url}/healthz`);
      expect(get.status).toBe(200);
      expect(await get.text()).toBe("ok\n");
      expect((await fetch(`${bot.url}/healthz`, { method: "HEAD" })).status).toBe(200);
    });

    it("/readyz is 200 when readiness resolves and 503 when it rejects", async () => {
      expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
      bot.setReady(false);
      try {
        const notReady = await fetch(`${bot.url}/readyz`);
        expect(notReady.status).toBe(503);
        expect(await notReady.text()).not.toContain("database");
      } finally {
        bot.setReady(true);
      }
    });

    it("404 for an unknown path, 405 with Allow for a wrong method", async () => {
      expect((await fetch(`${bot.url}/api/approve`, { method: "POST" })).status).toBe(404);
      const get = await fetch(bot.events);
      expect(get.status).toBe(405);
      expect(get.headers.get("allow")).toBe("POST");
      expect((await fetch(`${bot.url}/healthz`, { method: "POST" })).status).toBe(405);
    });

    it("ignores the query string when routing", async () => {
      expect((await fetch(`${bot.url}/healthz?probe=1`)).status).toBe(200);
    });
  });
});

describe("Slack HTTP transport timing", () => {
  it("a signed request holds background work back until it is answered; forged ones never do", async () => {
    // Issue 10 item 15: background slices (yield.ts) wait while requests are answered, but a flood
    // of unsigned requests must not stop them. Manual timers: the 50 ms floor never fires here.
    const time = manualTime(NOW_MS);
    const timers: Timers = {
      after: time.timers.after,
      nextTurn: () => new Promise((go) => setImmediate(go)),
    };
    const release = gate();
    const inside = gate();
    const bot = await startBot({ slow: { entered: () => inside.open(), release: release.opened } });
    try {
      const slow = postSlackCommand(bot.events, { ...COMMAND, command: "/slow" }, signed);
      await inside.opened;
      let resumed = false;
      const waiter = yieldToEventLoop(timers).then(() => {
        resumed = true;
      });
      for (let i = 0; i < 20; i += 1) await new Promise((go) => setImmediate(go));
      expect(resumed).toBe(false); // the signed /slow is being answered
      release.open();
      expect((await slow).status).toBe(200);
      await waiter;

      // Forged requests, eight at a time, all the while: the next waiter goes on regardless.
      let flooding = true;
      let refused = 0;
      const lane = async () => {
        while (flooding) {
          const result = await postSlackEvent(bot.events, REACTION_ENVELOPE, { ...signed, secret: "forged" });
          if (result.status === 401) refused += 1;
        }
      };
      const lanes = Array.from({ length: 8 }, lane);
      while (refused < 20) await new Promise((go) => setImmediate(go));
      await yieldToEventLoop(timers);
      const refusedBefore = refused;
      flooding = false;
      await Promise.all(lanes);
      expect(refusedBefore).toBeGreaterThan(0);
    } finally {
      release.open();
      await bot.server.close();
    }
  });

  it("answers 500 when the listener is not done in time, so Slack retries; finishing late does no harm", async () => {
    const release = gate();
    const bot = await startBot({
      ackTimeoutMs: 200,
      slow: { entered: () => undefined, release: release.opened },
    });
    try {
      const result = await postSlackCommand(bot.events, { ...COMMAND, command: "/slow" }, signed);
      expect(result.status).toBe(500);
      expect(
        bot.logs.some((entry) => entry.level === "error" && entry.message.includes("not done in time")),
      ).toBe(true);
      release.open();
    } finally {
      await bot.server.close();
    }
    expect(bot.logs.some((entry) => entry.message.includes("finished after the 500"))).toBe(true);
  });

  it("close() stops accepting, lets the request in flight finish, then resolves", async () => {
    const release = gate();
    const entered = gate();
    const bot = await startBot({ slow: { entered: entered.open, release: release.opened } });
    const inFlight = postSlackCommand(bot.events, { ...COMMAND, command: "/slow" }, signed);
    await entered.opened;
    let closed = false;
    const closing = bot.server.close().then(() => {
      closed = true;
    });
    // The listening socket is closed at once: a new connection is refused.
    await expect(fetch(`${bot.url}/healthz`)).rejects.toThrow();
    expect(closed).toBe(false);

    release.open();
    const result = await inFlight;
    expect(result.status).toBe(200);
    expect(result.body).toBe("done at last");
    await closing;
    expect(closed).toBe(true);
    await bot.server.close();
  });
});
