import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExportSource } from "./export-source.ts";

/**
 * How deep a folder is listed: `channel/day.json` is 2 levels, and a copy wrapped in one more folder
 * (`export/channel/day.json`) is 3. Nothing a Slack export holds sits deeper.
 */
const MAX_DEPTH = 3;

/** An unzipped export folder. Lists file names only; reads a file when asked. */
export async function openFolderSource(root: string): Promise<ExportSource> {
  const paths: string[] = [];
  await listInto(root, "", 1, paths);
  paths.sort();
  return {
    location: root,
    paths,
    readText: (path) => readFile(join(root, ...path.split("/")), "utf8"),
    close: async () => {},
  };
}

async function listInto(root: string, prefix: string, depth: number, out: string[]): Promise<void> {
  const entries = await readdir(prefix ? join(root, prefix) : root, { withFileTypes: true });
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile()) {
      out.push(path);
    } else if (entry.isDirectory() && depth < MAX_DEPTH) {
      await listInto(root, path, depth + 1, out);
    }
  }
}
