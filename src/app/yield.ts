import type { Timers } from "../ports/clock.ts";

/** Callers waiting for their turn, per Timers (tests run several bots with timers of their own). */
const gates = new WeakMap<Timers, { waiting: (() => void)[]; pumping: boolean }>();

/** Requests (HTTP requests, Socket Mode envelopes) being answered now, in this process. */
let answering = 0;
/** Bumped when a request starts or is answered: a lull is some turns without a bump. */
let activity = 0;
/** Told of each start and answer (see {@link quieter}). */
const listeners = new Set<() => void>();

/**
 * Turns with no request started or answered, and none in progress, that make a lull in which
 * background work goes on at once. One is not enough: a client that sends its next request as
 * soon as it has an answer leaves the server with nothing in progress for a turn or two.
 */
const LULL_TURNS = 3;

/**
 * However busy the server, a background slice goes on after this long, ms (on the Timers port), so
 * background work moves at 20 slices a second under any load (a burst of events, or requests that
 * all wait for a locked database) rather than stopping; in lulls it goes on at once.
 */
const BUSY_WAIT_MS = 50;

function notify(): void {
  activity += 1;
  for (const listener of [...listeners]) listener();
}

/**
 * Marks a request as being answered until the returned function is called (calling it twice
 * counts once): the Slack HTTP receiver from a request's verified signature to its answer, the
 * Socket Mode receiver from an envelope's arrival to its ack.
 */
export function answeringRequest(): () => void {
  answering += 1;
  notify();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    answering -= 1;
    notify();
  };
}

/** Resolves at the next start or answer of a request, or when `stop` is called. */
function nextActivity(): { promise: Promise<void>; stop(): void } {
  let stop: () => void = () => undefined;
  const promise = new Promise<void>((resume) => {
    const listener = () => stop();
    stop = () => {
      listeners.delete(listener);
      resume();
    };
    listeners.add(listener);
  });
  return { promise, stop };
}

/**
 * Resolves when the background may take its next slice: in a lull (LULL_TURNS turns with no
 * request started, answered or in progress), or after BUSY_WAIT_MS on `timers`, whichever comes
 * first. Waits on the requests' own starts and answers, never by spinning, so a server whose
 * requests all wait (on a lock) spends no CPU here.
 */
async function quieter(timers: Timers, nextTurn: () => Promise<void>): Promise<void> {
  let late = false;
  let waiting: { stop(): void } | undefined;
  // Set once the server is seen busy (a request in progress, or a lull broken by one that came
  // and went within a turn): an idle server leaves no timer behind, a busy one never starves us.
  let cancel: (() => void) | undefined;
  const busy = () => {
    cancel ??= timers.after(BUSY_WAIT_MS, () => {
      late = true;
      waiting?.stop();
    });
  };
  try {
    for (;;) {
      if (late) return;
      if (answering === 0) {
        const seen = activity;
        let turns = 0;
        while (turns < LULL_TURNS && activity === seen && !late) {
          await nextTurn();
          turns += 1;
        }
        if (activity === seen) return;
        busy();
        continue;
      }
      busy();
      const next = nextActivity();
      waiting = next;
      await next.promise;
      waiting = undefined;
    }
  } finally {
    cancel?.();
  }
}

/**
 * Lets the event loop run what is waiting (HTTP requests to acknowledge, socket frames) before
 * the caller goes on, through `timers.nextTurn` (the system's resolves in the next turn's check
 * phase, after the poll phase has run the I/O callbacks). Background work (the inbox worker, the
 * weekly sweep) calls it between bounded slices, so it never holds the event loop for longer than
 * one slice while a request waits for its acknowledgement.
 *
 * Callers go on one at a time, in the order they called, each in a turn of its own: when several
 * background tasks yield at once (the worker and eight drafts of a sweep), their slices do not
 * add up in one check phase. While requests are being answered ({@link answeringRequest}) the
 * next caller waits for a lull (LULL_TURNS turns with none in progress, none started or answered)
 * or BUSY_WAIT_MS on `timers`, whichever comes first: a burst of events is acknowledged first and
 * its backlog, kept durably in the inbox, worked off after it, and the background still moves
 * however busy the server is. With timers that have no `nextTurn` it resolves at once.
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
  const state = gate;
  const turn = new Promise<void>((resume) => state.waiting.push(resume));
  if (!state.pumping) {
    state.pumping = true;
    void (async () => {
      while (state.waiting.length > 0) {
        try {
          await quieter(timers, nextTurn);
        } catch {
          // Timers that throw must not stop background work for good: the waiter goes on now.
        }
        // The one released runs its slice in this turn's microtasks; the next waits a turn more.
        state.waiting.shift()?.();
      }
      state.pumping = false;
    })();
  }
  return turn;
}
