import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SECRET, startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import {
  ALICE,
  BOB,
  buttonClick,
  buttonsOf,
  GENERAL,
  reactionAdded,
  seedWorkspace,
  w13Ts,
} from "../support/slack-scenario.ts";
import { postSlackCommand, postSlackEvent, postSlackInteraction } from "../support/slack-signing.ts";

// Issue 12, item 4: authority comes from our records, not from the request. Requests are signed
// with the app's real secret throughout: a distributed app's other installs, or a workspace that
// only shares a channel, send requests Slack signs just the same.

const STRANGER = "T0STRANGER";
const WEEK = "2026-W13";
const DEFAULT_KEY = { workspace: TEAM, team: "default", week: WEEK };
const BINS_KEY = { workspace: TEAM, team: "bins-service", week: WEEK };
const BINS_REVIEW = "C0BINSREV1";
const BINS = "C0BINS0001";

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  t.fake.addChannel({ id: BINS_REVIEW, name: "bins-review", is_channel: true, is_private: false });
  t.fake.addChannel({ id: BINS, name: "bins", is_channel: true, is_private: false });
  t.fake.addMessage(GENERAL, { type: "message", ts: w13Ts(3600, 1), user: BOB, text: "Cyber drill done" });
  t.fake.addMessage(BINS, { type: "message", ts: w13Ts(7200, 2), user: ALICE, text: "New routes agreed" });
});
afterEach(async () => {
  await t.stop();
});

const signed = () => ({ secret: SECRET, timestampSeconds: Math.floor(t.clock.now() / 1000) });
const url = () => `${t.bot.url}/slack/events`;

function strangerEvent(event: Record<string, unknown>, eventId: string, extra: Record<string, unknown> = {}) {
  return postSlackEvent(
    url(),
    {
      token: "x",
      team_id: STRANGER,
      api_app_id: "A0APP00001",
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(t.clock.now() / 1000),
      event,
      ...extra,
    },
    signed(),
  );
}

function strangerCommand(text: string, user: string, triggerId: string) {
  return postSlackCommand(
    url(),
    {
      token: "x",
      team_id: STRANGER,
      team_domain: "stranger",
      channel_id: "C0THEIRS01",
      channel_name: "general",
      user_id: user,
      user_name: "mallory",
      command: "/weeknotes",
      text,
      api_app_id: "A0APP00001",
      response_url: `${t.fake.url.replace(/api\/$/, "")}response/stranger`,
      trigger_id: triggerId,
    },
    signed(),
  );
}

/** Nothing at all happened: no Slack call, no tenant, no inbox record, no highlight. */
async function expectIgnored(eventIds: readonly string[]): Promise<void> {
  await t.settle();
  expect(t.fake.calls.map((c) => c.method)).toEqual([]);
  expect(await t.bot.store.listTeams(STRANGER)).toEqual([]);
  for (const id of eventIds) {
    expect(await t.bot.store.getEvent(STRANGER, id)).toBeUndefined();
    expect(await t.bot.store.getEvent(TEAM, id)).toBeUndefined();
  }
  expect(
    await t.bot.store.listHighlights({ workspace: STRANGER, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }),
  ).toEqual([]);
}

