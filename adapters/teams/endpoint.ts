import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Response as BotResponse, CloudAdapter, TurnContext } from "botbuilder";
import { AuthenticationError } from "botframework-connector";
import { BotError } from "../../src/domain/errors.ts";
import type { Logger } from "../../src/ports/logger.ts";
import {
  describeError,
  httpStatusForError,
  type RouteHandler,
  readRawBody,
  sendStatus,
} from "../http/server.ts";

/** Where Teams sends activities: the Azure Bot's messaging endpoint is `https://<host>/api/messages`. */
export const TEAMS_MESSAGES_PATH = "/api/messages";

export interface TeamsEndpointOptions {
  /** The CloudAdapter whose authentication checks every request (see auth.ts). */
  readonly adapter: CloudAdapter;
  /** The bot's turn: runs only for a request whose token was accepted. */
  readonly logic: (context: TurnContext) => Promise<void>;
  readonly logger: Logger;
  /** Largest body read, bytes (config `MAX_BODY_BYTES`); larger gets 413. */
  readonly maxBodyBytes: number;
}

/**
 * The `/api/messages` route (POST only) on the bot's shared node:http server, in front of
 * botbuilder's `CloudAdapter.process`:
 *
 * 1. reads the body up to `maxBodyBytes` (413 past it) and parses it as JSON: malformed → 400; not
 *    a JSON object, or no string `type` → 400 (Bot Framework Activity schema: `type` is required);
 * 2. hands `CloudAdapter.process` the parsed body and a small express-style response
 *    (`status`/`header`/`send`/`end`) that records the answer, then sends it;
 * 3. every authentication rejection is 401: a missing, expired, wrong-audience, wrong-issuer or
 *    wrong-serviceurl token botbuilder already answers 401; a token with a known `kid` and a bad
 *    signature, or with `nbf` in the future, it answers 500 (jsonwebtoken's error is rethrown
 *    unwrapped and only botbuilder's own `AuthenticationError` becomes 401, botbuilder 4.23.3), so
 *    this route answers 401 for those;
 * 4. anything else keeps botbuilder's status and body: 200 for an activity (an unknown type is
 *    acknowledged and ignored by the turn), an invoke's own status and JSON body, 501 for an invoke
 *    nobody answered; a failed turn is 500 with no details.
 *
 * botbuilder writes each rejected request to `console.error`; while a request is in flight that
 * output is taken from it (per request, through AsyncLocalStorage) and goes to `logger` at debug
 * level instead. Rejections are logged (warn) with the reason and the activity's type, never the
 * Authorization header or the token: any token text in a reason is replaced by `[token]`.
 */
export function createTeamsEndpoint(options: TeamsEndpointOptions): RouteHandler {
  const { adapter, logic, maxBodyBytes } = options;
  const logger = options.logger.child({ component: "teams-endpoint" });
  const captured = captureBotbuilderConsole();

  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readRawBody(request, maxBodyBytes);
    const activity = parseActivity(raw);
    const fields = describeActivity(activity);
    const authorization = request.headers.authorization;
    const scope: RequestScope = {
      output: [],
      secrets: secretsOf(authorization),
      turnStarted: false,
      closed: false,
    };
    const answer = new RecordedAnswer(request);

    try {
      await captured.run(scope, () =>
        adapter.process(
          { method: "POST", headers: request.headers, body: activity },
          answer,
          async (context) => {
            scope.turnStarted = true;
            await logic(context);
          },
        ),
      );
    } finally {
      // Work the turn left running goes on in this async context: from now on it prints as usual.
      scope.closed = true;
      for (const line of scope.output) {
        logger.debug({ ...fields, output: redact(line, scope.secrets) }, "botbuilder console output");
      }
    }
    const status = answer.statusCode;
    if (!answer.ended || status === undefined) {
      throw new Error("CloudAdapter.process finished without an answer");
    }

    const failure = scope.output.findLast(isErrorLike);
    if (status === 401 || (status === 500 && isTokenRejection(failure))) {
      const reason = failure ? redact(failure.message, scope.secrets) : "unauthorized";
      const cannotCheck = failure instanceof AuthenticationError && failure.statusCode >= 500;
      const logFields = {
        ...fields,
        status: 401,
        reason,
        authorization: authorization ? "present" : "absent",
      };
      // botbuilder answers 401 when it cannot fetch the OpenID keys too: the request was not
      // checked, so the log says so at error level (the channel's metadata URL is wrong or down).
      if (cannotCheck) logger.error(logFields, "Teams request refused: the token could not be checked");
      else logger.warn(logFields, "Teams request refused");
      return sendStatus(response, 401);
    }
    // 501 is the turn's own answer to an invoke it does not handle, not a failure.
    if (status >= 500 && status !== 501) {
      const reason = failure ? redact(failure.message, scope.secrets) : undefined;
      logger.error(
        { ...fields, status, turnStarted: scope.turnStarted, error: failure?.name, reason },
        "Teams request failed",
      );
      return sendStatus(response, status);
    }
    logger.debug({ ...fields, status }, "Teams activity answered");
    sendAnswer(response, status, answer);
  }

  return {
    methods: ["POST"],
    async handle(request, response) {
      try {
        await receive(request, response);
      } catch (error) {
        // The Teams edge handler: BotError code → status, reason to the log, nothing in the body.
        const status = httpStatusForError(error);
        if (status >= 500) logger.error(describeError(error), "Teams request failed");
        else logger.warn({ status, ...describeError(error) }, "Teams request refused");
        if (!response.headersSent) sendStatus(response, status);
      }
    },
  };
}

