import { randomUUID } from "node:crypto";
import { App, type Logger as BoltLogger, LogLevel as BoltLogLevel } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import type { SlackConfig } from "../../src/config.ts";
import { asBotError, BotError } from "../../src/domain/errors.ts";
import type { Clock } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { RouteHandler } from "../http/server.ts";
import type { PlatformAdapter } from "../platform-adapter.ts";
import { registerCommandListeners } from "./command-listeners.ts";
import { registerEventListeners } from "./event-listeners.ts";
import { createSlackHttpReceiver, SLACK_EVENTS_PATH } from "./http-receiver.ts";
import { registerInteractionListeners } from "./interaction-listeners.ts";
import { createSlackChat, type SlackChat } from "./slack-chat.ts";

export interface SlackAppOptions {
  readonly config: SlackConfig;
  readonly maxBodyBytes: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The bot's user id when known (its own messages are never highlights). */
  readonly botUserId?: string;
  /**
   * The bot's bot id (`B…`) when known. Only with both ids does Bolt skip auth.test; given one of
   * them with verification off, Bolt would call auth.test on every request, in the ack path.
   */
  readonly botId?: string;
  /** A new unique id; default a random UUID. */
  readonly newId?: () => string;
}

/** Slack as one platform adapter of the bot; its ChatPlatform also serves the Slack listeners. */
export interface SlackPlatform extends PlatformAdapter {
  readonly chat: SlackChat;
}

// Calls made while Slack waits for our answer must be short and never sleep on a 429 (the
// client's defaults retry for about 30 minutes, pausing the whole client); background calls get
// their own client with a longer timeout and the inbox's Retry-After handling.
const ACK_PATH_TIMEOUT_MS = 2_000;
const BACKGROUND_TIMEOUT_MS = 15_000;

/**
 * Slack through `@slack/bolt` (SPEC §4): Socket Mode when SLACK_APP_TOKEN is set, else the HTTP
 * Events API on the shared server. The adapter only mounts its routes and translates: listeners
 * parse, record commands and acknowledge; the core's use cases do the rest.
 */
export function createSlackPlatform(options: SlackAppOptions): SlackPlatform {
  const { config, logger } = options;
  const sdkLogger = boltLogger(logger);
  const backgroundClient = new WebClient(config.botToken, {
    slackApiUrl: config.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: BACKGROUND_TIMEOUT_MS,
    logger: sdkLogger,
  });
  const chat = createSlackChat({
    client: backgroundClient,
    logger,
    now: () => options.clock.now(),
    ...(options.botUserId ? { botUserId: options.botUserId } : {}),
  });
  const appOptions = {
    token: config.botToken,
    logger: sdkLogger,
    clientOptions: {
      slackApiUrl: config.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: ACK_PATH_TIMEOUT_MS,
    },
    ...(options.botUserId && options.botId
      ? { botUserId: options.botUserId, botId: options.botId, tokenVerificationEnabled: false }
      : {}),
    // Bolt checks the token with auth.test; deferred to start(), where a failure is reported
    // instead of crashing the process from a promise nobody awaits.
    deferInitialization: true,
  };
  const routes = new Map<string, RouteHandler>();
  let app: App;
  if (config.mode === "socket") {
    app = new App({ ...appOptions, appToken: config.appToken, socketMode: true });
  } else {
    const { receiver, handler } = createSlackHttpReceiver({
      signingSecret: config.signingSecret,
      clock: options.clock,
      logger,
      maxBodyBytes: options.maxBodyBytes,
      newId: options.newId ?? randomUUID,
    });
    app = new App({ ...appOptions, receiver });
    routes.set(SLACK_EVENTS_PATH, handler);
  }
  app.error(async (error) => {
    logger.error({ code: asBotError(error).code, err: error }, "Slack listener failed");
  });
  let mounted = false;

  return {
    chat,
    routes,
    mount(useCases) {
      if (mounted) {
        throw new Error("createSlackPlatform: mount() called twice");
      }
      mounted = true;
      const deps = { useCases, chat, clock: options.clock, newId: options.newId ?? randomUUID };
      registerEventListeners(app, deps);
      registerCommandListeners(app, deps);
      registerInteractionListeners(app, deps);
    },
    async start() {
      await startStep(app.init(), "SLACK_BOT_TOKEN", ["invalid_auth", "not_authed", "account_inactive"]);
      if (config.mode === "socket") {
        await startStep(app.start(), "SLACK_APP_TOKEN", undefined);
      }
    },
    async stop() {
      if (config.mode === "socket") {
        await app.stop();
      }
    },
  };
}

const TOKEN_HINTS = {
  SLACK_BOT_TOKEN: "Copy the Bot User OAuth Token (xoxb-…) again from the app's OAuth & Permissions page",
  SLACK_APP_TOKEN:
    "Generate an app-level token with connections:write on the app's Basic Information page (it starts xapp-)",
} as const;

/**
 * Runs a start-up call that uses `token` and says what went wrong in the words of the settings:
 * Slack refusing it (`refusals`: those Web API errors; undefined: any Slack error) is
 * `config.invalid` naming the token; anything else (no answer) is `platform.unavailable`.
 */
async function startStep(
  step: Promise<unknown>,
  token: keyof typeof TOKEN_HINTS,
  refusals: readonly string[] | undefined,
): Promise<void> {
  try {
    await step;
  } catch (error) {
    const slackError = (error as { data?: { error?: string } }).data?.error;
    if (slackError !== undefined && (refusals === undefined || refusals.includes(slackError))) {
      throw new BotError("config.invalid", `Slack refused ${token} (${slackError})`, {
        hint: TOKEN_HINTS[token],
        cause: error,
      });
    }
    throw new BotError("platform.unavailable", `Could not reach Slack to check ${token}`, {
      hint: "Check the network (and SLACK_API_URL if set), then start again",
      retryable: true,
      cause: error,
    });
  }
}

// Bolt and the WebClient log through our logger; their info chatter goes to debug.
function boltLogger(logger: Logger): BoltLogger {
  let level = BoltLogLevel.INFO;
  const fields = { component: "slack-sdk" };
  return {
    debug: (...msg: unknown[]) => logger.debug(fields, msg.map(String).join(" ")),
    info: (...msg: unknown[]) => logger.debug(fields, msg.map(String).join(" ")),
    warn: (...msg: unknown[]) => logger.warn(fields, msg.map(String).join(" ")),
    error: (...msg: unknown[]) => logger.error(fields, msg.map(String).join(" ")),
    setLevel: (next: BoltLogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
