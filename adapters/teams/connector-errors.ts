import { BotError } from "../../src/domain/errors.ts";

/**
 * The one place that maps a Bot Connector failure to a BotError (statuses and error codes from
 * https://learn.microsoft.com/microsoftteams/platform/bots/build-conversational-capability#status-codes-from-bot-conversational-apis):
 * - 403 `MessageWritesBlocked`, 403 `BotNotInConversationRoster`, 403 `BotDisabledByAdmin`,
 *   403 `ConversationBlockedByUser`, 404 `ConversationNotFound`: the bot was blocked or removed →
 *   `platform.blocked` (not retried). The code comes as `{"error":{"code":…}}`, or, as
 *   "Send proactive messages" documents it, as the `subCode` of JSON inside `message`:
 *   `{"errorCode":209,"message":"{\"subCode\": \"MessageWritesBlocked\", …}"}`;
 * - 429 → `platform.rate_limited` (retryable, with `retryAfterMs` from `Retry-After` seconds,
 *   or `retry-after-ms` / `x-ms-retry-after-ms`, when given);
 * - 5xx, 412 and no HTTP answer at all (a refused or reset connection, a time-out, no token
 *   from the login service) → `platform.unavailable` (retryable, with `retryAfterMs` of a 503);
 * - 401 → `platform.rejected` (the app's credentials);
 * - 404 on an activity (an update of a message that is gone) → `platform.not_found`;
 * - other 4xx → `platform.rejected`.
 *
 * `error` is what botbuilder's connector client throws: an `@azure/core-rest-pipeline` RestError
 * (`statusCode`, `code`, `response.headers.get()`, `response.bodyAsText`). A BotError passes through.
 * The message names `doing` (e.g. "a post") and the code, never the body's text.
 */
export function connectorError(error: unknown, doing: string): BotError {
  if (error instanceof BotError) {
    return error;
  }
  const { status, code, retryAfterMs } = readFailure(error);
  const options = { cause: error };
  if (BLOCKED_CODES.has(code ?? "")) {
    return new BotError(
      "platform.blocked",
      `Teams refused ${doing}: the bot was blocked or removed (${code})`,
      {
        ...options,
        hint: "Add the Weeknotes app to the team or chat again; drafts resume once it hears from there",
      },
    );
  }
  if (status === 429) {
    return new BotError("platform.rate_limited", `Teams rate-limited ${doing}`, {
      ...options,
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status === undefined || status >= 500 || status === 412) {
    return new BotError(
      "platform.unavailable",
      `Teams did not answer ${doing}${status ? ` (HTTP ${status})` : ""}`,
      {
        ...options,
        retryable: true,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    );
  }
  if (status === 401) {
    return new BotError("platform.rejected", `Teams refused the bot's credentials while ${doing}`, {
      ...options,
      hint: "Check MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TYPE against the Azure bot registration",
    });
  }
  if (status === 404) {
    return new BotError(
      "platform.not_found",
      `Teams has no such conversation or message (${doing})`,
      options,
    );
  }
  return new BotError(
    "platform.rejected",
    `Teams refused ${doing} (HTTP ${status}${code ? ` ${code}` : ""})`,
    options,
  );
}

const BLOCKED_CODES = new Set([
  "MessageWritesBlocked",
  "BotNotInConversationRoster",
  "BotDisabledByAdmin",
  "ConversationBlockedByUser",
  "ConversationNotFound",
]);

interface Failure {
  readonly status: number | undefined;
  /** The Bot Framework error code (or subCode) the body names, else the error's own code. */
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;
}

type RestErrorLike = {
  readonly statusCode?: unknown;
  readonly code?: unknown;
  readonly response?: {
    readonly bodyAsText?: unknown;
    readonly headers?: { readonly get?: (name: string) => string | undefined };
  };
};

function readFailure(error: unknown): Failure {
  const e = (typeof error === "object" && error !== null ? error : {}) as RestErrorLike;
  const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
  const ownCode = typeof e.code === "string" && /^[A-Za-z_]+$/.test(e.code) ? e.code : undefined;
  const code = bodyCode(e.response?.bodyAsText) ?? ownCode;
  return { status, code, retryAfterMs: retryAfterMsOf(e.response?.headers) };
}

/**
 * The error code of a Bot Connector error body: `error.code` of the Bot Framework `ErrorResponse`
 * (`{"error":{"code":"MessageWritesBlocked","message":"…"}}`), else the `subCode` of the JSON that
 * Teams puts in `message` (`{"errorCode":209,"message":"{\"subCode\":\"MessageWritesBlocked\",…}"}`).
 */
function bodyCode(body: unknown): string | undefined {
  const parsed = parseJson(body) as
    | { error?: { code?: unknown }; message?: unknown; subCode?: unknown }
    | undefined;
  if (typeof parsed?.error?.code === "string") {
    return parsed.error.code;
  }
  if (typeof parsed?.subCode === "string") {
    return parsed.subCode;
  }
  const inner = parseJson(parsed?.message) as { subCode?: unknown } | undefined;
  return typeof inner?.subCode === "string" ? inner.subCode : undefined;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    // Not JSON (a proxy's HTML page, a plain sentence): the status alone says what happened.
    return undefined;
  }
}

/** `retry-after-ms` / `x-ms-retry-after-ms` (ms), else `Retry-After` (seconds); undefined when none is a number. */
function retryAfterMsOf(headers: { readonly get?: (name: string) => string | undefined } | undefined) {
  for (const [name, factor] of [
    ["retry-after-ms", 1],
    ["x-ms-retry-after-ms", 1],
    ["retry-after", 1000],
  ] as const) {
    const value = headers?.get?.(name);
    const number = value === undefined || value.trim() === "" ? Number.NaN : Number(value);
    if (Number.isFinite(number) && number >= 0) {
      return number * factor;
    }
  }
  return undefined;
}
