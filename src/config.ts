import { IANAZone } from "luxon";
import { z } from "zod";
import {
  llmConfigProblems,
  loadSummariserConfig,
  presentValues,
  type SummariserConfig,
} from "./config-llm.ts";
import { BotError } from "./domain/errors.ts";

/** The log levels `LOG_LEVEL` accepts, most to least severe (pino's names). */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * Slack over Socket Mode: the bot dials out to Slack, so no public URL is needed (a laptop, a
 * network with no inbound route). One process only (SPEC §4).
 */
export interface SlackSocketModeConfig {
  readonly mode: "socket";
  /** Bot token, `xoxb-…`. Env `SLACK_BOT_TOKEN`; no default (its presence turns Slack on). */
  readonly botToken: string;
  /** App-level token, `xapp-…`, with `connections:write`. Env `SLACK_APP_TOKEN`. */
  readonly appToken: string;
  /** Signing secret; not needed in Socket Mode, kept when given. Env `SLACK_SIGNING_SECRET`. */
  readonly signingSecret: string | undefined;
  /** Web API base URL, ending in `/`. Env `SLACK_API_URL`; default `https://slack.com/api/`. */
  readonly apiUrl: string;
}

/**
 * Slack over the HTTP Events API: Slack POSTs to `/slack/events` and every request is checked
 * against the signing secret (SPEC §4). Used when `SLACK_APP_TOKEN` is not set; the mode for
 * several replicas behind a load balancer.
 */
export interface SlackHttpConfig {
  readonly mode: "http";
  /** Bot token, `xoxb-…`. Env `SLACK_BOT_TOKEN`; no default (its presence turns Slack on). */
  readonly botToken: string;
  /** Signing secret from the app's Basic Information page. Env `SLACK_SIGNING_SECRET`; required here. */
  readonly signingSecret: string;
  /** Web API base URL, ending in `/`. Env `SLACK_API_URL`; default `https://slack.com/api/`. */
  readonly apiUrl: string;
}

export type SlackConfig = SlackSocketModeConfig | SlackHttpConfig;

/** The bot's validated settings, read once at start-up by {@link loadConfig}. */
export interface Config {
  /** TCP port of the HTTP server (`/slack/events`, `/healthz`, `/readyz`). Env `PORT`; default `3000`; `0` picks a free port. */
  readonly port: number;
  /** Address the HTTP server binds to. Env `HOST`; default `"0.0.0.0"` (every IPv4 interface). */
  readonly host: string;
  /** Folder for the SQLite database and other state. Env `DATA_DIR`; default `"./data"`. */
  readonly dataDir: string;
  /** Least severe log level written. Env `LOG_LEVEL` (case-insensitive); default `"info"`. */
  readonly logLevel: LogLevelName;
  /** IANA time zone for teams that have not set one (weeks start Monday 00:00 there). Env `DEFAULT_TIMEZONE`; default `"Europe/London"`. */
  readonly defaultTimezone: string;
  /** Largest request body the HTTP server reads, in bytes; larger ones get 413. Env `MAX_BODY_BYTES`; default `1048576` (1 MiB). */
  readonly maxBodyBytes: number;
  /** Slack settings, or `undefined` when Slack is off (`SLACK_BOT_TOKEN` not set). */
  readonly slack: SlackConfig | undefined;
  /** The summariser: LLM when `OPENAI_API_KEY` is set, offline otherwise; see config-llm.ts. */
  readonly summariser: SummariserConfig;
}

/** The environment variables {@link loadConfig} reads, in the order problems are reported. */
export const CONFIG_KEYS = [
  "PORT",
  "HOST",
  "DATA_DIR",
  "LOG_LEVEL",
  "DEFAULT_TIMEZONE",
  "MAX_BODY_BYTES",
  "SLACK_BOT_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SLACK_APP_TOKEN",
  "SLACK_API_URL",
] as const;
type ConfigKey = (typeof CONFIG_KEYS)[number];

// Values that may be quoted back in an error message, to show the typo. Tokens and secrets never
// are, and neither is SLACK_API_URL, which may carry credentials in its user-info part.
const ECHOED_KEYS: ReadonlySet<ConfigKey> = new Set([
  "PORT",
  "HOST",
  "LOG_LEVEL",
  "DEFAULT_TIMEZONE",
  "MAX_BODY_BYTES",
]);

const DEFAULT_SLACK_API_URL = "https://slack.com/api/";
const ONE_MIB = 1024 * 1024;

const wholeNumber = (message: string) => z.string().regex(/^\d+$/, message).transform(Number);

const slackToken = (prefix: string, kind: string) =>
  z.string().superRefine((value, ctx) => {
    if (value.startsWith(prefix)) return;
    // Name the usual mix-up (the two tokens swapped) by prefix only; the value stays unprinted.
    const swapped = ["xoxb-", "xapp-", "xoxp-"].find((other) => value.startsWith(other));
    ctx.addIssue({
      code: "custom",
      message: swapped
        ? `must be ${kind} starting with ${prefix} (this one starts with ${swapped})`
        : `must be ${kind} starting with ${prefix}`,
    });
  });

