import type { Dirent } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ExportSource } from "./export-source.ts";
import { badExportFile, tooLarge, unreadableExport, unreadableExportFile } from "./source-errors.ts";

/**
 * How deep a folder is listed: `channel/day.json` is 2 levels, and a copy wrapped in one more folder
 * (`export/channel/day.json`) is 3. Nothing a Slack export holds sits deeper.
 */
const MAX_DEPTH = 3;

type Kind = "file" | "folder" | "other";

/**
 * An unzipped export folder. Lists names only (following symbolic links); reads a file when asked,
 * refusing one over `maxFileBytes` bytes (by its size on disk) before reading it.
 * @throws BotError `input.not_an_export` when `root` cannot be listed, `input.bad_export_file`
 *   naming a folder inside that cannot be listed (both with the file-system error as `cause`).
 */
export async function openFolderSource(root: string, maxFileBytes: number): Promise<ExportSource> {
  const listing: Record<Kind, string[]> = { file: [], folder: [], other: [] };
  await listInto(root, "", 1, listing);
  for (const list of Object.values(listing)) {
    list.sort();
  }
  return {
    location: root,
    paths: listing.file,
    folders: listing.folder,
    others: listing.other,
    readText: (path) => readText(root, path, maxFileBytes),
    close: async () => {},
  };
}

async function readText(root: string, path: string, maxFileBytes: number): Promise<string> {
  const handle = await open(join(root, ...path.split("/")), "r").catch((error: unknown) => {
    throw unreadableExportFile(root, path, error) ?? error;
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw badExportFile(root, path, "is not a regular file (it changed while weeknotes was reading?)", {
        hint: "Leave the export in place while weeknotes reads it, and try again",
      });
    }
    if (info.size > maxFileBytes) {
      throw tooLarge(root, path, info.size, maxFileBytes, false);
    }
    return await handle.readFile({ encoding: "utf8" });
  } catch (error) {
    throw unreadableExportFile(root, path, error) ?? error;
  } finally {
    await handle.close();
  }
}

async function listInto(
  root: string,
  prefix: string,
  depth: number,
  out: Record<Kind, string[]>,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(prefix ? join(root, prefix) : root, { withFileTypes: true });
  } catch (error) {
    throw (
      (prefix
        ? unreadableExportFile(root, prefix, error, "folder")
        : unreadableExport(root, error, "folder")) ?? error
    );
  }
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    const kind = await kindOf(root, path, entry);
    out[kind].push(path);
    if (kind === "folder" && depth < MAX_DEPTH) {
      await listInto(root, path, depth + 1, out);
    }
  }
}

/** A symbolic link is what it leads to; one that leads nowhere (or loops) is "other". */
async function kindOf(root: string, path: string, entry: Dirent): Promise<Kind> {
  if (entry.isSymbolicLink()) {
    const target = await stat(join(root, ...path.split("/"))).catch(() => undefined);
    return target?.isFile() ? "file" : target?.isDirectory() ? "folder" : "other";
  }
  return entry.isFile() ? "file" : entry.isDirectory() ? "folder" : "other";
}
