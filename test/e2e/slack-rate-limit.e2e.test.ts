import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { httpReply } from "../support/fake-slack-api.ts";
import {
  ALICE,
  allHighlights,
  BOB,
  GENERAL,
  reactionAdded,
  seedWorkspace,
  w13Ts,
} from "../support/slack-scenario.ts";

// Case C9: conversations.history/replies squeezed to 1 request a minute (Slack's 2025 limits for
// some apps). A burst of reactions is acknowledged at once, the fetches wait as Retry-After says,
// and every highlight ends up stored, without a hot loop.

const MESSAGES = Array.from({ length: 16 }, (_, i) => ({
  ts: w13Ts(7200 + i * 600, i + 1),
  text: `Burst message ${i + 1}`,
}));
const FETCHES = new Set(["conversations.history", "conversations.replies"]);

let t: TestBot;
/** Test-clock times of the calls the squeezed methods answered 200, and of those they refused. */
let served: number[];
let refused: { atMs: number; ts: string }[];

beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  for (const message of MESSAGES) {
    t.fake.addMessage(GENERAL, { type: "message", user: BOB, ...message });
  }
  served = [];
  refused = [];
  // One call a minute of the test clock; any other gets HTTP 429 with the seconds still to wait.
  for (const method of FETCHES) {
    t.fake.setHandler(method, (args, _call, next) => {
      const now = t.clock.now();
      const last = served.at(-1);
      if (last === undefined || now >= last + 60_000) {
        served.push(now);
        return next();
      }
      refused.push({ atMs: now, ts: String(args.oldest ?? args.ts) });
      return httpReply(
        429,
        { ok: false, error: "ratelimited" },
        { "Retry-After": String(Math.ceil((last + 60_000 - now) / 1000)) },
      );
    });
  }
});
afterEach(async () => {
  await t.stop();
});

describe("a burst of reactions under a 1-a-minute fetch limit (C9)", () => {
  /** Sends `count` reactions within five seconds of the test clock; returns their HTTP statuses. */
  async function burst(count: number): Promise<number[]> {
    const results = await Promise.all(
      MESSAGES.slice(0, count).map(async (message, i) => {
        const result = await t.event(reactionAdded(ALICE, GENERAL, message.ts), `Ev0C9BURST${i}`);
        return result.status;
      }),
    );
    t.clock.advance(4_000);
    return results;
  }

  /** Moves the clock a minute and a second at a time until `count` highlights are stored. */
  async function drainMinutes(count: number): Promise<void> {
    for (let round = 0; round < count + 5 && (await allHighlights(t)).length < count; round += 1) {
      // Counted once what this minute allows has run (a burst's last events may still be in the
      // worker when its acknowledgements are back), then settled again.
      await t.settle();
      const before = t.fake.calls.filter((c) => FETCHES.has(c.method)).length;
      await t.settle();
      // With the clock standing still nothing is fetched again: no hot loop.
      expect(t.fake.calls.filter((c) => FETCHES.has(c.method)).length).toBe(before);
      t.clock.advance(61_000);
      await t.settle();
    }
  }

  it("acknowledges all 10 at once, loses none, honours Retry-After and never asks for more than 15", async () => {
    expect(await burst(10)).toEqual(Array(10).fill(200));
    for (let i = 0; i < 10; i += 1) {
      expect(await t.bot.store.getEvent(TEAM, `Ev0C9BURST${i}`)).toBeDefined();
    }
    await t.settle();
    expect(await allHighlights(t)).toHaveLength(1);

    await drainMinutes(10);

    const stored = await allHighlights(t);
    expect(stored.map((h) => h.text).sort()).toEqual(
      MESSAGES.slice(0, 10)
        .map((m) => m.text)
        .sort(),
    );
    for (let i = 0; i < 10; i += 1) {
      expect((await t.bot.store.getEvent(TEAM, `Ev0C9BURST${i}`))?.status).toBe("done");
    }
    const fetches = t.fake.calls.filter((c) => FETCHES.has(c.method));
    for (const call of fetches) {
      expect(Number(call.args.limit ?? 100)).toBeLessThanOrEqual(15);
    }
    // One fetch served a minute; after a 429 the other queued fetches wait for the same
    // Retry-After instead of each asking again: at most one refusal per minute.
    expect(served).toHaveLength(10);
    expect(new Set(refused.map((r) => r.atMs)).size).toBe(refused.length);
    expect(fetches.length).toBeLessThanOrEqual(10 + 10);
    expect(t.logger.entries.filter((e) => e.level === "error")).toEqual([]);
  });

  it("a longer burst (16) waits as many minutes as it takes: no event gives up", async () => {
    expect(await burst(16)).toEqual(Array(16).fill(200));
    await drainMinutes(16);
    expect(await allHighlights(t)).toHaveLength(16);
    expect(served).toHaveLength(16);
  });

  it("a burst while the limit is held by an earlier fetch waits too: nothing is dropped", async () => {
    await t.event(reactionAdded(ALICE, GENERAL, MESSAGES[0]?.ts ?? ""), "Ev0C9FIRST0");
    await t.settle();
    t.clock.advance(1_000);
    await t.event(reactionAdded(BOB, GENERAL, MESSAGES[1]?.ts ?? ""), "Ev0C9SECND1");
    await t.settle();
    const event = await t.bot.store.getEvent(TEAM, "Ev0C9SECND1");
    expect(event).toMatchObject({ status: "pending", lastErrorCode: "platform.rate_limited" });
    expect(event?.notBeforeMs).toBeGreaterThanOrEqual(t.clock.now() + 59_000);
    t.clock.advance(60_000);
    await t.settle();
    expect(await allHighlights(t)).toHaveLength(2);
  });
});
