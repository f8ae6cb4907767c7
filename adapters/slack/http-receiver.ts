import { isUtf8 } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type AckFn,
  type App,
  type Receiver,
  type ReceiverEvent,
  ReceiverMultipleAckError,
} from "@slack/bolt";
import { answeringRequest } from "../../src/app/yield.ts";
import { BotError } from "../../src/domain/errors.ts";
import type { Clock } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import {
  describeError,
  httpStatusForError,
  type RouteHandler,
  readRawBody,
  sendStatus,
} from "../http/server.ts";

/** Where Slack is told to send events, commands and interactions (the app manifest's request URLs). */
export const SLACK_EVENTS_PATH = "/slack/events";

/** Slack's replay window: a request timestamp further than this from now is refused. */
const REPLAY_WINDOW_SECONDS = 5 * 60;

/** The only version of Slack's request signatures: `v0=` and the hex HMAC-SHA256. */
const SIGNATURE_VERSION = "v0=";

/**
 * The lean path for hot events (slack-app.ts): given a verified, parsed request body and its
 * correlation id, resolves once the event is recorded (or deliberately ignored), and rejects when
 * it could not be recorded; undefined when the body is not a hot event and Bolt should have it.
 */
export type HotEventRoute = (
  body: Record<string, unknown>,
  correlationId: string,
) => Promise<void> | undefined;

export interface SlackHttpReceiverOptions {
  /** The app's signing secret (config `SLACK_SIGNING_SECRET`). */
  readonly signingSecret: string;
  /** Source of "now" for the replay window; tests pass a fixed clock. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Largest body read, bytes (config `MAX_BODY_BYTES`); larger gets 413. */
  readonly maxBodyBytes: number;
  /** A new unique id: each request's correlation id, in its logs and in the inbox (SPEC §9). */
  readonly newId: () => string;
  /**
   * How long to wait for a listener's `ack()`, ms, before answering 500 so that Slack retries.
   * Default 2,500: under Slack's 3-second limit, leaving time for the network.
   */
  readonly ackTimeoutMs?: number;
  /** Hot events recorded without Bolt (see HotEventRoute); default none: Bolt has everything. */
  readonly hotEvents?: HotEventRoute;
}

export interface SlackHttpReceiver {
  /** Give to Bolt: `new App({ receiver, … })`. Its `start()`/`stop()` do nothing; the server owns the socket. */
  readonly receiver: Receiver;
  /** Mount on the shared server: `routes.set(SLACK_EVENTS_PATH, handler)`. POST only. */
  readonly handler: RouteHandler;
}

/**
 * A Bolt receiver for the HTTP Events API that is transport only, mounted as one route of the
 * bot's shared HTTP server. For each POST it:
 *
 * 1. reads the raw body up to `maxBodyBytes` (413 past it);
 * 2. checks the signature over those exact bytes before anything is parsed, following Slack's
 *    "Verifying requests from Slack": HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{body}` with
 *    the signing secret, compared with `X-Slack-Signature`, and the timestamp within 5 minutes of
 *    `clock.now()` either way (401 when missing, forged or stale);
 * 3. parses JSON, or `application/x-www-form-urlencoded` (slash commands; interactive `payload=`
 *    JSON) (400 when malformed), and answers `url_verification` with its challenge;
 * 4. hands a hot event (reaction, message) to `hotEvents`, which records it without Bolt, and
 *    answers an empty 200 once it resolved, 500 when it rejected (the record failed: Slack
 *    redelivers, and the inbox recognises the redelivery by `event_id`); anything else goes to
 *    Bolt: calls `app.processEvent` with `X-Slack-Retry-Num`/`X-Slack-Retry-Reason` passed on (Events
 *    API retries: Slack re-sends an event not acknowledged within 3 s, up to 3 times; telling a
 *    retry apart is the use case's job, by `event_id`);
 * 5. answers once `processEvent` has finished (Bolt's processBeforeResponse), with what `ack()`
 *    was given: a string as text, an object as JSON, nothing as an empty 200. Not finished within
 *    `ackTimeoutMs` → 500 (logged), so Slack retries rather than losing the event (the inbox
 *    deduplicates the retry). `processEvent` throwing → 500 with no details. Finishing without
 *    `ack()` (no listener wanted it) → empty 200: acknowledged and ignored.
 *
 * Slack's `ssl_check=1` probe, which Slack does not sign, gets an empty 200 and reaches no listener.
 */
