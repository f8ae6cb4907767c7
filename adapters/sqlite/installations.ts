import type Database from "better-sqlite3";
import { z } from "zod";
import { PLATFORMS, type Platform } from "../../src/domain/message-ref.ts";
import { checkJson, checkRecord, InstallationRecord } from "../../src/domain/records.ts";
import type { Installation } from "../../src/ports/store.ts";
import { epochMs, parseJson, parseRow } from "./rows.ts";

const InstallationRowSchema = z.object({
  platform: z.enum(PLATFORMS),
  workspace: z.string(),
  installed_at_ms: epochMs,
  updated_at_ms: epochMs,
  data: z.string(),
});

/**
 * The installations table: one row per (platform, workspace), the adapter's data as JSON text.
 * Methods are synchronous and must run inside SqliteStore's error translation; see the
 * InstallationStore port for their contracts.
 */
export class InstallationTable {
  private readonly sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.sql = prepare(db);
  }

  /**
   * Stores an installation, replacing every field of the workspace's earlier one.
   * @throws BotError `store.invalid` when a field is invalid or the data has no JSON form.
   */
  save(installation: Installation): void {
    const checked = checkRecord(InstallationRecord, installation, "installation");
    this.sql.upsert.run({
      platform: checked.platform,
      workspace: checked.workspace,
      installed_at_ms: checked.installedAtMs,
      updated_at_ms: checked.updatedAtMs,
      data: checkJson(checked.data, "installation data"),
    });
  }

  /** One installation. @throws BotError `store.corrupt` when its row does not parse. */
  get(platform: Platform, workspace: string): Installation | undefined {
    const raw = this.sql.get.get(platform, workspace);
    if (raw === undefined) {
      return undefined;
    }
    const row = parseRow(InstallationRowSchema, raw, "installation");
    return {
      platform: row.platform,
      workspace: row.workspace,
      installedAtMs: row.installed_at_ms,
      updatedAtMs: row.updated_at_ms,
      data: parseJson(z.record(z.string(), z.unknown()), row.data, "installation data"),
    };
  }

  /** Deletes one; true when there was one. */
  delete(platform: Platform, workspace: string): boolean {
    return this.sql.delete.run(platform, workspace).changes > 0;
  }
}

function prepare(db: Database.Database) {
  const where = "WHERE platform = ? AND workspace = ?";
  return {
    upsert: db.prepare(`
      INSERT INTO installations (platform, workspace, installed_at_ms, updated_at_ms, data)
      VALUES (:platform, :workspace, :installed_at_ms, :updated_at_ms, :data)
      ON CONFLICT (platform, workspace) DO UPDATE SET installed_at_ms = excluded.installed_at_ms,
        updated_at_ms = excluded.updated_at_ms, data = excluded.data`),
    get: db.prepare(
      `SELECT platform, workspace, installed_at_ms, updated_at_ms, data FROM installations ${where}`,
    ),
    delete: db.prepare(`DELETE FROM installations ${where}`),
  };
}
