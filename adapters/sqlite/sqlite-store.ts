import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { z } from "zod";
import { BotError } from "../../src/domain/errors.ts";
import { type Highlight, highlightId } from "../../src/domain/highlight.ts";
import { SECTIONS } from "../../src/domain/sections.ts";
import {
  parseWeeknoteDocument,
  type Revision,
  type Weeknote,
  type WeeknoteStatus,
} from "../../src/domain/weeknote.ts";
import type { NewRevision, SaveHighlightsResult, Store, WeeknoteKey } from "../../src/ports/store.ts";
import { migrate } from "./migrations.ts";

/** Where and how to open the SQLite store. */
export interface SqliteStoreOptions {
  /** A file path (its directory is created when missing) or `":memory:"`. */
  readonly path: string;
  /** How long a write waits for another connection's lock before failing, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating and migrating when needed) the SQLite store at `options.path`: WAL journal,
 * busy timeout, foreign keys on. Synchronous, so a caller can open it before serving anything.
 *
 * @throws BotError `store.unavailable` when the file cannot be opened or was written by a newer
 *   weeknotes (schema version above what this code knows); `store.corrupt` when it is not a
 *   database or a migration fails.
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return SqliteStore.open(options);
}

// The port declares these shapes inline; naming them keeps the signatures below readable.
type Decision = Parameters<Store["decideWeeknote"]>[1];
type HighlightQuery = Parameters<Store["listHighlights"]>[0];
type WeeknoteQuery = Parameters<Store["listWeeknotes"]>[0];

const TagSchema = z.object({ user: z.string(), reaction: z.string() });
const optionalString = z.string().optional();
const epochMs = z.number().int();

// The shape checked before writing, so a bad value is refused instead of stored and found later.
const HighlightInputSchema = z
  .object({
    id: z.string(),
    workspace: z.string().min(1),
    channelId: z.string().min(1),
    channelName: z.string(),
    private: z.boolean(),
    ts: z.string().min(1),
    postedAtMs: epochMs,
    authorId: optionalString,
    authorName: z.string(),
    text: z.string(),
    section: z.enum(SECTIONS),
    tags: z.array(TagSchema),
    permalink: optionalString,
    threadTs: optionalString,
  })
  .refine((h) => h.id === highlightId(h.channelId, h.ts), { path: ["id"], message: "not <channelId>/<ts>" });

const RevisionInputSchema = z.object({
  origin: z.enum(["llm", "offline", "human"]),
  model: optionalString,
  promptVersion: optionalString,
  highlightIds: z.array(z.string()),
  markdown: z.string(),
  author: optionalString,
  createdAtMs: epochMs,
});

const WeeknoteKeySchema = z.object({
  workspace: z.string().min(1),
  team: z.string().min(1),
  // Weeks sort as text only in this exact form, and listWeeknotes relies on it.
  week: z.string().regex(/^\d{4}-W\d{2}$/),
});

const HighlightRowSchema = z.object({
  workspace: z.string(),
  channel_id: z.string(),
  ts: z.string(),
  channel_name: z.string(),
  private: z.union([z.literal(0), z.literal(1)]),
  posted_at_ms: epochMs,
  author_id: z.string().nullable(),
  author_name: z.string(),
  text: z.string(),
  section: z.enum(SECTIONS),
  tags: z.string(),
  permalink: z.string().nullable(),
  thread_ts: z.string().nullable(),
});

const WeeknoteRowSchema = z.object({
  id: z.number().int(),
  workspace: z.string(),
  team: z.string(),
  week: z.string(),
  status: z.enum(["draft", "approved", "skipped"]),
  decided_by: z.string().nullable(),
  decided_revision: z.number().int().nullable(),
  decided_at_ms: epochMs.nullable(),
});

const RevisionRowSchema = z.object({
  number: z.number().int().min(1),
  origin: z.enum(["llm", "offline", "human"]),
  model: z.string().nullable(),
  prompt_version: z.string().nullable(),
  highlight_ids: z.string(),
  document: z.string(),
  markdown: z.string(),
  author: z.string().nullable(),
  created_at_ms: epochMs,
});

type WeeknoteRow = z.infer<typeof WeeknoteRowSchema>;

const HIGHLIGHT_COLUMNS = `workspace, channel_id, ts, channel_name, private, posted_at_ms, author_id,
  author_name, text, section, tags, permalink, thread_ts`;
const WEEKNOTE_COLUMNS = "id, workspace, team, week, status, decided_by, decided_revision, decided_at_ms";
const REVISION_COLUMNS = `number, origin, model, prompt_version, highlight_ids, document, markdown, author,
  created_at_ms`;

/**
 * The {@link Store} on one SQLite database file (SPEC §7); see the port for each method's shapes.
 * Create it with {@link openSqliteStore}. All times are UTC epoch ms. Every method may throw:
 * - BotError `store.unavailable`, `retryable`, when another connection holds the lock longer than
 *   the busy timeout; `store.unavailable` (not retryable) when the store is closed or the disk
 *   cannot be written;
 * - BotError `store.corrupt` when a stored row cannot be parsed back into the domain types, and
 *   also when a write is refused because a value is invalid (a highlight's section, a ts that is
 *   not a string, an id that is not `<channelId>/<ts>`, a revision document that does not parse or
 *   is for another week), before anything is written;
 * - BotError `store.conflict` when SQLite reports a violated constraint;
 * - BotError `weeknote.bad_transition` from saveDraftRevision on an approved or skipped weeknote.
 * The original SQLite error is the BotError's `cause`.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepare>;

  // Private so that every store is opened through `open`, which translates open errors.
  private constructor(options: SqliteStoreOptions) {
    const memory = options.path === ":memory:";
    if (!memory && options.path !== "") {
      try {
        mkdirSync(dirname(options.path), { recursive: true });
      } catch (error) {
        throw new BotError("store.unavailable", "Cannot create the data directory", {
          cause: error,
          hint: "Check that the data directory is writable",
        });
      }
    }
    this.db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("foreign_keys = ON");
      migrate(this.db);
      this.sql = prepare(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /** Same as {@link openSqliteStore}. */
  static open(options: SqliteStoreOptions): SqliteStore {
    return translating("open the store", () => new SqliteStore(options));
  }

