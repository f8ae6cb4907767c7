import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { isBotError } from "../../src/domain/errors.ts";
import { walFrames } from "../support/sqlite-files.ts";
import { inboxEvent, inboxRows } from "../support/sqlite-inbox.ts";

// Issue 10 item 13: recordEvent calls made in the same event-loop turn are written in one
// transaction (one commit, synced), and none resolves before that commit: each is still
// acknowledged only once durable.

let dir: string;
const opened: SqliteStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-group-commit-"));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(name = "weeknotes.db"): { store: SqliteStore; path: string } {
  const path = join(dir, name);
  const store = openSqliteStore({ path });
  opened.push(store);
  return { store, path };
}

describe("SQLite inbox: group commit", () => {
  it("records made in one turn are all committed when the first of them resolves", async () => {
    const { store, path } = open();
    const calls = Array.from({ length: 20 }, (_, i) => store.recordEvent(inboxEvent(i)));
    // Nothing is written during the turn that made the calls.
    expect(inboxRows(path)).toBe(0);
    const seenAtFirst = await calls[0]?.then(() => inboxRows(path));
    expect(seenAtFirst).toBe(20);
    expect(await Promise.all(calls)).toEqual(Array(20).fill("recorded"));
  });

  it("a turn's records take one commit: fewer WAL frames than the same records one turn each", async () => {
    const together = open("together.db");
    const apart = open("apart.db");
    // Both files are the same after opening (the migrations); nothing checkpoints them meanwhile.
    await Promise.all(Array.from({ length: 20 }, (_, i) => together.store.recordEvent(inboxEvent(i))));
    for (let i = 0; i < 20; i += 1) {
      await apart.store.recordEvent(inboxEvent(i));
    }
    const oneCommit = walFrames(together.path);
    const twentyCommits = walFrames(apart.path);
    // Each commit appends the pages it changed (the table's and its indexes'): nineteen more
    // commits append at least nineteen more frames.
    expect(twentyCommits - oneCommit).toBeGreaterThanOrEqual(19);
  });

  it("a repeat within the turn is a duplicate, and an invalid record is refused alone", async () => {
    const { store, path } = open();
    const [first, repeat, invalid, other] = await Promise.allSettled([
      store.recordEvent(inboxEvent(1)),
      store.recordEvent(inboxEvent(1)),
      store.recordEvent(inboxEvent(2, { bad: 10n })),
      store.recordEvent(inboxEvent(3)),
    ]);
    expect(first).toEqual({ status: "fulfilled", value: "recorded" });
    expect(repeat).toEqual({ status: "fulfilled", value: "duplicate" });
    expect(invalid?.status).toBe("rejected");
    expect(isBotError((invalid as PromiseRejectedResult).reason, "store.invalid")).toBe(true);
    expect(other).toEqual({ status: "fulfilled", value: "recorded" });
    expect(inboxRows(path)).toBe(2);
  });

  it("when the database refuses the turn's transaction, every record of it is refused and none written", async () => {
    const { store, path } = open();
    const db = new Database(path);
    db.exec(`CREATE TRIGGER refuse_third BEFORE INSERT ON inbox_events WHEN NEW.event_id = 'Ev003'
      BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    db.close();
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => store.recordEvent(inboxEvent(i))));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
    expect(isBotError((results[0] as PromiseRejectedResult).reason)).toBe(true);
    expect(inboxRows(path)).toBe(0);
  });

  it("the worker's writes leave the connection syncing every commit again (synchronous = FULL), even when one fails", async () => {
    const { store } = open();
    const sync = () =>
      (store as unknown as { db: Database.Database }).db.pragma("synchronous", { simple: true });
    expect(sync()).toBe(2);
    await store.recordEvent(inboxEvent(1));
    const [claimed] = await store.claimEvents({
      nowMs: 1_800_000_000_000,
      limit: 5,
      leaseMs: 60_000,
      holder: "w",
    });
    expect(claimed?.eventId).toBe("Ev001");
    await store.finishEvent("T0001", "Ev001", { status: "done" });
    expect(sync()).toBe(2);
    const refused = await store
      .finishEvent("T0001", "Ev001", { status: "nope" } as never)
      .catch((error: unknown) => error);
    expect(isBotError(refused)).toBe(true);
    expect(sync()).toBe(2);
  });
});
