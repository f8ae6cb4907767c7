/**
 * Issue 10, items 3–5: where a message's words live, who wrote it, and channel links with an
 * empty label. Each example is read twice — from a tiny export built here, and by the live bot
 * (createSlackChat.fetchMessage against the fake Slack Web API on 127.0.0.1, real WebClient) — and
 * both readers must give the same words and the same person/machine answer.
 */
import { LogLevel, WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { slackMessageRef } from "../../adapters/slack/ids.ts";
import { createSlackChat, type SlackChat } from "../../adapters/slack/slack-chat.ts";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import { type FakeSlackApi, startFakeSlackApi } from "../support/fake-slack-api.ts";
import { recordingLogger } from "../support/memory-logger.ts";
import { channels, EMOJI, reaction, TempExports, ts, users, WEEK } from "../unit/slack-export-fixture.ts";

const WORKSPACE = "T0WEEK0001";
const GENERAL = "C0GENERAL1";

const section = (...elements: unknown[]) => ({ type: "rich_text_section", elements });
const richText = (...elements: unknown[]) => [{ type: "rich_text", block_id: "b1", elements }];
const text = (t: string, style?: Record<string, boolean>) => ({
  type: "text",
  text: t,
  ...(style ? { style } : {}),
});

interface Example {
  readonly label: string;
  readonly message: Record<string, unknown>;
  /** The words both readers must give; undefined when a machine wrote it (never a highlight). */
  readonly words: string | undefined;
}

const EXAMPLES: readonly Example[] = [
  {
    label: "modern composer: empty text, words only in rich_text blocks",
    message: {
      user: "U0ALICE001",
      text: "",
      blocks: richText(
        section(
          text("Shipped the "),
          text("beta", { bold: true }),
          text(" with "),
          { type: "user", user_id: "U0BOB00002" },
          text(" in "),
          { type: "channel", channel_id: GENERAL },
          text(" "),
          { type: "emoji", name: "tada" },
          text(" "),
          { type: "emoji", name: "wave", skin_tone: 3 },
          text(" see "),
          { type: "link", url: "https://example.com/notes", text: "the notes" },
          text(" "),
          { type: "broadcast", range: "here" },
          text(" "),
          { type: "usergroup", usergroup_id: "S0DESIGN01" },
          text(" a < b & c"),
        ),
        {
          type: "rich_text_list",
          style: "bullet",
          indent: 0,
          elements: [section(text("first")), section(text("second"))],
        },
        { type: "rich_text_list", style: "ordered", indent: 1, elements: [section(text("one"))] },
        { type: "rich_text_quote", elements: [text("quoted\nline")] },
        { type: "rich_text_preformatted", elements: [text("npm test")] },
      ),
    },
    words: [
      "Shipped the beta with @Bob in #general 🎉 👋🏼 see the notes (https://example.com/notes) @here @group a < b & c",
      "• first",
      "• second",
      "  1. one",
      "> quoted",
      "> line",
      "```npm test```",
    ].join("\n"),
  },
  {
    label: "a forwarded message: empty text, its words in an is_share attachment",
    message: {
      user: "U0ALICE001",
      text: "",
      attachments: [
        {
          is_share: true,
          fallback: "[March 5th, 2024 10:00 AM] bob: The release is out",
          text: "The release is out <@U0BOB00002>",
          author_id: "U0BOB00002",
        },
      ],
    },
    words: "The release is out @Bob",
  },
  {
    label: "a shared message with a comment: the comment, then the share quoted",
    message: {
      user: "U0ALICE001",
      text: "Worth a read",
      attachments: [{ is_share: true, fallback: "bob: Postmortem &amp; actions", text: "" }],
    },
    words: "Worth a read\n> bob: Postmortem & actions",
  },
  {
    label: "attachments only, no share: pretext, title and text",
    message: {
      user: "U0ALICE001",
      text: "",
      attachments: [{ pretext: "Weekly figures", title: "Q1 <draft>", text: "Up 4%" }],
    },
    words: "Weekly figures\nQ1 <draft>\nUp 4%",
  },
  {
    label: "text and blocks that differ: the richer one (blocks here)",
    message: {
      user: "U0ALICE001",
      text: "Shipped",
      blocks: richText(section(text("Shipped the beta to 40 councils"))),
    },
    words: "Shipped the beta to 40 councils",
  },
  {
    label: "text and blocks that say the same: text, as written",
    message: {
      user: "U0ALICE001",
      text: "Shipped *beta* <https://x.example|notes>",
      blocks: richText(
        section(text("Shipped "), text("beta", { bold: true }), text(" "), {
          type: "link",
          url: "https://x.example",
          text: "notes",
        }),
      ),
    },
    words: "Shipped *beta* notes (https://x.example)",
  },
  {
    label: "a channel link with an empty label names the channel",
    message: { user: "U0ALICE001", text: "see <#C0GENERAL1|> and <#C0NOBODY99|>" },
    words: "see #general and #C0NOBODY99",
  },
  // Who wrote it.
  {
    label: "Slackbot: user USLACKBOT, no subtype, no bot_id",
    message: { user: "USLACKBOT", text: "Reminder: standup" },
    words: undefined,
  },
  {
    label: "bot_message subtype",
    message: { subtype: "bot_message", bot_id: "B0CI000001", text: "Build passed" },
    words: undefined,
  },
  {
    label: "an app's own post: bot_id and bot_profile, with its bot user",
    message: { user: "U0APPUSER1", bot_id: "B0APP00001", bot_profile: { name: "Deploys" }, text: "Deployed" },
    words: undefined,
  },
  {
    label: "a join",
    message: { subtype: "channel_join", user: "U0ALICE001", text: "<@U0ALICE001> has joined the channel" },
    words: undefined,
  },
  {
    label: "a person through a legacy integration (Giphy: user and bot_id, no bot_profile)",
    message: { user: "U0ALICE001", bot_id: "B0GIPHY001", text: "/giphy party" },
    words: "/giphy party",
  },
  {
    label: "me_message",
    message: { subtype: "me_message", user: "U0ALICE001", text: "waves" },
    words: "waves",
  },
  {
    label: "thread_broadcast",
    message: {
      subtype: "thread_broadcast",
      user: "U0ALICE001",
      text: "Also in channel",
      thread_ts: ts("2024-03-05T09:00:00Z", "000001"),
    },
    words: "Also in channel",
  },
];

const temp = new TempExports();
afterAll(() => temp.cleanup());

const tsOf = (index: number) => ts("2024-03-05T10:00:00Z", String(100 + index).padStart(6, "0"));

describe("one decoder and one author rule for the export reader and the live bot", () => {
  let fake: FakeSlackApi;
  let chat: SlackChat;

  beforeEach(async () => {
    fake = await startFakeSlackApi({ teamId: WORKSPACE });
    fake.addChannel({ id: GENERAL, name: "general", is_channel: true, is_private: false });
    fake.addUser({ id: "U0ALICE001", name: "alice", profile: { display_name: "Alice" } });
    fake.addUser({ id: "U0BOB00002", name: "bob", profile: { display_name: "Bob" } });
    const client = new WebClient("xoxb-test", {
      slackApiUrl: fake.url,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
    });
    chat = createSlackChat({ client, botUserId: "U0BOT00001", logger: recordingLogger([]) });
  });
  afterEach(() => fake.close());

  it("gives every example the same words and author kind in both readers", async () => {
    const day = EXAMPLES.map((example, index) => ({
      type: "message",
      ts: tsOf(index),
      reactions: [reaction("star", "U0FAN00001")],
      ...example.message,
    }));
    const exportPath = await temp.folder({
      "channels.json": channels([GENERAL, "general"]),
      "users.json": users(["U0ALICE001", "alice", "Alice A", "Alice"], ["U0BOB00002", "bob", "Bob B", "Bob"]),
      "general/2024-03-05.json": day,
    });
    const read = await readExportHighlights({ path: exportPath, window: WEEK, emoji: EMOJI });
    const fromExport = new Map(read.highlights.map((h) => [h.messageId, h.text]));

    // The thread the broadcast belongs to, so the live bot can read the reply in it.
    fake.addMessage(GENERAL, {
      ts: ts("2024-03-05T09:00:00Z", "000001"),
      user: "U0BOB00002",
      text: "parent",
    });
    for (const [index, example] of EXAMPLES.entries()) {
      const messageTs = tsOf(index);
      fake.addMessage(GENERAL, { ...(day[index] as Record<string, unknown>), ts: messageTs });
      const live = await chat.fetchMessage(slackMessageRef(WORKSPACE, GENERAL, messageTs));
      expect({ label: example.label, exported: fromExport.get(messageTs) }).toEqual({
        label: example.label,
        exported: example.words,
      });
      expect({ label: example.label, fromBot: live?.fromBot }).toEqual({
        label: example.label,
        fromBot: example.words === undefined,
      });
      if (example.words !== undefined) {
        expect({ label: example.label, live: live?.text }).toEqual({
          label: example.label,
          live: example.words,
        });
      }
    }
    // Nothing reads "(a message with no text)" or empty any more.
    expect(read.highlights.every((h) => h.text.trim() !== "")).toBe(true);
  });

  it("looks up a channel link with an empty label, and decodes edits from blocks too", async () => {
    expect(await chat.decodeText(WORKSPACE, "in <#C0GENERAL1|>")).toBe("in #general");
    expect(fake.callsOf("conversations.info").map((c) => c.args.channel)).toEqual([GENERAL]);
  });
});
