import type Database from "better-sqlite3";
import { z } from "zod";
import { refuseUnless } from "./errors.ts";
import { epochMs } from "./rows.ts";

const AcquireSchema = z.object({
  name: z.string().min(1),
  holder: z.string().min(1),
  nowMs: epochMs,
  ttlMs: z.number().int().min(1),
});

/**
 * The leases table: named leases, each held by one holder while now < until_ms (UTC epoch ms).
 * Methods are synchronous and must run inside SqliteStore's error translation.
 */
export class LeaseTable {
  private readonly sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.sql = prepare(db);
  }

  /**
   * Takes lease `name` for `holder` until nowMs + ttlMs when it is free, expired (until <= nowMs)
   * or already the holder's (then it is extended or shortened to that). One upsert statement, so
   * it is atomic across connections.
   * @returns true when `holder` now holds it; false when another holder does.
   * @throws BotError `store.corrupt` on an empty name or holder or a ttl below 1 ms.
   */
  acquire(name: string, holder: string, nowMs: number, ttlMs: number): boolean {
    refuseUnless(AcquireSchema, { name, holder, nowMs, ttlMs }, "lease");
    return this.sql.acquire.run({ name, holder, now_ms: nowMs, until_ms: nowMs + ttlMs }).changes > 0;
  }

  /** Gives lease `name` back when `holder` holds it (expired or not); otherwise does nothing. */
  release(name: string, holder: string): void {
    this.sql.release.run(name, holder);
  }
}

function prepare(db: Database.Database) {
  return {
    // The WHERE of DO UPDATE decides: a row held by someone else, unexpired, is left alone and no
    // change is counted.
    acquire: db.prepare(`
      INSERT INTO leases (name, holder, until_ms) VALUES (:name, :holder, :until_ms)
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
      WHERE leases.holder = excluded.holder OR leases.until_ms <= :now_ms`),
    release: db.prepare("DELETE FROM leases WHERE name = ? AND holder = ?"),
  };
}
