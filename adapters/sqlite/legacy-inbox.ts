import { z } from "zod";
import { isBotError } from "../../src/domain/errors.ts";
import { type InboxCommand, parseInboxCommand } from "../../src/domain/inbox-command.ts";
import { typedHighlightId } from "../../src/domain/message-ref.ts";

/**
 * The inbox payloads of schema 6 (Slack-shaped, `kind` inside the payload) and their translation
 * into the commands of src/domain/inbox-command.ts, for migration 7. Only events still pending
 * need it: done and failed events are never worked again.
 */

const id = z.string().min(1);
// JSON.stringify dropped undefined fields; null is read as absent too, to be lenient with old rows.
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const LegacyPayload = z.discriminatedUnion("kind", [
  z.object({
    kind: z.enum(["reaction_added", "reaction_removed"]),
    user: id,
    reaction: id,
    channel: id,
    ts: id,
  }),
  z.object({
    kind: z.literal("message_changed"),
    channel: id,
    ts: id,
    text: optional(z.string()),
    previousText: optional(z.string()),
    edited: z.boolean(),
    tombstone: z.boolean(),
  }),
  z.object({ kind: z.literal("message_deleted"), channel: id, ts: id }),
  z.object({ kind: z.literal("add_message"), user: id, channel: id, ts: id, threadTs: optional(id) }),
  z.object({
    kind: z.literal("add_text"),
    user: id,
    userName: optional(z.string()),
    channel: id,
    channelName: optional(z.string()),
    private: z.boolean(),
    ts: id,
    text: z.string(),
    section: z.string(),
  }),
]);

/** A pending event of schema 6, as its row holds it. */
export interface LegacyEvent {
  readonly workspace: string;
  readonly eventId: string;
  /** The `kind` column; the payload's own `kind` wins when it has one. */
  readonly kind: string;
  readonly payload: unknown;
  readonly receivedAtMs: number;
}

/**
 * What becomes of a legacy event: a command to work, nothing left to do (an unfurl's
 * `message_changed`), or unreadable (to be failed, never dropped silently).
 */
export type LegacyConversion =
  | { readonly result: "command"; readonly command: InboxCommand }
  | { readonly result: "nothing_to_do" }
  | { readonly result: "unreadable" };

/** Translates one pending schema-6 event into its command; every command is checked by parseInboxCommand. */
export function convertLegacyEvent(event: LegacyEvent): LegacyConversion {
  const withKind =
    typeof event.payload === "object" && event.payload !== null && !Array.isArray(event.payload)
      ? { kind: event.kind, ...event.payload }
      : undefined;
  const legacy = LegacyPayload.safeParse(withKind);
  if (!legacy.success) {
    return { result: "unreadable" };
  }
  const candidate = commandOf(event, legacy.data);
  if (candidate === undefined) {
    return { result: "nothing_to_do" };
  }
  try {
    return { result: "command", command: parseInboxCommand(candidate) };
  } catch (error) {
    if (isBotError(error, "store.invalid")) {
      return { result: "unreadable" };
    }
    throw error;
  }
}

// The command for a legacy payload, unchecked; undefined when there is nothing to do.
function commandOf(event: LegacyEvent, p: z.infer<typeof LegacyPayload>): unknown {
  const base = { platform: "slack", workspace: event.workspace } as const;
  const ref = (channel: string, ts: string) => ({ ...base, conversationId: channel, messageId: ts });
  switch (p.kind) {
    case "reaction_added":
    case "reaction_removed":
      return {
        kind: p.kind === "reaction_added" ? "tag_added" : "tag_removed",
        ...base,
        ref: ref(p.channel, p.ts),
        user: p.user,
        reaction: p.reaction,
      };
    case "message_deleted":
      return { kind: "message_deleted", ...base, ref: ref(p.channel, p.ts) };
    case "message_changed":
      if (p.tombstone) {
        return { kind: "message_deleted", ...base, ref: ref(p.channel, p.ts) };
      }
      // As schema 6 did: only a real edit counts; an unfurl keeps the words.
      if (p.edited && p.text !== undefined && p.text !== p.previousText) {
        return { kind: "message_edited", ...base, ref: ref(p.channel, p.ts), rawText: p.text };
      }
      return undefined;
    case "add_message":
      return {
        kind: "add_message",
        ...base,
        ref:
          p.threadTs === undefined ? ref(p.channel, p.ts) : { ...ref(p.channel, p.ts), threadId: p.threadTs },
        user: p.user,
        section: "highlights",
      };
    case "add_text":
      return {
        kind: "add_text",
        ...base,
        highlightId: typedHighlightId(`legacy-${event.eventId}`),
        conversationId: p.channel,
        ...(p.channelName === undefined ? {} : { conversationName: p.channelName }),
        private: p.private,
        user: p.user,
        ...(p.userName === undefined ? {} : { userName: p.userName }),
        text: p.text,
        section: p.section,
        postedAtMs: event.receivedAtMs,
      };
  }
}
