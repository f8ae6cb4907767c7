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
import type { InstallationStore } from "../../src/ports/store.ts";
import type { RouteHandler } from "../http/server.ts";
import type { PlatformAdapter } from "../platform-adapter.ts";
import { registerCommandListeners } from "./command-listeners.ts";
import { HOT_EVENT_TYPES, recordHotEvent, registerEventListeners } from "./event-listeners.ts";
import { createSlackHttpReceiver, type HotEventRoute, SLACK_EVENTS_PATH } from "./http-receiver.ts";
import { registerInteractionListeners } from "./interaction-listeners.ts";
import { createInstalledWorkspaces, type InstalledWorkspaces } from "./oauth/installed-workspaces.ts";
import { createSlackChat, type SlackChat } from "./slack-chat.ts";
import { createSocketModeReceiver } from "./socket-mode-receiver.ts";

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
  /**
   * Where OAuth installs are kept (issue 11); needed when `config.oauth` is set, and then the
   * installed workspaces are served besides the env token's own (and `installed` is not used).
   */
  readonly installations?: InstallationStore;
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
 *
 * The hot events (reactions, messages: HOT_EVENT_TYPES) take a lean path on both transports: the
 * receiver hands them to {@link HotEventRoute} here, which makes the same checks Bolt's chain
 * makes for them (the workspace, as above, from the event's `authorizations` or `team_id` as Bolt
 * reads it; the bot's own reactions and messages ignored, as Bolt's ignoreSelf does) and records
 * them (event-listeners.ts recordHotEvent). Bolt keeps commands, shortcuts, views, actions and
 * the rarer events. Either way a request is acknowledged only once recorded, and a failed record
 * is answered 5xx (HTTP) or not acked (Socket Mode), so Slack redelivers.
 */
