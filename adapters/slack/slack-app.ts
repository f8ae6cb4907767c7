import { App, type Logger as BoltLogger, LogLevel as BoltLogLevel } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import type { AnswerWeekRequest } from "../../src/app/answer-week-request.ts";
import type { Background } from "../../src/app/background.ts";
import type { DecideDraft } from "../../src/app/decide-draft.ts";
import type { DraftWeeknote } from "../../src/app/draft-weeknote.ts";
import type { TeamDirectory } from "../../src/app/teams.ts";
import type { SlackConfig } from "../../src/config.ts";
import { BotError } from "../../src/domain/errors.ts";
import type { Highlight } from "../../src/domain/highlight.ts";
import type { EmojiAliases } from "../../src/domain/sections.ts";
import type { Weeknote } from "../../src/domain/weeknote.ts";
import type { ChatPlatform } from "../../src/ports/chat.ts";
import type { Clock } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { RouteHandler } from "../http/server.ts";
import { registerCommandListeners } from "./command-listeners.ts";
import { registerEventListeners } from "./event-listeners.ts";
import { createSlackHttpReceiver, SLACK_EVENTS_PATH } from "./http-receiver.ts";
import { registerInteractionListeners } from "./interaction-listeners.ts";
import type { Recorder } from "./record.ts";
import { createSlackChat } from "./slack-chat.ts";
import { homeView } from "./views.ts";

/** The use cases the Slack listeners call, built by the composition root around our ChatPlatform. */
export interface SlackUseCases {
  readonly record: Recorder;
  readonly answer: AnswerWeekRequest;
  readonly draft: DraftWeeknote;
  readonly decide: DecideDraft;
  readonly teams: TeamDirectory;
  readonly background: Background;
  readonly aliases: EmojiAliases;
  /** What the App Home shows: this week's highlights so far and the recent notes. */
  readonly home: (
    workspace: string,
  ) => Promise<{ week: string; highlights: readonly Highlight[]; notes: readonly Weeknote[] }>;
}

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
  /** Builds the use cases from the ChatPlatform made here. */
  readonly wire: (chat: ChatPlatform) => SlackUseCases;
}

export interface SlackApp {
  /** HTTP routes to mount (`/slack/events` in HTTP mode; none in Socket Mode). */
  readonly routes: ReadonlyMap<string, RouteHandler>;
  /** Connects in Socket Mode; nothing to do in HTTP mode (the shared server listens). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

// Calls made while Slack waits for our answer must be short and never sleep on a 429 (the
// client's defaults retry for about 30 minutes, pausing the whole client); background calls get
// their own client with a longer timeout and the inbox's Retry-After handling.
const ACK_PATH_TIMEOUT_MS = 2_000;
const BACKGROUND_TIMEOUT_MS = 15_000;

/**
 * Slack through `@slack/bolt` (SPEC §4): Socket Mode when SLACK_APP_TOKEN is set, else the HTTP
 * Events API on the shared server. Listeners only parse, record and acknowledge.
 */
export function createSlackApp(options: SlackAppOptions): SlackApp {
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
  const useCases = options.wire(chat);
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
    });
    app = new App({ ...appOptions, receiver });
    routes.set(SLACK_EVENTS_PATH, handler);
  }
  app.error(async (error) => {
    logger.error({ code: (error as { code?: string }).code ?? "unexpected" }, "Slack listener failed");
  });

  const publishHome = async (workspace: string, userId: string) => {
    const { week, highlights, notes } = await useCases.home(workspace);
    await backgroundClient.views.publish({ user_id: userId, view: homeView(week, highlights, notes) });
  };
  registerEventListeners(app, { ...useCases, chat, clock: options.clock, publishHome });
  registerCommandListeners(app, { ...useCases, chat, clock: options.clock });
  registerInteractionListeners(app, { ...useCases, chat });

  return {
    routes,
    async start() {
      try {
        await app.init();
      } catch (error) {
        const slackError = (error as { data?: { error?: string } }).data?.error;
        if (
          slackError === "invalid_auth" ||
          slackError === "not_authed" ||
          slackError === "account_inactive"
        ) {
          throw new BotError("config.invalid", `Slack refused SLACK_BOT_TOKEN (${slackError})`, {
            hint: "Copy the Bot User OAuth Token (xoxb-…) again from the app's OAuth & Permissions page",
            cause: error,
          });
        }
        throw new BotError("platform.unavailable", "Could not reach Slack to check SLACK_BOT_TOKEN", {
          hint: "Check the network (and SLACK_API_URL if set), then start again",
          retryable: true,
          cause: error,
        });
      }
      if (config.mode === "socket") {
        await app.start();
      }
    },
    async stop() {
      if (config.mode === "socket") {
        await app.stop();
      }
    },
  };
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
