import { createRequire } from "node:module";
import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { BotError } from "../../src/domain/errors.ts";
import { translating } from "./errors.ts";
import { INSERT_INBOX_EVENT, type InboxRow } from "./inbox.ts";

/** What the thread answers for one batch: each row's result in order, or the error that refused them all. */
type Reply =
  | { readonly id: number; readonly results: ("recorded" | "duplicate")[] }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: string } };

/**
 * The thread's code, run with `eval` so it starts the same from the TypeScript sources (tests,
 * `npm run dev`) and from the compiled package, with no loader; it imports through `import()`,
 * which works whether Node runs it as CommonJS or, under `--input-type=module` (inherited from
 * the parent), as a module. It opens its own connection to the file (created and migrated by the
 * store first) at `synchronous = FULL`, so every batch is one immediate transaction whose commit
 * SQLite itself syncs to disk before it answers. Opening waits for a lock as SQLite does, up to
 * `busyTimeoutMs`; afterwards SQLite's busy handler is off, because it sleeps 1, 2, 5, 10… up to
 * 100 ms between tries, far longer than the event loop's writes hold the lock (well under a
 * millisecond, or one sync): the thread tries again itself, every 0.1 ms doubling up to 1 ms,
 * until `busyTimeoutMs` has passed.
 */
const THREAD_SOURCE = `
(async () => {
  const { parentPort, workerData } = await import("node:worker_threads");
  const { createRequire } = await import("node:module");
  const Database = createRequire(workerData.driver)(workerData.driver);
  const db = new Database(workerData.path, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
  db.pragma("synchronous = FULL");
  const insert = db.prepare(workerData.insertSql);
  db.pragma("busy_timeout = 0");
  const writeAll = db.transaction((rows) => rows.map((row) => (insert.run(row).changes > 0 ? "recorded" : "duplicate")));
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const writeWaiting = (rows) => {
    const giveUpAt = performance.now() + workerData.busyTimeoutMs;
    for (let pauseMs = 0.1; ; pauseMs = Math.min(pauseMs * 2, 1)) {
      try {
        return writeAll.immediate(rows);
      } catch (error) {
        const busy = typeof error.code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(error.code);
        if (!busy || performance.now() + pauseMs > giveUpAt) throw error;
      }
      Atomics.wait(pause, 0, 0, pauseMs);
    }
  };
  parentPort.on("message", (message) => {
    if (message === "close") {
      db.close();
      parentPort.close();
      return;
    }
    try {
      parentPort.postMessage({ id: message.id, results: writeWaiting(message.rows) });
    } catch (error) {
      parentPort.postMessage({ id: message.id, error: { message: String(error && error.message), code: error && error.code } });
    }
  });
})();
`;

const DRIVER = createRequire(import.meta.url).resolve("better-sqlite3");

/**
 * Writes recorded events to the inbox on a thread of their own: the commit and its sync to disk
 * (SQLite's FULL commit, about a millisecond on a local disk, more on a busy one) and any wait for
 * another process's lock run there, while the event loop keeps parsing and answering requests. A
 * batch of rows is one transaction; its promise resolves once committed and synced.
 *
 * The thread starts at the first batch (or at {@link RecordWriter.prepare}) and is unreferenced
 * while it has nothing to write, so it never keeps a process alive. When it stops unexpectedly (it could not open the database, it
 * crashed), the batches it had are refused and the next batch starts a new one.
 */
export class RecordWriter {
  private readonly path: string;
  private readonly busyTimeoutMs: number;
  private thread: Thread | undefined;
  private nextId = 0;
  private closed = false;

  /**
   * @param path the SQLite file, already created and migrated.
   * @param busyTimeoutMs how long a batch waits in all for another connection's lock, ms.
   */
  constructor(path: string, busyTimeoutMs: number) {
    // Resolved now: the thread may start (again) after the working directory changed.
    this.path = resolve(path);
    this.busyTimeoutMs = busyTimeoutMs;
  }

