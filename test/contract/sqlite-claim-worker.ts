// One worker process for the SQLite multi-process claim test (sqlite-store.contract.test.ts):
// `node bin/run-ts.js test/contract/sqlite-claim-worker.ts DB_PATH HOLDER START_AT_MS`. Opens the
// store, waits until START_AT_MS (UTC epoch ms) so that every worker starts claiming at once, then
// claims one event at a time until none is left, and prints the claimed event ids as JSON.
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";

const [path, holder, startAt] = process.argv.slice(2);
if (path === undefined || holder === undefined || startAt === undefined) {
  throw new Error("usage: sqlite-claim-worker.ts DB_PATH HOLDER START_AT_MS");
}
const store = openSqliteStore({ path, busyTimeoutMs: 10_000 });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const claimed: string[] = [];
for (;;) {
  const events = await store.claimEvents({ nowMs: Date.now(), limit: 1, leaseMs: 600_000, holder });
  if (events.length === 0) {
    break;
  }
  claimed.push(...events.map((e) => e.eventId));
}
await store.close();
process.stdout.write(JSON.stringify(claimed));
