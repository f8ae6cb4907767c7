import { BotError } from "../../src/domain/errors.ts";
import { chooseSection, type Highlight, type Tag } from "../../src/domain/highlight.ts";
import { highlightIdOf } from "../../src/domain/message-ref.ts";
import { type EmojiSectionMap, SECTIONS, type Section } from "../../src/domain/sections.ts";
import type { WeekWindow } from "../../src/domain/week.ts";
import { slackEmojiUnicode } from "../emoji/aliases.ts";
import { slackTsToMs } from "../slack/ids.ts";
import { decodeSlackText, type SlackNameLookup } from "../slack/mrkdwn.ts";
import {
  CONVERSATION_LISTS,
  type Conversation,
  type ConversationList,
  type JoinNotes,
  joinConversations,
  parseConversationList,
  selectConversations,
} from "./conversations.ts";
import { badExportFile, type ExportSource, openExportSource, readExportJson } from "./export-source.ts";
import {
  compare,
  type DayFile,
  dayFileRange,
  daySpan,
  type ExportLayout,
  findLayout,
  type MetadataFile,
  unusablePaths,
} from "./layout.ts";
import {
  authorOf,
  ExportMessage,
  isPersonMessage,
  rawTextOf,
  reactionsOf,
  reactionUsers,
} from "./messages.ts";
import { UserDirectory } from "./users.ts";

export { MAX_EXPORT_FILE_BYTES } from "./source-errors.ts";

export interface ReadExportOptions {
  /** A Slack export: the unzipped folder, or the `.zip` (optionally with everything in one top folder). */
  readonly path: string;
  /** The week to read; messages are kept when `startMs <= postedAtMs < endMs`. */
  readonly window: WeekWindow;
  /** Which reactions make a highlight, and of which section. */
  readonly emoji: EmojiSectionMap;
  /** Workspace id to stamp on highlights; default: the export's team id (see {@link ExportHighlights.workspace}). */
  readonly workspace?: string;
  /** Conversations to read, by name (`general`, `#general`) or id (`C0123`); default all. */
  readonly channels?: readonly string[];
  /** Called with (day files read, day files to read): once with 0 before reading, then after each file. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * The largest single export file read, in bytes; default {@link MAX_EXPORT_FILE_BYTES} (256 MiB).
   * A larger one (a zip entry by the uncompressed size its central directory declares, a folder's
   * file by its size on disk) is refused before it is read.
   */
  readonly maxFileBytes?: number;
}

/** A conversation of the export, as read. */
export interface ExportChannel {
  readonly id: string;
  readonly name: string;
  readonly private: boolean;
}

export interface ExportHighlights {
  /** Sorted by `postedAtMs`, then channel name, then channel id, then `ts` (the message id). */
  readonly highlights: Highlight[];
  /**
   * The workspace id on every highlight: the `workspace` option, else the team id most users in
   * `users.json` have, else the first `team`/`user_team` of a message read, else `"export"`.
   */
  readonly workspace: string;
  /** The conversations chosen (all, or those of the `channels` option), sorted by name. */
  readonly channels: ExportChannel[];
  readonly stats: {
    /** Day files parsed (only those dated near the window are). */
    readonly filesRead: number;
    /** Items in those files, of any kind. */
    readonly messagesRead: number;
    /**
     * Parts of the export that could not be mapped to a conversation, one plain sentence each (no
     * chat text: folder and file names only), for the caller to say on stderr: day files where no
     * export keeps them (not read), folders no conversation list names (read as conversations of
     * their own, private when the export lists private ones).
     */
    readonly warnings: readonly string[];
    /** What was passed over without failing, so the caller can warn. */
    readonly skipped: {
      /** Items of the day files read that are not message objects or lack a string `ts`. */
      readonly entries: number;
      /**
       * Paths anywhere in the export (whatever `channels` chose) that should have been a metadata
       * file (`channels.json`…), a listed conversation's folder or a day file but are not usable:
       * a folder or broken link where a file belongs, or a file where a folder belongs.
       */
      readonly files: number;
    };
    /**
     * The earliest and latest day-file dates (`YYYY-MM-DD`, from file names alone, none read) across
     * every conversation folder of the export, whatever `channels` chose; undefined when there are
     * no day files. Tells a user whose week is empty which dates the export covers.
     */
    readonly days: { readonly first: string; readonly last: string } | undefined;
  };
}

