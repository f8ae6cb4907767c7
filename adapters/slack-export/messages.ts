import { z } from "zod";
import { isPersonMessage as isPersonWritten } from "../slack/message-author.ts";
import { messageMarkup } from "../slack/message-text.ts";
import { MessageProfile } from "./users.ts";

const text = z.string().optional().catch(undefined);

const Reaction = z.object({
  name: z.string(),
  users: z.array(z.string()).catch([]),
  count: z.number().optional().catch(undefined),
});
export type Reaction = z.infer<typeof Reaction>;

/** A reactions list; items that are not reactions are dropped rather than failing the message. */
const Reactions = z
  .array(z.unknown())
  .optional()
  .catch(undefined)
  .transform((items) =>
    items?.flatMap((item) => {
      const parsed = Reaction.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }),
  );

const SharedFile = z.object({ title: text, name: text, reactions: Reactions });
const SharedFiles = z
  .array(z.unknown())
  .optional()
  .catch(undefined)
  .transform((items) =>
    items?.flatMap((item) => {
      const parsed = SharedFile.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }),
  );

/**
 * One item of a day file, as far as highlights need it. Only `ts` is required; any other field of
 * the wrong type reads as absent. Covers the 2015 format (singular `file`, `comment` of a
 * `file_comment`) and the current one (`files[]`, `user_profile`, threads).
 */
export const ExportMessage = z.object({
  type: text,
  subtype: text,
  ts: z.string(),
  user: text,
  bot_id: text,
  bot_profile: z.unknown().optional(),
  text,
  // Read by messageMarkup, which checks every field it uses.
  blocks: z.unknown().optional(),
  attachments: z.unknown().optional(),
  thread_ts: text,
  team: text,
  user_team: text,
  user_profile: MessageProfile.optional().catch(undefined),
  reactions: Reactions,
  file: SharedFile.optional().catch(undefined),
  files: SharedFiles,
  comment: z.object({ user: text, comment: text, reactions: Reactions }).optional().catch(undefined),
});
export type ExportMessage = z.infer<typeof ExportMessage>;

/**
 * Whether a person wrote the message: the rule the live bot applies too
 * (adapters/slack/message-author.ts): Slackbot, apps and every subtype but a person's are not.
 */
export function isPersonMessage(message: ExportMessage): boolean {
  return isPersonWritten(message);
}

/** Who wrote it: the commenter of a `file_comment`, else `user`. */
export function authorOf(message: ExportMessage): string | undefined {
  if (message.subtype === "file_comment") {
    return message.comment?.user ?? message.user;
  }
  return message.user;
}

/**
 * The reactions people put on what the message shows. In the 2015 format a reaction to a shared
 * file was stored on the file (`file.reactions` of a `file_share`) and a reaction to a file
 * comment on the comment; current exports keep them on the message.
 */
export function reactionsOf(message: ExportMessage): readonly Reaction[] {
  if (message.subtype === "file_comment") {
    return message.comment?.reactions ?? message.reactions ?? [];
  }
  if (message.reactions && message.reactions.length > 0) {
    return message.reactions;
  }
  if (message.subtype === "file_share") {
    return message.file?.reactions ?? [];
  }
  return message.reactions ?? [];
}

/** How many people reacted: `count` (Slack may cut `users` short on busy reactions), at least `users`. */
export function reactionUsers(reaction: Reaction): number {
  return Math.max(reaction.count ?? 0, reaction.users.length);
}

/**
 * The message's text still in Slack markup: the comment of a `file_comment`; else its words from
 * `text`, `blocks` and shared `attachments` (messageMarkup, the live bot's rule too); for a file
 * shared without a word, `shared a file: <title>` (`shared files: a, b` for several).
 */
export function rawTextOf(message: ExportMessage): string {
  if (message.subtype === "file_comment" && message.comment?.comment !== undefined) {
    return message.comment.comment;
  }
  const body = messageMarkup(message);
  if (body.trim() !== "") {
    return body;
  }
  const files = message.files ?? (message.file ? [message.file] : []);
  const titles = files.map((file) => file.title?.trim() || file.name?.trim() || "untitled");
  if (titles.length === 0) {
    return body;
  }
  // The title is plain text but the result is decoded as markup: escape what Slack escapes.
  const escaped = titles.map((title) =>
    title.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"),
  );
  return titles.length === 1 ? `shared a file: ${escaped[0]}` : `shared files: ${escaped.join(", ")}`;
}
