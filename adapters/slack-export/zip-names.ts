import iconv from "iconv-lite";
import yauzl from "yauzl";

const UTF8_FLAG = 0x800;
// Info-ZIP Unicode Path Extra Field: a UTF-8 copy of the name beside a legacy-encoded one.
const UNICODE_PATH_FIELD = 0x7075;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A zip entry's name as real unzip tools read it (Info-ZIP unzip, 7-Zip, macOS Archive Utility):
 * - the UTF-8 flag (general purpose bit 11) set, or an Info-ZIP Unicode Path extra field (0x7075)
 *   whose checksum matches: UTF-8, by yauzl's own reading (APPNOTE.TXT 4.4.4, appendix D);
 * - otherwise, bytes that are valid UTF-8: UTF-8. Slack and many other zippers write UTF-8 names
 *   without setting the flag (`企画チーム/2024-03-05.json` would read as CP437 mojibake,
 *   `Σ╝üτö╗πâüπâ╝πâá`), and a CP437 name with bytes above 0x7F is almost never valid UTF-8;
 * - otherwise CP437, the zip format's legacy code page (through iconv-lite).
 * Backslashes become `/`, as yauzl does for names it decodes itself.
 */
export function decodeZipEntryName(
  generalPurposeBitFlag: number,
  fileNameRaw: Buffer,
  extraFields: readonly { id: number; data: Buffer }[],
): string {
  if ((generalPurposeBitFlag & UTF8_FLAG) !== 0 || extraFields.some((f) => f.id === UNICODE_PATH_FIELD)) {
    return yauzl.getFileNameLowLevel(generalPurposeBitFlag, fileNameRaw, [...extraFields], false);
  }
  let name: string;
  try {
    name = strictUtf8.decode(fileNameRaw);
  } catch {
    name = iconv.decode(fileNameRaw, "cp437");
  }
  return name.replace(/\\/g, "/");
}
