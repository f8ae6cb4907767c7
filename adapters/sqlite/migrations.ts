import type Database from "better-sqlite3";
import { BotError } from "../../src/domain/errors.ts";
import { V7_CORE_RECUT } from "./migration-7.ts";

/**
 * One schema step. Its 1-based position in {@link MIGRATIONS} is the `PRAGMA user_version` it
 * leaves behind, so a shipped step is never edited or reordered: a schema change is a new step
 * appended at the end.
 */
export interface Migration {
  readonly description: string;
  /** Run first. */
  readonly sql: string;
  /**
   * Run after `sql`, in the same immediate transaction, for data changes SQL cannot say well
   * (reshaping JSON documents row by row). Must be synchronous and touch only `db`.
   */
  readonly run?: (db: Database.Database) => void;
}

// Sections and origins are checked in code, not in CHECK constraints: SQLite cannot alter a CHECK
// without rebuilding the table, and a new section should not need a migration.
// `ts` is TEXT and the tables are STRICT so that a Slack ts is never turned into a REAL (which
// would drop trailing zeros such as `1700000000.000100`).
const V1_INITIAL = `
CREATE TABLE highlights (
  workspace    TEXT    NOT NULL,
  channel_id   TEXT    NOT NULL,
  ts           TEXT    NOT NULL,
  channel_name TEXT    NOT NULL,
  private      INTEGER NOT NULL CHECK (private IN (0, 1)),
  posted_at_ms INTEGER NOT NULL,
  author_id    TEXT,
  author_name  TEXT    NOT NULL,
  text         TEXT    NOT NULL,
  section      TEXT    NOT NULL,
  tags         TEXT    NOT NULL CHECK (json_valid(tags)),
  permalink    TEXT,
  thread_ts    TEXT,
  PRIMARY KEY (workspace, channel_id, ts)
) STRICT;

CREATE INDEX highlights_by_time ON highlights (workspace, posted_at_ms, channel_id, ts);

CREATE TABLE weeknotes (
  id               INTEGER PRIMARY KEY,
  workspace        TEXT    NOT NULL,
  team             TEXT    NOT NULL,
  week             TEXT    NOT NULL,
  status           TEXT    NOT NULL CHECK (status IN ('draft', 'approved', 'skipped')),
  decided_by       TEXT,
  decided_revision INTEGER,
  decided_at_ms    INTEGER,
  UNIQUE (workspace, team, week),
  CHECK ((status = 'draft') = (decided_by IS NULL AND decided_revision IS NULL AND decided_at_ms IS NULL))
) STRICT;

CREATE TABLE weeknote_revisions (
  weeknote_id    INTEGER NOT NULL REFERENCES weeknotes (id) ON DELETE CASCADE,
  number         INTEGER NOT NULL CHECK (number >= 1),
  origin         TEXT    NOT NULL,
  model          TEXT,
  prompt_version TEXT,
  highlight_ids  TEXT    NOT NULL CHECK (json_valid(highlight_ids)),
  document       TEXT    NOT NULL CHECK (json_valid(document)),
  markdown       TEXT    NOT NULL,
  author         TEXT,
  created_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (weeknote_id, number)
) STRICT;
`;

// Each tag now carries its section. A tag stored before had none: it takes the section of its
// highlight, which is what it filed the message under when it was saved. Tags keep their order.
const V2_TAG_SECTIONS = `
UPDATE highlights SET tags = (
  SELECT json_group_array(
    CASE WHEN json_type(t.value, '$.section') IS NULL
      THEN json_set(t.value, '$.section', highlights.section)
      ELSE json(t.value) END
    ORDER BY t.key)
  FROM json_each(highlights.tags) AS t)
WHERE EXISTS (
  SELECT 1 FROM json_each(highlights.tags) AS t WHERE json_type(t.value, '$.section') IS NULL);
`;

// Where a weeknote's review message and its published note are in chat: both columns of a pair
// set, or both NULL.
const V3_WEEKNOTE_MESSAGES = `
ALTER TABLE weeknotes ADD COLUMN review_channel TEXT;
ALTER TABLE weeknotes ADD COLUMN review_ts TEXT;
ALTER TABLE weeknotes ADD COLUMN published_channel TEXT;
ALTER TABLE weeknotes ADD COLUMN published_ts TEXT;
`;

// The inbox: events recorded before they are acknowledged, then claimed by workers under a lease
// (lease_until_ms, epoch ms; a lease is held while now < lease_until_ms).
const V4_INBOX = `
CREATE TABLE inbox_events (
  workspace       TEXT    NOT NULL,
  event_id        TEXT    NOT NULL,
  kind            TEXT    NOT NULL,
  payload         TEXT    NOT NULL CHECK (json_valid(payload)),
  received_at_ms  INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  not_before_ms   INTEGER NOT NULL,
  status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  last_error_code TEXT,
  lease_holder    TEXT,
  lease_until_ms  INTEGER,
  PRIMARY KEY (workspace, event_id),
  CHECK ((lease_holder IS NULL) = (lease_until_ms IS NULL))
) STRICT;

CREATE INDEX inbox_events_due ON inbox_events (received_at_ms) WHERE status = 'pending';
`;