  async saveHighlights(highlights: readonly Highlight[]): Promise<SaveHighlightsResult> {
    highlights.forEach((highlight, index) => {
      refuseUnless(HighlightInputSchema, highlight, `highlight #${index}`);
    });
    return this.run("save highlights", () =>
      this.db
        .transaction(() => {
          let inserted = 0;
          let updated = 0;
          for (const h of highlights) {
            const existed = this.sql.highlightExists.get(h.workspace, h.channelId, h.ts) !== undefined;
            this.sql.upsertHighlight.run({
              workspace: h.workspace,
              channel_id: h.channelId,
              ts: h.ts,
              channel_name: h.channelName,
              private: h.private ? 1 : 0,
              posted_at_ms: h.postedAtMs,
              author_id: h.authorId ?? null,
              author_name: h.authorName,
              text: h.text,
              section: h.section,
              tags: JSON.stringify(h.tags.map((t) => ({ user: t.user, reaction: t.reaction }))),
              permalink: h.permalink ?? null,
              thread_ts: h.threadTs ?? null,
            });
            if (existed) {
              updated++;
            } else {
              inserted++;
            }
          }
          return { inserted, updated };
        })
        .immediate(),
    );
  }

  async removeHighlight(workspace: string, channelId: string, ts: string): Promise<boolean> {
    return this.run(
      "remove a highlight",
      () => this.sql.deleteHighlight.run(workspace, channelId, ts).changes > 0,
    );
  }

  async getHighlight(workspace: string, channelId: string, ts: string): Promise<Highlight | undefined> {
    return this.run("read a highlight", () => {
      const row = this.sql.getHighlight.get(workspace, channelId, ts);
      return row === undefined ? undefined : toHighlight(row);
    });
  }

