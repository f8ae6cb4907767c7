import Database from "better-sqlite3";
import type { z } from "zod";
import { BotError } from "../../src/domain/errors.ts";

/**
 * Runs `work`, turning SQLite errors into BotErrors that keep the original as `cause`: busy or
 * locked → `store.unavailable` (retryable); cannot open, read-only, disk full or I/O →
 * `store.unavailable` (not retryable); a violated constraint → `store.conflict`; anything else
 * SQLite reports → `store.corrupt`. BotErrors and non-SQLite errors pass through.
 */
export function translating<T>(action: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof Database.SqliteError)) {
      throw error;
    }
    const code = error.code;
    const message = `Cannot ${action} (${code})`;
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
      throw new BotError("store.unavailable", message, {
        cause: error,
        retryable: true,
        hint: "Another process is writing to the database; try again shortly",
      });
    }
    if (/^SQLITE_(CANTOPEN|READONLY|FULL|IOERR|PERM|AUTH)/.test(code)) {
      throw new BotError("store.unavailable", message, {
        cause: error,
        hint: "Check that the data directory exists, is writable and has free space",
      });
    }
    if (code.startsWith("SQLITE_CONSTRAINT")) {
      throw new BotError("store.conflict", message, { cause: error });
    }
    throw new BotError("store.corrupt", message, {
      cause: error,
      hint: "The database file is damaged or not a weeknotes database; restore it from a backup",
    });
  }
}

/**
 * Checks a value before it is written, so a bad value is refused instead of stored and found later.
 * @throws BotError `store.corrupt` (see {@link refusal}) naming only the failing field paths.
 */
export function refuseUnless<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    // Refusals name only field paths: the values may be message text, which errors never carry.
    throw refusal(`Refusing to store an invalid ${what}: ${issuePaths(result.error)}`, result.error);
  }
  return result.data;
}

/**
 * Runs a check that throws, turning its error into a refusal.
 * @throws BotError `store.corrupt` with the original error as cause.
 */
export function refusing<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw refusal(`Refusing to store an invalid ${what}`, error);
  }
}

/**
 * The error for a write refused because a value is invalid. The port has no code for invalid
 * input; `store.corrupt` (never retryable) is the closest: the write would have stored a row that
 * could not be read back.
 */
export function refusal(message: string, cause?: unknown): BotError {
  return new BotError("store.corrupt", message, cause === undefined ? {} : { cause });
}

/** The paths of a zod error's issues, comma-separated: never the values. */
export function issuePaths(error: z.ZodError): string {
  return error.issues.map((issue) => issue.path.join(".") || "(value)").join(", ");
}
