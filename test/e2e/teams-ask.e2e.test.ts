import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Activity } from "../support/bot-framework/activities.ts";
import { DEFAULT_PEOPLE, TEST_TEAM, TEST_TENANT_ID } from "../support/bot-framework/index.ts";
import {
  ACTIVITY_MESSAGE,
  ADAPTIVE_CARD,
  actionData,
  cardInputs,
  cardOf,
  cardText,
  draftForReview,
  executeActions,
  invokeAnswer,
  messageText,
  settle,
} from "../support/teams-cards.ts";
import { startTeamsBot, type TeamsTestBot } from "../support/teams-harness.ts";

// The settings card and the questions anyone may ask, in a channel (after an @mention) and in a
// personal chat, through the real server.

const { alice, bob } = DEFAULT_PEOPLE;
const CHANNEL = TEST_TEAM.channelId;

let t: TeamsTestBot;
beforeEach(async () => {
  // Tuesday of 2026-W13, 10:15 in London.
  t = await startTeamsBot({ now: "2026-03-24T10:15:00Z" });
});
afterEach(async () => {
  await t.stop();
});

/** Posts `activity` and returns what the bot replied in its turn (the replies' texts and the calls). */
async function ask(activity: Activity) {
  const from = t.bf.connector.calls.length;
  const answered = await t.post(activity);
  expect(answered.status).toBe(200);
  await settle(t);
  const replies = t.bf.connector.calls.slice(from).filter((c) => c.operation === "replyToActivity");
  return { replies, text: replies.map((r) => messageText(r.body)).join("\n") };
}

describe("the settings card", () => {
  it("opens for an approver; a bad submission shows its problems and saves nothing; a good one saves through configureTeam", async () => {
    // Alice asks first: she claims the team (approver; this channel reviews and publishes).
    const opened = await ask(t.teams.channelMention("settings", { from: alice }));
    expect(opened.replies).toHaveLength(1);
    const reply = opened.replies[0];
    expect(reply?.conversationId?.startsWith(`${CHANNEL};messageid=`)).toBe(true);
    const card = cardOf(reply?.body);
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
    const save = actionData(card, "settings");
    expect(save).toEqual({ verb: "settings", workspace: TEST_TENANT_ID, team: "default" });
    const inputs = cardInputs(card);
    expect(inputs).toMatchObject({
      timezone: "Europe/London",
      schedule: "Friday 14:00",
      approvers: alice.aadObjectId,
      review: CHANNEL,
    });
    const cardId = reply?.answeredId ?? "";
    const stored = await t.bot.store.getTeam(TEST_TENANT_ID, "default");

    // Teams merges the inputs into the Save action's data.
    const submit = (fields: Record<string, string>, from = alice) =>
      t.post(
        t.teams.cardAction(
          cardId,
          { ...save, ...inputs, ...fields },
          { verb: "settings", from, title: "Save" },
        ),
      );

    const bad = await submit({ timezone: "Mars/Olympus_Mons", schedule: "someday", emoji: "star=nowhere" });
    expect(bad.status).toBe(200);
    const badAnswer = invokeAnswer(bad.json);
    expect(badAnswer).toMatchObject({ statusCode: 200, type: ADAPTIVE_CARD });
    const shown = cardText(badAnswer.value);
    expect(shown).toContain("Not a time zone: use an IANA name such as Europe/London.");
    expect(shown).toContain("Write a weekday and a time, such as Friday 14:00.");
    expect(shown).toContain('Unknown section "nowhere" for emoji star');
    // The card shows what was submitted, to be put right.
    expect(cardInputs(badAnswer.value)).toMatchObject({ timezone: "Mars/Olympus_Mons", schedule: "someday" });
    await settle(t);
    expect(await t.bot.store.getTeam(TEST_TENANT_ID, "default")).toEqual(stored);

    const before = t.bf.connector.calls.length;
    const good = await submit({
      timezone: "Europe/Paris",
      schedule: "Thursday 16:30",
      emoji: "star=highlights, tada=thanks, crystal_ball=coming_up",
      approvers: `${alice.aadObjectId},${bob.aadObjectId}`,
      name: "Bins service",
    });
    expect(invokeAnswer(good.json)).toEqual({
      statusCode: 200,
      type: ACTIVITY_MESSAGE,
      value: "Saving the settings…",
    });
    await settle(t);
    expect(await t.bot.store.getTeam(TEST_TENANT_ID, "default")).toMatchObject({
      name: "Bins service",
      timezone: "Europe/Paris",
      draftSchedule: { weekday: 4, hour: 16, minute: 30 },
      emoji: [
        ["star", "highlights"],
        ["tada", "thanks"],
        ["crystal_ball", "coming_up"],
      ],
      approvers: [alice.aadObjectId, bob.aadObjectId],
      reviewChannel: CHANNEL,
    });
    // The one who saved hears it in the card's thread.
    const told = t.bf.connector.calls.slice(before).filter((c) => c.operation === "replyToActivity");
    expect(told.map((c) => messageText(c.body))).toEqual(["Saved the settings of Bins service."]);
    expect(told[0]?.conversationId?.startsWith(`${CHANNEL};messageid=`)).toBe(true);
  });

  it("a non-approver can neither open nor submit it", async () => {
    const opened = await ask(t.teams.channelMention("settings", { from: alice }));
    const card = cardOf(opened.replies[0]?.body);
    const stored = await t.bot.store.getTeam(TEST_TENANT_ID, "default");

    const refused = await ask(t.teams.channelMention("settings", { from: bob }));
    expect(refused.text).toBe("Only the team's approvers can change its settings.");
    expect(refused.replies.flatMap((r) => (r.body as { attachments?: unknown[] }).attachments ?? [])).toEqual(
      [],
    );

    // Bob presses Save on the card Alice opened in the channel, making himself an approver.
    const submitted = await t.post(
      t.teams.cardAction(
        opened.replies[0]?.answeredId ?? "",
        {
          ...actionData(card, "settings"),
          ...cardInputs(card),
          approvers: bob.aadObjectId,
          timezone: "Europe/Paris",
        },
        { verb: "settings", from: bob, title: "Save" },
      ),
    );
    const answer = invokeAnswer(submitted.json);
    expect(answer.type).toBe(ADAPTIVE_CARD);
    expect(cardText(answer.value)).toContain("Only the team's approvers can change its settings.");
    await settle(t);
    expect(await t.bot.store.getTeam(TEST_TENANT_ID, "default")).toEqual(stored);
  });
});

