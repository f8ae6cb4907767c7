/**
 * The bot as a separate process, for tests that kill it (SIGKILL) and start it again on the same
 * DATA_DIR: `node bin/run-ts.js test/support/bot-process.ts` with the bot's usual environment
 * (PORT=0, HOST, DATA_DIR, SLACK_*) plus
 * - TEST_NOW_MS: the fixed time its clock gives (UTC epoch ms); never the wall clock;
 * - TEST_BOT_USER_ID / TEST_BOT_ID: the bot's ids (default U0BOT00001 / B0BOT00001), so Bolt never
 *   calls auth.test;
 * - TEST_SCHEDULE=1: run the weekly schedule (off by default); TEST_HOLDER: its name in leases.
 * Once listening it prints one JSON line on stdout, `{"url":"http://127.0.0.1:…","pid":…}`; logs go
 * to stderr. SIGTERM or SIGINT stops it gracefully.
 */

import { createPinoLogger } from "../../adapters/logger/pino-logger.ts";
import { buildBot } from "../../src/compose.ts";
import { loadConfig } from "../../src/config.ts";

const nowMs = Number(process.env.TEST_NOW_MS);
if (!Number.isSafeInteger(nowMs)) {
  process.stderr.write("bot-process: set TEST_NOW_MS to the clock's fixed time (UTC epoch ms)\n");
  process.exit(2);
}
const config = loadConfig(process.env);
const bot = await buildBot(config, {
  clock: { now: () => nowMs },
  logger: createPinoLogger({ level: config.logLevel, destination: 2 }),
  botUserId: process.env.TEST_BOT_USER_ID ?? "U0BOT00001",
  botId: process.env.TEST_BOT_ID ?? "B0BOT00001",
  workerPollMs: 50,
  schedule: process.env.TEST_SCHEDULE === "1",
  ...(process.env.TEST_HOLDER ? { holder: process.env.TEST_HOLDER } : {}),
});
await bot.start();
process.stdout.write(`${JSON.stringify({ url: bot.url, pid: process.pid })}\n`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`bot-process: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
