import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findLayout, unusablePaths } from "../../adapters/slack-export/layout.ts";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import { channels, EMOJI, message, TempExports, ts, users, WEEK } from "./slack-export-fixture.ts";

const temp = new TempExports();
afterAll(() => temp.cleanup());

const read = (path: string, extra: { channels?: string[] } = {}) =>
  readExportHighlights({ path, window: WEEK, emoji: EMOJI, ...extra });

describe("stats.skipped.entries", () => {
  it("counts items of the day files read that are not message objects or lack a string ts", async () => {
    const files = {
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-05.json": [
        1,
        "x",
        null,
        [],
        { text: "no ts" },
        { ts: 1709632800.0001, text: "a numeric ts" },
        message("2024-03-05T10:00:00Z", "kept"),
        // Odd fields read as absent: still a message, not skipped.
        { ts: ts("2024-03-05T11:00:00Z"), user: 7, reactions: "many" },
      ],
      // Outside the window: not read, so not counted.
      "general/2024-01-02.json": [1, 2, 3],
    };
    for (const path of [await temp.folder(files), await temp.zip(files)]) {
      const result = await read(path);
      expect(result.highlights.map((h) => h.text)).toEqual(["kept"]);
      expect(result.stats.messagesRead).toBe(8);
      expect(result.stats.skipped).toEqual({ entries: 6, files: 0 });
    }
  });
});

describe("stats.skipped.files", () => {
  it("is 0 for what real exports hold: canvases, odd JSON, __MACOSX, a wrapping folder", async () => {
    const files = {
      "channels.json": channels(["C1", "general"], ["C2", "empty-channel"]),
      "users.json": users(["U_ALICE", "alice", "Alice", ""]),
      "integration_logs.json": { logs: [] },
      "canvases.json": [],
      "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "x")],
      "general/canvas_in_the_conversation.json": [],
      "general/2024-02-30.json": "not a real date",
      "__MACOSX/general/._2024-03-05.json": "\u0000",
    };
    expect((await read(await temp.folder(files))).stats.skipped).toEqual({ entries: 0, files: 0 });
    expect((await read(await temp.zip(files, "slack export/"))).stats.skipped).toEqual({
      entries: 0,
      files: 0,
    });
  });

  it("counts a listed channel whose folder is a file, and still reads the rest", async () => {
    const files = {
      "channels.json": channels(["C1", "general"], ["C2", "random"]),
      "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "x")],
      random: "I should have been a folder",
    };
    for (const path of [await temp.folder(files), await temp.zip(files)]) {
      const result = await read(path);
      expect(result.highlights).toHaveLength(1);
      expect(result.stats.skipped).toEqual({ entries: 0, files: 1 });
    }
  });

  it("counts metadata files that are folders, and day-file names that are folders", async () => {
    const files = {
      "channels.json/readme.txt": "a folder named channels.json",
      "users.json/x": "so is users.json",
      "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "x")],
      "general/2024-03-06.json/oops.txt": "a folder named like a day file",
    };
    for (const path of [await temp.folder(files), await temp.zip(files)]) {
      const result = await read(path);
      expect(result.highlights.map((h) => h.conversationName)).toEqual(["general"]);
      expect(result.stats.skipped).toEqual({ entries: 0, files: 3 });
    }
  });

  it("follows symbolic links, and counts a broken one where a metadata file belongs", async () => {
    const folder = await temp.folder({
      "channels.json": channels(["C1", "general"]),
      "elsewhere/day.json.txt": JSON.stringify([message("2024-03-05T10:00:00Z", "linked")]),
    });
    await mkdir(join(folder, "general"));
    await symlink(join(folder, "elsewhere", "day.json.txt"), join(folder, "general", "2024-03-05.json"));
    await symlink(join(folder, "nowhere.json"), join(folder, "users.json"));
    const result = await read(folder);
    expect(result.highlights.map((h) => h.text)).toEqual(["linked"]);
    expect(result.stats.skipped).toEqual({ entries: 0, files: 1 });
  });

  it("lists the unusable paths themselves, under the export's root", () => {
    const paths = ["x/channels.json", "x/general/2024-03-05.json", "x/random", "x/users.json/a"];
    const layout = findLayout(paths);
    expect(layout.root).toBe("x/");
    expect(
      unusablePaths(layout, { paths, folders: ["x", "x/general", "x/users.json"], others: ["x/dms.json"] }, [
        "random",
        "C2",
      ]),
    ).toEqual(["x/dms.json", "x/random", "x/users.json"]);
  });
});

describe("stats.days", () => {
  const files = {
    "channels.json": channels(["C1", "general"], ["C2", "random"], ["C3", "old"]),
    "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "x")],
    "general/2024-03-07.json": [],
    "general/2024-02-30.json": "not a real date",
    "general/notes.json": [],
    "random/2024-04-01.json": "[ broken, but never read",
    "old/2023-12-31.json": "[ broken, but never read",
  };

  it("spans the day-file names of every folder, whichever channels are chosen, reading none outside the week", async () => {
    for (const path of [await temp.folder(files), await temp.zip(files)]) {
      expect((await read(path)).stats.days).toEqual({ first: "2023-12-31", last: "2024-04-01" });
      const one = await read(path, { channels: ["general"] });
      expect(one.stats.days).toEqual({ first: "2023-12-31", last: "2024-04-01" });
      expect(one.stats.filesRead).toBe(2);
    }
  });

  it("is undefined for an export without day files", async () => {
    const result = await read(await temp.folder({ "channels.json": channels(["C1", "general"]) }));
    expect(result.stats.days).toBeUndefined();
    expect(result.stats.skipped).toEqual({ entries: 0, files: 0 });
  });
});
