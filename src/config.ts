import { readFileSync } from "node:fs";
import { IANAZone } from "luxon";
import { z } from "zod";
import {
  llmConfigProblems,
  loadSummariserConfig,
  presentValues,
  type SummariserConfig,
} from "./config-llm.ts";
import { loadPublishConfig, type PublishConfig, publishConfigProblems } from "./config-publish.ts";
import { readStorageConfig, type StorageConfig } from "./config-store.ts";
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
  /**
   * Bot token of the one workspace the bot serves without an install, `xoxb-…`. Env
   * `SLACK_BOT_TOKEN`; optional when OAuth installs are on (`oauth`), required otherwise.
   */
  readonly botToken: string | undefined;
  /** Signing secret from the app's Basic Information page. Env `SLACK_SIGNING_SECRET`; required here. */
  readonly signingSecret: string;
  /** Web API base URL, ending in `/`. Env `SLACK_API_URL`; default `https://slack.com/api/`. */
  readonly apiUrl: string;
  /** Multi-workspace installs through OAuth (issue 11), or undefined when `SLACK_CLIENT_ID` is not set. */
  readonly oauth: SlackOAuthConfig | undefined;
}

/**
 * Slack OAuth installs (SPEC §4 multi-workspace): `/slack/install` and `/slack/oauth_redirect`,
 * installations stored in the database with their tokens encrypted. HTTP mode only.
 */
export interface SlackOAuthConfig {
  /** The app's Client ID (Basic Information). Env `SLACK_CLIENT_ID`; its presence turns installs on. */
  readonly clientId: string;
  /** The app's Client Secret. Env `SLACK_CLIENT_SECRET`; required with a client id. */
  readonly clientSecret: string;
  /** Signs the OAuth `state` (CSRF check). Env `SLACK_STATE_SECRET`; required, at least 32 characters. */
  readonly stateSecret: string;
  /**
   * Key that encrypts stored tokens: 32 bytes as 64 hex digits or base64 (`openssl rand -base64
   * 32`). Env `INSTALLATION_ENCRYPTION_KEY`; required. Losing it means every workspace reinstalls.
   */
  readonly encryptionKey: string;
  /** Public redirect URL `https://HOST/slack/oauth_redirect`. Env `SLACK_REDIRECT_URI`; default: the app's own. */
  readonly redirectUri: string | undefined;
}

export type SlackConfig = SlackSocketModeConfig | SlackHttpConfig;

/**
 * How the bot's Azure app registration signs in: `MultiTenant` (the bot serves any tenant; tokens
 * from the `botframework.com` tenant) or `SingleTenant` (only its own tenant). Azure's
 * `UserAssignedMsi` is not supported.
 */
export type MicrosoftAppType = "MultiTenant" | "SingleTenant";

/**
 * The seven Bot Framework endpoint settings. botbuilder takes either none of them (the public
 * cloud) or all seven literally, so the bot always passes all seven (TEAMS-TESTING.md, "all seven
 * keys or none"); each has the public-cloud value of botframework-connector 4.23.3's
 * `AuthenticationConstants` as its default. Only a sovereign cloud (e.g. US Government:
 * `GovernmentConstants`) or a test changes them.
 */
