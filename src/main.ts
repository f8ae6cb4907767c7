import { buildBot } from "./compose.ts";
import { loadConfig } from "./config.ts";
import type { BotError } from "./domain/errors.ts";

/**
 * The bot's process entry (`weeknotes serve`, `npm start`): loads the configuration (every bad key
 * reported at once), starts the bot, and stops it gracefully on SIGTERM or SIGINT.
 * @returns when the bot has stopped.
 * @throws BotError `config.invalid` and start-up failures, for the CLI to report.
 */
export async function serve(env: Record<string, string | undefined>): Promise<void> {
  const config = loadConfig(env);
  const bot = await buildBot(config);
  await bot.start();
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      bot.stop().then(resolve, (error: BotError) => {
        process.stderr.write(`weeknotes: error while stopping after ${signal}: ${error.message}\n`);
        resolve();
      });
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
