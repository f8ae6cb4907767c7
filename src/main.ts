import { buildBot } from "./compose.ts";
import { loadConfig } from "./config.ts";
import { type BotError, isBotError } from "./domain/errors.ts";

/**
 * How long a SIGTERM leaves `/readyz` at 503 while still serving, before the server closes, ms: a
 * load balancer (Kubernetes' endpoints, a proxy's health check) stops routing here meanwhile.
 * Then stop() takes at most 25 s: 28 s in all, inside the usual 30 s before SIGKILL.
 */
export const DRAIN_MS = 3_000;

/** The longest a crash waits for the bot to stop before the process exits, ms. */
const CRASH_STOP_MS = 5_000;

/**
 * The bot's process entry (`weeknotes serve`, `npm start`): loads the configuration (every bad key
 * reported at once), starts the bot, and stops it gracefully on SIGTERM or SIGINT: readiness turns
 * 503 first, requests keep being served for {@link DRAIN_MS}, then the bot stops.
 *
 * An `unhandledRejection` or `uncaughtException` is logged (level fatal, with its error code and
 * stack, never chat text) before the process exits with status 1, after a stop of at most 5 s.
 * @returns when the bot has stopped.
 * @throws BotError `config.invalid` and start-up failures, for the CLI to report.
 */
export async function serve(env: Record<string, string | undefined>): Promise<void> {
  const config = loadConfig(env);
  const bot = await buildBot(config);
  const { logger } = bot;

  let crashing = false;
  const crash = (kind: "uncaughtException" | "unhandledRejection") => (error: unknown) => {
    logger.error(
      {
        fatal: true,
        event: kind,
        code: isBotError(error) ? error.code : undefined,
        error: error instanceof Error ? error.name : String(error),
        reason: error instanceof Error ? error.message : undefined,
        stack: error instanceof Error ? error.stack : undefined,
      },
      `${kind}: weeknotes is exiting`,
    );
    if (crashing) return;
    crashing = true;
    process.exitCode = 1;
    const timer = setTimeout(() => process.exit(1), CRASH_STOP_MS);
    timer.unref();
    bot.stop().finally(() => process.exit(1));
  };
  process.on("uncaughtException", crash("uncaughtException"));
  process.on("unhandledRejection", crash("unhandledRejection"));

  await bot.start();
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      logger.info({ signal }, "stopping");
      bot.drain();
      setTimeout(() => {
        bot.stop().then(resolve, (error: BotError) => {
          process.stderr.write(`weeknotes: error while stopping after ${signal}: ${error.message}\n`);
          resolve();
        });
      }, DRAIN_MS);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
