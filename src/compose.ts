import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { systemClock, systemTimers } from "../adapters/clock/system-clock.ts";
import { slackEmojiAliases } from "../adapters/emoji/aliases.ts";
import { refuseVirtualFileSystem } from "../adapters/fs/safe-paths.ts";
import { createHttpServer, type RouteHandler } from "../adapters/http/server.ts";
import { createPinoLogger } from "../adapters/logger/pino-logger.ts";
import { createSummariser } from "../adapters/openai/summariser-factory.ts";
import type { PlatformAdapter } from "../adapters/platform-adapter.ts";
import { createSlackPlatform } from "../adapters/slack/slack-app.ts";
import { openSqliteStore } from "../adapters/sqlite/sqlite-store.ts";
import { createTeamsPlatform } from "../adapters/teams/teams-app.ts";
import { createChatRouter } from "./app/chat-router.ts";
import type { InboxWorker } from "./app/inbox-worker.ts";
import { createCore } from "./app/use-cases.ts";
import type { Config } from "./config.ts";
import { BotError } from "./domain/errors.ts";
import type { Clock, Timers } from "./ports/clock.ts";
import type { Logger } from "./ports/logger.ts";
import type { Store } from "./ports/store.ts";

/** botbuilder's ServiceClientCredentialsFactory, named here without importing the SDK. */
export type TeamsCredentialsFactory = NonNullable<
  Parameters<typeof createTeamsPlatform>[0]["credentialsFactory"]
>;

const STOP_GRACE_MS = 20_000;

/** What tests and embedders may replace; everything else comes from `config`. */
export interface BotOverrides {
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly logger?: Logger;
  /** A store to use instead of the one config chooses (it is closed by stop()). */
  readonly store?: Store;
  /** This process's name in leases (default: a random id). */
  readonly holder?: string;
  /** Inbox poll interval when idle, ms (default 1 000). */
  readonly workerPollMs?: number;
  /**
   * The bot's Slack user id (`U…`) and bot id (`B…`). With both known Bolt never calls auth.test;
   * with either missing it calls it once at start-up (never once per request in the ack path).
   */
  readonly botUserId?: string;
  readonly botId?: string;
  /** Run the weekly draft schedule (default true); tests of other parts turn it off. */
  readonly schedule?: boolean;
  /** How long stop() waits for work in flight, ms (default 20 000). */
  readonly stopGraceMs?: number;
  /**
   * Makes the credentials of Teams' outbound calls instead of botbuilder's own (MSAL): tests sign
   * in at a local fake login this way (../shared/TEAMS-TESTING.md). There is no test mode.
   */
  readonly teamsCredentialsFactory?: TeamsCredentialsFactory;
}

export interface Bot {
  /** Listens (and connects to Slack in Socket Mode), then resumes the inbox and the schedule. */
  start(): Promise<void>;
  /** Stops taking requests, lets work in flight finish, closes the store. Safe to call twice. */
  stop(): Promise<void>;
  /** The HTTP server's base URL once started, such as `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly store: Store;
  readonly worker: InboxWorker;
  /** Resolves when background work started so far (drafts, decisions, replies) has ended. */
  idle(): Promise<void>;
}

/**
 * The composition root (SPEC §3): the one place that wires adapters to use cases. It opens the
 * store config chooses, builds the use cases, the one inbox worker and the one schedule once, and
 * hands them to each enabled platform adapter, which only mounts its routes and translates. One
 * HTTP server serves every platform's routes, `/healthz` and `/readyz`. With Slack off nothing
 * depends on Slack.
 * @throws BotError `store.*` when the database cannot be opened; `input.bad_option` when DATA_DIR
 *   is on a virtual file system such as /proc.
 */
