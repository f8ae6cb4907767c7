import { chmod, mkdir, rm, symlink, truncate } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openExportSource } from "../../adapters/slack-export/export-source.ts";
import {
  MAX_EXPORT_FILE_BYTES,
  type ReadExportOptions,
  readExportHighlights,
} from "../../adapters/slack-export/read-export.ts";
import { fsProblem, unreadableExportFile } from "../../adapters/slack-export/source-errors.ts";
import { BotError } from "../../src/domain/errors.ts";
import { channels, EMOJI, message, patchZipEntry, TempExports, WEEK } from "./slack-export-fixture.ts";

const temp = new TempExports();
afterAll(() => temp.cleanup());

async function failure(path: string, extra: Partial<ReadExportOptions> = {}): Promise<BotError> {
  const error = await readExportHighlights({ path, window: WEEK, emoji: EMOJI, ...extra }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BotError);
  expect((error as BotError).hint).toBeTruthy();
  return error as BotError;
}

const DAY = "general/2024-03-05.json";
const FILES = {
  "channels.json": channels(["C1", "general"]),
  [DAY]: [message("2024-03-05T10:00:00Z", "a".repeat(4000))],
};

describe("file size limit", () => {
  it("is 256 MiB by default", () => {
    expect(MAX_EXPORT_FILE_BYTES).toBe(256 * 1024 * 1024);
  });

  it("refuses a zip entry by the size its central directory declares, before inflating it", async () => {
    const zip = await temp.zip(FILES);
    // 1.5 GiB declared for a 4 KB entry: had it been inflated, yauzl would have found it short.
    await patchZipEntry(zip, DAY, { declaredSize: 1.5 * 1024 ** 3 });
    const error = await failure(zip);
    expect(error.code).toBe("input.bad_export_file");
    expect(error.message).toContain(DAY);
    expect(error.message).toContain("1.5 GiB (1610612736 bytes)");
    expect(error.message).toContain("256 MiB");
    expect(error.message).not.toContain("damaged");
    expect(error.hint).toContain("No real Slack day file is that large");
  });

  it("refuses a folder's file by its size on disk, before reading it", async () => {
    const folder = await temp.folder(FILES);
    // Sparse: 300 MiB on paper, nothing on disk. Reading it would take 300 MiB of memory.
    await truncate(join(folder, DAY), 300 * 1024 * 1024);
    const error = await failure(folder);
    expect(error.code).toBe("input.bad_export_file");
    expect(error.message).toContain(DAY);
    expect(error.message).toContain("300 MiB (314572800 bytes)");
  });

  it("takes the limit from maxFileBytes, for folders and zips alike", async () => {
    for (const path of [await temp.folder(FILES), await temp.zip(FILES)]) {
      const error = await failure(path, { maxFileBytes: 1024 });
      expect(error.code).toBe("input.bad_export_file");
      expect(error.message).toMatch(/general\/2024-03-05\.json .*is 4\.\d KiB \(\d+ bytes\).*1 KiB limit/);
      const fine = await readExportHighlights({ path, window: WEEK, emoji: EMOJI, maxFileBytes: 5000 });
      expect(fine.highlights).toHaveLength(1);
    }
  });

  it("checks metadata files too", async () => {
    const error = await failure(
      await temp.folder({ ...FILES, "users.json": [{ id: "U1", name: "x".repeat(2000) }] }),
      { maxFileBytes: 1024 },
    );
    expect(error.message).toContain("users.json");
  });

  it("rejects a maxFileBytes that is not a size above 0 with input.bad_option", async () => {
    const path = await temp.folder(FILES);
    for (const maxFileBytes of [0, -1, Number.NaN]) {
      expect((await failure(path, { maxFileBytes })).code).toBe("input.bad_option");
    }
  });
});

describe("zips Slack never makes", () => {
  it("says a password-protected zip is encrypted, not damaged", async () => {
    const zip = await temp.zip(FILES);
    await patchZipEntry(zip, "channels.json", { encrypted: true });
    await patchZipEntry(zip, DAY, { encrypted: true });
    const error = await failure(zip);
    expect(error.code).toBe("input.bad_export_file");
    expect(error.message).toContain("channels.json");
    expect(error.message).toContain("encrypted");
    expect(error.message).not.toContain("damaged");
    expect(error.hint).toContain("without a password");
  });

  it("refuses entries that climb out (../) or are absolute, saying the paths are unsafe", async () => {
    for (const [placeholder, unsafe] of [
      ["XX/evil.json", "../evil.json"],
      ["Xtmp/evil.json", "/tmp/evil.json"],
    ] as const) {
      const zip = await temp.zip({ ...FILES, [placeholder]: [] });
      await patchZipEntry(zip, placeholder, { name: unsafe });
      const error = await failure(zip);
      expect(error.code).toBe("input.not_an_export");
      expect(error.message).toContain("unsafe paths");
      expect(error.message).toContain(unsafe);
      expect(error.message).not.toContain("readable zip");
    }
  });
});

