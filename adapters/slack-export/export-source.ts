import { stat } from "node:fs/promises";
import { BotError } from "../../src/domain/errors.ts";
import { openFolderSource } from "./folder-source.ts";
import { badExportFile as badFile, checkMaxFileBytes, unreadableExport } from "./source-errors.ts";
import { openZipSource } from "./zip-source.ts";

/**
 * The files of a Slack export, wherever they live (a folder or a zip). Paths are relative to what
 * the user gave, `/`-separated (`general/2024-01-02.json`, `export/channels.json`).
 */
export interface ExportSource {
  /** What the user gave, for messages. */
  readonly location: string;
  /** Every regular file's path, sorted, listed once when the source is opened (a zip's central directory). */
  readonly paths: readonly string[];
  /**
   * Every folder's path (no trailing `/`), sorted: a zip's folder entries and the folders its paths
   * imply; a folder's subfolders down to the listing depth.
   */
  readonly folders: readonly string[];
  /**
   * Paths that are neither a regular file nor a folder, sorted: symbolic links that lead nowhere
   * (or in a zip, at all), pipes, devices. They are never read.
   */
  readonly others: readonly string[];
  /**
   * One file's bytes decoded as UTF-8; reads only that file or zip entry, and never a file outside
   * the export (a folder's file that became a link out since it was listed: `input.not_an_export`).
   * @throws BotError `input.bad_export_file` naming the file when it is larger than the source's
   *   limit (checked before reading: a zip entry's declared uncompressed size, a file's size on
   *   disk), encrypted, damaged, or cannot be read (permissions and other file-system errors, kept
   *   as `cause`).
   */
  readText(path: string): Promise<string>;
  /** Releases the zip's file handle; a no-op for folders. Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenExportSourceOptions {
  /** The largest file `readText` reads, in bytes; default {@link MAX_EXPORT_FILE_BYTES} (256 MiB). */
  readonly maxFileBytes?: number;
}

/**
 * Opens a Slack export folder or `.zip` file (any other file is tried as a zip).
 * @throws BotError `input.not_found` when `location` does not exist; `input.not_an_export` when it
 *   cannot be read (permissions, a symbolic-link loop… said in plain words, the error kept as
 *   `cause`), is neither a folder nor a file, is a file that is not a readable zip, or holds paths
 *   that lead out of the export (a zip's `../` or absolute names, a folder's symbolic links to
 *   anything outside it: one rule for both, source-errors.ts outsideExport; nothing outside is
 *   read); `input.bad_export_file` when a folder inside cannot be listed; `input.bad_option` when
 *   `maxFileBytes` is not a number above 0.
 */
export async function openExportSource(
  location: string,
  options: OpenExportSourceOptions = {},
): Promise<ExportSource> {
  const maxFileBytes = checkMaxFileBytes(options.maxFileBytes);
  const info = await stat(location).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new BotError("input.not_found", `No file or folder at ${location}`, {
        hint: "Give the path of a Slack export: the unzipped folder or the .zip file Slack sent",
        cause: error,
      });
    }
    throw unreadableExport(location, error, "path") ?? error;
  });
  if (info.isDirectory()) {
    return openFolderSource(location, maxFileBytes);
  }
  if (!info.isFile()) {
    throw new BotError("input.not_an_export", `${location} is neither a folder nor a file`, {
      hint: "Give the Slack export: the .zip Slack sent, or the folder it unzips to",
    });
  }
  return openZipSource(location, maxFileBytes);
}

/**
 * Reads and parses one JSON file of the export.
 * @throws BotError `input.bad_export_file` naming the file when it is not valid JSON (or cannot be
 *   read: see {@link ExportSource.readText}). The parser's own message is left out on purpose: V8
 *   quotes the text around the fault, which may be chat text.
 */
export async function readExportJson(source: ExportSource, path: string): Promise<unknown> {
  const raw = await source.readText(path);
  // Some tools write a byte-order mark first; JSON.parse rejects it.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badExportFile(source, path, "is not valid JSON");
  }
}

/** `input.bad_export_file` for `path` in `source`, `problem` saying what is wrong with it. */
export function badExportFile(
  source: Pick<ExportSource, "location">,
  path: string,
  problem: string,
): BotError {
  return badFile(source.location, path, problem);
}
