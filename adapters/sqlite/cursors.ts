import type Database from "better-sqlite3";
import { z } from "zod";
import { checkRecord } from "../../src/domain/records.ts";
import { parseRow } from "./rows.ts";

const CursorRecord = z.object({
  name: z.string().min(1),
  value: z.string().min(1),
  updatedAtMs: z.number().int(),
});

const CursorRowSchema = z.object({ value: z.string() });

/**
 * The sweep_cursors table (schema 8): one opaque resume point per name, such as a Microsoft Graph
 * delta link per Teams channel. Methods are synchronous and must run inside SqliteStore's error
 * translation; see the SweepCursorStore port for their contracts.
 */
export class CursorTable {
  private readonly sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.sql = prepare(db);
  }

  /** One cursor. @throws BotError `store.corrupt` when its row does not parse. */
  get(name: string): string | undefined {
    const raw = this.sql.get.get(name);
    return raw === undefined ? undefined : parseRow(CursorRowSchema, raw, "sweep cursor").value;
  }

  /**
   * Saves a cursor, replacing the earlier one.
   * @throws BotError `store.invalid` on an empty name or value, or updatedAtMs not an integer.
   */
  save(name: string, value: string, updatedAtMs: number): void {
    const checked = checkRecord(CursorRecord, { name, value, updatedAtMs }, "sweep cursor");
    this.sql.upsert.run({ name: checked.name, value: checked.value, updated_at_ms: checked.updatedAtMs });
  }
}

function prepare(db: Database.Database) {
  return {
    get: db.prepare("SELECT value FROM sweep_cursors WHERE name = ?"),
    upsert: db.prepare(`
      INSERT INTO sweep_cursors (name, value, updated_at_ms) VALUES (:name, :value, :updated_at_ms)
      ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms`),
  };
}
