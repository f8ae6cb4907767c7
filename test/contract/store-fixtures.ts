import { expect } from "vitest";
import { type BotError, type BotErrorCode, isBotError } from "../../src/domain/errors.ts";
import { type Highlight, highlightId, slackTsToMs } from "../../src/domain/highlight.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";
import type { NewRevision, Store } from "../../src/ports/store.ts";

export const WS = "T0001";
export const OTHER_WS = "T0002";
/** A fixed instant, UTC epoch ms. */
export const T0 = 1_700_000_000_000;
export const ALL_TIME = { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER } as const;

/** The store of the running test: contract parts read it inside each test. */
export type CurrentStore = () => Store;

/** A valid highlight; `id` and `postedAtMs` follow `channelId` and `ts` unless given. */
export function makeHighlight(overrides: Partial<Highlight> = {}): Highlight {
  const channelId = overrides.channelId ?? "C100";
  const ts = overrides.ts ?? "1700000000.000100";
  return {
    workspace: WS,
    channelName: "general",
    private: false,
    postedAtMs: slackTsToMs(ts),
    authorId: "U1",
    authorName: "Ada",
    text: "Shipped the bins app",
    section: "highlights",
    tags: [{ user: "U2", reaction: "star", section: "highlights" }],
    permalink: `https://example.slack.com/archives/${channelId}/p${ts.replace(".", "")}`,
    threadTs: undefined,
    ...overrides,
    id: overrides.id ?? highlightId(channelId, ts),
    channelId,
    ts,
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

/** Valid settings of team `team` in workspace WS, every optional field set unless overridden. */
export function makeTeam(overrides: Partial<TeamSettings> = {}): TeamSettings {
  return {
    workspace: WS,
    team: "bins",
    name: "the bins team — ゴミ収集",
    reviewChannel: "C900",
    publishChannel: "C901",
    timezone: "Europe/London",
    draftSchedule: { weekday: 5, hour: 14, minute: 30 },
    approvers: ["U1", "U2"],
    emoji: [
      ["star", "highlights"],
      ["clap", "thanks"],
      ["tada", "highlights"],
    ],
    series: { week: "2026-W01", year: 3, number: 1 },
    includePrivate: false,
    updatedAtMs: T0,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected the call to be rejected"),
    (error: unknown) => error,
  );
}

/** Expects `promise` to reject with a BotError, of `code` when given. */
export async function expectBotError(promise: Promise<unknown>, code?: BotErrorCode): Promise<BotError> {
  const error = await rejection(promise);
  expect(isBotError(error), `expected a BotError, got ${String(error)}`).toBe(true);
  if (code !== undefined) {
    expect((error as BotError).code).toBe(code);
  }
  return error as BotError;
}

/** UTF-8 bytes as hex, to compare text byte for byte. */
export function bytes(text: string): string {
  return Buffer.from(text, "utf8").toString("hex");
}