/**
 * Reads the highlights of one week from a Slack workspace export.
 *
 * A message is a highlight when a person wrote it (see `isPersonMessage`), its `ts` falls in the
 * window, and one of its reactions is a chosen emoji (`emoji.sectionOf`). Its section is the one
 * with the most reacting users ({@link chooseSection}, ties to the earlier of {@link SECTIONS}); its
 * tags are one per user of each chosen reaction; its text is decoded with the export's user and
 * channel names. `permalink` is undefined: exports do not say which host the workspace has.
 *
 * Only day files dated within two days of the window are read, one at a time; a zip is read by
 * its central directory and only those entries are inflated.
 *
 * Items and paths real exports may hold but that cannot be used are skipped and counted in
 * `stats.skipped` rather than failing the read.
 *
 * @throws BotError `input.not_found` when `path` does not exist; `input.not_an_export` when it has
 *   neither `channels.json` nor a folder of day files, is a file that is not a zip, holds paths that
 *   lead out of the export (a zip's `../` or absolute names, a folder's symbolic links to anything
 *   outside it), or cannot be read (permissions, symbolic-link loops…, the
 *   file-system error kept as `cause`); `input.bad_export_file` naming a file that is not valid
 *   JSON, not the expected list, larger than `maxFileBytes`, encrypted (a zip with a password),
 *   damaged, or cannot be read (the file-system error kept as `cause`); `input.bad_option` when a
 *   `channels` entry is not in the export (the hint lists its channels) or `maxFileBytes` is not a
 *   number above 0.
 */
export async function readExportHighlights(options: ReadExportOptions): Promise<ExportHighlights> {
  const source = await openExportSource(
    options.path,
    options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes },
  );
  try {
    return await readFromSource(source, options);
  } finally {
    await source.close();
  }
}

async function readFromSource(source: ExportSource, options: ReadExportOptions): Promise<ExportHighlights> {
  const layout = findLayout(source.paths);
  if (
    !layout.metadata.has("channels.json") &&
    !layout.metadata.has("org_users.json") &&
    layout.folders.length === 0
  ) {
    throw new BotError("input.not_an_export", `${source.location} does not look like a Slack export`, {
      hint: "A Slack export holds channels.json and one folder per channel of YYYY-MM-DD.json files; give that folder or the .zip Slack sent",
    });
  }
  const users = await readUsers(source, layout);
  const lists = await readConversationLists(source, layout);
  const notes: JoinNotes = { unlisted: [] };
  const conversations = joinConversations(lists, layout.folders, users, notes);
  const warnings = [
    ...layout.unmapped.map(
      (path) => `${shownPath(path)} is not where a Slack export keeps a conversation's day files; not read`,
    ),
    ...notes.unlisted.map(
      (folder) =>
        `folder ${shownPath(folder)} is in no conversation list of the export; read as a conversation of its own${lists.some((l) => l.private) ? " (private)" : ""}`,
    ),
  ];
  const chosen = selectConversations(conversations, options.channels);
  const skippedFiles = unusablePaths(
    layout,
    source,
    conversations.filter((c) => c.folders.length === 0).flatMap((c) => [c.name, c.id]),
  ).length;

  const { from, to } = dayFileRange(options.window);
  const work: { conversation: Conversation; day: DayFile }[] = chosen.flatMap((conversation) =>
    conversation.folders.flatMap((folder) =>
      folder.days.filter((day) => day.date >= from && day.date <= to).map((day) => ({ conversation, day })),
    ),
  );

  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  let messagesRead = 0;
  let skippedEntries = 0;
  let filesRead = 0;
  let messageTeam: string | undefined;
  options.onProgress?.(0, work.length);
  for (const { conversation, day } of work) {
    const items = await readExportJson(source, day.path);
    if (!Array.isArray(items)) {
      throw badExportFile(source, day.path, "is not a list of messages");
    }
    for (const item of items) {
      messagesRead += 1;
      // Only a non-object or a missing or non-string ts fails: every other field reads as absent.
      const parsed = ExportMessage.safeParse(item);
      if (!parsed.success) {
        skippedEntries += 1;
        continue;
      }
      const message = parsed.data;
      if (message.user !== undefined) {
        users.learn(message.user, message.user_profile);
      }
      messageTeam ??= message.team ?? message.user_team;
      const candidate = toCandidate(conversation, message, options);
      // A message filed twice (some tools duplicate thread replies) is one highlight.
      if (candidate && !seen.has(candidate.id)) {
        seen.add(candidate.id);
        candidates.push(candidate);
      }
    }
    filesRead += 1;
    options.onProgress?.(filesRead, work.length);
  }

  const workspace = options.workspace ?? users.teamId() ?? messageTeam ?? "export";
  const names = new Map(conversations.map((c) => [c.id, c.name]));
  const lookup: SlackNameLookup = {
    userName: (id) => users.displayName(id),
    channelName: (id) => names.get(id),
    emoji: slackEmojiUnicode(),
  };
  const highlights = candidates
    .map((candidate) => toHighlight(candidate, workspace, users, lookup))
    .sort(
      (a, b) =>
        a.postedAtMs - b.postedAtMs ||
        compare(a.conversationName, b.conversationName) ||
        compare(a.conversationId, b.conversationId) ||
        compare(a.messageId ?? "", b.messageId ?? ""),
    );
  return {
    highlights,
    workspace,
    channels: chosen.map((c) => ({ id: c.id, name: c.name, private: c.private })),
    stats: {
      warnings,
      filesRead,
      messagesRead,
      skipped: { entries: skippedEntries, files: skippedFiles },
      days: daySpan(layout.folders),
    },
  };
}

