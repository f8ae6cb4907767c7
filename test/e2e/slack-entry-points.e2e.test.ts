import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BOT_USER, startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import {
  ALICE,
  allHighlights,
  BOB,
  buttonClick,
  buttonsOf,
  DM,
  GENERAL,
  openedModal,
  REVIEW,
  reactionAdded,
  seedWorkspace,
  submitModal,
  w13Ts,
} from "../support/slack-scenario.ts";

// The other ways in (SPEC §1): /weeknotes add, the "Add to weeknotes" message shortcut, DMs,
// mentions, the week/list questions, the settings modal and the App Home.

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  t.fake.addChannel({ id: DM, is_im: true, user: ALICE });
});
afterEach(async () => {
  await t.stop();
});

/** Makes an approved 2026-W12 note (tag, draft, approve in W12), then comes back to Friday of W13. */
async function approveWeek12(): Promise<void> {
  t.clock.set("2026-03-20T12:00:00Z");
  const ts = "1773997200.000100"; // Friday 2026-03-20 09:00Z
  t.fake.addMessage(GENERAL, {
    type: "message",
    ts,
    user: BOB,
    text: "Cyber drill went well & the runbook held up: https://intranet.example/runbook",
  });
  await t.event(reactionAdded(ALICE, GENERAL, ts), "Ev0W12TAG01");
  await t.settle();
  await t.command("draft", ALICE);
  await t.settle();
  const review = t.fake.callsOf("chat.postMessage").find((c) => buttonsOf(c).length > 0);
  const value = buttonsOf(review).find((b) => b.action_id === "weeknote_approve")?.value;
  const reviewTs = String(t.fake.messages(GENERAL).find((m) => m.blocks !== undefined)?.ts);
  await t.interaction(
    buttonClick({
      user: ALICE,
      actionId: "weeknote_approve",
      value,
      channel: GENERAL,
      messageTs: reviewTs,
      actionTs: "1774008000.000100",
    }),
  );
  await t.settle();
  expect(
    (await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W12" }))?.status,
  ).toBe("approved");
  t.clock.set("2026-03-27T12:00:00Z");
  t.fake.clearCalls();
}

/**
 * A note in an answer is Slack mrkdwn escaped once: `&` as `&amp;`, bold with one `*` — not
 * Markdown source (`**`, backslash escapes) and not escaped twice (`&amp;amp;`).
 */
function expectMrkdwnNote(text: string): void {
  expect(text).toContain("Cyber drill went well &amp; the runbook held up");
  expect(text).toMatch(/^The latest approved weeknote, 2026-W12:\n\n\*weeknotes 2026-W12 — /);
  expect(text).not.toMatch(/\*\*|\\|&amp;amp;/);
}

describe("adding highlights without a reaction", () => {
  it("/weeknotes add thanks: … stores a thanks highlight authored by whoever typed it", async () => {
    const result = await t.command("add thanks: Jo for the phones", ALICE);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ response_type: "ephemeral" });
    expect(result.body).toMatch(/Added/);
    await t.settle();
    const [stored, ...more] = await allHighlights(t);
    expect(more).toEqual([]);
    expect(stored).toMatchObject({
      section: "thanks",
      text: "Jo for the phones",
      authorId: ALICE,
      authorName: "Alice",
      conversationId: GENERAL,
      // Typed text is not a chat message: no message id, and an id of its own.
      messageId: undefined,
      id: expect.stringMatching(/^typed\//),
      tags: [{ user: ALICE, reaction: "add", section: "thanks", via: "command" }],
    });
    // Posted now, so it is in this week's note.
    expect(stored?.postedAtMs).toBe(t.clock.now());
  });

  it("the message shortcut on a thread reply stores that reply", async () => {
    const parent = w13Ts(3600, 1);
    const reply = w13Ts(3700, 2);
    t.fake.addMessage(GENERAL, {
      type: "message",
      ts: parent,
      thread_ts: parent,
      reply_count: 1,
      user: ALICE,
      text: "Parent: forms beta",
    });
    t.fake.addMessage(GENERAL, {
      type: "message",
      ts: reply,
      thread_ts: parent,
      user: BOB,
      text: "Reply: 120 forms sent in the first day",
    });
    const result = await t.interaction({
      type: "message_action",
      callback_id: "weeknotes_add_message",
      trigger_id: "2222.3333.shortcut",
      action_ts: "1774612800.000500",
      team: { id: TEAM, domain: "weeknotes-test" },
      user: { id: ALICE, name: "alice", team_id: TEAM },
      channel: { id: GENERAL, name: "general" },
      message_ts: reply,
      message: {
        type: "message",
        ts: reply,
        thread_ts: parent,
        user: BOB,
        text: "Reply: 120 forms sent in the first day",
      },
      response_url: `${t.fake.url}response/shortcut`,
    });
    expect(result.status).toBe(200);
    await t.settle();
    const stored = await allHighlights(t);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      id: `${GENERAL}/${reply}`,
      conversationId: GENERAL,
      messageId: reply,
      threadId: parent,
      text: "Reply: 120 forms sent in the first day",
      authorName: "Bob",
      permalink: expect.stringContaining(`thread_ts=${parent}`),
      tags: [{ user: ALICE, reaction: "add", section: "highlights", via: "command" }],
    });
    // Slack handed the message over with the shortcut: no rate-limited history read was needed.
    expect(t.fake.callsOf("conversations.replies")).toEqual([]);
    expect(t.fake.callsOf("conversations.history")).toEqual([]);
  });

  it('a DM is added as a highlight, and a DM "last week" is answered there', async () => {
    await approveWeek12();
    const dm = (text: string, ts: string) => ({
      type: "message",
      channel: DM,
      channel_type: "im",
      user: ALICE,
      text,
      ts,
      event_ts: ts,
    });
    expect((await t.event(dm("Shipped the thing", "1774612800.000600"), "Ev0DMADD001")).status).toBe(200);
    await t.settle();
    const added = (await allHighlights(t)).find((h) => h.conversationId === DM);
    expect(added).toMatchObject({ text: "Shipped the thing", authorId: ALICE, section: "highlights" });
    expect(t.fake.callsOf("chat.postMessage").map((c) => [c.args.channel, c.args.text])).toContainEqual([
      DM,
      "Added to this week's notes.",
    ]);

    t.fake.clearCalls();
    expect((await t.event(dm("last week", "1774612801.000700"), "Ev0DMLAST01")).status).toBe(200);
    await t.settle();
    const answers = t.fake.callsOf("chat.postMessage").filter((c) => c.args.channel === DM);
    expect(answers).toHaveLength(1);
    expect(String(answers[0]?.args.text)).toContain("2026-W12");
    expect(String(answers[0]?.args.text)).toContain("Cyber drill went well");
    expectMrkdwnNote(String(answers[0]?.args.text));
    expect((await allHighlights(t)).filter((h) => h.text === "last week")).toEqual([]);
  });

  it('"@weeknotes last week" is answered in the thread of the mention', async () => {
    await approveWeek12();
    const mention = {
      type: "app_mention",
      user: BOB,
      text: `<@${BOT_USER}> last week`,
      ts: "1774612800.000800",
      channel: GENERAL,
      event_ts: "1774612800.000800",
    };
    expect((await t.event(mention, "Ev0MENTION1")).status).toBe(200);
    await t.settle();
    const answer = t.fake.callsOf("chat.postMessage").at(-1);
    expect(answer?.args).toMatchObject({ channel: GENERAL, thread_ts: "1774612800.000800" });
    expect(String(answer?.args.text)).toContain("2026-W12");
    expect(String(answer?.args.text)).toContain("Cyber drill went well");
    expectMrkdwnNote(String(answer?.args.text));
  });
});

