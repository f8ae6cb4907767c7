import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { BotError } from "../../src/domain/errors.ts";
import type { ExportSource } from "./export-source.ts";
import {
  badExportFile,
  outsideExport,
  tooLarge,
  unreadableExport,
  unreadableExportFile,
} from "./source-errors.ts";
import { decodeZipEntryName } from "./zip-names.ts";

/** Unix file type bits of an entry's external attributes, and the type of a symbolic link. */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * A zipped export. Opening reads only the central directory (the list of entries, with
 * `lazyEntries`); {@link ExportSource.readText} inflates just the entry asked for, after checking
 * that it is not encrypted and that its declared uncompressed size is at most `maxFileBytes` (yauzl
 * then stops an entry that inflates to more than it declares). The zip stays open until `close()`.
 * Entries that are symbolic links are listed in `others` and never read. Entry names are decoded
 * as unzip tools decode them ({@link decodeZipEntryName}: UTF-8 with or without the flag, else CP437).
 * @throws BotError `input.not_an_export` when the file cannot be read (permissions…), is not a
 *   readable zip, or holds an entry whose name leads out of the export (`../`, absolute: the rule
 *   of {@link outsideExport}, which the folder reader applies too).
 */
export async function openZipSource(location: string, maxFileBytes: number): Promise<ExportSource> {
  let zip: yauzl.ZipFile;
  const entries = new Map<string, yauzl.Entry>();
  const folders = new Set<string>();
  const others = new Set<string>();
  let unsafe: string | undefined;
  try {
    // Names are decoded and checked below, so that an unsafe one can be told from a damaged zip.
    zip = await yauzl.openPromise(location, { lazyEntries: true, autoClose: false, decodeStrings: false });
  } catch (error) {
    throw unreadableExport(location, error, "file") ?? notAZip(location, error);
  }
  try {
    for await (const entry of zip.eachEntry()) {
      // UTF-8 when the flag says so or the bytes are valid UTF-8, else CP437: as unzip tools read them.
      const name = decodeZipEntryName(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields);
      // The rule the folder reader applies too (outsideExport), as strict as yauzl's validateFileName.
      if (outsideExport(location, name) !== undefined) {
        unsafe = name;
        break;
      }
      if (name.endsWith("/")) {
        folders.add(name.slice(0, -1));
      } else if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
        others.add(name);
      } else {
        entries.set(name, entry);
      }
    }
  } catch (error) {
    zip.close();
    throw unreadableExport(location, error, "file") ?? notAZip(location, error);
  }
  if (unsafe !== undefined) {
    zip.close();
    throw outsideExport(location, unsafe);
  }
  // Zips need not list folders; a path's folders are implied by it.
  for (const name of [...entries.keys(), ...others]) {
    for (let slash = name.indexOf("/"); slash > 0; slash = name.indexOf("/", slash + 1)) {
      folders.add(name.slice(0, slash));
    }
  }
  let closed = false;
  return {
    location,
    paths: [...entries.keys()].sort(),
    folders: [...folders].sort(),
    others: [...others].sort(),
    async readText(path) {
      const entry = entries.get(path);
      if (!entry) {
        throw new Error(`No entry ${path} in ${location}`);
      }
      if (entry.isEncrypted()) {
        throw badExportFile(location, path, "is encrypted: the zip has a password", {
          hint: "Export the workspace again, or zip the export folder again without a password",
        });
      }
      if (entry.uncompressedSize > maxFileBytes) {
        throw tooLarge(location, path, entry.uncompressedSize, maxFileBytes, true);
      }
      try {
        return await readAll(await zip.openReadStreamPromise(entry));
      } catch (error) {
        throw (
          unreadableExportFile(location, path, error) ??
          badExportFile(location, path, "cannot be unzipped", {
            hint: "The zip may be damaged or incomplete: download or export it again",
            cause: error,
          })
        );
      }
    },
    async close() {
      if (!closed) {
        closed = true;
        zip.close();
      }
    },
  };
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function notAZip(location: string, error: unknown): BotError {
  return new BotError("input.not_an_export", `${location} is neither a folder nor a readable zip file`, {
    hint: "Give the Slack export: the .zip Slack sent, or the folder it unzips to",
    cause: error,
  });
}
