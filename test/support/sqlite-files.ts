// SQLite files for the store's contract tests: temporary paths, and a connection of the test's own.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";

/** Paths to `fileName` in new temporary folders named from `prefix`; `removeAll` deletes them (afterAll). */
export function tempDatabases(prefix: string, fileName: string) {
  const dirs: string[] = [];
  return {
    async path(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(dir);
      return join(dir, fileName);
    },
    async removeAll(): Promise<void> {
      await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

/** Runs `work` on a connection of its own to the database at `path`, closed after. */
export function withDb<T>(path: string, work: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** Frames in the WAL file (each commit appends the pages it changed); checkpoints it, so call it last. */
export function walFrames(path: string): number {
  return withDb(path, (db) => {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)") as { log: number }[];
    return result?.log ?? -1;
  });
}
