/**
 * Small Slack exports built in a temp dir for the slack-export tests: a folder, or a zip made with
 * yazl. Files are given as `{ "general/2024-03-05.json": [...] }`; a string value is written as it
 * is (for broken JSON), anything else as JSON.
 */
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";
import { EmojiSectionMap, type Section } from "../../src/domain/sections.ts";
import { type WeekWindow, weekWindow } from "../../src/domain/week.ts";

export type ExportFiles = Readonly<Record<string, unknown>>;

/** Temp dirs made by one test file; `cleanup` removes them all. */
export class TempExports {
  private readonly dirs: string[] = [];

  async dir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "weeknotes-slack-export-"));
    this.dirs.push(dir);
    return dir;
  }

  /** Writes `files` into a new folder and returns its path. */
  async folder(files: ExportFiles): Promise<string> {
    const root = join(await this.dir(), "export");
    for (const [path, content] of Object.entries(files)) {
      const target = join(root, ...path.split("/"));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, serialise(content));
    }
    await mkdir(root, { recursive: true });
    return root;
  }

  /** Zips `files` (each path prefixed by `prefix`, such as `"my-export/"`) and returns the zip's path. */
  async zip(files: ExportFiles, prefix = ""): Promise<string> {
    const zip = new yazl.ZipFile();
    for (const [path, content] of Object.entries(files)) {
      zip.addBuffer(Buffer.from(serialise(content), "utf8"), `${prefix}${path}`);
    }
    const target = join(await this.dir(), "export.zip");
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(target));
    return target;
  }

  /** Zips a folder on disk (two levels deep, as exports are) under `prefix`. */
  async zipFolder(folder: string, prefix = ""): Promise<string> {
    const zip = new yazl.ZipFile();
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (entry.isFile()) {
        zip.addBuffer(await readFile(join(folder, entry.name)), `${prefix}${entry.name}`);
      } else if (entry.isDirectory()) {
        for (const file of await readdir(join(folder, entry.name))) {
          zip.addBuffer(await readFile(join(folder, entry.name, file)), `${prefix}${entry.name}/${file}`);
        }
      }
    }
    const target = join(await this.dir(), "export.zip");
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(target));
    return target;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

function serialise(content: unknown): string {
  return typeof content === "string" ? content : JSON.stringify(content, null, 2);
}

/** 2024-W10 in UTC: Monday 2024-03-04 00:00Z to Monday 2024-03-11 00:00Z. */
export const WEEK: WeekWindow = weekWindow({ year: 2024, week: 10 }, "UTC");

/** A Slack ts for an ISO instant, with a 6-digit counter: `ts("2024-03-05T10:00:00Z")` → `1709632800.000100`. */
export function ts(iso: string, counter = "000100"): string {
  return `${Date.parse(iso) / 1000}.${counter}`;
}

/** `star` → highlights, `raised_hands` → thanks, `construction` → challenges, `tada` → highlights. */
export const EMOJI = new EmojiSectionMap([
  ["star", "highlights"],
  ["raised_hands", "thanks"],
  ["construction", "challenges"],
  ["tada", "highlights"],
] satisfies [string, Section][]);

/** A reaction as exports store it. */
export function reaction(name: string, ...users: string[]): { name: string; users: string[]; count: number } {
  return { name, users, count: users.length };
}

/** A plain message by `user` at `iso`, starred by U_FAN unless `reactions` says otherwise. */
export function message(
  iso: string,
  text: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: "message",
    user: "U_ALICE",
    text,
    ts: ts(iso),
    reactions: [reaction("star", "U_FAN")],
    ...extra,
  };
}

/** `channels.json` entries. */
export function channels(...entries: [id: string, name: string][]): { id: string; name: string }[] {
  return entries.map(([id, name]) => ({ id, name, created: 1700000000, is_archived: false }));
}

/** `users.json` entries: [id, name, real_name, display_name]. */
export function users(
  ...entries: [id: string, name: string, realName: string, displayName: string][]
): Record<string, unknown>[] {
  return entries.map(([id, name, realName, displayName]) => ({
    id,
    team_id: "T_TEAM",
    name,
    real_name: realName,
    profile: { real_name: realName, display_name: displayName },
  }));
}

/** What {@link patchZipEntry} changes in an entry's central-directory record (and local header). */
export interface ZipEntryPatch {
  /** A new name of the same length in bytes (to write names yazl refuses, such as `../x`). */
  readonly name?: string;
  /** Sets the "encrypted" flag, as a password-protected zip has. */
  readonly encrypted?: boolean;
  /** A new declared uncompressed size (up to 4 GiB − 1), the data left as it is. */
  readonly declaredSize?: number;
}

/**
 * Rewrites the records of entry `name` in a zip yazl made (no zip64, no comment), walking the
 * central directory rather than searching the bytes, so compressed data is never touched.
 */
export async function patchZipEntry(zipPath: string, name: string, patch: ZipEntryPatch): Promise<void> {
  const zip = await readFile(zipPath);
  const end = zip.length - 22;
  if (zip.readUInt32LE(end) !== 0x06054b50) {
    throw new Error(`${zipPath}: no end of central directory record where yazl puts it`);
  }
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  let found = false;
  for (let i = 0; i < count; i += 1) {
    const nameLength = zip.readUInt16LE(at + 28);
    const recordLength = 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (zip.toString("utf8", at + 46, at + 46 + nameLength) === name) {
      found = true;
      const local = zip.readUInt32LE(at + 42);
      if (patch.name !== undefined) {
        const bytes = Buffer.from(patch.name, "utf8");
        if (bytes.length !== nameLength) {
          throw new Error(`patchZipEntry: "${patch.name}" is not ${nameLength} bytes long`);
        }
        bytes.copy(zip, at + 46);
        bytes.copy(zip, local + 30);
      }
      if (patch.encrypted) {
        zip.writeUInt16LE(zip.readUInt16LE(at + 8) | 1, at + 8);
        zip.writeUInt16LE(zip.readUInt16LE(local + 6) | 1, local + 6);
      }
      if (patch.declaredSize !== undefined) {
        zip.writeUInt32LE(patch.declaredSize, at + 24);
      }
    }
    at += recordLength;
  }
  if (!found) {
    throw new Error(`patchZipEntry: no entry ${name} in ${zipPath}`);
  }
  await writeFile(zipPath, zip);
}
