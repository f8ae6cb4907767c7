import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  openSqliteStore,
  type SqliteStore,
  type SqliteStoreOptions,
} from "../../adapters/sqlite/sqlite-store.ts";
import { isBotError } from "../../src/domain/errors.ts";
import { walFrames } from "../support/sqlite-files.ts";
import { inboxEvent, inboxRows } from "../support/sqlite-inbox.ts";

// Issue 10 items 10, 13 and 15: recorded events are committed (FULL: synced before they are
// answered) by a connection on a thread of its own, so neither the sync nor a wait for another
// process's lock holds the event loop; records that come while a batch is written wait, unwritten,
// and go in one commit after it.

let dir: string;
const opened: SqliteStore[] = [];
const held: Database.Database[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-record-writer-"));
});
afterEach(async () => {
  for (const db of held.splice(0)) {
    if (db.inTransaction) db.prepare("ROLLBACK").run();
    db.close();
  }
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(options: Partial<SqliteStoreOptions> = {}, name = "weeknotes.db") {
  const path = join(dir, name);
  const store = openSqliteStore({ path, ...options });
  opened.push(store);
  return { store, path };
}

/** Another connection (another process, as far as SQLite can tell) holding the write lock until `release`. */
function holdWriteLock(path: string): { release(): void } {
  const db = new Database(path);
  held.push(db);
  db.prepare("BEGIN IMMEDIATE").run();
  return { release: () => db.prepare("COMMIT").run() };
}

/** Lets setImmediate callbacks and the promise reactions they start run. */
const turns = async (count: number) => {
  for (let i = 0; i < count; i += 1) await new Promise((resume) => setImmediate(resume));
};

/** Waits on the Timers port, so the writing thread gets time to try (and find the lock held). */
const pause = (ms: number) => new Promise((resume) => setTimeout(resume, ms));

describe("SQLite inbox: records written on a thread of their own", () => {
  it("a record is answered once committed: another connection sees it then", async () => {
    const { store, path } = open();
    const seen = await store.recordEvent(inboxEvent(1)).then((result) => [result, inboxRows(path)]);
    expect(seen).toEqual(["recorded", 1]);
  });

  it("while another process holds the lock, the event loop keeps turning and later records wait, unwritten, for one commit", async () => {
    const { store, path } = open();
    await store.recordEvent(inboxEvent(0)); // the thread started and the file's pages in the WAL
    const lock = holdWriteLock(path);
    const log: string[] = [];
    const record = (i: number) => store.recordEvent(inboxEvent(i)).then((r) => log.push(`${i}:${r}`));
    const first = record(1); // its batch waits for the lock, on the writing thread
    await pause(20);
    const later = [];
    for (const i of [2, 3, 4]) {
      later.push(record(i)); // a turn each, while the first batch is being written
      await turns(3);
    }
    await pause(20);
    expect(log).toEqual([]);
    expect(inboxRows(path)).toBe(1);
    lock.release();
    await Promise.all([first, ...later]);
    expect(log).toEqual(["1:recorded", "2:recorded", "3:recorded", "4:recorded"]);
    const together = walFrames(path);

    // The same records one commit each, on a store of their own: each commit appends the pages
    // it changed, so 2, 3 and 4 went in one commit above (two commits there, four here).
    const apart = open({}, "apart.db");
    for (const i of [0, 1, 2, 3, 4]) await apart.store.recordEvent(inboxEvent(i));
    expect(walFrames(apart.path) - together).toBeGreaterThanOrEqual(2);
  });

  it("a lock held past the busy timeout refuses the records waiting (retryable), writes none, and the next is written once it is released", async () => {
    const { store, path } = open({ busyTimeoutMs: 150 });
    const lock = holdWriteLock(path);
    const refused = await store.recordEvent(inboxEvent(1)).catch((error: unknown) => error);
    expect(isBotError(refused, "store.unavailable")).toBe(true);
    expect((refused as { retryable?: boolean }).retryable).toBe(true);
    lock.release();
    expect(inboxRows(path)).toBe(0);
    expect(await store.recordEvent(inboxEvent(1))).toBe("recorded");
    expect(inboxRows(path)).toBe(1);
  });

  it("close() answers the records being written and waiting before it resolves; a record after it is refused", async () => {
    const { store, path } = open();
    const lock = holdWriteLock(path);
    const log: string[] = [];
    const record = (i: number) =>
      store.recordEvent(inboxEvent(i)).then(
        (r) => log.push(`${i}:${r}`),
        (error: unknown) => log.push(`${i}:${isBotError(error) ? error.code : String(error)}`),
      );
    const first = record(1);
    await pause(20);
    const second = record(2); // waits for the first batch
    await turns(3);
    const closed = store.close().then(() => log.push("closed"));
    await pause(20);
    expect(log).toEqual([]);
    lock.release();
    await closed;
    await Promise.all([first, second]);
    expect(log).toEqual(["1:recorded", "2:recorded", "closed"]);
    expect(inboxRows(path)).toBe(2);
    await record(3);
    expect(log.at(-1)).toBe("3:store.unavailable");
    expect(inboxRows(path)).toBe(2);
  });

  it("when the thread cannot open the database its records are refused, and the next record starts a thread afresh", async () => {
    const { store, path } = open();
    // The file is away when the thread starts (the store's own connection keeps it open).
    await rename(path, `${path}.away`);
    const refused = await store.recordEvent(inboxEvent(1)).catch((error: unknown) => error);
    // SQLite's error, translated as every store call's is (errors.ts).
    expect(isBotError(refused, "store.unavailable")).toBe(true);
    expect((refused as Error).message).toBe("Cannot record events (SQLITE_CANTOPEN)");
    await rename(`${path}.away`, path);
    expect(await store.recordEvent(inboxEvent(2))).toBe("recorded");
    expect(await store.getEvent("T0001", "Ev001")).toBeUndefined();
    expect((await store.getEvent("T0001", "Ev002"))?.status).toBe("pending");
  });

  it("started at open (the bot's choice), the thread records, and close() ends it whether or not it wrote", async () => {
    const idle = open({ startRecordWriter: true }, "idle.db");
    await idle.store.close();
    const { store, path } = open({ startRecordWriter: true });
    expect(await store.recordEvent(inboxEvent(1))).toBe("recorded");
    await store.close();
    expect(inboxRows(path)).toBe(1);
  });

  it("a process with nothing else to do stays alive until close() has answered and ended the thread", async () => {
    const run = (mode: string) =>
      promisify(execFile)(process.execPath, [
        fileURLToPath(new URL("../../bin/run-ts.js", import.meta.url)),
        fileURLToPath(new URL("./sqlite-writer-exit.ts", import.meta.url)),
        mode,
        join(dir, `${mode}.db`),
      ]);
    // A process that exited early (code 13) rejects here; one that printed nothing fails below.
    expect((await run("store")).stdout.trim()).toBe("done recorded");
    expect((await run("writer")).stdout.trim()).toBe("done recorded");
  });

  it("a relative path is the store's file, even after the working directory changed", async () => {
    const before = process.cwd();
    try {
      process.chdir(dir);
      const store = openSqliteStore({ path: join("a", "weeknotes.db") }); // as DATA_DIR=./a gives
      opened.push(store);
      await mkdir(join(dir, "b", "a"), { recursive: true });
      process.chdir(join(dir, "b")); // where "a/weeknotes.db" would be another file
      expect(await store.recordEvent(inboxEvent(1))).toBe("recorded");
      expect(inboxRows(join(dir, "a", "weeknotes.db"))).toBe(1);
    } finally {
      process.chdir(before);
    }
  });
});
