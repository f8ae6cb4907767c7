import Database from "better-sqlite3";
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
 * The error for a write refused because a value is invalid, for the checks records.ts cannot make
 * alone (content of another highlight than the one named). Nothing has been written.
 */
export function refusal(message: string): BotError {
  return new BotError("store.invalid", message);
}
