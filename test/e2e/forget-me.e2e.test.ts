import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/bot-harness.ts";
import { ALICE, allHighlights, BOB, GENERAL, reactionAdded, w13Ts } from "../support/slack-scenario.ts";

// "Forget me" (SPEC §7) end to end: signed Slack requests to the real bot (HTTP on 127.0.0.1,
// SQLite in a temp folder) against the fake Slack Web API; the command goes through the inbox.

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot({ now: "2026-03-27T12:00:00Z" });
  t.fake.addChannel({ id: GENERAL, name: "general" });
  t.fake.addUser({ id: ALICE, name: "alice", profile: { display_name: "Alice" } });
  t.fake.addUser({ id: BOB, name: "bob", profile: { display_name: "Bob" } });
  t.fake.addMessage(GENERAL, {
    type: "message",
    ts: w13Ts(3600),
    user: ALICE,
    text: "Alice shipped the bins app",
  });
  t.fake.addMessage(GENERAL, {
    type: "message",
    ts: w13Ts(7200),
    user: BOB,
    text: "Bob ran the cyber drill",
  });
  t.fake.addMessage(GENERAL, { type: "message", ts: w13Ts(9000), user: BOB, text: "Bob fixed the forms" });
});
afterEach(async () => {
  await t.stop();
});

describe("/weeknotes forget me", () => {
  it("deletes the asker's highlights and tags, keeps everyone else's, and tells them privately", async () => {
    // Alice's own message (tagged by Bob), Bob's message tagged by Alice and Bob, Bob's message
    // tagged only by Alice, and a typed highlight of Alice's.
    await t.event(reactionAdded(BOB, GENERAL, w13Ts(3600)), "Ev0FORGET01");
    await t.event(reactionAdded(ALICE, GENERAL, w13Ts(7200), "clap"), "Ev0FORGET02");
    await t.event(reactionAdded(BOB, GENERAL, w13Ts(7200)), "Ev0FORGET03");
    await t.event(reactionAdded(ALICE, GENERAL, w13Ts(9000)), "Ev0FORGET04");
    expect((await t.command("add Thanks to the contact centre", ALICE)).status).toBe(200);
    await t.settle();
    expect((await allHighlights(t)).map((h) => h.text).sort()).toEqual([
      "Alice shipped the bins app",
      "Bob fixed the forms",
      "Bob ran the cyber drill",
      "Thanks to the contact centre",
    ]);

    const asked = await t.command("forget me", ALICE);
    expect(asked.status).toBe(200);
    expect(asked.body).toContain("Forgetting your highlights");
    await t.settle();

    const left = await allHighlights(t);
    expect(left.map((h) => [h.text, h.tags.map((tag) => tag.user)])).toEqual([
      ["Bob ran the cyber drill", [BOB]],
    ]);
    expect(left[0]?.section).toBe("highlights");
    const told = t.fake.callsOf("chat.postEphemeral").map((c) => [c.args.user, c.args.text]);
    expect(told).toContainEqual([
      ALICE,
      "Done: I deleted 3 highlights of yours and removed 1 tag you put on other people's messages. Weeknotes already written keep their words; ask an approver if one should change.",
    ]);
    // Through the inbox, as every write: recorded first, then carried out by the worker.
    const recorded = t.logger.entries.filter(
      (e) => e.message === "command recorded" && e.fields.kind === "forget_person",
    );
    expect(recorded.map((e) => e.fields.result)).toEqual(["recorded"]);
  });

  it("does nothing on a near miss: only the two words forget me", async () => {
    await t.event(reactionAdded(BOB, GENERAL, w13Ts(3600)), "Ev0FORGET11");
    await t.settle();
    const asked = await t.command("forget", ALICE);
    expect(asked.body).toContain("didn't understand");
    await t.command("forget everyone", ALICE);
    await t.settle();
    expect(await allHighlights(t)).toHaveLength(1);
  });
});
