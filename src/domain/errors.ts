/**
 * Every error the project raises on purpose is a {@link BotError}: a namespaced `code` that callers
 * switch on, a `hint` telling the user what to do, and `retryable` for background work.
 * Error metadata never holds message text or secrets (SPEC §3).
 */
export type BotErrorCode =
  | "input.bad_week"
  | "input.bad_timezone"
  | "input.bad_emoji"
  | "input.bad_option"
  | "input.not_found"
  | "input.not_an_export"
  | "input.bad_export_file"
  | "input.unknown_team"
  | "store.conflict"
  | "store.corrupt"
  | "store.invalid"
  | "store.unavailable"
  | "lease.lost"
  | "weeknote.bad_transition"
  | "weeknote.not_found"
  | "summariser.failed"
  | "summariser.rate_limited"
  | "summariser.quota"
  | "summariser.timeout"
  | "summariser.unavailable"
  | "summariser.auth"
  | "summariser.context_length"
  | "summariser.rejected"
  | "summariser.invalid_output"
  | "summariser.truncated"
  | "summariser.refused"
  | "summariser.too_large"
  | "request.bad_signature"
  | "request.malformed"
  | "request.too_large"
  | "auth.not_approver"
  | "platform.not_in_channel"
  | "platform.missing_scope"
  | "platform.rate_limited"
  | "platform.not_found"
  | "platform.unavailable"
  | "platform.rejected"
  | "platform.off"
  | "platform.blocked"
  | "config.invalid"
  | "unexpected";

export interface BotErrorOptions {
  /** What the user should do about it, in one sentence. */
  hint?: string;
  cause?: unknown;
  /** True when the same call may succeed later (a busy database, a rate limit). Default false. */
  retryable?: boolean;
  /** How long to wait before trying again, ms, when the platform said (HTTP `Retry-After`). */
  retryAfterMs?: number;
}

export class BotError extends Error {
  override readonly name = "BotError";
  readonly code: BotErrorCode;
  readonly hint: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: BotErrorCode, message: string, options: BotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** One line for a terminal: the message, then what to do. */
  toUserLine(): string {
    return this.hint ? `${this.message}. ${this.hint}` : this.message;
  }
}

export function isBotError(error: unknown, code?: BotErrorCode): error is BotError {
  return error instanceof BotError && (code === undefined || error.code === code);
}

/**
 * Any thrown value as a BotError: a BotError as it is; anything else (a bug, a library's own
 * error) as `fallback` (default `unexpected`), not retryable, with the original as `cause`. The one
 * place that decides what an unknown failure is called, for logs, inbox outcomes and replies.
 */
export function asBotError(error: unknown, fallback: BotErrorCode = "unexpected"): BotError {
  if (error instanceof BotError) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BotError(fallback, message || "Something unexpected went wrong", { cause: error });
}
