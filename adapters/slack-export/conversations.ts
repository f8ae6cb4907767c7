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
  is_private: z.boolean().optional().catch(undefined),
  members: z.array(z.string()).optional().catch(undefined),
});
type ListEntry = z.infer<typeof ListEntry>;

/** A parsed conversation list file, with whether its conversations are private. */
export interface ConversationList {
  readonly entries: readonly ListEntry[];
  readonly private: boolean;
}

/**
 * The entries of a parsed `channels.json`-like file; entries without a string `id` are skipped.
 * @returns undefined when `data` is not an array, so the caller can name the bad file.
 */
export function parseConversationList(data: unknown, isPrivate: boolean): ConversationList | undefined {
  if (!Array.isArray(data)) {
    return undefined;
  }
  const entries = data.flatMap((item: unknown) => {
    const parsed = ListEntry.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
  return { entries, private: isPrivate };
}

/** What Slack ids of conversations look like; a folder so named is taken to be that conversation. */
const CONVERSATION_ID = /^[CDG][A-Z0-9]{6,}$/;

/**
 * Joins the listed conversations with the export's folders. A folder matches a listed conversation
 * by name, else by id (some exports name folders by id). A folder no list names becomes a
 * conversation of its own: named after the folder, with the folder name as id when it looks like a
 * Slack id and `folder:<name>` otherwise; it counts as private when it looks like a DM or group id,
 * or when the export lists private conversations at all (it may then be one of them).
 */
export function joinConversations(
  lists: readonly ConversationList[],
  folders: readonly ConversationFolder[],
  users: UserDirectory,
): Conversation[] {
  const byId = new Map<
    string,
    { id: string; name: string; private: boolean; folders: ConversationFolder[] }
  >();
  for (const list of lists) {
    for (const entry of list.entries) {
      if (!byId.has(entry.id)) {
        byId.set(entry.id, {
          id: entry.id,
          name: entry.name?.trim() || dmName(entry, users),
          private: list.private || entry.is_private === true,
          folders: [],
        });
      }
    }
  }
  const byName = new Map<string, string>();
  for (const conversation of byId.values()) {
    if (!byName.has(conversation.name)) {
      byName.set(conversation.name, conversation.id);
    }
  }
  const listsPrivate = lists.some((list) => list.private);
  for (const folder of folders) {
    const id = byName.get(folder.name) ?? (byId.has(folder.name) ? folder.name : undefined);
    const known = id === undefined ? undefined : byId.get(id);
    if (known) {
      known.folders.push(folder);
      continue;
    }
    const looksLikeId = CONVERSATION_ID.test(folder.name);
    const synthetic = {
      id: looksLikeId ? folder.name : `folder:${folder.name}`,
      name: folder.name,
      private: listsPrivate || (looksLikeId && !folder.name.startsWith("C")),
      folders: [folder],
    };
    byId.set(synthetic.id, synthetic);
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