export interface TeamsEndpoints {
  /**
   * OpenID metadata listing the keys that sign the channel's tokens (botbuilder's
   * `ToBotFromChannelOpenIdMetadataUrl`). Env `TEAMS_CHANNEL_OPENID_METADATA_URL`; default
   * `https://login.botframework.com/v1/.well-known/openidconfiguration`.
   */
  readonly channelOpenIdMetadataUrl: string;
  /**
   * The `iss` every channel token must carry (`ToBotFromChannelTokenIssuer`). Env
   * `TEAMS_CHANNEL_TOKEN_ISSUER`; default `https://api.botframework.com`.
   */
  readonly channelTokenIssuer: string;
  /**
   * OpenID metadata for Emulator and skill tokens (`ToBotFromEmulatorOpenIdMetadataUrl`). Env
   * `TEAMS_EMULATOR_OPENID_METADATA_URL`; default
   * `https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration`.
   */
  readonly emulatorOpenIdMetadataUrl: string;
  /**
   * Where the bot gets its own tokens for the Bot Connector (`ToChannelFromBotLoginUrl`). Env
   * `TEAMS_LOGIN_URL`; default `https://login.microsoftonline.com/botframework.com` for
   * MultiTenant, `https://login.microsoftonline.com/<MICROSOFT_APP_TENANT_ID>` for SingleTenant.
   */
  readonly loginUrl: string;
  /**
   * The audience of the bot's Bot Connector tokens (`ToChannelFromBotOAuthScope`; the token is
   * asked for `<scope>/.default`). Env `TEAMS_OAUTH_SCOPE`; default `https://api.botframework.com`.
   */
  readonly oauthScope: string;
  /** The user token service (`OAuthUrl`; unused unless users sign in). Env `TEAMS_OAUTH_URL`; default `https://api.botframework.com`. */
  readonly oauthUrl: string;
  /** Set as `callerId` on authenticated activities (`CallerId`). Env `TEAMS_CALLER_ID`; default `urn:botframework:azure`. */
  readonly callerId: string;
}

/** Microsoft Graph, used by the reaction sweep (SPEC §4 Teams, capture path 3). */
export interface TeamsGraphConfig {
  /** Graph base URL, no trailing slash needed. Env `TEAMS_GRAPH_URL`; default `https://graph.microsoft.com/v1.0`. */
  readonly url: string;
  /** Scope of the app-only Graph token. Env `TEAMS_GRAPH_SCOPE`; default `https://graph.microsoft.com/.default`. */
  readonly scope: string;
  /**
   * Sweep channel messages through Graph for emoji reactions (needs the `ChannelMessage.Read.Group`
   * resource-specific consent). Env `TEAMS_REACTION_SWEEP` (`on`/`off`); default off.
   */
  readonly reactionSweep: boolean;
}

/**
 * Microsoft Teams through the Bot Framework (SPEC §4 Teams): `/api/messages` checks every request's
 * JWT against `appId`; the bot signs in with a client secret or a certificate. On only when
 * `MICROSOFT_APP_ID` and a password or a certificate are set; the endpoint is never open.
 */
export interface TeamsConfig {
  /** The Azure app registration's application (client) id, a GUID; every inbound token's `aud`. Env `MICROSOFT_APP_ID`. */
  readonly appId: string;
  /** Client secret. Env `MICROSOFT_APP_PASSWORD`; undefined when a certificate is used. Never logged. */
  readonly appPassword: string | undefined;
  /**
   * Client certificate instead of a secret: its SHA-1 thumbprint (env
   * `MICROSOFT_APP_CERTIFICATE_THUMBPRINT`, 40 hex digits) and its PEM private key, read at start-up
   * from the file env `MICROSOFT_APP_CERTIFICATE_KEY_FILE` names. Never logged.
   */
  readonly certificate: { readonly thumbprint: string; readonly privateKey: string } | undefined;
  /**
   * Env `MICROSOFT_APP_TYPE` (case-insensitive); default `SingleTenant` when
   * MICROSOFT_APP_TENANT_ID is set (Azure creates only single-tenant bots since 31 July 2025), else
   * `MultiTenant`.
   */
  readonly appType: MicrosoftAppType;
  /** The app's home tenant (GUID or domain). Env `MICROSOFT_APP_TENANT_ID`; required for SingleTenant. */
  readonly tenantId: string | undefined;
  readonly endpoints: TeamsEndpoints;
  readonly graph: TeamsGraphConfig;
}

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
  /** Teams settings, or `undefined` when Teams is off (`MICROSOFT_APP_ID` not set). */
  readonly teams: TeamsConfig | undefined;
  /** The summariser: LLM when `OPENAI_API_KEY` is set, offline otherwise; see config-llm.ts. */
  readonly summariser: SummariserConfig;
  /** Publishing approved notes outside chat (static blog, webhook); see config-publish.ts. */
  readonly publish: PublishConfig;
  /** The store (SQLite or MongoDB), replicas and retention; see config-store.ts. */
  readonly storage: StorageConfig;
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
  "SLACK_CLIENT_ID",
  "SLACK_CLIENT_SECRET",
  "SLACK_STATE_SECRET",
  "SLACK_REDIRECT_URI",
  "INSTALLATION_ENCRYPTION_KEY",
  "MICROSOFT_APP_ID",
  "MICROSOFT_APP_PASSWORD",
  "MICROSOFT_APP_CERTIFICATE_THUMBPRINT",
  "MICROSOFT_APP_CERTIFICATE_KEY_FILE",
  "MICROSOFT_APP_TYPE",
  "MICROSOFT_APP_TENANT_ID",
  "TEAMS_CHANNEL_OPENID_METADATA_URL",
  "TEAMS_CHANNEL_TOKEN_ISSUER",
  "TEAMS_EMULATOR_OPENID_METADATA_URL",
  "TEAMS_LOGIN_URL",
  "TEAMS_OAUTH_SCOPE",
  "TEAMS_OAUTH_URL",
  "TEAMS_CALLER_ID",
  "TEAMS_GRAPH_URL",
  "TEAMS_GRAPH_SCOPE",
  "TEAMS_REACTION_SWEEP",
] as const;
type ConfigKey = (typeof CONFIG_KEYS)[number];