  /**
   * Inserts `rows` in one immediate transaction, each unless its (workspace, event_id) is there.
   * @returns per row, in order: "recorded" or "duplicate"; once the commit is on disk.
   * @throws BotError as the store's calls do (errors.ts `translating`): `store.unavailable`,
   *   retryable, when another connection held the lock past the busy timeout; `store.unavailable`
   *   when the thread stopped, the disk refused the write or close() was called; none of the rows
   *   is then written.
   */
  async write(rows: readonly InboxRow[]): Promise<("recorded" | "duplicate")[]> {
    if (this.closed) throw new BotError("store.unavailable", "Cannot record events: the store is closed");
    const { worker, waiting } = this.start();
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, rows });
    });
    if ("results" in reply) return reply.results;
    throw threadError(reply.error.message, reply.error.code);
  }

  /**
   * Starts the thread now rather than at the first batch: it takes tens of milliseconds to start
   * (more on a busy machine), which the first recorded events would otherwise wait for.
   */
  prepare(): void {
    try {
      if (!this.closed) this.start();
    } catch {
      // The first batch tries again, and its callers get the error.
    }
  }

  /** Lets the batches sent finish, then closes the thread's connection and ends it. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.thread?.worker;
    if (worker === undefined) return;
    const ended = new Promise((resume) => worker.once("exit", resume));
    // Referenced until it has ended: otherwise a process with nothing else to do would exit
    // while close() is awaited (Node's exit code 13, a top-level await never settled).
    worker.ref();
    worker.postMessage("close");
    await ended;
  }

  private start(): Thread {
    if (this.thread !== undefined) return this.thread;
    let worker: Worker;
    try {
      worker = new Worker(THREAD_SOURCE, {
        eval: true,
        workerData: {
          driver: DRIVER,
          path: this.path,
          busyTimeoutMs: this.busyTimeoutMs,
          insertSql: INSERT_INBOX_EVENT,
        },
      });
    } catch (error) {
      // Node refuses threads under its permission model without --allow-worker, for one.
      throw new BotError(
        "store.unavailable",
        "Cannot record events: the thread that writes them cannot start",
        {
          cause: error,
        },
      );
    }
    const thread: Thread = { worker, waiting: new Map() };
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const waiter = thread.waiting.get(reply.id);
      thread.waiting.delete(reply.id);
      // Referenced again by write(), and by close() until the thread has ended.
      if (thread.waiting.size === 0 && !this.closed) worker.unref();
      waiter?.resolve(reply);
    });
    const stopped = (cause?: unknown) => {
      if (this.thread === thread) this.thread = undefined;
      const failure =
        cause === undefined
          ? new BotError("store.unavailable", "Cannot record events: the thread that writes them stopped")
          : threadError(
              `the thread that writes them stopped: ${messageOf(cause)}`,
              (cause as { code?: unknown }).code,
              cause,
            );
      for (const waiter of thread.waiting.values()) waiter.reject(failure);
      thread.waiting.clear();
    };
    worker.on("error", stopped);
    worker.on("exit", () => stopped());
    this.thread = thread;
    return thread;
  }
}

/** A running thread and the batches it has not answered yet, by id. */
interface Thread {
  readonly worker: Worker;
  readonly waiting: Map<number, { resolve(reply: Reply): void; reject(error: unknown): void }>;
}

/**
 * The BotError for an error the thread reported (the code and message of its error cross the
 * thread): a SQLite error as every store call's is translated (errors.ts `translating`: a file that
 * is not a database is `store.corrupt`, one that cannot be opened `store.unavailable`…), anything
 * else `store.unavailable`.
 */
function threadError(message: string, code: unknown, cause?: unknown): BotError {
  if (typeof code === "string" && code.startsWith("SQLITE_")) {
    try {
      translating("record events", () => {
        throw new Database.SqliteError(message, code);
      });
    } catch (error) {
      if (error instanceof BotError) return error;
    }
  }
  return new BotError(
    "store.unavailable",
    `Cannot record events: ${message}`,
    cause === undefined ? {} : { cause },
  );
}

/** An error's message; errors from a thread may arrive as plain objects rather than Errors. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : String(error);
}
