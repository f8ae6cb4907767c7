import { describe, expect, it } from "vitest";
import { slackEmojiUnicode } from "../../adapters/emoji/aliases.ts";
import { decodeSlackEntities, decodeSlackText, type SlackNameLookup } from "../../adapters/slack/mrkdwn.ts";

const names: SlackNameLookup = {
  userName: (id) => ({ U0BOB00002: "Bob", U0ALICE001: "Alice Jones" })[id],
  channelName: (id) => ({ C0GENERAL1: "general" })[id],
};

describe("decodeSlackText", () => {
  it("decodes case C7 into readable text with names resolved", () => {
    const raw =
      "R&amp;D &lt;3 <@U0BOB00002> fixed <https://example.com/pr/7?a=1&amp;b=2|PR #7> in <#C0GENERAL1|general> <!here>";
    expect(decodeSlackText(raw, names)).toBe(
      "R&D <3 @Bob fixed PR #7 (https://example.com/pr/7?a=1&b=2) in #general @here",
    );
  });

  it("resolves legacy mentions, preferring the user list over the label", () => {
    expect(decodeSlackText("hi <@U0ALICE001|alice>", names)).toBe("hi @Alice Jones");
    expect(decodeSlackText("hi <@U064SRKPD|mel>", names)).toBe("hi @mel");
    expect(decodeSlackText("hi <@U9UNKNOWN>", names)).toBe("hi @U9UNKNOWN");
  });

  it("handles channels without labels and unknown channels", () => {
    expect(decodeSlackText("<#C0GENERAL1>", names)).toBe("#general");
    expect(decodeSlackText("<#C0OTHER|random>", names)).toBe("#random");
  });

  it("treats an empty label like no label: the name if known, else the id (issue 10, item 5)", () => {
    expect(decodeSlackText("<#C0GENERAL1|>", names)).toBe("#general");
    expect(decodeSlackText("<#C05Q6S60NFQ|>", names)).toBe("#C05Q6S60NFQ");
    expect(decodeSlackText("<@U9UNKNOWN|>", names)).toBe("@U9UNKNOWN");
    expect(decodeSlackText("<https://gov.uk|>", names)).toBe("https://gov.uk");
  });

  it("turns links into text a person can read", () => {
    expect(decodeSlackText("see <https://gov.uk>", names)).toBe("see https://gov.uk");
    expect(decodeSlackText("<https://gov.uk|gov.uk>", names)).toBe("https://gov.uk");
    expect(decodeSlackText("<mailto:a@b.org|a@b.org>", names)).toBe("a@b.org");
  });

  it("makes broadcasts and special tokens harmless words", () => {
    expect(decodeSlackText("<!channel> <!everyone> <!here|here>", names)).toBe("@channel @everyone @here");
    expect(decodeSlackText("<!subteam^S123|@design> look", names)).toBe("@design look");
    expect(decodeSlackText("due <!date^1392734382^{date}|Feb 18, 2014>", names)).toBe("due Feb 18, 2014");
  });

  it("does not decode twice", () => {
    expect(decodeSlackEntities("&amp;lt;")).toBe("&lt;");
    expect(decodeSlackText("a &amp;amp; b", names)).toBe("a &amp; b");
  });

  it("keeps Unicode byte for byte", () => {
    const samples = [
      "今週は原書を読みました 📚",
      "שלום עולם — مرحبا",
      "👩🏽‍💻 shipped the 🏳️‍🌈 banner",
      "zero\u200bwidth\u200djoin",
      "Diolch yn fawr — ŵ ŷ",
    ];
    for (const text of samples) {
      expect(Buffer.from(decodeSlackText(text, names))).toEqual(Buffer.from(text));
    }
  });

  it("leaves lone angle brackets and ampersands it does not own", () => {
    expect(decodeSlackText("a & b", names)).toBe("a & b");
    expect(decodeSlackText("x < y", names)).toBe("x < y");
  });
});

describe("emoji short codes", () => {
  const withEmoji: SlackNameLookup = { ...names, emoji: slackEmojiUnicode() };

  it("turns standard short codes and their aliases into Unicode, with skin tones", () => {
    expect(decodeSlackText("live :tada: :+1: :thumbsup: :wave::skin-tone-3:", withEmoji)).toBe(
      "live 🎉 👍 👍 👋🏼",
    );
  });

  it("leaves custom emoji, times and URLs alone", () => {
    expect(decodeSlackText(":partyr: at 10:30:45 <https://x.example/:tada:/>", withEmoji)).toBe(
      ":partyr: at 10:30:45 https://x.example/:tada:/",
    );
  });
});