/**
 * What is never printed (issue 12, "secrets never echo"). Any key may hold a secret pasted into
 * the wrong line of a `.env` file, and an error message or a log line is read, copied into
 * tickets and kept; so:
 * - a configuration error names the key and what is expected, and never quotes the value given,
 *   of any key (a token pasted into `PORT` is not printed back as "got xoxb-…"); at most it names a
 *   well-known public prefix (`this one starts with xapp-`), which is no secret;
 * - an error at start-up, which may come from a library (a host name that does not resolve, a
 *   prompt file that cannot be read), is printed with the value of every setting replaced by its
 *   name (`<HOST>`; src/cli.ts, adapters/logger/scrub.ts);
 * - URLs (SLACK_API_URL, OPENAI_BASE_URL, the TEAMS_* URLs) are logged, at every level, without
 *   their `user:password@` part, and the logger never writes a field named like a secret
 *   (adapters/logger/pino-logger.ts); {@link secretSettings} gives the logger the values to keep out.
 */
const SECRET_KEYS = [
  "SLACK_BOT_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SLACK_APP_TOKEN",
  "SLACK_CLIENT_SECRET",
  "SLACK_STATE_SECRET",
  "INSTALLATION_ENCRYPTION_KEY",
  "MICROSOFT_APP_PASSWORD",
  "OPENAI_API_KEY",
  "WEBHOOK_SECRET",
  // May hold a database password (mongodb://user:password@host).
  "MONGODB_URI",
] as const;

/**
 * The secret settings of `env` (tokens, the signing secret, the app password, the OpenAI key) by
 * key, trimmed; unset ones are left out. For a logger to keep out of every line it writes.
 */
export function secretSettings(env: Record<string, string | undefined>): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const key of SECRET_KEYS) {
    const value = env[key]?.trim();
    if (value) secrets[key] = value;
  }
  return secrets;
}

const DEFAULT_SLACK_API_URL = "https://slack.com/api/";
const ONE_MIB = 1024 * 1024;

