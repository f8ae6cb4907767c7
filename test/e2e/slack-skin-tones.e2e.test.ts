import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import {
  ALICE,
  BOB,
  GENERAL,
  reactionAdded,
  reactionRemoved,
  seedWorkspace,
} from "../support/slack-scenario.ts";

// Case C6: toned reactions file under the plain emoji's section, and each reactor's tag is kept
// by its exact name, so removing one toned reaction leaves another person's plain one.

const X = "1774342800.000100";

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  t.fake.addMessage(GENERAL, {
    type: "message",
    ts: X,
    user: BOB,
    text: "Thanks to everyone who tested the forms",
  });
});
afterEach(async () => {
  await t.stop();
});

async function send(event: Record<string, unknown>, eventId: string): Promise<void> {
  expect((await t.event(event, eventId)).status).toBe(200);
  await t.settle();
}

describe("skin tones per reactor (C6)", () => {
  it("Alice's toned tag and Bob's plain tag are two tags; removing Alice's keeps Bob's; removing Bob's removes the highlight", async () => {
    await send(reactionAdded(ALICE, GENERAL, X, "raised_hands::skin-tone-4"), "Ev0C6ADD001");
    let stored = await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`);
    expect(stored?.section).toBe("thanks");
    expect(stored?.tags).toEqual([
      { user: ALICE, reaction: "raised_hands::skin-tone-4", section: "thanks", via: "reaction" },
    ]);

    await send(reactionAdded(BOB, GENERAL, X, "raised_hands"), "Ev0C6ADD002");
    stored = await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`);
    expect(stored?.tags).toHaveLength(2);

    await send(reactionRemoved(ALICE, GENERAL, X, "raised_hands::skin-tone-4"), "Ev0C6REM001");
    stored = await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`);
    expect(stored?.text).toBe("Thanks to everyone who tested the forms");
    expect(stored?.tags).toEqual([
      { user: BOB, reaction: "raised_hands", section: "thanks", via: "reaction" },
    ]);

    await send(reactionRemoved(BOB, GENERAL, X, "raised_hands"), "Ev0C6REM002");
    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`)).toBeUndefined();
  });

  it("removing a plain reaction someone never added leaves the toned one", async () => {
    await send(reactionAdded(ALICE, GENERAL, X, "raised_hands::skin-tone-4"), "Ev0C6ADD003");
    await send(reactionRemoved(ALICE, GENERAL, X, "raised_hands"), "Ev0C6REM003");
    expect((await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`))?.tags).toEqual([
      { user: ALICE, reaction: "raised_hands::skin-tone-4", section: "thanks", via: "reaction" },
    ]);
  });

  it("a look-alike name is not the emoji: star-struck is not star", async () => {
    await send(reactionAdded(ALICE, GENERAL, X, "star-struck"), "Ev0C6LOOK01");
    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`)).toBeUndefined();
    expect(t.fake.callsOf("conversations.history")).toEqual([]);
  });
});
