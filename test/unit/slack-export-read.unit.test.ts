import { afterAll, describe, expect, it } from "vitest";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import { BotError } from "../../src/domain/errors.ts";
import { channels, EMOJI, message, reaction, TempExports, ts, users, WEEK } from "./slack-export-fixture.ts";

const temp = new TempExports();
afterAll(() => temp.cleanup());

const STAR = [reaction("star", "U_FAN")];

/** One channel, one day, every kind of message the rules tell apart. */
const GENERAL_DAY = [
  message("2024-03-05T10:00:00Z", "Shipped <@U_BOB>! &amp; more"),
  message("2024-03-05T10:01:00Z", "<@U_CAROL> has joined the channel", { subtype: "channel_join" }),
  message("2024-03-05T10:02:00Z", "Build passed", { subtype: "bot_message", bot_id: "B1", user: undefined }),
  // A person posting through an app (Giphy): user and bot_id, no subtype.
  message("2024-03-05T10:03:00Z", "/giphy party", {
    user: "U_BOB",
    bot_id: "B_GIPHY",
    reactions: [reaction("tada", "U_FAN")],
  }),
  message("2024-03-05T10:04:00Z", "Also in the channel", {
    subtype: "thread_broadcast",
    thread_ts: ts("2024-03-05T09:00:00Z"),
  }),
  message("2024-03-05T10:05:00Z", "waves", { subtype: "me_message" }),
  message("2024-03-05T10:06:00Z", "This message was deleted.", { subtype: "tombstone" }),
  message("2024-03-05T10:07:00Z", "set the channel topic: x", { subtype: "channel_topic" }),
  message("2024-03-05T10:08:00Z", "no reactions", { reactions: undefined }),
  message("2024-03-05T10:09:00Z", "unchosen emoji", { reactions: [reaction("thumbsup", "U_FAN")] }),
  message("2024-03-05T10:10:00Z", "skin tone", {
    reactions: [reaction("raised_hands::skin-tone-2", "U_FAN")],
  }),
  message("2024-03-05T10:11:00Z", "two sections, thanks wins", {
    reactions: [
      reaction("star", "U_FAN"),
      reaction("raised_hands", "U_BOB", "U_CAROL"),
      reaction("eyes", "U_X"),
    ],
  }),
  message("2024-03-05T10:12:00Z", "a tie goes to the earlier section", {
    reactions: [reaction("construction", "U_BOB"), reaction("star", "U_CAROL")],
  }),
  message("2024-03-05T10:13:00Z", "count beats a cut-short users list", {
    reactions: [{ name: "construction", users: ["U_BOB"], count: 5 }, reaction("star", "U_FAN", "U_CAROL")],
  }),
  message("2024-03-05T10:14:00Z", "", { files: [{ id: "F1", title: "Roadmap Q2", name: "roadmap.pdf" }] }),
  message("2024-03-05T10:15:00Z", "", { files: [{ name: "a.png" }, { title: "B <draft>" }] }),
  {
    type: "message",
    subtype: "file_comment",
    text: "<@U_CAROL|carol> commented on a file: Nice",
    ts: ts("2024-03-05T10:16:00Z"),
    comment: { user: "U_CAROL", comment: "Nice, see <#C2|random>", reactions: STAR },
  },
];

const FILES = {
  "channels.json": channels(["C1", "general"], ["C2", "random"]),
  "users.json": users(
    ["U_ALICE", "alice", "Alice Liddell", "Ally"],
    ["U_BOB", "bob", "Bob Builder", ""],
    ["U_CAROL", "carol", "", ""],
  ),
  "general/2024-03-05.json": GENERAL_DAY,
  "general/2024-03-06.json": [
    message("2024-03-06T08:00:00Z", "a reply", { thread_ts: ts("2024-02-20T08:00:00Z") }),
    message("2024-03-06T08:30:00Z", "a parent", { thread_ts: ts("2024-03-06T08:30:00Z"), reply_count: 1 }),
  ],
  "random/2024-03-07.json": [message("2024-03-07T12:00:00Z", "over in random")],
};

