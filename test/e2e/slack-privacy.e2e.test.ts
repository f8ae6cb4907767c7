import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import {
  ALICE,
  BOB,
  GENERAL,
  PRIVATE,
  reactionAdded,
  reviewPost,
  seedWorkspace,
  w13Ts,
} from "../support/slack-scenario.ts";

// Private channels (SPEC §4, CASES C2/C17): a highlight from a private channel is stored as
// private and stays out of a note posted to a public review channel.

const PUBLIC_TS = w13Ts(3600, 1);
const PRIVATE_TS = w13Ts(7200, 2);
const SECRET_TEXT = "Restructure plan: two posts to go in April";

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  t.fake.addChannel({ id: PRIVATE, name: "secret-project", is_channel: true, is_private: true });
  t.fake.addMessage(GENERAL, {
    type: "message",
    ts: PUBLIC_TS,
    user: BOB,
    text: "Forms beta opened to everyone",
  });
  t.fake.addMessage(PRIVATE, { type: "message", ts: PRIVATE_TS, user: BOB, text: SECRET_TEXT });
});
afterEach(async () => {
  await t.stop();
});

describe("private channels", () => {
  it("a private-channel highlight is stored private and left out of the public review, the note and the Home tab", async () => {
    await t.event(reactionAdded(ALICE, GENERAL, PUBLIC_TS), "Ev0PRIVPUB1");
    await t.event(reactionAdded(ALICE, PRIVATE, PRIVATE_TS), "Ev0PRIVPRV1");
    await t.settle();
    expect(await t.bot.store.getHighlight(TEAM, `${PRIVATE}/${PRIVATE_TS}`)).toMatchObject({
      private: true,
      conversationName: "secret-project",
      text: SECRET_TEXT,
    });
    expect((await t.bot.store.getHighlight(TEAM, `${GENERAL}/${PUBLIC_TS}`))?.private).toBe(false);

    await t.command("draft", ALICE);
    await t.settle();
    const review = reviewPost(t.fake);
    expect(review?.args.channel).toBe(GENERAL);
    const weeknote = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    expect(weeknote?.revisions.at(-1)?.highlightIds).toEqual([`${GENERAL}/${PUBLIC_TS}`]);
    expect(weeknote?.revisions.at(-1)?.markdown).not.toContain("Restructure");
    expect(weeknote?.revisions.at(-1)?.markdown).not.toContain("secret-project");
    const everythingPosted = JSON.stringify(
      t.fake.calls.filter((c) => c.method.startsWith("chat.")).map((c) => c.args),
    );
    expect(everythingPosted).toContain("Forms beta opened to everyone");
    expect(everythingPosted).not.toContain("Restructure");
    expect(everythingPosted).not.toContain("secret-project");

    await t.event(
      {
        type: "app_home_opened",
        user: BOB,
        channel: "D0HOME0002",
        tab: "home",
        event_ts: "1774612800.000100",
      },
      "Ev0PRIVHOM1",
    );
    await t.settle();
    const home = JSON.stringify(t.fake.callsOf("views.publish")[0]?.args.view);
    expect(home).toContain("Forms beta opened to everyone");
    expect(home).not.toContain("Restructure");
  });
});
