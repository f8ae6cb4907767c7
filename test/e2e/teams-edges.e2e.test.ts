import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Highlight } from "../../src/domain/highlight.ts";
import type { MessagePayloadInput } from "../support/bot-framework/activities.ts";
import { DEFAULT_PEOPLE, postActivity, TEST_TEAM, TEST_TENANT_ID } from "../support/bot-framework/index.ts";
import { draftForReview, messageText, postsOf, recordedCommands, settle } from "../support/teams-cards.ts";
import { startTeamsBot, type TeamsTestBot } from "../support/teams-harness.ts";

// The edges of the Teams receiver through the real server: reactions (CASES C10), edits and
// deletions of captured messages, and activities it must take calmly.

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

const highlights = (): Promise<Highlight[]> =>
  t.bot.store.listHighlights({ workspace: TEST_TENANT_ID, fromMs: 0, toMs: Date.parse("2027-01-01") });

/** Bob's message in the channel, added with the "Add to weeknotes" message action by Alice. */
async function captured(message: MessagePayloadInput, section = "highlights"): Promise<Highlight> {
  const added = await t.post(t.teams.messageActionSubmit(message, { section }, { from: alice }));
  expect(added.status).toBe(200);
  await settle(t);
  const highlight = (await highlights()).find((h) => h.messageId === message.id);
  if (!highlight) throw new Error("not captured");
  return highlight;
}

describe("CASES C10: messageReaction is never a highlight", () => {
  it("reactions on the bot's own card and on a person's message are acknowledged and store nothing", async () => {
    const draft = await draftForReview(t);
    const bobsMessage = { id: t.teams.nextMessageId(), html: "<p>Bins beta is live</p>", from: bob };
    await captured(bobsMessage);
    const before = await highlights();
    const commands = recordedCommands(t);
    const calls = t.bf.connector.calls.length;

    for (const messageId of [draft.reviewId, bobsMessage.id]) {
      for (const options of [{}, { legacyOnly: true }, { bare: true }, { removed: true }]) {
        for (const reaction of ["like", "heart", "1f44b_wavinghand", "⭐"]) {
          const answered = await t.post(
            t.teams.messageReaction(messageId, reaction, { from: bob, ...options }),
          );
          expect(answered.status).toBe(200);
        }
      }
    }
    await settle(t);
    expect(await highlights()).toEqual(before);
    expect(recordedCommands(t)).toBe(commands);
    expect(t.bf.connector.calls.slice(calls)).toEqual([]);
  });
});

describe("edits and deletions of captured messages", () => {
  /** A person's channel message as Teams sends it to a bot with ChannelMessage.Read.Group (no mention). */
  function channelMessage(id: string, html: string, rootId = id) {
    const activity = t.teams.threadReply(rootId, "", {
      id,
      from: bob,
      mention: false,
      withReplyToId: rootId !== id,
    });
    return {
      ...activity,
      text: html.replace(/<[^>]+>/g, ""),
      attachments: [{ contentType: "text/html", content: html }],
      channelData: activity.channelData as Record<string, unknown>,
    };
  }
  /** Teams' messageUpdate for an edit (channelData.eventType `editMessage` or `undeleteMessage`). */
  function messageUpdate(id: string, html: string, rootId = id, eventType = "editMessage") {
    const message = channelMessage(id, html, rootId);
    return {
      ...message,
      type: "messageUpdate",
      timestamp: "2026-03-24T10:20:00.000Z",
      channelData: { ...message.channelData, eventType },
    };
  }
  /** Teams' messageDelete (channelData.eventType `softDeleteMessage`): no text, the message's id. */
  function messageDelete(id: string, rootId = id) {
    const { text: _text, attachments: _attachments, ...message } = channelMessage(id, "", rootId);
    return {
      ...message,
      type: "messageDelete",
      timestamp: "2026-03-24T10:25:00.000Z",
      channelData: { ...message.channelData, eventType: "softDeleteMessage" },
    };
  }

  it("an edit updates the highlight's text, a soft delete removes it, an undelete brings nothing back", async () => {
    const root = t.teams.nextMessageId();
    const reply = t.teams.nextMessageId();
    const other = t.teams.nextMessageId();
    const rootHighlight = await captured({ id: root, html: "<p>Bins beta is live</p>", from: bob });
    const replyHighlight = await captured({
      id: reply,
      html: "<p>11 of 14 fixed</p>",
      from: bob,
      replyToId: root,
    });
    expect(rootHighlight).toMatchObject({ id: `${CHANNEL}/${root}`, messageId: root, threadId: undefined });
    expect(replyHighlight).toMatchObject({ id: `${CHANNEL}/${reply}`, messageId: reply, threadId: root });

    // Edits, of the root and of the reply in its thread, with a link the HTML body keeps.
    for (const activity of [
      messageUpdate(root, '<p>Bins beta is live: <a href="https://example.org/bins">book a bin</a></p>'),
      messageUpdate(reply, "<p>12 of 14 fixed</p>", root),
      messageUpdate(other, "<p>never captured</p>"),
    ]) {
      expect((await t.post(activity)).status).toBe(200);
    }
    await settle(t);
    expect((await highlights()).map((h) => [h.messageId, h.text]).sort()).toEqual(
      [
        [root, "Bins beta is live: book a bin (https://example.org/bins)"],
        [reply, "12 of 14 fixed"],
      ].sort(),
    );

    // A soft delete of the reply removes its highlight; undeleting it brings nothing back.
    expect((await t.post(messageDelete(reply, root))).status).toBe(200);
    await settle(t);
    expect((await highlights()).map((h) => h.messageId)).toEqual([root]);
    const commands = recordedCommands(t);
    expect(
      (await t.post(messageUpdate(reply, "<p>12 of 14 fixed</p>", root, "undeleteMessage"))).status,
    ).toBe(200);
    await settle(t);
    expect((await highlights()).map((h) => h.messageId)).toEqual([root]);
    expect(recordedCommands(t)).toBe(commands);
    expect(postsOf(t)).toEqual([]);
  });
});

