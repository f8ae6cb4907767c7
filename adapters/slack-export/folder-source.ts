import { constants, type Dirent } from "node:fs";
import { open, readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { BotError } from "../../src/domain/errors.ts";
import type { ExportSource } from "./export-source.ts";
import { compare } from "./layout.ts";
import {
  badExportFile,
  outsideExport,
  tooLarge,
  unreadableExport,
  unreadableExportFile,
} from "./source-errors.ts";

/**
 * How deep a folder is listed: `channel/day.json` is 2 levels, an Enterprise Grid workspace's
 * `workspace/channel/day.json` 3, and a copy wrapped in one more folder 4. Nothing a Slack export
 * holds sits deeper.
 */
const MAX_DEPTH = 4;

type Kind = "file" | "folder" | "other";

/**
 * An unzipped export folder. Lists names only; reads a file when asked, refusing one over
 * `maxFileBytes` bytes (by its size on disk) before reading it.
 *
 * Nothing outside the folder is read, by the rule the zip reader applies too (outsideExport): a
 * symbolic link is followed only when its real path is inside the folder's real path (the folder
 * itself may be reached through links); one that leads out refuses the whole export when it is
 * opened, and each read checks the file's real path again (a file swapped for a link after
 * listing is not read). A link that leads nowhere (or loops) is listed in `others`.
 * @throws BotError `input.not_an_export` when `root` cannot be listed or holds a symbolic link
 *   that leads out of it (naming the first such path, sorted, and where it leads),
 *   `input.bad_export_file` naming a folder inside that cannot be listed (both with the
 *   file-system error as `cause`).
 */
export async function openFolderSource(root: string, maxFileBytes: number): Promise<ExportSource> {
  const realRoot = await realpath(root).catch((error: unknown) => {
    throw unreadableExport(root, error, "folder") ?? error;
  });
  const listing: Listing = { file: [], folder: [], other: [], outside: [] };
  await listInto({ root, realRoot }, "", 1, listing);
  const [first] = listing.outside.sort((a, b) => compare(a.path, b.path));
  if (first) {
    throw first.error;
  }
  for (const list of [listing.file, listing.folder, listing.other]) {
    list.sort();
  }
  return {
    location: root,
    paths: listing.file,
    folders: listing.folder,
    others: listing.other,
    readText: (path) => readText({ root, realRoot }, path, maxFileBytes),
    close: async () => {},
  };
}

interface Roots {
  /** As the user gave it, for messages. */
  readonly root: string;
  /** Its real path: every path read must stay inside. */
  readonly realRoot: string;
}

interface Listing extends Record<Kind, string[]> {
  /** Symbolic links whose real path is outside the export, with the error that refuses them. */
  readonly outside: { path: string; error: BotError }[];
}

async function readText({ root, realRoot }: Roots, path: string, maxFileBytes: number): Promise<string> {
  const real = await realpath(join(root, ...path.split("/"))).catch((error: unknown) => {
    throw unreadableExportFile(root, path, error) ?? error;
  });
  const outside = outsideExport(root, path, { root: realRoot, real });
  if (outside) {
    throw outside;
  }
  // O_NOFOLLOW: the real path holds no link, unless one was put there since realpath looked.
  const handle = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(
    (error: unknown) => {
      throw unreadableExportFile(root, path, error) ?? error;
    },
  );
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

async function listInto(roots: Roots, prefix: string, depth: number, out: Listing): Promise<void> {
  const { root } = roots;
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
    const kind = await kindOf(roots, path, entry, out);
    out[kind].push(path);
    if (kind === "folder" && depth < MAX_DEPTH) {
      await listInto(roots, path, depth + 1, out);
    }
  }
}

/**
 * A symbolic link is what it leads to, when that is inside the export; one that leads out is noted
 * in `out.outside` (and listed as "other", never read); one that leads nowhere (or loops) is "other".
 */
async function kindOf({ root, realRoot }: Roots, path: string, entry: Dirent, out: Listing): Promise<Kind> {
  if (!entry.isSymbolicLink()) {
    return entry.isFile() ? "file" : entry.isDirectory() ? "folder" : "other";
  }
  const real = await realpath(join(root, ...path.split("/"))).catch(() => undefined);
  if (real === undefined) {
    return "other";
  }
  const refused = outsideExport(root, path, { root: realRoot, real });
  if (refused) {
    out.outside.push({ path, error: refused });
    return "other";
  }
  const target = await stat(real).catch(() => undefined);
  return target?.isFile() ? "file" : target?.isDirectory() ? "folder" : "other";
}
