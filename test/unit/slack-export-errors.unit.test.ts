import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import { BotError, type BotErrorCode } from "../../src/domain/errors.ts";
import { channels, EMOJI, message, TempExports, WEEK } from "./slack-export-fixture.ts";

const temp = new TempExports();
afterAll(() => temp.cleanup());

async function failure(path: string): Promise<BotError> {
  const error = await readExportHighlights({ path, window: WEEK, emoji: EMOJI }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BotError);
  return error as BotError;
}

function expectCode(error: BotError, code: BotErrorCode): void {
  expect(error.code).toBe(code);
  expect(error.hint).toBeTruthy();
}

describe("readExportHighlights errors", () => {
  it("input.not_found when the path does not exist", async () => {
    const error = await failure(join(await temp.dir(), "missing.zip"));
    expectCode(error, "input.not_found");
    expect(error.message).toContain("missing.zip");
  });

  it("input.not_an_export for an empty folder or one without channels.json or day files", async () => {
    expectCode(await failure(await temp.folder({})), "input.not_an_export");
    expectCode(
      await failure(
        await temp.folder({ "README.md": "# hi", "photos/2024-03-05.png": "x", "notes/todo.json": [] }),
      ),
      "input.not_an_export",
    );
    expectCode(await failure(await temp.zip({ "docs/readme.txt": "hello" })), "input.not_an_export");
  });

  it("input.not_an_export for a file that is not a zip", async () => {
    const path = join(await temp.dir(), "export.json");
    await writeFile(path, "[]");
    expectCode(await failure(path), "input.not_an_export");
  });

  it("reads an export that lists channels but has no messages as empty", async () => {
    const result = await readExportHighlights({
      path: await temp.folder({ "channels.json": channels(["C1", "general"]) }),
      window: WEEK,
      emoji: EMOJI,
    });
    expect(result.highlights).toEqual([]);
    expect(result.channels).toEqual([{ id: "C1", name: "general", private: false }]);
  });

  it("input.bad_export_file naming a day file that is not JSON, without quoting its text", async () => {
    const files = {
      "channels.json": channels(["C1", "general"]),
      "general/2024-03-04.json": [message("2024-03-04T10:00:00Z", "fine")],
      "general/2024-03-05.json": '[{"text": "secret plans for the launch", ',
    };
    for (const path of [await temp.folder(files), await temp.zip(files)]) {
      const error = await failure(path);
      expectCode(error, "input.bad_export_file");
      expect(error.message).toContain("general/2024-03-05.json");
      expect(error.message).not.toContain("secret");
      expect(error).not.toBeInstanceOf(SyntaxError);
    }
  });

  it("input.bad_export_file for a day file that is not a list", async () => {
    const error = await failure(
      await temp.folder({
        "channels.json": channels(["C1", "general"]),
        "general/2024-03-05.json": { messages: [] },
      }),
    );
    expectCode(error, "input.bad_export_file");
    expect(error.message).toContain("general/2024-03-05.json");
  });

  it("input.bad_export_file for broken channels.json or users.json", async () => {
    const day = { "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "x")] };
    const badChannels = await failure(await temp.folder({ ...day, "channels.json": { channels: [] } }));
    expectCode(badChannels, "input.bad_export_file");
    expect(badChannels.message).toContain("channels.json");
    const badUsers = await failure(await temp.folder({ ...day, "channels.json": [], "users.json": "[{" }));
    expectCode(badUsers, "input.bad_export_file");
    expect(badUsers.message).toContain("users.json");
  });

  it("skips items of a day file that are not messages instead of failing", async () => {
    const result = await readExportHighlights({
      path: await temp.folder({
        "channels.json": channels(["C1", "general"]),
        "general/2024-03-05.json": [
          null,
          7,
          "text",
          { text: "no ts" },
          message("2024-03-05T10:00:00Z", "ok"),
        ],
      }),
      window: WEEK,
      emoji: EMOJI,
    });
    expect(result.highlights.map((h) => h.text)).toEqual(["ok"]);
    expect(result.stats.messagesRead).toBe(5);
    expect(result.stats.skipped).toEqual({ entries: 4, files: 0 });
  });
});
