import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { type Bot, buildBot } from "../../src/compose.ts";
import { loadConfig } from "../../src/config.ts";
import {
  type BotFrameworkFakes,
  botFrameworkFakes,
  postActivity,
  TEST_TENANT_ID,
  type TeamsActivityFactory,
  type TokenFault,
} from "./bot-framework/index.ts";
import { memoryLogger } from "./bot-harness.ts";
import { type FakeGraph, startFakeGraph } from "./fake-graph.ts";
import { type ManualTime, manualTime } from "./manual-timers.ts";

export interface TeamsTestBot {
  readonly bot: Bot;
  readonly bf: BotFrameworkFakes;
  /** Activities of the test world (its team, channel and people). */
  readonly teams: TeamsActivityFactory;
  readonly time: ManualTime;
  readonly logger: ReturnType<typeof memoryLogger>;
  /** The fake Microsoft Graph, when the reaction sweep is on. */
  readonly graph: FakeGraph | undefined;
  /** POSTs an activity to `/api/messages` with Teams' token for it (or a faulty one). */
  post(activity: { serviceUrl: string }, fault?: TokenFault | "no-header"): ReturnType<typeof postActivity>;
  /** Waits until the inbox and the background work are done. */
  settle(): Promise<void>;
  /**
   * Stops the bot and the fakes it made.
   * @throws Error when the fake Bot Connector refused a post for breaking one of Teams' limits.
   */
  stop(): Promise<void>;
}

/**
 * The real bot with Teams on (HTTP server on 127.0.0.1:0, SQLite in a temp folder) against the
 * process's Bot Framework fakes (test/support/bot-framework), with manual time: the schedule and
 * the hourly reaction sweep run only when a test moves the clock. `sweep` turns the Graph reaction
 * sweep on against a fake Graph that accepts only app-only tokens of the test tenant.
 */
export async function startTeamsBot(
  options: {
    readonly now?: string;
    readonly schedule?: boolean;
    readonly sweep?: boolean;
    readonly env?: Record<string, string>;
  } = {},
): Promise<TeamsTestBot> {
  const bf = await botFrameworkFakes();
  bf.reset();
  const time = manualTime(options.now ?? "2026-03-24T10:15:00Z");
  const dataDir = await mkdtemp(join(tmpdir(), "weeknotes-teams-"));
  const logger = memoryLogger();
  const graph = options.sweep
    ? await startFakeGraph({
        clock: time.clock,
        token: (bearer) => {
          const claims = decodeJwt(bearer);
          return claims.aud === "https://graph.microsoft.com" && claims.tid === TEST_TENANT_ID;
        },
      })
    : undefined;
  const config = loadConfig({
    ...bf.env(),
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    DEFAULT_TIMEZONE: "Europe/London",
    ...(graph ? { TEAMS_REACTION_SWEEP: "on", TEAMS_GRAPH_URL: graph.url } : {}),
    ...options.env,
  });
  const bot = await buildBot(config, {
    clock: time.clock,
    timers: time.timers,
    logger,
    // Recorded commands wake the worker at once; a rare poll keeps manual days cheap to move through.
    workerPollMs: 3_600_000,
    schedule: options.schedule ?? false,
    teamsCredentialsFactory: bf.credentialsFactory(),
  });
  time.settleWith(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    await bot.idle();
  });
  await bot.start();
  const refusalsBefore = bf.connector.limitRefusals.length;
  const url = `${bot.url}/api/messages`;
  return {
    bot,
    bf,
    teams: bf.activities(),
    time,
    logger,
    graph,
    post: async (activity, fault) => postActivity(url, activity, await bf.authorization(activity, fault)),
    async settle() {
      for (let round = 0; round < 5; round += 1) {
        await bot.worker.kick();
        await bot.idle();
      }
    },
    async stop() {
      await bot.stop();
      await graph?.close();
      await rm(dataDir, { recursive: true, force: true });
      const refused = bf.connector.limitRefusals.slice(refusalsBefore);
      if (refused.length > 0) {
        throw new Error(
          `The bot broke Teams' limits; the fake Bot Connector refused:\n${refused
            .map((r) => `${r.call.operation} → ${r.rule}: ${r.detail}`)
            .join("\n")}`,
        );
      }
    },
  };
}
