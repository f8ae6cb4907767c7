import type Database from "better-sqlite3";
import { z } from "zod";
import {
  checkJson,
  checkRecord,
  InboxClaimRecord,
  InboxOutcomeRecord,
  NewInboxEventRecord,
} from "../../src/domain/records.ts";
import type { InboxEvent, InboxOutcome, InboxStore } from "../../src/ports/store.ts";
import { epochMs, nullableText, parseJson, parseRow } from "./rows.ts";

/** An event to record, as the port declares it inline. */
export type NewInboxEvent = Parameters<InboxStore["recordEvent"]>[0];
/** A claim, as the port declares it inline. */
export type ClaimQuery = Parameters<InboxStore["claimEvents"]>[0];

const EventRowSchema = z.object({
  workspace: z.string(),
  event_id: z.string(),
  kind: z.string(),
  payload: z.string(),
  received_at_ms: epochMs,
  attempts: z.number().int().min(0),
  not_before_ms: epochMs,
  status: z.enum(["pending", "done", "failed"]),
  last_error_code: nullableText,
  correlation_id: z.string().min(1),
});

const DueRowsSchema = z.array(z.object({ workspace: z.string(), event_id: z.string() }));

const EVENT_COLUMNS = `workspace, event_id, kind, payload, received_at_ms, attempts, not_before_ms, status,
  last_error_code, correlation_id`;

/**
 * The inbox_events table: platform events recorded before they are acknowledged, then claimed by
 * workers under a lease. Times are UTC epoch ms; a lease is held while now < lease_until_ms.
 * Methods are synchronous and must run inside SqliteStore's error translation.
 */
export class InboxTable {
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.db = db;
    this.sql = prepare(db);
  }

  /**
   * Records several events in one immediate transaction (one commit), each as a pending event due
   * from its receivedAtMs ({@link INSERT_INBOX_EVENT}). An event that fails its check gets its
   * error in its place and is not written; the others still are.
   * @returns per event, in order: "recorded", "duplicate", or the BotError `store.invalid` it failed.
   * @throws the SQLite error when the transaction cannot be written: then none of them is.
   */
  recordAll(events: readonly NewInboxEvent[]): ("recorded" | "duplicate" | Error)[] {
    const rows = events.map(inboxRowOrError);
    return this.db
      .transaction(() =>
        rows.map((row) =>
          row instanceof Error ? row : this.sql.insert.run(row).changes > 0 ? "recorded" : "duplicate",
        ),
      )
      .immediate();
  }

  /**
   * Claims up to `limit` pending events with notBeforeMs <= nowMs whose lease is expired or was
   * never taken, oldest receivedAtMs first (ties in recording order): in one immediate transaction
   * it leases them to `holder` until nowMs + leaseMs and adds 1 to their attempts, so two
   * connections never claim the same event.
   * @returns the claimed events as they now are (attempts counted).
   */
  claim(query: ClaimQuery): InboxEvent[] {
    checkRecord(InboxClaimRecord, query, "inbox claim");
    return this.db
      .transaction((): InboxEvent[] => {
        const keys = parseRow(
          DueRowsSchema,
          this.sql.due.all({ now_ms: query.nowMs, limit: query.limit }),
          "inbox event key",
        );
        const claimed: InboxEvent[] = [];
        for (const key of keys) {
          this.sql.lease.run({
            workspace: key.workspace,
            event_id: key.event_id,
            holder: query.holder,
            until_ms: query.nowMs + query.leaseMs,
          });
          const event = this.get(key.workspace, key.event_id);
          if (event !== undefined) {
            claimed.push(event);
          }
        }
        return claimed;
      })
      .immediate();
  }

  /**
   * Ends a pending event's attempt and clears its lease: `done`; `failed` for good with its error
   * code; or `retry`, pending again from notBeforeMs, with its error code. An event that is not
   * pending (already finished by a worker whose lease had not expired) or does not exist is left
   * as it is.
   */
  finish(workspace: string, eventId: string, outcome: InboxOutcome): void {
    const checked = checkRecord(InboxOutcomeRecord, outcome, "inbox outcome");
    const params = { workspace, event_id: eventId };
    if (checked.status === "done") {
      this.sql.finish.run({ ...params, status: "done", not_before_ms: null, error_code: null });
    } else if (checked.status === "failed") {
      this.sql.finish.run({
        ...params,
        status: "failed",
        not_before_ms: null,
        error_code: checked.errorCode,
      });
    } else {
      this.sql.finish.run({
        ...params,
        status: "pending",
        not_before_ms: checked.notBeforeMs,
        error_code: checked.errorCode,
      });
    }
  }

  /** One event, or undefined. @throws BotError `store.corrupt` when its row does not parse. */
  get(workspace: string, eventId: string): InboxEvent | undefined {
    const raw = this.sql.get.get(workspace, eventId);
    return raw === undefined ? undefined : toEvent(raw);
  }
}

