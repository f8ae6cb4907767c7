/**
 * The LLM summariser (SPEC §5): the `openai` package's chat.completions with a strict JSON-schema
 * response format, against OpenAI, Azure OpenAI's v1 endpoint or any OpenAI-compatible server
 * (`baseURL`). Requests are planned and counted by {@link RequestPlanner} (token budget, per-highlight
 * cap, map-reduce, fencing, redaction); answers are validated and cleaned by ./output.ts; errors
 * are classified by ./errors.ts. Retries are done here, not by the client (its own retry would
 * resend a 429 `insufficient_quota`).
 *
 * Bounded (issue 10 item 11): one summary has a total time budget across every attempt, waits and
 * merge step (`totalTimeoutMs`, default 2 minutes), measured on the injected Clock and enforced with
 * the injected Timers: when it runs out the request in flight is aborted. A `Retry-After` is
 * honoured, with up to 10% jitter, only when the wait fits what is left of the budget; a longer
 * one falls back at once. When the LLM gives up the offline summariser writes the draft, and its
 * footer says what actually happened (./attempts.ts).
 */
import OpenAI from "openai";
import type { Clock, Timers } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { Metrics } from "../../src/ports/metrics.ts";
import type { SummariseInput, SummariseResult, Summariser } from "../../src/ports/summariser.ts";
import { systemClock, systemTimers } from "../clock/system-clock.ts";
import { type AttemptStory, failureWords, type GiveUp } from "./attempts.ts";
import { outputError, SummariserError, toSummariserError } from "./errors.ts";
import {
  leftOutOf,
  type ModelDocument,
  parseModelDocument,
  RESPONSE_FORMAT,
  toWeeknoteDocument,
} from "./output.ts";
import { type PlannedRequest, type PlanStats, RequestPlanner } from "./plan.ts";
import { type PromptSet, versionWithStyle } from "./prompts.ts";
import { loadTokenizer } from "./tokens.ts";

export interface OpenAiSummariserOptions {
  readonly apiKey: string;
  /** Where each request's latency, tokens and error code are counted (`/metrics`). */
  readonly metrics?: Metrics | undefined;
  /** An OpenAI-compatible endpoint ending in `/v1`; default OpenAI's. */
  readonly baseURL?: string | undefined;
  readonly model: string;
  /** Time-out of one HTTP request, ms (the client's own timer). */
  readonly timeoutMs: number;
  /** Retries after the first attempt of each request (429, 5xx, time-outs); 0 for none. */
  readonly maxRetries: number;
  /**
   * Most time one summary may take, ms, across every request, retry and wait; over it the request
   * in flight is aborted and the offline summariser writes the draft. Default 120 000.
   */
  readonly totalTimeoutMs?: number | undefined;
  /** Most input tokens of one request (messages and schema); over it, the week is map-reduced. */
  readonly tokenBudget: number;
  /** Most tokens of one highlight's text; longer ones are cut with a marker. */
  readonly highlightTokenCap: number;
  /** Most tokens of one answer (`max_completion_tokens`); undefined sends no limit. */
  readonly maxOutputTokens?: number | undefined;
  /** Redact e-mail addresses, UK phone numbers and NI numbers from everything sent. */
  readonly redact: boolean;
  /** The team's checked prompts (see loadPrompts / loadPromptLibrary). */
  readonly prompts: PromptSet;
  /** Writes the draft when the LLM fails: the offline summariser. */
  readonly fallback: Summariser;
  readonly logger: Logger;
  /** Where the budget's time is read; default the system clock. */
  readonly clock?: Clock;
  /** Where the budget's deadline and the waits are set; default Node's timers. */
  readonly timers?: Timers;
  /** Waits between retries; default a timer of `timers`. Tests may record instead of waiting. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ x < 1, for the jitter of waits; default Math.random. */
  readonly random?: () => number;
  /** First backoff wait, ms, doubled on each retry up to 8 s. Default 500. */
  readonly backoffMs?: number;
  /** Fence nonce, for tests; default random. */
  readonly nonce?: () => string;
  /** Extra HTTP headers on every request (an Azure or gateway key header, say). */
  readonly defaultHeaders?: Readonly<Record<string, string>>;
}

const MAX_BACKOFF_MS = 8_000;
/** Default total time budget of one summary, ms. */
export const DEFAULT_TOTAL_TIMEOUT_MS = 120_000;
// A Retry-After is waited out with up to this much more, so teams told the same wait do not
// all come back in the same millisecond.
const RETRY_AFTER_JITTER = 0.1;

/** The gave-up story of a summary, thrown from the attempt loop to the fallback. */
class GaveUpError extends Error {
  constructor(readonly story: AttemptStory) {
    super(story.error.message);
  }
}

/** One summary's time budget: its deadline on the clock, and a signal aborted when it passes. */
interface Budget {
  readonly totalMs: number;
  readonly signal: AbortSignal;
  left(): number;
  expired(): boolean;
  /** HTTP requests sent so far. */
  attempts: number;
  cancel(): void;
}

