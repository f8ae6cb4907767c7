import { type Highlight, highlightId } from "../../src/domain/highlight.ts";
import type { Section } from "../../src/domain/sections.ts";

let counter = 0;

/** A highlight for tests, posted at `postedAtMs` (UTC epoch ms); every field can be overridden. */
export function makeHighlight(overrides: Partial<Highlight> & { postedAtMs: number }): Highlight {
  counter += 1;
  const channelId = overrides.channelId ?? "C0GENERAL1";
  const ts = overrides.ts ?? `${Math.floor(overrides.postedAtMs / 1000)}.${String(counter).padStart(6, "0")}`;
  const section: Section = overrides.section ?? "highlights";
  return {
    id: highlightId(channelId, ts),
    workspace: "T0WEEK0001",
    channelId,
    channelName: "general",
    private: false,
    ts,
    authorId: "U0ALICE001",
    authorName: "Alice",
    text: `Highlight ${counter}`,
    section,
    tags: [{ user: "U0BOB00002", reaction: "star", section }],
    permalink: undefined,
    threadTs: undefined,
    ...overrides,
  };
}
