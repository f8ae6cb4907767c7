import type Database from "better-sqlite3";
import { z } from "zod";
import { COMMAND_TAG_REACTION } from "../../src/domain/highlight.ts";
import { convertLegacyEvent } from "./legacy-inbox.ts";
import type { Migration } from "./migrations.ts";

/**
 * Schema 7, the core re-cut: platform-neutral message identity. Every row of schema 6 is kept.
 * - highlights: keyed by (workspace, id) with id `<channel>/<ts>` as before; platform `slack`;
 *   message_id/thread_id from ts/thread_ts, except typed highlights (every tag `add`: the made-up
 *   ts of `/weeknotes add`, mentions and DMs), which keep their id but have no message id or thread;
 *   tags gain `via` (`add` and `shortcut` become `{reaction: "add", via: "command"}`); team NULL.
 * - weeknotes: review and published messages become (platform `slack`, conversation, message id).
 * - teams: settings gain platform `slack`, sourceChannels [], personal false, members [].
 * - inbox_events: correlation_id = event_id; pending Slack payloads become inbox commands (or are
 *   done when nothing is left to do, or failed `store.corrupt` when unreadable).
 * - leases: a fencing token, 1 for existing leases.
 * - installations and conversation_references: new.
 */

// The new highlights table is built beside the old one, filled by `run`, then takes its name:
// SQLite cannot change a primary key in place.
const SQL = `
CREATE TABLE highlights_v7 (
  workspace         TEXT    NOT NULL,
  id                TEXT    NOT NULL,
  platform          TEXT    NOT NULL,
  conversation_id   TEXT    NOT NULL,
  conversation_name TEXT    NOT NULL,
  private           INTEGER NOT NULL CHECK (private IN (0, 1)),
  message_id        TEXT,
  thread_id         TEXT,
  posted_at_ms      INTEGER NOT NULL,
  author_id         TEXT,
  author_name       TEXT    NOT NULL,
  text              TEXT    NOT NULL,
  section           TEXT    NOT NULL,
  tags              TEXT    NOT NULL CHECK (json_valid(tags)),
  permalink         TEXT,
  team              TEXT,
  PRIMARY KEY (workspace, id),
  CHECK (message_id IS NOT NULL OR thread_id IS NULL)
) STRICT;

ALTER TABLE weeknotes RENAME COLUMN review_channel TO review_conversation_id;
ALTER TABLE weeknotes RENAME COLUMN review_ts TO review_message_id;
ALTER TABLE weeknotes ADD COLUMN review_platform TEXT;
ALTER TABLE weeknotes RENAME COLUMN published_channel TO published_conversation_id;
ALTER TABLE weeknotes RENAME COLUMN published_ts TO published_message_id;
ALTER TABLE weeknotes ADD COLUMN published_platform TEXT;
UPDATE weeknotes SET review_platform = 'slack' WHERE review_conversation_id IS NOT NULL;
UPDATE weeknotes SET published_platform = 'slack' WHERE published_conversation_id IS NOT NULL;

UPDATE teams SET settings = json_insert(settings,
  '$.platform', 'slack', '$.sourceChannels', json('[]'), '$.personal', json('false'), '$.members', json('[]'));

-- An added NOT NULL column needs a default; every row gets its real value just below and every
-- insert names it.
ALTER TABLE inbox_events ADD COLUMN correlation_id TEXT NOT NULL DEFAULT '';
UPDATE inbox_events SET correlation_id = event_id;

ALTER TABLE leases ADD COLUMN token INTEGER NOT NULL DEFAULT 1 CHECK (token >= 1);

CREATE TABLE installations (
  platform        TEXT    NOT NULL,
  workspace       TEXT    NOT NULL,
  installed_at_ms INTEGER NOT NULL,
  updated_at_ms   INTEGER NOT NULL,
  data            TEXT    NOT NULL CHECK (json_valid(data)),
  PRIMARY KEY (platform, workspace)
) STRICT;

CREATE TABLE conversation_references (
  platform        TEXT    NOT NULL,
  workspace       TEXT    NOT NULL,
  conversation_id TEXT    NOT NULL,
  reference       TEXT    NOT NULL CHECK (json_valid(reference)),
  updated_at_ms   INTEGER NOT NULL,
  PRIMARY KEY (platform, workspace, conversation_id)
) STRICT;
`;

export const V7_CORE_RECUT: Migration = {
  description: "platform-neutral highlights, fenced leases, inbox commands, installations",
  sql: SQL,
  run: (db) => {
    moveHighlights(db);
    convertPendingEvents(db);
  },
};

const OldHighlightRow = z.object({
  workspace: z.string(),
  channel_id: z.string(),
  ts: z.string(),
  channel_name: z.string(),
  private: z.number(),
  posted_at_ms: z.number(),
  author_id: z.string().nullable(),
  author_name: z.string(),
  text: z.string(),
  section: z.string(),
  tags: z.string(),
  permalink: z.string().nullable(),
  thread_ts: z.string().nullable(),
});

