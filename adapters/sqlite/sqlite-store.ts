import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { BotError, isBotError } from "../../src/domain/errors.ts";
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
import { type ClaimQuery, type InboxRow, InboxTable, inboxRowOrError, type NewInboxEvent } from "./inbox.ts";
import { InstallationTable } from "./installations.ts";
import { LeaseTable } from "./leases.ts";
import { migrate } from "./migrations.ts";
import { RecordWriter } from "./record-writer.ts";
import { RetentionQueries } from "./retention.ts";
import { TeamTable } from "./teams.ts";
import { type Decision, type WeeknoteQuery, WeeknoteTables } from "./weeknotes.ts";

/** Where and how to open the SQLite store. */
export interface SqliteStoreOptions {
  /** A file path (its directory is created when missing) or `":memory:"`. */
  readonly path: string;
  /**
   * How long one call waits in all for another connection's lock before failing, in ms. Default
   * 5000. Once open, the wait never blocks the event loop: SQLite is told not to wait (busy timeout
   * 0) and a call refused as busy is tried again after a timer, 1 ms doubling up to 50 ms between
   * tries; a batch of recorded events is tried again on its own thread, every 0.1 ms doubling up
   * to 1 ms (record-writer.ts). Opening (journal mode, migrations) waits as SQLite does, up to the
   * same time.
   */
  readonly busyTimeoutMs?: number;
  /**
   * Start the thread that writes recorded events (see SqliteStore, "Group commit") when the store
   * opens, so the first events do not wait for it to start: for the bot, which records events from
   * its first request. Default false: it starts at the first recorded event (the CLI records none).
   */
  readonly startRecordWriter?: boolean;
}

/** A write whose durability comes from an earlier synced inbox row (see SqliteStore, "Durability"). */
const RELAXED = "relaxed";
type Durability = "full" | typeof RELAXED;

