/**
 * How the LLM calls of one summary went, told from what happened (issue 10 item 11): the time
 * budget across every attempt, and the words a fallback draft's footer uses. Pure: the summariser
 * records, this module words.
 */
import { FAILURE_REASONS, type SummariserError } from "./errors.ts";

/** How the summariser stopped trying. */
export type GiveUp =
  /** The error is never retried (quota, auth, a refusal, a request too large). */
  | "not_retried"
  /** Every attempt allowed (maxRetries + 1) failed. */
  | "retries_spent"
  /** The next wait (a `Retry-After`, or backoff) would have passed the time budget: no wait at all. */
  | "wait_over_budget"
  /** The time budget ran out while a request was in flight or before the next could start. */
  | "budget_spent";

/** What happened, for the footer and the logs. Times in ms. */
export interface AttemptStory {
  readonly error: SummariserError;
  readonly giveUp: GiveUp;
  /** HTTP requests made (0 when it failed before sending). */
  readonly attempts: number;
  /** The whole summary's time budget. */
  readonly budgetMs: number;
  /** Budget left when the summariser gave up. */
  readonly leftMs: number;
  /** For `wait_over_budget`: the wait asked for (`Retry-After`) or planned (backoff). */
  readonly waitMs?: number | undefined;
  /** Whether `waitMs` came from the server's `Retry-After`. */
  readonly askedByServer?: boolean | undefined;
}

/** `2-minute`, `90-second`: a budget as an adjective. */
export function budgetWords(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) {
    return `${ms / 60_000}-minute`;
  }
  return `${Math.round(ms / 1000)}-second`;
}

/** `120 s`: whole seconds, rounded up (a wait of 0.2 s reads `1 s`). */
function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

/** The budget as a reader would want it: the whole budget, or what was left of it. */
function budgetLeft(story: AttemptStory): string {
  const whole = `the ${budgetWords(story.budgetMs)} budget`;
  // Within a second of the start: the wait was over the whole budget.
  return story.budgetMs - story.leftMs < 1_000 ? whole : `the ${seconds(story.leftMs)} left of ${whole}`;
}

/**
 * Why the LLM did not write this draft, in plain words from what happened, ending in the code:
 * `the LLM service asked us to wait 120 s, longer than the 2-minute budget (summariser.rate_limited)`.
 */
export function failureWords(story: AttemptStory): string {
  const code = story.error.summariserCode;
  const reason = FAILURE_REASONS[code];
  const times = story.attempts > 1 ? `, on all ${story.attempts} attempts` : "";
  let words: string;
  switch (story.giveUp) {
    case "wait_over_budget":
      words =
        story.askedByServer && story.waitMs !== undefined
          ? `the LLM service asked us to wait ${seconds(story.waitMs)}, longer than ${budgetLeft(story)}`
          : `${reason}${times}, and waiting ${seconds(story.waitMs ?? 0)} more would pass ${budgetLeft(story)}`;
      break;
    case "budget_spent":
      words =
        code === "summariser.timeout"
          ? `the LLM service did not answer within the ${budgetWords(story.budgetMs)} budget${
              story.attempts > 1 ? ` (${story.attempts} attempts)` : ""
            }`
          : `${reason}${times}, until the ${budgetWords(story.budgetMs)} budget ran out`;
      break;
    case "retries_spent":
      words = `${reason}${times}`;
      break;
    case "not_retried":
      words = reason;
      break;
  }
  return `${words} (${code})`;
}
