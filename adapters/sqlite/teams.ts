import type Database from "better-sqlite3";
import { z } from "zod";
import { BotError } from "../../src/domain/errors.ts";
import { checkRecord, TeamSettingsRecord } from "../../src/domain/records.ts";
import { type TeamSettings, teamSettingsOf } from "../../src/domain/team.ts";
import { parseJson, parseRow } from "./rows.ts";

// Everything of TeamSettings but its key, as stored in the `settings` JSON column. Absent optional
// fields (reminder, reviewChannel, publishChannel, series) are left out of the JSON (JSON has no
// undefined) and come back as undefined.
const StoredSettingsSchema = TeamSettingsRecord.omit({ workspace: true, team: true });

const TeamRowSchema = z.object({ workspace: z.string(), team: z.string(), settings: z.string() });

/**
 * The teams table: one row per (workspace, team) holding the rest of its TeamSettings as one JSON
 * document, checked with records.ts on write and on read. Methods are synchronous and must run
 * inside SqliteStore's error translation; see the TeamStore port for their contracts.
 */
export class TeamTable {
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.db = db;
    this.sql = prepare(db);
  }

  /** A team's settings, or undefined. @throws BotError `store.corrupt` when they do not parse. */
  get(workspace: string, team: string): TeamSettings | undefined {
    const raw = this.sql.get.get(workspace, team);
    return raw === undefined ? undefined : toSettings(raw);
  }

  /**
   * Inserts `settings` unless the team exists (INSERT … ON CONFLICT DO NOTHING), then reads the
   * row back in the same immediate transaction: the first caller's settings win.
   * @throws BotError `store.invalid` before writing when the settings are invalid.
   */
  createIfAbsent(settings: TeamSettings): TeamSettings {
    const row = toRow(settings);
    return this.db
      .transaction((): TeamSettings => {
        this.sql.insertIfAbsent.run(row);
        const stored = this.get(row.workspace, row.team);
        if (stored === undefined) {
          throw new BotError("store.corrupt", "A team just inserted cannot be read back");
        }
        return stored;
      })
      .immediate();
  }

  /**
   * Stores `settings`, replacing the team's whole settings (or creating the team).
   * @throws BotError `store.invalid` before writing when the settings are invalid.
   */
  save(settings: TeamSettings): void {
    this.sql.upsert.run(toRow(settings));
  }

  /** The teams of `workspace`, or of every workspace when undefined; by workspace, then team. */
  list(workspace?: string): TeamSettings[] {
    const rows = workspace === undefined ? this.sql.listAll.all() : this.sql.listOf.all(workspace);
    return rows.map(toSettings);
  }
}

function toRow(settings: TeamSettings): { workspace: string; team: string; settings: string } {
  const { workspace, team, ...rest } = checkRecord(TeamSettingsRecord, settings, "team settings");
  return { workspace, team, settings: JSON.stringify(rest) };
}

function toSettings(raw: unknown): TeamSettings {
  const row = parseRow(TeamRowSchema, raw, "team");
  const settings = parseJson(StoredSettingsSchema, row.settings, "team settings");
  return teamSettingsOf({ ...settings, workspace: row.workspace, team: row.team });
}

function prepare(db: Database.Database) {
  const columns = "SELECT workspace, team, settings FROM teams";
  return {
    get: db.prepare(`${columns} WHERE workspace = ? AND team = ?`),
    insertIfAbsent: db.prepare(`
      INSERT INTO teams (workspace, team, settings) VALUES (:workspace, :team, :settings)
      ON CONFLICT (workspace, team) DO NOTHING`),
    upsert: db.prepare(`
      INSERT INTO teams (workspace, team, settings) VALUES (:workspace, :team, :settings)
      ON CONFLICT (workspace, team) DO UPDATE SET settings = excluded.settings`),
    listAll: db.prepare(`${columns} ORDER BY workspace, team`),
    listOf: db.prepare(`${columns} WHERE workspace = ? ORDER BY team`),
  };
}
