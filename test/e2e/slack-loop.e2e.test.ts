import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BOT_USER, startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { buttonsOf } from "../support/slack-scenario.ts";

const ALICE = "U0ALICE001";
const BOB = "U0BOB00002";
const GENERAL = "C0GENERAL1";
// Tuesday to Thursday of 2026-W13.
const MESSAGES = [
  { ts: "1774346400.000100", user: BOB, text: "Bins booking went live in beta :tada:" },
  { ts: "1774432800.000200", user: ALICE, text: "Accessibility audit: 11 of 14 issues fixed &amp; retested" },
  { ts: "1774519200.000300", user: BOB, text: "Thanks <@U0ALICE001> for running the cyber drill" },
];

function reaction(user: string, ts: string, name = "star") {
  return {
    type: "reaction_added",
    user,
    reaction: name,
    item: { type: "message", channel: GENERAL, ts },
    event_ts: "1774600000.000100",
  };
}

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot({ now: "2026-03-27T12:00:00Z" });
  t.fake.addChannel({ id: GENERAL, name: "general" });
  t.fake.addUser({ id: ALICE, name: "alice", profile: { display_name: "Alice" } });
  t.fake.addUser({ id: BOB, name: "bob", profile: { display_name: "Bob" } });
  for (const message of MESSAGES) {
    t.fake.addMessage(GENERAL, { type: "message", ...message });
  }
});
afterEach(async () => {
  await t.stop();
});

