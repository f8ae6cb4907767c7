import { afterAll, describe, expect, it } from "vitest";
import { dayFileDate, dayFileRange, findLayout } from "../../adapters/slack-export/layout.ts";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import { channels, EMOJI, message, reaction, TempExports, ts, users, WEEK } from "./slack-export-fixture.ts";

const temp = new TempExports();
afterAll(() => temp.cleanup());

async function read(files: Record<string, unknown>, channelsOption?: string[]) {
  const path = await temp.folder(files);
  return readExportHighlights({
    path,
    window: WEEK,
    emoji: EMOJI,
    ...(channelsOption ? { channels: channelsOption } : {}),
  });
}

describe("channel folders", () => {
  it("accepts folders named by channel id, taking the (Japanese) name from channels.json", async () => {
    const text = "鼻の穴がバッチリ見えてるとこが、個人的にツボです:two_hearts:";
    const result = await read({
      "channels.json": channels(["C0167AY63RC", "雑談"], ["C018NQV7Q9G", "原書"]),
      "C0167AY63RC/2024-03-05.json": [message("2024-03-05T10:00:00Z", text)],
      "C018NQV7Q9G/2024-03-06.json": [message("2024-03-06T10:00:00Z", "原書を読む")],
    });
    expect(result.highlights.map((h) => [h.conversationId, h.conversationName, h.text])).toEqual([
      ["C0167AY63RC", "雑談", "鼻の穴がバッチリ見えてるとこが、個人的にツボです💕"],
      ["C018NQV7Q9G", "原書", "原書を読む"],
    ]);
    const byName = await read(
      {
        "channels.json": channels(["C0167AY63RC", "雑談"]),
        "C0167AY63RC/2024-03-05.json": [message("2024-03-05T10:00:00Z", text)],
      },
      ["雑談"],
    );
    expect(byName.highlights).toHaveLength(1);
  });

  it("reads folders channels.json does not list, named after the folder with a stable synthetic id", async () => {
    const files = {
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "listed")],
      "old-sprint/2024-03-05.json": [message("2024-03-05T11:00:00Z", "archived channel")],
      "C0ABCDEF12/2024-03-05.json": [message("2024-03-05T12:00:00Z", "folder named like an id")],
    };
    const first = await read(files);
    const second = await read(files);
    expect(first.highlights.map((h) => [h.conversationId, h.conversationName, h.private])).toEqual([
      ["C1", "general", false],
      ["folder:old-sprint", "old-sprint", false],
      ["C0ABCDEF12", "C0ABCDEF12", false],
    ]);
    expect(second.highlights.map((h) => h.id)).toEqual(first.highlights.map((h) => h.id));
    expect(first.channels.map((c) => c.id)).toEqual(["C0ABCDEF12", "C1", "folder:old-sprint"]);
    const chosen = await read(files, ["old-sprint"]);
    expect(chosen.highlights.map((h) => h.text)).toEqual(["archived channel"]);
  });

  it("reads an export without channels.json from its folders alone", async () => {
    const result = await read({ "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "hi")] });
    expect(result.highlights.map((h) => [h.conversationId, h.conversationName])).toEqual([
      ["folder:general", "general"],
    ]);
  });

  it("skips JSON files in channel folders that are not day files, and folders holding only those", async () => {
    const result = await read({
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "kept")],
      "general/canvas_in_the_conversation.json": [
        { id: "F1", title: "Untitled", ts: ts("2024-03-05T10:00:00Z") },
      ],
      "general/notes.json": "{ not json",
      "general/2024-02-30.json": "{ not a real date either",
      "canvases/2024-03-05.txt": "not json",
      "canvases/canvas.json": { id: "F2" },
    });
    expect(result.highlights.map((h) => h.text)).toEqual(["kept"]);
    expect(result.channels.map((c) => c.name)).toEqual(["general"]);
    expect(result.stats.filesRead).toBe(1);
  });

  it("marks groups, group DMs and DMs private, names DMs after their members, and distrusts unlisted folders then", async () => {
    const result = await read({
      "channels.json": channels(["C1", "general"]),
      "groups.json": [{ id: "G1", name: "secret-plans", is_private: true }],
      "mpims.json": [
        { id: "G2", name: "mpdm-alice--bob--carol-1", members: ["U_ALICE", "U_BOB", "U_CAROL"] },
      ],
      "dms.json": [{ id: "D1", members: ["U_ALICE", "U_BOB"] }],
      "users.json": users(["U_ALICE", "alice", "Alice", ""], ["U_BOB", "bob", "Bob", ""]),
      "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "public")],
      "secret-plans/2024-03-05.json": [message("2024-03-05T10:01:00Z", "group")],
      "mpdm-alice--bob--carol-1/2024-03-05.json": [message("2024-03-05T10:02:00Z", "mpim")],
      "D1/2024-03-05.json": [message("2024-03-05T10:03:00Z", "dm")],
      "unlisted/2024-03-05.json": [message("2024-03-05T10:04:00Z", "unlisted")],
    });
    expect(result.highlights.map((h) => [h.text, h.conversationId, h.conversationName, h.private])).toEqual([
      ["public", "C1", "general", false],
      ["group", "G1", "secret-plans", true],
      ["mpim", "G2", "mpdm-alice--bob--carol-1", true],
      ["dm", "D1", "dm-alice--bob", true],
      ["unlisted", "folder:unlisted", "unlisted", true],
    ]);
  });
});

