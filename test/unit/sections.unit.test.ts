import { describe, expect, it } from "vitest";
import { slackEmojiAliases } from "../../adapters/emoji/aliases.ts";
import { chooseSection } from "../../src/domain/highlight.ts";
import {
  EmojiSectionMap,
  normaliseEmojiName,
  parseEmojiOption,
  SECTIONS,
} from "../../src/domain/sections.ts";

const aliases = slackEmojiAliases();

describe("emoji → section", () => {
  const map = EmojiSectionMap.defaults(aliases);

  it("files the default emoji under the sections of SPEC §1", () => {
    expect(map.sectionOf("star")).toBe("highlights");
    expect(map.sectionOf("glowing_star")).toBe("highlights");
    expect(map.sectionOf("raised_hands")).toBe("thanks");
    expect(map.sectionOf("crystal_ball")).toBe("coming_up");
    expect(map.sectionOf("warning")).toBe("challenges");
    expect(map.sectionOf("headphones")).toBe("tune");
  });

  it("strips skin tones 2 to 6 and nothing else", () => {
    expect(map.sectionOf("clap::skin-tone-3")).toBe("thanks");
    expect(map.sectionOf("raised_hands::skin-tone-6")).toBe("thanks");
    expect(normaliseEmojiName("clap::skin-tone-7")).toBe("clap::skin-tone-7");
    expect(map.sectionOf("clap::skin-tone-7")).toBeUndefined();
  });

  it("never matches by prefix", () => {
    expect(map.sectionOf("star-struck")).toBeUndefined();
    expect(map.sectionOf("starfish")).toBeUndefined();
    expect(map.sectionOf("sta")).toBeUndefined();
    expect(map.sectionOf("clapper")).toBeUndefined();
  });

  it("resolves Slack's aliases both ways", () => {
    const thumbs = parseEmojiOption("+1", aliases);
    expect(thumbs.sectionOf("thumbsup")).toBe("highlights");
    expect(thumbs.sectionOf("+1::skin-tone-2")).toBe("highlights");
    expect(parseEmojiOption("thumbsup", aliases).sectionOf("+1")).toBe("highlights");
    expect(map.sectionOf("star2")).toBe("highlights");
  });

  it("keeps custom emoji as themselves and ignores surrounding colons and case", () => {
    const custom = parseEmojiOption(":partyr:=thanks,Es-CT", aliases);
    expect(custom.sectionOf("partyr")).toBe("thanks");
    expect(custom.sectionOf("es-ct")).toBe("highlights");
    expect(custom.sectionOf(":PARTYR:")).toBe("thanks");
  });
});

describe("parseEmojiOption", () => {
  it("takes a name's default section when none is given", () => {
    const map = parseEmojiOption("star,clap,tada,notes", aliases);
    expect(map.sectionOf("clap")).toBe("thanks");
    expect(map.sectionOf("tada")).toBe("highlights");
    expect(map.sectionOf("notes")).toBe("tune");
    expect(map.sectionOf("crystal_ball")).toBeUndefined();
  });

  it("accepts the emoji itself, and ignores empty items", () => {
    const map = parseEmojiOption("⭐,👏=thanks,star,", aliases);
    expect(map.sectionOf("star")).toBe("highlights");
    expect(map.sectionOf("clap::skin-tone-2")).toBe("thanks");
    expect(parseEmojiOption("star,,clap", aliases).sectionOf("clap")).toBe("thanks");
  });

  it("reads an emoji typed with a skin tone as the emoji (👍🏽 is +1, as +1::skin-tone-4 is)", () => {
    const map = parseEmojiOption("👍🏽,👏🏿=thanks", aliases);
    expect(map.entries()).toEqual([
      ["+1", "highlights"],
      ["clap", "thanks"],
    ]);
    expect(map.sectionOf("+1::skin-tone-4")).toBe("highlights");
  });

  it.each(["", " , ", "star=nowhere", "star=thanks=again", "=thanks", "a b", "star=thanks,star=challenges"])(
    "refuses %j",
    (value) => {
      expect(() => parseEmojiOption(value, aliases)).toThrowError(
        expect.objectContaining({ code: "input.bad_emoji" }),
      );
    },
  );
});

describe("chooseSection", () => {
  it("takes the section with the most taggers, ties to the earlier section", () => {
    expect(
      chooseSection(
        [
          { section: "highlights", users: 1 },
          { section: "thanks", users: 3 },
        ],
        SECTIONS,
      ),
    ).toBe("thanks");
    expect(
      chooseSection(
        [
          { section: "thanks", users: 2 },
          { section: "highlights", users: 2 },
        ],
        SECTIONS,
      ),
    ).toBe("highlights");
    expect(chooseSection([], SECTIONS)).toBeUndefined();
  });
});