function moveHighlights(db: Database.Database): void {
  const insert = db.prepare(`
    INSERT INTO highlights_v7 (workspace, id, platform, conversation_id, conversation_name, private,
      message_id, thread_id, posted_at_ms, author_id, author_name, text, section, tags, permalink, team)
    VALUES (:workspace, :id, 'slack', :conversation_id, :conversation_name, :private, :message_id,
      :thread_id, :posted_at_ms, :author_id, :author_name, :text, :section, :tags, :permalink, NULL)`);
  // STRICT columns already guarantee these types; the parse only gives them names TypeScript knows.
  for (const raw of db.prepare("SELECT * FROM highlights").all()) {
    const row = OldHighlightRow.parse(raw);
    const { tags, typed } = convertTags(row.tags);
    insert.run({
      workspace: row.workspace,
      id: `${row.channel_id}/${row.ts}`,
      conversation_id: row.channel_id,
      conversation_name: row.channel_name,
      private: row.private,
      message_id: typed ? null : row.ts,
      thread_id: typed ? null : row.thread_ts,
      posted_at_ms: row.posted_at_ms,
      author_id: row.author_id,
      author_name: row.author_name,
      text: row.text,
      section: row.section,
      tags,
      permalink: row.permalink,
    });
  }
  db.exec(`
    DROP TABLE highlights;
    ALTER TABLE highlights_v7 RENAME TO highlights;
    CREATE INDEX highlights_by_time ON highlights (workspace, posted_at_ms, conversation_id, id);`);
}

// Schema 6 spelled an explicit add as a tag: `add` for typed text, `shortcut` for the message
// shortcut. Both are now a command tag `add`; a user's second command tag on one message would be
// the same tag, so only the first is kept. Anything that is not a tag object is left as it was:
// reading it back reports it, where dropping it here would lose it.
function convertTags(json: string): { tags: string; typed: boolean } {
  const tags: unknown = JSON.parse(json);
  if (!Array.isArray(tags)) {
    return { tags: json, typed: false };
  }
  const reactionOf = (tag: unknown): unknown =>
    typeof tag === "object" && tag !== null ? (tag as Record<string, unknown>).reaction : undefined;
  // A highlight with no tag at all was a message (a batch save), never typed text.
  const typed = tags.length > 0 && tags.every((tag) => reactionOf(tag) === "add");
  const seen = new Set<string>();
  const converted = tags.flatMap((tag: unknown) => {
    if (typeof tag !== "object" || tag === null) {
      return [tag];
    }
    const old = tag as Record<string, unknown>;
    const command = old.reaction === "add" || old.reaction === "shortcut";
    const next: Record<string, unknown> = command
      ? { ...old, reaction: COMMAND_TAG_REACTION, via: "command" }
      : { ...old, via: "reaction" };
    const key = JSON.stringify([next.user ?? null, next.reaction ?? null]);
    if (command && seen.has(key)) {
      return [];
    }
    seen.add(key);
    return [next];
  });
  return { tags: JSON.stringify(converted), typed };
}

const PendingRow = z.object({
  workspace: z.string(),
  event_id: z.string(),
  kind: z.string(),
  payload: z.string(),
  received_at_ms: z.number(),
});

function convertPendingEvents(db: Database.Database): void {
  const rows = db
    .prepare(
      "SELECT workspace, event_id, kind, payload, received_at_ms FROM inbox_events WHERE status = 'pending'",
    )
    .all();
  const command = db.prepare(
    "UPDATE inbox_events SET kind = ?, payload = ? WHERE workspace = ? AND event_id = ?",
  );
  // Finished now: nothing of it is left to work on, and nobody holds it any more.
  const finish = db.prepare(`
    UPDATE inbox_events SET status = ?, last_error_code = COALESCE(?, last_error_code),
      lease_holder = NULL, lease_until_ms = NULL
    WHERE workspace = ? AND event_id = ?`);
  for (const raw of rows) {
    const row = PendingRow.parse(raw);
    let payload: unknown;
    try {
      payload = JSON.parse(row.payload);
    } catch {
      // json_valid(payload) is a CHECK of the column, so this cannot happen; fail it if it does.
      payload = undefined;
    }
    const converted = convertLegacyEvent({
      workspace: row.workspace,
      eventId: row.event_id,
      kind: row.kind,
      payload,
      receivedAtMs: row.received_at_ms,
    });
    if (converted.result === "command") {
      command.run(converted.command.kind, JSON.stringify(converted.command), row.workspace, row.event_id);
    } else if (converted.result === "nothing_to_do") {
      finish.run("done", null, row.workspace, row.event_id);
    } else {
      finish.run("failed", "store.corrupt", row.workspace, row.event_id);
    }
  }
}