/** A message that will be a highlight once names are known (text is decoded after every file is read). */
interface Candidate {
  readonly id: string;
  readonly conversation: Conversation;
  readonly message: ExportMessage;
  readonly postedAtMs: number;
  readonly section: Section;
  readonly tags: readonly Tag[];
}

function toCandidate(
  conversation: Conversation,
  message: ExportMessage,
  options: ReadExportOptions,
): Candidate | undefined {
  if (!isPersonMessage(message)) {
    return undefined;
  }
  const postedAtMs = slackTsToMs(message.ts);
  if (!(postedAtMs >= options.window.startMs && postedAtMs < options.window.endMs)) {
    return undefined;
  }
  const tagged: { section: Section; users: number }[] = [];
  const tags: Tag[] = [];
  for (const reaction of reactionsOf(message)) {
    const section = options.emoji.sectionOf(reaction.name);
    if (section === undefined) {
      continue;
    }
    tagged.push({ section, users: reactionUsers(reaction) });
    for (const user of reaction.users) {
      tags.push({ user, reaction: reaction.name, section, via: "reaction" });
    }
  }
  const section = chooseSection(tagged, SECTIONS);
  if (section === undefined) {
    return undefined;
  }
  return {
    id: highlightIdOf({ conversationId: conversation.id, messageId: message.ts }),
    conversation,
    message,
    postedAtMs,
    section,
    tags,
  };
}

function toHighlight(
  candidate: Candidate,
  workspace: string,
  users: UserDirectory,
  lookup: SlackNameLookup,
): Highlight {
  const { conversation, message } = candidate;
  const authorId = authorOf(message);
  return {
    id: candidate.id,
    platform: "slack",
    workspace,
    conversationId: conversation.id,
    conversationName: conversation.name,
    private: conversation.private,
    messageId: message.ts,
    threadId:
      message.thread_ts !== undefined && message.thread_ts !== message.ts ? message.thread_ts : undefined,
    postedAtMs: candidate.postedAtMs,
    authorId,
    authorName: (authorId === undefined ? undefined : users.displayName(authorId)) ?? authorId ?? "unknown",
    text: decodeSlackText(rawTextOf(message), lookup),
    section: candidate.section,
    tags: candidate.tags,
    permalink: undefined,
    team: undefined,
  };
}

/** Every user list of the export: the root's `users.json` and `org_users.json`, then each workspace's. */
async function readUsers(source: ExportSource, layout: ExportLayout): Promise<UserDirectory> {
  const users = new UserDirectory();
  const places = [layout.metadata, ...layout.workspaces.map((w) => w.metadata)];
  for (const metadata of places) {
    for (const file of ["users.json", "org_users.json"] as const) {
      const path = metadata.get(file);
      if (path !== undefined && !users.addUsersJson(await readExportJson(source, path))) {
        throw badExportFile(source, path, "is not a list of users");
      }
    }
  }
  return users;
}

/** The conversation lists at the root, then those of each workspace folder (Enterprise Grid). */
async function readConversationLists(
  source: ExportSource,
  layout: ExportLayout,
): Promise<ConversationList[]> {
  const lists: ConversationList[] = [];
  const places: [ReadonlyMap<MetadataFile, string>, string | undefined][] = [
    [layout.metadata, undefined],
    ...layout.workspaces.map((w): [ReadonlyMap<MetadataFile, string>, string] => [w.metadata, w.name]),
  ];
  for (const [metadata, workspace] of places) {
    for (const [file, isPrivate] of CONVERSATION_LISTS) {
      const path = metadata.get(file);
      if (path === undefined) {
        continue;
      }
      const list = parseConversationList(await readExportJson(source, path), isPrivate, workspace);
      if (!list) {
        throw badExportFile(source, path, "is not a list of conversations");
      }
      lists.push(list);
    }
  }
  return lists;
}

/** A path for a terminal line: control and bidi characters shown as `\u{…}`, so a name cannot rewrite the line. */
function shownPath(path: string): string {
  // \p{Cc} is every C0 and C1 control; the rest are the bidi controls (render-markdown.ts).
  return path.replace(
    /[\p{Cc}\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/gu,
    (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`,
  );
}
