import { afterAll, describe, expect, it } from "vitest";
import { openExportSource } from "../../adapters/slack-export/export-source.ts";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import { channels, EMOJI, message, TempExports, users, WEEK } from "./slack-export-fixture.ts";

const temp = new TempExports();
afterAll(() => temp.cleanup());

const FILES = {
  "channels.json": channels(["C1", "general"], ["C2", "雑談"]),
  "users.json": users(["U_ALICE", "alice", "Alice", ""]),
  "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "from the zip")],
  "雑談/2024-03-06.json": [message("2024-03-06T10:00:00Z", "日本語のテキスト")],
  "general/canvas.json": { not: "a day file" },
  // Outside the window: a zip reader that inflated every entry would choke on these.
  "general/2024-01-02.json": "[ broken",
  "general/2024-05-02.json": "[ broken",
};

describe("zipped exports", () => {
  it("reads a zip exactly as the same folder", async () => {
    const fromFolder = await readExportHighlights({
      path: await temp.folder(FILES),
      window: WEEK,
      emoji: EMOJI,
    });
    const fromZip = await readExportHighlights({ path: await temp.zip(FILES), window: WEEK, emoji: EMOJI });
    expect(fromZip).toEqual(fromFolder);
    expect(fromZip.highlights.map((h) => [h.conversationName, h.text])).toEqual([
      ["general", "from the zip"],
      ["雑談", "日本語のテキスト"],
    ]);
    expect(fromZip.stats.filesRead).toBe(2);
  });

  it("reads a zip with everything under one top-level folder, and ignores macOS resource forks", async () => {
    const wrapped = await temp.zip({
      ...Object.fromEntries(
        Object.entries(FILES).map(([path, content]) => [`slack export/${path}`, content]),
      ),
      "__MACOSX/slack export/._channels.json": "\u0000binary",
    });
    const result = await readExportHighlights({ path: wrapped, window: WEEK, emoji: EMOJI });
    expect(result.highlights.map((h) => h.text)).toEqual(["from the zip", "日本語のテキスト"]);
  });

  it("reads a wrapped zip that has no channels.json, even beside a __MACOSX folder", async () => {
    const path = await temp.zip({
      "export/general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "x")],
      "__MACOSX/export/general/._2024-03-05.json": "\u0000binary",
    });
    const result = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    expect(result.highlights.map((h) => [h.conversationId, h.text])).toEqual([["folder:general", "x"]]);
  });

  it("reads an unzipped folder wrapped in one more folder", async () => {
    const outer = await temp.folder(
      Object.fromEntries(Object.entries(FILES).map(([p, c]) => [`inner/${p}`, c])),
    );
    const result = await readExportHighlights({ path: outer, window: WEEK, emoji: EMOJI });
    expect(result.highlights).toHaveLength(2);
  });

  it("lists entries from the central directory and inflates only what is asked", async () => {
    const source = await openExportSource(await temp.zip(FILES));
    try {
      expect(source.paths).toContain("雑談/2024-03-06.json");
      expect(source.paths).not.toContain("general/");
      expect(JSON.parse(await source.readText("channels.json"))).toHaveLength(2);
    } finally {
      await source.close();
      await source.close();
    }
  });
});
