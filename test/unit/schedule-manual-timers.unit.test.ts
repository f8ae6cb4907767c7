import { describe, expect, it } from "vitest";
import { manualTime } from "../support/manual-timers.ts";

// The manual clock and timers the schedule tests drive the runner's minute sweep with
// (test/support/manual-timers.ts): they must run what falls due, in order, at its due time.
const T0 = Date.parse("2026-03-27T14:00:00Z");

describe("manualTime", () => {
  it("runs due callbacks in due-time order (ties in the order set), each with the clock at its due time", async () => {
    const time = manualTime(T0);
    const ran: string[] = [];
    const note = (name: string) => () => ran.push(`${name}@${time.clock.now() - T0}`);
    time.timers.after(300, note("c"));
    time.timers.after(100, note("a"));
    time.timers.after(100, note("b"));
    time.timers.after(1_000, note("late"));
    await time.advance(500);
    expect(ran).toEqual(["a@100", "b@100", "c@300"]);
    expect(time.now()).toBe(T0 + 500);
    expect(time.pending()).toBe(1);
    expect(time.nextDueAt()).toBe(T0 + 1_000);
  });

  it("runs the timers a callback sets when they fall due within the same advance, after awaiting settle", async () => {
    const time = manualTime(T0);
    const ran: number[] = [];
    let settled = 0;
    time.settleWith(async () => {
      settled += 1;
    });
    const tick = () => {
      ran.push(time.now() - T0);
      // Like the runner: the next call is set from inside this one, after some async work.
      void Promise.resolve().then(() => time.timers.after(60_000, tick));
    };
    time.timers.after(60_000, tick);
    await time.advance(5 * 60_000);
    expect(ran).toEqual([60_000, 120_000, 180_000, 240_000, 300_000]);
    expect(settled).toBe(5);
  });

  it("cancels, runs 0 ms timers on runDue, and refuses to go back", async () => {
    const time = manualTime(T0);
    const ran: string[] = [];
    const cancel = time.timers.after(10, () => ran.push("cancelled"));
    time.timers.after(0, () => ran.push("now"));
    time.timers.after(-5, () => ran.push("past"));
    cancel();
    cancel();
    await time.runDue();
    expect(ran).toEqual(["now", "past"]);
    expect(time.now()).toBe(T0);
    await time.advance(60_000);
    expect(ran).toEqual(["now", "past"]);
    await expect(time.advanceTo(T0)).rejects.toThrow(/cannot go back/);
    await expect(time.jumpTo(T0)).rejects.toThrow(/cannot go back/);
  });

  it("jumpTo runs the timers that fell due meanwhile once, late, at the new time", async () => {
    const time = manualTime(T0);
    const ran: number[] = [];
    const tick = () => {
      ran.push(time.now() - T0);
      time.timers.after(60_000 - (time.now() % 60_000), tick);
    };
    time.timers.after(60_000, tick);
    await time.jumpTo(T0 + 10 * 60_000 + 30_000);
    expect(ran).toEqual([630_000]);
    // Then on the minute again.
    await time.advance(60_000);
    expect(ran).toEqual([630_000, 660_000]);
    await time.advanceTo("2026-03-27T14:12:00Z");
    expect(ran).toEqual([630_000, 660_000, 720_000]);
  });
});
