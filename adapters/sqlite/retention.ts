import type Database from "better-sqlite3";
import { z } from "zod";
import { sectionOfTags } from "../../src/domain/highlight.ts";
import { checkRecord, TagRecord } from "../../src/domain/records.ts";
import { EpochMsRecord, HighlightIdsRecord, PersonRecord } from "../../src/domain/retention-records.ts";
import { SECTIONS } from "../../src/domain/sections.ts";
import { parseJson, parseRow } from "./rows.ts";

const BacklogRowSchema = z.object({
  pending: z.number().int().min(0),
  oldest: z.number().int().nullable(),
});

const TaggedRowSchema = z.array(
  z.object({ id: z.string(), author_id: z.string().nullable(), section: z.enum(SECTIONS), tags: z.string() }),
);

/**
 * What retention, "forget me" and the inbox backlog read and delete, on the highlights and
 * inbox_events tables (see highlights.ts and inbox.ts for how those are stored). Times are UTC
 * epoch ms. Methods are synchronous and must run inside SqliteStore's error translation; see the
 * HighlightStore and InboxStore ports for their contracts.
 */
export class RetentionQueries {
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.db = db;
    this.sql = prepare(db);
  }

  /** Pending events received at or before nowMs, and the oldest receivedAtMs among them. */
  inboxBacklog(nowMs: number): { pending: number; oldestReceivedAtMs: number | undefined } {
    checkRecord(EpochMsRecord, nowMs, "time");
    const row = parseRow(BacklogRowSchema, this.sql.backlog.get(nowMs), "inbox backlog");
    return { pending: row.pending, oldestReceivedAtMs: row.oldest ?? undefined };
  }

  /** Deletes done and failed events received before receivedBeforeMs; returns how many. */
  purgeInbox(receivedBeforeMs: number): number {
    checkRecord(EpochMsRecord, receivedBeforeMs, "time");
    return this.sql.purgeInbox.run(receivedBeforeMs).changes;
  }

  /** Deletes the highlights named, in one transaction; returns how many there were. */
  removeHighlights(workspace: string, ids: readonly string[]): number {
    checkRecord(HighlightIdsRecord, { workspace, ids }, "highlight ids");
    return this.sql.removeIn.run(workspace, JSON.stringify(ids)).changes;
  }

  /**
   * Deletes `user`'s highlights in `workspace` and removes their tags from the others (deleting
   * those left with none, refiling the rest with sectionOfTags), in one immediate transaction.
   * @throws BotError `store.corrupt` when a stored tag list does not parse (nothing changed).
   */
  forgetPerson(workspace: string, user: string): { highlights: number; tags: number } {
    checkRecord(PersonRecord, { workspace, user }, "person");
    return this.db
      .transaction(() => {
        let highlights = this.sql.removeAuthored.run(workspace, user).changes;
        let tags = 0;
        const rows = parseRow(TaggedRowSchema, this.sql.taggedBy.all(workspace, user), "highlight");
        for (const row of rows) {
          const all = parseJson(z.array(TagRecord), row.tags, "highlight tags");
          const kept = all.filter((t) => t.user !== user);
          if (kept.length === 0) {
            highlights += this.sql.removeOne.run(workspace, row.id).changes;
          } else {
            tags += all.length - kept.length;
            const section = sectionOfTags(kept, SECTIONS) ?? row.section;
            this.sql.retag.run(JSON.stringify(kept), section, workspace, row.id);
          }
        }
        return { highlights, tags };
      })
      .immediate();
  }
}

function prepare(db: Database.Database) {
  return {
    // Served by the partial index inbox_events_due (received_at_ms WHERE status = 'pending').
    backlog: db.prepare(`
      SELECT COUNT(*) AS pending, MIN(received_at_ms) AS oldest FROM inbox_events
      WHERE status = 'pending' AND received_at_ms <= ?`),
    purgeInbox: db.prepare(`
      DELETE FROM inbox_events WHERE status IN ('done', 'failed') AND received_at_ms < ?`),
    // Ids arrive as one JSON array, so the SQL stays fixed whatever their number.
    removeIn: db.prepare(`
      DELETE FROM highlights WHERE workspace = ? AND id IN (SELECT value FROM json_each(?))`),
    removeAuthored: db.prepare("DELETE FROM highlights WHERE workspace = ? AND author_id = ?"),
    taggedBy: db.prepare(`
      SELECT id, author_id, section, tags FROM highlights AS h
      WHERE workspace = ? AND EXISTS (
        SELECT 1 FROM json_each(h.tags) AS t WHERE json_extract(t.value, '$.user') = ?)`),
    removeOne: db.prepare("DELETE FROM highlights WHERE workspace = ? AND id = ?"),
    retag: db.prepare("UPDATE highlights SET tags = ?, section = ? WHERE workspace = ? AND id = ?"),
  };
}
