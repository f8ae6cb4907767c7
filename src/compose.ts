import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { systemClock, systemTimers } from "../adapters/clock/system-clock.ts";
import { slackEmojiAliases, slackEmojiUnicode } from "../adapters/emoji/aliases.ts";
import { createWorkspaceEmojiAliases } from "../adapters/emoji/workspace-emoji.ts";
import {
  refuseFileAsFolder,
  refuseUnwritableFolder,
  refuseVirtualFileSystem,
} from "../adapters/fs/safe-paths.ts";
import { createHttpServer, type RouteHandler } from "../adapters/http/server.ts";
import { createPinoLogger } from "../adapters/logger/pino-logger.ts";
import { instrumentChat, instrumentStore, instrumentSummariser } from "../adapters/metrics/instrument.ts";
import { createPromMetrics, type PromMetrics } from "../adapters/metrics/prom-metrics.ts";
import { openMongoStore } from "../adapters/mongodb/mongodb-store.ts";
import { createSummariser } from "../adapters/openai/summariser-factory.ts";
import type { PlatformAdapter } from "../adapters/platform-adapter.ts";
import { createPublishers } from "../adapters/publish/publishers.ts";
import { createSlackPlatform } from "../adapters/slack/slack-app.ts";
import { openSqliteStore } from "../adapters/sqlite/sqlite-store.ts";
import { createTeamsPlatform } from "../adapters/teams/teams-app.ts";
import { createChatRouter } from "./app/chat-router.ts";
import type { InboxWorker } from "./app/inbox-worker.ts";
import { createReadiness } from "./app/readiness.ts";
import { INBOX_KEEP_MS } from "./app/retention.ts";
import { createCore } from "./app/use-cases.ts";
import type { Config } from "./config.ts";
import { BotError } from "./domain/errors.ts";
import type { Clock, Timers } from "./ports/clock.ts";
import type { Logger } from "./ports/logger.ts";
import type { Publisher } from "./ports/publisher.ts";
import type { Store } from "./ports/store.ts";

/** botbuilder's ServiceClientCredentialsFactory, named here without importing the SDK. */
export type TeamsCredentialsFactory = NonNullable<
  Parameters<typeof createTeamsPlatform>[0]["credentialsFactory"]
>;

// Kubernetes and Docker give 30 s between SIGTERM and SIGKILL; main.ts spends up to 3 s draining
// (readiness already 503) before stop(), which ends within this, leaving a margin of about 2 s.
const STOP_BUDGET_MS = 25_000;
// Of that budget: requests in flight get up to 8 s, and the store's close is given 1 s at the end.
const HTTP_CLOSE_MS = 8_000;
const STORE_CLOSE_MS = 1_000;

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
  /** How long stop() waits for work in flight, ms (default: what is left of a 25 s budget, less 1 s). */
  readonly stopGraceMs?: number;
  /** Age of the oldest waiting inbox event past which `/readyz` answers 503, ms (default 5 minutes). */
  readonly inboxStuckAfterMs?: number;
  /**
   * Makes the credentials of Teams' outbound calls instead of botbuilder's own (MSAL): tests sign
   * in at a local fake login this way (../shared/TEAMS-TESTING.md). There is no test mode.
   */
  readonly teamsCredentialsFactory?: TeamsCredentialsFactory;
  /** Waits before each retry of the blog and the webhook, ms (default: theirs); tests shorten them. */
  readonly publishRetryDelaysMs?: readonly number[];
}

