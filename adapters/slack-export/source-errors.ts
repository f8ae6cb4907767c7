import { BotError } from "../../src/domain/errors.ts";
import { isInsideRelative, isWithin } from "../fs/safe-paths.ts";

/**
 * The largest single export file read, in bytes (256 MiB): a zip entry by the uncompressed size its
 * central directory declares, a folder's file by its size on disk. No real Slack day file or list
 * comes near it; anything larger is refused before it is read (see `maxFileBytes`).
 */
export const MAX_EXPORT_FILE_BYTES = 256 * 1024 * 1024;

/** What went wrong with a file or folder, in plain words, and what the user can do about it. */
export interface FsProblem {
  /** Follows "cannot be read: ", such as `permission denied`. */
  readonly problem: string;
  /** One sentence saying what to do, such as `Check the permissions of the file…`. */
  readonly hint: string;
  /** True when trying again may help (too many open files, a busy file). */
  readonly retryable: boolean;
}

/** What failed: a file, a folder, or a path that may be either (what the user gave). */
export type FsKind = "file" | "folder" | "path";

/**
 * Explains a Node file-system error (one with an errno `code`: `EACCES`, `EISDIR`, `ELOOP`…) for
 * `kind` (a file, a folder, or a path that may be either).
 * @returns undefined when `error` is not a file-system error.
 */
export function fsProblem(error: unknown, kind: FsKind): FsProblem | undefined {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  if (typeof code !== "string" || typeof errno !== "number") {
    return undefined;
  }
  const problem = (text: string, hint: string, retryable = false) => ({ problem: text, hint, retryable });
  switch (code) {
    case "EACCES":
    case "EPERM":
      return problem(
        "permission denied",
        `Check the permissions of the ${kind} and the folders above it: the user running weeknotes must be able to read them`,
      );
    case "EISDIR":
      return problem("it is a folder, not a file", "Export the workspace again, or unzip it again");
    case "ENOTDIR":
      return problem("part of its path is a file, not a folder", "Check the path and try again");
    case "ENOENT":
      return problem(
        "it is gone (moved or deleted while weeknotes was reading)",
        "Leave the export in place while weeknotes reads it, and try again",
        true,
      );
    case "ELOOP":
      return problem("its symbolic links form a loop", "Fix or remove the symbolic link");
    case "ENAMETOOLONG":
      return problem("its path is too long", "Move the export to a folder with a shorter path");
    case "EMFILE":
    case "ENFILE":
      return problem("too many files are open", "Close some programs and try again", true);
    case "EBUSY":
    case "EAGAIN":
      return problem("it is busy or locked by another program", "Close that program and try again", true);
    case "EIO":
      return problem(
        "the disk reported a read error",
        "Copy the export to another disk, or download it again",
        true,
      );
    default:
      return problem(
        `the system refused (${code})`,
        `Check that the ${kind} can be opened by the user running weeknotes`,
      );
  }
}

/**
 * `input.not_an_export` for a file-system error on the export itself (`kind`: what it is), or
 * undefined when `error` is not a file-system error.
 */
export function unreadableExport(location: string, error: unknown, kind: FsKind): BotError | undefined {
  const found = fsProblem(error, kind);
  if (!found) {
    return undefined;
  }
  return new BotError(
    "input.not_an_export",
    `The Slack export ${location} cannot be read: ${found.problem}`,
    {
      hint: found.hint,
      cause: error,
      retryable: found.retryable,
    },
  );
}

/**
 * `input.bad_export_file` for `path` inside the export at `location`, `problem` saying what is wrong
 * with it (`is not valid JSON`). The default hint says to export again or repair the file.
 */
export function badExportFile(
  location: string,
  path: string,
  problem: string,
  options: { hint?: string; cause?: unknown; retryable?: boolean } = {},
): BotError {
  return new BotError("input.bad_export_file", `${path} in the Slack export ${location} ${problem}`, {
    hint: options.hint ?? "Export the workspace again, or delete or repair that file",
    ...(options.cause === undefined ? {} : { cause: options.cause }),
    ...(options.retryable === undefined ? {} : { retryable: options.retryable }),
  });
}

/**
 * `input.bad_export_file` for a file-system error reading `path` inside the export, or undefined
 * when `error` is not a file-system error.
 */
export function unreadableExportFile(
  location: string,
  path: string,
  error: unknown,
  kind: FsKind = "file",
): BotError | undefined {
  const found = fsProblem(error, kind);
  if (!found) {
    return undefined;
  }
  return badExportFile(location, path, `cannot be read: ${found.problem}`, {
    hint: found.hint,
    cause: error,
    retryable: found.retryable,
  });
}

/**
 * The one rule both readers apply: nothing outside the export is read. `path` is where something
 * sits inside the export (`/`-separated); `real`, for a folder, is where the file system says it
 * leads (its real path, every symbolic link followed) and `root` the export folder's real path.
 * @returns undefined when it stays inside; else the error to throw, `input.not_an_export` naming
 *   the export and the path (and, for a folder, where it leads), so that nothing is read.
 */
export function outsideExport(
  location: string,
  path: string,
  leadsTo?: { readonly root: string; readonly real: string },
): BotError | undefined {
  if (isInsideRelative(path) && (leadsTo === undefined || isWithin(leadsTo.root, leadsTo.real))) {
    return undefined;
  }
  const via = leadsTo === undefined ? "" : ` (a symbolic link to ${leadsTo.real})`;
  return new BotError(
    "input.not_an_export",
    `${location} holds unsafe paths that lead out of the export, such as ${JSON.stringify(path)}${via}, so it was not read`,
    {
      hint:
        leadsTo === undefined
          ? "A Slack export never holds ../ or absolute paths: use the zip Slack sent, or zip the export folder again"
          : "Copy the linked files into the export folder instead of linking to them, or give the folder they are in",
    },
  );
}

/** `input.bad_export_file` for a file larger than `limit` bytes, refused before reading it. */
export function tooLarge(
  location: string,
  path: string,
  size: number,
  limit: number,
  zipped: boolean,
): BotError {
  const how = zipped ? " once unzipped (as the zip declares)" : "";
  const shown = formatBytes(size);
  const sizeText = shown === `${size} bytes` ? shown : `${shown} (${size} bytes)`;
  return badExportFile(
    location,
    path,
    `is ${sizeText}${how}, over the ${formatBytes(limit)} limit for one export file, so it was not read`,
    {
      hint: "No real Slack day file is that large: make sure this is the export Slack sent (a zip bomb or another archive is not), and export the workspace again",
    },
  );
}

/** `1610612736` → `1.5 GiB`; binary units, one decimal below 10. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) {
    return `${bytes} bytes`;
  }
  const shown = value < 10 ? Number(value.toFixed(1)) : Math.round(value);
  return `${shown} ${units[unit]}`;
}

/** Validates the `maxFileBytes` option. @throws BotError `input.bad_option` unless a number above 0. */
export function checkMaxFileBytes(value: number | undefined): number {
  if (value === undefined) {
    return MAX_EXPORT_FILE_BYTES;
  }
  if (!(typeof value === "number" && value > 0)) {
    throw new BotError("input.bad_option", `maxFileBytes ${String(value)} is not a size in bytes above 0`, {
      hint: `Leave it out for the default, ${formatBytes(MAX_EXPORT_FILE_BYTES)}`,
    });
  }
  return value;
}