/** Longest pause between two tries of a call refused because another connection holds the lock, ms. */
const MAX_BUSY_PAUSE_MS = 50;

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
 *
 * **Waiting.** better-sqlite3 is synchronous, so SQLite's own busy wait would stop the event loop
 * (and every acknowledgement) while another process holds the write lock. Once open, the
 * connection's busy timeout is 0 instead, and {@link SqliteStore.run} tries a refused call again after a timer until
 * `busyTimeoutMs` has passed; meanwhile the process keeps answering. Recorded events wait on the
 * writer's thread instead (see "Group commit").
 *
 * **Group commit.** recordEvent calls made in the same event-loop turn are written in one
 * transaction at the end of that turn (setImmediate), or, while an earlier batch is being written,
 * with every later one when it ends. The transaction is committed FULL (SQLite syncs the WAL before
 * the commit is visible or answered), so each event is acknowledged only once durable (SPEC §4),
 * by a connection of its own on a thread of its own ({@link RecordWriter}): the commit and its sync
 * (about a millisecond, most of a recorded event's cost on the event loop when it ran there) and
 * any wait for another process's lock no longer hold the event loop, which keeps parsing and
 * answering meanwhile; and the longer a batch takes, the more the next one carries. A database in
 * memory has no file to share: its records are committed FULL on this connection.
 *
 * **Durability of the worker's own writes.** claimEvents, finishEvent and the capture writes
 * (addTag, removeTag, updateHighlightText, removeHighlight) commit with `synchronous = NORMAL`: no
 * sync of their own. In WAL mode that is safe for them: a process crash loses nothing (the OS has
 * the pages), and a power cut can only lose a *suffix* of the WAL, because SQLite's recovery stops
 * at the first frame whose cumulative checksum fails. So if a worker write is lost, the worker's
 * later `finishEvent(done)` is lost with it, the inbox row (synced when recorded) is pending again,
 * and the event is redone; every capture step is idempotent. Any later sync (of the next
 * recorded events' FULL commit, a draft's or a decision's) syncs the whole WAL, the earlier NORMAL
 * frames with it, and a checkpoint syncs the WAL before copying it. Writes that are acknowledged without an inbox row
 * behind them (drafts, decisions, teams, installations) stay FULL.
 *
 * **Leases** (acquire, renew, release) commit NORMAL too: a lease only keeps live processes from
 * doing one job twice, and a power cut that loses one loses every later frame with it (a suffix),
 * so what it fenced is lost too and its job simply runs again, as it would after the holder died.
 * What a lease's holder does outside the database (posting a review, a reminder) is exposed to a
 * power cut between the post and its FULL record either way. A synced lease write held the event
 * loop for the WAL's fsync: four per drafted team, up to 90 ms each on a busy disk, in a sweep.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly busyTimeoutMs: number;
  /** recordEvent calls waiting to be written together by {@link flushRecords}. */
  private pendingRecords: PendingRecord[] = [];
  /** The batch of records being written, if any: later ones wait for it to end. */
  private flush: Promise<void> | undefined;
  /** Writes recorded events to the file off the event loop; undefined for a database in memory. */
  private readonly writer: RecordWriter | undefined;
  /** Team lists read while the teams table's version was `version` (see listTeams). */
  private teamLists: { version: number; lists: Map<string, readonly TeamSettings[]> } | undefined;
  private readonly teamsVersion: Database.Statement<[], number>;
  private readonly highlights: HighlightTable;
  private readonly weeknotes: WeeknoteTables;
  private readonly inbox: InboxTable;
  private readonly teams: TeamTable;
  private readonly leases: LeaseTable;
  private readonly installations: InstallationTable;
  private readonly references: ConversationReferenceTable;
  private readonly cursors: CursorTable;
  private readonly retention: RetentionQueries;

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
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.writer =
      memory || options.path === "" ? undefined : new RecordWriter(options.path, this.busyTimeoutMs);
    // Opening (the journal mode, the migrations) may wait for another process's lock as SQLite
    // does: nothing is served yet. Afterwards the busy timeout is 0: SQLite answers SQLITE_BUSY at
    // once and `run` waits on a timer instead.
    this.db = new Database(options.path, { timeout: this.busyTimeoutMs });
    try {
      this.db.pragma("journal_mode = WAL");
      // FULL syncs the WAL on every commit: an event is acknowledged to Slack only once recorded.
      // The worker's own writes switch to NORMAL for their commit (see the class's "Durability").
      this.db.pragma("synchronous = FULL");
      this.db.pragma("foreign_keys = ON");
      migrate(this.db);
      this.db.pragma("busy_timeout = 0");
      this.highlights = new HighlightTable(this.db);
      this.leases = new LeaseTable(this.db);
      this.weeknotes = new WeeknoteTables(this.db, this.leases);
      this.inbox = new InboxTable(this.db);
      this.teams = new TeamTable(this.db);
      this.installations = new InstallationTable(this.db);
      this.references = new ConversationReferenceTable(this.db);
      this.cursors = new CursorTable(this.db);
      this.retention = new RetentionQueries(this.db);
      this.teamsVersion = this.db.prepare<[], number>("SELECT version FROM teams_version").pluck();
      if (options.startRecordWriter === true) this.writer?.prepare();
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
    return this.run("remove a highlight", () => this.highlights.remove(workspace, id), RELAXED);
  }

  async listHighlights(query: HighlightQuery): Promise<Highlight[]> {
    return this.run("list highlights", () => this.highlights.list(query));
  }

  async addTag(workspace: string, id: string, tag: Tag, content?: Highlight): Promise<Highlight | undefined> {
    return this.run("add a tag", () => this.highlights.addTag(workspace, id, tag, content), RELAXED);
  }

  async removeTag(
    workspace: string,
    id: string,
    tag: { readonly user: string; readonly reaction: string },
  ): Promise<Highlight | undefined> {
    return this.run("remove a tag", () => this.highlights.removeTag(workspace, id, tag), RELAXED);
  }

  async updateHighlightText(workspace: string, id: string, text: string): Promise<boolean> {
    return this.run(
      "update a highlight's text",
      () => this.highlights.updateText(workspace, id, text),
      RELAXED,
    );
  }

  async removeHighlights(workspace: string, ids: readonly string[]): Promise<number> {
    return this.run("remove highlights", () => this.retention.removeHighlights(workspace, ids));
  }

  async forgetPerson(workspace: string, user: string): Promise<{ highlights: number; tags: number }> {
    return this.run("forget a person", () => this.retention.forgetPerson(workspace, user));
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
    await this.run("record a review message", () => this.weeknotes.setReviewMessage(key, ref, fence));
  }

  async setPublished(key: WeeknoteKey, ref: PostedRef): Promise<void> {
    await this.run("record a published weeknote", () => this.weeknotes.setPublished(key, ref));
  }

  /**
   * Written with the other calls of this event-loop turn (and of every turn while an earlier batch
   * was being written) in one transaction, answered once committed and synced (group commit).
   */
  recordEvent(event: NewInboxEvent): Promise<"recorded" | "duplicate"> {
    return new Promise((resolve, reject) => {
      this.pendingRecords.push({ event, resolve, reject });
      if (this.pendingRecords.length === 1) {
        setImmediate(() => this.startFlush());
      }
    });
  }

  async claimEvents(query: ClaimQuery): Promise<InboxEvent[]> {
    return this.run("claim events", () => this.inbox.claim(query), RELAXED);
  }

  async finishEvent(workspace: string, eventId: string, outcome: InboxOutcome): Promise<void> {
    await this.run("finish an event", () => this.inbox.finish(workspace, eventId, outcome), RELAXED);
  }

  async getEvent(workspace: string, eventId: string): Promise<InboxEvent | undefined> {
    return this.run("read an event", () => this.inbox.get(workspace, eventId));
  }

  async inboxBacklog(nowMs: number): Promise<{ pending: number; oldestReceivedAtMs: number | undefined }> {
    return this.run("read the inbox backlog", () => this.retention.inboxBacklog(nowMs));
  }

  async purgeInbox(receivedBeforeMs: number): Promise<number> {
    return this.run("purge the inbox", () => this.retention.purgeInbox(receivedBeforeMs));
  }

  async getTeam(workspace: string, team: string): Promise<TeamSettings | undefined> {
    return this.run("read a team", () => this.teams.get(workspace, team));
  }

  async createTeamIfAbsent(settings: TeamSettings): Promise<TeamSettings> {
    try {
      return await this.run("create a team", () => this.teams.createIfAbsent(settings));
    } finally {
      // After the write (a busy retry may wait on a timer, and a list read meanwhile is kept).
      this.teamLists = undefined;
    }
  }

  async saveTeam(settings: TeamSettings): Promise<void> {
    try {
      await this.run("save a team", () => this.teams.save(settings));
    } finally {
      this.teamLists = undefined;
    }
  }

  /**
   * Read once per version of the teams table: capture asks for its workspace's teams on every
   * reaction, and parsing a thousand teams' settings took about 5 ms each time. The version
   * (schema 10's `teams_version`) is moved by triggers at every insert, update or delete of a team,
   * whichever connection or process makes it, so a list is never older than the database; other
   * tables' writes (every recorded event is one, from the writer's connection) leave the lists be.
   * This connection's own team writes also drop them. The settings objects are frozen and shared;
   * each caller gets its own array.
   */
  async listTeams(workspace?: string): Promise<TeamSettings[]> {
    return this.run("list teams", () => {
      const version = this.teamsVersion.get() as number;
      if (this.teamLists?.version !== version) {
        this.teamLists = { version, lists: new Map() };
      }
      const key = workspace === undefined ? "*" : `=${workspace}`;
      let list = this.teamLists.lists.get(key);
      if (list === undefined) {
        list = this.teams.list(workspace).map((team) => Object.freeze(team));
        this.teamLists.lists.set(key, list);
      }
      return [...list];
    });
  }

  async acquireLease(name: string, holder: string, nowMs: number, ttlMs: number): Promise<Lease | undefined> {
    return this.run("acquire a lease", () => this.leases.acquire(name, holder, nowMs, ttlMs), RELAXED);
  }

  async renewLease(lease: Fence, nowMs: number, ttlMs: number): Promise<Lease | undefined> {
    return this.run("renew a lease", () => this.leases.renew(lease, nowMs, ttlMs), RELAXED);
  }

  async releaseLease(lease: Fence): Promise<void> {
    await this.run("release a lease", () => this.leases.release(lease), RELAXED);
  }

  async saveInstallation(installation: Installation): Promise<void> {
    await this.run("save an installation", () => this.installations.save(installation));
  }

  async getInstallation(platform: Platform, workspace: string): Promise<Installation | undefined> {
    return this.run("read an installation", () => this.installations.get(platform, workspace));
  }

  async deleteInstallation(platform: Platform, workspace: string): Promise<boolean> {
    return this.run("delete an installation", () => this.installations.delete(platform, workspace));
  }

  async saveConversationReference(reference: ConversationReference): Promise<void> {
    await this.run("save a conversation reference", () => this.references.save(reference));
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
    await this.run("save a sweep cursor", () => this.cursors.save(name, value, updatedAtMs));
  }

  /** Runs `SELECT 1`. @throws BotError `store.unavailable` when closed or the file is unreadable. */
  async ping(): Promise<void> {
    await this.run("reach the database", () => this.db.prepare("SELECT 1").get());
  }

  async close(): Promise<void> {
    // Every record waiting gets its answer before the connection goes.
    while (this.pendingRecords.length > 0 || this.flush !== undefined) {
      this.startFlush();
      await this.flush;
    }
    await this.writer?.close();
    if (this.db.open) {
      this.db.close();
    }
  }

  /** Writes the records waiting unless a batch is being written; its end writes those that came meanwhile. */
  private startFlush(): void {
    if (this.flush !== undefined || this.pendingRecords.length === 0) return;
    this.flush = this.flushRecords().finally(() => {
      this.flush = undefined;
      this.startFlush();
    });
  }

  /**
   * Writes the recordEvent calls waiting in one transaction and answers each once it is committed
   * and synced (see the class's "Group commit"). While a batch is being written, later calls wait,
   * unwritten and unanswered, and go together when it ends: one commit for many turns.
   */
  private async flushRecords(): Promise<void> {
    const batch = this.pendingRecords;
    this.pendingRecords = [];
    try {
      const results = await this.writeRecords(batch.map((pending) => pending.event));
      batch.forEach((pending, i) => {
        const result = results[i];
        if (result instanceof Error) pending.reject(result);
        else pending.resolve(result ?? "duplicate");
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  /** Each event's result in order (its `store.invalid` error in its place); throws when none was written. */
  private async writeRecords(
    events: readonly NewInboxEvent[],
  ): Promise<("recorded" | "duplicate" | Error)[]> {
    if (this.writer === undefined) {
      return this.run("record events", () => this.inbox.recordAll(events));
    }
    if (!this.db.open) {
      throw new BotError("store.unavailable", "Cannot record events: the store is closed");
    }
    const rows = events.map(inboxRowOrError);
    const valid = rows.filter((row): row is InboxRow => !(row instanceof Error));
    const written = valid.length === 0 ? [] : await this.writer.write(valid);
    let next = 0;
    return rows.map((row) => (row instanceof Error ? row : (written[next++] ?? "duplicate")));
  }

  /**
   * Every database call goes through here, so SQLite errors leave the store only as BotErrors. A
   * call refused because another connection holds the lock is tried again after a timer (the
   * event loop stays free) until `busyTimeoutMs` has passed; `work` is one transaction or one
   * statement, so a refused try changed nothing.
   */
  private async run<T>(action: string, work: () => T, durability: Durability = "full"): Promise<T> {
    const giveUpAt = performance.now() + this.busyTimeoutMs;
    for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, MAX_BUSY_PAUSE_MS)) {
      if (!this.db.open) {
        throw new BotError("store.unavailable", `Cannot ${action}: the store is closed`);
      }
      try {
        return translating(action, durability === RELAXED ? () => this.relaxed(work) : work);
      } catch (error) {
        if (!isBusy(error) || performance.now() + pauseMs > giveUpAt) throw error;
      }
      await new Promise((resume) => setTimeout(resume, pauseMs));
    }
  }

  /**
   * Runs `work` with synchronous = NORMAL for its commit, then back to FULL. Not prepared once:
   * SQLite applies `PRAGMA synchronous` when the statement is compiled, so a prepared copy run
   * again changes nothing.
   */
  private relaxed<T>(work: () => T): T {
    this.db.pragma("synchronous = NORMAL");
    try {
      return work();
    } finally {
      this.db.pragma("synchronous = FULL");
    }
  }
}

interface PendingRecord {
  readonly event: NewInboxEvent;
  readonly resolve: (result: "recorded" | "duplicate") => void;
  readonly reject: (error: unknown) => void;
}

/** A call refused because another connection holds the lock (translating's retryable store.unavailable). */
function isBusy(error: unknown): boolean {
  return isBotError(error, "store.unavailable") && error.retryable === true;
}
