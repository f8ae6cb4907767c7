import pino from "pino";
import type { LogLevelName } from "../../src/config.ts";
import type { Logger } from "../../src/ports/logger.ts";
import { redactContentInText, redactFields } from "./redact-content.ts";
import { maskSettingValues, withoutUrlCredentials } from "./scrub.ts";

export type LogLevel = LogLevelName;

/** Field names whose values are secrets wherever they appear (top level or one level down). */
const SECRET_FIELDS = [
  "token",
  "botToken",
  "appToken",
  "signingSecret",
  "apiKey",
  "authorization",
  "password",
  "appPassword",
  "clientSecret",
  "privateKey",
];

/**
 * JSON logs through pino, written to `destination` (a file descriptor; default 2, stderr, so the
 * CLI's stdout stays the weeknote). Nothing secret is written, at any level:
 * - fields named like a secret (`token`, `botToken`, `signingSecret`, `apiKey`, `password`…) are
 *   written as `[redacted]`, at the top level and one level down;
 * - every line is scrubbed as it is written, whatever wrote it (our code, Bolt, the Slack and
 *   OpenAI SDKs, an error's message or stack): URLs lose their `user:password@` part, and each
 *   value in `secrets` (the settings' values, by setting name) becomes `<NAME>` (see
 *   adapters/logger/scrub.ts). Linear in the line's length.
 *
 * Nor chat content (issue 10 item 12): fields that hold it (`text`, `blocks`, `body`…) are written
 * as `[redacted]`, and JSON inside a message or a string field (the Slack SDKs log whole Web API
 * responses and event bodies at debug) keeps only ids, types, method and error names, numbers and
 * booleans (adapters/logger/redact-content.ts), whatever wrote it.
 */
export function createPinoLogger(options: {
  level: LogLevel;
  destination?: number;
  /** Where lines go instead of `destination` (tests capture them this way). */
  stream?: pino.DestinationStream;
  /** Setting name → value to keep out of every line, e.g. `{ SLACK_BOT_TOKEN: "xoxb-…" }`. */
  secrets?: Readonly<Record<string, string | undefined>>;
}): Logger {
  // Each value as written and as it looks inside a JSON string (a `"` or `\\` in it is escaped).
  const secrets = Object.entries(options.secrets ?? {}).flatMap(([name, value]) =>
    value ? [[name, value] as const, [name, JSON.stringify(value).slice(1, -1)] as const] : [],
  );
  const names = new Set(secrets.map(([name]) => name));
  const scrub =
    secrets.length === 0 ? withoutUrlCredentials : (line: string) => maskSettingValues(line, secrets, names);
  return pino(
    {
      level: options.level,
      base: { app: "weeknotes" },
      redact: {
        paths: SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
        censor: "[redacted]",
      },
      hooks: {
        streamWrite: scrub,
        // Runs only for calls at an enabled level, so skipped debug calls cost nothing here.
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          const fields =
            first !== null && typeof first === "object" && !(first instanceof Error)
              ? redactFields(first as Record<string, unknown>)
              : typeof first === "string"
                ? redactContentInText(first)
                : first;
          const more = rest.map((arg) => (typeof arg === "string" ? redactContentInText(arg) : arg));
          return method.apply(this, [fields, ...more] as Parameters<typeof method>);
        },
      },
    },
    options.stream ?? pino.destination({ dest: options.destination ?? 2, sync: true }),
  );
}
