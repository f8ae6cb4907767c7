import { z } from "zod";
import { BotError } from "../../src/domain/errors.ts";
import { type ConversationFolder, compare, type MetadataFile } from "./layout.ts";
import type { UserDirectory } from "./users.ts";

/** A channel, private channel, group DM or DM of the export. */
export interface Conversation {
  /** Slack id (`C…`, `G…`, `D…`), or `folder:<name>` for a folder no list names and whose name is no id. */
  readonly id: string;
  /** Name without `#`; a DM is named `dm-<handle>--<handle>` after its members. */
  readonly name: string;
  readonly private: boolean;
  /** The export folders holding its day files (usually one; none when it has no messages). */
  readonly folders: readonly ConversationFolder[];
}

/** The lists of conversations, each with whether what it lists is private. */
export const CONVERSATION_LISTS = [
  ["channels.json", false],
  ["groups.json", true],
  ["mpims.json", true],
  ["dms.json", true],
] as const satisfies readonly (readonly [MetadataFile, boolean])[];

const ListEntry = z.object({
  id: z.string(),
  name: z.string().optional().catch(undefined),
  name_normalized: z.string().optional().catch(undefined),
  is_private: z.boolean().optional().catch(undefined),
  members: z.array(z.string()).optional().catch(undefined),
});
type ListEntry = z.infer<typeof ListEntry>;

/** A parsed conversation list file, with whether its conversations are private. */
export interface ConversationList {
  readonly entries: readonly ListEntry[];
  readonly private: boolean;
  /** The workspace sub-folder the list sits in (Enterprise Grid); absent at the export's root. */
  readonly workspace?: string;
}

/**
 * The entries of a parsed `channels.json`-like file; entries without a string `id` are skipped.
 * @returns undefined when `data` is not an array, so the caller can name the bad file.
 */