  async listHighlights(query: HighlightQuery): Promise<Highlight[]> {
    refuseUnless(
      z.object({ workspace: z.string(), fromMs: z.number(), toMs: z.number() }),
      query,
      "highlight query",
    );
    return this.run("list highlights", () => {
      const rows =
        query.channelIds === undefined
          ? this.sql.listHighlights.all(query.workspace, query.fromMs, query.toMs)
          : this.sql.listHighlightsIn.all(
              query.workspace,
              query.fromMs,
              query.toMs,
              JSON.stringify(query.channelIds),
            );
      return rows.map(toHighlight);
    });
  }

  async saveDraftRevision(key: WeeknoteKey, revision: NewRevision): Promise<Weeknote> {
    refuseUnless(WeeknoteKeySchema, key, "weeknote key");
    refuseUnless(RevisionInputSchema, revision, "revision");
    const document = refusing("revision document", () => parseWeeknoteDocument(revision.document));
    if (document.week !== key.week) {
      throw refusal(`Refusing to store a revision: its document is for ${document.week}, not ${key.week}`);
    }
    return this.run("save a weeknote revision", () =>
      this.db
        .transaction((): Weeknote => {
          let row = this.weeknoteRow(key);
          if (row === undefined) {
            this.sql.insertWeeknote.run(key.workspace, key.team, key.week);
            row = this.weeknoteRow(key);
          }
          if (row === undefined) {
            throw new BotError("store.corrupt", "A weeknote just inserted cannot be read back");
          }
          if (row.status !== "draft") {
            throw new BotError(
              "weeknote.bad_transition",
              `Cannot add a revision to a weeknote that is already ${row.status}`,
              { hint: "Only a draft weeknote can be edited or regenerated" },
            );
          }
          this.sql.insertRevision.run({
            weeknote_id: row.id,
            origin: revision.origin,
            model: revision.model ?? null,
            prompt_version: revision.promptVersion ?? null,
            highlight_ids: JSON.stringify(revision.highlightIds),
            document: JSON.stringify(document),
            markdown: revision.markdown,
            author: revision.author ?? null,
            created_at_ms: revision.createdAtMs,
          });
          return this.withRevisions(row, this.sql.allRevisions.all(row.id));
        })
        .immediate(),
    );
  }

  async getWeeknote(key: WeeknoteKey): Promise<Weeknote | undefined> {
    return this.run("read a weeknote", () => {
      // One read transaction, so the weeknote and its revisions come from one snapshot.
      return this.db.transaction(() => {
        const row = this.weeknoteRow(key);
        return row === undefined ? undefined : this.withRevisions(row, this.sql.allRevisions.all(row.id));
      })();
    });
  }

  async decideWeeknote(key: WeeknoteKey, decision: Decision): Promise<Weeknote | undefined> {
    refuseUnless(
      z.object({ status: z.enum(["approved", "skipped"]), by: z.string().min(1), atMs: epochMs }),
      decision,
      "decision",
    );
    return this.run("decide a weeknote", () =>
      this.db
        .transaction((): Weeknote | undefined => {
          const changed = this.sql.decideWeeknote.run({
            status: decision.status,
            by: decision.by,
            at_ms: decision.atMs,
            workspace: key.workspace,
            team: key.team,
            week: key.week,
          }).changes;
          if (changed === 0) {
            return undefined;
          }
          const row = this.weeknoteRow(key);
          return row === undefined ? undefined : this.withRevisions(row, this.sql.allRevisions.all(row.id));
        })
        .immediate(),
    );
  }

