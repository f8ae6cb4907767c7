import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_PEOPLE, TEST_TENANT_ID } from "../support/bot-framework/index.ts";
import { messageText, settle } from "../support/teams-cards.ts";
import { startTeamsBot, type TeamsTestBot } from "../support/teams-harness.ts";

// "forget me" in Teams, through the real server and the inbox (SPEC §7).

const { alice, bob } = DEFAULT_PEOPLE;

let t: TeamsTestBot;
beforeEach(async () => {
  t = await startTeamsBot({ now: "2026-03-24T10:15:00Z" });
});
afterEach(async () => {
  await t.stop();
});

const texts = async () =>
  (await t.bot.store.listHighlights({ workspace: TEST_TENANT_ID, fromMs: 0, toMs: Date.parse("2027-01-01") }))
    .map((h) => h.text)
    .sort();

describe("forget me in Teams", () => {
  it("deletes the asker's highlights, keeps others', and says so in the chat", async () => {
    for (const [text, from] of [
      ["Alice shipped the bins app", alice],
      ["Alice thanked the contact centre", alice],
      ["Bob ran the cyber drill", bob],
    ] as const) {
      expect((await t.post(t.teams.personalMessage(text, { from }))).status).toBe(200);
    }
    await settle(t);
    expect(await texts()).toHaveLength(3);

    const before = t.bf.connector.calls.length;
    expect((await t.post(t.teams.personalMessage("forget me", { from: alice }))).status).toBe(200);
    await settle(t);
    expect(await texts()).toEqual(["Bob ran the cyber drill"]);
    const said = t.bf.connector.calls
      .slice(before)
      .map((c) => messageText(c.body))
      .join("\n");
    expect(said).toContain("Done: I deleted 2 highlights of yours and removed 0 tags");
  });
});
