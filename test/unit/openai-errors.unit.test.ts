import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { describe, expect, it } from "vitest";
import {
  FAILURE_REASONS,
  parseRetryAfter,
  SUMMARISER_CODES,
  toSummariserError,
} from "../../adapters/openai/errors.ts";
import { BotError } from "../../src/domain/errors.ts";

function apiError(
  status: number,
  error: Record<string, unknown>,
  headers: Record<string, string> = {},
): APIError {
  return APIError.generate(
    status,
    { error },
    undefined,
    new Headers({ "x-request-id": "req_1", ...headers }),
  );
}

describe("toSummariserError: one mapping from failures to codes and retry policies", () => {
  it.each([
    [429, { type: "tokens", code: "rate_limit_exceeded" }, "summariser.rate_limited", "after-retry-after"],
    [429, { type: "insufficient_quota", code: "insufficient_quota" }, "summariser.quota", "never"],
    [429, { type: "insufficient_quota", code: null }, "summariser.quota", "never"],
    [
      400,
      { type: "invalid_request_error", code: "context_length_exceeded" },
      "summariser.context_length",
      "never",
    ],
    [400, { type: "invalid_request_error", code: "invalid_value" }, "summariser.rejected", "never"],
    [401, { type: "invalid_request_error", code: "invalid_api_key" }, "summariser.auth", "never"],
    [403, { type: "invalid_request_error", code: "model_not_found" }, "summariser.auth", "never"],
    [404, { type: "invalid_request_error", code: "model_not_found" }, "summariser.rejected", "never"],
    [422, {}, "summariser.rejected", "never"],
    [408, {}, "summariser.timeout", "backoff"],
    [409, {}, "summariser.unavailable", "backoff"],
    [500, { type: "server_error" }, "summariser.unavailable", "backoff"],
    [503, {}, "summariser.unavailable", "backoff"],
    [504, {}, "summariser.timeout", "backoff"],
  ])("%i %j → %s (%s)", (status, body, code, policy) => {
    const error = toSummariserError(apiError(status, body));
    expect(error).toBeInstanceOf(BotError);
    expect(error.summariserCode).toBe(code);
    expect(error.policy).toBe(policy);
    expect(error.status).toBe(status);
    expect(error.requestId).toBe("req_1");
    expect(error.retryable).toBe(policy !== "never");
    // The BotError code is the precise one, so callers can switch on it.
    expect(error.code).toBe(code);
  });

  it("maps connection failures and time-outs", () => {
    expect(toSummariserError(new APIConnectionTimeoutError()).summariserCode).toBe("summariser.timeout");
    expect(toSummariserError(new APIConnectionError({ message: "ECONNREFUSED" })).summariserCode).toBe(
      "summariser.unavailable",
    );
    const other = toSummariserError(new TypeError("boom"));
    expect(other.summariserCode).toBe("summariser.failed");
    expect(other.policy).toBe("never");
  });

  it("carries Retry-After, and never the API's message text in the metadata", () => {
    const error = toSummariserError(
      apiError(429, { message: "secret-ish text", code: "rate_limit_exceeded" }, { "retry-after": "12" }),
    );
    expect(error.retryAfterMs).toBe(12_000);
    expect(JSON.stringify({ ...error, cause: undefined })).not.toContain("secret-ish");
  });

  it("has a footer reason for every code", () => {
    for (const code of Object.values(SUMMARISER_CODES)) {
      expect(FAILURE_REASONS[code]).toMatch(/^the /);
    }
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 2, 27, 14, 0, 0);
  it.each([
    [{ "retry-after": "7" }, 7_000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after-ms": "250", "retry-after": "7" }, 250],
    [{ "retry-after": "Fri, 27 Mar 2026 14:00:30 GMT" }, 30_000],
    [{ "retry-after": "Fri, 27 Mar 2026 13:00:00 GMT" }, 0],
    [{ "retry-after": "soon" }, undefined],
    [{}, undefined],
  ])("%j → %s", (headers, expected) => {
    expect(parseRetryAfter(new Headers(headers), now)).toBe(expected);
  });
});