/** An inbox_events row to insert with {@link INSERT_INBOX_EVENT}: the event's columns, payload as JSON text. */
export interface InboxRow {
  readonly workspace: string;
  readonly event_id: string;
  readonly kind: string;
  readonly payload: string;
  readonly correlation_id: string;
  readonly received_at_ms: number;
}

/**
 * The row for `event`, or the BotError `store.invalid` it fails (a field invalid, or a payload with
 * no JSON form); never throws.
 */
export function inboxRowOrError(event: NewInboxEvent): InboxRow | Error {
  try {
    checkRecord(NewInboxEventRecord, event, "inbox event");
    return {
      workspace: event.workspace,
      event_id: event.eventId,
      kind: event.kind,
      payload: checkJson(event.payload, "an inbox event payload"),
      correlation_id: event.correlationId,
      received_at_ms: event.receivedAtMs,
    };
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Inserts an {@link InboxRow} as a pending event due from its receipt, unless its (workspace,
 * event_id) is there already (then it changes nothing: a redelivery).
 */
export const INSERT_INBOX_EVENT = `
  INSERT INTO inbox_events (workspace, event_id, kind, payload, correlation_id, received_at_ms,
    not_before_ms)
  VALUES (:workspace, :event_id, :kind, :payload, :correlation_id, :received_at_ms, :received_at_ms)
  ON CONFLICT (workspace, event_id) DO NOTHING`;

function toEvent(raw: unknown): InboxEvent {
  const row = parseRow(EventRowSchema, raw, "inbox event");
  return {
    workspace: row.workspace,
    eventId: row.event_id,
    kind: row.kind,
    payload: parseJson(z.unknown(), row.payload, "inbox event payload"),
    receivedAtMs: row.received_at_ms,
    attempts: row.attempts,
    notBeforeMs: row.not_before_ms,
    status: row.status,
    lastErrorCode: row.last_error_code ?? undefined,
    correlationId: row.correlation_id,
  };
}

function prepare(db: Database.Database) {
  return {
    insert: db.prepare(INSERT_INBOX_EVENT),
    due: db.prepare(`
      SELECT workspace, event_id FROM inbox_events
      WHERE status = 'pending' AND not_before_ms <= :now_ms
        AND (lease_until_ms IS NULL OR lease_until_ms <= :now_ms)
      ORDER BY received_at_ms, rowid
      LIMIT :limit`),
    lease: db.prepare(`
      UPDATE inbox_events SET lease_holder = :holder, lease_until_ms = :until_ms, attempts = attempts + 1
      WHERE workspace = :workspace AND event_id = :event_id`),
    // A NULL :not_before_ms (done, failed) keeps the column as it was; a NULL :error_code (done)
    // keeps the last failure's code.
    finish: db.prepare(`
      UPDATE inbox_events SET status = :status,
        not_before_ms = COALESCE(:not_before_ms, not_before_ms),
        last_error_code = COALESCE(:error_code, last_error_code),
        lease_holder = NULL, lease_until_ms = NULL
      WHERE workspace = :workspace AND event_id = :event_id AND status = 'pending'`),
    get: db.prepare(`SELECT ${EVENT_COLUMNS} FROM inbox_events WHERE workspace = ? AND event_id = ?`),
  };
}
