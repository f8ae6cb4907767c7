import { describe, expect, it } from "vitest";
import { escapeSlackMrkdwn, escapeSlackText } from "../../adapters/slack/escape.ts";
import { decodeSlackEntities, hasBroadcast } from "../../adapters/slack/mrkdwn.ts";

describe("escapeSlackText", () => {
  it("escapes the LLM text of case C7 so nothing broadcasts", () => {
    const posted = escapeSlackText("Bob & team shipped PR #7 (a<b) <!here>");
    expect(posted).toBe("Bob &amp; team shipped PR #7 (a&lt;b) &lt;!here&gt;");
    expect(hasBroadcast(posted)).toBe(false);
  });

  it("escapes only &, < and >, leaving quotes, apostrophes and mrkdwn as written", () => {
    expect(escapeSlackText(`We've "shipped" *it* _today_ ~x~ \`code\` 'ok' # £ é 🎉`)).toBe(
      `We've "shipped" *it* _today_ ~x~ \`code\` 'ok' # £ é 🎉`,
    );
  });

  it("escapes once: Slack shows exactly what was typed, entities included", () => {
    for (const text of [
      "R&D <3",
      "&amp; is how you write &",
      "<@U0BOB00002> <!channel> <https://x.test|y>",
    ]) {
      expect(decodeSlackEntities(escapeSlackText(text))).toBe(text);
    }
    expect(escapeSlackText("&amp;")).toBe("&amp;amp;");
    expect(escapeSlackText("")).toBe("");
  });

  it("turns mentions and links into inert text", () => {
    const posted = escapeSlackText(
      "<@U123> <!channel> <!everyone> <!subteam^S1|@devs> <https://evil.test|report>",
    );
    expect(posted).not.toMatch(/</);
    expect(posted).not.toMatch(/>/);
  });
});

describe("escapeSlackMrkdwn", () => {
  it("escapes like escapeSlackText when there is no URL", () => {
    expect(escapeSlackMrkdwn("Bob & team shipped PR #7 (a<b) <!here>")).toBe(
      "Bob &amp; team shipped PR #7 (a&lt;b) &lt;!here&gt;",
    );
  });

  it("makes a bare URL a link built by code, its & escaped", () => {
    expect(escapeSlackMrkdwn("PR #7 (https://example.com/pr/7?a=1&b=2) merged")).toBe(
      "PR #7 (<https://example.com/pr/7?a=1&amp;b=2>) merged",
    );
  });

  it("leaves sentence punctuation and an unbalanced bracket outside the link", () => {
    expect(escapeSlackMrkdwn("See https://x.test/a.")).toBe("See <https://x.test/a>.");
    expect(escapeSlackMrkdwn("(see https://x.test/a)")).toBe("(see <https://x.test/a>)");
    expect(escapeSlackMrkdwn("https://en.wikipedia.org/wiki/Bin_(waste)!")).toBe(
      "<https://en.wikipedia.org/wiki/Bin_(waste)>!",
    );
  });

  it("never builds a disguised link from Slack markup in the text (case C17)", () => {
    const posted = escapeSlackMrkdwn("a link <https://evil.example/c?d=PASTE|full report> <!channel>");
    // The URL shows as itself; the label and the broadcast are plain text.
    expect(posted).toBe("a link &lt;<https://evil.example/c?d=PASTE>|full report&gt; &lt;!channel&gt;");
    expect(hasBroadcast(posted)).toBe(false);
    expect(posted).not.toMatch(/<[^>]*\|/);
  });

  it("keeps very long URLs as plain text", () => {
    const url = `https://x.test/${"a".repeat(1200)}`;
    expect(escapeSlackMrkdwn(url)).toBe(url);
  });
});
