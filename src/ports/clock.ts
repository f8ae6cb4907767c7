/** Where time comes from; nothing in domain or app calls `Date.now()` (SPEC §3). */
export interface Clock {
  /** Now, as UTC epoch milliseconds. */
  now(): number;
}

/**
 * Where waiting comes from; nothing in domain or app touches timers directly, so tests can drive
 * the inbox worker and the schedule with their own clock (SPEC §3, an injectable clock).
 */
export interface Timers {
  /**
   * Calls `run` once, `ms` milliseconds from now (0 or less: as soon as possible). Returns a
   * function that cancels it; cancelling after it ran does nothing. A pending call never keeps the
   * process alive.
   */
  after(ms: number, run: () => void): () => void;
  /**
   * Resolves on the event loop's next turn, once waiting I/O (requests to acknowledge, socket
   * frames) has run; no time passes on any clock. Background work calls it between bounded slices
   * so it never holds the loop for more than one. Absent (test stubs that drive work by hand): a
   * microtask, which lets no I/O run.
   */
  nextTurn?(): Promise<void>;
}
