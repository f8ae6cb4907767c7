import type { Clock, Timers } from "../../src/ports/clock.ts";

/** The machine's clock. Tests use a fixed clock instead: `{ now: () => ms }`. */
export const systemClock: Clock = { now: () => Date.now() };

/** Node's timers, unref'd so that a pending call never keeps the process alive. */
export const systemTimers: Timers = {
  after(ms, run) {
    const timer = setTimeout(run, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
  // The check phase runs after the poll phase, so every I/O callback ready now runs first.
  nextTurn: () => new Promise((resume) => setImmediate(resume)),
};
