import type { Highlight } from "../../src/domain/highlight.ts";
import { highlightIdOf, typedHighlightId } from "../../src/domain/message-ref.ts";
import type { Section } from "../../src/domain/sections.ts";

let counter = 0;

/**
 * A highlight of a chat message for tests, posted at `postedAtMs` (UTC epoch ms); every field can
 * be overridden (the id follows `conversationId` and `messageId` unless given).
 */
export function makeHighlight(overrides: Partial<Highlight> & { postedAtMs: number }): Highlight {
  counter += 1;
  const conversationId = overrides.conversationId ?? "C0GENERAL1";
  // An explicit `messageId: undefined` makes typed text.
  const messageId =
    "messageId" in overrides
      ? overrides.messageId
      : `${Math.floor(overrides.postedAtMs / 1000)}.${String(counter).padStart(6, "0")}`;
  const section: Section = overrides.section ?? "highlights";
  return {
    platform: "slack",
    workspace: "T0WEEK0001",
    conversationName: "general",
    private: false,
    threadId: undefined,
    authorId: "U0ALICE001",
    authorName: "Alice",
    text: `Highlight ${counter}`,
    section,
    tags: [{ user: "U0BOB00002", reaction: "star", section, via: "reaction" }],
    permalink: undefined,
    team: undefined,
    ...overrides,
    id:
      overrides.id ??
      (messageId === undefined
        ? typedHighlightId(`test-${counter}`)
        : highlightIdOf({ conversationId, messageId })),
    conversationId,
    messageId,
  };
}
