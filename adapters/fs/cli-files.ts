/**
 * The files a command-line run writes, checked before any work is done: `--out` and the data
 * folder are probed first, so that a place that cannot be written stops the run with exit 2 before
 * the export is read or a draft is saved, and a written file is never half a file.
 */
import { constants } from "node:fs";
import { access, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BotError } from "../../src/domain/errors.ts";
import { fileProblem, makeDirectory, refuseVirtualFileSystem } from "./safe-paths.ts";

/**
 * Makes sure `target` can be written before anything is read or stored: makes its folder (and
 * parents), refuses a folder at `target`, and writes and removes a probe file beside it.
 * @param given `--out` as the user typed it, for messages.
 * @throws BotError `input.bad_option` (`Cannot write --out …: it is a folder`, permission denied,
 *   a full or read-only disk; a folder that cannot be made: see makeDirectory).
 */
export async function prepareOutput(target: string, given: string): Promise<void> {
  await makeDirectory(dirname(target), `--out ${given}`);
  const probe = temporaryPath(target);
  try {
    if ((await stat(target).catch(() => undefined))?.isDirectory()) {
      throw Object.assign(new Error(`${target} is a folder`), { code: "EISDIR" });
    }
    await writeFile(probe, "");
    await access(target, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  } catch (error) {
    throw cannotWrite(target, error);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/**
 * Writes `text` to `target` (or `stdout` when undefined): written beside it and renamed over it,
 * so a failure never leaves half a file.
 * @throws BotError `input.bad_option` as prepareOutput.
 */
export async function writeOutput(
  text: string,
  target: string | undefined,
  stdout: (text: string) => void,
): Promise<void> {
  if (target === undefined) {
    stdout(text);
    return;
  }
  const temporary = temporaryPath(target);
  await makeDirectory(dirname(target), `--out ${target}`);
  try {
    await writeFile(temporary, text, "utf8");
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw cannotWrite(target, error);
  }
}

function temporaryPath(target: string): string {
  return `${target}.${process.pid}.tmp`;
}

function cannotWrite(target: string, error: unknown): BotError {
  const code = (error as NodeJS.ErrnoException).code;
  const problem =
    code === "EISDIR"
      ? "it is a folder"
      : code === "ENOTDIR"
        ? "part of its path is a file"
        : fileProblem(code);
  return new BotError("input.bad_option", `Cannot write --out ${target}: ${problem}`, {
    hint: "Give a file path you can write to, or leave --out out to print the note",
    cause: error,
  });
}

/**
 * Where the data folder came from, for messages: `--data-dir` (named with its folder), the
 * `DATA_DIR` setting (never its value), or neither (the default `./data` of the working folder).
 */
export type DataDirSource = "--data-dir" | "DATA_DIR" | "default";

/**
 * Makes sure the database can be written in `dir`, creating the folder and its parents, before
 * anything is read or written: a folder that cannot be made or written to is bad input (exit 2)
 * with one line saying why, not an unexpected failure once the export has been read. Writes and
 * removes one empty probe file, and checks an existing `weeknotes.sqlite` is writable.
 * @param canSkip Whether the command has `--no-store` to offer (compile does, serve does not).
 * @throws BotError `input.bad_option` naming where the folder came from and the reason: a file in
 *   the way, permission denied, a read-only file system, a full disk, a read-only database file.
 */
export async function prepareDataDir(dir: string, source: DataDirSource, canSkip: boolean): Promise<void> {
  const what =
    source === "--data-dir"
      ? `--data-dir ${dir}`
      : source === "DATA_DIR"
        ? "DATA_DIR"
        : `The default data folder ${dir} (DATA_DIR is not set)`;
  // Before Node's recursive mkdir, which never ends under /proc.
  await refuseVirtualFileSystem(dir, source === "DATA_DIR" ? `DATA_DIR ${dir}` : what);
  let step: "folder" | "database" = "folder";
  try {
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.weeknotes-write-check-${process.pid}`);
    await writeFile(probe, "");
    await rm(probe, { force: true });
    step = "database";
    await access(join(dir, "weeknotes.sqlite"), constants.W_OK).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      step === "database"
        ? `its weeknotes.sqlite cannot be written (${fileProblem(code)})`
        : code === "EROFS"
          ? "it is on a read-only file system"
          : code === "ENOTDIR" || code === "EEXIST"
            ? "part of its path is a file"
            : code === "ENOENT"
              ? "part of its path does not exist"
              : fileProblem(code);
    const skip = canSkip ? ", or --no-store to save nothing" : "";
    const hint =
      source === "default"
        ? `Set DATA_DIR or give --data-dir a folder you can write to${skip}`
        : `Give ${source} a folder you can write to${skip}`;
    throw new BotError("input.bad_option", `${what} cannot hold the database: ${reason}`, {
      hint,
      cause: error,
    });
  }
}