// Public-cloud values of botframework-connector 4.23.3 (AuthenticationConstants, and
// CallerIdConstants.PublicAzureChannel), written out so src/ needs no SDK import.
const BOT_FRAMEWORK_PUBLIC_CLOUD = {
  channelOpenIdMetadataUrl: "https://login.botframework.com/v1/.well-known/openidconfiguration",
  channelTokenIssuer: "https://api.botframework.com",
  emulatorOpenIdMetadataUrl: "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
  oauthScope: "https://api.botframework.com",
  oauthUrl: "https://api.botframework.com",
  callerId: "urn:botframework:azure",
} as const;
/** `AuthenticationConstants.ToChannelFromBotLoginUrlPrefix`: the login URL is this plus a tenant. */
const MICROSOFT_LOGIN_PREFIX = "https://login.microsoftonline.com/";
/** `AuthenticationConstants.DefaultChannelAuthTenant`: the tenant of MultiTenant bots' tokens. */
const BOT_FRAMEWORK_TENANT = "botframework.com";
const DEFAULT_GRAPH_URL = "https://graph.microsoft.com/v1.0";
const DEFAULT_GRAPH_SCOPE = "https://graph.microsoft.com/.default";
const APP_TYPES: Record<string, MicrosoftAppType> = {
  multitenant: "MultiTenant",
  singletenant: "SingleTenant",
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const httpUrl = (message: string) =>
  z.string().refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), message);
