// One replica for the multi-process claim test (test/e2e/schedule-claim.e2e.test.ts, CASES C14):
// `node bin/run-ts.js test/support/schedule-claim-worker.ts DB_PATH HOLDER NOW_ISO`.
// Opens the SQLite store, builds the real schedule runner (real draft use case, offline
// summariser, recording chat) whose clock is fixed at NOW_ISO, prints `ready` and waits for a
// line on stdin, so that the test can start every replica's sweep at once; then sweeps once
// (catchUp) and prints {results, draftCalls, reviews} as one JSON line.
import { createInterface } from "node:readline";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { postedReviews, scheduleReplica } from "./schedule-harness.ts";

const [path, holder, nowIso] = process.argv.slice(2);
if (path === undefined || holder === undefined || nowIso === undefined) {
  throw new Error("usage: schedule-claim-worker.ts DB_PATH HOLDER NOW_ISO");
}
const store = openSqliteStore({ path, busyTimeoutMs: 10_000 });
const nowMs = Date.parse(nowIso);
const replica = scheduleReplica({ store, holder, clock: { now: () => nowMs } });
const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.once("line", () => resolve()));
process.stdout.write("ready\n");
await go;
lines.close();
const results = await replica.runner.catchUp();
await replica.runner.stop();
await store.close();
process.stdout.write(
  `${JSON.stringify({ results, draftCalls: replica.draft.calls.length, reviews: postedReviews(replica.chat).length })}\n`,
);
