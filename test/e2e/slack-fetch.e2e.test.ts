import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { ALICE, BOB, GENERAL, reactionAdded, seedWorkspace } from "../support/slack-scenario.ts";

// Case C3: the reacted message is fetched exactly: a thread reply through conversations.replies,
// a top-level message through conversations.history, both bounded to its ts and inclusive, and
// a fetch answering with any other ts stores nothing.

const P = "1700000000.000100";
const R = "1700000060.000200";
const M = "1700000120.000300";

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  t.fake.addMessage(GENERAL, {
    type: "message",
    ts: P,
    thread_ts: P,
    reply_count: 1,
    user: ALICE,
    text: "Parent P",
  });
  t.fake.addMessage(GENERAL, {
    type: "message",
    ts: R,
    thread_ts: P,
    parent_user_id: ALICE,
    user: BOB,
    text: "Reply R",
  });
  t.fake.addMessage(GENERAL, { type: "message", ts: M, user: ALICE, text: "Top-level M" });
});
afterEach(async () => {
  await t.stop();
});

function fetches(t: TestBot) {
  return t.fake.calls.filter(
    (c) => c.method === "conversations.history" || c.method === "conversations.replies",
  );
}

describe("fetching the reacted message (C3)", () => {
  it("a reaction on thread reply R stores R's text, read with replies bounded to R, inclusive", async () => {
    expect((await t.event(reactionAdded(BOB, GENERAL, R), "Ev0C3REPLY1")).status).toBe(200);
    await t.settle();

    const stored = await t.bot.store.getHighlight(TEAM, `${GENERAL}/${R}`);
    expect(stored?.text).toBe("Reply R");
    expect(stored?.threadId).toBe(P);
    expect(stored?.messageId).toBe(R);
    expect(stored?.authorName).toBe("Bob");
    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${P}`)).toBeUndefined();
    const calls = fetches(t);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe("conversations.replies");
    expect(calls[0]?.args).toMatchObject({
      channel: GENERAL,
      ts: P,
      oldest: R,
      latest: R,
      inclusive: "true",
    });
    expect(Number(calls[0]?.args.limit)).toBeLessThanOrEqual(15);
  });

  it("a reaction on top-level M stores M's text, read with history bounded to M, inclusive", async () => {
    await t.event(reactionAdded(BOB, GENERAL, M), "Ev0C3TOPLV1");
    await t.settle();

    expect((await t.bot.store.getHighlight(TEAM, `${GENERAL}/${M}`))?.text).toBe("Top-level M");
    const calls = fetches(t);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe("conversations.history");
    expect(calls[0]?.args).toMatchObject({ channel: GENERAL, oldest: M, latest: M, inclusive: "true" });
    expect(Number(calls[0]?.args.limit)).toBeLessThanOrEqual(15);
  });

  it("a history answer holding another message (a neighbour) stores nothing", async () => {
    t.fake.setHandler("conversations.history", () => ({
      ok: true,
      messages: [{ type: "message", ts: P, user: ALICE, text: "Parent P" }],
      has_more: false,
    }));
    await t.event(reactionAdded(BOB, GENERAL, M), "Ev0C3NEIGH1");
    await t.settle();

    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${M}`)).toBeUndefined();
    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${P}`)).toBeUndefined();
    expect(t.logger.entries.some((e) => /no message with exactly this ts/.test(e.message))).toBe(true);
    expect((await t.bot.store.getEvent(TEAM, "Ev0C3NEIGH1"))?.status).toBe("done");
  });

  it("a replies answer holding only the parent stores nothing", async () => {
    t.fake.setHandler("conversations.replies", () => ({
      ok: true,
      messages: [{ type: "message", ts: P, thread_ts: P, user: ALICE, text: "Parent P" }],
      has_more: false,
    }));
    await t.event(reactionAdded(BOB, GENERAL, R), "Ev0C3NEIGH2");
    await t.settle();

    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${R}`)).toBeUndefined();
    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${P}`)).toBeUndefined();
  });
});
