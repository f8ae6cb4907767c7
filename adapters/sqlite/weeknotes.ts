import type Database from "better-sqlite3";
import { z } from "zod";
import { BotError } from "../../src/domain/errors.ts";
import type { PostedRef } from "../../src/domain/message-ref.ts";
import {
  checkNewRevision,
  checkRecord,
  DecisionRecord,
  PostedRefRecord,
  WeeknoteKeyRecord,
  WeeknoteQueryRecord,
} from "../../src/domain/records.ts";
import { parseWeeknoteDocument, type Revision, type Weeknote } from "../../src/domain/weeknote.ts";
import type { Fence, NewRevision, WeeknoteKey, WeeknoteStore } from "../../src/ports/store.ts";
import type { LeaseTable } from "./leases.ts";
import { corruptUnless, epochMs, nullableText, parseJson, parseRow, postedRefOf } from "./rows.ts";

/** A decision as the port declares it inline. */
export type Decision = Parameters<WeeknoteStore["decideWeeknote"]>[1];
/** A weeknote query as the port declares it inline. */
export type WeeknoteQuery = Parameters<WeeknoteStore["listWeeknotes"]>[0];

// records.ts has no schema for a list query; a limit that is not a count would reach SQL.

const WeeknoteRowSchema = z.object({
  id: z.number().int(),
  workspace: z.string(),
  team: z.string(),
  week: z.string(),
  status: z.enum(["draft", "approved", "skipped"]),
  decided_by: nullableText,
  decided_revision: z.number().int().nullable(),
  decided_at_ms: epochMs.nullable(),
  review_platform: nullableText,
  review_conversation_id: nullableText,
  review_message_id: nullableText,
  published_platform: nullableText,
  published_conversation_id: nullableText,
  published_message_id: nullableText,
});

const RevisionRowSchema = z.object({
  number: z.number().int().min(1),
  origin: z.enum(["llm", "offline", "human"]),
  model: nullableText,
  prompt_version: nullableText,
  highlight_ids: z.string(),
  document: z.string(),
  markdown: z.string(),
  author: nullableText,
  created_at_ms: epochMs,
});

type WeeknoteRow = z.infer<typeof WeeknoteRowSchema>;

const WEEKNOTE_COLUMNS = `id, workspace, team, week, status, decided_by, decided_revision, decided_at_ms,
  review_platform, review_conversation_id, review_message_id,
  published_platform, published_conversation_id, published_message_id`;
const REVISION_COLUMNS = `number, origin, model, prompt_version, highlight_ids, document, markdown, author,
  created_at_ms`;
const BY_KEY = "workspace = :workspace AND team = :team AND week = :week";

/**
 * The weeknotes and weeknote_revisions tables; review and published messages as three columns
 * each (platform, conversation id, message id), all set or all NULL. Methods are synchronous and
 * must run inside SqliteStore's error translation; see the WeeknoteStore port for their contracts.
 */
export class WeeknoteTables {
  private readonly db: Database.Database;
  private readonly leases: LeaseTable;
  private readonly sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database, leases: LeaseTable) {
    this.db = db;
    this.leases = leases;
    this.sql = prepare(db);
  }

  /**
   * Adds a revision numbered one past the latest, creating the draft when missing; with `fence`,
   * only while that lease still has that token, checked in the same immediate transaction.
   * @throws BotError `store.invalid` before writing when the key, revision or fence is invalid or
   *   the document is for another week; `lease.lost` when the fence no longer holds;
   *   `weeknote.bad_transition` when the weeknote is not a draft.
   */
  saveDraftRevision(key: WeeknoteKey, revision: NewRevision, fence?: Fence): Weeknote {
    checkRecord(WeeknoteKeyRecord, key, "weeknote key");
    checkNewRevision(revision, key.week);
    const document = parseWeeknoteDocument(revision.document);
    return this.db
      .transaction((): Weeknote => {
        if (fence !== undefined) {
          this.leases.assertHeld(fence);
        }
        let row = this.row(key);
        if (row === undefined) {
          this.sql.insert.run(keyParams(key));
          row = this.row(key);
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
        return this.withAllRevisions(row);
      })
      .immediate();
  }

  /** A weeknote with all its revisions, read in one snapshot; undefined when there is none. */
  get(key: WeeknoteKey): Weeknote | undefined {
    return this.db.transaction(() => {
      const row = this.row(key);
      return row === undefined ? undefined : this.withAllRevisions(row);
    })();
  }

  /**
   * Decides a draft with one conditional UPDATE (a draft, and when `decision.revision` is given,
   * still at that latest revision), recording the latest revision as the decided one.
   * @returns the decided weeknote, or undefined when the condition did not hold or there is none.
   * @throws BotError `store.invalid` when the key or decision is invalid.
   */
  decide(key: WeeknoteKey, decision: Decision): Weeknote | undefined {
    checkRecord(WeeknoteKeyRecord, key, "weeknote key");
    checkRecord(DecisionRecord, decision, "decision");
    return this.db
      .transaction((): Weeknote | undefined => {
        const changed = this.sql.decide.run({
          ...keyParams(key),
          status: decision.status,
          by: decision.by,
          at_ms: decision.atMs,
          revision: decision.revision ?? null,
        }).changes;
        if (changed === 0) {
          return undefined;
        }
        const row = this.row(key);
        return row === undefined ? undefined : this.withAllRevisions(row);
      })
      .immediate();
  }

  /** A team's weeknotes, newest week first, each with only its latest revision. */
  list(query: WeeknoteQuery): Weeknote[] {
    checkRecord(WeeknoteQueryRecord, query, "weeknote query");
    return this.db.transaction(() =>
      this.sql.list.all(query.workspace, query.team, query.limit).map((raw) => {
        const row = parseRow(WeeknoteRowSchema, raw, "weeknote");
        const latest = this.sql.latestRevision.get(row.id);
        return toWeeknote(row, latest === undefined ? [] : [latest]);
      }),
    )();
  }

  /**
   * Records the review message of a weeknote in any status, replacing an earlier one; with
   * `fence`, only while that lease still has that token (same transaction).
   * @throws BotError `store.invalid` for an invalid ref or fence; `lease.lost`;
   *   `weeknote.not_found` when there is no such weeknote.
   */
  setReviewMessage(key: WeeknoteKey, ref: PostedRef, fence?: Fence): void {
    checkRecord(PostedRefRecord, ref, "review message");
    this.db
      .transaction(() => {
        if (fence !== undefined) {
          this.leases.assertHeld(fence);
        }
        if (this.sql.setReview.run({ ...keyParams(key), ...refParams(ref) }).changes === 0) {
          throw notFound(key);
        }
      })
      .immediate();
  }

  /**
   * Records where an approved weeknote was published, replacing an earlier one.
   * @throws BotError `store.invalid` for an invalid ref; `weeknote.not_found` when there is no
   *   such weeknote; `weeknote.bad_transition` when it is not approved.
   */
  setPublished(key: WeeknoteKey, ref: PostedRef): void {
    checkRecord(PostedRefRecord, ref, "published message");
    this.db
      .transaction(() => {
        if (this.sql.setPublished.run({ ...keyParams(key), ...refParams(ref) }).changes > 0) {
          return;
        }
        const row = this.row(key);
        if (row === undefined) {
          throw notFound(key);
        }
        throw new BotError("weeknote.bad_transition", `Cannot publish a weeknote that is ${row.status}`, {
          hint: "Approve the draft first",
        });
      })
      .immediate();
  }

  private row(key: WeeknoteKey): WeeknoteRow | undefined {
    const raw = this.sql.get.get(keyParams(key));
    return raw === undefined ? undefined : parseRow(WeeknoteRowSchema, raw, "weeknote");
  }

  private withAllRevisions(row: WeeknoteRow): Weeknote {
    return toWeeknote(row, this.sql.allRevisions.all(row.id));
  }
}

