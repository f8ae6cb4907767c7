import { z } from "zod";
import { BotError } from "./errors.ts";
import { PLATFORMS } from "./message-ref.ts";
import { issuePaths, TeamSettingsRecord, WeeknoteKeyRecord } from "./records.ts";
import { SECTIONS } from "./sections.ts";

/**
 * What the bot was asked to do, as recorded in the durable inbox before the platform is answered
 * (SPEC §3): platform adapters translate their events into these commands, and the inbox worker
 * carries them out. Every command is checked with {@link parseInboxCommand} when it is recorded
 * and again when it is read back. Ids are the platform's own, opaque here.
 */

const id = z.string().min(1);

const Ref = z.object({
  platform: z.enum(PLATFORMS),
  workspace: id,
  conversationId: id,
  messageId: id,
  threadId: id.optional(),
});

/**
 * Where to tell someone how a command went: with `userId`, only that person sees it (Slack: an
 * ephemeral message, else a DM); without, it is posted in the conversation (in the thread when
 * `threadId` is given).
 */
export const RecipientSchema = z.object({
  conversationId: id,
  userId: id.optional(),
  threadId: id.optional(),
});
export type Recipient = z.infer<typeof RecipientSchema>;

/** A message as the platform handed it over with the command, so it need not be fetched. */
const MessageContent = z.object({
  /** The text in the platform's markup (Slack mrkdwn, Teams HTML); decoded by the platform's adapter. */
  rawText: z.string(),
  authorId: id.optional(),
  authorName: z.string().optional(),
  postedAtMs: z.number().int(),
  permalink: z.string().optional(),
  /** Posted by a bot or an integration: never a highlight. */
  fromBot: z.boolean(),
});
export type MessageContent = z.infer<typeof MessageContent>;

const base = { platform: z.enum(PLATFORMS), workspace: id };
const decision = {
  ...base,
  key: WeeknoteKeyRecord,
  user: id,
  /** The revision the person saw, when known: a decision on an older one is refused. */
  revision: z.number().int().min(1).optional(),
  replyTo: RecipientSchema.optional(),
};

/**
 * The settings a person may change, already checked (see the configureTeam use case): fields
 * given replace the team's, fields absent stay, and the optional settings named in `clear` are
 * removed.
 */
export const TeamSettingsChangeSchema = TeamSettingsRecord.pick({
  name: true,
  sourceChannels: true,
  personal: true,
  members: true,
  reviewChannel: true,
  publishChannel: true,
  timezone: true,
  draftSchedule: true,
  reminder: true,
  approvers: true,
  emoji: true,
  series: true,
  includePrivate: true,
  language: true,
  houseStyle: true,
})
  .partial()
  .extend({ clear: z.array(z.enum(["series", "reminder", "houseStyle"])).optional() });
export type TeamSettingsChange = z.infer<typeof TeamSettingsChangeSchema>;

export const InboxCommandSchema = z.discriminatedUnion("kind", [
  /** Someone tagged a message with an emoji; with the message when the platform handed it over. */
  z.object({
    kind: z.literal("tag_added"),
    ...base,
    ref: Ref,
    user: id,
    reaction: id,
    content: MessageContent.optional(),
  }),
  /** Someone took an emoji tag off a message. */
  z.object({ kind: z.literal("tag_removed"), ...base, ref: Ref, user: id, reaction: id }),
  /** A message's text was edited (not an unfurl or other change that keeps the words). */
  z.object({ kind: z.literal("message_edited"), ...base, ref: Ref, rawText: z.string() }),
  z.object({ kind: z.literal("message_deleted"), ...base, ref: Ref }),
  /** "Add to weeknotes" on a message, with the message when the platform handed it over. */
  z.object({
    kind: z.literal("add_message"),
    ...base,
    ref: Ref,
    user: id,
    section: z.enum(SECTIONS),
    content: MessageContent.optional(),
    replyTo: RecipientSchema.optional(),
  }),
  /** Text typed for the notes (a command, a mention, a DM). */
  z.object({
    kind: z.literal("add_text"),
    ...base,
    /** The highlight id to create, `typed/<unique id>`, fixed when recorded so a retry makes no second one. */
    highlightId: z.string().regex(/^typed\/.+$/),
    conversationId: id,
    conversationName: z.string().optional(),
    /** Whether the text is private; typed text someone chose to add is not. */
    private: z.boolean(),
    user: id,
    userName: z.string().optional(),
    text: z.string().min(1),
    section: z.enum(SECTIONS),
    /** A team named in the command, by key or name. */
    team: z.string().optional(),
    /** When it was typed, UTC epoch ms. */
    postedAtMs: z.number().int(),
    replyTo: RecipientSchema.optional(),
  }),
  z.object({ kind: z.literal("approve"), ...decision }),
  z.object({ kind: z.literal("skip"), ...decision }),
  z.object({ kind: z.literal("edit"), ...decision, markdown: z.string().min(1) }),
  z.object({ kind: z.literal("regenerate"), ...decision, reason: z.string().optional() }),
  /** An approver saved a team's settings. */
  z.object({
    kind: z.literal("configure_team"),
    ...base,
    team: id,
    user: id,
    change: TeamSettingsChangeSchema,
    replyTo: RecipientSchema.optional(),
  }),
  /** Someone made a new team from chat; its review and publish places start as `conversationId`. */
  z.object({
    kind: z.literal("create_team"),
    ...base,
    name: z.string().min(1),
    personal: z.boolean(),
    user: id,
    conversationId: id,
    replyTo: RecipientSchema.optional(),
  }),
  /** Someone asked to be forgotten: their highlights, and their tags on others', are deleted. */
  z.object({
    kind: z.literal("forget_person"),
    ...base,
    user: id,
    replyTo: RecipientSchema.optional(),
  }),
  /** An approver asked for this week's draft now. */
  z.object({
    kind: z.literal("request_draft"),
    ...base,
    team: id,
    user: id,
    replyTo: RecipientSchema.optional(),
  }),
]);

export type InboxCommand = z.infer<typeof InboxCommandSchema>;

/**
 * Checks a command (one about to be recorded, or one read back from the inbox).
 * @throws BotError `store.invalid` naming the failing field paths.
 */
export function parseInboxCommand(value: unknown): InboxCommand {
  const result = InboxCommandSchema.safeParse(value);
  if (!result.success) {
    throw new BotError("store.invalid", `Not an inbox command: ${issuePaths(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}