describe("day files and time zones", () => {
  it("reads only day files within two days of the window", () => {
    expect(dayFileRange(WEEK)).toEqual({ from: "2024-03-02", to: "2024-03-13" });
  });

  it("filters by each message's ts, not by the day file it is filed under", async () => {
    // Files bucketed in US Pacific time: Sunday evening there is Monday in UTC.
    const result = await read({
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-03.json": [
        message("2024-03-03T20:00:00Z", "Sunday 12:00 Pacific, before the UTC week"),
        message("2024-03-04T05:00:00Z", "Sunday 21:00 Pacific, Monday in UTC"),
      ],
      "general/2024-03-10.json": [
        message("2024-03-10T20:00:00Z", "Sunday in both"),
        message("2024-03-11T03:00:00Z", "Sunday 20:00 Pacific, next week in UTC"),
      ],
      // Far outside the window: never opened, so their damage goes unnoticed.
      "general/2024-02-20.json": "[ broken",
      "general/2024-03-20.json": "[ broken",
    });
    expect(result.highlights.map((h) => h.text)).toEqual([
      "Sunday 21:00 Pacific, Monday in UTC",
      "Sunday in both",
    ]);
    expect(result.stats.filesRead).toBe(2);
  });

  it("finds thread replies filed under other days than their parent", async () => {
    const parent = ts("2024-03-01T18:00:00Z");
    const result = await read({
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-01.json": [
        message("2024-03-01T18:00:00Z", "parent, last week", { thread_ts: parent }),
      ],
      "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "late reply", { thread_ts: parent })],
      "general/2024-03-06.json": [
        message("2024-03-06T10:00:00Z", "new parent", { thread_ts: ts("2024-03-06T10:00:00Z") }),
      ],
      "general/2024-03-07.json": [
        message("2024-03-07T10:00:00Z", "reply a day later", { thread_ts: ts("2024-03-06T10:00:00Z") }),
      ],
    });
    expect(result.highlights.map((h) => [h.text, h.threadId])).toEqual([
      ["late reply", parent],
      ["new parent", undefined],
      ["reply a day later", ts("2024-03-06T10:00:00Z")],
    ]);
  });

  it("reads day files that start with a byte-order mark", async () => {
    const result = await read({
      "channels.json": `\uFEFF${JSON.stringify(channels(["C1", "general"]))}`,
      "general/2024-03-05.json": `\uFEFF${JSON.stringify([message("2024-03-05T10:00:00Z", "with BOM")])}`,
    });
    expect(result.highlights.map((h) => [h.conversationName, h.text])).toEqual([["general", "with BOM"]]);
  });

  it("makes one highlight of a message filed twice", async () => {
    const twice = message("2024-03-05T23:30:00Z", "filed twice");
    const result = await read({
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-05.json": [twice],
      "general/2024-03-06.json": [twice],
    });
    expect(result.highlights.map((h) => h.text)).toEqual(["filed twice"]);
  });
});

describe("the 2015 export format", () => {
  const legacy = {
    "channels.json": channels(["C061A2UGJ", "general"]),
    "users.json": users(["U064SRKPD", "amandashih", "Amanda Shih", ""]),
    "general/2024-03-05.json": [
      {
        type: "message",
        subtype: "file_share",
        text: "<@U064SRKPD|amandashih> uploaded a file: <https://x.slack.com/files/a/F1/notes|Meetup notes>",
        file: { id: "F1", name: "notes", title: "Meetup notes", reactions: [reaction("star", "U1", "U2")] },
        user: "U064SRKPD",
        bot_id: "B1",
        upload: true,
        ts: "1709632800.000017",
      },
      {
        type: "message",
        subtype: "file_comment",
        text: "<@U0OTHER|eloy> commented on U064SRKPD's file <https://x.slack.com/files/a/F1/notes|Meetup notes>: Great",
        // The file's reactions travel with every comment on it; they are not the comment's.
        file: { id: "F1", title: "Meetup notes", reactions: [reaction("star", "U1", "U2")] },
        comment: { id: "Fc1", user: "U0OTHER", comment: "Great" },
        ts: "1709632900.000018",
      },
      {
        type: "message",
        user: "U064SRKPD",
        text: "thanks <@U0OTHER|eloy> and <@U064SRKPD|amandashih>",
        ts: "1709633000.000019",
        reactions: [reaction("raised_hands", "U0OTHER")],
      },
    ],
  };

  it("reads reactions on a shared file, legacy mentions and small-counter ts", async () => {
    const result = await read(legacy);
    expect(result.highlights.map((h) => [h.messageId, h.authorName, h.section, h.text])).toEqual([
      [
        "1709632800.000017",
        "Amanda Shih",
        "highlights",
        "@Amanda Shih uploaded a file: Meetup notes (https://x.slack.com/files/a/F1/notes)",
      ],
      ["1709633000.000019", "Amanda Shih", "thanks", "thanks @eloy and @Amanda Shih"],
    ]);
    expect(result.highlights[0]?.tags).toEqual([
      { user: "U1", reaction: "star", section: "highlights", via: "reaction" },
      { user: "U2", reaction: "star", section: "highlights", via: "reaction" },
    ]);
    expect(result.workspace).toBe("T_TEAM");
  });
});

