/**
 * Conversation lists and the user lists an export may hold at its root (all optional): an
 * Enterprise Grid org export has `org_users.json` instead of (or beside) `users.json`, and may hold
 * the same files again in each workspace's sub-folder.
 */
export const METADATA_FILES = [
  "channels.json",
  "groups.json",
  "mpims.json",
  "dms.json",
  "users.json",
  "org_users.json",
] as const;
export type MetadataFile = (typeof METADATA_FILES)[number];

/** One day file: the messages of one conversation posted on one day of the exporter's calendar. */
export interface DayFile {
  /** `YYYY-MM-DD` from the file name. That day is in a zone Slack does not state (within ±14 h of UTC). */
  readonly date: string;
  /** Path inside the source. */
  readonly path: string;
}

/**
 * A folder of the export that holds day files: one conversation, named by name, by id, or by a
 * normalised form of its name. At the root, or inside a workspace's sub-folder (Enterprise Grid).
 */
export interface ConversationFolder {
  readonly name: string;
  /** The workspace sub-folder it sits in (`acme-design`), absent for a folder at the export's root. */
  readonly workspace?: string;
  /** Sorted by date. */
  readonly days: readonly DayFile[];
}

/** Where things are in an export, from its file list alone (no file is read). */
export interface ExportLayout {
  /** `""`, or the one folder the whole export sits in (`slack-export/`) when zipped that way. */
  readonly root: string;
  /** Path inside the source of each metadata file present. */
  readonly metadata: ReadonlyMap<MetadataFile, string>;
  /** Folders holding at least one day file, sorted by workspace then name. Other JSON in them is ignored. */
  readonly folders: readonly ConversationFolder[];
  /**
   * Workspace sub-folders (Enterprise Grid): a folder at the root that holds a metadata file or
   * folders of day files, with the path of each metadata file in it. Sorted by name.
   */
  readonly workspaces: readonly {
    readonly name: string;
    readonly metadata: ReadonlyMap<MetadataFile, string>;
  }[];
  /**
   * Day files that sit where no export keeps them (deeper than a workspace's conversation
   * folder), so no conversation can be told for them: they are not read, and the caller says so.
   */
  readonly unmapped: readonly string[];
}

const DAY_FILE = /^(\d{4})-(\d{2})-(\d{2})\.json$/;

/**
 * Finds the export's root, metadata files, workspace sub-folders and conversation folders in a
 * list of file paths: `channel/day.json` at the root, `workspace/channel/day.json` and
 * `workspace/channels.json` in an Enterprise Grid export's workspace folders.
 */
export function findLayout(allPaths: readonly string[]): ExportLayout {
  // macOS archivers add `__MACOSX/` resource forks beside the real files.
  const paths = allPaths.filter((path) => !path.startsWith("__MACOSX/"));
  const root = findRoot(paths);
  const metadata = new Map<MetadataFile, string>();
  const workspaceMetadata = new Map<string, Map<MetadataFile, string>>();
  const days = new Map<string, { name: string; workspace: string | undefined; days: DayFile[] }>();
  const unmapped: string[] = [];
  const addDay = (workspace: string | undefined, name: string, day: DayFile) => {
    const key = workspace === undefined ? name : `${workspace}/${name}`;
    const folder = days.get(key) ?? { name, workspace, days: [] };
    folder.days.push(day);
    days.set(key, folder);
  };
  for (const path of paths) {
    if (!path.startsWith(root)) {
      continue;
    }
    const parts = path.slice(root.length).split("/");
    const [first = "", second = "", third = ""] = parts;
    const last = parts[parts.length - 1] ?? "";
    if (parts.length === 1 && isMetadataFile(first)) {
      metadata.set(first, path);
    } else if (parts.length === 2 && isMetadataFile(second)) {
      const files = workspaceMetadata.get(first) ?? new Map<MetadataFile, string>();
      files.set(second, path);
      workspaceMetadata.set(first, files);
    } else if (dayFileDate(last) !== undefined) {
      const date = dayFileDate(last) ?? "";
      if (parts.length === 2) {
        addDay(undefined, first, { date, path });
      } else if (parts.length === 3) {
        addDay(first, second, { date, path });
      } else if (parts.length > 3 && third !== "") {
        unmapped.push(path);
      }
    }
  }
  const folders = [...days.values()]
    .map(({ name, workspace, days: list }) => ({
      name,
      ...(workspace === undefined ? {} : { workspace }),
      days: list.sort((a, b) => compare(a.date, b.date)),
    }))
    .sort((a, b) => compare(a.workspace ?? "", b.workspace ?? "") || compare(a.name, b.name));
  const workspaceNames = new Set([
    ...workspaceMetadata.keys(),
    ...folders.flatMap((f) => (f.workspace === undefined ? [] : [f.workspace])),
  ]);
  const workspaces = [...workspaceNames]
    .sort(compare)
    .map((name) => ({ name, metadata: workspaceMetadata.get(name) ?? new Map<MetadataFile, string>() }));
  return { root, metadata, folders, workspaces, unmapped: unmapped.sort(compare) };
}

