import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import type { FakeSlackCall } from "../support/fake-slack-api.ts";
import {
  ALICE,
  BOB,
  blocksOf,
  buttonsOf,
  GENERAL,
  openedModal,
  REVIEW,
  reactionAdded,
  seedWorkspace,
  submitModal,
  w13Ts,
} from "../support/slack-scenario.ts";

// Several teams in one workspace (SPEC §2): a team made from chat reviews in the channel it was
// made in, each team's draft draws only on its own source channels, and a personal note counts
// only its member's tags and speaks as "I".

const BINS_REVIEW = "C0BINSREV1";
const BINS = "C0BINS0001";
const NOTES = "C0NOTES001";
const WEEK = "2026-W13";

const DIGITAL_TS = w13Ts(3600, 1);
const BINS_TS = w13Ts(7200, 2);
const BOBS_TS = w13Ts(10_800, 3);

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  t.fake.addChannel({ id: BINS_REVIEW, name: "bins-review", is_channel: true, is_private: false });
  t.fake.addChannel({ id: BINS, name: "bins", is_channel: true, is_private: false });
  t.fake.addChannel({ id: NOTES, name: "alice-notes", is_channel: true, is_private: false });
  t.fake.addMessage(GENERAL, {
    type: "message",
    ts: DIGITAL_TS,
    user: BOB,
    text: "Forms beta opened to everyone",
  });
  t.fake.addMessage(BINS, {
    type: "message",
    ts: BINS_TS,
    user: ALICE,
    text: "New collection routes agreed",
  });
  t.fake.addMessage(GENERAL, { type: "message", ts: BOBS_TS, user: ALICE, text: "Cyber drill went well" });
});
afterEach(async () => {
  await t.stop();
});

async function tag(user: string, channel: string, ts: string, eventId: string): Promise<void> {
  expect((await t.event(reactionAdded(user, channel, ts), eventId)).status).toBe(200);
}

/** The first review message posted in `channel` (the one with the buttons). */
function reviewIn(channel: string): FakeSlackCall | undefined {
  return t.fake
    .callsOf("chat.postMessage")
    .find((c) => c.args.channel === channel && buttonsOf(c).length > 0);
}

function textOf(call: FakeSlackCall | undefined): string {
  return blocksOf(call)
    .map((b) => b.text?.text ?? "")
    .join("\n");
}

/** `/weeknotes config` in `channel`, then the settings modal submitted with `changes`. */
async function configure(user: string, channel: string, changes: Record<string, Record<string, unknown>>) {
  t.fake.clearCalls();
  const open = await t.command("config", user, channel);
  expect(open.status).toBe(200);
  const modal = openedModal(t.fake);
  const saved = await submitModal(t, modal, user, changes);
  expect(saved.status).toBe(200);
  expect(saved.body).toBe("");
  await t.settle();
}