describe("people's names", () => {
  it("follows users.json: display name, else real name, else handle", async () => {
    const result = await read({
      "channels.json": channels(["C1", "general"]),
      "users.json": [
        {
          id: "U1",
          name: "one",
          real_name: "Real One",
          profile: { display_name: "Uno", real_name: "Real One" },
        },
        {
          id: "U2",
          name: "two",
          real_name: "Real Two",
          profile: { display_name: " ", real_name: "Profile Two" },
        },
        { id: "U3", name: "three", real_name: "Real Three", profile: { display_name: "" } },
        { id: "U4", name: "four", profile: {} },
      ],
      "general/2024-03-05.json": ["U1", "U2", "U3", "U4"].map((user, i) =>
        message(`2024-03-05T10:0${i}:00Z`, `by ${user}`, { user }),
      ),
    });
    expect(result.highlights.map((h) => h.authorName)).toEqual(["Uno", "Profile Two", "Real Three", "four"]);
  });

  it("without users.json, uses each message's user_profile, then the user id", async () => {
    const result = await read({
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-05.json": [
        message("2024-03-05T10:00:00Z", "a", {
          user: "U1",
          user_profile: { display_name: "Disp", real_name: "Real", name: "h1" },
        }),
        message("2024-03-05T10:01:00Z", "b", {
          user: "U2",
          user_profile: { display_name: "", real_name: "Real Two", name: "h2" },
        }),
        message("2024-03-05T10:02:00Z", "c", {
          user: "U3",
          user_profile: { display_name: "", real_name: "", name: "h3" },
        }),
        message("2024-03-05T10:03:00Z", "d", { user: "U4" }),
        // Mentions resolve through profiles seen anywhere in the files read, even later ones.
        message("2024-03-05T10:04:00Z", "cc <@U5>", { user: "U4" }),
      ],
      "general/2024-03-06.json": [
        message("2024-03-06T10:00:00Z", "e", {
          user: "U5",
          user_profile: { display_name: "Five" },
          reactions: [],
        }),
      ],
    });
    expect(result.highlights.map((h) => [h.authorName, h.text])).toEqual([
      ["Disp", "a"],
      ["Real Two", "b"],
      ["h3", "c"],
      ["U4", "d"],
      ["U4", "cc @Five"],
    ]);
    expect(result.workspace).toBe("export");
  });

  it("falls back to user_profile for someone users.json lacks", async () => {
    const result = await read({
      "channels.json": channels(["C1", "general"]),
      "users.json": users(["U1", "one", "One", ""]),
      "general/2024-03-05.json": [
        message("2024-03-05T10:00:00Z", "guest", {
          user: "U_GUEST",
          user_profile: { real_name: "Guest Star" },
        }),
      ],
    });
    expect(result.highlights[0]?.authorName).toBe("Guest Star");
  });
});

describe("layout", () => {
  it("recognises real calendar dates only", () => {
    expect(dayFileDate("2024-02-29.json")).toBe("2024-02-29");
    expect(dayFileDate("2023-02-29.json")).toBeUndefined();
    expect(dayFileDate("2024-13-01.json")).toBeUndefined();
    expect(dayFileDate("canvas_in_the_conversation.json")).toBeUndefined();
    expect(dayFileDate("2024-03-05.json.bak")).toBeUndefined();
  });

  it("finds the root of an export wrapped in one folder, with or without channels.json", () => {
    const wrapped = findLayout(["x/channels.json", "x/users.json", "x/general/2024-03-05.json"]);
    expect(wrapped.root).toBe("x/");
    expect([...wrapped.metadata.keys()].sort()).toEqual(["channels.json", "users.json"]);
    expect(wrapped.folders).toEqual([
      { name: "general", days: [{ date: "2024-03-05", path: "x/general/2024-03-05.json" }] },
    ]);
    const bare = findLayout(["x/general/2024-03-05.json", "x/README.md"]);
    expect(bare.root).toBe("x/");
    expect(bare.folders.map((f) => f.name)).toEqual(["general"]);
    const flat = findLayout(["channels.json", "general/2024-03-06.json", "general/2024-03-05.json"]);
    expect(flat.root).toBe("");
    expect(flat.folders[0]?.days.map((d) => d.date)).toEqual(["2024-03-05", "2024-03-06"]);
  });
});
