import { randomBytes } from "node:crypto";
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BotError } from "../../src/domain/errors.ts";
import { makeDirectory } from "../fs/safe-paths.ts";

/**
 * Writes `text` to `path` so that a reader sees the old file or the new one, never half of one:
 * a temporary file next to it, then a rename over it (atomic within one file system). The
 * temporary file is removed when the write fails.
 * @throws the file system's error (ENOSPC, EACCES…).
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, text, "utf8");
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Makes `dir` hold exactly `files` among the files whose names `ours` matches: each is written
 * atomically ({@link writeFileAtomic}) unless it already has that text, and a file of ours that
 * is not among them (a note deleted from the store) is removed. Other files are left alone, and
 * so is everything when a file it would replace or remove fails `owned` (someone else's
 * `index.html`, say): that is checked for every file before the first is written.
 * @param what The folder as the user named it, for errors (`BLOG_DIR`, `--out site`).
 * @param owned Whether an existing file's text was written by us (writtenByWeeknotes).
 * @returns how many files were written and removed.
 * @throws BotError `input.bad_option` when the folder cannot be made or holds a file of that name
 *   that `owned` refuses (nothing written then); the file system's error when a file cannot be
 *   written.
 */
export async function syncFolder(
  dir: string,
  files: readonly { readonly path: string; readonly text: string }[],
  ours: RegExp,
  what: string,
  owned: (text: string) => boolean,
): Promise<{ readonly written: number; readonly removed: number }> {
  await makeDirectory(dir, what);
  const wanted = new Set(files.map((f) => f.path));
  const current = new Map<string, string | undefined>();
  for (const name of new Set([...wanted, ...(await readdir(dir)).filter((n) => ours.test(n))])) {
    const text = await readFile(join(dir, name), "utf8").catch(() => undefined);
    if (text !== undefined && !owned(text)) {
      throw new BotError("input.bad_option", `${what} already holds ${name}, which weeknotes did not write`, {
        hint: "Nothing was written. Give an empty folder, or one weeknotes wrote, or move that file away",
      });
    }
    current.set(name, text);
  }
  let written = 0;
  for (const file of files) {
    if (current.get(file.path) !== file.text) {
      await writeFileAtomic(join(dir, file.path), file.text);
      written += 1;
    }
  }
  let removed = 0;
  for (const [name, text] of current) {
    if (text !== undefined && !wanted.has(name)) {
      await rm(join(dir, name), { force: true });
      removed += 1;
    }
  }
  return { written, removed };
}
