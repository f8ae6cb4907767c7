import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS, type Migration, migrate, schemaVersion } from "../../adapters/sqlite/migrations.ts";
import { openSqliteStore, type SqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { BotError, isBotError } from "../../src/domain/errors.ts";
import { describeStoreContract, makeHighlight, makeRevision, makeTeam } from "./store.contract.ts";
import { reactionTag } from "./store-fixtures.ts";

const runFile = promisify(execFile);

const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "weeknotes-sqlite-"));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// A nested path also checks that the store creates its directory.
describeStoreContract("SQLite file", async () =>
  openSqliteStore({ path: join(await tempDir(), "data", "nested", "weeknotes.db") }),
);
describeStoreContract("SQLite :memory:", async () => openSqliteStore({ path: ":memory:" }));

const ALL_TIME = { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER };
const KEY = { workspace: "T0001", team: "bins", week: "2026-W13" };

describe("SQLite store on a file", () => {
  let path: string;
  const opened: SqliteStore[] = [];
  const open = (busyTimeoutMs?: number): SqliteStore => {
    const store = openSqliteStore(busyTimeoutMs === undefined ? { path } : { path, busyTimeoutMs });
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    path = join(await tempDir(), "weeknotes.db");
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  it("uses WAL, a TEXT message id column and the current schema version", async () => {
    open();
    const db = new Database(path);
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
      const messageId = db
        .prepare("SELECT type FROM pragma_table_info('highlights') WHERE name = 'message_id'")
        .pluck()
        .get();
      expect(messageId).toBe("TEXT");
    } finally {
      db.close();
    }
  });

  it("keeps data across close and reopen", async () => {
    const first = open();
    const highlight = makeHighlight({ messageId: "1700000000.000100", text: "persisted 🏳️‍🌈" });
    const review = { platform: "slack", conversationId: "C900", messageId: "1700000100.000100" } as const;
    const published = { platform: "slack", conversationId: "C901", messageId: "1700000200.000200" } as const;
    await first.saveHighlights([highlight]);
    const lease = await first.acquireLease("job", "a", 0, 1_000);
    await first.saveDraftRevision(KEY, makeRevision(KEY.week));
    await first.decideWeeknote(KEY, { status: "approved", by: "U1", atMs: 1 });
    await first.setReviewMessage(KEY, review);
    await first.setPublished(KEY, published);
    await first.saveTeam(makeTeam());
    await first.close();
    await first.close(); // closing twice is harmless

    const second = open();
    expect(await second.getHighlight("T0001", highlight.id)).toStrictEqual(highlight);
    const weeknote = await second.getWeeknote(KEY);
    expect(weeknote?.status).toBe("approved");
    expect(weeknote?.approval).toEqual({ by: "U1", revision: 1, atMs: 1 });
    expect(weeknote?.review).toStrictEqual(review);
    expect(weeknote?.published).toStrictEqual(published);
    expect(await second.listTeams()).toStrictEqual([makeTeam()]);
    expect(await second.renewLease({ name: "job", token: lease?.token ?? 0 }, 10, 1_000)).toMatchObject({
      holder: "a",
      token: 1,
    });
  });

  it("shows each of two instances on one file the other's writes", async () => {
    const a = open();
    const b = open();
    await a.saveHighlights([makeHighlight({ text: "from a" })]);
    expect((await b.getHighlight("T0001", "C100/1700000000.000100"))?.text).toBe("from a");
    expect(await b.saveHighlights([makeHighlight({ text: "from b" })])).toEqual({ inserted: 0, updated: 1 });
    expect((await a.listHighlights({ workspace: "T0001", ...ALL_TIME })).map((h) => h.text)).toEqual([
      "from b",
    ]);

    await a.saveDraftRevision(KEY, makeRevision(KEY.week));
    const revised = await b.saveDraftRevision(KEY, makeRevision(KEY.week));
    expect(revised.revisions.map((r) => r.number)).toEqual([1, 2]);
    const decisions = await Promise.all([
      a.decideWeeknote(KEY, { status: "approved", by: "U1", atMs: 1 }),
      b.decideWeeknote(KEY, { status: "skipped", by: "U2", atMs: 2 }),
    ]);
    expect(decisions.filter((d) => d !== undefined)).toHaveLength(1);
  });

  it("gives two instances claiming at once disjoint events, and an expired lease to the other", async () => {
    const a = open();
    const b = open();
    for (let i = 0; i < 30; i++) {
      await (i % 2 === 0 ? a : b).recordEvent({
        workspace: "T0001",
        eventId: `Ev${i}`,
        kind: "tag_added",
        payload: { i },
        correlationId: `c${i}`,
        receivedAtMs: 1_000 + i,
      });
    }
    expect(
      await b.recordEvent({
        workspace: "T0001",
        eventId: "Ev0",
        kind: "x",
        payload: {},
        correlationId: "c",
        receivedAtMs: 0,
      }),
    ).toBe("duplicate");
    const claim = (store: SqliteStore, holder: string, nowMs: number) =>
      store.claimEvents({ nowMs, limit: 4, leaseMs: 10_000, holder });
    const rounds = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? claim(a, "a", 2_000) : claim(b, "b", 2_000))),
    );
    const byA = rounds.filter((_, i) => i % 2 === 0).flat();
    const byB = rounds.filter((_, i) => i % 2 === 1).flat();
    const ids = [...byA, ...byB].map((e) => e.eventId);
    expect(new Set(ids).size).toBe(30);
    expect(ids).toHaveLength(30);
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);

    // a dies holding its events: once the lease expires b claims them, on a second attempt.
    expect(await claim(b, "b", 11_999)).toEqual([]);
    const reclaimed = await b.claimEvents({ nowMs: 12_000, limit: 100, leaseMs: 10_000, holder: "b" });
    expect(reclaimed).toHaveLength(30);
    expect(new Set(reclaimed.map((e) => e.attempts))).toEqual(new Set([2]));
  });

  it("gives worker processes claiming at once disjoint events", { timeout: 60_000 }, async () => {
    const store = open();
    const count = 200;
    for (let i = 0; i < count; i++) {
      await store.recordEvent({
        workspace: "T0001",
        eventId: `Ev${i}`,
        kind: "tag_added",
        payload: { i },
        correlationId: `c${i}`,
        receivedAtMs: i,
      });
    }
    // Every worker opens the file first, then all start claiming at the same instant.
    const startAtMs = Date.now() + 2_000;
    const workers = ["w1", "w2", "w3"].map((holder) =>
      runFile(process.execPath, [
        fileURLToPath(new URL("../../bin/run-ts.js", import.meta.url)),
        fileURLToPath(new URL("./sqlite-claim-worker.ts", import.meta.url)),
        path,
        holder,
        String(startAtMs),
      ]),
    );
    const claimed = (await Promise.all(workers)).map(({ stdout }) => JSON.parse(stdout) as string[]);
    const ids = claimed.flat();
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    const first = await store.getEvent("T0001", "Ev0");
    expect(first?.attempts).toBe(1);
  });

  it("keeps tags, teams and leases consistent between two instances", async () => {
    const a = open();
    const b = open();
    const content = makeHighlight({ tags: [] });
    await Promise.all([
      a.addTag("T0001", content.id, reactionTag("U1", "star", "highlights"), content),
      b.addTag("T0001", content.id, reactionTag("U2", "clap", "thanks"), content),
      b.addTag("T0001", content.id, reactionTag("U3", "pray", "thanks"), content),
    ]);
    const tagged = await a.getHighlight("T0001", content.id);
    expect(tagged?.tags.map((t) => t.user).sort()).toEqual(["U1", "U2", "U3"]);
    expect(tagged?.section).toBe("thanks");

    const first = makeTeam({ name: "first" });
    expect(await a.createTeamIfAbsent(first)).toStrictEqual(first);
    expect(await b.createTeamIfAbsent(makeTeam({ name: "second" }))).toStrictEqual(first);

    const leaseA = await a.acquireLease("scheduler", "a", 0, 1_000);
    expect(leaseA?.token).toBe(1);
    expect(await b.acquireLease("scheduler", "b", 500, 1_000)).toBeUndefined();
    const leaseB = await b.acquireLease("scheduler", "b", 1_000, 1_000);
    expect(leaseB?.token).toBe(2);
    await a.releaseLease({ name: "scheduler", token: 1 });
    expect(await a.acquireLease("scheduler", "a", 1_500, 1_000)).toBeUndefined();
    // a's fence is checked against b's row, in a's own transaction.
    const stale = { name: "scheduler", token: 1 };
    const error = await a.saveDraftRevision(KEY, makeRevision(KEY.week), stale).catch((e: unknown) => e);
    expect(isBotError(error, "lease.lost")).toBe(true);
    await b.saveDraftRevision(KEY, makeRevision(KEY.week), { name: "scheduler", token: 2 });
    expect((await a.getWeeknote(KEY))?.revisions).toHaveLength(1);
  });

  it("gives tags stored before sections their highlight's section", async () => {
    const db = new Database(path);
    try {
      migrate(db, MIGRATIONS.slice(0, 1));
      const insert = db.prepare(`INSERT INTO highlights (workspace, channel_id, ts, channel_name, private,
        posted_at_ms, author_id, author_name, text, section, tags, permalink, thread_ts)
        VALUES ('T0001', 'C100', ?, 'general', 0, 1700000000000, NULL, 'Ada', 'old', ?, ?, NULL, NULL)`);
      insert.run(
        "1700000000.000100",
        "thanks",
        JSON.stringify([
          { user: "U2", reaction: "clap::skin-tone-3" },
          { user: "U3", reaction: "pray" },
        ]),
      );
      insert.run("1700000000.000200", "tune", "[]");
    } finally {
      db.close();
    }

    const store = open();
    expect((await store.getHighlight("T0001", "C100/1700000000.000100"))?.tags).toStrictEqual([
      { user: "U2", reaction: "clap::skin-tone-3", section: "thanks", via: "reaction" },
      { user: "U3", reaction: "pray", section: "thanks", via: "reaction" },
    ]);
    const untagged = await store.getHighlight("T0001", "C100/1700000000.000200");
    expect(untagged?.tags).toStrictEqual([]);
    // A message with no tag is still a message: only tags that are all `add` made typed text.
    expect(untagged?.messageId).toBe("1700000000.000200");
  });

  it("runs each migration once, however often the file is opened", async () => {
    await open().close();
    await open().close();
    const db = new Database(path);
    try {
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
      expect(migrate(db)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("runs a step's code after its SQL in the same transaction, and rolls both back when it throws", async () => {
    const db = new Database(join(await tempDir(), "run.db"));
    try {
      const one: Migration = {
        description: "a",
        sql: "CREATE TABLE a (x INTEGER) STRICT;",
        run: (d) => {
          d.prepare("INSERT INTO a (x) VALUES (?)").run(41);
        },
      };
      const broken: Migration = {
        description: "b",
        sql: "CREATE TABLE b (x INTEGER) STRICT; INSERT INTO a (x) VALUES (1);",
        run: () => {
          throw new Error("boom");
        },
      };
      expect(migrate(db, [one])).toEqual([1]);
      expect(db.prepare("SELECT x FROM a").pluck().all()).toEqual([41]);
      expect(() => migrate(db, [one, broken])).toThrow("boom");
      expect(schemaVersion(db)).toBe(1);
      expect(db.prepare("SELECT x FROM a").pluck().all()).toEqual([41]);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it("applies only the steps a database has not had, and rolls a failing step back", async () => {
    const db = new Database(join(await tempDir(), "steps.db"));
    try {
      const one: Migration = { description: "a", sql: "CREATE TABLE a (x INTEGER) STRICT;" };
      const two: Migration = { description: "b", sql: "CREATE TABLE b (x INTEGER) STRICT;" };
      const broken: Migration = { description: "c", sql: "CREATE TABLE c (x INTEGER); SELECT nope FROM a;" };
      expect(migrate(db, [one])).toEqual([1]);
      expect(migrate(db, [one, two])).toEqual([2]);
      expect(migrate(db, [one, two])).toEqual([]);
      expect(() => migrate(db, [one, two, broken])).toThrow(Database.SqliteError);
      expect(schemaVersion(db)).toBe(2);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'c'").get()).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it("refuses a database written by a newer schema, with a clear error", async () => {
    await open().close();
    const db = new Database(path);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();

    let error: unknown;
    try {
      open();
    } catch (caught) {
      error = caught;
    }
    expect(isBotError(error, "store.unavailable")).toBe(true);
    expect((error as BotError).message).toMatch(/schema version \d+ .*knows only up to \d+/);
    expect((error as BotError).hint).toMatch(/Upgrade weeknotes/);
    expect((error as BotError).retryable).toBe(false);
  });

  it("turns a busy database into a retryable store.unavailable with the SQLite error as cause", async () => {
    const store = open(50);
    const blocker = new Database(path);
    try {
      blocker.exec("BEGIN IMMEDIATE");
      const error = await store.saveHighlights([makeHighlight()]).catch((caught: unknown) => caught);
      expect(isBotError(error, "store.unavailable")).toBe(true);
      expect((error as BotError).retryable).toBe(true);
      expect((error as BotError).cause).toBeInstanceOf(Database.SqliteError);
      expect(((error as BotError).cause as { code: string }).code).toMatch(/^SQLITE_BUSY/);
    } finally {
      blocker.exec("ROLLBACK");
      blocker.close();
    }
    expect(await store.saveHighlights([makeHighlight()])).toEqual({ inserted: 1, updated: 0 });
  });

  it("rolls a whole batch back when the database fails part-way", async () => {
    const store = open();
    const db = new Database(path);
    try {
      db.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON highlights WHEN NEW.text = 'boom'
        BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    } finally {
      db.close();
    }
    const batch = [
      makeHighlight({ messageId: "1700000000.000001", text: "fine" }),
      makeHighlight({ messageId: "1700000000.000002", text: "boom" }),
    ];
    const error = await store.saveHighlights(batch).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).cause).toBeInstanceOf(Database.SqliteError);
    expect(await store.listHighlights({ workspace: "T0001", ...ALL_TIME })).toEqual([]);
  });

  it("reports a stored row it cannot parse as store.corrupt", async () => {
    const store = open();
    await store.saveHighlights([makeHighlight()]);
    await store.saveDraftRevision(KEY, makeRevision(KEY.week));
    const db = new Database(path);
    try {
      db.exec(`UPDATE highlights SET section = 'gossip'`);
      db.exec(`UPDATE weeknote_revisions SET document = '{"week":"nope"}'`);
    } finally {
      db.close();
    }
    const highlightError = await store
      .getHighlight("T0001", "C100/1700000000.000100")
      .catch((e: unknown) => e);
    expect(isBotError(highlightError, "store.corrupt")).toBe(true);
    const weeknoteError = await store.getWeeknote(KEY).catch((e: unknown) => e);
    expect(isBotError(weeknoteError, "store.corrupt")).toBe(true);
  });

  it("reports a review message stored in part, or an event without a correlation id, as store.corrupt", async () => {
    const store = open();
    await store.saveDraftRevision(KEY, makeRevision(KEY.week));
    await store.setReviewMessage(KEY, { platform: "slack", conversationId: "C900", messageId: "1.000001" });
    await store.recordEvent({
      workspace: "T0001",
      eventId: "Ev1",
      kind: "tag_added",
      payload: {},
      correlationId: "c",
      receivedAtMs: 0,
    });
    const db = new Database(path);
    try {
      db.exec("UPDATE weeknotes SET review_platform = NULL");
      db.exec("UPDATE inbox_events SET correlation_id = ''");
    } finally {
      db.close();
    }
    expect(isBotError(await store.getWeeknote(KEY).catch((e: unknown) => e), "store.corrupt")).toBe(true);
    expect(isBotError(await store.getEvent("T0001", "Ev1").catch((e: unknown) => e), "store.corrupt")).toBe(
      true,
    );
  });

  it("reports stored team settings or tags it cannot parse as store.corrupt", async () => {
    const store = open();
    await store.saveTeam(makeTeam());
    await store.saveHighlights([makeHighlight()]);
    const db = new Database(path);
    try {
      db.exec(`UPDATE teams SET settings = json_set(settings, '$.emoji', json('[["star"]]'))`);
      db.exec(`UPDATE highlights SET tags = '[{"user":"U1","reaction":"star","section":"highlights"}]'`);
    } finally {
      db.close();
    }
    for (const read of [
      store.getTeam("T0001", "bins"),
      store.listTeams(),
      store.listTeams("T0001"),
      store.getHighlight("T0001", "C100/1700000000.000100"),
    ]) {
      expect(isBotError(await read.catch((e: unknown) => e), "store.corrupt")).toBe(true);
    }
  });

  it("refuses calls after close with store.unavailable", async () => {
    const store = open();
    await store.close();
    const error = await store.getWeeknote(KEY).catch((caught: unknown) => caught);
    expect(isBotError(error, "store.unavailable")).toBe(true);
  });

  it("reports a file that is not a database as store.corrupt", async () => {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path, "this is not a database, just text that is long enough to fill a header page");
    expect(() => open()).toThrow(expect.objectContaining({ code: "store.corrupt" }));
  });
});