/** The earliest and latest day-file dates (`YYYY-MM-DD`) of `folders`, or undefined when they hold none. */
export function daySpan(folders: readonly ConversationFolder[]): { first: string; last: string } | undefined {
  let span: { first: string; last: string } | undefined;
  for (const { days } of folders) {
    const first = days[0]?.date;
    const last = days[days.length - 1]?.date;
    if (first === undefined || last === undefined) {
      continue;
    }
    span = {
      first: span === undefined || first < span.first ? first : span.first,
      last: span === undefined || last > span.last ? last : span.last,
    };
  }
  return span;
}

/** What a source holds, by kind: regular files, folders, and anything else (see `ExportSource`). */
export interface SourceListing {
  readonly paths: readonly string[];
  readonly folders: readonly string[];
  readonly others: readonly string[];
}

/**
 * Paths of the export that should have been usable but are not, sorted: a metadata file name at
 * the root that is a folder or other non-file; a name in `folderless` (names and ids of listed
 * conversations that have no folder of day files) at the root that is a file or other non-folder;
 * a day-file name in a folder at the root that is not a regular file. `__MACOSX/` is ignored.
 */
export function unusablePaths(
  layout: ExportLayout,
  listing: SourceListing,
  folderless: Iterable<string>,
): string[] {
  const { root } = layout;
  const files = new Set(listing.paths);
  const folders = new Set(listing.folders);
  const missing = new Set(folderless);
  const found = new Set<string>();
  for (const path of [...listing.paths, ...listing.folders, ...listing.others]) {
    if (path.startsWith("__MACOSX/") || !path.startsWith(root) || path.length === root.length) {
      continue;
    }
    const parts = path.slice(root.length).split("/");
    const [first = "", second] = parts;
    const unusable =
      parts.length === 1
        ? isMetadataFile(first)
          ? !files.has(path)
          : missing.has(first) && !folders.has(path)
        : parts.length === 2 && second !== undefined && dayFileDate(second) !== undefined && !files.has(path);
    if (unusable) {
      found.add(path);
    }
  }
  return [...found].sort(compare);
}

/** The date of a day file name (`2024-02-29.json` → `2024-02-29`), or undefined for other names. */
export function dayFileDate(fileName: string): string | undefined {
  const match = DAY_FILE.exec(fileName);
  if (!match) {
    return undefined;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? fileName.slice(0, 10) : undefined;
}

function findRoot(paths: readonly string[]): string {
  if (
    paths.includes("channels.json") ||
    paths.includes("org_users.json") ||
    paths.some((path) => isDayFilePath(path.split("/"), 0))
  ) {
    return "";
  }
  // An Enterprise Grid export keeps channels.json in each workspace folder too: org_users.json
  // marks the org's root, wherever channels.json is.
  const org = paths.filter((path) => /^[^/]+\/org_users\.json$/.test(path)).sort();
  if (org[0] !== undefined) {
    return org[0].slice(0, -"org_users.json".length);
  }
  const wrapped = paths.filter((path) => /^[^/]+\/channels\.json$/.test(path)).sort();
  if (wrapped[0] !== undefined) {
    return wrapped[0].slice(0, -"channels.json".length);
  }
  // No channels.json anywhere: one folder holding conversation folders.
  const tops = new Set(paths.map((path) => path.split("/")[0]));
  const [only] = tops;
  if (tops.size === 1 && only !== undefined && paths.some((path) => isDayFilePath(path.split("/"), 1))) {
    return `${only}/`;
  }
  return "";
}

function isDayFilePath(parts: readonly string[], depth: number): boolean {
  const name = parts[depth + 1];
  return parts.length === depth + 2 && name !== undefined && dayFileDate(name) !== undefined;
}

function isMetadataFile(name: string): name is MetadataFile {
  return (METADATA_FILES as readonly string[]).includes(name);
}

/** Code-point order, the same on every machine (unlike localeCompare). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const DAY_MS = 86_400_000;
/** Day files are dated in an unstated zone within ±14 h of UTC; two days each side covers it. */
const MARGIN_DAYS = 2;

/**
 * The day-file dates that may hold messages posted in [startMs, endMs) (UTC epoch ms), as
 * inclusive `YYYY-MM-DD` bounds: the window's UTC dates widened by two days each side.
 */
export function dayFileRange(window: { startMs: number; endMs: number }): { from: string; to: string } {
  const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    from: isoDate(window.startMs - MARGIN_DAYS * DAY_MS),
    to: isoDate(window.endMs + MARGIN_DAYS * DAY_MS),
  };
}
