import { randomBytes } from "node:crypto";
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
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
 * is not among them (a note deleted from the store) is removed. Other files are left alone.
 * @param what The folder as the user named it, for errors (`BLOG_DIR`, `--out site`).
 * @returns how many files were written and removed.
 * @throws BotError `input.bad_option` when the folder cannot be made; the file system's error
 *   when a file cannot be written.
 */
export async function syncFolder(
  dir: string,
  files: readonly { readonly path: string; readonly text: string }[],
  ours: RegExp,
  what: string,
): Promise<{ readonly written: number; readonly removed: number }> {
  await makeDirectory(dir, what);
  let written = 0;
  for (const file of files) {
    const target = join(dir, file.path);
    const current = await readFile(target, "utf8").catch(() => undefined);
    if (current !== file.text) {
      await writeFileAtomic(target, file.text);
      written += 1;
    }
  }
  const wanted = new Set(files.map((f) => f.path));
  let removed = 0;
  for (const name of await readdir(dir)) {
    if (ours.test(name) && !wanted.has(name)) {
      await rm(join(dir, name), { force: true });
      removed += 1;
    }
  }
  return { written, removed };
}
