import { describe, expect, it } from "vitest";
import { slackEmojiAliases } from "../../adapters/emoji/aliases.ts";
import { graphReactionName, LEGACY_TEAMS_REACTIONS } from "../../adapters/teams/graph-reactions.ts";
import { EmojiSectionMap } from "../../src/domain/sections.ts";

// Reactions exactly as Graph gave them in public captures (/work/shared/data/graph-teams-samples/):
// channel-list-messages beta 2019 and the 2022 overview fragment (`like`), chatmessage-get v1.0
// example 4 (a Unicode emoji with its display name, and `custom` with one), and the 2024 beta
// overview fragment (`custom` with no display name).
const LIKE_2019 = {
  reactionType: "like",
  createdDateTime: "2019-01-21T19:55:51.893Z",
  user: {
    application: null,
    device: null,
    conversation: null,
    user: { id: "e1ecb745-c10f-40af-a9d4-cab946c80ac7", displayName: null, userIdentityType: "aadUser" },
  },
};
const HUNDRED_2024 = {
  reactionType: "💯",
  displayName: "Hundred points",
  reactionContentUrl: null,
  createdDateTime: "2024-02-14T22:07:36.3Z",
};
const CUSTOM_2024 = {
  reactionType: "custom",
  displayName: "microsoft_teams",
  reactionContentUrl:
    "https://graph.microsoft.com/v1.0/chats/19:bcf84b15c2994a909770f7d05bc4fe16@thread.v2/messages/1706763669648/hostedContents/aWQ9MC13dXMtZDExLTc3ZmI2NmY4MTMwMGI2OGEzYzRkOWUyNmU1YTc5ZmMyLHR5cGU9MSx1cmw9/$value",
  createdDateTime: "2024-02-14T22:07:02.288Z",
};
const CUSTOM_BETA_NO_NAME = {
  reactionType: "custom",
  reactionContentUrl:
    "https://graph.microsoft.com/beta/chats/19:bcf84b15c2994a909770f7d05bc4fe16@thread.v2/…",
  createdDateTime: "2024-02-14T22:07:02.288Z",
};

describe("graphReactionName", () => {
  it("names the captured reactions", () => {
    expect(graphReactionName(LIKE_2019)).toBe("+1");
    expect(graphReactionName(HUNDRED_2024)).toBe("100");
    expect(graphReactionName(CUSTOM_2024)).toBe("microsoft_teams");
    expect(graphReactionName(CUSTOM_BETA_NO_NAME)).toBeUndefined();
  });

  it("maps the six backward-compatible types to the emoji Teams shows for them", () => {
    const names = Object.keys(LEGACY_TEAMS_REACTIONS).map((reactionType) =>
      graphReactionName({ reactionType }),
    );
    expect(names).toEqual(["+1", "heart", "laughing", "open_mouth", "cry", "angry"]);
    expect(graphReactionName({ reactionType: "Like" })).toBe("+1");
    // The name of each is the name of the emoji itself.
    for (const [glyph, type] of [
      ["👍", "like"],
      ["❤️", "heart"],
      ["😆", "laugh"],
      ["😮", "surprised"],
      ["😢", "sad"],
      ["😠", "angry"],
    ] as const) {
      expect(graphReactionName({ reactionType: glyph })).toBe(graphReactionName({ reactionType: type }));
    }
  });

  it("names a Unicode emoji by its emoji-datasource short name, with or without U+FE0F", () => {
    expect(graphReactionName({ reactionType: "⭐" })).toBe("star");
    expect(graphReactionName({ reactionType: "⭐\uFE0F" })).toBe("star");
    expect(graphReactionName({ reactionType: "❤" })).toBe("heart");
    expect(graphReactionName({ reactionType: "🌟", displayName: "Glowing star" })).toBe("star2");
    expect(graphReactionName({ reactionType: "🏳️‍🌈" })).toBe("rainbow-flag");
  });

  it("keeps a skin tone as Slack writes it, so tones stay apart and maps still match", () => {
    expect(graphReactionName({ reactionType: "👏🏽" })).toBe("clap::skin-tone-4");
    expect(graphReactionName({ reactionType: "👍🏿" })).toBe("+1::skin-tone-6");
    expect(graphReactionName({ reactionType: "👏🏻" })).not.toBe(graphReactionName({ reactionType: "👏" }));
  });

  it("names a custom emoji by its display name, lower-cased, spaces as underscores", () => {
    expect(graphReactionName({ reactionType: "custom", displayName: "Bin Lorry" })).toBe("bin_lorry");
    expect(graphReactionName({ reactionType: "custom", displayName: "  " })).toBeUndefined();
    expect(graphReactionName({ reactionType: "custom", displayName: null })).toBeUndefined();
  });

  it("never names a reaction `add`, the name of an explicit add", () => {
    expect(graphReactionName({ reactionType: "custom", displayName: "Add" })).toBeUndefined();
    expect(graphReactionName({ reactionType: "add" })).toBeUndefined();
  });

  it("reads Bot Framework reaction ids, and takes other words as they are", () => {
    expect(graphReactionName({ reactionType: "1f44b_wavinghand" })).toBe("wave");
    expect(graphReactionName({ reactionType: "cafe_latte" })).toBe("cafe_latte");
    expect(graphReactionName({ reactionType: "yes" })).toBe("yes");
    expect(graphReactionName({ reactionType: "" })).toBeUndefined();
  });

  it("keeps an emoji the data set does not know as itself", () => {
    // U+1FAFF is not (yet) an emoji: a newer emoji than the data set is kept the same way.
    expect(graphReactionName({ reactionType: "\u{1FAFF}" })).toBe("\u{1FAFF}");
  });

  it("lines up with the default emoji map and with a team map written with aliases", () => {
    const defaults = EmojiSectionMap.defaults();
    const section = (reactionType: string) => {
      const name = graphReactionName({ reactionType });
      return name === undefined ? undefined : defaults.sectionOf(name);
    };
    expect(section("⭐")).toBe("highlights");
    expect(section("🌟")).toBe("highlights");
    expect(section("👏🏽")).toBe("thanks");
    expect(section("🙌")).toBe("thanks");
    expect(section("🙏")).toBe("thanks");
    expect(section("🔮")).toBe("coming_up");
    expect(section("🔜")).toBe("coming_up");
    expect(section("🚧")).toBe("challenges");
    expect(section("⚠️")).toBe("challenges");
    expect(section("🎶")).toBe("tune");
    expect(section("🎵")).toBe("tune");
    expect(section("🎧")).toBe("tune");
    expect(section("like")).toBeUndefined();

    // A team that tags with 👍 and writes it `thumbsup`, with the aliases the bot runs with.
    const team = new EmojiSectionMap(
      [
        ["thumbsup", "highlights"],
        ["heart", "thanks"],
      ],
      slackEmojiAliases(),
    );
    expect(team.sectionOf(graphReactionName({ reactionType: "like" }) ?? "")).toBe("highlights");
    expect(team.sectionOf(graphReactionName({ reactionType: "👍🏽" }) ?? "")).toBe("highlights");
    expect(team.sectionOf(graphReactionName({ reactionType: "heart" }) ?? "")).toBe("thanks");
  });
});
