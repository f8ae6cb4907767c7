import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import {
  ALICE,
  allHighlights,
  BOB,
  GENERAL,
  reactionAdded,
  seedWorkspace,
} from "../support/slack-scenario.ts";

// Cases C4 (edits arrive nested in message_changed, and unfurls are not edits) and C5 (deletes,
// including a thread parent's tombstone).

const X = "1700000000.000100";
const REPLY_1 = "1700000060.000200";
const REPLY_2 = "1700000070.000300";
const PLACEHOLDER = "This message was deleted.";

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  t.fake.addMessage(GENERAL, {
    type: "message",
    ts: X,
    thread_ts: X,
    reply_count: 2,
    user: BOB,
    text: "Shipped v1 of billing",
  });
  t.fake.addMessage(GENERAL, { type: "message", ts: REPLY_1, thread_ts: X, user: ALICE, text: "Reply one" });
  t.fake.addMessage(GENERAL, { type: "message", ts: REPLY_2, thread_ts: X, user: BOB, text: "Reply two" });
});
afterEach(async () => {
  await t.stop();
});

async function tag(ts: string, eventId: string): Promise<void> {
  expect((await t.event(reactionAdded(ALICE, GENERAL, ts), eventId)).status).toBe(200);
  await t.settle();
}

function edit(text: string, previous: string, extra: Record<string, unknown> = {}) {
  return {
    type: "message",
    subtype: "message_changed",
    hidden: true,
    channel: GENERAL,
    channel_type: "channel",
    ts: "1700000400.000900",
    event_ts: "1700000400.000900",
    message: {
      type: "message",
      user: BOB,
      text,
      edited: { user: BOB, ts: "1700000399.000000" },
      ts: X,
      ...extra,
    },
    previous_message: { type: "message", user: BOB, text: previous, ts: X },
  };
}

describe("edits (C4)", () => {
  it("a real edit (nested message_changed) updates the highlight's text, decoded", async () => {
    await tag(X, "Ev0C4TAG001");
    expect((await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`))?.text).toBe("Shipped v1 of billing");

    expect(
      (await t.event(edit("Shipped v2 of billing", "Shipped v1 of billing"), "Ev0C4EDIT01")).status,
    ).toBe(200);
    await t.settle();
    expect((await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`))?.text).toBe("Shipped v2 of billing");

    await t.event(
      edit("Shipped v3 of billing with <@U0ALICE001> &amp; co", "Shipped v2 of billing"),
      "Ev0C4EDIT02",
    );
    await t.settle();
    expect((await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`))?.text).toBe(
      "Shipped v3 of billing with @Alice & co",
    );
  });

  it("an unfurl-only change (same text, no `edited`, attachments) changes nothing", async () => {
    await tag(X, "Ev0C4TAG002");
    const before = await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`);
    const unfurl = edit("Shipped v1 of billing", "Shipped v1 of billing", {
      attachments: [{ from_url: "https://example.com/pr/1" }],
    });
    delete (unfurl.message as Record<string, unknown>).edited;
    t.fake.clearCalls();

    expect((await t.event(unfurl, "Ev0C4UNFURL")).status).toBe(200);
    await t.settle();
    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`)).toEqual(before);
    expect(t.fake.calls).toEqual([]);
    // Acknowledged and ignored: an unfurl carries nothing for weeknotes, so nothing is recorded.
    expect(await t.bot.store.getEvent(TEAM, "Ev0C4UNFURL")).toBeUndefined();
  });

  it("an edit of a message nobody tagged stores nothing", async () => {
    await t.event(edit("Shipped v2 of billing", "Shipped v1 of billing"), "Ev0C4EDIT03");
    await t.settle();
    expect(await allHighlights(t)).toEqual([]);
  });
});

describe("deletes (C5)", () => {
  it("message_deleted removes the highlight", async () => {
    await tag(X, "Ev0C5TAG001");
    const deleted = {
      type: "message",
      subtype: "message_deleted",
      hidden: true,
      channel: GENERAL,
      channel_type: "channel",
      deleted_ts: X,
      ts: "1700000500.000100",
      event_ts: "1700000500.000100",
      previous_message: { type: "message", user: BOB, text: "Secret roadmap", ts: X },
    };
    expect((await t.event(deleted, "Ev0C5DEL001")).status).toBe(200);
    await t.settle();
    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`)).toBeUndefined();
  });

  it("a thread parent's tombstone removes its highlight, saves no placeholder, keeps the tagged replies", async () => {
    await tag(X, "Ev0C5TAG002");
    await tag(REPLY_1, "Ev0C5TAG003");
    await tag(REPLY_2, "Ev0C5TAG004");
    const tombstone = {
      type: "message",
      subtype: "message_changed",
      hidden: true,
      channel: GENERAL,
      channel_type: "channel",
      ts: "1700000600.000100",
      event_ts: "1700000600.000100",
      message: {
        type: "message",
        subtype: "tombstone",
        user: "USLACKBOT",
        text: PLACEHOLDER,
        hidden: true,
        ts: X,
        thread_ts: X,
        reply_count: 2,
      },
      previous_message: { type: "message", user: BOB, text: "Shipped v1 of billing", ts: X, thread_ts: X },
    };
    expect((await t.event(tombstone, "Ev0C5TOMB01")).status).toBe(200);
    await t.settle();

    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`)).toBeUndefined();
    const left = await allHighlights(t);
    expect(left.map((h) => h.text).sort()).toEqual(["Reply one", "Reply two"]);
    expect(left.some((h) => h.text === PLACEHOLDER)).toBe(false);

    // A tag on the tombstone itself (Slack still shows it) never stores the placeholder.
    t.fake.addMessage(GENERAL, {
      type: "message",
      subtype: "tombstone",
      user: "USLACKBOT",
      text: PLACEHOLDER,
      hidden: true,
      ts: X,
      thread_ts: X,
    });
    await tag(X, "Ev0C5TAG005");
    expect((await allHighlights(t)).some((h) => h.text === PLACEHOLDER)).toBe(false);
  });
});
