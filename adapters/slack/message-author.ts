/**
 * Who wrote a Slack message: a person, or Slack or an app. One rule for the export reader
 * (adapters/slack-export) and the live bot (slack-chat.ts, command-listeners.ts), after Slack's
 * "Message subtypes" reference (https://docs.slack.dev/reference/events/message#subtypes) and the
 * fields history and exports carry (`user`, `bot_id`, `bot_profile`).
 */

/**
 * Subtypes that are still a person writing: a reply also sent to the channel (`thread_broadcast`,
 * and `reply_broadcast`, its name before 2017), file shares, file comments and file mentions of the
 * legacy file model, and `/me` messages. Every other subtype (`bot_message`, joins, topics,
 * `tombstone`, `huddle_thread`…) is Slack or an app talking.
 */
export const PERSON_SUBTYPES: ReadonlySet<string> = new Set([
  "thread_broadcast",
  "reply_broadcast",
  "file_share",
  "file_comment",
  "file_mention",
  "me_message",
]);

/** Slackbot's user id: its posts (reminders, auto-responses) carry no subtype and no `bot_id`. */
export const SLACKBOT_USER = "USLACKBOT";

/** The fields of a message (from an export, the Web API or an event) that tell who wrote it. */
export interface AuthorFields {
  readonly type?: unknown;
  readonly subtype?: unknown;
  readonly user?: unknown;
  readonly bot_id?: unknown;
  readonly bot_profile?: unknown;
}

/**
 * Whether a machine wrote the message (never a highlight):
 * - an item that is not a message (`type` other than `message`);
 * - a subtype not in {@link PERSON_SUBTYPES} (`bot_message`, `channel_join`…);
 * - a post by Slackbot (`user` `USLACKBOT`) or by `ownUserId` (the bot's own user id, live only);
 * - a `bot_id` without a person subtype, unless a person is named and no `bot_profile` says an
 *   app posted it: a person posting through a legacy integration (Giphy: `user` and `bot_id`, no
 *   `bot_profile`) still wrote it, while an app's own post carries `bot_profile` (or no `user`).
 * A `bot_id` of `null`, as 2015 exports write it, is no bot.
 */
export function isMachineMessage(message: AuthorFields, ownUserId?: string): boolean {
  const { type, subtype, user } = message;
  if (type !== undefined && type !== null && type !== "message") {
    return true;
  }
  if (subtype !== undefined && subtype !== null && !PERSON_SUBTYPES.has(String(subtype))) {
    return true;
  }
  if (user === SLACKBOT_USER || (ownUserId !== undefined && user === ownUserId)) {
    return true;
  }
  const hasBot = typeof message.bot_id === "string" && message.bot_id !== "";
  const personSubtype = typeof subtype === "string" && PERSON_SUBTYPES.has(subtype);
  if (hasBot && !personSubtype) {
    const hasProfile = typeof message.bot_profile === "object" && message.bot_profile !== null;
    return typeof user !== "string" || user === "" || hasProfile;
  }
  return false;
}

/** The opposite of {@link isMachineMessage}: a person wrote it. */
export function isPersonMessage(message: AuthorFields, ownUserId?: string): boolean {
  return !isMachineMessage(message, ownUserId);
}
