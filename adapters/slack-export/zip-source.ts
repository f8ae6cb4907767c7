import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { BotError } from "../../src/domain/errors.ts";
import type { ExportSource } from "./export-source.ts";

/**
 * A zipped export. Opening reads only the central directory (the list of entries, with
 * `lazyEntries`); {@link ExportSource.readText} inflates just the entry asked for. The zip stays
 * open until `close()`.
 * @throws BotError `input.not_an_export` when the file is not a readable zip.
 */
export async function openZipSource(location: string): Promise<ExportSource> {
  let zip: yauzl.ZipFile;
  const entries = new Map<string, yauzl.Entry>();
  try {
    zip = await yauzl.openPromise(location, { lazyEntries: true, autoClose: false });
  } catch (error) {
    throw notAZip(location, error);
  }
  try {
    for await (const entry of zip.eachEntry()) {
      // Folder entries end in `/`.
      if (!entry.fileName.endsWith("/")) {
        entries.set(entry.fileName, entry);
      }
    }
  } catch (error) {
    zip.close();
    throw notAZip(location, error);
  }
  let closed = false;
  return {
    location,
    paths: [...entries.keys()].sort(),
    async readText(path) {
      const entry = entries.get(path);
      if (!entry) {
        throw new Error(`No entry ${path} in ${location}`);
      }
      try {
        return await readAll(await zip.openReadStreamPromise(entry));
      } catch (error) {
        throw new BotError(
          "input.bad_export_file",
          `${path} in the Slack export ${location} cannot be unzipped`,
          {
            hint: "The zip may be damaged or incomplete: download or export it again",
            cause: error,
          },
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
