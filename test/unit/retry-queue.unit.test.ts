/**
 * adapters/publish/retry-queue.ts: publishing jobs retried after each wait in turn on the injected
 * timers, one at a time per key, a job asked for again while it runs run once more, and stop()
 * cancelling waiting retries.
 */
import { describe, expect, it } from "vitest";
import { createRetryQueue } from "../../adapters/publish/retry-queue.ts";
import { memoryLogger } from "../support/bot-harness.ts";
import { manualTime } from "../support/manual-timers.ts";

function setUp(delaysMs: number[]) {
  const time = manualTime("2026-03-27T12:00:00Z");
  const logger = memoryLogger();
  const queue = createRetryQueue({ name: "test", timers: time.timers, logger, delaysMs });
  return { time, logger, queue };
}

describe("the publishing retry queue", () => {
  it("retries a failing job after each wait, then gives up and says so", async () => {
    const { time, logger, queue } = setUp([1_000, 10_000]);
    const runs: number[] = [];
    queue.run("k", async () => {
      runs.push(time.now());
      throw new Error("down");
    });
    await queue.idle();
    expect(runs).toHaveLength(1);
    await time.advance(999);
    expect(runs).toHaveLength(1);
    await time.advance(1);
    await queue.idle();
    await time.advance(10_000);
    await queue.idle();
    expect(runs.map((at) => at - (runs[0] ?? 0))).toEqual([0, 1_000, 11_000]);
    expect(time.pending()).toBe(0);
    expect(logger.entries.filter((e) => e.message === "publishing failed; will retry")).toHaveLength(2);
    expect(logger.entries.some((e) => /giving up/.test(e.message))).toBe(true);
    expect(queue.has("k")).toBe(false);
  });

  it("runs a job asked for while the same key runs once more afterwards, never two at once", async () => {
    const { queue } = setUp([]);
    let running = 0;
    let most = 0;
    let runs = 0;
    const job = async () => {
      running += 1;
      most = Math.max(most, running);
      runs += 1;
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
    };
    queue.run("k", job);
    queue.run("k", job);
    queue.run("k", job);
    queue.run("other", job);
    await queue.idle();
    expect(runs).toBe(3);
    expect(most).toBe(2);
  });

  it("stop() cancels waiting retries and takes no new job", async () => {
    const { time, queue } = setUp([1_000]);
    let runs = 0;
    queue.run("k", async () => {
      runs += 1;
      throw new Error("down");
    });
    await queue.idle();
    expect(time.pending()).toBe(1);
    await queue.stop();
    expect(time.pending()).toBe(0);
    queue.run("k", async () => {
      runs += 1;
    });
    await time.advance(5_000);
    await queue.idle();
    expect(runs).toBe(1);
  });
});