describe("asking", () => {
  beforeEach(async () => {
    // An approved 2026-W13 note.
    const draft = await draftForReview(t);
    const approved = await t.post(t.teams.cardAction(draft.reviewId, actionData(draft.card, "approve")));
    expect(executeActions(invokeAnswer(approved.json).value)).toEqual([]);
    await settle(t);
    expect((await t.bot.store.getWeeknote(draft.key))?.status).toBe("approved");
  });

  const noteLine = "Bins booking went live in beta";

  it.each([
    ["in a channel", (text: string) => t.teams.channelMention(text, { from: bob })],
    [
      "in a channel, the mention followed by a newline",
      (text: string) => t.teams.channelMention(text, { from: bob, trailingNewline: true }),
    ],
    ["in a personal chat", (text: string) => t.teams.personalMessage(text, { from: bob })],
  ])("%s: last week, a given week, the list and help", async (_, say) => {
    const last = await ask(say("last week"));
    expect(last.text).toContain("The latest approved weeknote, 2026-W13:");
    expect(last.text).toContain(noteLine);
    expect(last.text).toContain("Weeknote for 2026-W13");
    expect(cardOf(last.replies[0]?.body)).toMatchObject({ version: "1.5" });

    const week = await ask(say("week 2026-W13"));
    expect(week.text).toContain("The 2026-W13 weeknote:");
    expect(week.text).toContain(noteLine);

    expect((await ask(say("week 2026-W14"))).text).toBe("There is no note for 2026-W14.");
    expect((await ask(say("week 2026-W99"))).text).toBe("There is no week 2026-W99. 2026 has 53 ISO weeks");

    const list = await ask(say("list"));
    expect(list.text).toMatch(/^Recent weeknotes:\n\n- 2026-W13: approved — .+/);

    const help = await ask(say("help"));
    expect(help.text).toContain("`last week [team]`: last approved note");
    expect(help.text).toContain("`week 2026-W12 [team]`: that week's note, or where its draft stands");
    expect(help.text).not.toContain("didn't understand");
  });

  it("an unknown word in a channel gets the help; in a personal chat it is a highlight", async () => {
    const unknown = await ask(t.teams.channelMention("frobnicate", { from: bob }));
    expect(unknown.text).toContain('I didn\'t understand "frobnicate". I can do this.');
    expect(unknown.text).toContain("`help`: this list");

    const personal = await ask(t.teams.personalMessage("frobnicated the gazebo", { from: bob }));
    expect(personal.text).toBe("Added to this week's notes.");
    const highlights = await t.bot.store.listHighlights({
      workspace: TEST_TENANT_ID,
      fromMs: 0,
      toMs: Date.parse("2027-01-01"),
    });
    expect(highlights.map((h) => h.text)).toContain("frobnicated the gazebo");
  });

  it("answers in the asker's thread in a channel, and in the chat in a personal chat", async () => {
    const mention = t.teams.channelMention("list", { from: bob });
    const inChannel = await ask(mention);
    expect(inChannel.replies.map((r) => [r.conversationId, r.activityId])).toEqual([
      [`${CHANNEL};messageid=${String(mention.id)}`, mention.id],
    ]);
    const dm = t.teams.personalMessage("list", { from: bob });
    const inChat = await ask(dm);
    expect(inChat.replies.map((r) => r.conversationId)).toEqual([(dm.conversation as { id: string }).id]);
  });
});