const SWITCH_VALUES: Record<string, boolean> = {
  on: true,
  off: false,
  true: true,
  false: false,
  yes: true,
  no: false,
  "1": true,
  "0": false,
};

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
  SLACK_CLIENT_ID: z
    .string()
    .regex(/^\d+\.\d+$/, "must be the app's Client ID, two numbers joined by a dot")
    .optional(),
  SLACK_CLIENT_SECRET: z.string().optional(),
  SLACK_STATE_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -hex 32)").optional(),
  SLACK_REDIRECT_URI: z
    .string()
    .refine(
      (url) => /^https?:\/\/[^\s]+\/slack\/oauth_redirect$/.test(url),
      "must be an http(s) URL ending in /slack/oauth_redirect",
    )
    .optional(),
  INSTALLATION_ENCRYPTION_KEY: z
    .string()
    .refine(
      (key) =>
        /^[0-9a-fA-F]{64}$/.test(key) ||
        Buffer.from(key, key.includes("-") || key.includes("_") ? "base64url" : "base64").length === 32,
      "must be 32 bytes as 64 hex digits or base64 (openssl rand -base64 32)",
    )
    .optional(),
  MICROSOFT_APP_ID: z
    .string()
    .regex(GUID, "must be the app registration's application (client) id, a GUID")
    .optional(),
  MICROSOFT_APP_PASSWORD: z.string().optional(),
  MICROSOFT_APP_CERTIFICATE_THUMBPRINT: z
    .string()
    .regex(/^[0-9a-f]{40}$/i, "must be the certificate's SHA-1 thumbprint: 40 hexadecimal digits")
    .optional(),
  MICROSOFT_APP_CERTIFICATE_KEY_FILE: z.string().optional(),
  MICROSOFT_APP_TYPE: z
    .string()
    .refine((type) => Object.hasOwn(APP_TYPES, type.toLowerCase()), "must be MultiTenant or SingleTenant")
    .transform((type) => APP_TYPES[type.toLowerCase()] ?? "MultiTenant")
    .optional(),
  MICROSOFT_APP_TENANT_ID: z
    .string()
    .regex(
      /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i,
      "must be a tenant id (a GUID) or a tenant domain such as contoso.onmicrosoft.com",
    )
    .optional(),
  TEAMS_CHANNEL_OPENID_METADATA_URL: httpUrl("must be an http:// or https:// URL").default(
    BOT_FRAMEWORK_PUBLIC_CLOUD.channelOpenIdMetadataUrl,
  ),
  TEAMS_CHANNEL_TOKEN_ISSUER: httpUrl("must be an issuer URL such as https://api.botframework.com").default(
    BOT_FRAMEWORK_PUBLIC_CLOUD.channelTokenIssuer,
  ),
  TEAMS_EMULATOR_OPENID_METADATA_URL: httpUrl("must be an http:// or https:// URL").default(
    BOT_FRAMEWORK_PUBLIC_CLOUD.emulatorOpenIdMetadataUrl,
  ),
  TEAMS_LOGIN_URL: httpUrl("must be an http:// or https:// URL").optional(),
  TEAMS_OAUTH_SCOPE: z
    .string()
    .regex(/^\S+$/, "must be a scope such as https://api.botframework.com, with no spaces")
    .default(BOT_FRAMEWORK_PUBLIC_CLOUD.oauthScope),
  TEAMS_OAUTH_URL: httpUrl("must be an http:// or https:// URL").default(BOT_FRAMEWORK_PUBLIC_CLOUD.oauthUrl),
  TEAMS_CALLER_ID: z
    .string()
    .regex(/^urn:\S+$/, "must be a URN such as urn:botframework:azure")
    .default(BOT_FRAMEWORK_PUBLIC_CLOUD.callerId),
  TEAMS_GRAPH_URL: httpUrl("must be an http:// or https:// URL").default(DEFAULT_GRAPH_URL),
  TEAMS_GRAPH_SCOPE: z
    .string()
    .regex(/^\S+$/, "must be a scope such as https://graph.microsoft.com/.default, with no spaces")
    .default(DEFAULT_GRAPH_SCOPE),
  TEAMS_REACTION_SWEEP: z
    .string()
    .refine((value) => Object.hasOwn(SWITCH_VALUES, value.toLowerCase()), "must be on or off")
    .transform((value) => SWITCH_VALUES[value.toLowerCase()] === true)
    .default(false),
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
 * required unless `SLACK_APP_TOKEN` is set (Socket Mode needs no signing secret). Teams is on when
 * `MICROSOFT_APP_ID` is set, with `MICROSOFT_APP_PASSWORD` or a certificate
 * (`MICROSOFT_APP_CERTIFICATE_THUMBPRINT` + `MICROSOFT_APP_CERTIFICATE_KEY_FILE`, the key file read
 * here), not both; SingleTenant needs `MICROSOFT_APP_TENANT_ID`.
 *
 * @throws BotError `config.invalid` naming every bad key at once, one per line, with what is wrong
 *   (SPEC §8). No value given is quoted back, of any key (see "What is never printed").
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
  slackOAuthProblems(values, problems);
  if (
    !values.SLACK_BOT_TOKEN &&
    !values.SLACK_CLIENT_ID &&
    (values.SLACK_APP_TOKEN || values.SLACK_SIGNING_SECRET)
  ) {
    // Otherwise Slack would be silently off while the admin thinks they configured it.
    problems.set(
      "SLACK_BOT_TOKEN",
      "is required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set (Slack is on only with a bot token)",
    );
  }

  const certificateKey = teamsProblems(values, problems);

  const llmProblems = llmConfigProblems(env);
  const publishProblems = publishConfigProblems(env);
  const storage = readStorageConfig(env);
  if (
    problems.size > 0 ||
    !parsed.success ||
    llmProblems.size > 0 ||
    publishProblems.size > 0 ||
    storage.config === undefined
  ) {
    // Keys and what each expects, never a value given (see "What is never printed" above).
    const lines = CONFIG_KEYS.filter((key) => problems.has(key)).map(
      (key) => `  ${key} ${problems.get(key)}`,
    );
    lines.push(...[...llmProblems].map(([key, message]) => `  ${key} ${message}`));
    lines.push(...[...publishProblems].map(([key, message]) => `  ${key} ${message}`));
    lines.push(...[...storage.problems].map(([key, message]) => `  ${key} ${message}`));
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
    teams: teamsConfig(settings, certificateKey),
    summariser: loadSummariserConfig(env),
    publish: loadPublishConfig(env),
    storage: storage.config,
  };
}

/**
 * The Teams rules across keys (they depend only on which keys are set, so they are checked even
 * when a value is bad), added to `problems`; and the certificate's private key, read from its file
 * when one is named. A file that cannot be read or holds no PEM private key is a problem of
 * `MICROSOFT_APP_CERTIFICATE_KEY_FILE`; its content is never quoted.
 */