export function createSlackPlatform(options: SlackAppOptions): SlackPlatform {
  const { config, logger } = options;
  const sdkLogger = boltLogger(logger);
  const backgroundOptions = {
    slackApiUrl: config.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: BACKGROUND_TIMEOUT_MS,
    logger: sdkLogger,
  };
  const backgroundClient = new WebClient(config.botToken, backgroundOptions);
  const installed = installedWorkspaces(options, backgroundOptions);
  const ownWorkspace = (team: string | undefined, enterprise: string | undefined) =>
    owner !== undefined &&
    ((team !== undefined && team === owner.teamId) ||
      (owner.enterpriseInstall && enterprise !== undefined && enterprise === owner.enterpriseId));
  const chat = createSlackChat({
    // The env token serves its own workspace; an installed workspace is reached with its own token.
    client: installed
      ? (workspace) => (ownWorkspace(workspace, undefined) ? backgroundClient : installed.client(workspace))
      : backgroundClient,
    logger,
    now: () => options.clock.now(),
    ...(options.botUserId ? { botUserId: options.botUserId } : {}),
  });
  let owner: TokenOwner | undefined;
  // The one token, with the ids auth.test gave at start-up: Bolt never calls auth.test itself
  // (with a plain `token` it would, and keep nothing of the answer's team id).
  const authorize: Authorize<boolean> = async (source) => {
    if (installed && !ownWorkspace(source.teamId, source.enterpriseId)) {
      return installed.authorize(source);
    }
    if (!owner || config.botToken === undefined) {
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
  const isOurs = ourWorkspaces(
    () => owner,
    installed ? (team, enterprise) => installed.has(team, enterprise) : options.installed,
  );
  // Set by mount(): the listeners' dependencies exist only then.
  let hotRoute: HotEventRoute | undefined;
  const hotEvents: HotEventRoute = (body, correlationId) => hotRoute?.(body, correlationId);
  let app: App;
  if (config.mode === "socket") {
    const receiver = createSocketModeReceiver({
      appToken: config.appToken,
      ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}),
      logger,
      sdkLogger,
      newId: options.newId ?? randomUUID,
      hotEvents,
    });
    app = new App({ ...appOptions, receiver });
  } else {
    const { receiver, handler } = createSlackHttpReceiver({
      signingSecret: config.signingSecret,
      clock: options.clock,
      logger,
      maxBodyBytes: options.maxBodyBytes,
      newId: options.newId ?? randomUUID,
      hotEvents,
    });
    app = new App({ ...appOptions, receiver });
    routes.set(SLACK_EVENTS_PATH, handler);
    for (const [path, route] of installed?.routes ?? []) routes.set(path, route);
  }
  app.error(async (error) => {
    const code = asBotError(error).code;
    logger.error({ code, err: error }, "Slack listener failed");
    // A command that could not be recorded must not be acknowledged: the receiver answers 5xx
    // (HTTP) or does not ack (Socket Mode), so Slack tells the user or redelivers.
    if (code.startsWith("store.")) throw error;
  });
  app.use(onlyInstalledWorkspaces(isOurs, logger));
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
      hotRoute = (body, correlationId) => {
        const event = body.event as Record<string, unknown> | undefined;
        if (
          body.type !== "event_callback" ||
          typeof event?.type !== "string" ||
          !HOT_EVENT_TYPES.has(event.type)
        ) {
          return undefined;
        }
        return (async () => {
          const { team, enterprise } = eventSource(body);
          if (!(await isOurs(team, enterprise))) {
            logger.warn(
              { team, enterprise, type: body.type, correlationId },
              "Slack request from a workspace the bot is not installed in: acknowledged and ignored",
            );
            return;
          }
          const self = ownWorkspace(team, enterprise) ? owner : await installed?.botIds(team ?? "");
          if (fromSelf(event, self)) return;
          const eventId = typeof body.event_id === "string" ? body.event_id : "";
          await recordHotEvent(deps, event, eventId, team ?? "", { correlationId });
        })();
      };
      registerEventListeners(app, deps);
      if (installed) registerUninstallListeners(app, installed, logger);
      registerCommandListeners(app, deps);
      registerInteractionListeners(app, deps);
    },
    async start() {
      const refusals = ["invalid_auth", "not_authed", "account_inactive"];
      // With OAuth installs and no env token, every workspace is an installed one.
      if (config.botToken !== undefined) {
        owner = await startStep(tokenOwner(backgroundClient, options), "SLACK_BOT_TOKEN", refusals);
      }
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
 * Whether a request from `team` (and `enterprise`) is one the bot serves: the token's own
 * workspace, its organisation for an org-wide install, or one `installed` says has the bot.
 */
type IsOurs = (team: string | undefined, enterprise: string | undefined) => Promise<boolean>;

function ourWorkspaces(
  owner: () => TokenOwner | undefined,
  installed: ((team: string, enterprise: string | undefined) => Promise<boolean>) | undefined,
): IsOurs {
  return async (team, enterprise) => {
    const known = owner();
    if (team === undefined) return false;
    return (
      (known !== undefined &&
        (team === known.teamId ||
          (known.enterpriseInstall && enterprise !== undefined && enterprise === known.enterpriseId))) ||
      (installed !== undefined && (await installed(team, enterprise)))
    );
  };
}

/** The OAuth installs when config turns them on (HTTP mode with `oauth` and a store for them). */
function installedWorkspaces(
  options: SlackAppOptions,
  clientOptions: ConstructorParameters<typeof WebClient>[1] & object,
): InstalledWorkspaces | undefined {
  const { config } = options;
  if (config.mode !== "http" || config.oauth === undefined) return undefined;
  if (!options.installations) {
    throw new Error("createSlackPlatform: OAuth installs need an installation store");
  }
  return createInstalledWorkspaces({
    oauth: config.oauth,
    store: options.installations,
    apiUrl: config.apiUrl,
    clock: options.clock,
    logger: options.logger,
    clientOptions,
  });
}

/**
 * Forgets a workspace when Slack says the app is gone from it: `app_uninstalled`, or
 * `tokens_revoked` naming bot tokens (docs.slack.dev reference: events/app_uninstalled,
 * events/tokens_revoked). Highlights and notes stay until retention removes them.
 */
function registerUninstallListeners(app: App, installed: InstalledWorkspaces, logger: Logger): void {
  const forget = async (team: string | undefined, enterprise: string | undefined, why: string) => {
    const forgotten = await installed.forget(team, enterprise);
    logger.info(
      { team, enterprise, forgotten, why },
      "Slack workspace uninstalled: its installation is forgotten",
    );
  };
  app.event("app_uninstalled", async ({ context }) => {
    await forget(context.teamId, context.enterpriseId, "app_uninstalled");
  });
  app.event("tokens_revoked", async ({ event, context }) => {
    const bots = (event as { tokens?: { bot?: unknown } }).tokens?.bot;
    if (Array.isArray(bots) && bots.length > 0) {
      await forget(context.teamId, context.enterpriseId, "tokens_revoked");
    }
  });
}

/**
 * The workspace and organisation of an Events API envelope, read as Bolt reads them (its
 * buildSource): the first `authorizations` entry when there is one, else `team_id`/`enterprise_id`.
 */
function eventSource(body: Record<string, unknown>): { team?: string; enterprise?: string } {
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const first = Array.isArray(body.authorizations)
    ? (body.authorizations[0] as Record<string, unknown> | undefined)
    : undefined;
  const team = text(first?.team_id) ?? text(body.team_id);
  const enterprise = first !== undefined ? text(first.enterprise_id) : text(body.enterprise_id);
  return { ...(team ? { team } : {}), ...(enterprise ? { enterprise } : {}) };
}

/** The bot's own reaction or message, which Bolt's ignoreSelf would drop. */
function fromSelf(
  event: Record<string, unknown>,
  owner: { readonly botUserId: string | undefined; readonly botId: string | undefined } | undefined,
): boolean {
  if (event.type === "message" && event.subtype === "bot_message" && event.bot_id === owner?.botId) {
    return true;
  }
  return owner?.botUserId !== undefined && event.user === owner.botUserId;
}

/**
 * Bolt global middleware: lets a request through only from a workspace the bot serves (IsOurs);
 * anything else is acknowledged (an empty answer) and ignored, and logged by its ids only.
 */
function onlyInstalledWorkspaces(isOurs: IsOurs, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { context, next } = args;
    const team = typeof context.teamId === "string" && context.teamId !== "" ? context.teamId : undefined;
    const enterprise = typeof context.enterpriseId === "string" ? context.enterpriseId : undefined;
    if (await isOurs(team, enterprise)) {
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