describe("the whole loop in Slack", () => {
  it("three reactions → /weeknotes draft → approve → published → /weeknotes last", async () => {
    for (const [i, message] of MESSAGES.entries()) {
      const result = await t.event(reaction(ALICE, message.ts), `Ev0LOOP0000${i}`);
      expect(result.status).toBe(200);
    }
    await t.settle();
    const stored = await t.bot.store.listHighlights({
      workspace: TEAM,
      fromMs: 0,
      toMs: Date.parse("2027-01-01"),
    });
    expect(stored.map((h) => h.text)).toEqual([
      "Bins booking went live in beta 🎉",
      "Accessibility audit: 11 of 14 issues fixed & retested",
      "Thanks @Alice for running the cyber drill",
    ]);

    const draft = await t.command("draft", ALICE);
    expect(draft.status).toBe(200);
    expect(JSON.parse(draft.body)).toMatchObject({ response_type: "ephemeral" });
    await t.settle();
    const review = t.fake
      .callsOf("chat.postMessage")
      .find((c) => c.args.channel === GENERAL && buttonsOf(c).length > 0);
    expect(review).toBeDefined();
    const buttons = buttonsOf(review);
    expect(buttons.map((b) => b.action_id).sort()).toEqual(
      ["weeknote_approve", "weeknote_edit", "weeknote_regenerate", "weeknote_skip"].sort(),
    );
    const approve = buttons.find((b) => b.action_id === "weeknote_approve");
    const reviewTs = (t.fake.messages(GENERAL).find((m) => m.blocks !== undefined) ?? { ts: "" }).ts;

    const click = await t.interaction({
      type: "block_actions",
      team: { id: TEAM },
      user: { id: ALICE },
      api_app_id: "A0APP00001",
      trigger_id: "1111.2222.abcd",
      container: { type: "message", message_ts: reviewTs, channel_id: GENERAL },
      channel: { id: GENERAL },
      message: { ts: reviewTs },
      actions: [
        {
          type: "button",
          action_id: "weeknote_approve",
          block_id: "weeknote_actions",
          value: approve?.value,
          action_ts: "1774612800.000100",
        },
      ],
    });
    expect(click.status).toBe(200);
    await t.settle();

    const weeknote = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    expect(weeknote?.status).toBe("approved");
    expect(weeknote?.approval?.by).toBe(ALICE);
    expect(weeknote?.published).toBeDefined();
    const update = t.fake.callsOf("chat.update").at(-1);
    expect(update?.args.ts).toBe(reviewTs);
    expect(buttonsOf(update)).toEqual([]);
    expect(JSON.stringify(update?.args.blocks)).toContain("Approved by @Alice");
    const published = t.fake
      .callsOf("chat.postMessage")
      .filter((c) => buttonsOf(c).length === 0 && c.args.blocks);
    expect(published.length).toBeGreaterThan(0);
    expect(String(published.at(-1)?.args.unfurl_links)).toBe("false");

    const last = await t.command("last", BOB);
    expect(last.status).toBe(200);
    expect(last.body).toContain("2026-W13");
    expect(last.body).toContain("Bins booking went live in beta");
    // Laid out as Slack mrkdwn (one `*` for bold, no backslash escapes), not Markdown source,
    // which Slack would show as typed: `**Bins.**`, `cites 3 of 3\._`.
    const answer = String((JSON.parse(last.body) as { text?: unknown }).text);
    expect(answer).toMatch(/^The latest approved weeknote, 2026-W13:\n\n\*/);
    expect(answer).not.toContain("**");
    expect(answer).not.toContain("\\");
    expect(answer).toMatch(/_Drafted by the weeknotes offline summariser .*\._$/);
  });

  it("the same event delivered three times makes one highlight and one fetch (C1)", async () => {
    const event = reaction(ALICE, MESSAGES[0]?.ts ?? "");
    const first = await t.event(event, "Ev0DUP00001");
    const second = await t.event(event, "Ev0DUP00001", {
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
    const third = await t.event(event, "Ev0DUP00001", {
      "x-slack-retry-num": "2",
      "x-slack-retry-reason": "http_timeout",
    });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    await t.settle();
    const stored = await t.bot.store.listHighlights({
      workspace: TEAM,
      fromMs: 0,
      toMs: Date.parse("2027-01-01"),
    });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tags).toEqual([
      { user: ALICE, reaction: "star", section: "highlights", via: "reaction" },
    ]);
    const fetches = t.fake.calls.filter(
      (c) => c.method === "conversations.history" || c.method === "conversations.replies",
    );
    expect(fetches).toHaveLength(1);
  });

  it("only approvers may approve, and a double click makes one decision", async () => {
    await t.event(reaction(ALICE, MESSAGES[0]?.ts ?? ""), "Ev0APPR0001");
    await t.settle();
    await t.command("draft", ALICE);
    await t.settle();
    const review = t.fake.callsOf("chat.postMessage").find((c) => buttonsOf(c).length > 0);
    const value = buttonsOf(review).find((b) => b.action_id === "weeknote_approve")?.value;
    // As Slack sends a click: on the review message, which the draft stores.
    const reviewTs = (await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" }))
      ?.review?.messageId;
    const click = (user: string, actionTs: string) =>
      t.interaction({
        type: "block_actions",
        team: { id: TEAM },
        user: { id: user },
        trigger_id: `t.${actionTs}`,
        channel: { id: GENERAL },
        container: { type: "message", channel_id: GENERAL, message_ts: reviewTs },
        message: { ts: reviewTs },
        actions: [{ type: "button", action_id: "weeknote_approve", value, action_ts: actionTs }],
      });

    expect((await click(BOB, "1774612801.000100")).status).toBe(200);
    await t.settle();
    expect(
      (await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" }))?.status,
    ).toBe("draft");
    const refusal = t.fake.callsOf("chat.postEphemeral").find((c) => c.args.user === BOB);
    expect(String(refusal?.args.text)).toMatch(/Only the team's approvers/);

    const [a, b] = await Promise.all([click(ALICE, "1774612802.000100"), click(ALICE, "1774612803.000100")]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await t.settle();
    const publishes = t.fake
      .callsOf("chat.postMessage")
      .filter((c) => c.args.blocks && buttonsOf(c).length === 0);
    expect(publishes).toHaveLength(1);
    const told = t.fake
      .callsOf("chat.postEphemeral")
      .filter((c) => c.args.user === ALICE)
      .map((c) => String(c.args.text));
    expect(told.some((text) => /already approved/.test(text))).toBe(true);
  });

  it("never counts the bot's own messages", async () => {
    t.fake.addMessage(GENERAL, {
      type: "message",
      ts: "1774520000.000400",
      user: BOT_USER,
      bot_id: "B0BOT00001",
      text: "draft",
    });
    await t.event(reaction(ALICE, "1774520000.000400"), "Ev0BOTMSG01");
    await t.settle();
    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/1774520000.000400`)).toBeUndefined();
  });
});
