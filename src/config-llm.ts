import { z } from "zod";
import { BotError } from "./domain/errors.ts";

/**
 * The LLM summariser's settings (SPEC §5). The LLM is used when `OPENAI_API_KEY` is set; without
 * it every draft is made by the offline summariser.
 */
export interface LlmConfig {
  /** Env `OPENAI_API_KEY`; no default (its presence turns the LLM on). Never logged. */
  readonly apiKey: string;
  /** Env `OPENAI_BASE_URL`; default OpenAI's. Azure OpenAI (`…/openai/v1`) or any compatible server. */
  readonly baseURL: string | undefined;
  /** Env `OPENAI_MODEL`; default `gpt-4o-mini`. */
  readonly model: string;
  /** One request's time-out, ms. Env `OPENAI_TIMEOUT_MS`; default 60 000 (the SDK's own is 10 minutes). */
  readonly timeoutMs: number;
  /** Retries after a 429, 5xx or time-out. Env `OPENAI_MAX_RETRIES`; default 3. */
  readonly maxRetries: number;
  /**
   * Most time one draft's LLM calls may take in all, ms: every attempt, `Retry-After` wait and
   * merge; past it the offline summariser writes the draft. Env `LLM_TOTAL_TIMEOUT_MS`; default
   * 120 000.
   */
  readonly totalTimeoutMs: number;
  /** Input tokens one request may hold; a bigger week is summarised in chunks. Env `OPENAI_TOKEN_BUDGET`; default 100 000. */
  readonly tokenBudget: number;
  /** Tokens one highlight may use; longer ones are cut. Env `OPENAI_HIGHLIGHT_TOKEN_CAP`; default 1 000. */
  readonly highlightTokenCap: number;
}

/** Settings every summariser shares. */
export interface SummariserConfig {
  /** The LLM, or undefined for the offline summariser. */
  readonly llm: LlmConfig | undefined;
  /** Replace e-mail addresses, UK phone and NI numbers before text leaves the process. Env `REDACT_PII`; default false. */
  readonly redactPii: boolean;
  /** Folder of the prompt files. Env `PROMPTS_DIR`; default undefined: the `prompts/` shipped with weeknotes. */
  readonly promptsDir: string | undefined;
  /**
   * Per-team prompt overrides: a folder holding one folder per team, named `<workspace>_<team>`
   * (e.g. `T0WEEK0001_default`), with any of the prompt files to replace. Env `TEAM_PROMPTS_DIR`;
   * default none.
   */
  readonly teamPromptsDir: string | undefined;
}

export const LLM_CONFIG_KEYS = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_MODEL",
  "OPENAI_TIMEOUT_MS",
  "OPENAI_MAX_RETRIES",
  "LLM_TOTAL_TIMEOUT_MS",
  "OPENAI_TOKEN_BUDGET",
  "OPENAI_HIGHLIGHT_TOKEN_CAP",
  "REDACT_PII",
  "PROMPTS_DIR",
  "TEAM_PROMPTS_DIR",
] as const;

const positive = (what: string) =>
  z
    .string()
    .regex(/^\d+$/, `must be ${what}`)
    .transform(Number)
    .refine((n) => n > 0 && Number.isSafeInteger(n), `must be ${what}`);

const schema = z.object({
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z
    .string()
    .refine(
      (url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol),
      "must be an http:// or https:// URL",
    )
    .optional(),
  OPENAI_MODEL: z.string().default("gpt-4o-mini"),
  OPENAI_TIMEOUT_MS: positive("a whole number of milliseconds above 0").default(60_000),
  OPENAI_MAX_RETRIES: z
    .string()
    .regex(/^\d+$/, "must be a whole number from 0 to 10")
    .transform(Number)
    .refine((n) => n <= 10, "must be a whole number from 0 to 10")
    .default(3),
  LLM_TOTAL_TIMEOUT_MS: positive("a whole number of milliseconds above 0").default(120_000),
  OPENAI_TOKEN_BUDGET: positive("a whole number of tokens above 0").default(100_000),
  OPENAI_HIGHLIGHT_TOKEN_CAP: positive("a whole number of tokens above 0").default(1_000),
  REDACT_PII: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" }))
    .transform((v) => v === "true" || v === "1" || v === "yes")
    .default(false),
  PROMPTS_DIR: z.string().optional(),
  TEAM_PROMPTS_DIR: z.string().optional(),
});

/** Every problem of the LLM keys, key → message (empty when all is well). */
export function llmConfigProblems(env: Record<string, string | undefined>): Map<string, string> {
  const result = schema.safeParse(present(env));
  const problems = new Map<string, string>();
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0]);
      if (!problems.has(key)) problems.set(key, issue.message);
    }
  }
  return problems;
}

/**
 * Reads the summariser settings. Blank values count as unset.
 * @throws BotError `config.invalid` naming every bad key and what it expects, never a value given
 *   (the rule in src/config.ts, "What is never printed").
 */
export function loadSummariserConfig(env: Record<string, string | undefined>): SummariserConfig {
  const result = schema.safeParse(present(env));
  if (!result.success) {
    const lines = [...llmConfigProblems(env)].map(([key, message]) => `  ${key} ${message}`);
    throw new BotError("config.invalid", `Invalid configuration:\n${lines.join("\n")}`, {
      hint: "Fix these environment variables (each is described in .env.example) and start again",
    });
  }
  const s = result.data;
  return {
    redactPii: s.REDACT_PII,
    promptsDir: s.PROMPTS_DIR,
    teamPromptsDir: s.TEAM_PROMPTS_DIR,
    llm: s.OPENAI_API_KEY
      ? {
          apiKey: s.OPENAI_API_KEY,
          baseURL: s.OPENAI_BASE_URL,
          model: s.OPENAI_MODEL,
          timeoutMs: s.OPENAI_TIMEOUT_MS,
          maxRetries: s.OPENAI_MAX_RETRIES,
          totalTimeoutMs: s.LLM_TOTAL_TIMEOUT_MS,
          tokenBudget: s.OPENAI_TOKEN_BUDGET,
          highlightTokenCap: s.OPENAI_HIGHLIGHT_TOKEN_CAP,
        }
      : undefined,
  };
}

/**
 * The values of `keys` that are set, trimmed; blank values count as unset, so `KEY=` lines in a
 * `.env` file take the default. Shared by every configuration reader.
 */
export function presentValues<K extends string>(
  env: Record<string, string | undefined>,
  keys: readonly K[],
): Partial<Record<K, string>> {
  const values: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = env[key]?.trim();
    if (value) values[key] = value;
  }
  return values;
}

function present(env: Record<string, string | undefined>): Record<string, string> {
  return presentValues(env, LLM_CONFIG_KEYS);
}
