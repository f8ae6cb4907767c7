import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { systemClock, systemTimers } from "../adapters/clock/system-clock.ts";
import { slackEmojiAliases } from "../adapters/emoji/aliases.ts";
import { createHttpServer, type RouteHandler } from "../adapters/http/server.ts";
import { createPinoLogger } from "../adapters/logger/pino-logger.ts";
import { createSummariser } from "../adapters/openai/summariser-factory.ts";
import type { PlatformAdapter } from "../adapters/platform-adapter.ts";
import { createSlackPlatform } from "../adapters/slack/slack-app.ts";
import { openSqliteStore } from "../adapters/sqlite/sqlite-store.ts";
import { createChatRouter } from "./app/chat-router.ts";
import type { InboxWorker } from "./app/inbox-worker.ts";
import { createCore } from "./app/use-cases.ts";
import type { Config } from "./config.ts";
import { BotError } from "./domain/errors.ts";
import type { Clock, Timers } from "./ports/clock.ts";
import type { Logger } from "./ports/logger.ts";
import type { Store } from "./ports/store.ts";

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
 * @throws BotError `store.*` when the database cannot be opened.
 */
export async function buildBot(config: Config, overrides: BotOverrides = {}): Promise<Bot> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createPinoLogger({ level: config.logLevel, destination: 1 });
  const store = overrides.store ?? openSqliteStore({ path: join(config.dataDir, "weeknotes.sqlite") });
  const holder = overrides.holder ?? `weeknotes-${process.pid}-${randomUUID().slice(0, 8)}`;
  const chat = createChatRouter();
  const core = createCore({
    store,
    chat,
    summariser: createSummariser(config.summariser, logger),
    aliases: slackEmojiAliases(),
    clock,
    timers: overrides.timers ?? systemTimers,
    logger,
    holder,
    defaultTimezone: config.defaultTimezone,
    schedule: overrides.schedule !== false,
    ...(overrides.workerPollMs === undefined ? {} : { workerPollMs: overrides.workerPollMs }),
  });

  const platforms: PlatformAdapter[] = [];
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
        if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
          throw new BotError("config.invalid", `Port ${config.port} on ${config.host} is already in use`, {
            hint: "Stop what is using it, or set PORT to another port",
            cause: error,
          });
        }
        throw error;
      }
      if (!config.slack) {
        logger.warn(
          {},
          "Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) to connect; /slack/events answers 404 until then",
        );
      }
      worker.start();
      // First reads the teams, then drafts any week whose draft time passed while we were down.
      await schedule?.start();
      logger.info({ url, slack: config.slack?.mode ?? "off" }, "weeknotes started");
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
