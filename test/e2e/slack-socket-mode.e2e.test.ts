import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BOT_ID, BOT_USER, startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { type FakeSlackApi, startFakeSlackApi } from "../support/fake-slack-api.ts";
import { type FakeSocketMode, startFakeSocketMode } from "../support/fake-socket-mode.ts";
import {
  ALICE,
  BOB,
  GENERAL,
  reactionAdded,
  seedWorkspace,
  w13Ts,
  waitFor,
} from "../support/slack-scenario.ts";

// Issue 10 item 9, Socket Mode: the real bot (SLACK_APP_TOKEN set) against a fake Socket Mode
// server on 127.0.0.1 (test/support/fake-socket-mode.ts): apps.connections.open hands out a ws://
// URL, `hello`, envelopes, acks, retries, reconnects. An envelope is acked only once what it
// carries is recorded; when the database refuses the record it is not acked, and Slack's retry
// (same event_id) is recorded once.

const TS = w13Ts(3600);
const OTHER_TS = w13Ts(7200);

let fake: FakeSlackApi;
let socket: FakeSocketMode;
let tb: TestBot;

beforeEach(async () => {
  fake = await startFakeSlackApi({ teamId: TEAM, botUserId: BOT_USER, botId: BOT_ID });
  seedWorkspace(fake);
  fake.addMessage(GENERAL, { type: "message", ts: TS, user: BOB, text: "Payments switched provider" });
  fake.addMessage(GENERAL, { type: "message", ts: OTHER_TS, user: BOB, text: "Forms beta opened" });
  socket = await startFakeSocketMode(fake);
  tb = await startTestBot({ fake, env: { SLACK_APP_TOKEN: "xapp-1-A0APP00001-test" } });
  await socket.connected();
});

afterEach(async () => {
  await tb.stop();
  await socket.close();
  await fake.close();
});

/** An Events API payload as Slack puts it in an `events_api` envelope. */
function eventsApi(event: Record<string, unknown>, eventId: string, team = TEAM): Record<string, unknown> {
  return {
    token: "x",
    team_id: team,
    api_app_id: "A0APP00001",
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(tb.clock.now() / 1000),
    authorizations: [{ team_id: team, user_id: BOT_USER, is_bot: true, enterprise_id: null }],
    event,
  };
}

/** A `/weeknotes` slash command payload. */
function slashCommand(text: string, triggerId: string): Record<string, unknown> {
  return {
    token: "x",
    team_id: TEAM,
    team_domain: "weeknotes-test",
    channel_id: GENERAL,
    channel_name: "general",
    user_id: ALICE,
    user_name: "alice",
    command: "/weeknotes",
    text,
    api_app_id: "A0APP00001",
    response_url: `${fake.url}response/1`,
    trigger_id: triggerId,
  };
}

/** A connection of the test's own to the bot's database file. */
function database(): Database.Database {
  return new Database(join(tb.dataDir, "weeknotes.sqlite"));
}

/** Makes the database refuse every inbox write (a trigger), until the returned function is called. */
function refuseInboxWrites(): () => void {
  const db = database();
  db.exec(`CREATE TRIGGER refuse_inbox BEFORE INSERT ON inbox_events
    BEGIN SELECT RAISE(ABORT, 'the disk refuses'); END`);
  return () => {
    db.exec("DROP TRIGGER refuse_inbox");
    db.close();
  };
}

/** Whether an ack for `envelopeId` arrives before the bot has finished with the envelope's record. */
async function settledWithoutAck(envelopeId: string, what: () => boolean): Promise<void> {
  await waitFor("the bot to log the refused record", what);
  // The bot logged its decision; an ack sent before that log would already be here.
  await new Promise((resume) => setImmediate(resume));
  expect(socket.acks.some((a) => a.envelope_id === envelopeId)).toBe(false);
}

