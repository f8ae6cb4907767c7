import type Database from "better-sqlite3";
import { z } from "zod";
import { BotError } from "../../src/domain/errors.ts";
import { SECTIONS } from "../../src/domain/sections.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import { refuseUnless } from "./errors.ts";
import { epochMs, optionalString, parseJson, parseRow } from "./rows.ts";

// Everything of TeamSettings but its key, as stored in the `settings` JSON column. Absent optional
// fields are left out of the JSON (JSON has no undefined) and come back as undefined.
const StoredSettingsSchema = z.object({
  name: z.string(),
  reviewChannel: optionalString,
  publishChannel: optionalString,
  timezone: z.string().min(1),
  draftSchedule: z.object({
    weekday: z.number().int().min(1).max(7),
    hour: z.number().int().min(0).max(23),
    minute: z.number().int().min(0).max(59),
  }),
  approvers: z.array(z.string()),
  emoji: z.array(z.tuple([z.string().min(1), z.enum(SECTIONS)])),
  series: z
    .object({ week: z.string().regex(/^\d{4}-W\d{2}$/), year: z.number().int(), number: z.number().int() })
    .optional(),
  includePrivate: z.boolean(),
  updatedAtMs: epochMs,
});

const TeamSettingsSchema = StoredSettingsSchema.extend({
  workspace: z.string().min(1),
  team: z.string().min(1),
});

const TeamRowSchema = z.object({ workspace: z.string(), team: z.string(), settings: z.string() });

/**
 * The teams table: one row per (workspace, team) holding the rest of its TeamSettings as one JSON
 * document, validated with zod on write and on read. Methods are synchronous and must run inside
 * SqliteStore's error translation.
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
   * @throws BotError `store.corrupt` before writing when the settings are invalid.
   */
  createIfAbsent(settings: TeamSettings): TeamSettings {
    const row = toRow(settings);
    return this.db
      .transaction((): TeamSettings => {
        this.sql.insertIfAbsent.run(row);
        const stored = this.get(settings.workspace, settings.team);
        if (stored === undefined) {
          throw new BotError("store.corrupt", "A team just inserted cannot be read back");
        }
        return stored;
      })
      .immediate();
  }

  /**
   * Stores `settings`, replacing the team's whole settings (or creating the team).
   * @throws BotError `store.corrupt` before writing when the settings are invalid.
   */
  save(settings: TeamSettings): void {
    this.sql.upsert.run(toRow(settings));
  }

  /** Every team of every workspace, by workspace then team. */
  list(): TeamSettings[] {
    return this.sql.list.all().map(toSettings);
  }
}

function toRow(settings: TeamSettings): { workspace: string; team: string; settings: string } {
  const { workspace, team, ...rest } = refuseUnless(TeamSettingsSchema, settings, "team settings");
  return { workspace, team, settings: JSON.stringify(rest) };
}

function toSettings(raw: unknown): TeamSettings {
  const row = parseRow(TeamRowSchema, raw, "team");
  const s = parseJson(StoredSettingsSchema, row.settings, "team settings");
  // Spelled out so that every optional field is present, as undefined when unset.
  return {
    workspace: row.workspace,
    team: row.team,
    name: s.name,
    reviewChannel: s.reviewChannel,
    publishChannel: s.publishChannel,
    timezone: s.timezone,
    draftSchedule: {
      weekday: s.draftSchedule.weekday,
      hour: s.draftSchedule.hour,
      minute: s.draftSchedule.minute,
    },
    approvers: s.approvers,
    emoji: s.emoji,
    series:
      s.series === undefined
        ? undefined
        : { week: s.series.week, year: s.series.year, number: s.series.number },
    includePrivate: s.includePrivate,
    updatedAtMs: s.updatedAtMs,
  };
}

function prepare(db: Database.Database) {
  return {
    get: db.prepare("SELECT workspace, team, settings FROM teams WHERE workspace = ? AND team = ?"),
    insertIfAbsent: db.prepare(`
      INSERT INTO teams (workspace, team, settings) VALUES (:workspace, :team, :settings)
      ON CONFLICT (workspace, team) DO NOTHING`),
    upsert: db.prepare(`
      INSERT INTO teams (workspace, team, settings) VALUES (:workspace, :team, :settings)
      ON CONFLICT (workspace, team) DO UPDATE SET settings = excluded.settings`),
    list: db.prepare("SELECT workspace, team, settings FROM teams ORDER BY workspace, team"),
  };
}