/**
 * jsonwebtoken's verification errors, which botbuilder 4.23.3 rethrows unwrapped from
 * `JwtTokenExtractor.validateToken` (bad signature, malformed token, `nbf` in the future), plus its
 * own `AuthenticationError`: each means the request's token was refused.
 */
function isTokenRejection(error: Error | undefined): boolean {
  if (!error) return false;
  return (
    error instanceof AuthenticationError ||
    error.name === "JsonWebTokenError" ||
    error.name === "NotBeforeError" ||
    error.name === "TokenExpiredError"
  );
}

/**
 * The request body as an activity: a JSON object with a string `type`.
 * @throws BotError `request.malformed` otherwise.
 */
function parseActivity(raw: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new BotError("request.malformed", "The Teams request body is not valid JSON", { cause: error });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new BotError("request.malformed", "The Teams request body is not a JSON object");
  }
  const type = (parsed as { type?: unknown }).type;
  if (typeof type !== "string" || type === "") {
    throw new BotError("request.malformed", "The Teams activity has no type");
  }
  return parsed as Record<string, unknown>;
}

/** Log fields naming what arrived, never what it says. */
function describeActivity(activity: Record<string, unknown>): Record<string, unknown> {
  const conversation = activity.conversation as { conversationType?: unknown } | undefined;
  const text = (value: unknown) => (typeof value === "string" ? value.slice(0, 100) : undefined);
  return {
    activityType: text(activity.type),
    activityName: text(activity.name),
    activityId: text(activity.id),
    channelId: text(activity.channelId),
    conversationType: text(conversation?.conversationType),
  };
}

/** What `CloudAdapter.process` answered, recorded by the express-style methods it calls. */
class RecordedAnswer implements BotResponse {
  statusCode: number | undefined;
  body: unknown;
  ended = false;
  readonly headers = new Map<string, string>();
  readonly socket: unknown;

  constructor(request: IncomingMessage) {
    this.socket = request.socket;
  }

  // The four methods botbuilder checks for (botbuilder/lib/interfaces/response.js), chainable like express's.
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: unknown): this {
    this.headers.set(name.toLowerCase(), String(value));
    return this;
  }
  send(body?: unknown): this {
    this.body = body;
    return this;
  }
  end(): this {
    this.ended = true;
    return this;
  }
}

function sendAnswer(response: ServerResponse, status: number, answer: RecordedAnswer): void {
  const headers: Record<string, string> = {
    ...Object.fromEntries(answer.headers),
    "cache-control": "no-store",
  };
  if (answer.body === undefined || answer.body === null || answer.body === "") {
    response.writeHead(status, { ...headers, "content-length": "0" });
    response.end();
  } else if (typeof answer.body === "string") {
    response.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
    response.end(answer.body);
  } else {
    response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    response.end(JSON.stringify(answer.body));
  }
}

interface RequestScope {
  /** What botbuilder wrote to console.error / console.warn during this request. */
  readonly output: unknown[];
  /** Strings never to log (the bearer token and the whole header). */
  readonly secrets: readonly string[];
  turnStarted: boolean;
  /** Set once the request is answered: later output is printed, not kept. */
  closed: boolean;
}

function secretsOf(authorization: string | undefined): string[] {
  if (!authorization) return [];
  const token = authorization.replace(/^\S+\s+/, "");
  return [authorization, token].filter((secret) => secret.length >= 8);
}

/** `text` with every secret and anything shaped like a JWT replaced, clipped to 500 characters. */
function redact(value: unknown, secrets: readonly string[]): string {
  let text = isErrorLike(value) ? `${value.name}: ${value.message}` : String(value);
  for (const secret of secrets) text = text.split(secret).join("[token]");
  text = text.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, "[token]");
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function isErrorLike(value: unknown): value is Error {
  return value instanceof Error;
}

const CAPTURE = Symbol.for("weeknotes.teams.botbuilder-console");

/**
 * The AsyncLocalStorage under which botbuilder's console.error/console.warn calls are kept by the
 * request that caused them instead of printed. Installed once per process (the storage lives on
 * globalThis, the wrappers are marked), so a second endpoint, or a test module loaded twice, shares
 * it; outside a request the console works as before.
 */
function captureBotbuilderConsole(): AsyncLocalStorage<RequestScope> {
  const holder = globalThis as { [CAPTURE]?: AsyncLocalStorage<RequestScope> };
  holder[CAPTURE] ??= new AsyncLocalStorage<RequestScope>();
  const storage = holder[CAPTURE];
  for (const method of ["error", "warn"] as const) {
    const current = console[method] as ((...args: unknown[]) => void) & { [CAPTURE]?: true };
    if (current[CAPTURE]) continue;
    const wrapper = Object.assign(
      (...args: unknown[]) => {
        const scope = storage.getStore();
        if (scope && !scope.closed) scope.output.push(...args);
        else current.apply(console, args);
      },
      { [CAPTURE]: true as const },
    );
    console[method] = wrapper;
  }
  return storage;
}
