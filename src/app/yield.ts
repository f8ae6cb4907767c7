import type { Timers } from "../ports/clock.ts";

/** Callers waiting for their turn, per Timers (tests run several bots with timers of their own). */
const gates = new WeakMap<Timers, { waiting: (() => void)[]; pumping: boolean }>();

/** Requests being answered now, in this process (see {@link answeringRequest}). */
let answering = 0;

/**
 * While a request is being answered, background slices go on once per this many turns rather
 * than once per turn: the acknowledgements get the event loop first, and the background still
 * moves however busy the server is. Counted in turns, not ms, so manual test timers need no
 * advancing for it.
 */
const BUSY_TURNS = 4;

/**
 * Marks a request as being answered (the HTTP receivers call it as a request arrives) until the
 * returned function is called; calling that twice counts once.
 */
export function answeringRequest(): () => void {
  answering += 1;
  let done = false;
  return () => {
    if (!done) {
      done = true;
      answering -= 1;
    }
  };
}

/**
 * Lets the event loop run what is waiting (HTTP requests to acknowledge, socket frames) before
 * the caller goes on, through `timers.nextTurn` (the system's resolves in the next turn's check
 * phase, after the poll phase has run the I/O callbacks). No time passes on any clock. Background
 * work (the inbox worker, the weekly sweep) calls it between bounded slices, so it never holds the
 * event loop for longer than one slice while a request waits for its acknowledgement.
 *
 * Callers go on one per turn, in the order they called: when several background tasks yield at
 * once (the worker and eight drafts of a sweep), each resumes in a turn of its own with the poll
 * phase in between, instead of all of them in one check phase whose slices add up; while a
 * request is being answered ({@link answeringRequest}), one per BUSY_TURNS turns. With timers that
 * have no `nextTurn` it resolves at once.
 */
export function yieldToEventLoop(timers: Timers): Promise<void> {
  const nextTurn = timers.nextTurn?.bind(timers);
  if (!nextTurn) {
    return Promise.resolve();
  }
  let gate = gates.get(timers);
  if (!gate) {
    gate = { waiting: [], pumping: false };
    gates.set(timers, gate);
  }
  const { waiting } = gate;
  const turn = new Promise<void>((resume) => waiting.push(resume));
  if (!gate.pumping) {
    gate.pumping = true;
    const state = gate;
    let turnsWaited = 0;
    const release = () => {
      turnsWaited += 1;
      if (answering > 0 && turnsWaited < BUSY_TURNS) {
        void nextTurn().then(release);
        return;
      }
      turnsWaited = 0;
      // The one released runs its slice in this turn's microtasks; the next waits a turn more.
      state.waiting.shift()?.();
      if (state.waiting.length > 0) void nextTurn().then(release);
      else state.pumping = false;
    };
    void nextTurn().then(release);
  }
  return turn;
}