export async function buildBot(config: Config, overrides: BotOverrides = {}): Promise<Bot> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createPinoLogger({ level: config.logLevel, destination: 1 });
  if (!overrides.store) {
    // Node's recursive mkdir loops on /proc and the like: a clear refusal instead of a hang.
    await refuseVirtualFileSystem(config.dataDir, `DATA_DIR ${config.dataDir}`);
  }
  const store = overrides.store ?? openSqliteStore({ path: join(config.dataDir, "weeknotes.sqlite") });
  const holder = overrides.holder ?? `weeknotes-${process.pid}-${randomUUID().slice(0, 8)}`;
  const chat = createChatRouter();
  const platforms: PlatformAdapter[] = [];
  const timers = overrides.timers ?? systemTimers;
  const summariser = createSummariser(config.summariser, logger);
  // The LLM's tokenizer loads now, before the server listens, not at the first draft (issue 12).
  await summariser.prepare();
  const core = createCore({
    store,
    chat,
    summariser,
    aliases: slackEmojiAliases(),
    clock,
    timers,
    logger,
    holder,
    defaultTimezone: config.defaultTimezone,
    schedule: overrides.schedule !== false,
    beforeDraft: async (team) => {
      await Promise.all(
        platforms.map((p) => (p.chat.platform === team.platform ? p.beforeDraft?.(team) : undefined)),
      );
    },
    ...(overrides.workerPollMs === undefined ? {} : { workerPollMs: overrides.workerPollMs }),
  });

  if (config.slack) {
    const slack = createSlackPlatform({
      config: config.slack,
      maxBodyBytes: config.maxBodyBytes,
      clock,
      logger,
      ...(overrides.botUserId ? { botUserId: overrides.botUserId } : {}),
      ...(overrides.botId ? { botId: overrides.botId } : {}),
    });
    chat.add(slack.chat);
    slack.mount(core.useCases);
    platforms.push(slack);
  }
  if (config.teams) {
    const teams = createTeamsPlatform({
      config: config.teams,
      maxBodyBytes: config.maxBodyBytes,
      store,
      clock,
      timers,
      logger,
      ...(overrides.teamsCredentialsFactory ? { credentialsFactory: overrides.teamsCredentialsFactory } : {}),
    });
    chat.add(teams.chat);
    teams.mount(core.useCases);
    platforms.push(teams);
  }
  const routes = new Map<string, RouteHandler>();
  for (const platform of platforms) {
    for (const [path, handler] of platform.routes) {
      routes.set(path, handler);
    }
  }

  const server = createHttpServer({
    host: config.host,
    port: config.port,
    logger,
    routes,
    readiness: () => store.ping(),
  });
  let url = "";
  let stopped = false;
  const { worker, schedule } = core;

  return {
    get url() {
      return url;
    },
    store,
    worker,
    async idle() {
      await core.useCases.background.idle();
      await schedule?.idle();
    },
    async start() {
      try {
        // Platforms first (Slack checks its token), so a bad token never leaves a half-started server.
        for (const platform of platforms) {
          await platform.start();
        }
        url = (await server.listen()).url;
      } catch (error) {
        await Promise.all(platforms.map((p) => p.stop().catch(() => undefined)));
        await store.close();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE") {
          throw new BotError("config.invalid", `Port ${config.port} on ${config.host} is already in use`, {
            hint: "Stop what is using it, or set PORT to another port",
            cause: error,
          });
        }
        if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EADDRNOTAVAIL" || code === "EACCES") {
          // The value is not repeated: settings' values are never printed (see config.ts).
          throw new BotError("config.invalid", `The server cannot listen on HOST and PORT (${code})`, {
            hint: "Set HOST to an address of this machine (0.0.0.0 for every IPv4 interface) and PORT to a free port above 1023",
            cause: error,
          });
        }
        throw error;
      }
      if (!config.slack && !config.teams) {
        logger.warn(
          {},
          "No chat platform is on: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) for Slack, MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD for Teams; /slack/events and /api/messages answer 404 until then",
        );
      }
      worker.start();
      // First reads the teams, then drafts any week whose draft time passed while we were down.
      await schedule?.start();
      logger.info(
        { url, slack: config.slack?.mode ?? "off", teams: config.teams ? "on" : "off" },
        "weeknotes started",
      );
    },
    async stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      await server.close();
      await Promise.all(platforms.map((p) => p.stop()));
      // Work in flight (an LLM draft can take minutes) gets a grace period, inside the usual
      // 30-second SIGTERM window; what is cut short is retried: its claim or inbox lease expires.
      const drained = Promise.all([schedule?.stop(), worker.stop(), core.useCases.background.idle()]).then(
        () => true,
      );
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), overrides.stopGraceMs ?? STOP_GRACE_MS);
      });
      const finished = await Promise.race([drained, grace]);
      clearTimeout(timer);
      if (!finished) {
        logger.warn(
          { graceMs: overrides.stopGraceMs ?? STOP_GRACE_MS },
          "stopped before work in flight finished",
        );
      }
      await store.close();
      logger.info({}, "weeknotes stopped");
    },
  };
}