export function parseConversationList(
  data: unknown,
  isPrivate: boolean,
  workspace?: string,
): ConversationList | undefined {
  if (!Array.isArray(data)) {
    return undefined;
  }
  const entries = data.flatMap((item: unknown) => {
    const parsed = ListEntry.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
  return { entries, private: isPrivate, ...(workspace === undefined ? {} : { workspace }) };
}

/** What Slack ids of conversations look like; a folder so named is taken to be that conversation. */
const CONVERSATION_ID = /^[CDG][A-Z0-9]{6,}$/;

/**
 * How a folder may spell a conversation's name: Unicode NFKC (half-width `ｷｶｸ` and full-width
 * `キカク` kana, full-width Latin letters become one form) and lower case, as Slack's
 * `name_normalized` and some exporters name folders.
 */
export function folderKey(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

/** What {@link joinConversations} could not map for sure, for the caller to say on stderr. */
export interface JoinNotes {
  /** Folders no list names, read as conversations of their own: `[workspace/]folder`. */
  readonly unlisted: string[];
}

/**
 * Joins the listed conversations with the export's folders. A folder matches a listed
 * conversation by name, else by id (some exports name folders by id), else by its normalised name
 * ({@link folderKey}, or the entry's `name_normalized`); a folder in a workspace sub-folder looks
 * in that workspace's lists first, then in the root's. A folder no list names becomes a
 * conversation of its own: named after the folder, with the folder name as id when it looks like
 * a Slack id and `folder:<name>` otherwise; it counts as private when it looks like a DM or group
 * id, or when the export lists private conversations at all (it may then be one of them). Such
 * folders are named in `notes.unlisted` when any list exists (an export without lists names none).
 */
export function joinConversations(
  lists: readonly ConversationList[],
  folders: readonly ConversationFolder[],
  users: UserDirectory,
  notes: JoinNotes = { unlisted: [] },
): Conversation[] {
  const byId = new Map<
    string,
    { id: string; name: string; private: boolean; folders: ConversationFolder[] }
  >();
  // Per scope (workspace, or "" for the root): exact names, then normalised names → id.
  const byName = new Map<string, Map<string, string>>();
  const byKey = new Map<string, Map<string, string>>();
  const remember = (index: Map<string, Map<string, string>>, scope: string, key: string, id: string) => {
    const names = index.get(scope) ?? new Map<string, string>();
    if (!names.has(key)) {
      names.set(key, id);
    }
    index.set(scope, names);
  };
  for (const list of lists) {
    const scope = list.workspace ?? "";
    for (const entry of list.entries) {
      if (!byId.has(entry.id)) {
        byId.set(entry.id, {
          id: entry.id,
          name: entry.name?.trim() || dmName(entry, users),
          private: list.private || entry.is_private === true,
          folders: [],
        });
      }
      const name = byId.get(entry.id)?.name ?? entry.id;
      remember(byName, scope, name, entry.id);
      remember(byKey, scope, folderKey(name), entry.id);
      if (entry.name_normalized) {
        remember(byKey, scope, folderKey(entry.name_normalized), entry.id);
      }
    }
  }
  const listsPrivate = lists.some((list) => list.private);
  const find = (folder: ConversationFolder): string | undefined => {
    const scopes = folder.workspace === undefined ? [""] : [folder.workspace, ""];
    for (const scope of scopes) {
      const id = byName.get(scope)?.get(folder.name);
      if (id !== undefined) return id;
    }
    if (byId.has(folder.name)) return folder.name;
    for (const scope of scopes) {
      const id = byKey.get(scope)?.get(folderKey(folder.name));
      if (id !== undefined) return id;
    }
    return undefined;
  };
  for (const folder of folders) {
    const id = find(folder);
    const known = id === undefined ? undefined : byId.get(id);
    if (known) {
      known.folders.push(folder);
      continue;
    }
    const looksLikeId = CONVERSATION_ID.test(folder.name);
    const where = folder.workspace === undefined ? folder.name : `${folder.workspace}/${folder.name}`;
    const syntheticId = looksLikeId ? folder.name : `folder:${where}`;
    const existing = byId.get(syntheticId);
    if (existing) {
      existing.folders.push(folder);
      continue;
    }
    if (lists.length > 0) {
      notes.unlisted.push(where);
    }
    byId.set(syntheticId, {
      id: syntheticId,
      name: folder.name,
      private: listsPrivate || (looksLikeId && !folder.name.startsWith("C")),
      folders: [folder],
    });
  }
  return [...byId.values()].sort((a, b) => compare(a.name, b.name) || compare(a.id, b.id));
}

function dmName(entry: ListEntry, users: UserDirectory): string {
  if (!entry.members || entry.members.length === 0) {
    return entry.id;
  }
  return `dm-${entry.members.map((member) => users.handle(member) ?? member).join("--")}`;
}

/**
 * The conversations `wanted` names (by name, `#name` or id; names also case-insensitively), in
 * `all`'s order. No `wanted`, or an empty list, selects all.
 * @throws BotError `input.bad_option` listing the known names when one is not in the export.
 */
export function selectConversations(
  all: readonly Conversation[],
  wanted: readonly string[] | undefined,
): Conversation[] {
  if (wanted === undefined || wanted.length === 0) {
    return [...all];
  }
  const chosen = new Set<Conversation>();
  const unknown: string[] = [];
  for (const raw of wanted) {
    const key = raw.trim().replace(/^#/, "");
    const match =
      all.find((c) => c.id === key || c.name === key) ??
      all.find((c) => c.name.toLowerCase() === key.toLowerCase());
    if (match) {
      chosen.add(match);
    } else {
      unknown.push(raw);
    }
  }
  if (unknown.length > 0) {
    const names = all.map((c) => c.name);
    const shown = names.length > 40 ? [...names.slice(0, 40), `and ${names.length - 40} more`] : names;
    throw new BotError(
      "input.bad_option",
      `The Slack export has no channel ${unknown.map((name) => `"${name}"`).join(", ")}`,
      { hint: `Its channels are: ${shown.join(", ") || "(none)"}` },
    );
  }
  return all.filter((c) => chosen.has(c));
}
