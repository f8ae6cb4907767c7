import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import type { LogEntry } from "../support/memory-logger.ts";
import {
  ALICE,
  BOB,
  buttonClick,
  buttonsOf,
  GENERAL,
  reactionAdded,
  reviewPost,
  seedWorkspace,
  w13Ts,
} from "../support/slack-scenario.ts";

// SPEC §9: each request gets a correlation id when it arrives; the acknowledgement, the recorded
// command and the worker that carries it out all log it, so one grep follows an event end to end.

const TS = w13Ts(3600);

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  t.fake.addMessage(GENERAL, { type: "message", ts: TS, user: BOB, text: "Bins booking went live in beta" });
});
afterEach(async () => {
  await t.stop();
});

/** The log entries with `message` about the inbox event `eventId`. */
function logged(message: string, eventId: string): LogEntry[] {
  return t.logger.entries.filter((e) => e.message === message && e.fields.eventId === eventId);
}

/**
 * The one correlation id the acknowledgement, the recorder and the worker logged for the inbox
 * event `eventId`; `ack` checks that the acknowledgement with that id was this request's.
 */
function correlationOf(eventId: string, ack: (entry: LogEntry) => boolean): string {
  const [recorded, ...moreRecorded] = logged("command recorded", eventId);
  expect(moreRecorded).toEqual([]);
  const id = recorded?.fields.correlationId;
  expect(id).toEqual(expect.any(String));
  const acknowledged = t.logger.entries.filter(
    (e) => e.message === "Slack request acknowledged" && e.fields.correlationId === id,
  );
  expect(acknowledged).toHaveLength(1);
  expect(ack(acknowledged[0] as LogEntry)).toBe(true);
  const processed = logged("event processed", eventId);
  expect(processed).toHaveLength(1);
  expect(processed[0]?.fields).toMatchObject({ correlationId: id, status: "done" });
  return String(id);
}

describe("a correlation id follows an event from acknowledgement to worker", () => {
  it("the same id in the acknowledgement, the recorded command and the worker's log, and a new one per request", async () => {
    expect((await t.event(reactionAdded(ALICE, GENERAL, TS), "Ev0CORREL01")).status).toBe(200);
    await t.settle();
    const tagId = correlationOf("Ev0CORREL01", (e) => e.fields.eventId === "Ev0CORREL01");
    // It is also what the inbox keeps with the event.
    expect((await t.bot.store.getEvent(TEAM, "Ev0CORREL01"))?.correlationId).toBe(tagId);

    // A slash command and a button click, which carry no Events API id, are followed the same way.
    expect((await t.command("draft", ALICE, GENERAL, "trigger.correl.draft")).status).toBe(200);
    await t.settle();
    const draftId = correlationOf("command:trigger.correl.draft", (e) => e.fields.type === "command");

    const review = reviewPost(t.fake);
    const click = await t.interaction(
      buttonClick({
        user: ALICE,
        actionId: "weeknote_approve",
        value: buttonsOf(review).find((b) => b.action_id === "weeknote_approve")?.value,
        channel: GENERAL,
        messageTs: String(t.fake.messages(GENERAL).find((m) => m.blocks !== undefined)?.ts),
        actionTs: "1774612800.000100",
        triggerId: "trigger.correl.approve",
      }),
    );
    expect(click.status).toBe(200);
    await t.settle();
    const approveId = correlationOf(
      "action:trigger.correl.approve",
      (e) => e.fields.type === "block_actions",
    );

    expect(new Set([tagId, draftId, approveId]).size).toBe(3);
    // A redelivery of the same event is a new request with its own id; the inbox keeps the first.
    expect(
      (
        await t.event(reactionAdded(ALICE, GENERAL, TS), "Ev0CORREL01", {
          "x-slack-retry-num": "1",
          "x-slack-retry-reason": "http_timeout",
        })
      ).status,
    ).toBe(200);
    const retried = t.logger.entries.filter(
      (e) => e.message === "Slack request acknowledged" && e.fields.eventId === "Ev0CORREL01",
    );
    expect(retried).toHaveLength(2);
    expect(retried[1]?.fields.correlationId).not.toBe(tagId);
    expect(logged("command recorded", "Ev0CORREL01").at(-1)?.fields).toMatchObject({
      correlationId: retried[1]?.fields.correlationId,
      result: "duplicate",
    });
  });
});