describe("requests from a workspace the bot was never installed in", () => {
  beforeEach(() => {
    t.fake.clearCalls();
  });

  it("a signed event is acknowledged and ignored: no highlight, no tenant, no call", async () => {
    const tagged = await strangerEvent(reactionAdded("U0MALLORY1", "C0THEIRS01", w13Ts(60)), "Ev0STRANGE1");
    expect(tagged.status).toBe(200);
    expect(tagged.body).toBe("");
    const mention = await strangerEvent(
      {
        type: "app_mention",
        user: "U0MALLORY1",
        text: "<@U0BOT00001> draft",
        channel: "C0THEIRS01",
        ts: "1774600100.000100",
      },
      "Ev0STRANGE2",
    );
    expect(mention.status).toBe(200);
    const dm = await strangerEvent(
      {
        type: "message",
        channel_type: "im",
        user: "U0MALLORY1",
        text: "add pwned",
        channel: "D0THEIRS01",
        ts: "1774600200.000100",
      },
      "Ev0STRANGE3",
    );
    expect(dm.status).toBe(200);
    await expectIgnored(["Ev0STRANGE1", "Ev0STRANGE2", "Ev0STRANGE3"]);
  });

  it("an event whose installation is another workspace's is ignored, whatever its team_id says", async () => {
    const result = await postSlackEvent(
      url(),
      {
        token: "x",
        team_id: TEAM,
        api_app_id: "A0APP00001",
        type: "event_callback",
        event_id: "Ev0STRANGE4",
        event_time: Math.floor(t.clock.now() / 1000),
        authorizations: [{ team_id: STRANGER, user_id: "U0BOT00001", is_bot: true, enterprise_id: null }],
        event: reactionAdded("U0MALLORY1", GENERAL, w13Ts(3600, 1)),
      },
      signed(),
    );
    expect(result.status).toBe(200);
    await expectIgnored(["Ev0STRANGE4"]);
    expect(
      await t.bot.store.listHighlights({ workspace: TEAM, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }),
    ).toEqual([]);
  });

  it("/weeknotes draft and /weeknotes new are acknowledged and ignored: no team, no approver, no draft", async () => {
    for (const [text, trigger] of [
      ["draft", "trigger.stranger.1"],
      ["new Evil corp", "trigger.stranger.2"],
      ["config", "trigger.stranger.3"],
      ["add pwned", "trigger.stranger.4"],
    ] as const) {
      const result = await strangerCommand(text, "U0MALLORY1", trigger);
      expect(result.status).toBe(200);
      expect(result.body).toBe("");
    }
    await expectIgnored([
      "command:trigger.stranger.1",
      "command:trigger.stranger.2",
      "command:trigger.stranger.4",
    ]);
    expect(await t.bot.store.listTeams(TEAM)).toEqual([]);
  });
});

