import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  openSqliteStore,
  type SqliteStore,
  type SqliteStoreOptions,
} from "../../adapters/sqlite/sqlite-store.ts";
import { isBotError } from "../../src/domain/errors.ts";
import { defaultTeamSettings } from "../../src/domain/team.ts";
import { inboxEvent, inboxRows } from "../support/sqlite-inbox.ts";

// Issue 10 items 9 and 13: a recorded event is answered only once the WAL holding it is synced,
// and the sync runs off the event loop (an fsync on libuv's thread pool) instead of inside a FULL
// commit. And capture's per-reaction team list is read once per database version.

let dir: string;
const opened: SqliteStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-wal-sync-"));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(options: Partial<SqliteStoreOptions> = {}): { store: SqliteStore; path: string } {
  const path = join(dir, "weeknotes.db");
  const store = openSqliteStore({ path, ...options });
  opened.push(store);
  return { store, path };
}

/** A syncWal the test finishes by hand; `calls` lists the paths it was asked to sync. */
function heldSync() {
  const calls: string[] = [];
  const pending: { resolve(): void; reject(error: Error): void }[] = [];
  return {
    calls,
    syncWal: (walPath: string) =>
      new Promise<void>((resolve, reject) => {
        calls.push(walPath);
        pending.push({ resolve, reject });
      }),
    finishNext: () => pending.shift()?.resolve(),
    failNext: (error: Error) => pending.shift()?.reject(error),
  };
}

/**
 * A store on held syncs with records 1 and 2 recorded in turns of their own, so both sync slots
 * are taken; `record` adds more, each answer logged as "i:result".
 */
async function bothSyncsTaken() {
  const sync = heldSync();
  const { store, path } = open({ syncWal: sync.syncWal });
  const log: string[] = [];
  const record = (i: number) => store.recordEvent(inboxEvent(i)).then((r) => log.push(`${i}:${r}`));
  const early = [record(1)];
  await turns(3);
  early.push(record(2));
  await turns(3);
  return { sync, store, path, log, record, early };
}

/** Lets setImmediate callbacks and the promise reactions they start run. */
const turns = async (count: number) => {
  for (let i = 0; i < count; i += 1) await new Promise((resume) => setImmediate(resume));
};