// A team's settings are one JSON document, checked on write and on read, so a new setting needs
// no migration; the key columns are kept out of it.
const V5_TEAMS = `
CREATE TABLE teams (
  workspace TEXT NOT NULL,
  team      TEXT NOT NULL,
  settings  TEXT NOT NULL CHECK (json_valid(settings)),
  PRIMARY KEY (workspace, team)
) STRICT;
`;

// Named leases (one scheduler at a time, …): held by holder while now < until_ms.
const V6_LEASES = `
CREATE TABLE leases (
  name     TEXT    NOT NULL PRIMARY KEY,
  holder   TEXT    NOT NULL,
  until_ms INTEGER NOT NULL
) STRICT;
`;

// Resume points of background readers (the Teams reaction sweep's Graph delta link per channel).
const V8_SWEEP_CURSORS = `
CREATE TABLE sweep_cursors (
  name          TEXT    NOT NULL PRIMARY KEY,
  value         TEXT    NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;
`;

// A team's draft lists only its own highlights (HighlightQuery.team): typed text by its team, the
// rest by conversation. Each row is in exactly one of the two partial indexes, so a write keeps one
// more index, and neither draft query reads the rows of other teams or conversations.
const V9_HIGHLIGHTS_BY_TEAM = `
CREATE INDEX highlights_typed_by_team ON highlights (workspace, team, posted_at_ms)
  WHERE team IS NOT NULL;
CREATE INDEX highlights_untyped_by_conversation ON highlights (workspace, conversation_id, posted_at_ms)
  WHERE team IS NULL;
`;

// The store keeps its lists of teams while this number stays the same (SqliteStore.listTeams):
// PRAGMA data_version moves at every commit of another connection, and the inbox's own writer is
// one (record-writer.ts), so it would drop them at every recorded event.
const V10_TEAMS_VERSION = `
CREATE TABLE teams_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
) STRICT;
INSERT INTO teams_version (id, version) VALUES (1, 0);
CREATE TRIGGER teams_version_after_insert AFTER INSERT ON teams
  BEGIN UPDATE teams_version SET version = version + 1; END;
CREATE TRIGGER teams_version_after_update AFTER UPDATE ON teams
  BEGIN UPDATE teams_version SET version = version + 1; END;
CREATE TRIGGER teams_version_after_delete AFTER DELETE ON teams
  BEGIN UPDATE teams_version SET version = version + 1; END;
`;

/** Every schema step, oldest first. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  { description: "highlights, weeknotes and weeknote revisions", sql: V1_INITIAL },
  { description: "a section on each highlight tag", sql: V2_TAG_SECTIONS },
  { description: "weeknote review and published messages", sql: V3_WEEKNOTE_MESSAGES },
  { description: "inbox of platform events", sql: V4_INBOX },
  { description: "team settings", sql: V5_TEAMS },
  { description: "named leases", sql: V6_LEASES },
  V7_CORE_RECUT,
  { description: "sweep cursors", sql: V8_SWEEP_CURSORS },
  { description: "highlights by team and by conversation", sql: V9_HIGHLIGHTS_BY_TEAM },
  { description: "a version number of the teams table", sql: V10_TEAMS_VERSION },
];

/** The `PRAGMA user_version` of a database: how many steps of {@link MIGRATIONS} it has had. */
export function schemaVersion(db: Database.Database): number {
  const version = db.pragma("user_version", { simple: true });
  return typeof version === "number" ? version : 0;
}

/**
 * Applies the steps of `migrations` that `db` has not had yet, all in one immediate transaction,
 * and records the new version in `PRAGMA user_version`. The version is read again inside the
 * transaction so that two processes opening one new file do not both migrate it.
 *
 * @returns the versions applied now, `[]` when the database was already current.
 * @throws BotError `store.unavailable` (not retryable) when the database was written by newer code
 *   (its user_version is above `migrations.length`); a failing step rolls every step of the call
 *   back and its error (a SqliteError, or whatever a `run` threw) propagates for the caller to
 *   translate.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const run = db.transaction((): number[] => {
    const current = schemaVersion(db);
    if (current > migrations.length) {
      throw new BotError(
        "store.unavailable",
        `The database has schema version ${current} but this weeknotes knows only up to ${migrations.length}`,
        {
          hint: "Upgrade weeknotes to the version that last wrote this database, or use another data directory",
        },
      );
    }
    const applied: number[] = [];
    for (let version = current + 1; version <= migrations.length; version++) {
      const step = migrations[version - 1];
      if (step) {
        db.exec(step.sql);
        step.run?.(db);
        applied.push(version);
      }
    }
    if (applied.length > 0) {
      // PRAGMA takes no bound parameters; the value is an integer we computed.
      db.pragma(`user_version = ${migrations.length}`);
    }
    return applied;
  });
  return run.immediate();
}
