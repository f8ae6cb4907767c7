import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { systemClock } from "../adapters/clock/system-clock.ts";
import { createNodeCronScheduler } from "../adapters/cron/node-cron-scheduler.ts";
import { slackEmojiAliases } from "../adapters/emoji/aliases.ts";
import { createHttpServer, type RouteHandler } from "../adapters/http/server.ts";
import { createPinoLogger } from "../adapters/logger/pino-logger.ts";
import { createSummariser } from "../adapters/openai/summariser-factory.ts";
import { createRecorder } from "../adapters/slack/record.ts";
import { createSlackApp, type SlackApp } from "../adapters/slack/slack-app.ts";
import { openSqliteStore } from "../adapters/sqlite/sqlite-store.ts";
import { createAnswerWeekRequest } from "./app/answer-week-request.ts";
import { createBackground } from "./app/background.ts";
import { createCompileWeeknote } from "./app/compile-weeknote.ts";
import { createDecideDraft } from "./app/decide-draft.ts";
import { createDraftWeeknote, teamHighlights } from "./app/draft-weeknote.ts";
import { createInboxWorker, type InboxWorker } from "./app/inbox-worker.ts";
import { createProcessEvent } from "./app/process-event.ts";
import { createScheduleRunner, type ScheduleRunner } from "./app/run-schedule.ts";
import { createTeamDirectory, type TeamDirectory } from "./app/teams.ts";
import type { Config } from "./config.ts";
import { BotError } from "./domain/errors.ts";
import { formatWeekKey, windowOf } from "./domain/week.ts";
import type { Clock } from "./ports/clock.ts";
import type { Logger } from "./ports/logger.ts";
import type { Store } from "./ports/store.ts";

const STOP_GRACE_MS = 20_000;

/** What tests and embedders may replace; everything else comes from `config`. */
export interface BotOverrides {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly store?: Store;
  /** This process's name in leases (default: a random id). */
  readonly holder?: string;
  /** Inbox poll interval when idle, ms (default 1 000). */
  readonly workerPollMs?: number;
  /**
   * The bot's user id (`U…`) and bot id (`B…`). With both known Bolt never calls auth.test; with
   * either missing it calls it once at start-up (never once per request in the ack path).
   */
  readonly botUserId?: string;
  readonly botId?: string;
  /** Run the weekly draft schedule (default true); tests of other parts turn it off. */
  readonly schedule?: boolean;
  /** How long stop() waits for work in flight, ms (default 20 000). */
  readonly stopGraceMs?: number;
}

export interface Bot {
  /** Listens (and connects to Slack in Socket Mode), then resumes the inbox. */
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
 * The composition root (SPEC §3): the one place that wires adapters to use cases. One HTTP server
 * serves Slack (`/slack/events`), `/healthz` and `/readyz`.
 * @throws BotError `store.*` when the database cannot be opened.
 */
export function buildBot(config: Config, overrides: BotOverrides = {}): Bot {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createPinoLogger({ level: config.logLevel, destination: 1 });
  const store = overrides.store ?? openSqliteStore({ path: join(config.dataDir, "weeknotes.sqlite") });
  const holder = overrides.holder ?? `weeknotes-${process.pid}-${randomUUID().slice(0, 8)}`;
  const aliases = slackEmojiAliases();
  const summariser = createSummariser(config.summariser, logger);
  const background = createBackground(logger);
  const teams = createTeamDirectory({ store, clock, defaultTimezone: config.defaultTimezone });
  const compile = createCompileWeeknote({ summariser, clock, logger, store });
  const answer = createAnswerWeekRequest({ store, teams, clock });
  const routes = new Map<string, RouteHandler>();
  let worker: InboxWorker = createInboxWorker({
    store,
    clock,
    logger,
    holder,
    process: async () => ({ status: "failed", errorCode: "platform.unavailable" }),
  });

  let schedule: ScheduleRunner | undefined;
  // Settings changed in chat take effect at once: the schedule is re-read after every change.
  const refreshSchedule = () => {
    schedule?.refresh().catch((error: unknown) => logger.error({ err: error }, "schedule refresh failed"));
  };
  const scheduledTeams: TeamDirectory = {
    ...teams,
    async save(settings) {
      await teams.save(settings);
      refreshSchedule();
    },
    async claim(workspace, user, channel) {
      const team = await teams.claim(workspace, user, channel);
      refreshSchedule();
      return team;
    },
  };
  const slack = config.slack;
  let slackApp: SlackApp | undefined;
  if (slack) {
    slackApp = createSlackApp({
      config: slack,
      maxBodyBytes: config.maxBodyBytes,
      clock,
      logger,
      ...(overrides.botUserId ? { botUserId: overrides.botUserId } : {}),
      ...(overrides.botId ? { botId: overrides.botId } : {}),
      wire: (chat) => {
        const draft = createDraftWeeknote({ store, chat, compile, clock, logger });
        if (overrides.schedule !== false) {
          schedule = createScheduleRunner({
            store,
            draft,
            chat,
            clock,
            logger,
            holder,
            scheduler: createNodeCronScheduler({ logger }),
          });
        }
        worker = createInboxWorker({
          store,
          clock,
          logger,
          holder,
          ...(overrides.workerPollMs === undefined ? {} : { pollMs: overrides.workerPollMs }),
          process: createProcessEvent({ store, chat, teams, aliases, clock, logger }),
        });
        return {
          record: createRecorder({ store, worker, clock }),
          answer,
          teams: scheduledTeams,
          background,
          aliases,
          draft,
          decide: createDecideDraft({ store, chat, teams, summariser, clock, logger, holder }),
          home: async (workspace: string) => {
            const team = await teams.settingsFor(workspace);
            const window = windowOf(clock.now(), team.timezone);
            return {
              week: formatWeekKey(window.key),
              highlights: await teamHighlights(store, team, window),
              notes: await store.listWeeknotes({ workspace, team: team.team, limit: 10 }),
            };
          },
        };
      },
    });
    for (const [path, handler] of slackApp.routes) {
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

  return {
    get url() {
      return url;
    },
    store,
    get worker() {
      return worker;
    },
    async idle() {
      await background.idle();
      await schedule?.idle();
    },
    async start() {
      try {
        // Slack first (it checks the token), so a bad token never leaves a half-started server.
        await slackApp?.start();
        url = (await server.listen()).url;
      } catch (error) {
        await slackApp?.stop().catch(() => undefined);
        await store.close();
        if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
          throw new BotError("config.invalid", `Port ${config.port} on ${config.host} is already in use`, {
            hint: "Stop what is using it, or set PORT to another port",
            cause: error,
          });
        }
        throw error;
      }
      if (!slack) {
        logger.warn(
          {},
          "Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) to connect; /slack/events answers 404 until then",
        );
      }
      worker.start();
      // First reads the teams, then drafts any week whose draft time passed while we were down.
      await schedule?.start();
      logger.info({ url, slack: slack?.mode ?? "off" }, "weeknotes started");
    },
    async stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      await server.close();
      await slackApp?.stop();
      // Work in flight (an LLM draft can take minutes) gets a grace period, inside the usual
      // 30-second SIGTERM window; what is cut short is retried: its claim or inbox lease expires.
      const drained = Promise.all([schedule?.stop(), worker.stop(), background.idle()]).then(() => true);
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
