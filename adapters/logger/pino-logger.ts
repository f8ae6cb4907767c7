import pino from "pino";
import type { LogLevelName } from "../../src/config.ts";
import type { Logger } from "../../src/ports/logger.ts";

export type LogLevel = LogLevelName;

/**
 * JSON logs through pino, written to `destination` (a file descriptor; default 2, stderr, so the
 * CLI's stdout stays the weeknote). Secrets are redacted by key name wherever they appear.
 */
export function createPinoLogger(options: { level: LogLevel; destination?: number }): Logger {
  return pino(
    {
      level: options.level,
      base: { app: "weeknotes" },
      redact: {
        paths: ["*.token", "*.botToken", "*.signingSecret", "*.apiKey", "*.authorization", "token", "apiKey"],
        censor: "[redacted]",
      },
    },
    pino.destination({ dest: options.destination ?? 2, sync: true }),
  );
}
