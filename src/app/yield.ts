import type { Timers } from "../ports/clock.ts";

/**
 * Lets the event loop run what is waiting (HTTP requests to acknowledge, socket frames) before
 * the caller goes on, through `timers.nextTurn` (the system's resolves in the next turn's check
 * phase, after the poll phase has run the I/O callbacks). No time passes on any clock. Background
 * work (the inbox worker, the weekly sweep) calls it between bounded slices, so it never holds the
 * event loop for longer than one slice while a request waits for its acknowledgement.
 */
export function yieldToEventLoop(timers: Timers): Promise<void> {
  return timers.nextTurn?.() ?? Promise.resolve();
}
