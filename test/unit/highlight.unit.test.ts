import { describe, expect, it } from "vitest";
import {
  chooseSection,
  type Highlight,
  messageRefOf,
  sectionOfTags,
  type Tag,
} from "../../src/domain/highlight.ts";
import {
  highlightIdOf,
  isPlatform,
  type MessageRef,
  typedHighlightId,
} from "../../src/domain/message-ref.ts";
import { SECTIONS } from "../../src/domain/sections.ts";

describe("highlightIdOf", () => {
  it("is the conversation and the message id as given", () => {
    expect(highlightIdOf({ conversationId: "C0GENERAL1", messageId: "1700000000.000100" })).toBe(
      "C0GENERAL1/1700000000.000100",
    );
    const reply: MessageRef = {
      platform: "slack",
      workspace: "T1",
      conversationId: "C0GENERAL1",
      messageId: "1700000000.000100",
      threadId: "1699999999.000100",
    };
    expect(highlightIdOf(reply)).toBe("C0GENERAL1/1700000000.000100");
  });

  it("keeps Teams ids opaque", () => {
    expect(highlightIdOf({ conversationId: "19:abc@thread.tacv2", messageId: "1700000000123" })).toBe(
      "19:abc@thread.tacv2/1700000000123",
    );
  });
});

describe("typedHighlightId", () => {
  it("is typed/ and the unique id", () => {
    expect(typedHighlightId("0b9e2c1a-uuid")).toBe("typed/0b9e2c1a-uuid");
  });
});

describe("isPlatform", () => {
  it("knows slack and teams only", () => {
    expect(isPlatform("slack")).toBe(true);
    expect(isPlatform("teams")).toBe(true);
    expect(isPlatform("discord")).toBe(false);
    expect(isPlatform("Slack")).toBe(false);
  });
});

describe("messageRefOf", () => {
  const base: Highlight = {
    id: "C0GENERAL1/1700000005.000200",
    platform: "slack",
    workspace: "T0WORKSPACE",
    conversationId: "C0GENERAL1",
    conversationName: "general",
    private: false,
    messageId: "1700000005.000200",
    threadId: "1700000000.000100",
    postedAtMs: 1_700_000_005_000,
    authorId: "U1",
    authorName: "Alice",
    text: "shipped",
    section: "highlights",
    tags: [],
    permalink: undefined,
    team: undefined,
  };

  it("is the message a highlight was captured from", () => {
    expect(messageRefOf(base)).toEqual({
      platform: "slack",
      workspace: "T0WORKSPACE",
      conversationId: "C0GENERAL1",
      messageId: "1700000005.000200",
      threadId: "1700000000.000100",
    });
  });

  it("is undefined for typed text", () => {
    expect(
      messageRefOf({ ...base, id: "typed/x", messageId: undefined, threadId: undefined }),
    ).toBeUndefined();
  });
});

describe("sectionOfTags", () => {
  const tag = (user: string, section: Tag["section"]): Tag => ({
    user,
    reaction: "x",
    section,
    via: "reaction",
  });

  it("files a message under the section with most taggers, ties to the earlier section", () => {
    expect(sectionOfTags([tag("U1", "thanks"), tag("U2", "thanks"), tag("U3", "highlights")], SECTIONS)).toBe(
      "thanks",
    );
    expect(sectionOfTags([tag("U1", "thanks"), tag("U2", "highlights")], SECTIONS)).toBe("highlights");
    expect(sectionOfTags([], SECTIONS)).toBeUndefined();
  });

  it("chooseSection adds up users per section, ties to the earlier section of the order", () => {
    expect(
      chooseSection(
        [
          { section: "coming_up", users: 2 },
          { section: "challenges", users: 2 },
        ],
        SECTIONS,
      ),
    ).toBe("challenges");
  });
});
