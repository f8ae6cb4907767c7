import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import type { FakeSlackCall } from "../support/fake-slack-api.ts";
import {
  ALICE,
  BOB,
  blocksOf,
  buttonClick,
  buttonsOf,
  GENERAL,
  reactionAdded,
  reviewPost,
  seedWorkspace,
  w13Ts,
} from "../support/slack-scenario.ts";

// Case C8 in the loop: a busy week (one 40,000-character message and 60 long ones) is drafted,
// posted for review and published within Block Kit's limits, the rest in thread replies, and
// nothing is lost.

const HUGE_TS = w13Ts(600);
const HUGE = (() => {
  let text = "Incident log of the bins outage:";
  for (let line = 1; text.length < 40_000; line += 1) {
    text += `\nline ${line}: retried the booking API, 503 again, escalated to the supplier & waited`;
  }
  return text.slice(0, 40_000);
})();
const ITEMS = Array.from({ length: 60 }, (_, i) => ({
  ts: w13Ts(3600 + i * 60, i + 1),
  text: `Item ${i + 1}: ${"the accessibility audit and the forms beta moved on ".repeat(6).trim()}`,
}));

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  t.fake.addMessage(GENERAL, { type: "message", ts: HUGE_TS, user: BOB, text: HUGE });
  for (const item of ITEMS) {
    t.fake.addMessage(GENERAL, { type: "message", user: ALICE, ...item });
  }
});
afterEach(async () => {
  await t.stop();
});

/**
 * One posted message against Slack's documented limits, written out here (not the renderer's
 * constants): the fake refuses a call that breaks them, and this says which message it was.
 */
function checkLimits(call: FakeSlackCall): void {
  expect(call.error).toBeUndefined();
  const blocks = blocksOf(call);
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const block of blocks) {
    if (block.type === "section") {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    }
    if (block.type === "header") {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(150);
    }
    if (block.type === "context") {
      expect(block.elements?.length ?? 0).toBeLessThanOrEqual(10);
    }
    for (const element of block.elements ?? []) {
      expect(String(element.value ?? "").length).toBeLessThanOrEqual(2000);
    }
  }
  expect(String(call.args.text ?? "").length).toBeLessThanOrEqual(40_000);
}

describe("a busy week within Block Kit's limits (C8)", () => {
  it("drafts, posts and publishes 61 highlights, one of 40,000 characters, losing nothing", async () => {
    for (const [i, ts] of [HUGE_TS, ...ITEMS.map((item) => item.ts)].entries()) {
      expect(
        (await t.event(reactionAdded(BOB, GENERAL, ts), `Ev0C8TAG${String(i).padStart(3, "0")}`)).status,
      ).toBe(200);
    }
    await t.settle();
    const huge = await t.bot.store.getHighlight(TEAM, `${GENERAL}/${HUGE_TS}`);
    expect(huge?.text).toBe(HUGE);

    await t.command("draft", ALICE);
    await t.settle();
    const weeknote = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    const revision = weeknote?.revisions.at(-1);
    expect(new Set(revision?.highlightIds)).toEqual(
      new Set([HUGE_TS, ...ITEMS.map((item) => item.ts)].map((ts) => `${GENERAL}/${ts}`)),
    );

    const review = reviewPost(t.fake);
    expect(review).toBeDefined();
    const reviewRef = t.fake.messages(GENERAL).find((m) => buttonsOf({ args: m } as never).length > 0);
    const replies = t.fake.callsOf("chat.postMessage").filter((c) => c.args.thread_ts === reviewRef?.ts);
    expect(replies.length).toBeGreaterThan(0);
    const reviewParts = [review as FakeSlackCall, ...replies];
    for (const call of reviewParts) {
      checkLimits(call);
    }
    // Every item reached the review, in the first message or in the thread.
    const shown = reviewParts.flatMap((c) => blocksOf(c).map((b) => b.text?.text ?? "")).join("\n");
    for (let i = 1; i <= 60; i += 1) {
      expect(shown).toContain(`Item ${i}:`);
    }
    expect(shown).toContain("Incident log of the bins outage:");

    const approve = buttonsOf(review).find((b) => b.action_id === "weeknote_approve");
    await t.interaction(
      buttonClick({
        user: ALICE,
        actionId: "weeknote_approve",
        value: approve?.value,
        channel: GENERAL,
        messageTs: String(reviewRef?.ts),
        actionTs: "1774612800.000300",
      }),
    );
    await t.settle();
    const approved = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    expect(approved?.status).toBe("approved");
    const publishedTs = approved?.published?.messageId;
    const published = t.fake
      .callsOf("chat.postMessage")
      .filter(
        (c) =>
          c.args.thread_ts === publishedTs ||
          (c.args.blocks && buttonsOf(c).length === 0 && !c.args.thread_ts),
      );
    expect(published.length).toBeGreaterThan(1);
    for (const call of [...t.fake.callsOf("chat.postMessage"), ...t.fake.callsOf("chat.update")]) {
      if (call.args.blocks !== undefined) {
        checkLimits(call);
      }
    }
    const publishedText = published.flatMap((c) => blocksOf(c).map((b) => b.text?.text ?? "")).join("\n");
    for (let i = 1; i <= 60; i += 1) {
      expect(publishedText).toContain(`Item ${i}:`);
    }
    expect(t.logger.entries.filter((e) => e.level === "error")).toEqual([]);
    // Nothing was refused on the way: every part of the review and of the note was within limits.
    expect(t.fake.limitRefusals()).toEqual([]);
  });

  it("will not open Slack's 3,000-character editor on a longer draft, so nothing is lost", async () => {
    for (const [i, item] of ITEMS.slice(0, 30).entries()) {
      await t.event(reactionAdded(ALICE, GENERAL, item.ts), `Ev0EDITLONG${String(i).padStart(2, "0")}`);
    }
    await t.settle();
    await t.command("draft", ALICE);
    await t.settle();
    const review = reviewPost(t.fake);
    const edit = buttonsOf(review).find((b) => b.action_id === "weeknote_edit");
    const click = await t.interaction(
      buttonClick({
        user: ALICE,
        actionId: "weeknote_edit",
        value: edit?.value,
        channel: GENERAL,
        // The review message's ts, as the draft stores it (a postMessage call has none in its args).
        messageTs: String(
          (await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" }))?.review
            ?.messageId,
        ),
        actionTs: "1774612900.000100",
      }),
    );
    expect(click.status).toBe(200);
    await t.settle();
    expect(t.fake.callsOf("views.open")).toHaveLength(0);
    const told = t.fake.callsOf("chat.postEphemeral").map((c) => String(c.args.text));
    expect(told.some((text) => /longer than Slack(&#39;|')s 3,000-character text box/.test(text))).toBe(true);
    const weeknote = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    expect(weeknote?.revisions).toHaveLength(1);
  });
});
