import { describe, expect, it } from "vitest";
import { answeringRequest, yieldToEventLoop } from "../../src/app/yield.ts";
import type { Timers } from "../../src/ports/clock.ts";

// Issue 10 item 15: background tasks that yield at the same moment (the inbox worker and a sweep's
// drafts) must not all resume in one turn of the event loop, where their slices would add up while
// a request waits. Turns are counted, never timed: a ticker bumps a counter once per check phase.

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

const systemLike: Timers = {
  after: (ms, run) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
  nextTurn: () => new Promise((resume) => setImmediate(resume)),
};

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

  it("while a request is being answered, a waiter goes on after four turns instead of one", async () => {
    const waitedTurns = async () => {
      const turns = turnCounter();
      await yieldToEventLoop(systemLike);
      const turn = turns.now();
      turns.stop();
      return turn;
    };
    expect(await waitedTurns()).toBe(1);
    const answered = answeringRequest();
    try {
      expect(await waitedTurns()).toBe(4);
    } finally {
      answered();
      answered(); // counted once
    }
    expect(await waitedTurns()).toBe(1);
  });

  it("resolves at once with timers that have no nextTurn", async () => {
    const turns = turnCounter();
    await yieldToEventLoop({ after: () => () => undefined });
    const turn = turns.now();
    turns.stop();
    expect(turn).toBe(0);
  });
});
