/**
 * The one place that turns what went wrong with an LLM call (an HTTP status, an OpenAI error code,
 * a time-out, an unusable answer) into a BotError code and a retry decision (SPEC §3 "adapters
 * translate vendor errors at the boundary"; SPEC §5 retries; case C15).
 *
 * Retry rules: 429 rate limits wait for `Retry-After`; 5xx, 408/409, connection failures and
 * time-outs back off exponentially; a malformed answer is asked for once more. A 429
 * `insufficient_quota`, a 400 `context_length_exceeded`, any other 4xx, a refusal and a cut-off
 * answer fail at once: the same payload is never sent again when it cannot succeed.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { BotError, type BotErrorCode } from "../../src/domain/errors.ts";

/**
 * The summariser's error codes. The BotErrorCode union (src/domain/errors.ts) does not hold them
 * yet, so a {@link SummariserError} is a BotError `summariser.failed` whose `summariserCode` says
 * which; once the union has them, `BOT_CODE` below becomes the identity.
 */
export const SUMMARISER_CODES = {
  /** 429 without `insufficient_quota`: too many requests or tokens a minute. Retried after Retry-After. */
  rateLimited: "summariser.rate_limited",
  /** 429 `insufficient_quota`: the account has no credit left. Not retried. */
  quota: "summariser.quota",
  /** The client's time-out, a 408, or a gateway time-out (504). Retried with backoff. */
  timeout: "summariser.timeout",
  /** 5xx, 409, or no connection at all. Retried with backoff. */
  unavailable: "summariser.unavailable",
  /** 401 or 403: the key is wrong, revoked, or lacks the model. Not retried. */
  auth: "summariser.auth",
  /** 400 `context_length_exceeded`: the request was over the model's context. Not retried. */
  contextLength: "summariser.context_length",
  /** Any other 4xx: the request was refused as it is (bad model name, bad parameter). Not retried. */
  rejected: "summariser.rejected",
  /** The answer was not JSON of the document's shape. Asked for once more. */
  invalidOutput: "summariser.invalid_output",
  /** The answer was cut off at the output limit (`finish_reason: length`). Not retried. */
  truncated: "summariser.truncated",
  /** The model refused, or a content filter stopped it. Not retried. */
  refused: "summariser.refused",
  /** The week cannot be split to fit the token budget (the budget is too small). Not retried. */
  tooLarge: "summariser.too_large",
  /** Anything else (a bug). Not retried. */
  failed: "summariser.failed",
} as const;

export type SummariserCode = (typeof SUMMARISER_CODES)[keyof typeof SUMMARISER_CODES];

/** What to do after a failed attempt. */
export type RetryPolicy = "after-retry-after" | "backoff" | "once-more" | "never";

// Until src/domain/errors.ts lists the summariser.* codes, they travel as summariser.failed.
const BOT_CODE = (code: SummariserCode): BotErrorCode => code;

/** A BotError from the LLM summariser: `summariserCode` says exactly what failed. */
export class SummariserError extends BotError {
  readonly summariserCode: SummariserCode;
  readonly policy: RetryPolicy;
  /** The HTTP status, when there was a response. Metadata only: never the response text. */
  readonly status: number | undefined;
  /** The provider's request id (`x-request-id`), for a support ticket. */
  readonly requestId: string | undefined;

  constructor(
    code: SummariserCode,
    message: string,
    options: {
      policy: RetryPolicy;
      status?: number | undefined;
      requestId?: string | undefined;
      retryAfterMs?: number | undefined;
      cause?: unknown;
      hint?: string;
    },
  ) {
    super(BOT_CODE(code), message, {
      retryable: options.policy !== "never",
      ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      ...(options.hint === undefined ? {} : { hint: options.hint }),
    });
    this.summariserCode = code;
    this.policy = options.policy;
    this.status = options.status;
    this.requestId = options.requestId;
  }
}

/** Plain words for a draft's footer: why the LLM did not write this draft. Code-written, never the API's text. */
export const FAILURE_REASONS: Readonly<Record<SummariserCode, string>> = {
  "summariser.rate_limited": "the LLM service answered that we were over its rate limit",
  "summariser.quota": "the LLM account has run out of quota",
  "summariser.timeout": "the LLM service did not answer in time",
  "summariser.unavailable": "the LLM service was unavailable",
  "summariser.auth": "the LLM service did not accept our API key",
  "summariser.context_length": "the request was longer than the model accepts",
  "summariser.rejected": "the LLM service rejected the request",
  "summariser.invalid_output": "the model's answer was not a valid weeknote",
  "summariser.truncated": "the model's answer was cut off before it was complete",
  "summariser.refused": "the model declined to write the summary",
  "summariser.too_large": "the week's highlights could not be split to fit the token budget",
  "summariser.failed": "the LLM summariser failed",
};

