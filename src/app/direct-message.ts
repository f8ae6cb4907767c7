import { type ChatRequest, parseCommand } from "../domain/command.ts";
import type { Section } from "../domain/sections.ts";

/** What to do with a direct message to the bot (or a mention that is not a question). */
export type DirectMessageIntent =
  | { readonly kind: "add"; readonly section: Section; readonly text: string }
  | { readonly kind: "answer"; readonly request: ChatRequest };

/**
 * The DM rule (SPEC §1): a DM is a request when it is one (`last week`, `week 2026-W12`, `list`,
 * `help`, `draft`…), and otherwise a highlight: `add [section:] text` with its section, any other
 * text added whole, as typed, under highlights. Pure.
 */
export interface DirectMessagePolicy {
  intent(text: string): DirectMessageIntent;
}

export function createDirectMessagePolicy(): DirectMessagePolicy {
  return {
    intent(text) {
      const request = parseCommand(text);
      if (request.kind === "add") {
        return { kind: "add", section: request.section, text: request.text };
      }
      if (request.kind === "help" && request.unknown !== undefined) {
        return { kind: "add", section: "highlights", text };
      }
      return { kind: "answer", request };
    },
  };
}