  async listWeeknotes(query: WeeknoteQuery): Promise<Weeknote[]> {
    refuseUnless(z.object({ limit: z.number().int().min(0) }), query, "weeknote query");
    return this.run("list weeknotes", () =>
      this.db.transaction(() =>
        this.sql.listWeeknotes.all(query.workspace, query.team, query.limit).map((raw) => {
          const row = parseRow(WeeknoteRowSchema, raw, "weeknote");
          const latest = this.sql.latestRevision.get(row.id);
          return this.withRevisions(row, latest === undefined ? [] : [latest]);
        }),
      )(),
    );
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.close();
    }
  }

  private weeknoteRow(key: WeeknoteKey): WeeknoteRow | undefined {
    const raw = this.sql.getWeeknote.get(key.workspace, key.team, key.week);
    return raw === undefined ? undefined : parseRow(WeeknoteRowSchema, raw, "weeknote");
  }

  private withRevisions(row: WeeknoteRow, revisionRows: readonly unknown[]): Weeknote {
    const revisions = revisionRows.map(toRevision);
    if (revisions.length === 0) {
      throw new BotError("store.corrupt", `Weeknote ${row.team} ${row.week} has no revisions`);
    }
    let approval: Weeknote["approval"];
    if (row.status === "approved") {
      if (row.decided_by === null || row.decided_revision === null || row.decided_at_ms === null) {
        throw new BotError(
          "store.corrupt",
          `Weeknote ${row.team} ${row.week} is approved without an approval`,
        );
      }
      approval = { by: row.decided_by, revision: row.decided_revision, atMs: row.decided_at_ms };
    }
    const status: WeeknoteStatus = row.status;
    return { workspace: row.workspace, team: row.team, week: row.week, status, revisions, approval };
  }

  // Every database call goes through here, so SQLite errors leave the store only as BotErrors.
  private run<T>(action: string, work: () => T): T {
    if (!this.db.open) {
      throw new BotError("store.unavailable", `Cannot ${action}: the store is closed`);
    }
    return translating(action, work);
  }
}

function prepare(db: Database.Database) {
  return {
    highlightExists: db.prepare("SELECT 1 FROM highlights WHERE workspace = ? AND channel_id = ? AND ts = ?"),
    // An upsert of an identical row still rewrites it, and saveHighlights counts it as updated.
    upsertHighlight: db.prepare(`
      INSERT INTO highlights (${HIGHLIGHT_COLUMNS})
      VALUES (:workspace, :channel_id, :ts, :channel_name, :private, :posted_at_ms, :author_id,
        :author_name, :text, :section, :tags, :permalink, :thread_ts)
      ON CONFLICT (workspace, channel_id, ts) DO UPDATE SET
        channel_name = excluded.channel_name, private = excluded.private,
        posted_at_ms = excluded.posted_at_ms, author_id = excluded.author_id,
        author_name = excluded.author_name, text = excluded.text, section = excluded.section,
        tags = excluded.tags, permalink = excluded.permalink, thread_ts = excluded.thread_ts`),
    deleteHighlight: db.prepare("DELETE FROM highlights WHERE workspace = ? AND channel_id = ? AND ts = ?"),
    getHighlight: db.prepare(
      `SELECT ${HIGHLIGHT_COLUMNS} FROM highlights WHERE workspace = ? AND channel_id = ? AND ts = ?`,
    ),
    listHighlights: db.prepare(`
      SELECT ${HIGHLIGHT_COLUMNS} FROM highlights
      WHERE workspace = ? AND posted_at_ms >= ? AND posted_at_ms < ?
      ORDER BY posted_at_ms, channel_id, ts`),
    // Channel ids arrive as one JSON array, so the SQL stays fixed whatever their number.
    listHighlightsIn: db.prepare(`
      SELECT ${HIGHLIGHT_COLUMNS} FROM highlights
      WHERE workspace = ? AND posted_at_ms >= ? AND posted_at_ms < ?
        AND channel_id IN (SELECT value FROM json_each(?))
      ORDER BY posted_at_ms, channel_id, ts`),
    getWeeknote: db.prepare(
      `SELECT ${WEEKNOTE_COLUMNS} FROM weeknotes WHERE workspace = ? AND team = ? AND week = ?`,
    ),
    insertWeeknote: db.prepare(
      "INSERT INTO weeknotes (workspace, team, week, status) VALUES (?, ?, ?, 'draft')",
    ),
    insertRevision: db.prepare(`
      INSERT INTO weeknote_revisions (weeknote_id, ${REVISION_COLUMNS})
      VALUES (:weeknote_id,
        (SELECT COALESCE(MAX(number), 0) + 1 FROM weeknote_revisions WHERE weeknote_id = :weeknote_id),
        :origin, :model, :prompt_version, :highlight_ids, :document, :markdown, :author, :created_at_ms)`),
    allRevisions: db.prepare(
      `SELECT ${REVISION_COLUMNS} FROM weeknote_revisions WHERE weeknote_id = ? ORDER BY number`,
    ),
    latestRevision: db.prepare(
      `SELECT ${REVISION_COLUMNS} FROM weeknote_revisions WHERE weeknote_id = ? ORDER BY number DESC LIMIT 1`,
    ),
    // The status condition is what makes racing decisions safe: only the first sees a draft.
    decideWeeknote: db.prepare(`
      UPDATE weeknotes SET status = :status, decided_by = :by, decided_at_ms = :at_ms,
        decided_revision = (SELECT MAX(number) FROM weeknote_revisions WHERE weeknote_id = weeknotes.id)
      WHERE workspace = :workspace AND team = :team AND week = :week AND status = 'draft'`),
    listWeeknotes: db.prepare(
      `SELECT ${WEEKNOTE_COLUMNS} FROM weeknotes WHERE workspace = ? AND team = ? ORDER BY week DESC LIMIT ?`,
    ),
  };
}