/** A Summariser backed by an OpenAI-compatible chat.completions endpoint, falling back to `fallback`. */
export function createOpenAiSummariser(options: OpenAiSummariserOptions): Summariser {
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    timeout: options.timeoutMs,
    // Retries are ours: the client would also retry 429 insufficient_quota and sleep on its own timer.
    maxRetries: 0,
    ...(options.defaultHeaders === undefined ? {} : { defaultHeaders: { ...options.defaultHeaders } }),
  });
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => timers.after(ms, () => resolve())));
  const random = options.random ?? Math.random;
  const totalMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const backoffMs = options.backoffMs ?? 500;
  const logger = options.logger.child({ component: "openai-summariser", model: options.model });

  function startBudget(): Budget {
    const startedAt = clock.now();
    const controller = new AbortController();
    let over = false;
    const cancel = timers.after(totalMs, () => {
      over = true;
      controller.abort(new Error("the summary's time budget ran out"));
    });
    const left = () => Math.max(0, totalMs - (clock.now() - startedAt));
    return {
      totalMs,
      signal: controller.signal,
      left,
      expired: () => over || left() <= 0,
      attempts: 0,
      cancel,
    };
  }

  function gaveUp(
    budget: Budget,
    error: SummariserError,
    giveUp: GiveUp,
    wait?: { ms: number; askedByServer: boolean },
  ): GaveUpError {
    return new GaveUpError({
      error,
      giveUp,
      attempts: budget.attempts,
      budgetMs: budget.totalMs,
      leftMs: budget.left(),
      ...(wait === undefined ? {} : { waitMs: wait.ms, askedByServer: wait.askedByServer }),
    });
  }

  /** One request, with retries within the budget; the model's document, or a GaveUpError. */
  async function complete(request: PlannedRequest, budget: Budget): Promise<ModelDocument> {
    let invalidRetried = false;
    let lastError: SummariserError | undefined;
    for (let attempt = 0; ; attempt += 1) {
      if (budget.expired()) {
        throw gaveUp(budget, lastError ?? budgetError(), "budget_spent");
      }
      let error: SummariserError;
      try {
        budget.attempts += 1;
        return await measured(request, budget.signal);
      } catch (thrown) {
        if (budget.expired()) {
          // Our deadline aborted the request (or it failed as the budget ran out): say so.
          throw gaveUp(budget, budgetError(thrown), "budget_spent");
        }
        error = toSummariserError(thrown);
      }
      lastError = error;
      if (error.policy === "never") {
        throw gaveUp(budget, error, "not_retried");
      }
      if (attempt >= options.maxRetries || (error.policy === "once-more" && invalidRetried)) {
        throw gaveUp(budget, error, "retries_spent");
      }
      const wait = retryWait(error, attempt);
      if (wait.ms >= budget.left()) {
        throw gaveUp(budget, error, "wait_over_budget", wait);
      }
      if (error.policy === "once-more") {
        invalidRetried = true;
      }
      logger.warn(
        {
          code: error.summariserCode,
          status: error.status,
          requestId: error.requestId,
          kind: request.kind,
          part: request.part,
          attempt: attempt + 1,
          waitMs: wait.ms,
          budgetLeftMs: budget.left(),
        },
        "LLM request failed; retrying",
      );
      await sleep(wait.ms);
    }
  }

  /** How long to wait before the next attempt, and whether the server asked for it. */
  function retryWait(error: SummariserError, attempt: number): { ms: number; askedByServer: boolean } {
    if (error.policy === "once-more") {
      return { ms: 0, askedByServer: false };
    }
    if (error.policy === "after-retry-after" && error.retryAfterMs !== undefined) {
      return {
        ms: Math.round(error.retryAfterMs * (1 + random() * RETRY_AFTER_JITTER)),
        askedByServer: true,
      };
    }
    const base = Math.min(backoffMs * 2 ** attempt, MAX_BACKOFF_MS);
    // Up to a quarter less, so teams drafting at the same minute do not retry in step.
    return { ms: Math.round(base * (1 - random() * 0.25)), askedByServer: false };
  }

  /** {@link callOnce}, its time, tokens and error code counted in `options.metrics`. */
  async function measured(request: PlannedRequest, signal: AbortSignal): Promise<ModelDocument> {
    const started = performance.now();
    let usage: OpenAI.CompletionUsage | undefined;
    const report = (errorCode?: string) =>
      options.metrics?.llmRequest({
        seconds: (performance.now() - started) / 1000,
        promptTokens: usage?.prompt_tokens,
        completionTokens: usage?.completion_tokens,
        errorCode,
      });
    try {
      const document = await callOnce(request, signal, (used) => {
        usage = used;
      });
      report();
      return document;
    } catch (error) {
      report(toSummariserError(error).summariserCode);
      throw error;
    }
  }

  async function callOnce(
    request: PlannedRequest,
    signal: AbortSignal,
    onUsage: (usage: OpenAI.CompletionUsage | undefined) => void = () => undefined,
  ): Promise<ModelDocument> {
    logger.debug({ kind: request.kind, part: request.part, tokens: request.tokens }, "LLM request");
    const response = await client.chat.completions.create(
      {
        model: options.model,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        response_format: RESPONSE_FORMAT,
        ...(options.maxOutputTokens === undefined ? {} : { max_completion_tokens: options.maxOutputTokens }),
      },
      { signal },
    );
    onUsage(response.usage);
    const choice = response.choices[0];
    if (!choice) {
      throw outputError("summariser.invalid_output", "The LLM answered with no choices");
    }
    if (choice.message.refusal) {
      throw outputError("summariser.refused", "The model refused to summarise");
    }
    if (choice.finish_reason === "content_filter") {
      throw outputError("summariser.refused", "A content filter stopped the answer");
    }
    if (choice.finish_reason === "length") {
      throw outputError("summariser.truncated", "The answer was cut off at the output token limit");
    }
    return parseModelDocument(choice.message.content ?? "");
  }

  async function fallBack(input: SummariseInput, story: AttemptStory): Promise<SummariseResult> {
    const error = story.error;
    logger.error(
      {
        code: error.summariserCode,
        status: error.status,
        requestId: error.requestId,
        highlights: input.highlights.length,
        giveUp: story.giveUp,
        attempts: story.attempts,
        waitMs: story.waitMs,
        budgetLeftMs: story.leftMs,
      },
      "LLM summary failed; the offline summariser writes the draft",
    );
    const result = await options.fallback.summarise(input);
    const footer = `${result.document.footer} The LLM (${options.model}) did not write this draft: ${failureWords(story)}.`;
    return { ...result, document: { ...result.document, footer } };
  }

  return {
    async summarise(input: SummariseInput): Promise<SummariseResult> {
      if (input.highlights.length === 0) {
        // Nothing to summarise: the offline "quiet week" note, without a call.
        return options.fallback.summarise(input);
      }
      const budget = startBudget();
      let planner: RequestPlanner | undefined;
      try {
        const tokenizer = await loadTokenizer(options.model);
        planner = await RequestPlanner.create(input, {
          prompts: options.prompts,
          tokenizer,
          tokenBudget: options.tokenBudget,
          highlightTokenCap: options.highlightTokenCap,
          redact: options.redact,
          ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
        });
        const body = await planner.run((request) => complete(request, budget));
        const allIds = input.highlights.map((h) => h.id);
        const leftOut = leftOutOf(body, allIds);
        const promptVersion = versionWithStyle(options.prompts.version, input.houseStyle);
        const document = toWeeknoteDocument(body, {
          week: input.week,
          seriesNumber: input.seriesNumber,
          language: input.language,
          leftOut,
          footer: llmFooter(options.model, promptVersion, input, planner.stats, options.redact, {
            cited: allIds.length - leftOut.length,
          }),
        });
        logger.info(
          { ...planner.stats, highlights: input.highlights.length, leftOut: leftOut.length },
          "LLM draft written",
        );
        return { document, origin: "llm", model: options.model, promptVersion };
      } catch (thrown) {
        if (planner) {
          logger.debug({ ...planner.stats }, "LLM plan when it failed");
        }
        const story: AttemptStory =
          thrown instanceof GaveUpError
            ? thrown.story
            : {
                error: toSummariserError(thrown),
                giveUp: "not_retried",
                attempts: budget.attempts,
                budgetMs: budget.totalMs,
                leftMs: budget.left(),
              };
        return fallBack(input, story);
      } finally {
        budget.cancel();
      }
    },
  };
}