function teamsProblems(
  values: Partial<Record<ConfigKey, string>>,
  problems: Map<ConfigKey, string>,
): string | undefined {
  const hasPassword = values.MICROSOFT_APP_PASSWORD !== undefined;
  const hasThumbprint = values.MICROSOFT_APP_CERTIFICATE_THUMBPRINT !== undefined;
  const keyFile = values.MICROSOFT_APP_CERTIFICATE_KEY_FILE;
  const hasCertificate = hasThumbprint || keyFile !== undefined;

  if (hasThumbprint && keyFile === undefined) {
    problems.set(
      "MICROSOFT_APP_CERTIFICATE_KEY_FILE",
      "is required when MICROSOFT_APP_CERTIFICATE_THUMBPRINT is set (a certificate needs its thumbprint and its private key file)",
    );
  }
  if (keyFile !== undefined && !hasThumbprint) {
    problems.set(
      "MICROSOFT_APP_CERTIFICATE_THUMBPRINT",
      "is required when MICROSOFT_APP_CERTIFICATE_KEY_FILE is set (a certificate needs its thumbprint and its private key file)",
    );
  }
  if (values.MICROSOFT_APP_ID === undefined) {
    const set = (
      [
        "MICROSOFT_APP_PASSWORD",
        "MICROSOFT_APP_CERTIFICATE_THUMBPRINT",
        "MICROSOFT_APP_CERTIFICATE_KEY_FILE",
        "MICROSOFT_APP_TYPE",
        "MICROSOFT_APP_TENANT_ID",
      ] as const
    ).filter((key) => values[key] !== undefined);
    if (set.length > 0) {
      // Otherwise Teams would be silently off while the admin thinks they configured it.
      problems.set(
        "MICROSOFT_APP_ID",
        `is required when ${set.join(" or ")} is set (Teams is on only with an app id)`,
      );
    }
  } else if (!hasPassword && !hasCertificate) {
    problems.set(
      "MICROSOFT_APP_PASSWORD",
      "is required when MICROSOFT_APP_ID is set (or set MICROSOFT_APP_CERTIFICATE_THUMBPRINT and MICROSOFT_APP_CERTIFICATE_KEY_FILE to sign in with a certificate)",
    );
  }
  if (hasPassword && hasCertificate) {
    problems.set(
      "MICROSOFT_APP_PASSWORD",
      "must not be set together with a certificate (MICROSOFT_APP_CERTIFICATE_*): choose one way to sign in",
    );
  }
  if (values.MICROSOFT_APP_TYPE?.toLowerCase() === "singletenant" && !values.MICROSOFT_APP_TENANT_ID) {
    problems.set("MICROSOFT_APP_TENANT_ID", "is required when MICROSOFT_APP_TYPE is SingleTenant");
  }
  return keyFile === undefined ? undefined : readPrivateKey(keyFile, problems);
}

function readPrivateKey(path: string, problems: Map<ConfigKey, string>): string | undefined {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    problems.set(
      "MICROSOFT_APP_CERTIFICATE_KEY_FILE",
      `cannot be read (${code}): it must name the certificate's PEM private key file`,
    );
    return undefined;
  }
  if (!/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    problems.set(
      "MICROSOFT_APP_CERTIFICATE_KEY_FILE",
      "holds no PEM private key (-----BEGIN PRIVATE KEY-----): it must name the certificate's private key file",
    );
    return undefined;
  }
  return pem;
}

