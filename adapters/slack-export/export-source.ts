import { stat } from "node:fs/promises";
import { BotError } from "../../src/domain/errors.ts";
import { openFolderSource } from "./folder-source.ts";
import { openZipSource } from "./zip-source.ts";

/**
 * The files of a Slack export, wherever they live (a folder or a zip). Paths are relative to what
 * the user gave, `/`-separated, files only (`general/2024-01-02.json`, `export/channels.json`).
 */
export interface ExportSource {
  /** What the user gave, for messages. */
  readonly location: string;
  /** Every file path, listed once when the source is opened (a zip's central directory). */
  readonly paths: readonly string[];
  /** One file's bytes decoded as UTF-8; reads only that file or zip entry. */
  readText(path: string): Promise<string>;
  /** Releases the zip's file handle; a no-op for folders. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens a Slack export folder or `.zip` file (any file is tried as a zip).
 * @throws BotError `input.not_found` when `location` does not exist, `input.not_an_export` when it
 *   is a file that is not a readable zip; the file system's own error when it cannot be read.
 */
export async function openExportSource(location: string): Promise<ExportSource> {
  const info = await stat(location).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") {
      throw error;
    }
    throw new BotError("input.not_found", `No file or folder at ${location}`, {
      hint: "Give the path of a Slack export: the unzipped folder or the .zip file Slack sent",
      cause: error,
    });
  });
  if (info.isDirectory()) {
    return openFolderSource(location);
  }
  return openZipSource(location);
}

/**
 * Reads and parses one JSON file of the export.
 * @throws BotError `input.bad_export_file` naming the file when it is not valid JSON. The parser's
 *   own message is left out on purpose: V8 quotes the text around the fault, which may be chat text.
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
export function badExportFile(source: ExportSource, path: string, problem: string): BotError {
  return new BotError("input.bad_export_file", `${path} in the Slack export ${source.location} ${problem}`, {
    hint: "Export the workspace again, or delete or repair that file",
  });
}
