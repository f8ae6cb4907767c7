import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isInsideRelative, isWithin, realPathOf } from "../../adapters/fs/safe-paths.ts";
import { openExportSource } from "../../adapters/slack-export/export-source.ts";
import { BotError } from "../../src/domain/errors.ts";
import { channels, message, patchZipEntry, TempExports } from "./slack-export-fixture.ts";

// Issue 12, item 3: both export readers apply one rule, nothing outside the export is read.

const temp = new TempExports();
afterAll(() => temp.cleanup());

const FILES = {
  "channels.json": channels(["C1", "general"]),
  "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "inside")],
};

describe("the rule for a path inside the export", () => {
  it.each([
    ["general/2024-03-05.json", true],
    ["export/channels.json", true],
    ["", true],
    ["..weird/name.json", true],
    ["../users.json", false],
    ["general/../../users.json", false],
    ["/etc/passwd", false],
    ["C:/Windows/x.json", false],
    ["general\\..\\x.json", false],
  ])("%j stays inside: %s", (path, inside) => {
    expect(isInsideRelative(path)).toBe(inside);
  });

  it("compares real paths: a folder and what is under it, nothing beside it", () => {
    expect(isWithin("/data/export", "/data/export")).toBe(true);
    expect(isWithin("/data/export", "/data/export/general/x.json")).toBe(true);
    expect(isWithin("/data/export", "/data/export-2/x.json")).toBe(false);
    expect(isWithin("/data/export", "/data/users.json")).toBe(false);
  });

  it("finds the real path of a path that does not exist yet, through the links above it", async () => {
    const dir = await temp.dir();
    await mkdir(join(dir, "data"));
    await symlink(join(dir, "data"), join(dir, "alias"));
    expect(await realPathOf(join(dir, "alias", "new", "w10.md"))).toBe(
      join(await realPathOf(dir), "data", "new", "w10.md"),
    );
  });
});

describe("both readers refuse what leads out, in the same words", () => {
  async function refusal(location: string): Promise<BotError> {
    const error = await openExportSource(location).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BotError);
    return error as BotError;
  }

  it("a zip entry named ../users.json and a folder's users.json linked from outside", async () => {
    const zip = await temp.zip({ ...FILES, "XXXusers.json": [] });
    await patchZipEntry(zip, "XXXusers.json", { name: "../users.json" });
    const folder = await temp.folder(FILES);
    const outside = await temp.dir();
    await writeFile(join(outside, "users.json"), "[]");
    await symlink(join(outside, "users.json"), join(folder, "users.json"));

    const fromZip = await refusal(zip);
    const fromFolder = await refusal(folder);
    for (const [error, location, path] of [
      [fromZip, zip, "../users.json"],
      [fromFolder, folder, "users.json"],
    ] as const) {
      expect(error.code).toBe("input.not_an_export");
      expect(error.message).toMatch(
        new RegExp(
          `^${location.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} holds unsafe paths that lead out of the export, such as "${path.replace(/\./g, "\\.")}"`,
        ),
      );
      expect(error.hint).toBeTruthy();
    }
    expect(fromFolder.message).toContain(
      `(a symbolic link to ${await realPathOf(join(outside, "users.json"))})`,
    );
  });

  it("a folder's file swapped for a link out after it was listed is not read", async () => {
    const folder = await temp.folder(FILES);
    const source = await openExportSource(folder);
    expect(await source.readText("general/2024-03-05.json")).toContain("inside");
    const outside = await temp.dir();
    await writeFile(join(outside, "day.json"), JSON.stringify([message("2024-03-05T10:00:00Z", "LEAKED")]));
    await rm(join(folder, "general", "2024-03-05.json"));
    await symlink(join(outside, "day.json"), join(folder, "general", "2024-03-05.json"));
    const error = await source.readText("general/2024-03-05.json").then(
      (text) => text,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).code).toBe("input.not_an_export");
    expect((error as BotError).message).toContain('"general/2024-03-05.json" (a symbolic link to');
  });

  it("a link that stays inside the export is followed, and one that leads nowhere is not read", async () => {
    const folder = await temp.folder(FILES);
    await symlink(join(folder, "general", "2024-03-05.json"), join(folder, "general", "2024-03-06.json"));
    await symlink(join(folder, "nowhere.json"), join(folder, "users.json"));
    const source = await openExportSource(folder);
    expect(source.paths).toContain("general/2024-03-06.json");
    expect(source.others).toEqual(["users.json"]);
    expect(await source.readText("general/2024-03-06.json")).toContain("inside");
  });
});
