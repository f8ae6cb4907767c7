import { randomUUID } from "node:crypto";
import {
  type AckFn,
  type AnyMiddlewareArgs,
  App,
  type Authorize,
  type Logger as BoltLogger,
  LogLevel as BoltLogLevel,
  type Middleware,
} from "@slack/bolt";
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
  /** The bot's user id when known (its own messages are never highlights); else auth.test's. */
  readonly botUserId?: string;
  /**
   * The bot's bot id (`B…`) when known; else auth.test's. auth.test is called once, at start-up,
   * whatever is given (it says which workspace the token belongs to), never in the ack path.
   */
  readonly botId?: string;
  /** A new unique id; default a random UUID. */
  readonly newId?: () => string;
  /**
   * Whether `workspace` (a Slack team id) has installed the bot besides the token's own workspace
   * (a stored installation, once the bot is distributed). Default: none has; only the token's own
   * workspace (from auth.test at start-up) is served.
   */
  readonly installed?: (workspace: string) => Promise<boolean>;
}

/** Who the bot token belongs to, from auth.test at start-up. */
interface TokenOwner {
  readonly teamId: string | undefined;
  readonly enterpriseId: string | undefined;
  /** An org-wide install: every workspace of `enterpriseId` is the bot's. */
  readonly enterpriseInstall: boolean;
  readonly botUserId: string | undefined;
  readonly botId: string | undefined;
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
 *
 * Authority comes from our records, not from the request: `start()` asks Slack once (auth.test)
 * which workspace the bot token belongs to, and every request, however well signed, from another
 * workspace (one the app was never installed in, or that only shares a channel) is acknowledged
 * and ignored before any listener runs: no command is recorded, no tenant or team is made. The
 * listeners take the workspace from that check (listener-kit.ts workspaceOf), never from a
 * button's value or a form's metadata.
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
  let owner: TokenOwner | undefined;
  // The one token, with the ids auth.test gave at start-up: Bolt never calls auth.test itself
  // (with a plain `token` it would, and keep nothing of the answer's team id).
  const authorize: Authorize<boolean> = async () => {
    if (!owner) {
      throw new BotError("platform.unavailable", "A Slack request arrived before the bot token was checked");
    }
    return {
      botToken: config.botToken,
      ...(owner.botUserId ? { botUserId: owner.botUserId } : {}),
      ...(owner.botId ? { botId: owner.botId } : {}),
    };
  };
  const appOptions = {
    authorize,
    logger: sdkLogger,
    clientOptions: {
      slackApiUrl: config.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: ACK_PATH_TIMEOUT_MS,
    },
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
  app.use(onlyInstalledWorkspaces(() => owner, options.installed, logger));
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
      const refusals = ["invalid_auth", "not_authed", "account_inactive"];
      owner = await startStep(tokenOwner(backgroundClient, options), "SLACK_BOT_TOKEN", refusals);
      await startStep(app.init(), "SLACK_BOT_TOKEN", refusals);
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
async function startStep<T>(
  step: Promise<T>,
  token: keyof typeof TOKEN_HINTS,
  refusals: readonly string[] | undefined,
): Promise<T> {
  try {
    return await step;
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

/**
 * auth.test: which workspace (or, for an org-wide install, which organisation) the bot token
 * belongs to, and the bot's ids (those given in `options` win: tests fix them).
 * @throws the Web API error as it is (startStep words it), or BotError `config.invalid` when the
 *   answer names no workspace.
 */
async function tokenOwner(
  client: WebClient,
  options: Pick<SlackAppOptions, "botUserId" | "botId">,
): Promise<TokenOwner> {
  const answer = await client.auth.test();
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const owner: TokenOwner = {
    teamId: text(answer.team_id),
    enterpriseId: text(answer.enterprise_id),
    enterpriseInstall: answer.is_enterprise_install === true,
    botUserId: options.botUserId ?? text(answer.user_id),
    botId: options.botId ?? text(answer.bot_id),
  };
  if (owner.teamId === undefined && !(owner.enterpriseInstall && owner.enterpriseId !== undefined)) {
    throw new BotError("config.invalid", "Slack did not say which workspace SLACK_BOT_TOKEN belongs to", {
      hint: TOKEN_HINTS.SLACK_BOT_TOKEN,
    });
  }
  return owner;
}

/**
 * Bolt global middleware: lets a request through only from the token's own workspace (or its
 * organisation, for an org-wide install) or one `installed` says has the bot; anything else is
 * acknowledged (an empty answer) and ignored, and logged by its ids only.
 */
function onlyInstalledWorkspaces(
  owner: () => TokenOwner | undefined,
  installed: SlackAppOptions["installed"],
  logger: Logger,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { context, next } = args;
    const team = typeof context.teamId === "string" && context.teamId !== "" ? context.teamId : undefined;
    const enterprise = typeof context.enterpriseId === "string" ? context.enterpriseId : undefined;
    const known = owner();
    const ours =
      known !== undefined &&
      team !== undefined &&
      (team === known.teamId ||
        (known.enterpriseInstall && enterprise !== undefined && enterprise === known.enterpriseId) ||
        (installed !== undefined && (await installed(team))));
    if (ours) {
      await next();
      return;
    }
    logger.warn(
      { team, enterprise, type: (args.body as { type?: unknown }).type },
      "Slack request from a workspace the bot is not installed in: acknowledged and ignored",
    );
    const ack = (args as { ack?: AckFn<unknown> }).ack;
    if (ack) {
      await ack();
    }
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