describe("Socket Mode: acknowledge only what is recorded", () => {
  it("connects with the app token through apps.connections.open and the hello", () => {
    expect(socket.opens()).toBe(1);
    const opened = fake.callsOf("apps.connections.open");
    expect(opened).toHaveLength(1);
    expect(opened[0]?.headers.authorization).toBe("Bearer xapp-1-A0APP00001-test");
  });

  it("acks a reaction only once it is in the inbox, and the worker makes the highlight", async () => {
    const envelope = socket.send("events_api", eventsApi(reactionAdded(ALICE, GENERAL, TS), "Ev0SOCKET01"));
    const ack = await socket.ackOf(envelope.envelope_id);
    expect(ack).toEqual({ envelope_id: envelope.envelope_id, payload: {} });
    // Recorded before the ack was sent (the store is read after it arrived).
    const db = database();
    try {
      const row = db
        .prepare("SELECT kind FROM inbox_events WHERE workspace = ? AND event_id = ?")
        .get(TEAM, "Ev0SOCKET01");
      expect(row).toEqual({ kind: "tag_added" });
    } finally {
      db.close();
    }
    await tb.settle();
    const stored = await tb.bot.store.getHighlight(TEAM, `${GENERAL}/${TS}`);
    expect(stored).toMatchObject({ text: "Payments switched provider", authorName: "Bob" });
  });

  it("does not ack a reaction the database refuses; Slack's retry of it is recorded once", async () => {
    const allow = refuseInboxWrites();
    const first = socket.send("events_api", eventsApi(reactionAdded(ALICE, GENERAL, TS), "Ev0SOCKET02"));
    await settledWithoutAck(first.envelope_id, () =>
      tb.logger.entries.some(
        (e) => e.message.startsWith("Slack envelope not recorded") && e.fields.eventId === "Ev0SOCKET02",
      ),
    );
    allow();
    // Slack sends the event again, a retry of the same event_id.
    const retry = socket.send("events_api", eventsApi(reactionAdded(ALICE, GENERAL, TS), "Ev0SOCKET02"), {
      attempt: 1,
      reason: "timeout",
    });
    await socket.ackOf(retry.envelope_id);
    // And once more, as Slack may: acked, a duplicate.
    const again = socket.send("events_api", eventsApi(reactionAdded(ALICE, GENERAL, TS), "Ev0SOCKET02"), {
      attempt: 2,
      reason: "timeout",
    });
    await socket.ackOf(again.envelope_id);
    await tb.settle();
    expect(socket.acks.filter((a) => a.envelope_id === first.envelope_id)).toEqual([]);
    const event = await tb.bot.store.getEvent(TEAM, "Ev0SOCKET02");
    expect(event).toMatchObject({ status: "done", attempts: 1 });
    const stored = await tb.bot.store.getHighlight(TEAM, `${GENERAL}/${TS}`);
    expect(stored?.tags).toEqual([{ user: ALICE, reaction: "star", section: "highlights", via: "reaction" }]);
    expect(fake.callsOf("conversations.history")).toHaveLength(1);
  });

  it("/weeknotes add: the reply is the ack's payload once recorded; refused → no ack, nothing said", async () => {
    const envelope = socket.send("slash_commands", slashCommand("add Shipped the forms beta", "trig.sock.1"));
    const ack = await socket.ackOf(envelope.envelope_id);
    expect(ack.payload).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringContaining("Added to this week's notes"),
    });
    expect(await tb.bot.store.getEvent(TEAM, "command:trig.sock.1")).toMatchObject({ kind: "add_text" });

    const allow = refuseInboxWrites();
    try {
      const refused = socket.send("slash_commands", slashCommand("add Lost words", "trig.sock.2"));
      await settledWithoutAck(refused.envelope_id, () =>
        tb.logger.entries.some(
          (e) =>
            e.message.startsWith("Slack envelope not recorded") && e.fields.envelopeType === "slash_commands",
        ),
      );
      expect(await tb.bot.store.getEvent(TEAM, "command:trig.sock.2")).toBeUndefined();
    } finally {
      allow();
    }
  });

  it("an event from a workspace the bot is not installed in is acked and ignored", async () => {
    const envelope = socket.send(
      "events_api",
      eventsApi(reactionAdded(ALICE, GENERAL, TS), "Ev0SOCKET03", "T0STRANGER"),
    );
    await socket.ackOf(envelope.envelope_id);
    expect(await tb.bot.store.getEvent("T0STRANGER", "Ev0SOCKET03")).toBeUndefined();
    expect(await tb.bot.store.getEvent(TEAM, "Ev0SOCKET03")).toBeUndefined();
  });

  it("reconnects when Slack asks (disconnect) and when the socket drops, and keeps acking", async () => {
    socket.askToReconnect();
    await socket.connected(2);
    const afterAsk = socket.send("events_api", eventsApi(reactionAdded(ALICE, GENERAL, TS), "Ev0SOCKET04"));
    await socket.ackOf(afterAsk.envelope_id);
    expect(socket.opens()).toBe(2);

    socket.dropAll();
    await socket.connected(3);
    const afterDrop = socket.send(
      "events_api",
      eventsApi(reactionAdded(ALICE, GENERAL, OTHER_TS), "Ev0SOCKET05"),
    );
    await socket.ackOf(afterDrop.envelope_id);
    await tb.settle();
    expect(await tb.bot.store.getHighlight(TEAM, `${GENERAL}/${OTHER_TS}`)).toMatchObject({
      text: "Forms beta opened",
    });
  }, 30_000);
});