describe("review buttons are checked against the stored draft and its team's approvers", () => {
  let defaultValues: Record<string, string>;
  let defaultReview: string;
  let binsValues: Record<string, string>;
  let binsReview: string;

  beforeEach(async () => {
    // The default team: Alice drafts in #general and so approves it.
    await t.event(reactionAdded(ALICE, GENERAL, w13Ts(3600, 1)), "Ev0AUTHTAG1");
    await t.settle();
    await t.command("draft", ALICE);
    await t.settle();
    // A second team, Bob's, reviewed in #bins-review.
    await t.command("new Bins service", BOB, BINS_REVIEW);
    await t.settle();
    await t.event(reactionAdded(BOB, BINS, w13Ts(7200, 2)), "Ev0AUTHTAG2");
    await t.settle();
    await t.command("draft bins-service", BOB, BINS_REVIEW);
    await t.settle();
    const reviewOf = async (key: typeof DEFAULT_KEY, channel: string) => {
      const weeknote = await t.bot.store.getWeeknote(key);
      expect(weeknote?.review?.conversationId).toBe(channel);
      const post = t.fake
        .callsOf("chat.postMessage")
        .find((c) => c.args.channel === channel && buttonsOf(c).length > 0);
      const values = Object.fromEntries(buttonsOf(post).map((b) => [b.action_id, b.value]));
      return { ts: String(weeknote?.review?.messageId), values };
    };
    ({ ts: defaultReview, values: defaultValues } = await reviewOf(DEFAULT_KEY, GENERAL));
    ({ ts: binsReview, values: binsValues } = await reviewOf(BINS_KEY, BINS_REVIEW));
    expect((await t.bot.store.getTeam(TEAM, "default"))?.approvers).toEqual([ALICE]);
    expect((await t.bot.store.getTeam(TEAM, "bins-service"))?.approvers).toEqual([BOB]);
    t.fake.clearCalls();
  });

  let clicks = 0;
  function click(
    user: string,
    actionId: string,
    value: string | undefined,
    channel: string,
    messageTs: string,
  ) {
    clicks += 1;
    return t.interaction(
      buttonClick({
        user,
        actionId,
        value,
        channel,
        messageTs,
        actionTs: `1774612${String(900 + clicks)}.000100`,
        triggerId: `trigger.click.${clicks}`,
      }),
    );
  }

  function refusalsTo(user: string): string[] {
    return t.fake
      .callsOf("chat.postEphemeral")
      .filter((c) => c.args.user === user)
      .map((c) => String(c.args.text));
  }

  async function expectUndecided(): Promise<void> {
    for (const key of [DEFAULT_KEY, BINS_KEY]) {
      const weeknote = await t.bot.store.getWeeknote(key);
      expect(weeknote?.status).toBe("draft");
      expect(weeknote?.approval).toBeUndefined();
      expect(weeknote?.published).toBeUndefined();
      expect(weeknote?.revisions).toHaveLength(1);
    }
    // Nothing posted but the refusals: no note published, no review changed.
    expect(t.fake.calls.map((c) => c.method).filter((m) => m !== "chat.postEphemeral")).toEqual([]);
  }

  it("a button on one team's review whose value names another team's draft is refused; nothing is published", async () => {
    // Bob approves the bins team; on its review message he clicks a forged Approve naming the
    // default team's draft (and a Skip).
    for (const action of ["weeknote_approve", "weeknote_skip"]) {
      const result = await click(BOB, action, defaultValues[action], BINS_REVIEW, binsReview);
      expect(result.status).toBe(200);
    }
    await t.settle();
    await expectUndecided();
    expect(refusalsTo(BOB)).toEqual(
      [
        "That button is not on the 2026-W13 draft&#39;s review message, so nothing was done.",
        "That button is not on the 2026-W13 draft&#39;s review message, so nothing was done.",
      ].map((text) => text.replace("&#39;", "'")),
    );
    expect(await t.bot.store.getEvent(TEAM, "action:trigger.click.1")).toBeUndefined();
  });

  it("a non-approver's click on the right review message is refused; nothing is published", async () => {
    const result = await click(
      BOB,
      "weeknote_approve",
      defaultValues.weeknote_approve,
      GENERAL,
      defaultReview,
    );
    expect(result.status).toBe(200);
    await t.settle();
    await expectUndecided();
    expect(refusalsTo(BOB)).toEqual([
      "Only the team's approvers can decide on drafts. Ask an approver; one of them can add you in the team's settings.",
    ]);
  });

  it("an approver's click on another team's review message, naming her own draft, is refused", async () => {
    const result = await click(
      ALICE,
      "weeknote_approve",
      defaultValues.weeknote_approve,
      BINS_REVIEW,
      binsReview,
    );
    expect(result.status).toBe(200);
    await t.settle();
    await expectUndecided();
    expect(refusalsTo(ALICE)).toHaveLength(1);
  });

  it("the Regenerate and Edit modals do not open for a non-approver, nor for a forged value", async () => {
    for (const [user, action, value, channel, ts] of [
      [BOB, "weeknote_regenerate", defaultValues.weeknote_regenerate, GENERAL, defaultReview],
      [BOB, "weeknote_edit", defaultValues.weeknote_edit, GENERAL, defaultReview],
      [BOB, "weeknote_regenerate", defaultValues.weeknote_regenerate, BINS_REVIEW, binsReview],
      [BOB, "weeknote_edit", defaultValues.weeknote_edit, BINS_REVIEW, binsReview],
    ] as const) {
      expect((await click(user, action, value, channel, ts)).status).toBe(200);
    }
    await t.settle();
    expect(t.fake.callsOf("views.open")).toEqual([]);
    await expectUndecided();
    expect(refusalsTo(BOB)).toHaveLength(4);
  });

  it("still lets each team's approver act on their own review message", async () => {
    expect(
      (await click(ALICE, "weeknote_regenerate", defaultValues.weeknote_regenerate, GENERAL, defaultReview))
        .status,
    ).toBe(200);
    expect(t.fake.callsOf("views.open")).toHaveLength(1);
    expect(
      (await click(BOB, "weeknote_approve", binsValues.weeknote_approve, BINS_REVIEW, binsReview)).status,
    ).toBe(200);
    await t.settle();
    expect((await t.bot.store.getWeeknote(BINS_KEY))?.status).toBe("approved");
    expect((await t.bot.store.getWeeknote(BINS_KEY))?.published).toBeDefined();
    expect((await t.bot.store.getWeeknote(DEFAULT_KEY))?.status).toBe("draft");
  });

  it("a click from another workspace on our review message is acknowledged and ignored", async () => {
    const payload = {
      ...buttonClick({
        user: ALICE,
        actionId: "weeknote_approve",
        value: defaultValues.weeknote_approve,
        channel: GENERAL,
        messageTs: defaultReview,
        actionTs: "1774612999.000100",
        triggerId: "trigger.stranger.click",
      }),
      team: { id: STRANGER },
      user: { id: ALICE, team_id: STRANGER },
    };
    const result = await postSlackInteraction(url(), payload, signed());
    expect(result.status).toBe(200);
    expect(result.body).toBe("");
    await t.settle();
    expect(t.fake.calls).toEqual([]);
    expect((await t.bot.store.getWeeknote(DEFAULT_KEY))?.status).toBe("draft");
  });
});