describe("questions", () => {
  it("/weeknotes week 2026-W12 and /weeknotes list answer from the store", async () => {
    await approveWeek12();
    const week = await t.command("week 2026-W12", BOB);
    expect(week.status).toBe(200);
    expect(JSON.parse(week.body).text).toContain("The 2026-W12 weeknote:");
    expect(JSON.parse(week.body).text).toContain("Cyber drill went well");

    const missing = await t.command("week 2026-W10", BOB);
    expect(JSON.parse(missing.body).text).toContain("There is no note for 2026-W10");

    const list = await t.command("list", BOB);
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body).text).toMatch(/Recent weeknotes:\n• 2026-W12: approved/);
    // Answering read the store only: no Web API call in the acknowledgement path.
    expect(t.fake.calls).toEqual([]);
  });
});

describe("settings and the App Home", () => {
  it("/weeknotes config opens the modal; a bad time zone is an error, a good form is saved and used", async () => {
    const ts = w13Ts(3600);
    t.fake.addMessage(GENERAL, { type: "message", ts, user: BOB, text: "Bins booking went live" });
    await t.event(reactionAdded(ALICE, GENERAL, ts), "Ev0CFGTAG01");
    await t.settle();
    await t.command("draft", ALICE);
    await t.settle();
    expect(t.fake.callsOf("chat.postMessage").find((c) => buttonsOf(c).length > 0)?.args.channel).toBe(
      GENERAL,
    );
    t.fake.clearCalls();

    const open = await t.command("config", ALICE);
    expect(open.status).toBe(200);
    expect(t.fake.callsOf("views.open")).toHaveLength(1);
    const view = openedModal(t.fake);
    expect(view.callback_id).toBe("weeknotes_config_modal");
    // The form as Slack submits it: every input at its initial value, then some changed.
    const submit = (changes: Record<string, Record<string, unknown>>) => submitModal(t, view, ALICE, changes);

    const bad = await submit({ timezone: { value: "Mars/Olympus_Mons" } });
    expect(bad.status).toBe(200);
    expect(JSON.parse(bad.body)).toMatchObject({
      response_action: "errors",
      errors: { timezone: expect.stringMatching(/time zone/) },
    });
    expect((await t.bot.store.getTeam(TEAM, "default"))?.reviewChannel).toBe(GENERAL);

    const good = await submit({
      name: { value: "the digital team" },
      review: { selected_conversation: REVIEW },
      timezone: { value: "Europe/Dublin" },
      approvers: { selected_users: [ALICE, BOB] },
    });
    expect(good.status).toBe(200);
    expect(good.body).toBe("");
    await t.settle();
    expect(await t.bot.store.getTeam(TEAM, "default")).toMatchObject({
      name: "the digital team",
      reviewChannel: REVIEW,
      publishChannel: GENERAL,
      timezone: "Europe/Dublin",
      approvers: [ALICE, BOB],
    });

    await t.command("draft", BOB);
    await t.settle();
    const review = t.fake.callsOf("chat.postMessage").find((c) => buttonsOf(c).length > 0);
    expect(review?.args.channel).toBe(REVIEW);
    const weeknote = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    expect(weeknote?.review?.conversationId).toBe(REVIEW);
    // The review left behind in #general lost its buttons.
    const retired = t.fake.callsOf("chat.update").find((c) => c.args.channel === GENERAL);
    expect(retired).toBeDefined();
    expect(buttonsOf(retired)).toEqual([]);
  });

  it("app_home_opened publishes a Home tab with this week's highlights", async () => {
    const ts = w13Ts(7200);
    t.fake.addMessage(GENERAL, {
      type: "message",
      ts,
      user: BOB,
      text: "Accessibility audit: 11 of 14 fixed",
    });
    await t.event(reactionAdded(ALICE, GENERAL, ts), "Ev0HOMETAG1");
    await t.settle();
    const opened = {
      type: "app_home_opened",
      user: ALICE,
      channel: "D0HOME0001",
      tab: "home",
      event_ts: "1774612800.000900",
    };
    expect((await t.event(opened, "Ev0HOME0001")).status).toBe(200);
    await t.settle();
    const published = t.fake.callsOf("views.publish");
    expect(published).toHaveLength(1);
    expect(published[0]?.args.user_id).toBe(ALICE);
    const home = JSON.stringify(published[0]?.args.view);
    expect(home).toContain('"type":"home"');
    expect(home).toContain("2026-W13");
    expect(home).toContain("Accessibility audit: 11 of 14 fixed");
  });
});
