import type Database from "better-sqlite3";
import { z } from "zod";
import { PLATFORMS, type Platform } from "../../src/domain/message-ref.ts";
import { ConversationReferenceRecord, checkJson, checkRecord } from "../../src/domain/records.ts";
import type { ConversationReference } from "../../src/ports/store.ts";
import { epochMs, parseJson, parseRow } from "./rows.ts";

const ReferenceRowSchema = z.object({
  platform: z.enum(PLATFORMS),
  workspace: z.string(),
  conversation_id: z.string(),
  reference: z.string(),
  updated_at_ms: epochMs,
});

/**
 * The conversation_references table: one row per (platform, workspace, conversation), the
 * platform's reference as JSON text. Methods are synchronous and must run inside SqliteStore's
 * error translation; see the ConversationReferenceStore port for their contracts.
 */
export class ConversationReferenceTable {
  private readonly sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.sql = prepare(db);
  }

  /**
   * Stores a reference, replacing the conversation's earlier one.
   * @throws BotError `store.invalid` when a field is invalid or the reference has no JSON form.
   */
  save(reference: ConversationReference): void {
    const checked = checkRecord(ConversationReferenceRecord, reference, "conversation reference");
    this.sql.upsert.run({
      platform: checked.platform,
      workspace: checked.workspace,
      conversation_id: checked.conversationId,
      reference: checkJson(checked.reference, "a conversation reference"),
      updated_at_ms: checked.updatedAtMs,
    });
  }

  /** One reference. @throws BotError `store.corrupt` when its row does not parse. */
  get(platform: Platform, workspace: string, conversationId: string): ConversationReference | undefined {
    const raw = this.sql.get.get(platform, workspace, conversationId);
    if (raw === undefined) {
      return undefined;
    }
    const row = parseRow(ReferenceRowSchema, raw, "conversation reference");
    return {
      platform: row.platform,
      workspace: row.workspace,
      conversationId: row.conversation_id,
      reference: parseJson(z.record(z.string(), z.unknown()), row.reference, "conversation reference"),
      updatedAtMs: row.updated_at_ms,
    };
  }
}

function prepare(db: Database.Database) {
  return {
    upsert: db.prepare(`
      INSERT INTO conversation_references (platform, workspace, conversation_id, reference, updated_at_ms)
      VALUES (:platform, :workspace, :conversation_id, :reference, :updated_at_ms)
      ON CONFLICT (platform, workspace, conversation_id) DO UPDATE SET
        reference = excluded.reference, updated_at_ms = excluded.updated_at_ms`),
    get: db.prepare(`
      SELECT platform, workspace, conversation_id, reference, updated_at_ms FROM conversation_references
      WHERE platform = ? AND workspace = ? AND conversation_id = ?`),
  };
}
