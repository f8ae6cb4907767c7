import { describe, expect, it } from "vitest";
import { BotError } from "../../src/domain/errors.ts";
import { type InboxCommand, parseInboxCommand } from "../../src/domain/inbox-command.ts";

const SECRET = "Alice's new phone is 07700 900123";
const base = { platform: "slack", workspace: "T0WEEK0001" } as const;
const ref = {
  platform: "slack",
  workspace: "T0WEEK0001",
  conversationId: "C0GENERAL1",
  messageId: "1700000005.000200",
  threadId: "1700000000.000100",
} as const;
const key = { workspace: "T0WEEK0001", team: "default", week: "2026-W13" };
const replyTo = { conversationId: "C0REVIEW01", userId: "U0ALICE001" };

/** One valid command of every kind. */
const COMMANDS: readonly InboxCommand[] = [
  { kind: "tag_added", ...base, ref, user: "U0BOB00002", reaction: "clap::skin-tone-3" },
  { kind: "tag_removed", ...base, ref, user: "U0BOB00002", reaction: "star" },
  { kind: "message_edited", ...base, ref, rawText: "now with <@U0BOB00002>" },
  { kind: "message_deleted", ...base, ref },
  {
    kind: "add_message",
    ...base,
    ref,
    user: "U0ALICE001",
    section: "thanks",
    content: {
      rawText: SECRET,
      authorId: "U0BOB00002",
      authorName: "Bob",
      postedAtMs: 1_700_000_005_200,
      permalink: "https://example.slack.com/archives/C0GENERAL1/p1700000005000200",
      fromBot: false,
    },
    replyTo,
  },
  {
    kind: "add_text",
    ...base,
    highlightId: "typed/0b9e2c1a",
    conversationId: "D0DIRECT01",
    conversationName: "directmessage",
    private: false,
    user: "U0ALICE001",
    userName: "Alice",
    text: "今週は 👩🏽‍💻\nsecond line",
    section: "highlights",
    team: "bins",
    postedAtMs: 1_700_000_000_000,
    replyTo: { conversationId: "D0DIRECT01" },
  },
  { kind: "approve", ...base, key, user: "U0ALICE001", revision: 2, replyTo },
  { kind: "skip", ...base, key, user: "U0ALICE001" },
  { kind: "edit", ...base, key, user: "U0ALICE001", revision: 1, markdown: "# Edited" },
  { kind: "regenerate", ...base, key, user: "U0ALICE001", reason: "shorter, please" },
  {
    kind: "configure_team",
    ...base,
    team: "default",
    user: "U0ALICE001",
    change: {
      name: "Digital",
      sourceChannels: ["C0BINS0001"],
      reviewChannel: "C0REVIEW01",
      draftSchedule: { weekday: 5, hour: 14, minute: 0 },
      emoji: [["tada", "highlights"]],
      clear: ["series", "reminder"],
    },
  },
  {
    kind: "create_team",
    platform: "teams",
    workspace: "tenant-1",
    name: "My note",
    personal: true,
    user: "29:alice",
    conversationId: "19:abc@thread.tacv2",
  },
  { kind: "request_draft", ...base, team: "bins", user: "U0ALICE001", replyTo },
];

function refusal(value: unknown): BotError {
  try {
    parseInboxCommand(value);
  } catch (error) {
    if (error instanceof BotError) {
      return error;
    }
    throw error;
  }
  throw new Error("not refused");
}

describe("parseInboxCommand", () => {
  it("knows the thirteen kinds of command", () => {
    expect(COMMANDS.map((c) => c.kind)).toEqual([
      "tag_added",
      "tag_removed",
      "message_edited",
      "message_deleted",
      "add_message",
      "add_text",
      "approve",
      "skip",
      "edit",
      "regenerate",
      "configure_team",
      "create_team",
      "request_draft",
    ]);
  });

  it.each(COMMANDS.map((c) => [c.kind, c] as const))("reads back a recorded %s exactly", (_kind, command) => {
    expect(parseInboxCommand(command)).toEqual(command);
    // Recorded as JSON, read back from the inbox: the same command.
    expect(parseInboxCommand(JSON.parse(JSON.stringify(command)))).toEqual(command);
  });

  it("drops fields no command has", () => {
    const [tagAdded] = COMMANDS;
    expect(parseInboxCommand({ ...tagAdded, extra: SECRET })).toEqual(tagAdded);
  });

  it("refuses an unknown kind and what is not a command, with store.invalid", () => {
    for (const value of [{ ...base, kind: "dance" }, {}, null, SECRET, []]) {
      const error = refusal(value);
      expect(error.code).toBe("store.invalid");
      expect(error.message).toMatch(/^Not an inbox command: /);
      expect(error.message).not.toContain(SECRET);
    }
    expect(refusal({ ...base, kind: "dance" }).message).toBe("Not an inbox command: kind");
  });

  it("names the failing field paths, never their values", () => {
    const error = refusal({
      kind: "tag_added",
      platform: "discord",
      workspace: "T0WEEK0001",
      ref: { ...ref, messageId: "" },
      user: "U0BOB00002",
      reaction: 7,
    });
    expect(error.code).toBe("store.invalid");
    expect(error.message).toBe("Not an inbox command: platform, ref.messageId, reaction");
    expect(error.message).not.toContain("discord");
  });

  it("refuses typed text without a typed/ id or without text, and a section that does not exist", () => {
    const addText = COMMANDS.find((c) => c.kind === "add_text");
    expect(refusal({ ...addText, highlightId: "C0GENERAL1/1700000000.000100" }).message).toBe(
      "Not an inbox command: highlightId",
    );
    expect(refusal({ ...addText, highlightId: "typed/" }).message).toBe("Not an inbox command: highlightId");
    expect(refusal({ ...addText, text: "" }).message).toBe("Not an inbox command: text");
    expect(refusal({ ...addText, text: SECRET, section: "gossip" }).message).toBe(
      "Not an inbox command: section",
    );
  });

  it("refuses a decision on a bad week key or revision 0, and an empty edit", () => {
    const approve = COMMANDS.find((c) => c.kind === "approve");
    expect(refusal({ ...approve, key: { ...key, week: "2026-13" }, revision: 0 }).message).toBe(
      "Not an inbox command: key.week, revision",
    );
    const edit = COMMANDS.find((c) => c.kind === "edit");
    expect(refusal({ ...edit, markdown: "" }).message).toBe("Not an inbox command: markdown");
  });

  it("checks a settings change like a stored team, and only the settings a person may change", () => {
    const configure = COMMANDS.find((c) => c.kind === "configure_team");
    expect(
      refusal({
        ...configure,
        change: { draftSchedule: { weekday: 8, hour: 14, minute: 0 }, clear: ["name"] },
      }).message,
    ).toBe("Not an inbox command: change.draftSchedule.weekday, change.clear.0");
    // Fields that are not settings (the team's key, its workspace) are not carried.
    const parsed = parseInboxCommand({
      ...configure,
      change: { team: "other", workspace: "T0OTHER001", personal: true },
    });
    expect(parsed.kind === "configure_team" && parsed.change).toEqual({ personal: true });
  });

  it("needs a name and a conversation to create a team", () => {
    const create = COMMANDS.find((c) => c.kind === "create_team");
    expect(refusal({ ...create, name: "", conversationId: undefined }).message).toBe(
      "Not an inbox command: name, conversationId",
    );
  });
});