const envSchema = z.object({
  PORT: wholeNumber("must be a port number from 0 to 65535")
    .refine((port) => port <= 65_535, "must be a port number from 0 to 65535")
    .default(3000),
  HOST: z.string().regex(/^\S+$/, "must be a host name or IP address, with no spaces").default("0.0.0.0"),
  DATA_DIR: z.string().default("./data"),
  LOG_LEVEL: z
    .string()
    .transform((level) => level.toLowerCase())
    .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }))
    .default("info"),
  DEFAULT_TIMEZONE: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), "must be an IANA time zone such as Europe/London")
    .default("Europe/London"),
  MAX_BODY_BYTES: wholeNumber("must be a whole number of bytes, at least 1")
    .refine(
      (bytes) => bytes >= 1 && Number.isSafeInteger(bytes),
      "must be a whole number of bytes, at least 1",
    )
    .default(ONE_MIB),
  SLACK_BOT_TOKEN: slackToken("xoxb-", "a bot token").optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_APP_TOKEN: slackToken("xapp-", "an app-level token").optional(),
  SLACK_API_URL: z
    .string()
    .refine((url) => isHttpBaseUrl(url), "must be an http:// or https:// URL ending in /")
    .default(DEFAULT_SLACK_API_URL),
});

function isHttpBaseUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  // Checked on the text as given: the Web API client joins method names onto it as a string.
  return (url.protocol === "http:" || url.protocol === "https:") && value.endsWith("/");
}

/**
 * Reads the bot's settings from environment variables (`process.env`, after `.env` is loaded).
 * Blank values count as unset, so `KEY=` lines in a `.env` file take the default; surrounding
 * whitespace is trimmed. Slack is on when `SLACK_BOT_TOKEN` is set; then `SLACK_SIGNING_SECRET` is
 * required unless `SLACK_APP_TOKEN` is set (Socket Mode needs no signing secret).
 *
 * @throws BotError `config.invalid` naming every bad key at once, one per line, with what is wrong
 *   (SPEC §8). Tokens, secrets and URLs are never quoted back.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const values = presentValues(env, CONFIG_KEYS);

  const problems = new Map<ConfigKey, string>();
  const parsed = envSchema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as ConfigKey;
      // The first problem per key is the one to fix; later checks on the same value add noise.
      if (!problems.has(key)) problems.set(key, issue.message);
    }
  }
  // Rules across keys depend only on which keys are set, so they are checked even when a value is bad.
  if (values.SLACK_BOT_TOKEN && !values.SLACK_SIGNING_SECRET && !values.SLACK_APP_TOKEN) {
    problems.set(
      "SLACK_SIGNING_SECRET",
      "is required for the HTTP Events API when SLACK_BOT_TOKEN is set (or set SLACK_APP_TOKEN for Socket Mode)",
    );
  }
  if (!values.SLACK_BOT_TOKEN && (values.SLACK_APP_TOKEN || values.SLACK_SIGNING_SECRET)) {
    // Otherwise Slack would be silently off while the admin thinks they configured it.
    problems.set(
      "SLACK_BOT_TOKEN",
      "is required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set (Slack is on only with a bot token)",
    );
  }

  const llmProblems = llmConfigProblems(env);
  if (problems.size > 0 || !parsed.success || llmProblems.size > 0) {
    const lines = CONFIG_KEYS.filter((key) => problems.has(key)).map((key) => {
      const value = values[key];
      const echo = ECHOED_KEYS.has(key) && value !== undefined ? ` (got ${JSON.stringify(clip(value))})` : "";
      return `  ${key} ${problems.get(key)}${echo}`;
    });
    lines.push(...[...llmProblems].map(([key, message]) => `  ${key} ${message}`));
    const count = lines.length === 1 ? "1 problem" : `${lines.length} problems`;
    throw new BotError("config.invalid", `Invalid configuration, ${count}:\n${lines.join("\n")}`, {
      hint: "Fix these environment variables (each is described in .env.example) and start again",
    });
  }

  const settings = parsed.data;
  return {
    port: settings.PORT,
    host: settings.HOST,
    dataDir: settings.DATA_DIR,
    logLevel: settings.LOG_LEVEL,
    defaultTimezone: settings.DEFAULT_TIMEZONE,
    maxBodyBytes: settings.MAX_BODY_BYTES,
    slack: slackConfig(settings),
    summariser: loadSummariserConfig(env),
  };
}

function slackConfig(env: z.infer<typeof envSchema>): SlackConfig | undefined {
  const { SLACK_BOT_TOKEN: botToken, SLACK_APP_TOKEN: appToken, SLACK_SIGNING_SECRET: signingSecret } = env;
  if (!botToken) return undefined;
  if (appToken) {
    return { mode: "socket", botToken, appToken, signingSecret, apiUrl: env.SLACK_API_URL };
  }
  if (!signingSecret) {
    // loadConfig has already reported this; kept so the types need no assertion.
    throw new BotError("config.invalid", "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set");
  }
  return { mode: "http", botToken, signingSecret, apiUrl: env.SLACK_API_URL };
}

function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}
