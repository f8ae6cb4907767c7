import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { connectorError } from "../../adapters/teams/connector-errors.ts";
import { BotError } from "../../src/domain/errors.ts";

// The failures botbuilder's connector client throws are RestErrors of the @azure/core-rest-pipeline
// that botbuilder itself loads (botbuilder → botbuilder-stdlib → core-client → core-rest-pipeline):
// taken from there, these are the very class and header type the bot sees, built as core-client's
// deserialization policy builds them (statusCode, request, response with headers and bodyAsText,
// and `code` from the body's `error.code` when it has one).
interface Pipeline {
  RestError: new (
    message: string,
    options: { code?: string; statusCode?: number; request?: unknown; response?: unknown },
  ) => Error & { code?: string };
  createHttpHeaders(raw: Record<string, string>): unknown;
  createPipelineRequest(options: { url: string; method?: string }): unknown;
}
const fromBotbuilder = createRequire(createRequire(import.meta.url).resolve("botbuilder"));
const fromStdlib = createRequire(fromBotbuilder.resolve("botbuilder-stdlib"));
const pipeline = fromStdlib("@azure/core-rest-pipeline") as Pipeline;

const SEND = "https://smba.trafficmanager.net/emea/v3/conversations/19%3Achan002%40thread.tacv2/activities";

/** A RestError for an HTTP answer, as the connector client throws it. */
function httpError(status: number, body: unknown, headers: Record<string, string> = {}): Error {
  const request = pipeline.createPipelineRequest({ url: SEND, method: "POST" });
  const bodyAsText = typeof body === "string" ? body : JSON.stringify(body);
  const error = new pipeline.RestError(bodyAsText, {
    statusCode: status,
    request,
    response: { request, status, headers: pipeline.createHttpHeaders(headers), bodyAsText },
  });
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (typeof code === "string") error.code = code;
  return error;
}

describe("connectorError", () => {
  it("reads 403 MessageWritesBlocked in the Bot Framework error envelope as platform.blocked", () => {
    const failure = connectorError(
      httpError(403, {
        error: { code: "MessageWritesBlocked", message: "Thread is blocked from message writes." },
      }),
      "a post",
    );
    expect(failure).toBeInstanceOf(BotError);
    expect(failure).toMatchObject({ code: "platform.blocked", retryable: false });
    expect(failure.message).toBe(
      "Teams refused a post: the bot was blocked or removed (MessageWritesBlocked)",
    );
    expect(failure.message).not.toContain("Thread is blocked");
  });

  it("reads the documented 403 (subCode inside the message's JSON) as platform.blocked", () => {
    // msteams-docs, "Send proactive messages": the response a bot gets once blocked or uninstalled.
    const documented = {
      errorCode: 209,
      message:
        '{\r\n  "subCode": "MessageWritesBlocked",\r\n  "details": "Thread is blocked from message writes.",\r\n  "errorCode": null,\r\n  "errorSubCode": null\r\n}',
    };
    expect(connectorError(httpError(403, documented), "a post")).toMatchObject({
      code: "platform.blocked",
      retryable: false,
    });
  });

  it.each([
    [403, "BotNotInConversationRoster"],
    [403, "BotDisabledByAdmin"],
    [403, "ConversationBlockedByUser"],
    [404, "ConversationNotFound"],
  ])("reads %i %s as platform.blocked", (status, code) => {
    expect(connectorError(httpError(status, { error: { code, message: "…" } }), "a post").code).toBe(
      "platform.blocked",
    );
  });

  it("reads any other 403 as platform.rejected, naming the code", () => {
    const failure = connectorError(httpError(403, { error: { code: "Forbidden", message: "no" } }), "a post");
    expect(failure).toMatchObject({ code: "platform.rejected", retryable: false });
    expect(failure.message).toBe("Teams refused a post (HTTP 403 Forbidden)");
  });

  it("reads 429 as platform.rate_limited, with Retry-After in ms when given", () => {
    const throttled = { error: { code: "Throttled", message: "Too many requests" } };
    expect(connectorError(httpError(429, throttled, { "Retry-After": "7" }), "a post")).toMatchObject({
      code: "platform.rate_limited",
      retryable: true,
      retryAfterMs: 7_000,
    });
    expect(connectorError(httpError(429, throttled, { "retry-after-ms": "1500" }), "a post")).toMatchObject({
      retryAfterMs: 1_500,
    });
    const bare = connectorError(httpError(429, throttled), "a post");
    expect(bare).toMatchObject({ code: "platform.rate_limited", retryable: true });
    expect(bare.retryAfterMs).toBeUndefined();
    expect(connectorError(httpError(429, throttled, { "Retry-After": "soon" }), "a post").retryAfterMs).toBe(
      undefined,
    );
  });

  it.each([500, 502, 503, 504, 412])("reads %i as platform.unavailable (retryable)", (status) => {
    const failure = connectorError(
      httpError(status, { error: { code: "ServiceError", message: "…" } }),
      "a post",
    );
    expect(failure).toMatchObject({ code: "platform.unavailable", retryable: true });
    expect(failure.message).toBe(`Teams did not answer a post (HTTP ${status})`);
  });

  it("reads a 5xx whose body is no JSON (a proxy's page) by its status", () => {
    expect(connectorError(httpError(502, "<html><body>Bad gateway</body></html>"), "a post")).toMatchObject({
      code: "platform.unavailable",
      retryable: true,
    });
  });

  it("reads 401 as platform.rejected, pointing at the app's credentials", () => {
    const failure = connectorError(
      httpError(401, { message: "Authorization has been denied for this request." }),
      "a post",
    );
    expect(failure).toMatchObject({ code: "platform.rejected", retryable: false });
    expect(failure.hint).toContain("MICROSOFT_APP_PASSWORD");
  });

  it("reads a 404 of an activity as platform.not_found", () => {
    const failure = connectorError(
      httpError(404, { error: { code: "ActivityNotFoundInConversation", message: "…" } }),
      "an update of the review card",
    );
    expect(failure).toMatchObject({ code: "platform.not_found", retryable: false });
  });

  it("reads a failure with no HTTP answer (refused, reset, timed out) as platform.unavailable", () => {
    const refused = new pipeline.RestError("connect ECONNREFUSED 127.0.0.1:443", {
      code: "ECONNREFUSED",
      request: pipeline.createPipelineRequest({ url: SEND }),
    });
    expect(connectorError(refused, "a post")).toMatchObject({
      code: "platform.unavailable",
      retryable: true,
    });
    expect(connectorError(refused, "a post").message).toBe("Teams did not answer a post");
    expect(connectorError(new TypeError("fetch failed"), "a post")).toMatchObject({
      code: "platform.unavailable",
      retryable: true,
    });
  });

  it("keeps the original as the cause, and passes a BotError through", () => {
    const original = httpError(500, { error: { code: "ServiceError", message: "…" } });
    expect(connectorError(original, "a post").cause).toBe(original);
    const ours = new BotError("platform.not_found", "gone");
    expect(connectorError(ours, "a post")).toBe(ours);
  });
});
