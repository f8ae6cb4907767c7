// A process that records and closes with nothing else to do, for sqlite-record-writer.contract:
// `node bin/run-ts.js test/contract/sqlite-writer-exit.ts MODE DB_PATH`. Prints "done" and the
// answers once close() resolved; a process that exits before (Node's code 13: a top-level await
// never settled) prints nothing.

import { inboxRowOrError } from "../../adapters/sqlite/inbox.ts";
import { RecordWriter } from "../../adapters/sqlite/record-writer.ts";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { inboxEvent } from "../support/sqlite-inbox.ts";

const [mode, path] = process.argv.slice(2);
if (path === undefined) throw new Error("usage: sqlite-writer-exit.ts store|writer DB_PATH");
const store = openSqliteStore({ path, startRecordWriter: true });
if (mode === "store") {
  // Recorded and closed in the same turn: close() answers the record first.
  const recorded = store.recordEvent(inboxEvent(1));
  await store.close();
  console.log("done", await recorded);
} else {
  await store.close();
  // The writer alone, closed while its batch is being written.
  const writer = new RecordWriter(path, 5_000);
  const row = inboxRowOrError(inboxEvent(2));
  if (row instanceof Error) throw row;
  const [results] = await Promise.all([writer.write([row]), writer.close()]);
  console.log("done", results.join(","));
}
