import { describe, expect, it } from "vitest";
import { answeringRequest, yieldToEventLoop } from "../../src/app/yield.ts";
import type { Timers } from "../../src/ports/clock.ts";
import { manualTime } from "../support/manual-timers.ts";

// Issue 10 item 15: background tasks that yield at the same moment (the inbox worker and a sweep's
// drafts) must not all resume in one turn of the event loop, where their slices would add up while
// a request waits; and while requests are being answered the background waits for a lull (or 50
// ms on its timers), so a burst of events is acknowledged first. Turns are counted, never timed: a
// ticker bumps a counter once per check phase; the 50 ms are manual time.

/** Counts turns of the event loop (one setImmediate per check phase) until stopped. */
function turnCounter(): { now(): number; stop(): void } {
  let turn = 0;
  let running = true;
  const tick = () => {
    turn += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    now: () => turn,
    stop: () => {
      running = false;
    },
  };
}

const nextTurn = () => new Promise<void>((resume) => setImmediate(resume));

const systemLike: Timers = {
  after: (ms, run) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
  nextTurn,
};

/** Turns of the event loop, `count` of them. */
const turnsPass = async (count: number) => {
  for (let i = 0; i < count; i += 1) await new Promise((next) => setImmediate(next));
};

/** A waiter on manual timers (the 50 ms floor fires only when the test advances them). */
function manualWaiter() {
  const time = manualTime("2026-03-27T12:00:00Z");
  const state = { resumed: false };
  const waiter = yieldToEventLoop({ after: time.timers.after, nextTurn }).then(() => {
    state.resumed = true;
  });
  return { time, waiter, resumed: () => state.resumed };
}

/** The manual waiter is still waiting 49 ms on, and goes on at 50 ms, leaving no timer behind. */
async function expectReleasedAt50ms({ time, waiter, resumed }: ReturnType<typeof manualWaiter>) {
  await time.advance(49);
  await turnsPass(20);
  expect(resumed()).toBe(false);
  await time.advance(1);
  await waiter;
  expect(resumed()).toBe(true);
  expect(time.pending()).toBe(0);
}

describe("yieldToEventLoop", () => {
  it("callers that yield together resume one per turn, in the order they yielded", async () => {
    const turns = turnCounter();
    const resumed: { name: string; turn: number }[] = [];
    await Promise.all(
      ["worker", "draft-1", "draft-2", "draft-3"].map(async (name) => {
        await yieldToEventLoop(systemLike);
        resumed.push({ name, turn: turns.now() });
      }),
    );
    turns.stop();
    expect(resumed.map((r) => r.name)).toEqual(["worker", "draft-1", "draft-2", "draft-3"]);
    const distinct = new Set(resumed.map((r) => r.turn));
    expect(distinct.size).toBe(4);
  });

  it("a caller that yields again waits behind those already waiting", async () => {
    const order: string[] = [];
    const looping = (async () => {
      for (let i = 0; i < 3; i += 1) {
        await yieldToEventLoop(systemLike);
        order.push(`a${i}`);
      }
    })();
    const once = (async () => {
      await yieldToEventLoop(systemLike);
      order.push("b");
    })();
    await Promise.all([looping, once]);
    expect(order).toEqual(["a0", "b", "a1", "a2"]);
  });

  it("with no request in progress, a waiter goes on after a lull of three quiet turns", async () => {
    const turns = turnCounter();
    await yieldToEventLoop(systemLike);
    const turn = turns.now();
    turns.stop();
    expect(turn).toBe(3);
  });

  it("while a request is being answered, a waiter waits until three turns after the last answer", async () => {
    const turns = turnCounter();
    const answered = answeringRequest();
    let resumedAt: number | undefined;
    const waiter = yieldToEventLoop(systemLike).then(() => {
      resumedAt = turns.now();
    });
    for (let i = 0; i < 50; i += 1) await new Promise((next) => setImmediate(next));
    expect(resumedAt).toBeUndefined();
    const endedAt = turns.now();
    answered();
    answered(); // counted once: a second call must not end another request
    await waiter;
    turns.stop();
    expect((resumedAt ?? 0) - endedAt).toBe(3);
  });

  it("requests that keep coming, each answered within a turn, leave no lull: the waiter waits 50 ms for them", async () => {
    const waiting = manualWaiter();
    let flooding = true;
    const flood = (async () => {
      while (flooding) {
        // Started and answered in one callback (a refused request, say): never seen in progress.
        answeringRequest()();
        await turnsPass(1);
      }
    })();
    try {
      await turnsPass(20);
      expect(waiting.resumed()).toBe(false);
      await expectReleasedAt50ms(waiting);
    } finally {
      flooding = false;
      await flood;
    }
  });

  it("…and with no timers firing, goes on once they stop", async () => {
    const { time, waiter, resumed } = manualWaiter();
    for (let i = 0; i < 20; i += 1) {
      answeringRequest()();
      await turnsPass(1);
    }
    expect(resumed()).toBe(false);
    await waiter;
    expect(time.pending()).toBe(0);
  });

  it("timers that throw do not stop background work: the waiters go on, one after another", async () => {
    const answered = answeringRequest();
    try {
      const broken: Timers = {
        after: () => {
          throw new Error("no timers here");
        },
        nextTurn,
      };
      const order: string[] = [];
      await Promise.all(
        ["first", "second"].map(async (name) => {
          await yieldToEventLoop(broken);
          order.push(name);
        }),
      );
      expect(order).toEqual(["first", "second"]);
    } finally {
      answered();
    }
  });

  it("however busy the server, a waiter goes on after 50 ms on its timers", async () => {
    const answered = answeringRequest();
    try {
      const waiting = manualWaiter();
      await turnsPass(10);
      await expectReleasedAt50ms(waiting);
    } finally {
      answered();
    }
  });

  it("resolves at once with timers that have no nextTurn", async () => {
    const turns = turnCounter();
    await yieldToEventLoop({ after: () => () => undefined });
    const turn = turns.now();
    turns.stop();
    expect(turn).toBe(0);
  });
});