/** The error of a summary whose time budget ran out, with what was in flight as its cause. */
function budgetError(cause?: unknown): SummariserError {
  return new SummariserError("summariser.timeout", "The LLM summary ran out of its time budget", {
    policy: "never",
    ...(cause === undefined ? {} : { cause }),
    hint: "Raise LLM_TOTAL_TIMEOUT_MS, or check the LLM service",
  });
}

/**
 * The footer of an LLM draft, written by code: model, prompt version, how many of the week's
 * highlights it cites (the rest are in `leftOut`), how the week was split, what was cut or redacted.
 */
export function llmFooter(
  model: string,
  promptVersion: string,
  input: SummariseInput,
  stats: PlanStats,
  redacted: boolean,
  citing: { readonly cited: number },
): string {
  const n = input.highlights.length;
  const parts = [
    `Drafted by ${model} (prompt ${promptVersion}) from ${n} highlight${n === 1 ? "" : "s"} tagged in ${input.week}`,
    `cites ${citing.cited} of ${n} highlight${n === 1 ? "" : "s"}${
      citing.cited < n ? ` (${n - citing.cited} left out, listed with the draft)` : ""
    }`,
  ];
  if (stats.parts > 1) {
    parts.push(`summarised in ${stats.parts} parts, then merged`);
  }
  if (stats.cutHighlights > 0) {
    parts.push(
      `${stats.cutHighlights} long highlight${stats.cutHighlights === 1 ? " was" : "s were"} shortened`,
    );
  }
  if (redacted) {
    parts.push("e-mail addresses, phone numbers and NI numbers were removed before sending");
  }
  return `${parts.join("; ")}. Check it against the highlights before approving.`;
}