describe("file-system errors", () => {
  const errno = (code: string) =>
    Object.assign(new Error(`${code}: something, open 'x'`), { code, errno: -1, syscall: "open" });

  it("explains errno errors in plain words, and nothing else", () => {
    expect(fsProblem(errno("EACCES"), "file")).toMatchObject({
      problem: "permission denied",
      hint: expect.stringContaining("Check the permissions of the file"),
    });
    expect(fsProblem(errno("EPERM"), "folder")?.problem).toBe("permission denied");
    expect(fsProblem(errno("EISDIR"), "file")?.problem).toBe("it is a folder, not a file");
    expect(fsProblem(errno("ELOOP"), "path")?.problem).toBe("its symbolic links form a loop");
    expect(fsProblem(errno("EWHATEVER"), "file")?.problem).toContain("EWHATEVER");
    expect(fsProblem(new Error("plain"), "file")).toBeUndefined();
    expect(fsProblem(new BotError("input.bad_option", "x"), "file")).toBeUndefined();
    const cause = errno("EACCES");
    const error = unreadableExportFile("/exports/x.zip", DAY, cause);
    expect(error?.code).toBe("input.bad_export_file");
    expect(error?.toUserLine()).toMatch(
      /^general\/2024-03-05\.json in the Slack export \/exports\/x\.zip cannot be read: permission denied\. Check the permissions/,
    );
    expect(error?.cause).toBe(cause);
  });

  it("input.not_an_export, with the cause, for an export path that is a symbolic-link loop", async () => {
    const dir = await temp.dir();
    await symlink(join(dir, "b"), join(dir, "a"));
    await symlink(join(dir, "a"), join(dir, "b"));
    const error = await failure(join(dir, "a"));
    expect(error.code).toBe("input.not_an_export");
    expect(error.message).toContain(join(dir, "a"));
    expect(error.message).toContain("symbolic links form a loop");
    expect((error.cause as NodeJS.ErrnoException).code).toBe("ELOOP");
  });

  it("input.bad_export_file, with the cause, for a file that is gone or replaced after listing", async () => {
    const folder = await temp.folder(FILES);
    const source = await openExportSource(folder);
    await rm(join(folder, DAY));
    const gone = await source.readText(DAY).catch((e: unknown) => e as BotError);
    expect(gone).toBeInstanceOf(BotError);
    expect(gone).toMatchObject({ code: "input.bad_export_file" });
    expect((gone as BotError).message).toContain(`${DAY} in the Slack export ${folder} cannot be read`);
    expect(((gone as BotError).cause as NodeJS.ErrnoException).code).toBe("ENOENT");
    await mkdir(join(folder, DAY));
    const folderNow = await source.readText(DAY).catch((e: unknown) => e as BotError);
    expect(folderNow).toMatchObject({ code: "input.bad_export_file" });
    expect((folderNow as BotError).message).toContain(DAY);
  });

  // Root reads any file whatever its mode, so this test can only run as an ordinary user; the
  // title says so when it is skipped.
  it.skipIf(process.getuid?.() === 0)(
    "(skipped when run as root, who can read a mode-000 file) input.bad_export_file for a file without read permission, input.not_an_export for the export",
    async () => {
      const folder = await temp.folder(FILES);
      await chmod(join(folder, DAY), 0o000);
      const file = await failure(folder);
      expect(file.code).toBe("input.bad_export_file");
      expect(file.toUserLine()).toContain("cannot be read: permission denied. Check the permissions");
      expect((file.cause as NodeJS.ErrnoException).code).toBe("EACCES");
      await chmod(join(folder, DAY), 0o644);

      await chmod(join(folder, "general"), 0o000);
      const inner = await failure(folder);
      expect(inner.code).toBe("input.bad_export_file");
      expect(inner.message).toContain("general in the Slack export");
      await chmod(join(folder, "general"), 0o755);

      await chmod(folder, 0o000);
      const top = await failure(folder);
      expect(top.code).toBe("input.not_an_export");
      expect(top.message).toContain("cannot be read: permission denied");
      await chmod(folder, 0o755);

      const zip = await temp.zip(FILES);
      await chmod(zip, 0o000);
      const zipError = await failure(zip);
      expect(zipError.code).toBe("input.not_an_export");
      expect(zipError.message).toContain("permission denied");
      await chmod(zip, 0o644);
    },
  );
});
