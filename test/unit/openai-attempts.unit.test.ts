import { describe, expect, it } from "vitest";
import { type AttemptStory, budgetWords, failureWords } from "../../adapters/openai/attempts.ts";
import { type SummariserCode, SummariserError } from "../../adapters/openai/errors.ts";

// The footer of a fallback draft says what actually happened (issue 10 item 11): a 429 whose
// Retry-After was over the budget is not "kept answering rate-limited".

function story(
  code: SummariserCode,
  rest: Partial<AttemptStory> & Pick<AttemptStory, "giveUp">,
): AttemptStory {
  return {
    error: new SummariserError(code, "x", { policy: "never" }),
    attempts: 1,
    budgetMs: 120_000,
    leftMs: 120_000,
    ...rest,
  };
}

describe("failureWords", () => {
  it("a Retry-After over the whole budget: asked to wait, longer than the budget", () => {
    expect(
      failureWords(
        story("summariser.rate_limited", {
          giveUp: "wait_over_budget",
          waitMs: 120_000,
          askedByServer: true,
          leftMs: 119_990,
        }),
      ),
    ).toBe(
      "the LLM service asked us to wait 120 s, longer than the 2-minute budget (summariser.rate_limited)",
    );
  });

  it("a Retry-After over what is left: says what was left", () => {
    expect(
      failureWords(
        story("summariser.rate_limited", {
          giveUp: "wait_over_budget",
          attempts: 2,
          waitMs: 30_000,
          askedByServer: true,
          leftMs: 20_000,
        }),
      ),
    ).toBe(
      "the LLM service asked us to wait 30 s, longer than the 20 s left of the 2-minute budget (summariser.rate_limited)",
    );
  });

  it("a backoff over what is left, a spent budget, spent retries and a refusal", () => {
    expect(
      failureWords(
        story("summariser.unavailable", {
          giveUp: "wait_over_budget",
          attempts: 3,
          waitMs: 2_000,
          askedByServer: false,
          leftMs: 1_500,
        }),
      ),
    ).toBe(
      "the LLM service was unavailable, on all 3 attempts, and waiting 2 s more would pass the 2 s left of the 2-minute budget (summariser.unavailable)",
    );
    expect(failureWords(story("summariser.timeout", { giveUp: "budget_spent", leftMs: 0 }))).toBe(
      "the LLM service did not answer within the 2-minute budget (summariser.timeout)",
    );
    expect(
      failureWords(story("summariser.timeout", { giveUp: "budget_spent", attempts: 3, budgetMs: 90_000 })),
    ).toBe("the LLM service did not answer within the 90-second budget (3 attempts) (summariser.timeout)");
    expect(failureWords(story("summariser.unavailable", { giveUp: "budget_spent", attempts: 2 }))).toBe(
      "the LLM service was unavailable, on all 2 attempts, until the 2-minute budget ran out (summariser.unavailable)",
    );
    expect(failureWords(story("summariser.rate_limited", { giveUp: "retries_spent", attempts: 4 }))).toBe(
      "the LLM service answered that we were over its rate limit, on all 4 attempts (summariser.rate_limited)",
    );
    expect(failureWords(story("summariser.quota", { giveUp: "not_retried" }))).toBe(
      "the LLM account has run out of quota (summariser.quota)",
    );
  });

  it("names budgets as a reader would", () => {
    expect(budgetWords(120_000)).toBe("2-minute");
    expect(budgetWords(60_000)).toBe("1-minute");
    expect(budgetWords(90_000)).toBe("90-second");
    expect(budgetWords(5_000)).toBe("5-second");
  });
});