describe("activities the bot takes calmly", () => {
  it("an unknown activity type is acknowledged and ignored", async () => {
    const commands = recordedCommands(t);
    const activity = { ...t.teams.channelMention("add not really"), type: "somethingTeamsAddsLater" };
    const answered = await t.post(activity);
    expect(answered.status).toBe(200);
    await settle(t);
    expect(recordedCommands(t)).toBe(commands);
    expect(t.bf.connector.calls).toEqual([]);
  });

  it("a malformed body is 400", async () => {
    const activity = t.teams.channelMention("help");
    const answered = await postActivity(
      `${t.bot.url}/api/messages`,
      undefined,
      await t.bf.authorization(activity),
      {
        body: '{"type":"message","text":',
      },
    );
    expect(answered.status).toBe(400);
  });

  it("an invoke the bot does not know is answered 501, and the bot goes on answering", async () => {
    const unknown = {
      ...t.teams.cardAction("1700000000001", {}),
      name: "composeExtension/query",
      value: { commandId: "search", parameters: [{ name: "q", value: "bins" }] },
    };
    const answered = await t.post(unknown);
    expect(answered.status).toBe(501);
    // No turn failed (the endpoint itself logs every 5xx answer, this one included).
    expect(
      t.logger.entries.filter((e) => /failed/.test(e.message) && e.message !== "Teams request failed"),
    ).toEqual([]);
    const help = await t.post(t.teams.channelMention("help"));
    expect(help.status).toBe(200);
    expect(messageText(t.bf.connector.callsOf("replyToActivity")[0]?.body)).toContain("`help`: this list");
  });

  it("an activity with no tenant is ignored (an invoke is refused 400)", async () => {
    const withoutTenant = <T extends Record<string, unknown>>(activity: T): T => {
      const conversation = { ...(activity.conversation as Record<string, unknown>) };
      delete conversation.tenantId;
      const channelData = { ...(activity.channelData as Record<string, unknown>) };
      delete channelData.tenant;
      return { ...activity, conversation, channelData };
    };
    const commands = recordedCommands(t);
    expect((await t.post(withoutTenant(t.teams.channelMention("add no tenant here")))).status).toBe(200);
    expect(
      (await t.post(withoutTenant(t.teams.cardAction("1700000000001", { verb: "approve" })))).status,
    ).toBe(400);
    await settle(t);
    expect(recordedCommands(t)).toBe(commands);
    expect(t.bf.connector.calls).toEqual([]);
    expect(await highlights()).toEqual([]);
  });

  it("a SingleTenant bot serves only its own tenant: another tenant's activities are acknowledged and ignored", async () => {
    await t.stop();
    t = await startTeamsBot({
      now: "2026-03-24T10:15:00Z",
      env: { MICROSOFT_APP_TYPE: "SingleTenant", MICROSOFT_APP_TENANT_ID: TEST_TENANT_ID },
    });
    const stranger = t.bf.activities({ tenantId: "0dd00000-0000-4000-8000-00000000beef" });
    const commands = recordedCommands(t);
    expect((await t.post(stranger.channelMention("add from another tenant"))).status).toBe(200);
    expect((await t.post(stranger.personalMessage("draft"))).status).toBe(200);
    await settle(t);
    expect(recordedCommands(t)).toBe(commands);
    expect(t.bf.connector.calls).toEqual([]);
    expect(await t.bot.store.listTeams()).toEqual([]);
    // Its own tenant is served.
    expect((await t.post(t.teams.channelMention("add from our tenant", { from: bob }))).status).toBe(200);
    await settle(t);
    expect((await highlights()).map((h) => h.text)).toEqual(["from our tenant"]);
  });

  it("the message action on an app's message stores nothing and says why", async () => {
    const message = { id: t.teams.nextMessageId(), html: "<p>Build 412 passed</p>", from: bob };
    const activity = t.teams.messageActionSubmit(message, { section: "highlights" }, { from: alice });
    const value = activity.value as { messagePayload: Record<string, unknown> };
    value.messagePayload.from = {
      device: null,
      conversation: null,
      user: null,
      application: { applicationIdentityType: "bot", id: "28:some-ci-bot", displayName: "CI" },
    };
    const commands = recordedCommands(t);
    const answered = await t.post(activity);
    expect(answered.status).toBe(200);
    expect(answered.json).toEqual({
      task: {
        type: "message",
        value: "That message is from an app: only people's messages go into the weeknotes.",
      },
    });
    await settle(t);
    expect(recordedCommands(t)).toBe(commands);
    expect(await highlights()).toEqual([]);
  });

  it("the message action files the message under the section chosen in its dialog", async () => {
    const message = { id: t.teams.nextMessageId(), html: "<p>Thanks to the cyber drill team</p>", from: bob };
    const answered = await t.post(
      t.teams.messageActionSubmit(message, { section: "thanks" }, { from: alice }),
    );
    expect(answered.json).toEqual({
      task: { type: "message", value: "Added to this week's notes under thanks." },
    });
    await settle(t);
    expect((await highlights()).map((h) => [h.messageId, h.section, h.text, h.authorId])).toEqual([
      [message.id, "thanks", "Thanks to the cyber drill team", bob.aadObjectId],
    ]);
  });
});
