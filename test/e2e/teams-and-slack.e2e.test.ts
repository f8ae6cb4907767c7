import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  botFrameworkFakes,
  DEFAULT_PEOPLE,
  postActivity,
  TEST_TEAM,
  TEST_TENANT_ID,
} from "../support/bot-framework/index.ts";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";

// One process serves a Slack workspace and a Teams tenant (SPEC §3: one core, one router keyed by
// the workspace's platform): each gets its own highlights and its own draft, posted through its
// own platform only.

const ALICE = "U0ALICE001";
const BOB = "U0BOB00002";
const GENERAL = "C0GENERAL1";
const SLACK_TS = "1774346400.000100";

let t: TestBot;
beforeEach(async () => {
  const bf = await botFrameworkFakes();
  bf.reset();
  t = await startTestBot({
    now: "2026-03-27T12:00:00Z",
    env: bf.env(),
    overrides: { teamsCredentialsFactory: bf.credentialsFactory() },
  });
  t.fake.addChannel({ id: GENERAL, name: "general" });
  t.fake.addUser({ id: ALICE, name: "alice", profile: { display_name: "Alice" } });
  t.fake.addUser({ id: BOB, name: "bob", profile: { display_name: "Bob" } });
  t.fake.addMessage(GENERAL, {
    type: "message",
    ts: SLACK_TS,
    user: BOB,
    text: "Slack: bins booking went live",
  });
});
afterEach(async () => {
  await t.stop();
});

describe("Slack and Teams in one process", () => {
  it("keeps each workspace's highlights and drafts apart, each posted through its own platform", async () => {
    const bf = await botFrameworkFakes();
    const teams = bf.activities();
    const post = async (activity: { serviceUrl: string }) =>
      postActivity(`${t.bot.url}/api/messages`, activity, await bf.authorization(activity));

    // Slack: a ⭐ on Bob's message.
    const reacted = await t.event(
      {
        type: "reaction_added",
        user: ALICE,
        reaction: "star",
        item: { type: "message", channel: GENERAL, ts: SLACK_TS },
        event_ts: "1774600000.000100",
      },
      "Ev0MIXED001",
    );
    expect(reacted.status).toBe(200);
    // Teams: a line added with a mention.
    expect(
      (
        await post(
          teams.channelMention("add Teams: the cyber drill found nothing", { from: DEFAULT_PEOPLE.bob }),
        )
      ).status,
    ).toBe(200);
    await t.settle();

    // Each platform's approver asks for the draft where they are.
    expect((await t.command("draft", ALICE)).status).toBe(200);
    expect((await post(teams.channelMention("draft", { from: DEFAULT_PEOPLE.alice }))).status).toBe(200);
    await t.settle();

    const slackNote = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    const teamsNote = await t.bot.store.getWeeknote({
      workspace: TEST_TENANT_ID,
      team: "default",
      week: "2026-W13",
    });
    expect(slackNote?.revisions[0]?.markdown).toContain("Slack: bins booking went live");
    expect(slackNote?.revisions[0]?.markdown).not.toContain("cyber drill");
    expect(teamsNote?.revisions[0]?.markdown).toContain("Teams: the cyber drill found nothing");
    expect(teamsNote?.revisions[0]?.markdown).not.toContain("bins booking");
    expect(slackNote?.review).toMatchObject({ platform: "slack", conversationId: "C0GENERAL1" });
    expect(teamsNote?.review).toMatchObject({ platform: "teams", conversationId: TEST_TEAM.channelId });

    // The Slack draft went to Slack's API only, the Teams draft to the Bot Connector only.
    const slackPosts = t.fake.callsOf("chat.postMessage").map((c) => JSON.stringify(c));
    expect(slackPosts.some((p) => p.includes("bins booking"))).toBe(true);
    expect(slackPosts.some((p) => p.includes("cyber drill"))).toBe(false);
    const connectorBodies = bf.connector.calls.map((c) => JSON.stringify(c.body) ?? "");
    expect(connectorBodies.some((b) => b.includes("cyber drill"))).toBe(true);
    expect(connectorBodies.some((b) => b.includes("bins booking"))).toBe(false);
  });
});