describe("readExportHighlights: which messages become highlights", () => {
  it("keeps what people wrote with a chosen reaction, and nothing Slack or bots posted", async () => {
    const path = await temp.folder(FILES);
    const result = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    const texts = result.highlights.map((h) => h.text);
    expect(texts).toEqual([
      "Shipped @Bob Builder! & more",
      "/giphy party",
      "Also in the channel",
      "waves",
      "skin tone",
      "two sections, thanks wins",
      "a tie goes to the earlier section",
      "count beats a cut-short users list",
      "shared a file: Roadmap Q2",
      "shared files: a.png, B <draft>",
      "Nice, see #random",
      "a reply",
      "a parent",
      "over in random",
    ]);
  });

  it("fills every field of a highlight", async () => {
    const path = await temp.folder(FILES);
    const { highlights } = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    expect(highlights[0]).toEqual({
      id: `C1/${ts("2024-03-05T10:00:00Z")}`,
      platform: "slack",
      workspace: "T_TEAM",
      conversationId: "C1",
      conversationName: "general",
      private: false,
      messageId: ts("2024-03-05T10:00:00Z"),
      threadId: undefined,
      postedAtMs: Date.parse("2024-03-05T10:00:00Z"),
      authorId: "U_ALICE",
      authorName: "Ally",
      text: "Shipped @Bob Builder! & more",
      section: "highlights",
      tags: [{ user: "U_FAN", reaction: "star", section: "highlights", via: "reaction" }],
      permalink: undefined,
      team: undefined,
    });
  });

  it("chooses the section with the most reacting users and tags every user of every chosen reaction", async () => {
    const path = await temp.folder(FILES);
    const { highlights } = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    const byText = new Map(highlights.map((h) => [h.text, h]));
    expect(byText.get("skin tone")?.section).toBe("thanks");
    expect(byText.get("skin tone")?.tags).toEqual([
      { user: "U_FAN", reaction: "raised_hands::skin-tone-2", section: "thanks", via: "reaction" },
    ]);
    expect(byText.get("two sections, thanks wins")?.section).toBe("thanks");
    expect(byText.get("two sections, thanks wins")?.tags).toEqual([
      { user: "U_FAN", reaction: "star", section: "highlights", via: "reaction" },
      { user: "U_BOB", reaction: "raised_hands", section: "thanks", via: "reaction" },
      { user: "U_CAROL", reaction: "raised_hands", section: "thanks", via: "reaction" },
    ]);
    expect(byText.get("a tie goes to the earlier section")?.section).toBe("highlights");
    expect(byText.get("count beats a cut-short users list")?.section).toBe("challenges");
    expect(byText.get("/giphy party")?.authorName).toBe("Bob Builder");
  });

  it("takes a file comment's author and text from its comment", async () => {
    const path = await temp.folder(FILES);
    const { highlights } = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    const comment = highlights.find((h) => h.messageId === ts("2024-03-05T10:16:00Z"));
    expect(comment).toMatchObject({ authorId: "U_CAROL", authorName: "carol", text: "Nice, see #random" });
  });

  it("sets threadId for replies only", async () => {
    const path = await temp.folder(FILES);
    const { highlights } = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    const byText = new Map(highlights.map((h) => [h.text, h]));
    expect(byText.get("a reply")?.threadId).toBe(ts("2024-02-20T08:00:00Z"));
    expect(byText.get("a parent")?.threadId).toBeUndefined();
    expect(byText.get("Also in the channel")?.threadId).toBe(ts("2024-03-05T09:00:00Z"));
  });

  it("keeps [startMs, endMs): the first instant of the week in, the first of the next out", async () => {
    const path = await temp.folder({
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-03.json": [
        { ...message("2024-03-03T23:59:59Z", "just before"), ts: "1709510399.999999" },
      ],
      "general/2024-03-04.json": [
        { ...message("2024-03-04T00:00:00Z", "first instant"), ts: "1709510400.000000" },
      ],
      "general/2024-03-10.json": [message("2024-03-10T23:59:59Z", "last second")],
      "general/2024-03-11.json": [
        { ...message("2024-03-11T00:00:00Z", "next week"), ts: "1710115200.000000" },
      ],
    });
    const { highlights } = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    expect(highlights.map((h) => h.text)).toEqual(["first instant", "last second"]);
  });

  it("sorts by time, then channel name, then ts", async () => {
    const same = ts("2024-03-05T10:00:00Z", "000200");
    const path = await temp.folder({
      "channels.json": channels(["C9", "alpha"], ["C1", "beta"]),
      "beta/2024-03-05.json": [
        { ...message("2024-03-05T10:00:00Z", "beta 2"), ts: same },
        message("2024-03-05T10:00:00Z", "beta 1"),
        message("2024-03-05T09:00:00Z", "beta early"),
      ],
      "alpha/2024-03-05.json": [{ ...message("2024-03-05T10:00:00Z", "alpha"), ts: same }],
    });
    const { highlights } = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    expect(highlights.map((h) => h.text)).toEqual(["beta early", "alpha", "beta 1", "beta 2"]);
  });

  it("keeps ts exactly as the export wrote it, as the message id", async () => {
    const path = await temp.folder({
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-05.json": [{ ...message("2024-03-05T10:00:00Z", "x"), ts: "1709632800.000010" }],
    });
    const { highlights } = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    expect(highlights.map((h) => [h.messageId, h.id])).toEqual([
      ["1709632800.000010", "C1/1709632800.000010"],
    ]);
  });
});

