import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Clock } from "../../src/ports/clock.ts";
import type { Metrics } from "../../src/ports/metrics.ts";
import type { InboxStore } from "../../src/ports/store.ts";

/** Metrics in prom-client, with what `/metrics` serves. */
export interface PromMetrics extends Metrics {
  /** The `Content-Type` of {@link render}'s text: Prometheus' text exposition format 0.0.4. */
  readonly contentType: string;
  /**
   * Every metric in Prometheus' text format, the inbox backlog read from the store at this call.
   * Never rejects: a backlog that cannot be read is served as `NaN`.
   */
  render(): Promise<string>;
}

const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
// An LLM draft request takes seconds to minutes (issue 10 item 11: a 2-minute budget).
const LLM_BUCKETS = [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

/**
 * Prometheus metrics (https://prometheus.io/docs/instrumenting/exposition_formats/) in a registry
 * of their own, so two bots in one process (tests) never share counts. Names follow Prometheus'
 * naming guide: a `weeknotes_` prefix, `_total` on counters, base units (seconds). Node's process
 * metrics (`weeknotes_process_*`, `weeknotes_nodejs_*`: CPU, memory, event-loop lag) are included
 * when `processMetrics` is true (default).
 *
 * The inbox gauges are read when scraped: `weeknotes_inbox_backlog` (pending events) and
 * `weeknotes_inbox_oldest_age_seconds` (age of the oldest pending one at `clock.now()`; 0 when none).
 */
export function createPromMetrics(options: {
  readonly inbox: Pick<InboxStore, "inboxBacklog">;
  readonly clock: Clock;
  readonly processMetrics?: boolean;
}): PromMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: "weeknotes_" });
  }
  const registers = [registry];

  const inboxEvents = new Counter({
    name: "weeknotes_inbox_events_total",
    help: "Events delivered by a platform (received), and how recording them went: recorded, deduplicated (a redelivery) or failed (not acknowledged)",
    labelNames: ["outcome"] as const,
    registers,
  });
  const processed = new Counter({
    name: "weeknotes_inbox_processed_total",
    help: "Recorded events the inbox worker finished, by status (done, failed, retry)",
    labelNames: ["status"] as const,
    registers,
  });
  const highlights = new Counter({
    name: "weeknotes_highlights_captured_total",
    help: "New highlights stored, by platform",
    labelNames: ["platform"] as const,
    registers,
  });
  const drafts = new Counter({
    name: "weeknotes_drafts_total",
    help: "Weeknote drafts, by configured summariser (openai, offline) and outcome (written, fallback, failed)",
    labelNames: ["summariser", "outcome"] as const,
    registers,
  });
  const llmDuration = new Histogram({
    name: "weeknotes_llm_request_duration_seconds",
    help: "Time of one LLM request, by outcome (ok, error)",
    labelNames: ["outcome"] as const,
    buckets: LLM_BUCKETS,
    registers,
  });
  const llmTokens = new Counter({
    name: "weeknotes_llm_tokens_total",
    help: "Tokens the LLM reported using, by type (prompt, completion)",
    labelNames: ["type"] as const,
    registers,
  });
  const llmErrors = new Counter({
    name: "weeknotes_llm_errors_total",
    help: "Failed LLM requests, by summariser error code",
    labelNames: ["code"] as const,
    registers,
  });
  const platformErrors = new Counter({
    name: "weeknotes_platform_api_errors_total",
    help: "Failed calls to a chat platform's API, by platform and error code",
    labelNames: ["platform", "code"] as const,
    registers,
  });
  const storeDuration = new Histogram({
    name: "weeknotes_store_operation_duration_seconds",
    help: "Time of one store call, by operation (method) and outcome (ok, error)",
    labelNames: ["operation", "outcome"] as const,
    buckets: STORE_BUCKETS,
    registers,
  });
  const backlog = new Gauge({
    name: "weeknotes_inbox_backlog",
    help: "Inbox events waiting to be carried out (NaN when the store cannot be read)",
    registers,
  });
  const oldestAge = new Gauge({
    name: "weeknotes_inbox_oldest_age_seconds",
    help: "Age of the oldest waiting inbox event; 0 when none waits (NaN when the store cannot be read)",
    registers,
  });

  // Series that exist from the start, so a scrape shows 0 rather than nothing and rate() works.
  for (const outcome of ["received", "recorded", "deduplicated", "failed"]) inboxEvents.inc({ outcome }, 0);
  for (const status of ["done", "failed", "retry"]) processed.inc({ status }, 0);
  for (const type of ["prompt", "completion"]) llmTokens.inc({ type }, 0);

  return {
    contentType: registry.contentType,
    async render() {
      try {
        const now = options.clock.now();
        const { pending, oldestReceivedAtMs } = await options.inbox.inboxBacklog(now);
        backlog.set(pending);
        oldestAge.set(oldestReceivedAtMs === undefined ? 0 : Math.max(0, now - oldestReceivedAtMs) / 1000);
      } catch {
        backlog.set(Number.NaN);
        oldestAge.set(Number.NaN);
      }
      return registry.metrics();
    },
    inboxEvent(outcome) {
      inboxEvents.inc({ outcome });
    },
    inboxProcessed(status) {
      processed.inc({ status });
    },
    highlightCaptured(platform) {
      highlights.inc({ platform });
    },
    draft(summariser, outcome) {
      drafts.inc({ summariser, outcome });
    },
    llmRequest(result) {
      llmDuration.observe({ outcome: result.errorCode === undefined ? "ok" : "error" }, result.seconds);
      if (result.promptTokens !== undefined) llmTokens.inc({ type: "prompt" }, result.promptTokens);
      if (result.completionTokens !== undefined)
        llmTokens.inc({ type: "completion" }, result.completionTokens);
      if (result.errorCode !== undefined) llmErrors.inc({ code: result.errorCode });
    },
    platformError(platform, code) {
      platformErrors.inc({ platform, code });
    },
    storeCall(operation, seconds, ok) {
      storeDuration.observe({ operation, outcome: ok ? "ok" : "error" }, seconds);
    },
  };
}