function toHighlight(raw: unknown): Highlight {
  const row = parseRow(HighlightRowSchema, raw, "highlight");
  return {
    id: highlightId(row.channel_id, row.ts),
    workspace: row.workspace,
    channelId: row.channel_id,
    channelName: row.channel_name,
    private: row.private === 1,
    ts: row.ts,
    postedAtMs: row.posted_at_ms,
    authorId: row.author_id ?? undefined,
    authorName: row.author_name,
    text: row.text,
    section: row.section,
    tags: parseJson(z.array(TagSchema), row.tags, "highlight tags"),
    permalink: row.permalink ?? undefined,
    threadTs: row.thread_ts ?? undefined,
  };
}

function toRevision(raw: unknown): Revision {
  const row = parseRow(RevisionRowSchema, raw, "weeknote revision");
  const document = parseJson(z.unknown(), row.document, "weeknote document");
  return {
    number: row.number,
    origin: row.origin,
    model: row.model ?? undefined,
    promptVersion: row.prompt_version ?? undefined,
    highlightIds: parseJson(z.array(z.string()), row.highlight_ids, "revision highlight ids"),
    document: corruptUnless("weeknote document", () => parseWeeknoteDocument(document)),
    markdown: row.markdown,
    author: row.author ?? undefined,
    createdAtMs: row.created_at_ms,
  };
}

function parseRow<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new BotError("store.corrupt", `A stored ${what} is malformed: ${issuePaths(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}

function parseJson<T>(schema: z.ZodType<T>, json: string, what: string): T {
  return parseRow(
    schema,
    corruptUnless(what, () => JSON.parse(json) as unknown),
    what,
  );
}

function corruptUnless<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw new BotError("store.corrupt", `A stored ${what} is malformed`, { cause: error });
  }
}

// Refusals name only field paths: the values may be message text, which errors never carry.
function refuseUnless(schema: z.ZodType, value: unknown, what: string): void {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw refusal(`Refusing to store an invalid ${what}: ${issuePaths(result.error)}`, result.error);
  }
}

function refusing<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw refusal(`Refusing to store an invalid ${what}`, error);
  }
}

function refusal(message: string, cause?: unknown): BotError {
  // The port has no code for invalid input; `store.corrupt` (never retryable) is the closest: the
  // write would have stored a row that could not be read back.
  return new BotError("store.corrupt", message, cause === undefined ? {} : { cause });
}

function issuePaths(error: z.ZodError): string {
  return error.issues.map((issue) => issue.path.join(".") || "(value)").join(", ");
}

/**
 * Runs `work`, turning SQLite errors into BotErrors that keep the original as `cause`: busy or
 * locked → `store.unavailable` (retryable); cannot open, read-only, disk full or I/O →
 * `store.unavailable` (not retryable); a violated constraint → `store.conflict`; anything else
 * SQLite reports → `store.corrupt`. BotErrors and non-SQLite errors pass through.
 */
function translating<T>(action: string, work: () => T): T {
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
