import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SECRET, startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import {
  ALICE,
  BOB,
  buttonClick,
  buttonsOf,
  GENERAL,
  reactionAdded,
  reviewPost,
  seedWorkspace,
  w13Ts,
} from "../support/slack-scenario.ts";
import { postSlackInteraction } from "../support/slack-signing.ts";

// Case C18: no route changes a draft without Slack's signature. There is no /api/approve, and a
// forged block_actions approve on /slack/events is refused before anything happens.

const KEY = { workspace: TEAM, team: "default", week: "2026-W13" };

let t: TestBot;
let approveValue: string;
let reviewTs: string;

beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  const ts = w13Ts(3600);
  t.fake.addMessage(GENERAL, { type: "message", ts, user: BOB, text: "Cyber drill done" });
  await t.event(reactionAdded(ALICE, GENERAL, ts), "Ev0C18TAG01");
  await t.settle();
  await t.command("draft", ALICE);
  await t.settle();
  approveValue = String(buttonsOf(reviewPost(t.fake)).find((b) => b.action_id === "weeknote_approve")?.value);
  reviewTs = String(t.fake.messages(GENERAL).find((m) => m.blocks !== undefined)?.ts);
  t.fake.clearCalls();
});
afterEach(async () => {
  await t.stop();
});

function forgedApprove(): Record<string, unknown> {
  return buttonClick({
    user: ALICE,
    actionId: "weeknote_approve",
    value: approveValue,
    channel: GENERAL,
    messageTs: reviewTs,
    actionTs: "1774612900.000100",
  });
}

async function expectUnchanged(): Promise<void> {
  await t.settle();
  const weeknote = await t.bot.store.getWeeknote(KEY);
  expect(weeknote?.status).toBe("draft");
  expect(weeknote?.approval).toBeUndefined();
  expect(weeknote?.published).toBeUndefined();
  expect(weeknote?.revisions).toHaveLength(1);
  expect(t.fake.calls).toEqual([]);
}

describe("forged approvals (C18)", () => {
  it("POST /api/approve does not exist: 404", async () => {
    const response = await fetch(`${t.bot.url}/api/approve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "block_actions",
        actions: [{ action_id: "approve", value: "d-2025-W02-T1" }],
      }),
    });
    expect(response.status).toBe(404);
    await expectUnchanged();
  });

  it("an unsigned block_actions approve on /slack/events: 401, nothing changes", async () => {
    const result = await postSlackInteraction(`${t.bot.url}/slack/events`, forgedApprove(), {
      secret: SECRET,
      timestampSeconds: Math.floor(t.clock.now() / 1000),
      unsigned: true,
    });
    expect(result.status).toBe(401);
    expect(result.body).not.toContain(SECRET);
    await expectUnchanged();
  });

  it("the repro's bare payload, and one signed with the wrong secret or replayed: 401, nothing changes", async () => {
    const url = `${t.bot.url}/slack/events`;
    const now = Math.floor(t.clock.now() / 1000);
    const bare = { type: "block_actions", actions: [{ action_id: "weeknote_approve", value: approveValue }] };
    expect(
      (await postSlackInteraction(url, bare, { secret: SECRET, timestampSeconds: now, unsigned: true }))
        .status,
    ).toBe(401);
    expect(
      (await postSlackInteraction(url, forgedApprove(), { secret: "guessed-secret", timestampSeconds: now }))
        .status,
    ).toBe(401);
    expect(
      (await postSlackInteraction(url, forgedApprove(), { secret: SECRET, timestampSeconds: now - 600 }))
        .status,
    ).toBe(401);
    await expectUnchanged();

    // The same click, properly signed, does approve: the refusals were the signature's doing.
    expect((await t.interaction(forgedApprove())).status).toBe(200);
    await t.settle();
    expect((await t.bot.store.getWeeknote(KEY))?.status).toBe("approved");
  });
});
