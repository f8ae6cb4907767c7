// Inbox events and a row count for the SQLite store's contract tests (group commit, the writer's thread).
import Database from "better-sqlite3";

/** The `i`th inbox event of workspace T0001, received at 1,700,000,000,000 + i ms (UTC epoch). */
export function inboxEvent(i: number, payload: unknown = { i }) {
  return {
    workspace: "T0001",
    eventId: `Ev${String(i).padStart(3, "0")}`,
    kind: "tag_added",
    payload,
    correlationId: `c${i}`,
    receivedAtMs: 1_700_000_000_000 + i,
  };
}

/** Rows in the inbox of the database at `path`, read by a read-only connection of the test's own. */
export function inboxRows(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return Number(db.prepare("SELECT count(*) FROM inbox_events").pluck().get());
  } finally {
    db.close();
  }
}
