/**
 * Issue 10, item 2: zip entry names without the UTF-8 flag. Zips are built here byte by byte (and
 * with yazl, which sets the flag), so the flag and the name's bytes are exactly what the test says.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import { decodeZipEntryName } from "../../adapters/slack-export/zip-names.ts";
import { channels, EMOJI, message, TempExports, users, WEEK } from "./slack-export-fixture.ts";

const temp = new TempExports();
afterAll(() => temp.cleanup());

interface RawEntry {
  readonly name: Buffer;
  readonly data: Buffer;
  /** General purpose bit flag: 0x800 is "the name is UTF-8". */
  readonly flags: number;
}

/** A zip of stored (uncompressed) entries, names written as the given bytes with the given flags. */
function rawZip(entries: readonly RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data, flags } of entries) {
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8");

/** An export whose one channel folder is `folder`, its names encoded by `encode`, flags `flags`. */
async function exportZip(folder: string, encode: (name: string) => Buffer, flags: number): Promise<string> {
  const files: [string, unknown][] = [
    ["channels.json", channels(["C0KIKAKU01", folder])],
    ["users.json", users(["U_ALICE", "alice", "Alice", ""])],
    [`${folder}/2024-03-05.json`, [message("2024-03-05T10:00:00Z", "企画会議のまとめ")]],
  ];
  const path = join(await temp.dir(), "export.zip");
  await writeFile(
    path,
    rawZip(files.map(([name, value]) => ({ name: encode(name), data: json(value), flags }))),
  );
  return path;
}

describe("zip entry names without the UTF-8 flag", () => {
  const utf8 = (name: string) => Buffer.from(name, "utf8");

  it("reads UTF-8 names without the flag as UTF-8: the folder matches channels.json and is public", async () => {
    const path = await exportZip("企画チーム", utf8, 0);
    const result = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    expect(result.highlights.map((h) => [h.conversationId, h.conversationName, h.private, h.text])).toEqual([
      ["C0KIKAKU01", "企画チーム", false, "企画会議のまとめ"],
    ]);
    expect(result.channels).toEqual([{ id: "C0KIKAKU01", name: "企画チーム", private: false }]);
  });

  it("reads the same names with the flag the same way", async () => {
    const withFlag = await exportZip("企画チーム", utf8, 0x800);
    const withoutFlag = await exportZip("企画チーム", utf8, 0);
    const a = await readExportHighlights({ path: withFlag, window: WEEK, emoji: EMOJI });
    const b = await readExportHighlights({ path: withoutFlag, window: WEEK, emoji: EMOJI });
    expect(b).toEqual(a);
    expect(a.highlights).toHaveLength(1);
  });

  it("reads names that are not valid UTF-8 as CP437, the legacy code page", async () => {
    const path = await exportZip("café-équipe", (name) => iconv.encode(name, "cp437"), 0);
    const result = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    expect(result.highlights.map((h) => [h.conversationId, h.conversationName, h.private])).toEqual([
      ["C0KIKAKU01", "café-équipe", false],
    ]);
  });

  it("decodes a name by flag, then by valid UTF-8, then CP437 — never the mojibake", () => {
    const raw = Buffer.from("企画チーム/2024-03-05.json", "utf8");
    expect(iconv.decode(raw, "cp437")).toMatch(/^Σ╝üτö╗πâüπâ╝πâá/); // what reading it as CP437 gave
    expect(decodeZipEntryName(0, raw, [])).toBe("企画チーム/2024-03-05.json");
    expect(decodeZipEntryName(0x800, raw, [])).toBe("企画チーム/2024-03-05.json");
    expect(decodeZipEntryName(0, Buffer.from([0x63, 0x61, 0x66, 0x82]), [])).toBe("café");
    expect(decodeZipEntryName(0, Buffer.from("a\\b.json"), [])).toBe("a/b.json");
  });
});
