// One replica for the multi-process claim test (test/e2e/schedule-claim.e2e.test.ts, CASES C14):
// `node bin/run-ts.js test/support/schedule-claim-worker.ts DB_PATH HOLDER START_AT_MS NOW_ISO`.
// Opens the SQLite store, builds a schedule runner whose clock is fixed at NOW_ISO, waits until
// START_AT_MS (wall-clock UTC epoch ms, only to line the processes up) and runs the start-up
// catch-up. Prints {results, draftCalls, reviews} as JSON.
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { createScheduleRunner } from "../../src/app/run-schedule.ts";
import { recordingLogger } from "./memory-logger.ts";
import { countingDraft, recordingChat } from "./schedule-harness.ts";

const [path, holder, startAt, nowIso] = process.argv.slice(2);
if (path === undefined || holder === undefined || startAt === undefined || nowIso === undefined) {
  throw new Error("usage: schedule-claim-worker.ts DB_PATH HOLDER START_AT_MS NOW_ISO");
}
const store = openSqliteStore({ path, busyTimeoutMs: 10_000 });
const nowMs = Date.parse(nowIso);
const clock = { now: () => nowMs };
const chat = recordingChat();
const draft = countingDraft({ store, chat, clock });
const runner = createScheduleRunner({ store, draft, chat, clock, logger: recordingLogger(), holder });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const results = await runner.catchUp();
await runner.stop();
await store.close();
process.stdout.write(
  JSON.stringify({ results, draftCalls: draft.calls.length, reviews: chat.record.reviews.length }),
);