export interface Bot {
  /** Listens (and connects to Slack in Socket Mode), then resumes the inbox and the schedule. */
  start(): Promise<void>;
  /**
   * Turns `/readyz` to 503 and keeps serving, so a load balancer stops sending requests before
   * stop() closes the server (main.ts calls it on SIGTERM, then waits a moment).
   */
  drain(): void;
  /**
   * Stops taking requests (readiness first), lets work in flight finish, closes the store; within
   * 25 s in all. Safe to call twice.
   */
  stop(): Promise<void>;
  /** The HTTP server's base URL once started, such as `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly store: Store;
  readonly worker: InboxWorker;
  /** What `/metrics` serves. */
  readonly metrics: PromMetrics;
  /** The bot's logger (main.ts logs crashes with it). */
  readonly logger: Logger;
  /** Publishing approved notes outside chat (BLOG_DIR, WEBHOOK_URL); `idle()` waits for its work. */
  readonly publisher: Publisher;
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
  if (!overrides.store && config.storage.store.kind === "sqlite") {
    // Node's recursive mkdir loops on /proc and the like: a clear refusal instead of a hang.
    await refuseVirtualFileSystem(config.dataDir, `DATA_DIR ${config.dataDir}`);
  }
  if (config.publish.blog) {
    await refuseFileAsFolder(config.publish.blog.dir, "BLOG_DIR");
    await refuseUnwritableFolder(config.publish.blog.dir, "BLOG_DIR");
  }
  const storeChoice = config.storage.store;
  const openedStore =
    overrides.store ??
    (storeChoice.kind === "mongodb"
      ? await openMongoStore({ uri: storeChoice.uri, inboxKeepMs: INBOX_KEEP_MS })
      : openSqliteStore({ path: join(config.dataDir, "weeknotes.sqlite"), startRecordWriter: true }));
  const metrics = createPromMetrics({ inbox: openedStore, clock });
  // Every store call is timed, and inbox and highlight counts are read off it, in one place.
  const store = instrumentStore(openedStore, metrics);
  const readiness = createReadiness({
    store,
    clock,
    ...(overrides.inboxStuckAfterMs === undefined ? {} : { stuckAfterMs: overrides.inboxStuckAfterMs }),
  });
  const holder = overrides.holder ?? `weeknotes-${process.pid}-${randomUUID().slice(0, 8)}`;
  const chat = createChatRouter();
  const platforms: PlatformAdapter[] = [];
  const timers = overrides.timers ?? systemTimers;
  // The LLM's time budget runs on the bot's clock and timers, so tests drive it with theirs.
  const summariser = instrumentSummariser(
    createSummariser(config.summariser, logger, { clock, timers, metrics }),
    config.summariser.llm ? "openai" : "offline",
    metrics,
  );
  // The LLM's tokenizer loads now, before the server listens, not at the first draft (issue 12).
  await summariser.prepare();
  const publisher = createPublishers({
    config: config.publish,
    store,
    clock,
    timers,
    logger,
    holder,
    ...(overrides.publishRetryDelaysMs === undefined
      ? {}
      : { retryDelaysMs: overrides.publishRetryDelaysMs }),
  });
  // Slack workspaces' custom emoji aliases (emoji.list), once the Slack adapter exists below.
  let customEmoji: ((workspace: string) => Promise<Record<string, string>>) | undefined;
  const aliases = createWorkspaceEmojiAliases({
    base: slackEmojiAliases(),
    isStandard: (name) => slackEmojiUnicode()(name, undefined) !== undefined,
    list: (workspace) => (customEmoji ? customEmoji(workspace) : Promise.resolve({})),
    now: () => clock.now(),
    logger,
  });
  const core = createCore({
    publisher,
    store,
    chat,
    summariser,
    aliases,
    clock,
    timers,
    logger,
    holder,
    defaultTimezone: config.defaultTimezone,
    retentionDays: config.storage.retentionDays,
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
      installations: store,
      maxBodyBytes: config.maxBodyBytes,
      clock,
      logger,
      ...(overrides.botUserId ? { botUserId: overrides.botUserId } : {}),
      ...(overrides.botId ? { botId: overrides.botId } : {}),
    });
    chat.add(instrumentChat(slack.chat, metrics));
    customEmoji = (workspace) => slack.chat.customEmoji(workspace);
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
    chat.add(instrumentChat(teams.chat, metrics));
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
    readiness: () => readiness.check(),
    metrics,
    closeTimeoutMs: HTTP_CLOSE_MS,
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
    metrics,
    logger,
    drain() {
      if (!readiness.shuttingDown) logger.info({}, "draining: /readyz answers 503");
      readiness.shutDown();
    },
    publisher,
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
      // Approvals made while we were down (or whose publishing gave up) are published now.
      await publisher.start();
      // First reads the teams, then drafts any week whose draft time passed while we were down.
      await schedule?.start();
      await core.retention?.start();
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
      const deadline = performance.now() + STOP_BUDGET_MS;
      readiness.shutDown();
      await server.close();
      await Promise.all(platforms.map((p) => p.stop()));
      // Work in flight (an LLM draft can take minutes) gets what is left of the budget, inside the
      // usual 30-second SIGTERM window; what is cut short is retried: its claim or inbox lease expires.
      const graceMs =
        overrides.stopGraceMs ?? Math.max(0, Math.round(deadline - performance.now() - STORE_CLOSE_MS));
      const drained = Promise.all([
        schedule?.stop(),
        core.retention?.stop(),
        worker.stop(),
        core.useCases.background.idle(),
        publisher.stop(),
      ]).then(() => true);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      });
      const finished = await Promise.race([drained, grace]);
      clearTimeout(timer);
      if (!finished) {
        logger.warn({ graceMs }, "stopped before work in flight finished");
      }
      await store.close();
      logger.info({}, "weeknotes stopped");
    },
  };
}
