/**
 * What the bot counts and times for operators (issue 11 item 4; served at `/metrics` by
 * adapters/metrics/prom-metrics.ts in Prometheus' text format). Every label is a bounded set: a
 * kind, a code or an operation name, never an id or text. Durations are in seconds (Prometheus'
 * base unit). No method throws.
 */
export interface Metrics {
  /**
   * An inbox event the platform delivered and how recording it went: `received` once for each
   * delivery, then one of `recorded` (new), `deduplicated` (a redelivery of a recorded event) or
   * `failed` (the store refused it: the platform was not acknowledged and will retry).
   */
  inboxEvent(outcome: "received" | "recorded" | "deduplicated" | "failed"): void;
  /** A recorded event the worker finished: `done`, `failed` for good, or `retry` later. */
  inboxProcessed(status: "done" | "failed" | "retry"): void;
  /** A message or typed text became a new highlight. */
  highlightCaptured(platform: string): void;
  /**
   * A draft the summariser wrote. `summariser` is the configured kind (`openai`, `offline`);
   * `outcome` is `written` (by that summariser), `fallback` (the LLM failed and the offline
   * summariser wrote it) or `failed` (no draft).
   */
  draft(summariser: string, outcome: "written" | "fallback" | "failed"): void;
  /**
   * One request to the LLM: how long it took, the tokens its answer reports (undefined when it
   * reports none) and the summariser error code when it failed (`summariser.rate_limited`…).
   */
  llmRequest(result: {
    readonly seconds: number;
    readonly promptTokens?: number | undefined;
    readonly completionTokens?: number | undefined;
    readonly errorCode?: string | undefined;
  }): void;
  /** A call to a chat platform's API failed with this BotError code (`platform.rate_limited`…). */
  platformError(platform: string, code: string): void;
  /** One store call: its method name, how long it took, and whether it threw. */
  storeCall(operation: string, seconds: number, ok: boolean): void;
}

/** Metrics that go nowhere: the default where nothing scrapes (the CLI, unit tests). */
export const noMetrics: Metrics = {
  inboxEvent() {},
  inboxProcessed() {},
  highlightCaptured() {},
  draft() {},
  llmRequest() {},
  platformError() {},
  storeCall() {},
};