const HINTS: Partial<Record<SummariserCode, string>> = {
  "summariser.quota": "Add credit or raise the spending limit of the OpenAI account",
  "summariser.auth": "Check OPENAI_API_KEY and that the key may use OPENAI_MODEL",
  "summariser.context_length": "Lower OPENAI_TOKEN_BUDGET below the model's context length",
  "summariser.rejected": "Check OPENAI_MODEL and OPENAI_BASE_URL",
  "summariser.too_large": "Raise OPENAI_TOKEN_BUDGET or lower OPENAI_HIGHLIGHT_TOKEN_CAP",
};

/**
 * Translates anything an OpenAI client call threw into a {@link SummariserError} with its retry
 * policy. A SummariserError passes through unchanged.
 */
export function toSummariserError(error: unknown): SummariserError {
  if (error instanceof SummariserError) {
    return error;
  }
  if (error instanceof APIConnectionTimeoutError) {
    return make("summariser.timeout", "The LLM request timed out", "backoff", error);
  }
  if (error instanceof APIUserAbortError) {
    return make("summariser.failed", "The LLM request was aborted", "never", error);
  }
  if (error instanceof APIConnectionError) {
    return make("summariser.unavailable", "Could not connect to the LLM service", "backoff", error);
  }
  if (error instanceof APIError) {
    return fromStatus(error);
  }
  return make("summariser.failed", "The LLM summariser failed unexpectedly", "never", error);
}

function fromStatus(error: APIError): SummariserError {
  const status = error.status ?? 0;
  const code = typeof error.code === "string" ? error.code : undefined;
  const type = typeof error.type === "string" ? error.type : undefined;
  const headers = error.headers instanceof Headers ? error.headers : undefined;
  const retryAfterMs = parseRetryAfter(headers);
  const extra = { status, requestId: error.requestID ?? undefined, retryAfterMs };
  if (status === 429) {
    if (code === "insufficient_quota" || type === "insufficient_quota") {
      return make("summariser.quota", "The LLM account is out of quota (429)", "never", error, extra);
    }
    return make(
      "summariser.rate_limited",
      "The LLM service is rate limiting us (429)",
      "after-retry-after",
      error,
      extra,
    );
  }
  if (status === 400 && code === "context_length_exceeded") {
    return make(
      "summariser.context_length",
      "The LLM request was over the model's context length (400)",
      "never",
      error,
      extra,
    );
  }
  if (status === 401 || status === 403) {
    return make(
      "summariser.auth",
      `The LLM service refused our credentials (${status})`,
      "never",
      error,
      extra,
    );
  }
  if (status === 408 || status === 504) {
    return make("summariser.timeout", `The LLM service timed out (${status})`, "backoff", error, extra);
  }
  if (status === 409 || status >= 500) {
    return make("summariser.unavailable", `The LLM service failed (${status})`, "backoff", error, extra);
  }
  return make(
    "summariser.rejected",
    `The LLM service rejected the request (${status})`,
    "never",
    error,
    extra,
  );
}

function make(
  code: SummariserCode,
  message: string,
  policy: RetryPolicy,
  cause: unknown,
  extra: { status?: number; requestId?: string | undefined; retryAfterMs?: number | undefined } = {},
): SummariserError {
  const hint = HINTS[code];
  return new SummariserError(code, message, {
    policy,
    cause,
    status: extra.status,
    requestId: extra.requestId,
    retryAfterMs: extra.retryAfterMs,
    ...(hint === undefined ? {} : { hint }),
  });
}

/** A problem with the model's answer (not with the HTTP call). */
export function outputError(
  code: "summariser.invalid_output" | "summariser.truncated" | "summariser.refused",
  message: string,
): SummariserError {
  return new SummariserError(code, message, {
    policy: code === "summariser.invalid_output" ? "once-more" : "never",
  });
}

/**
 * How long the server asked us to wait: `retry-after-ms` (OpenAI's own header), else `Retry-After`
 * in seconds or as an HTTP date. Undefined when neither is there or readable.
 */
export function parseRetryAfter(headers: Headers | undefined, nowMs = Date.now()): number | undefined {
  const ms = headers?.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms)) && Number(ms) >= 0) {
    return Number(ms);
  }
  const value = headers?.get("retry-after")?.trim();
  if (!value) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(value)) {
    return Math.round(Number(value) * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
