import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Bot, type BotOverrides, buildBot } from "../../src/compose.ts";
import { loadConfig } from "../../src/config.ts";
import type { Logger } from "../../src/ports/logger.ts";
import { type FakeSlackApi, startFakeSlackApi } from "./fake-slack-api.ts";
import { type LogEntry, recordingLogger } from "./memory-logger.ts";
import { type PostResult, postSlackCommand, postSlackEvent, postSlackInteraction } from "./slack-signing.ts";
import { type TestClock, testClock } from "./test-clock.ts";

export const SECRET = "test-signing-secret";
export const TEAM = "T0WEEK0001";
export const BOT_USER = "U0BOT00001";
export const BOT_ID = "B0BOT00001";

export { type TestClock, testClock } from "./test-clock.ts";

/** A logger that keeps what it was told, for assertions, and prints nothing. */
export function memoryLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return Object.assign(recordingLogger(entries), { entries });
}

export interface TestBot {
  readonly bot: Bot;
  readonly fake: FakeSlackApi;
  readonly clock: TestClock;
  readonly logger: ReturnType<typeof memoryLogger>;
  readonly dataDir: string;
  /** POSTs a signed `event_callback` envelope around `event`. */
  event(
    event: Record<string, unknown>,
    eventId: string,
    headers?: Record<string, string>,
  ): Promise<PostResult>;
  /**
   * POSTs a signed `/weeknotes` command. Its trigger id is `triggerId` when given (the inbox
   * records the command as `command:<trigger id>`), else a fresh one.
   */
  command(text: string, user: string, channel?: string, triggerId?: string): Promise<PostResult>;
  /** POSTs a signed interaction payload. */
  interaction(payload: Record<string, unknown>): Promise<PostResult>;
  /** Waits until the inbox and the background work are done. */
  settle(): Promise<void>;
  /**
   * Stops the bot (and the fake and the data folder when the harness made them).
   * @throws Error when the fake Slack refused a call for breaking one of Slack's limits while the
   *   bot ran (a message over 50 blocks, a section over 3,000 characters…): every test on the
   *   harness fails then, even one that asserts nothing about the message.
   */
  stop(): Promise<void>;
}

/**
 * Starts the real bot (HTTP server on 127.0.0.1:0, SQLite in a temp folder) against a fresh fake
 * Slack Web API, with a test clock. `dataDir` reuses a folder (a restart). `env` adds (or replaces)
 * environment values given to loadConfig, such as OPENAI_API_KEY and OPENAI_BASE_URL.
 */
export async function startTestBot(
  options: {
    now?: string;
    dataDir?: string;
    fake?: FakeSlackApi;
    schedule?: boolean;
    /** How long stop() waits for work in flight, ms. */
    stopGraceMs?: number;
    env?: Record<string, string>;
    /** More overrides for buildBot (a Teams credentials factory, say). */
    overrides?: BotOverrides;
  } = {},
): Promise<TestBot> {
  const fake =
    options.fake ?? (await startFakeSlackApi({ teamId: TEAM, botUserId: BOT_USER, botId: BOT_ID }));
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "weeknotes-bot-")));
  const clock = testClock(options.now ?? "2026-03-27T12:00:00Z");
  const logger = memoryLogger();
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.url,
    DEFAULT_TIMEZONE: "Europe/London",
    ...options.env,
  });
  const bot = await buildBot(config, {
    clock,
    logger,
    botUserId: BOT_USER,
    botId: BOT_ID,
    workerPollMs: 50,
    schedule: options.schedule ?? false,
    ...(options.stopGraceMs === undefined ? {} : { stopGraceMs: options.stopGraceMs }),
    ...options.overrides,
  });
  // Refusals of a shared fake before this bot started are not this bot's.
  const refusalsBefore = fake.limitRefusals().length;
  await bot.start();
  const events = `${bot.url}/slack/events`;
  const signed = () => ({ secret: SECRET, timestampSeconds: Math.floor(clock.now() / 1000) });
  let counter = 0;
  return {
    bot,
    fake,
    clock,
    logger,
    dataDir,
    event: (event, eventId, headers) =>
      postSlackEvent(
        events,
        {
          token: "x",
          team_id: TEAM,
          api_app_id: "A0APP00001",
          type: "event_callback",
          event_id: eventId,
          event_time: Math.floor(clock.now() / 1000),
          event,
        },
        { ...signed(), ...(headers ? { headers } : {}) },
      ),
    command: (text, user, channel = "C0GENERAL1", triggerId) => {
      counter += 1;
      return postSlackCommand(
        events,
        {
          token: "x",
          team_id: TEAM,
          team_domain: "weeknotes-test",
          channel_id: channel,
          channel_name: "general",
          user_id: user,
          user_name: user.toLowerCase(),
          command: "/weeknotes",
          text,
          api_app_id: "A0APP00001",
          response_url: `${fake.url.replace(/api\/$/, "")}response/${counter}`,
          trigger_id: triggerId ?? `trigger.${counter}.${Date.now()}`,
        },
        signed(),
      );
    },
    interaction: (payload) => postSlackInteraction(events, payload, signed()),
    async settle() {
      for (let round = 0; round < 5; round += 1) {
        await bot.worker.kick();
        await bot.idle();
      }
    },
    async stop() {
      await bot.stop();
      const refused = fake.limitRefusals().slice(refusalsBefore);
      if (!options.fake) {
        await fake.close();
      }
      if (!options.dataDir) {
        await rm(dataDir, { recursive: true, force: true });
      }
      if (refused.length > 0) {
        throw new Error(
          `The bot broke Slack's limits; the fake Slack refused:\n${refused
            .map((r) => `${r.method} → ${r.error}: ${r.problems.join("; ")}`)
            .join("\n")}`,
        );
      }
    },
  };
}
