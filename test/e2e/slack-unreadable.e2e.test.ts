import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { ALICE, allHighlights, DM, SHARED, seedWorkspace } from "../support/slack-scenario.ts";

// Case C2: a reaction in a channel the bot cannot read (Slack Connect, a DM): acknowledged, nothing
// empty stored, the reactor told how to fix it, and the inbox event failed with the reason.

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
});
afterEach(async () => {
  await t.stop();
});

/** The repro's event: no `item_user` (a webhook's message). */
function reaction(channel: string, ts: string) {
  return {
    type: "reaction_added",
    user: ALICE,
    reaction: "star",
    item: { type: "message", channel, ts },
    event_ts: "1700000301.000100",
  };
}

/** Every text the reactor was sent, ephemeral or by DM. */
function toldAlice(t: TestBot): string[] {
  const ephemeral = t.fake
    .callsOf("chat.postEphemeral")
    .filter((c) => c.args.user === ALICE && c.status === 200)
    .map((c) => String(c.args.text));
  const dms = t.fake
    .callsOf("chat.postMessage")
    .filter((c) => String(c.args.channel).startsWith("D"))
    .map((c) => String(c.args.text));
  return [...ephemeral, ...dms];
}

describe("a reaction the bot cannot follow up (C2)", () => {
  it("not_in_channel (Slack Connect, no item_user): 200, no highlight, an invite hint, the event failed", async () => {
    const ts = "1700000300.000400";
    t.fake.addChannel({ id: SHARED, name: "partner-shared", is_ext_shared: true });
    t.fake.addMessage(SHARED, { type: "message", ts, user: "U0EXTERNAL", text: "From the partner org" });
    t.fake.notInChannel(SHARED);

    const result = await t.event(reaction(SHARED, ts), "Ev0C2SHARED");
    expect(result.status).toBe(200);
    await t.settle();

    expect(await t.bot.store.getHighlight(TEAM, `${SHARED}/${ts}`)).toBeUndefined();
    expect((await allHighlights(t)).filter((h) => h.text.trim() === "")).toEqual([]);
    const hints = toldAlice(t);
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatch(/invite/i);
    const event = await t.bot.store.getEvent(TEAM, "Ev0C2SHARED");
    expect(event).toMatchObject({ status: "failed", lastErrorCode: "platform.not_in_channel" });
  });

  it("missing_scope for a DM: 200, no highlight, the hint reaches Alice by DM, the event failed", async () => {
    const ts = "1700000300.000500";
    const refuse = () => ({
      ok: false,
      error: "missing_scope",
      needed: "im:history",
      provided: "channels:history",
    });
    t.fake.setHandler("conversations.history", refuse);
    t.fake.setHandler("conversations.replies", refuse);
    // The bot is not in that DM, so an ephemeral message there cannot be delivered either.
    t.fake.setHandler("chat.postEphemeral", (args, _call, next) =>
      args.channel === DM ? { ok: false, error: "channel_not_found" } : next(),
    );

    const result = await t.event(reaction(DM, ts), "Ev0C2DIRECT");
    expect(result.status).toBe(200);
    await t.settle();

    expect(await t.bot.store.getHighlight(TEAM, `${DM}/${ts}`)).toBeUndefined();
    expect(await allHighlights(t)).toEqual([]);
    const dm = t.fake
      .callsOf("chat.postMessage")
      .filter((c) => String(c.args.channel).startsWith("D") && c.args.channel !== DM);
    expect(dm).toHaveLength(1);
    expect(String(dm[0]?.args.text)).toMatch(/invite/i);
    expect(t.fake.callsOf("conversations.open")[0]?.args.users).toBe(ALICE);
    const event = await t.bot.store.getEvent(TEAM, "Ev0C2DIRECT");
    expect(event).toMatchObject({ status: "failed", lastErrorCode: "platform.missing_scope" });
  });

  it("after the bot is invited, tagging again stores the message", async () => {
    const ts = "1700000300.000400";
    t.fake.addChannel({ id: SHARED, name: "partner-shared" });
    t.fake.addMessage(SHARED, { type: "message", ts, user: ALICE, text: "Joint launch plan agreed" });
    t.fake.notInChannel(SHARED);
    await t.event(reaction(SHARED, ts), "Ev0C2AGAIN1");
    await t.settle();
    t.fake.notInChannel(SHARED, false);
    await t.event(reaction(SHARED, ts), "Ev0C2AGAIN2");
    await t.settle();
    expect((await t.bot.store.getHighlight(TEAM, `${SHARED}/${ts}`))?.text).toBe("Joint launch plan agreed");
  });
});