describe("two teams in one workspace", () => {
  it("a team made from chat, with its own source channels, gets a different draft from the same week", async () => {
    // The workspace's first team, reviewed in #weeknotes-review, drafting from #general only.
    await configure(ALICE, REVIEW, { sources: { selected_conversations: [GENERAL] } });
    expect(await t.bot.store.getTeam(TEAM, "default")).toMatchObject({
      reviewChannel: REVIEW,
      sourceChannels: [GENERAL],
      approvers: [ALICE],
    });

    // A second team, made in #bins-review: that channel is its review channel.
    const made = await t.command("new Bins service", BOB, BINS_REVIEW);
    expect(made.status).toBe(200);
    expect(JSON.parse(made.body)).toMatchObject({ response_type: "ephemeral" });
    await t.settle();
    expect(await t.bot.store.getTeam(TEAM, "bins-service")).toMatchObject({
      name: "Bins service",
      reviewChannel: BINS_REVIEW,
      publishChannel: BINS_REVIEW,
      approvers: [BOB],
      personal: false,
      sourceChannels: [],
    });
    const madeNotice = t.fake.callsOf("chat.postEphemeral").find((c) => c.args.user === BOB);
    expect(String(madeNotice?.args.text)).toContain("Made the team Bins service");

    // Its settings, from its review channel: it drafts from #bins only.
    await configure(BOB, BINS_REVIEW, { sources: { selected_conversations: [BINS] } });
    expect((await t.bot.store.getTeam(TEAM, "bins-service"))?.sourceChannels).toEqual([BINS]);
    // The first team's settings are untouched.
    expect((await t.bot.store.getTeam(TEAM, "default"))?.sourceChannels).toEqual([GENERAL]);

    // The same week's tags, in both channels.
    await tag(ALICE, GENERAL, DIGITAL_TS, "Ev0TEAMSTG1");
    await tag(BOB, BINS, BINS_TS, "Ev0TEAMSTG2");
    await t.settle();

    t.fake.clearCalls();
    expect((await t.command("draft", ALICE, REVIEW)).status).toBe(200);
    expect((await t.command("draft", BOB, BINS_REVIEW)).status).toBe(200);
    await t.settle();

    const digital = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: WEEK });
    const bins = await t.bot.store.getWeeknote({ workspace: TEAM, team: "bins-service", week: WEEK });
    expect(digital?.revisions.at(-1)?.highlightIds).toEqual([`${GENERAL}/${DIGITAL_TS}`]);
    expect(bins?.revisions.at(-1)?.highlightIds).toEqual([`${BINS}/${BINS_TS}`]);
    expect(digital?.review?.conversationId).toBe(REVIEW);
    expect(bins?.review?.conversationId).toBe(BINS_REVIEW);

    // Each review, in its team's channel, holds only its own channels' messages.
    const digitalReview = textOf(reviewIn(REVIEW));
    const binsReview = textOf(reviewIn(BINS_REVIEW));
    expect(digitalReview).toContain("Forms beta opened to everyone");
    expect(digitalReview).not.toContain("New collection routes agreed");
    expect(binsReview).toContain("New collection routes agreed");
    expect(binsReview).not.toContain("Forms beta opened to everyone");
    // Each review's buttons name its own team.
    const teamOf = (call: FakeSlackCall | undefined) =>
      JSON.parse(String(buttonsOf(call).find((b) => b.action_id === "weeknote_approve")?.value)).team;
    expect([teamOf(reviewIn(REVIEW)), teamOf(reviewIn(BINS_REVIEW))]).toEqual(["default", "bins-service"]);
  });
});

describe("a personal note", () => {
  it("holds only what its member tagged, and speaks as I", async () => {
    const made = await t.command("new personal My note", ALICE, NOTES);
    expect(made.status).toBe(200);
    await t.settle();
    expect(await t.bot.store.getTeam(TEAM, "my-note")).toMatchObject({
      name: "My note",
      personal: true,
      members: [ALICE],
      approvers: [ALICE],
      reviewChannel: NOTES,
    });

    // Alice tags one message; Bob tags two others.
    await tag(ALICE, GENERAL, DIGITAL_TS, "Ev0PERSTAG1");
    await tag(BOB, BINS, BINS_TS, "Ev0PERSTAG2");
    await tag(BOB, GENERAL, BOBS_TS, "Ev0PERSTAG3");
    await t.settle();
    // All three are highlights of the workspace; only Alice's counts for her note.
    const all = await t.bot.store.listHighlights({
      workspace: TEAM,
      fromMs: 0,
      toMs: Date.parse("2100-01-01"),
    });
    expect(all).toHaveLength(3);

    t.fake.clearCalls();
    expect((await t.command("draft", ALICE, NOTES)).status).toBe(200);
    await t.settle();
    const note = await t.bot.store.getWeeknote({ workspace: TEAM, team: "my-note", week: WEEK });
    const revision = note?.revisions.at(-1);
    expect(revision?.highlightIds).toEqual([`${GENERAL}/${DIGITAL_TS}`]);
    expect(revision?.markdown).toContain("This week I tagged");
    expect(revision?.markdown).not.toContain("we tagged");
    expect(revision?.markdown).not.toContain("New collection routes agreed");
    expect(revision?.markdown).not.toContain("Cyber drill went well");

    const review = textOf(reviewIn(NOTES));
    expect(review).toContain("This week I tagged");
    expect(review).toContain("Forms beta opened to everyone");
    expect(review).not.toContain("New collection routes agreed");
    expect(review).not.toContain("Cyber drill went well");
  });
});