describe("SQLite inbox: answered only once the WAL is synced", () => {
  it("a committed record is not answered until the sync of its WAL ends", async () => {
    const sync = heldSync();
    const { store, path } = open({ syncWal: sync.syncWal });
    let answered: string | undefined;
    const recorded = store.recordEvent(inboxEvent(1)).then((result) => {
      answered = result;
    });
    await turns(3);
    // Committed (another connection sees it) and the sync asked for, but not answered.
    expect(inboxRows(path)).toBe(1);
    expect(sync.calls).toEqual([`${path}-wal`]);
    expect(answered).toBeUndefined();
    sync.finishNext();
    await recorded;
    expect(answered).toBe("recorded");
  });

  it("a failed sync refuses the records it covered with store.unavailable; the next sync answers the next", async () => {
    const sync = heldSync();
    const { store } = open({ syncWal: sync.syncWal });
    const first = store.recordEvent(inboxEvent(1));
    await turns(3);
    sync.failNext(new Error("EIO: i/o error, fsync"));
    const refused = await first.catch((error: unknown) => error);
    expect(isBotError(refused, "store.unavailable")).toBe(true);
    const second = store.recordEvent(inboxEvent(2));
    await turns(3);
    sync.finishNext();
    expect(await second).toBe("recorded");
  });

  it("a turn that finds both syncs running is answered by a sync that began after its commit", async () => {
    const sync = heldSync();
    const { store } = open({ syncWal: sync.syncWal });
    const results: string[] = [];
    const record = (i: number) => store.recordEvent(inboxEvent(i)).then((r) => results.push(`${i}:${r}`));
    const one = record(1);
    await turns(3);
    const two = record(2);
    await turns(3);
    const three = record(3);
    await turns(3);
    // Two syncs run at once; the third turn waits for a place, and is written when it gets one.
    expect(sync.calls).toHaveLength(2);
    sync.finishNext();
    await one;
    expect(results).toEqual(["1:recorded"]);
    await turns(3);
    expect(sync.calls).toHaveLength(3);
    sync.finishNext();
    await two;
    sync.finishNext();
    await three;
    expect(results).toEqual(["1:recorded", "2:recorded", "3:recorded"]);
  });

  it("while every sync runs, later turns wait uncommitted and go in one commit and one sync when a sync ends", async () => {
    const { sync, path, log, record, early } = await bothSyncsTaken();
    const late = [];
    for (const i of [3, 4, 5]) {
      late.push(record(i)); // a turn each
      await turns(3);
    }
    // Both syncs taken: 3, 4 and 5 are neither written nor answered.
    expect(inboxRows(path)).toBe(2);
    expect(sync.calls).toHaveLength(2);
    sync.finishNext();
    await early[0];
    await turns(3);
    expect(inboxRows(path)).toBe(5);
    expect(sync.calls).toHaveLength(3);
    expect(log).toEqual(["1:recorded"]);
    sync.finishNext();
    sync.finishNext();
    await Promise.all([...early, ...late]);
    expect(log).toEqual(["1:recorded", "2:recorded", "3:recorded", "4:recorded", "5:recorded"]);
  });

  it("close() answers a record that waits for a sync slot before it resolves", async () => {
    const { sync, store, path, log, record, early } = await bothSyncsTaken();
    const waiting = record(3); // both syncs taken: waits, unwritten
    await turns(3);
    expect(inboxRows(path)).toBe(2);
    const closed = store.close().then(() => log.push("closed"));
    await turns(3);
    expect(inboxRows(path)).toBe(3); // written at once when closing
    for (let i = 0; i < 3; i += 1) {
      sync.finishNext();
      await turns(3);
    }
    await closed;
    await Promise.all([...early, waiting]);
    expect(log).toEqual(["1:recorded", "2:recorded", "3:recorded", "closed"]);
  });

  it("with the real fdatasync, records are answered and close() waits for syncs in progress", async () => {
    const { store, path } = open();
    const calls = Array.from({ length: 5 }, (_, i) => store.recordEvent(inboxEvent(i)));
    expect(await Promise.all(calls)).toEqual(Array(5).fill("recorded"));
    const late = store.recordEvent(inboxEvent(9));
    await turns(2);
    await store.close();
    expect(await late).toBe("recorded");
    expect(inboxRows(path)).toBe(6);
  });
});

describe("SQLite teams: one read per database version", () => {
  const team = (key: string, name: string) => ({
    ...defaultTeamSettings("slack", "T0001", "Europe/London", 0),
    team: key,
    name,
  });

  it("another connection's team write is seen by the next list", async () => {
    const { store, path } = open();
    await store.createTeamIfAbsent(team("alpha", "Alpha"));
    expect((await store.listTeams("T0001")).map((t) => t.name)).toEqual(["Alpha"]);
    const other = openSqliteStore({ path });
    opened.push(other);
    await other.createTeamIfAbsent(team("beta", "Beta"));
    await other.saveTeam(team("alpha", "Alpha renamed"));
    expect((await store.listTeams("T0001")).map((t) => t.name)).toEqual(["Alpha renamed", "Beta"]);
    expect((await store.listTeams()).map((t) => t.name)).toEqual(["Alpha renamed", "Beta"]);
  });

  it("its own writes are seen at once, and each caller gets an array of its own", async () => {
    const { store } = open();
    await store.createTeamIfAbsent(team("alpha", "Alpha"));
    const first = await store.listTeams("T0001");
    first.pop();
    expect((await store.listTeams("T0001")).map((t) => t.name)).toEqual(["Alpha"]);
    await store.saveTeam(team("alpha", "Alpha renamed"));
    expect((await store.listTeams("T0001")).map((t) => t.name)).toEqual(["Alpha renamed"]);
    expect((await store.listTeams("T0002")).map((t) => t.name)).toEqual([]);
  });
});
