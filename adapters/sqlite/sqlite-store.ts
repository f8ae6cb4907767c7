import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { BotError } from "../../src/domain/errors.ts";
import type { Highlight, Tag } from "../../src/domain/highlight.ts";
import type { Platform, PostedRef } from "../../src/domain/message-ref.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import type { Weeknote } from "../../src/domain/weeknote.ts";
import type {
  ConversationReference,
  Fence,
  HighlightQuery,
  InboxEvent,
  InboxOutcome,
  Installation,
  Lease,
  NewRevision,
  SaveHighlightsResult,
  Store,
  WeeknoteKey,
} from "../../src/ports/store.ts";
import { ConversationReferenceTable } from "./conversation-references.ts";
import { CursorTable } from "./cursors.ts";
import { translating } from "./errors.ts";
import { HighlightTable } from "./highlights.ts";
import { type ClaimQuery, InboxTable, type NewInboxEvent } from "./inbox.ts";
import { InstallationTable } from "./installations.ts";
import { LeaseTable } from "./leases.ts";
import { migrate } from "./migrations.ts";
import { TeamTable } from "./teams.ts";
import { type Decision, type WeeknoteQuery, WeeknoteTables } from "./weeknotes.ts";

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

/**
 * The {@link Store} on one SQLite database file (SPEC §7); see the port for each method's shapes
 * and the table classes (highlights.ts, weeknotes.ts, inbox.ts, teams.ts, leases.ts,
 * installations.ts, conversation-references.ts, cursors.ts) for how each is stored. Create it with
 * {@link openSqliteStore}. All times are UTC epoch ms. Several instances (processes) may share one
 * file: every read-modify-write runs in an immediate transaction or as one conditional statement.
 * Every method may throw:
 * - BotError `store.invalid` when a record fails its check in src/domain/records.ts, before
 *   anything is written;
 * - BotError `store.unavailable`, `retryable`, when another connection holds the lock longer than
 *   the busy timeout; `store.unavailable` (not retryable) when the store is closed or the disk
 *   cannot be written;
 * - BotError `store.corrupt` when a stored row cannot be parsed back into the domain types;
 * - BotError `store.conflict` when SQLite reports a violated constraint;
 * - BotError `lease.lost` from a fenced saveDraftRevision or setReviewMessage whose lease has
 *   passed to another holder; `weeknote.bad_transition` from saveDraftRevision on an approved or
 *   skipped weeknote and from setPublished on one that is not approved; `weeknote.not_found` from
 *   setReviewMessage and setPublished when there is no such weeknote.
 * The original SQLite error is the BotError's `cause`.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly highlights: HighlightTable;
  private readonly weeknotes: WeeknoteTables;
  private readonly inbox: InboxTable;
  private readonly teams: TeamTable;
  private readonly leases: LeaseTable;
  private readonly installations: InstallationTable;
  private readonly references: ConversationReferenceTable;
  private readonly cursors: CursorTable;

  // Private so that every store is opened through `open`, which translates open errors.
  private constructor(options: SqliteStoreOptions) {
    const memory = options.path === ":memory:";
    if (!memory && options.path !== "") {
      try {
        mkdirSync(dirname(options.path), { recursive: true });
      } catch (error) {
        throw new BotError("store.unavailable", `Cannot create the data directory ${dirname(options.path)}`, {
          cause: error,
          hint: "Check that DATA_DIR (or --data-dir) is a folder you can write to",
        });
      }
    }
    this.db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      this.db.pragma("journal_mode = WAL");
      // FULL syncs the WAL on every commit: an event is acknowledged to Slack only once recorded,
      // and NORMAL (WAL's usual choice) may lose the last commits on a power cut.
      this.db.pragma("synchronous = FULL");
      this.db.pragma("foreign_keys = ON");
      migrate(this.db);
      this.highlights = new HighlightTable(this.db);
      this.leases = new LeaseTable(this.db);
      this.weeknotes = new WeeknoteTables(this.db, this.leases);
      this.inbox = new InboxTable(this.db);
      this.teams = new TeamTable(this.db);
      this.installations = new InstallationTable(this.db);
      this.references = new ConversationReferenceTable(this.db);
      this.cursors = new CursorTable(this.db);
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
    return this.run("save highlights", () => this.highlights.save(highlights));
  }

  async getHighlight(workspace: string, id: string): Promise<Highlight | undefined> {
    return this.run("read a highlight", () => this.highlights.get(workspace, id));
  }

  async removeHighlight(workspace: string, id: string): Promise<boolean> {
    return this.run("remove a highlight", () => this.highlights.remove(workspace, id));
  }

  async listHighlights(query: HighlightQuery): Promise<Highlight[]> {
    return this.run("list highlights", () => this.highlights.list(query));
  }

  async addTag(workspace: string, id: string, tag: Tag, content?: Highlight): Promise<Highlight | undefined> {
    return this.run("add a tag", () => this.highlights.addTag(workspace, id, tag, content));
  }

  async removeTag(
    workspace: string,
    id: string,
    tag: { readonly user: string; readonly reaction: string },
  ): Promise<Highlight | undefined> {
    return this.run("remove a tag", () => this.highlights.removeTag(workspace, id, tag));
  }

  async updateHighlightText(workspace: string, id: string, text: string): Promise<boolean> {
    return this.run("update a highlight's text", () => this.highlights.updateText(workspace, id, text));
  }

  async saveDraftRevision(key: WeeknoteKey, revision: NewRevision, fence?: Fence): Promise<Weeknote> {
    return this.run("save a weeknote revision", () => this.weeknotes.saveDraftRevision(key, revision, fence));
  }

  async getWeeknote(key: WeeknoteKey): Promise<Weeknote | undefined> {
    return this.run("read a weeknote", () => this.weeknotes.get(key));
  }

  async decideWeeknote(key: WeeknoteKey, decision: Decision): Promise<Weeknote | undefined> {
    return this.run("decide a weeknote", () => this.weeknotes.decide(key, decision));
  }

  async listWeeknotes(query: WeeknoteQuery): Promise<Weeknote[]> {
    return this.run("list weeknotes", () => this.weeknotes.list(query));
  }

  async setReviewMessage(key: WeeknoteKey, ref: PostedRef, fence?: Fence): Promise<void> {
    this.run("record a review message", () => this.weeknotes.setReviewMessage(key, ref, fence));
  }

  async setPublished(key: WeeknoteKey, ref: PostedRef): Promise<void> {
    this.run("record a published weeknote", () => this.weeknotes.setPublished(key, ref));
  }

  async recordEvent(event: NewInboxEvent): Promise<"recorded" | "duplicate"> {
    return this.run("record an event", () => this.inbox.record(event));
  }

  async claimEvents(query: ClaimQuery): Promise<InboxEvent[]> {
    return this.run("claim events", () => this.inbox.claim(query));
  }

  async finishEvent(workspace: string, eventId: string, outcome: InboxOutcome): Promise<void> {
    this.run("finish an event", () => this.inbox.finish(workspace, eventId, outcome));
  }

  async getEvent(workspace: string, eventId: string): Promise<InboxEvent | undefined> {
    return this.run("read an event", () => this.inbox.get(workspace, eventId));
  }

  async getTeam(workspace: string, team: string): Promise<TeamSettings | undefined> {
    return this.run("read a team", () => this.teams.get(workspace, team));
  }

  async createTeamIfAbsent(settings: TeamSettings): Promise<TeamSettings> {
    return this.run("create a team", () => this.teams.createIfAbsent(settings));
  }

  async saveTeam(settings: TeamSettings): Promise<void> {
    this.run("save a team", () => this.teams.save(settings));
  }

  async listTeams(workspace?: string): Promise<TeamSettings[]> {
    return this.run("list teams", () => this.teams.list(workspace));
  }

  async acquireLease(name: string, holder: string, nowMs: number, ttlMs: number): Promise<Lease | undefined> {
    return this.run("acquire a lease", () => this.leases.acquire(name, holder, nowMs, ttlMs));
  }

  async renewLease(lease: Fence, nowMs: number, ttlMs: number): Promise<Lease | undefined> {
    return this.run("renew a lease", () => this.leases.renew(lease, nowMs, ttlMs));
  }

  async releaseLease(lease: Fence): Promise<void> {
    this.run("release a lease", () => this.leases.release(lease));
  }

  async saveInstallation(installation: Installation): Promise<void> {
    this.run("save an installation", () => this.installations.save(installation));
  }

  async getInstallation(platform: Platform, workspace: string): Promise<Installation | undefined> {
    return this.run("read an installation", () => this.installations.get(platform, workspace));
  }

  async deleteInstallation(platform: Platform, workspace: string): Promise<boolean> {
    return this.run("delete an installation", () => this.installations.delete(platform, workspace));
  }

  async saveConversationReference(reference: ConversationReference): Promise<void> {
    this.run("save a conversation reference", () => this.references.save(reference));
  }

  async getConversationReference(
    platform: Platform,
    workspace: string,
    conversationId: string,
  ): Promise<ConversationReference | undefined> {
    return this.run("read a conversation reference", () =>
      this.references.get(platform, workspace, conversationId),
    );
  }

  async getCursor(name: string): Promise<string | undefined> {
    return this.run("read a sweep cursor", () => this.cursors.get(name));
  }

  async saveCursor(name: string, value: string, updatedAtMs: number): Promise<void> {
    this.run("save a sweep cursor", () => this.cursors.save(name, value, updatedAtMs));
  }

  /** Runs `SELECT 1`. @throws BotError `store.unavailable` when closed or the file is unreadable. */
  async ping(): Promise<void> {
    this.run("reach the database", () => this.db.prepare("SELECT 1").get());
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.close();
    }
  }

  // Every database call goes through here, so SQLite errors leave the store only as BotErrors.
  private run<T>(action: string, work: () => T): T {
    if (!this.db.open) {
      throw new BotError("store.unavailable", `Cannot ${action}: the store is closed`);
    }
    return translating(action, work);
  }
}
