/**
 * Issue 10, item 6: custom emoji that are aliases of standard ones. The running bot against the
 * fake Slack Web API, whose emoji.list answers `{"wn": "alias:star"}`: a :wn: reaction counts as
 * :star:, everywhere names are compared; the list is cached, read again when an unknown name
 * arrives (at most once a minute), and alias loops stop.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { slackEmojiAliases, slackEmojiUnicode } from "../../adapters/emoji/aliases.ts";
import { createWorkspaceEmojiAliases } from "../../adapters/emoji/workspace-emoji.ts";
import { EmojiSectionMap, parseEmojiOption } from "../../src/domain/sections.ts";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { recordingLogger } from "../support/memory-logger.ts";
import {
  ALICE,
  BOB,
  GENERAL,
  reactionAdded,
  reactionRemoved,
  seedWorkspace,
} from "../support/slack-scenario.ts";

const X = "1774342800.000100";
const Y = "1774342900.000100";

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  t.fake.addEmoji({
    wn: "alias:star",
    // A chain of two hops, and a loop.
    wn2: "alias:wn",
    loop_a: "alias:loop_b",
    loop_b: "alias:loop_a",
    partyparrot: "https://emoji.example/partyparrot.gif",
  });
  for (const ts of [X, Y]) {
    t.fake.addMessage(GENERAL, { type: "message", ts, user: BOB, text: `Shipped ${ts}` });
  }
});
afterEach(async () => {
  await t.stop();
});

async function send(event: Record<string, unknown>, eventId: string): Promise<void> {
  expect((await t.event(event, eventId)).status).toBe(200);
  await t.settle();
}

describe("custom emoji aliases (emoji.list)", () => {
  it("a :wn: reaction (alias:star) makes a highlight in star's section; removing it removes it", async () => {
    await send(reactionAdded(ALICE, GENERAL, X, "wn"), "Ev0WN000001");
    const stored = await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`);
    expect(stored?.section).toBe("highlights");
    expect(stored?.tags).toEqual([{ user: ALICE, reaction: "wn", section: "highlights", via: "reaction" }]);
    expect(t.fake.callsOf("emoji.list")).toHaveLength(1);

    await send(reactionRemoved(ALICE, GENERAL, X, "wn"), "Ev0WN000002");
    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`)).toBeUndefined();
  });

  it("follows a chain of aliases, and stops on a loop without counting it", async () => {
    await send(reactionAdded(ALICE, GENERAL, X, "wn2"), "Ev0WN000003");
    expect((await t.bot.store.getHighlight(TEAM, `${GENERAL}/${X}`))?.section).toBe("highlights");
    await send(reactionAdded(ALICE, GENERAL, Y, "loop_a"), "Ev0WN000004");
    expect(await t.bot.store.getHighlight(TEAM, `${GENERAL}/${Y}`)).toBeUndefined();
  });

  it("caches the list: standard emoji never ask, known custom ones ask once, unknown ones at most once a minute", async () => {
    await send(reactionAdded(ALICE, GENERAL, X, "star"), "Ev0WN000005");
    expect(t.fake.callsOf("emoji.list")).toHaveLength(0);
    await send(reactionAdded(BOB, GENERAL, X, "wn"), "Ev0WN000006");
    await send(reactionAdded(ALICE, GENERAL, Y, "wn"), "Ev0WN000007");
    expect(t.fake.callsOf("emoji.list")).toHaveLength(1);
    // A new custom emoji: read again once, then not again within the minute.
    await send(reactionAdded(ALICE, GENERAL, Y, "brand_new"), "Ev0WN000008");
    expect(t.fake.callsOf("emoji.list")).toHaveLength(1);
    t.clock.advance(61_000);
    t.fake.addEmoji({ brand_new: "alias:star" });
    await send(reactionAdded(BOB, GENERAL, Y, "brand_new"), "Ev0WN000009");
    expect(t.fake.callsOf("emoji.list")).toHaveLength(2);
    await send(reactionAdded(BOB, GENERAL, Y, "another_new"), "Ev0WN000010");
    expect(t.fake.callsOf("emoji.list")).toHaveLength(2);
    const stored = await t.bot.store.getHighlight(TEAM, `${GENERAL}/${Y}`);
    expect(stored?.tags.map((tag) => tag.reaction).sort()).toEqual(["brand_new", "wn"]);
  });
});

describe("one normalisation wherever emoji names are compared", () => {
  it("the team's map, a reaction and the CLI's --emoji agree once the workspace's aliases are known", async () => {
    const aliases = createWorkspaceEmojiAliases({
      base: slackEmojiAliases(),
      isStandard: (name) => slackEmojiUnicode()(name, undefined) !== undefined,
      list: async () => ({ wn: "alias:star", Shout: "alias:loudspeaker" }),
      now: () => 0,
      logger: recordingLogger([]),
    });
    const ws = await aliases.forWorkspace("slack", "T1", ["wn"]);
    // A team map chosen as `:WN:` and one chosen as `star` both take a `wn` and a `star` reaction.
    for (const map of [
      new EmojiSectionMap([["star", "highlights"]], ws),
      parseEmojiOption(":WN:=thanks", ws),
    ]) {
      const [[name, section] = []] = map.entries();
      expect(name).toBe("star");
      expect(map.sectionOf("wn")).toBe(section);
      expect(map.sectionOf(":star:")).toBe(section);
      expect(map.sectionOf("wn::skin-tone-3")).toBe(section);
    }
    // Other platforms get the standard aliases only.
    expect((await aliases.forWorkspace("teams", "T1", ["wn"])).canonical("wn")).toBe("wn");
  });
});
