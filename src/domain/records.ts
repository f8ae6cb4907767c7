import { z } from "zod";
import { BotError } from "./errors.ts";
import { PLATFORMS } from "./message-ref.ts";
import { SECTIONS } from "./sections.ts";
import { NOTE_LANGUAGES, parseWeeknoteDocument } from "./weeknote.ts";

/**
 * The shapes of stored records, checked once, here, by every store before it writes (SPEC §7: one
 * contract for every store). A value that fails is refused with BotError `store.invalid` naming
 * only the failing field paths (values may be chat text, which errors never carry). Reading a
 * record back that no longer parses is the store's `store.corrupt`.
 */

const epochMs = z.number().int();
const id = z.string().min(1);
const optionalText = z.string().optional();
const WEEK_KEY = /^\d{4}-W\d{2}$/;

export const TagRecord = z.object({
  user: id,
  reaction: id,
  section: z.enum(SECTIONS),
  via: z.enum(["reaction", "command"]),
});

export const HighlightRecord = z
  .object({
    id,
    platform: z.enum(PLATFORMS),
    workspace: id,
    conversationId: id,
    conversationName: z.string(),
    private: z.boolean(),
    messageId: id.optional(),
    threadId: id.optional(),
    postedAtMs: epochMs,
    authorId: optionalText,
    authorName: z.string(),
    text: z.string(),
    section: z.enum(SECTIONS),
    tags: z.array(TagRecord),
    permalink: optionalText,
    team: id.optional(),
  })
  .refine((h) => h.messageId === undefined || h.id === `${h.conversationId}/${h.messageId}`, {
    path: ["id"],
    message: "not <conversationId>/<messageId>",
  })
  .refine((h) => h.messageId !== undefined || h.threadId === undefined, {
    path: ["threadId"],
    message: "typed text has no thread",
  })
  .refine((h) => h.messageId === undefined || h.team === undefined, {
    path: ["team"],
    message: "only typed text is added for one team",
  });

const Schedule = z.object({
  weekday: z.number().int().min(1).max(7),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
});

export const TeamSettingsRecord = z.object({
  platform: z.enum(PLATFORMS),
  workspace: id,
  team: id,
  name: z.string(),
  sourceChannels: z.array(id),
  personal: z.boolean(),
  members: z.array(id),
  reviewChannel: id.optional(),
  publishChannel: id.optional(),
  timezone: id,
  draftSchedule: Schedule,
  reminder: Schedule.optional(),
  approvers: z.array(id),
  emoji: z.array(z.tuple([id, z.enum(SECTIONS)])),
  series: z
    .object({
      week: z.string().regex(WEEK_KEY),
      // Absent for a plain count (`2026-W13 = 42`); stored series before that always have it.
      year: z.number().int().min(1).optional(),
      number: z.number().int().min(1),
    })
    .optional(),
  includePrivate: z.boolean(),
  // Absent in settings saved before issue 9: English, no house style. 2,000 is HOUSE_STYLE_LIMIT.
  language: z.enum(NOTE_LANGUAGES).optional(),
  houseStyle: z.string().max(2000).optional(),
  inactive: z.object({ reason: z.enum(["blocked", "uninstalled"]), sinceMs: epochMs }).optional(),
  updatedAtMs: epochMs,
});

export const WeeknoteKeyRecord = z.object({
  workspace: id,
  team: id,
  // Weeks sort as text only in this exact form, and listWeeknotes relies on it.
  week: z.string().regex(WEEK_KEY),
});

export const NewRevisionRecord = z.object({
  origin: z.enum(["llm", "offline", "human"]),
  model: optionalText,
  promptVersion: optionalText,
  highlightIds: z.array(z.string()),
  document: z.unknown(),
  markdown: z.string(),
  author: optionalText,
  createdAtMs: epochMs,
});

export const HighlightQueryRecord = z.object({
  workspace: z.string(),
  fromMs: epochMs,
  toMs: epochMs,
  conversationIds: z.array(z.string()).optional(),
  team: z.object({ team: id, conversationIds: z.array(z.string()) }).optional(),
});

export const WeeknoteQueryRecord = z.object({
  workspace: z.string(),
  team: z.string(),
  limit: z.number().int().min(0),
});

export const DecisionRecord = z.object({
  status: z.enum(["approved", "skipped"]),
  by: id,
  atMs: epochMs,
  revision: z.number().int().min(1).optional(),
});

export const PostedRefRecord = z.object({ platform: z.enum(PLATFORMS), conversationId: id, messageId: id });

export const FenceRecord = z.object({ name: id, token: z.number().int().min(1) });

export const LeaseRequestRecord = z.object({
  name: id,
  holder: id,
  nowMs: epochMs,
  ttlMs: z.number().int().min(1),
});

export const NewInboxEventRecord = z.object({
  workspace: id,
  eventId: id,
  kind: id,
  correlationId: id,
  receivedAtMs: epochMs,
});

export const InboxClaimRecord = z.object({
  nowMs: epochMs,
  limit: z.number().int().min(0),
  leaseMs: z.number().int().min(1),
  holder: id,
});

export const InboxOutcomeRecord = z.discriminatedUnion("status", [
  z.object({ status: z.literal("done") }),
  z.object({ status: z.literal("failed"), errorCode: id }),
  z.object({ status: z.literal("retry"), notBeforeMs: epochMs, errorCode: id }),
]);

export const InstallationRecord = z.object({
  platform: z.enum(PLATFORMS),
  workspace: id,
  installedAtMs: epochMs,
  updatedAtMs: epochMs,
  data: z.record(z.string(), z.unknown()),
});

export const ConversationReferenceRecord = z.object({
  platform: z.enum(PLATFORMS),
  workspace: id,
  conversationId: id,
  reference: z.record(z.string(), z.unknown()),
  updatedAtMs: epochMs,
});

/**
 * Checks a record before it is written.
 * @returns the value as the schema reads it.
 * @throws BotError `store.invalid` naming the failing field paths, never their values.
 */
export function checkRecord<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new BotError("store.invalid", `Refusing to store an invalid ${what}: ${issuePaths(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}

/**
 * Checks a revision to add to weeknote `week`: its fields, and that its document is a weeknote
 * document of that week.
 * @throws BotError `store.invalid`
 */
export function checkNewRevision(revision: unknown, week: string): void {
  checkRecord(NewRevisionRecord, revision, "revision");
  let document: { week: string };
  try {
    document = parseWeeknoteDocument((revision as { document: unknown }).document);
  } catch (error) {
    throw new BotError("store.invalid", "Refusing to store an invalid revision document", { cause: error });
  }
  if (document.week !== week) {
    throw new BotError(
      "store.invalid",
      `Refusing to store a revision: its document is for ${document.week}, not ${week}`,
    );
  }
}

/**
 * Checks that a value has a JSON form (an inbox payload, installation data).
 * @returns the JSON text.
 * @throws BotError `store.invalid`
 */
export function checkJson(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new BotError("store.invalid", `Refusing to store ${what}: it has no JSON form`, { cause: error });
  }
  if (json === undefined) {
    throw new BotError("store.invalid", `Refusing to store ${what}: it has no JSON form`);
  }
  return json;
}

/** The paths of a zod error's issues, comma-separated: never the values. */
export function issuePaths(error: z.ZodError): string {
  return error.issues.map((issue) => issue.path.join(".") || "(value)").join(", ");
}