export function createSlackHttpReceiver(options: SlackHttpReceiverOptions): SlackHttpReceiver {
  const { signingSecret, clock, maxBodyBytes } = options;
  const ackTimeoutMs = options.ackTimeoutMs ?? 2_500;
  const logger = options.logger.child({ component: "slack-http-receiver" });
  if (!signingSecret) throw new Error("createSlackHttpReceiver: signingSecret is empty");
  let app: App | undefined;

  const receiver: Receiver = {
    init(boltApp: App) {
      app = boltApp;
    },
    // The shared HTTP server listens and closes; `app.start()`/`app.stop()` must not open a second port.
    start: async () => undefined,
    stop: async () => undefined,
  };

  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const boltApp = app;
    if (!boltApp) {
      // Mounted before `new App({ receiver })` ran: 503 so Slack tries again later.
      logger.error({}, "Slack request arrived before the Bolt App was created");
      return sendStatus(response, 503);
    }
    const raw = await readRawBody(request, maxBodyBytes);
    const contentType = mediaType(request.headers["content-type"]);
    if (contentType === FORM && isSslCheck(raw)) return sendEmpty(response);

    const text = verifiedText(request, raw);
    // Background work (the inbox worker, the sweep) gives way from here until the answer is sent
    // or the client is gone: forged requests and clients still sending their body never hold it
    // back, and a listener still running after the ack time-out's 500 is background work by then.
    response.once("close", answeringRequest());
    const body = parseBody(text, contentType);
    if (body.type === "url_verification") {
      // Slack's "url_verification" handshake when the request URL is saved: echo the challenge.
      return sendJson(response, { challenge: body.challenge });
    }
    await dispatch(boltApp, request, response, body);
  }

  /** The body as text, once its signature and timestamp are good. */
  function verifiedText(request: IncomingMessage, raw: Buffer): string {
    const signature = request.headers["x-slack-signature"];
    const timestamp = request.headers["x-slack-request-timestamp"];
    if (typeof signature !== "string" || typeof timestamp !== "string") {
      throw badSignature("X-Slack-Signature or X-Slack-Request-Timestamp is missing");
    }
    if (!/^\d{1,12}$/.test(timestamp)) throw badSignature("X-Slack-Request-Timestamp is not a Unix time");
    // The signature covers the bytes received; what is parsed is their decoding, so a body that
    // is not valid UTF-8 (altered by the decoding) is refused. Slack only sends UTF-8.
    if (!isUtf8(raw)) throw badSignature("the body is not valid UTF-8");
    const text = raw.toString("utf8");
    const nowMilliseconds = clock.now();
    const timestampSeconds = Number(timestamp);
    // Bolt refuses only old timestamps; Slack's rule is a 5-minute difference either way, and a
    // future one is as much a replay risk (it stays valid longer).
    if (timestampSeconds - Math.floor(nowMilliseconds / 1000) > REPLAY_WINDOW_SECONDS) {
      throw badSignature("X-Slack-Request-Timestamp is more than 5 minutes in the future");
    }
    if (Math.floor(nowMilliseconds / 1000) - timestampSeconds > REPLAY_WINDOW_SECONDS) {
      throw badSignature("X-Slack-Request-Timestamp is more than 5 minutes old");
    }
    if (!signature.startsWith(SIGNATURE_VERSION)) throw badSignature("unknown signature version");
    // Slack's rule as Bolt's verifySlackRequest applies it, with one HMAC: Bolt's comparison
    // (tsscmp) hashes both strings again under a fresh random key, two more HMACs and a random
    // read per request, a tenth of an event's cost in the ack path. timingSafeEqual over
    // equal-length buffers is as constant-time.
    const expected = Buffer.from(
      `${SIGNATURE_VERSION}${createHmac("sha256", signingSecret).update(`v0:${timestamp}:`).update(raw).digest("hex")}`,
      "latin1",
    );
    const given = Buffer.from(signature, "latin1");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw badSignature("signature mismatch");
    }
    return text;
  }

  async function dispatch(
    boltApp: App,
    request: IncomingMessage,
    response: ServerResponse,
    body: Record<string, unknown>,
  ): Promise<void> {
    // The correlation id reaches listeners as Bolt's `context.correlationId` and follows the
    // request into the inbox and the worker's logs.
    const correlationId = options.newId();
    const fields = { correlationId, ...describeBody(body, request) };
    // Bolt acknowledges Events API requests before its listeners run; the HTTP answer waits until
    // processEvent has finished (Bolt's processBeforeResponse), so a 200 means the listener has
    // durably recorded the event (SPEC §4: acknowledge only what is recorded).
    let answer: { value: unknown } | undefined;
    const timer = setTimeout(() => {
      if (response.headersSent) return;
      logger.error({ ...fields, ackTimeoutMs }, "Listener not done in time; answered 500 so Slack retries");
      sendStatus(response, 500);
    }, ackTimeoutMs);

    const lean = options.hotEvents?.(body, correlationId);
    if (lean !== undefined) {
      try {
        await lean;
        if (response.headersSent) {
          logger.warn(fields, "Event recorded after the 500 was sent; Slack's retry will be a duplicate");
        } else {
          sendEmpty(response);
          logger.info(fields, "Slack request acknowledged");
        }
      } catch (error) {
        logger.error({ ...fields, ...describeError(error) }, "Slack event not recorded; answered 500");
        if (!response.headersSent) sendStatus(response, 500);
      } finally {
        clearTimeout(timer);
      }
      return;
    }

    // biome-ignore lint/suspicious/noExplicitAny: Bolt's AckFn takes whatever the listener answers with.
    const ack: AckFn<any> = async (value?: unknown) => {
      if (answer) throw new ReceiverMultipleAckError();
      answer = { value };
    };

    const event: ReceiverEvent = { body, ack, ...retryOf(request), customProperties: { correlationId } };
    try {
      await boltApp.processEvent(event);
      if (response.headersSent) {
        logger.warn(fields, "Listener finished after the 500 was sent; Slack will retry this request");
      } else if (answer) {
        sendAck(response, answer.value);
        logger.info(fields, "Slack request acknowledged");
      } else {
        // No listener acknowledged: an event nobody handles is acknowledged and ignored (SPEC §9).
        logger.debug(fields, "Slack request finished without ack(); answered 200");
        sendEmpty(response);
      }
    } catch (error) {
      logger.error({ ...fields, ...describeError(error) }, "Slack listener failed; answered 500");
      if (!response.headersSent) sendStatus(response, 500);
    } finally {
      clearTimeout(timer);
    }
  }

  const handler: RouteHandler = {
    methods: ["POST"],
    async handle(request, response) {
      try {
        await receive(request, response);
      } catch (error) {
        // The Slack edge handler: BotError code → status, reason to the log, nothing in the body.
        const status = httpStatusForError(error);
        if (status >= 500) logger.error(describeError(error), "Slack request failed");
        else logger.warn({ status, ...describeError(error) }, "Slack request refused");
        if (!response.headersSent) sendStatus(response, status);
      }
    },
  };

  return { receiver, handler };
}

