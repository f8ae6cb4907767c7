import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_PEOPLE, TEST_TEAM, TEST_TENANT_ID } from "../support/bot-framework/index.ts";
import type { FakeGraph } from "../support/fake-graph.ts";
import { startTeamsBot, type TeamsTestBot } from "../support/teams-harness.ts";

// Emoji tags on people's channel posts, which Teams never tells a bot about (CASES C10): found by
// the Graph reaction sweep of the real bot, hourly and just before the draft, against a fake
// Microsoft Graph that accepts only app-only tokens from the test tenant's login.

const { alice, bob } = DEFAULT_PEOPLE;
const CHANNEL = TEST_TEAM.channelId;
const GROUP = TEST_TEAM.aadGroupId;
const ALICE = { id: alice.aadObjectId, displayName: alice.name };
const BOB = { id: bob.aadObjectId, displayName: bob.name };

let t: TeamsTestBot;
let graph: FakeGraph;
beforeEach(async () => {
  // Tuesday of 2026-W13, 10:15 in London.
  t = await startTeamsBot({ now: "2026-03-24T10:15:00Z", schedule: true, sweep: true });
  graph = t.graph as FakeGraph;
  graph.addTeam(GROUP, TEST_TENANT_ID, [{ id: CHANNEL, displayName: "Bins service" }]);
  // Channel messages name only the team's 19:… id; its Graph group comes from the team details.
  t.bf.connector.setTeam(TEST_TEAM.id, {
    name: TEST_TEAM.name,
    aadGroupId: GROUP,
    channels: [{ id: CHANNEL, name: "Bins service" }],
  });
  // Alice claims the team in the channel; the bot learns the channel's team (its Graph group).
  expect((await t.post(t.teams.channelMention("settings"))).status).toBe(200);
});
afterEach(async () => {
  await t.stop();
});

async function highlights() {
  return t.bot.store.listHighlights({ workspace: TEST_TENANT_ID, fromMs: 0, toMs: Date.parse("2027-01-01") });
}

describe("the Graph reaction sweep in the running bot", () => {
  it("captures a ⭐ on a person's post within the hour, follows its edit, and drops it when the reaction goes", async () => {
    const id = graph.post(GROUP, CHANNEL, {
      from: BOB,
      html: "<p>Bins booking went <b>live</b> &amp; works</p>",
    });
    graph.react(GROUP, CHANNEL, id, { user: ALICE.id, reactionType: "⭐" });
    // A reaction no team tags with is not a highlight.
    const other = graph.post(GROUP, CHANNEL, { from: BOB, html: "<p>Lunch?</p>" });
    graph.react(GROUP, CHANNEL, other, { user: ALICE.id, reactionType: "like" });

    await t.time.advance(60 * 60_000);
    await t.settle();
    expect((await highlights()).map((h) => [h.id, h.authorName, h.text, h.section, h.tags])).toEqual([
      [
        `${CHANNEL}/${id}`,
        "Bob Example",
        "Bins booking went live & works",
        "highlights",
        [{ user: ALICE.id, reaction: "star", section: "highlights", via: "reaction" }],
      ],
    ]);
    const authorized = graph.requests.filter((r) => r.authorized);
    expect(authorized.length).toBeGreaterThan(0);
    expect(graph.requests.every((r) => r.authorized)).toBe(true);

    graph.edit(GROUP, CHANNEL, id, "<p>Bins booking went live for every ward</p>");
    await t.time.advance(60 * 60_000);
    await t.settle();
    expect((await highlights()).map((h) => h.text)).toEqual(["Bins booking went live for every ward"]);

    graph.unreact(GROUP, CHANNEL, id, ALICE.id, "⭐");
    await t.time.advance(60 * 60_000);
    await t.settle();
    expect(await highlights()).toEqual([]);
  });

  it("sweeps just before the Friday draft, so a reaction made after the last hourly sweep is in the note", async () => {
    // Hourly sweeps run at :15 past; this reaction comes at 13:50, after the 13:15 sweep.
    await t.time.advanceTo("2026-03-27T13:50:00Z");
    await t.settle();
    const id = graph.post(GROUP, CHANNEL, { from: BOB, html: "<p>Cyber drill done, 0 findings</p>" });
    graph.react(GROUP, CHANNEL, id, { user: ALICE.id, reactionType: "⭐" });

    await t.time.advanceTo("2026-03-27T14:01:00Z");
    await t.settle();
    const weeknote = await t.bot.store.getWeeknote({
      workspace: TEST_TENANT_ID,
      team: "default",
      week: "2026-W13",
    });
    expect(weeknote?.status).toBe("draft");
    expect(weeknote?.revisions[0]?.highlightIds).toEqual([`${CHANNEL}/${id}`]);
    expect(weeknote?.revisions[0]?.markdown).toContain("Cyber drill done, 0 findings");
  });

  it("keeps the team's Graph group learnt at install when later messages in General do not carry it", async () => {
    const general = t.bf.activities({ channelId: TEST_TEAM.id, channelName: "General" });
    expect((await t.post(general.installationUpdate("add"))).status).toBe(200);
    expect((await t.post(general.channelMention("help"))).status).toBe(200);
    const stored = await t.bot.store.getConversationReference("teams", TEST_TENANT_ID, TEST_TEAM.id);
    expect(stored?.reference).toMatchObject({ teamGroupId: GROUP, teamId: TEST_TEAM.id });
  });

  it("never counts reactions on the bot's own cards", async () => {
    const card = graph.post(GROUP, CHANNEL, {
      from: { appId: "00000000-0000-4000-8000-00000000b07e", displayName: "Weeknotes" },
      html: '<attachment id="1"></attachment>',
    });
    graph.react(GROUP, CHANNEL, card, { user: ALICE.id, reactionType: "⭐" });
    await t.time.advance(60 * 60_000);
    await t.settle();
    expect(await highlights()).toEqual([]);
  });
});
