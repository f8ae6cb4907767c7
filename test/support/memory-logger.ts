import type { Logger } from "../../src/ports/logger.ts";

/** One log call as a memory logger kept it. */
export interface LogEntry {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

/**
 * A Logger that appends every call to `entries` (children included, with their bindings merged
 * into the fields) and prints nothing: tests assert on what was logged.
 */
export function recordingLogger(entries: LogEntry[] = [], bindings: Record<string, unknown> = {}): Logger {
  const log = (level: string) => (fields: Record<string, unknown>, message: string) => {
    entries.push({ level, message, fields: { ...bindings, ...fields } });
  };
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: (more) => recordingLogger(entries, { ...bindings, ...more }),
  };
}