const FORM = "application/x-www-form-urlencoded";

/**
 * The request body as an object: JSON, or form fields (slash commands), or the JSON in a form's
 * `payload` field (interactivity: block actions, shortcuts, view submissions).
 *
 * @throws BotError `request.malformed` when it is not one of those or not an object.
 */
function parseBody(text: string, contentType: string | undefined): Record<string, unknown> {
  let parsed: unknown;
  try {
    if (contentType === FORM) {
      const form = new URLSearchParams(text);
      const payload = form.get("payload");
      parsed = payload === null ? Object.fromEntries(form) : JSON.parse(payload);
    } else {
      // Slack sends events as application/json; like Bolt, anything not a form is read as JSON.
      parsed = JSON.parse(text);
    }
  } catch (error) {
    throw new BotError("request.malformed", "The Slack request body is not valid JSON or form data", {
      cause: error,
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new BotError("request.malformed", "The Slack request body is not a JSON object");
  }
  return parsed as Record<string, unknown>;
}

function isSslCheck(raw: Buffer): boolean {
  return new URLSearchParams(raw.toString("utf8")).get("ssl_check") === "1";
}

function mediaType(header: string | undefined): string | undefined {
  return header?.split(";", 1)[0]?.trim().toLowerCase();
}

function retryOf(request: IncomingMessage): Pick<ReceiverEvent, "retryNum" | "retryReason"> {
  const num = request.headers["x-slack-retry-num"];
  const reason = request.headers["x-slack-retry-reason"];
  const retry: { retryNum?: number; retryReason?: string } = {};
  if (typeof num === "string" && /^\d+$/.test(num)) retry.retryNum = Number(num);
  if (typeof reason === "string" && reason !== "") retry.retryReason = reason;
  return retry;
}

/** Log fields naming what arrived, never what it says. */
function describeBody(body: Record<string, unknown>, request: IncomingMessage): Record<string, unknown> {
  const event = body.event as { type?: unknown } | undefined;
  return {
    type:
      typeof body.type === "string" ? body.type : typeof body.command === "string" ? "command" : undefined,
    eventType: typeof event?.type === "string" ? event.type : undefined,
    eventId: typeof body.event_id === "string" ? body.event_id : undefined,
    retryNum: request.headers["x-slack-retry-num"],
    retryReason: request.headers["x-slack-retry-reason"],
  };
}

function sendAck(response: ServerResponse, answer: unknown): void {
  if (answer === undefined || answer === null || answer === "") {
    sendEmpty(response);
  } else if (typeof answer === "string") {
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    response.end(answer);
  } else {
    sendJson(response, answer);
  }
}

function sendEmpty(response: ServerResponse): void {
  response.writeHead(200, { "content-length": "0" });
  response.end();
}

function sendJson(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(value));
}

function badSignature(reason: string): BotError {
  return new BotError("request.bad_signature", `Slack request refused: ${reason}`, {
    hint: "Check SLACK_SIGNING_SECRET matches the app's Basic Information page and the clock is right",
  });
}