function teamsConfig(
  env: z.infer<typeof envSchema>,
  certificateKey: string | undefined,
): TeamsConfig | undefined {
  const appId = env.MICROSOFT_APP_ID;
  if (!appId) return undefined;
  const thumbprint = env.MICROSOFT_APP_CERTIFICATE_THUMBPRINT;
  const tenantId = env.MICROSOFT_APP_TENANT_ID;
  // Azure makes only single-tenant bots since 31 July 2025: a tenant id alone means SingleTenant.
  const appType = env.MICROSOFT_APP_TYPE ?? (tenantId ? "SingleTenant" : "MultiTenant");
  const loginTenant = appType === "SingleTenant" && tenantId ? tenantId : BOT_FRAMEWORK_TENANT;
  return {
    appId,
    appPassword: env.MICROSOFT_APP_PASSWORD,
    certificate: thumbprint && certificateKey ? { thumbprint, privateKey: certificateKey } : undefined,
    appType,
    tenantId,
    endpoints: {
      channelOpenIdMetadataUrl: env.TEAMS_CHANNEL_OPENID_METADATA_URL,
      channelTokenIssuer: env.TEAMS_CHANNEL_TOKEN_ISSUER,
      emulatorOpenIdMetadataUrl: env.TEAMS_EMULATOR_OPENID_METADATA_URL,
      loginUrl: env.TEAMS_LOGIN_URL ?? `${MICROSOFT_LOGIN_PREFIX}${loginTenant}`,
      oauthScope: env.TEAMS_OAUTH_SCOPE,
      oauthUrl: env.TEAMS_OAUTH_URL,
      callerId: env.TEAMS_CALLER_ID,
    },
    graph: {
      url: env.TEAMS_GRAPH_URL,
      scope: env.TEAMS_GRAPH_SCOPE,
      reactionSweep: env.TEAMS_REACTION_SWEEP,
    },
  };
}

/** The OAuth rules across keys, added to `problems` (they depend only on which keys are set). */
function slackOAuthProblems(
  values: Partial<Record<ConfigKey, string>>,
  problems: Map<ConfigKey, string>,
): void {
  const oauthKeys = [
    "SLACK_CLIENT_SECRET",
    "SLACK_STATE_SECRET",
    "INSTALLATION_ENCRYPTION_KEY",
    "SLACK_REDIRECT_URI",
  ] as const;
  if (!values.SLACK_CLIENT_ID) {
    for (const key of oauthKeys) {
      if (values[key] !== undefined)
        problems.set(
          "SLACK_CLIENT_ID",
          `is required when ${key} is set (installs through OAuth need the app's Client ID)`,
        );
    }
    return;
  }
  for (const key of ["SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET", "INSTALLATION_ENCRYPTION_KEY"] as const) {
    if (values[key] === undefined)
      problems.set(key, "is required when SLACK_CLIENT_ID is set (installs through OAuth)");
  }
  if (!values.SLACK_SIGNING_SECRET) {
    problems.set(
      "SLACK_SIGNING_SECRET",
      "is required when SLACK_CLIENT_ID is set (installs use the HTTP Events API)",
    );
  }
  if (values.SLACK_APP_TOKEN) {
    problems.set(
      "SLACK_APP_TOKEN",
      "cannot be used with SLACK_CLIENT_ID: installs in several workspaces use the HTTP Events API, Socket Mode is for one workspace",
    );
  }
}

function slackConfig(env: z.infer<typeof envSchema>): SlackConfig | undefined {
  const { SLACK_BOT_TOKEN: botToken, SLACK_APP_TOKEN: appToken, SLACK_SIGNING_SECRET: signingSecret } = env;
  const oauth: SlackOAuthConfig | undefined =
    env.SLACK_CLIENT_ID &&
    env.SLACK_CLIENT_SECRET &&
    env.SLACK_STATE_SECRET &&
    env.INSTALLATION_ENCRYPTION_KEY
      ? {
          clientId: env.SLACK_CLIENT_ID,
          clientSecret: env.SLACK_CLIENT_SECRET,
          stateSecret: env.SLACK_STATE_SECRET,
          encryptionKey: env.INSTALLATION_ENCRYPTION_KEY,
          redirectUri: env.SLACK_REDIRECT_URI,
        }
      : undefined;
  if (!botToken && !oauth) return undefined;
  if (appToken && botToken) {
    return { mode: "socket", botToken, appToken, signingSecret, apiUrl: env.SLACK_API_URL };
  }
  if (!signingSecret) {
    // loadConfig has already reported this; kept so the types need no assertion.
    throw new BotError("config.invalid", "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set");
  }
  return { mode: "http", botToken, signingSecret, apiUrl: env.SLACK_API_URL, oauth };
}
