import type Database from "better-sqlite3";
import { z } from "zod";
import { BotError } from "../../src/domain/errors.ts";
import { checkRecord, FenceRecord, LeaseRequestRecord } from "../../src/domain/records.ts";
import type { Fence, Lease } from "../../src/ports/store.ts";
import { epochMs, parseRow } from "./rows.ts";

const RenewRecord = LeaseRequestRecord.pick({ nowMs: true, ttlMs: true });

const LeaseRowSchema = z.object({
  name: z.string(),
  holder: z.string(),
  token: z.number().int().min(1),
  until_ms: epochMs,
});

// A lease given back keeps its row, expired since forever, so that the next holder gets the next
// token: deleting it would start the count again at 1, and a paused holder of an old token 1 could
// then pass the fence of a new one.
const RELEASED_UNTIL_MS = Number.MIN_SAFE_INTEGER;

/**
 * The leases table: named leases with fencing tokens, each held by `holder` while now < until_ms
 * (UTC epoch ms). Methods are synchronous and must run inside SqliteStore's error translation;
 * see the LeaseStore port for their contracts.
 */
export class LeaseTable {
  private readonly sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.sql = prepare(db);
  }

  /**
   * Takes lease `name` for `holder` until nowMs + ttlMs: a new lease gets token 1; the holder's
   * own unexpired lease is extended with its token; an expired one (until <= nowMs, any holder)
   * is taken with the next token. One upsert statement, so it is atomic across connections.
   * @returns the lease, or undefined when another holder has it unexpired.
   * @throws BotError `store.invalid` on an empty name or holder or a ttl below 1 ms.
   */
  acquire(name: string, holder: string, nowMs: number, ttlMs: number): Lease | undefined {
    checkRecord(LeaseRequestRecord, { name, holder, nowMs, ttlMs }, "lease request");
    const raw = this.sql.acquire.get({ name, holder, now_ms: nowMs, until_ms: nowMs + ttlMs });
    return raw === undefined ? undefined : toLease(raw);
  }

  /**
   * Extends lease `fence.name` until nowMs + ttlMs while it still has `fence.token`, expired or
   * not (nobody took it since).
   * @returns the lease, or undefined when it was lost; nothing changes then.
   */
  renew(fence: Fence, nowMs: number, ttlMs: number): Lease | undefined {
    checkRecord(FenceRecord, fence, "lease");
    checkRecord(RenewRecord, { nowMs, ttlMs }, "lease renewal");
    const raw = this.sql.renew.get({ name: fence.name, token: fence.token, until_ms: nowMs + ttlMs });
    return raw === undefined ? undefined : toLease(raw);
  }

  /** Gives lease `fence.name` back while it still has `fence.token`; otherwise does nothing. */
  release(fence: Fence): void {
    checkRecord(FenceRecord, fence, "lease");
    this.sql.release.run({ name: fence.name, token: fence.token, until_ms: RELEASED_UNTIL_MS });
  }

  /**
   * Checks a fenced write's lease; call it inside the write's transaction.
   * @throws BotError `store.invalid` for a malformed fence; `lease.lost` when lease `fence.name`
   *   no longer has `fence.token` (another holder took it over, or there is none).
   */
  assertHeld(fence: Fence): void {
    checkRecord(FenceRecord, fence, "lease");
    if (this.sql.held.get(fence.name, fence.token) === undefined) {
      throw new BotError("lease.lost", `Lease ${fence.name} has passed to another holder`, {
        hint: "Another replica took this job over; it will finish it",
      });
    }
  }
}

function toLease(raw: unknown): Lease {
  const row = parseRow(LeaseRowSchema, raw, "lease");
  return { name: row.name, holder: row.holder, token: row.token, untilMs: row.until_ms };
}

function prepare(db: Database.Database) {
  const returning = "RETURNING name, holder, token, until_ms";
  return {
    // The WHERE of DO UPDATE decides: a row held unexpired by someone else is left alone and
    // nothing is returned. SET reads the old row, so the token rule sees the old holder and time.
    acquire: db.prepare(`
      INSERT INTO leases (name, holder, until_ms, token) VALUES (:name, :holder, :until_ms, 1)
      ON CONFLICT (name) DO UPDATE SET
        token = CASE WHEN leases.holder = excluded.holder AND leases.until_ms > :now_ms
          THEN leases.token ELSE leases.token + 1 END,
        holder = excluded.holder,
        until_ms = excluded.until_ms
      WHERE leases.holder = excluded.holder OR leases.until_ms <= :now_ms
      ${returning}`),
    renew: db.prepare(
      `UPDATE leases SET until_ms = :until_ms WHERE name = :name AND token = :token ${returning}`,
    ),
    release: db.prepare("UPDATE leases SET until_ms = :until_ms WHERE name = :name AND token = :token"),
    held: db.prepare("SELECT 1 FROM leases WHERE name = ? AND token = ?"),
  };
}