function keyParams(key: WeeknoteKey) {
  return { workspace: key.workspace, team: key.team, week: key.week };
}

function refParams(ref: PostedRef) {
  return { platform: ref.platform, conversation_id: ref.conversationId, message_id: ref.messageId };
}

function notFound(key: WeeknoteKey): BotError {
  return new BotError("weeknote.not_found", `There is no ${key.team} weeknote for ${key.week}`);
}

function toWeeknote(row: WeeknoteRow, revisionRows: readonly unknown[]): Weeknote {
  const revisions = revisionRows.map(toRevision);
  if (revisions.length === 0) {
    throw new BotError("store.corrupt", `Weeknote ${row.team} ${row.week} has no revisions`);
  }
  let approval: Weeknote["approval"];
  if (row.status !== "draft") {
    if (row.decided_by === null || row.decided_revision === null || row.decided_at_ms === null) {
      throw new BotError(
        "store.corrupt",
        `Weeknote ${row.team} ${row.week} is ${row.status} without a decision`,
      );
    }
    approval = { by: row.decided_by, revision: row.decided_revision, atMs: row.decided_at_ms };
  }
  return {
    workspace: row.workspace,
    team: row.team,
    week: row.week,
    status: row.status,
    revisions,
    approval,
    review: postedRefOf(
      row.review_platform,
      row.review_conversation_id,
      row.review_message_id,
      "weeknote review message",
    ),
    published: postedRefOf(
      row.published_platform,
      row.published_conversation_id,
      row.published_message_id,
      "weeknote published message",
    ),
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

function prepare(db: Database.Database) {
  const latestNumber = "(SELECT MAX(number) FROM weeknote_revisions WHERE weeknote_id = weeknotes.id)";
  return {
    get: db.prepare(`SELECT ${WEEKNOTE_COLUMNS} FROM weeknotes WHERE ${BY_KEY}`),
    insert: db.prepare(
      "INSERT INTO weeknotes (workspace, team, week, status) VALUES (:workspace, :team, :week, 'draft')",
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
    // The conditions are what make racing decisions safe: only the first sees a draft, and a
    // decision on a stale revision never applies.
    decide: db.prepare(`
      UPDATE weeknotes SET status = :status, decided_by = :by, decided_at_ms = :at_ms,
        decided_revision = ${latestNumber}
      WHERE ${BY_KEY} AND status = 'draft' AND (:revision IS NULL OR :revision = ${latestNumber})`),
    list: db.prepare(
      `SELECT ${WEEKNOTE_COLUMNS} FROM weeknotes WHERE workspace = ? AND team = ? ORDER BY week DESC LIMIT ?`,
    ),
    setReview: db.prepare(`
      UPDATE weeknotes SET review_platform = :platform, review_conversation_id = :conversation_id,
        review_message_id = :message_id
      WHERE ${BY_KEY}`),
    setPublished: db.prepare(
      `UPDATE weeknotes SET published_platform = :platform,
        published_conversation_id = :conversation_id, published_message_id = :message_id
       WHERE ${BY_KEY} AND status = 'approved'`,
    ),
  };
}
