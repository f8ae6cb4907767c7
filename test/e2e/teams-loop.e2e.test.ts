import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_PEOPLE, TEST_TEAM, TEST_TENANT_ID } from "../support/bot-framework/index.ts";
import { cardOf, cardText, executeActions, type Json, postsOf } from "../support/teams-cards.ts";
import { startTeamsBot, type TeamsTestBot } from "../support/teams-harness.ts";

const { alice, bob } = DEFAULT_PEOPLE;
const CHANNEL = TEST_TEAM.channelId;
const KEY = { workspace: TEST_TENANT_ID, team: "default", week: "2026-W13" };

let t: TeamsTestBot;
beforeEach(async () => {
  // Tuesday of 2026-W13, 10:15 in London.
  t = await startTeamsBot({ now: "2026-03-24T10:15:00Z", schedule: true });
});
afterEach(async () => {
  await t.stop();
});

describe("the whole loop in Teams", () => {
  it("message action, @mention and personal chat → scheduled draft posted proactively → Approve on the card → published → last week", async () => {
    t.bf.connector.setTeam(TEST_TEAM.id, {
      name: TEST_TEAM.name,
      aadGroupId: TEST_TEAM.aadGroupId,
      channels: [{ id: TEST_TEAM.id }, { id: CHANNEL, name: "Bins service" }],
    });
    // Installed in the team: the bot says hello in the channel and keeps the conversation.
    const installed = await t.post(t.teams.installationUpdate("add"));
    expect(installed.status).toBe(200);
    const hello = t.bf.connector.calls.filter((c) => c.operation !== "unknown");
    expect(hello.map((c) => c.operation)).toEqual(["replyToActivity"]);
    // Installing in a team speaks in its General channel, whose id is the team's.
    const reference = await t.bot.store.getConversationReference("teams", TEST_TENANT_ID, TEST_TEAM.id);
    expect(reference?.reference).toMatchObject({
      reference: { serviceUrl: t.bf.connector.serviceUrl(), conversation: { id: TEST_TEAM.id } },
      teamGroupId: TEST_TEAM.aadGroupId,
    });

    // Alice claims the team from the channel: she approves; drafts come here.
    const settings = await t.post(t.teams.channelMention("settings"));
    expect(settings.status).toBe(200);

    // "Add to weeknotes" on Bob's message: the dialog, then the whole message handed over.
    const bobsMessage = {
      id: "1774346400000",
      html: "<p>Bins booking went live in beta &amp; <at>Alice Example</at> ran the <b>launch</b> 🎉</p>",
      from: bob,
      createdDateTime: "2026-03-24T10:00:00.000Z",
    };
    const fetched = await t.post(t.teams.messageActionFetchTask(bobsMessage, { from: alice }));
    expect(fetched.status).toBe(200);
    expect(fetched.json).toMatchObject({
      task: { type: "continue", value: { card: { contentType: "application/vnd.microsoft.card.adaptive" } } },
    });
    const submitted = await t.post(
      t.teams.messageActionSubmit(bobsMessage, { section: "highlights" }, { from: alice }),
    );
    expect(submitted.status).toBe(200);
    expect(submitted.json).toMatchObject({ task: { type: "message" } });

    // "@Weeknotes add …" in the channel, and a line in the personal chat.
    expect(
      (await t.post(t.teams.channelMention("add Accessibility audit: 11 of 14 issues fixed", { from: bob })))
        .status,
    ).toBe(200);
    expect(
      (await t.post(t.teams.personalMessage("Thanks to the cyber drill team", { from: alice }))).status,
    ).toBe(200);
    await t.settle();

    const highlights = await t.bot.store.listHighlights({
      workspace: TEST_TENANT_ID,
      fromMs: 0,
      toMs: Date.parse("2027-01-01"),
    });
    expect(highlights.map((h) => [h.platform, h.authorName, h.text]).sort()).toEqual([
      ["teams", "Alice Example", "Thanks to the cyber drill team"],
      ["teams", "Bob Example", "Accessibility audit: 11 of 14 issues fixed"],
      ["teams", "Bob Example", "Bins booking went live in beta & @Alice Example ran the launch 🎉"],
    ]);
    const actioned = highlights.find((h) => h.messageId === bobsMessage.id);
    expect(actioned).toMatchObject({
      id: `${CHANNEL}/${bobsMessage.id}`,
      conversationId: CHANNEL,
      conversationName: "Bins service",
      authorId: bob.aadObjectId,
    });

    // Friday 14:00 in London: the draft is posted to the channel from the stored reference.
    t.bf.connector.reset();
    await t.time.advanceTo("2026-03-27T14:01:00Z");
    await t.settle();
    const posts = postsOf(t);
    expect(posts).toHaveLength(1);
    const draftPost = posts[0];
    expect(draftPost?.conversationId).toBe(CHANNEL);
    expect(draftPost?.bearer).toBeTruthy();
    const weeknote = await t.bot.store.getWeeknote(KEY);
    expect(weeknote?.status).toBe("draft");
    const reviewId = weeknote?.review?.messageId ?? "";
    const posted = cardOf(t.bf.connector.activity(reviewId));
    expect(posted.version).toBe("1.5");
    expect(cardText(posted)).toContain("Bins booking went live in beta");
    const approve = executeActions(posted).find((a) => (a.data as Json | undefined)?.verb === "approve");
    expect(approve).toBeDefined();

    // Approve from the card, as a real client sends it: no `verb`, only the card's data.
    const before = t.bf.connector.calls.length;
    const clicked = await t.post(t.teams.cardAction(reviewId, approve?.data as Json, { from: alice }));
    expect(clicked.status).toBe(200);
    const answer = clicked.json as { statusCode: number; type: string; value: Json };
    expect(answer.statusCode).toBe(200);
    expect(answer.type).toBe("application/vnd.microsoft.card.adaptive");
    expect(executeActions(answer.value)).toEqual([]);
    expect(cardText(answer.value)).toContain("Approved by Alice Example");
    await t.settle();

    // The posted card is updated in place (the stored id), its buttons gone for everyone.
    const after = t.bf.connector.calls.slice(before);
    const updates = after.filter((c) => c.operation === "updateActivity");
    expect(updates.map((u) => u.activityId)).toEqual([reviewId]);
    expect(executeActions(cardOf(updates[0]?.body))).toEqual([]);
    expect(cardText(cardOf(updates[0]?.body))).toContain("Approved by Alice Example");
    // Published once to the publish channel (the same channel here).
    const published = postsOf(t).filter((c) => after.includes(c));
    expect(published).toHaveLength(1);
    expect(cardText(cardOf(published[0]?.body))).toContain("Bins booking went live in beta");
    expect(await t.bot.store.getWeeknote(KEY)).toMatchObject({
      status: "approved",
      approval: { by: alice.aadObjectId },
    });

    // Anyone asks for last week's note.
    t.bf.connector.reset();
    const asked = await t.post(t.teams.channelMention("last week", { from: bob }));
    expect(asked.status).toBe(200);
    const replies = t.bf.connector.callsOf("replyToActivity");
    expect(replies.length).toBeGreaterThanOrEqual(1);
    expect(replies.map((r) => cardText(cardOf(r.body))).join("")).toContain("Bins booking went live in beta");
  });
});