describe("readExportHighlights: workspace", () => {
  it("uses the option when given", async () => {
    const path = await temp.folder(FILES);
    const result = await readExportHighlights({ path, window: WEEK, emoji: EMOJI, workspace: "T_OPT" });
    expect(result.workspace).toBe("T_OPT");
    expect(result.highlights.every((h) => h.workspace === "T_OPT")).toBe(true);
  });

  it("falls back to the messages' team, then to export", async () => {
    const withTeam = await temp.folder({
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-05.json": [
        message("2024-03-05T10:00:00Z", "x", { team: "T_MSG", user_team: "T_MSG" }),
      ],
    });
    expect((await readExportHighlights({ path: withTeam, window: WEEK, emoji: EMOJI })).workspace).toBe(
      "T_MSG",
    );
    const without = await temp.folder({
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "x")],
    });
    const result = await readExportHighlights({ path: without, window: WEEK, emoji: EMOJI });
    expect(result.workspace).toBe("export");
    expect(result.highlights[0]?.workspace).toBe("export");
  });
});

describe("readExportHighlights: channels option", () => {
  it("reads only the chosen channels, by name, #name or id", async () => {
    const path = await temp.folder(FILES);
    const byName = await readExportHighlights({ path, window: WEEK, emoji: EMOJI, channels: ["random"] });
    expect(byName.highlights.map((h) => h.text)).toEqual(["over in random"]);
    expect(byName.channels).toEqual([{ id: "C2", name: "random", private: false }]);
    expect(byName.stats.filesRead).toBe(1);
    const byIdAndHash = await readExportHighlights({
      path,
      window: WEEK,
      emoji: EMOJI,
      channels: ["C2", "#general"],
    });
    expect(byIdAndHash.channels.map((c) => c.name)).toEqual(["general", "random"]);
  });

  it("lists every conversation when no channel is chosen", async () => {
    const path = await temp.folder(FILES);
    const result = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    expect(result.channels).toEqual([
      { id: "C1", name: "general", private: false },
      { id: "C2", name: "random", private: false },
    ]);
    expect(result.stats).toEqual({
      warnings: [],
      filesRead: 3,
      messagesRead: GENERAL_DAY.length + 3,
      skipped: { entries: 0, files: 0 },
      days: { first: "2024-03-05", last: "2024-03-07" },
    });
  });

  it("rejects an unknown channel with input.bad_option naming the known ones", async () => {
    const path = await temp.folder(FILES);
    const error = await readExportHighlights({
      path,
      window: WEEK,
      emoji: EMOJI,
      channels: ["general", "nope"],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BotError);
    expect(error).toMatchObject({ code: "input.bad_option" });
    expect((error as BotError).message).toContain('"nope"');
    expect((error as BotError).hint).toContain("general, random");
  });
});
