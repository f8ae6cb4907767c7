/**
 * The LLM summariser (SPEC §5): the `openai` package's chat.completions with a strict JSON-schema
 * response format, against OpenAI, Azure OpenAI's v1 endpoint or any OpenAI-compatible server
 * (`baseURL`). Requests are planned and counted by {@link RequestPlanner} (token budget, per-highlight
 * cap, map-reduce, fencing, redaction); answers are validated and cleaned by ./output.ts; errors
 * are classified by ./errors.ts. Retries are done here, not by the client (its own retry would
 * resend a 429 `insufficient_quota`), with an injectable sleep. When the last attempt fails the
 * offline summariser writes the draft, and its footer says that the LLM failed and why.
 */
import OpenAI from "openai";
import type { Logger } from "../../src/ports/logger.ts";
import type { SummariseInput, SummariseResult, Summariser } from "../../src/ports/summariser.ts";
import { FAILURE_REASONS, outputError, type SummariserError, toSummariserError } from "./errors.ts";
import { type ModelDocument, parseModelDocument, RESPONSE_FORMAT, toWeeknoteDocument } from "./output.ts";
import { type PlannedRequest, type PlanStats, RequestPlanner } from "./plan.ts";
import type { PromptSet } from "./prompts.ts";
import { loadTokenizer } from "./tokens.ts";

export interface OpenAiSummariserOptions {
  readonly apiKey: string;
  /** An OpenAI-compatible endpoint ending in `/v1`; default OpenAI's. */
  readonly baseURL?: string | undefined;
  readonly model: string;
  /** Time-out of one HTTP request, ms. */
  readonly timeoutMs: number;
  /** Retries after the first attempt of each request (429, 5xx, time-outs); 0 for none. */
  readonly maxRetries: number;
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
  /** Waits between retries; injectable for tests. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Longest `Retry-After` worth waiting for, ms; a longer one fails the attempt. Default 60 s. */
  readonly maxRetryAfterMs?: number;
  /** First backoff wait, ms, doubled on each retry up to 8 s. Default 500. */
  readonly backoffMs?: number;
  /** Fence nonce, for tests; default random. */
  readonly nonce?: () => string;
  /** Extra HTTP headers on every request (an Azure or gateway key header, say). */
  readonly defaultHeaders?: Readonly<Record<string, string>>;
}

const MAX_BACKOFF_MS = 8_000;

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
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const backoffMs = options.backoffMs ?? 500;
  const logger = options.logger.child({ component: "openai-summariser", model: options.model });

  /** One request, with retries; the model's document or the last SummariserError. */
  async function complete(request: PlannedRequest): Promise<ModelDocument> {
    let invalidRetried = false;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await callOnce(request);
      } catch (thrown) {
        const error = toSummariserError(thrown);
        const wait = retryWait(error, attempt, invalidRetried);
        if (wait === undefined) {
          throw error;
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
            waitMs: wait,
          },
          "LLM request failed; retrying",
        );
        await sleep(wait);
      }
    }
  }

  /** How long to wait before the next attempt, or undefined to give up. */
  function retryWait(error: SummariserError, attempt: number, invalidRetried: boolean): number | undefined {
    if (attempt >= options.maxRetries || error.policy === "never") {
      return undefined;
    }
    if (error.policy === "once-more") {
      return invalidRetried ? undefined : 0;
    }
    if (error.policy === "after-retry-after" && error.retryAfterMs !== undefined) {
      return error.retryAfterMs <= maxRetryAfterMs ? error.retryAfterMs : undefined;
    }
    const base = Math.min(backoffMs * 2 ** attempt, MAX_BACKOFF_MS);
    // Up to a quarter less, so teams drafting at the same minute do not retry in step.
    return Math.round(base * (1 - Math.random() * 0.25));
  }

  async function callOnce(request: PlannedRequest): Promise<ModelDocument> {
    logger.debug({ kind: request.kind, part: request.part, tokens: request.tokens }, "LLM request");
    const response = await client.chat.completions.create({
      model: options.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      response_format: RESPONSE_FORMAT,
      ...(options.maxOutputTokens === undefined ? {} : { max_completion_tokens: options.maxOutputTokens }),
    });
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

  async function fallBack(input: SummariseInput, error: SummariserError): Promise<SummariseResult> {
    logger.error(
      {
        code: error.summariserCode,
        status: error.status,
        requestId: error.requestId,
        highlights: input.highlights.length,
      },
      "LLM summary failed; the offline summariser writes the draft",
    );
    const result = await options.fallback.summarise(input);
    const footer = `${result.document.footer} The LLM (${options.model}) did not write this draft: ${
      FAILURE_REASONS[error.summariserCode]
    } (${error.summariserCode}).`;
    return { ...result, document: { ...result.document, footer } };
  }

  return {
    async summarise(input: SummariseInput): Promise<SummariseResult> {
      if (input.highlights.length === 0) {
        // Nothing to summarise: the offline "quiet week" note, without a call.
        return options.fallback.summarise(input);
      }
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
        const body = await planner.run(complete);
        const document = toWeeknoteDocument(body, {
          week: input.week,
          seriesNumber: input.seriesNumber,
          footer: llmFooter(options.model, options.prompts.version, input, planner.stats, options.redact),
        });
        logger.info({ ...planner.stats, highlights: input.highlights.length }, "LLM draft written");
        return { document, origin: "llm", model: options.model, promptVersion: options.prompts.version };
      } catch (thrown) {
        if (planner) {
          logger.debug({ ...planner.stats }, "LLM plan when it failed");
        }
        return fallBack(input, toSummariserError(thrown));
      }
    },
  };
}

/**
 * The footer of an LLM draft, written by code: model, prompt version, number of highlights, how
 * the week was split, what was cut or redacted.
 */
export function llmFooter(
  model: string,
  promptVersion: string,
  input: SummariseInput,
  stats: PlanStats,
  redacted: boolean,
): string {
  const n = input.highlights.length;
  const parts = [
    `Drafted by ${model} (prompt ${promptVersion}) from ${n} highlight${n === 1 ? "" : "s"} tagged in ${input.week}`,
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
