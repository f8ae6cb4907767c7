import assert from "node:assert/strict";
import { type BotError, type BotErrorCode, isBotError } from "../../src/domain/errors.ts";
import type { Highlight, Tag } from "../../src/domain/highlight.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";
import type { ConversationReference, Installation, NewRevision, Store } from "../../src/ports/store.ts";

// No vitest here: use-case tests, benchmarks and scripts build records with these too.

export const WS = "T0001";
export const OTHER_WS = "T0002";
/** A fixed instant, UTC epoch ms. */
export const T0 = 1_700_000_000_000;
export const ALL_TIME = { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER } as const;

/** The store of the running test: contract parts read it inside each test. */
export type CurrentStore = () => Store;

/** A reaction tag. */
export function reactionTag(user: string, reaction = "star", section: Tag["section"] = "highlights"): Tag {
  return { user, reaction, section, via: "reaction" };
}

/** An explicit add's tag (typed text, "Add to weeknotes"). */
export function commandTag(user: string, section: Tag["section"] = "highlights"): Tag {
  return { user, reaction: "add", section, via: "command" };
}

// A Slack ts as the instant it names, in whole ms.
function msOfTs(ts: string): number {
  const ms = Math.floor(Number(ts) * 1000);
  return Number.isFinite(ms) ? ms : T0;
}

/**
 * A valid Slack message highlight in WS; `id` follows `conversationId` and `messageId` (a ts) and
 * `postedAtMs` follows the ts, unless given.
 */
export function makeHighlight(overrides: Partial<Highlight> = {}): Highlight {
  const conversationId = overrides.conversationId ?? "C100";
  const messageId = overrides.messageId ?? "1700000000.000100";
  return {
    platform: "slack",
    workspace: WS,
    conversationName: "general",
    private: false,
    threadId: undefined,
    postedAtMs: msOfTs(messageId),
    authorId: "U1",
    authorName: "Ada",
    text: "Shipped the bins app",
    section: "highlights",
    tags: [reactionTag("U2")],
    permalink: `https://example.slack.com/archives/${conversationId}/p${messageId.replace(".", "")}`,
    team: undefined,
    ...overrides,
    id: overrides.id ?? `${conversationId}/${messageId}`,
    conversationId,
    messageId,
  };
}

/** A valid typed highlight (no message) in WS, added for team `bins`. */
export function makeTypedHighlight(overrides: Partial<Highlight> = {}): Highlight {
  return {
    id: "typed/Ev0001",
    platform: "slack",
    workspace: WS,
    conversationId: "C100",
    conversationName: "general",
    private: false,
    messageId: undefined,
    threadId: undefined,
    postedAtMs: T0,
    authorId: "U1",
    authorName: "Ada",
    text: "Thanks to the contact centre",
    section: "thanks",
    tags: [commandTag("U1", "thanks")],
    permalink: undefined,
    team: "bins",
    ...overrides,
  };
}

/** A valid weeknote document for `week`. */
export function makeDocument(week: string, title = `weeknotes ${week} — bins go digital`): WeeknoteDocument {
  return {
    week,
    title,
    themes: ["bins go digital"],
    intro: "A busy week — 今週は忙しかった.",
    sections: [
      {
        section: "highlights",
        heading: "Highlights",
        items: [{ text: "Bins app shipped 🎉", authors: ["Ada"], highlightIds: ["C100/1700000000.000100"] }],
      },
    ],
    intoNextWeek: [{ text: "Cyber drill", authors: [], highlightIds: [] }],
    footer: "offline summariser v1, 1 highlight",
  };
}

/** A valid revision to add for `week`. */
export function makeRevision(week: string, overrides: Partial<NewRevision> = {}): NewRevision {
  return {
    origin: "offline",
    model: undefined,
    promptVersion: "offline-1",
    highlightIds: ["C100/1700000000.000100"],
    document: makeDocument(week),
    markdown: `# weeknotes ${week}\n\n- Bins app shipped 🎉\n`,
    author: undefined,
    createdAtMs: T0,
    ...overrides,
  };
}

/** Valid settings of team `bins` in workspace WS, every optional field set unless overridden. */
export function makeTeam(overrides: Partial<TeamSettings> = {}): TeamSettings {
  return {
    platform: "slack",
    workspace: WS,
    team: "bins",
    name: "the bins team — ゴミ収集",
    sourceChannels: ["C100", "C200"],
    personal: false,
    members: [],
    reviewChannel: "C900",
    publishChannel: "C901",
    timezone: "Europe/London",
    draftSchedule: { weekday: 5, hour: 14, minute: 30 },
    reminder: { weekday: 4, hour: 15, minute: 0 },
    approvers: ["U1", "U2"],
    emoji: [
      ["star", "highlights"],
      ["clap", "thanks"],
      ["tada", "highlights"],
    ],
    series: { week: "2026-W01", year: 3, number: 1 },
    includePrivate: false,
    inactive: undefined,
    updatedAtMs: T0,
    ...overrides,
  };
}

/** A valid Slack installation of WS. */
export function makeInstallation(overrides: Partial<Installation> = {}): Installation {
  return {
    platform: "slack",
    workspace: WS,
    installedAtMs: T0,
    updatedAtMs: T0,
    data: { botUserId: "U0BOT", token: { encrypted: "c2VjcmV0", keyId: 2 }, scopes: ["reactions:read"] },
    ...overrides,
  };
}

/** A valid Teams conversation reference in WS. */
export function makeConversationReference(
  overrides: Partial<ConversationReference> = {},
): ConversationReference {
  return {
    platform: "teams",
    workspace: WS,
    conversationId: "19:abc@thread.tacv2",
    reference: {
      serviceUrl: "https://smba.trafficmanager.net/uk/",
      conversation: { id: "19:abc@thread.tacv2", isGroup: true },
      bot: { id: "28:bot", name: "Weeknotes" },
    },
    updatedAtMs: T0,
    ...overrides,
  };
}

/** Expects `promise` to reject with a BotError, of `code` when given. */
export async function expectBotError(promise: Promise<unknown>, code?: BotErrorCode): Promise<BotError> {
  let error: unknown;
  let rejected = false;
  try {
    await promise;
  } catch (caught) {
    rejected = true;
    error = caught;
  }
  assert.ok(rejected, "expected the call to be rejected");
  assert.ok(isBotError(error), `expected a BotError, got ${String(error)}`);
  if (code !== undefined) {
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
  }
  return error;
}

/** UTF-8 bytes as hex, to compare text byte for byte. */
export function bytes(text: string): string {
  return Buffer.from(text, "utf8").toString("hex");
}
