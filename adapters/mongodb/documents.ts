import { z } from "zod";
import { BotError } from "../../src/domain/errors.ts";
import type { Highlight, Tag } from "../../src/domain/highlight.ts";
import { PLATFORMS, type PostedRef } from "../../src/domain/message-ref.ts";
import { issuePaths, TagRecord, TeamSettingsRecord } from "../../src/domain/records.ts";
import { SECTIONS, type Section } from "../../src/domain/sections.ts";
import { type TeamSettings, teamSettingsOf } from "../../src/domain/team.ts";
import { parseWeeknoteDocument, type Weeknote } from "../../src/domain/weeknote.ts";
import type { ConversationReference, InboxEvent, Installation, Lease } from "../../src/ports/store.ts";

/**
 * How each record is kept in MongoDB, and how a stored document is read back (checked with zod:
 * one that no longer parses is BotError `store.corrupt`, naming fields, never values). Optional
 * fields are stored as null. JSON-shaped data (revision documents, inbox payloads, installation
 * data, conversation references, team settings) is stored as JSON text, as the SQLite store keeps
 * it, so what reads back is exactly what was written (BSON would turn undefined into null).
 */

const epochMs = z.number().int();
const nullable = z.string().nullable();
const Ref = z.object({ platform: z.enum(PLATFORMS), conversationId: z.string(), messageId: z.string() });

/** Parses a stored document. @throws BotError `store.corrupt` */
export function parseStored<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new BotError("store.corrupt", `A stored ${what} is malformed: ${issuePaths(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}

/** Parses stored JSON text. @throws BotError `store.corrupt` */
export function parseStoredJson(json: string, what: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    throw new BotError("store.corrupt", `A stored ${what} is not JSON`, { cause: error });
  }
}

// --- highlights

export const HighlightDocSchema = z.object({
  workspace: z.string(),
  id: z.string(),
  platform: z.enum(PLATFORMS),
  conversationId: z.string(),
  conversationName: z.string(),
  private: z.boolean(),
  messageId: nullable,
  threadId: nullable,
  postedAtMs: epochMs,
  authorId: nullable,
  authorName: z.string(),
  text: z.string(),
  section: z.enum(SECTIONS),
  tags: z.array(TagRecord),
  permalink: nullable,
  team: nullable,
  /** A new random value on every write: a read-modify-write of tags is refused if it changed since. */
  rev: z.string(),
});
export type HighlightDoc = z.infer<typeof HighlightDocSchema>;

type CheckedHighlight = Omit<Highlight, "messageId" | "threadId" | "authorId" | "permalink" | "team"> & {
  readonly messageId?: string | undefined;
  readonly threadId?: string | undefined;
  readonly authorId?: string | undefined;
  readonly permalink?: string | undefined;
  readonly team?: string | undefined;
};

export function copyTag(t: Tag): Tag {
  return { user: t.user, reaction: t.reaction, section: t.section, via: t.via };
}

/** A highlight as stored, with these tags, section and write mark. */
export function toHighlightDoc(
  h: CheckedHighlight,
  tags: readonly Tag[],
  section: Section,
  rev: string,
): HighlightDoc {
  return {
    workspace: h.workspace,
    id: h.id,
    platform: h.platform,
    conversationId: h.conversationId,
    conversationName: h.conversationName,
    private: h.private,
    messageId: h.messageId ?? null,
    threadId: h.threadId ?? null,
    postedAtMs: h.postedAtMs,
    authorId: h.authorId ?? null,
    authorName: h.authorName,
    text: h.text,
    section,
    tags: tags.map(copyTag),
    permalink: h.permalink ?? null,
    team: h.team ?? null,
    rev,
  };
}

export function fromHighlightDoc(raw: unknown): Highlight & { readonly rev: string } {
  const d = parseStored(HighlightDocSchema, raw, "highlight");
  return {
    id: d.id,
    platform: d.platform,
    workspace: d.workspace,
    conversationId: d.conversationId,
    conversationName: d.conversationName,
    private: d.private,
    messageId: d.messageId ?? undefined,
    threadId: d.threadId ?? undefined,
    postedAtMs: d.postedAtMs,
    authorId: d.authorId ?? undefined,
    authorName: d.authorName,
    text: d.text,
    section: d.section,
    tags: d.tags.map(copyTag),
    permalink: d.permalink ?? undefined,
    team: d.team ?? undefined,
    rev: d.rev,
  };
}

/** A highlight without the store's write mark. */
export function withoutRev(h: Highlight & { readonly rev: string }): Highlight {
  const { rev: _rev, ...highlight } = h;
  return highlight;
}

// --- weeknotes

export const RevisionDocSchema = z.object({
  number: z.number().int().min(1),
  origin: z.enum(["offline", "llm", "human"]),
  model: nullable,
  promptVersion: nullable,
  highlightIds: z.array(z.string()),
  documentJson: z.string(),
  markdown: z.string(),
  author: nullable,
  createdAtMs: epochMs,
});
export type RevisionDoc = z.infer<typeof RevisionDocSchema>;

export const WeeknoteDocSchema = z.object({
  workspace: z.string(),
  team: z.string(),
  week: z.string(),
  status: z.enum(["draft", "approved", "skipped"]),
  revisions: z.array(RevisionDocSchema),
  /** revisions.length, so a condition on the latest revision is one field. */
  revisionCount: z.number().int().min(0),
  approval: z.object({ by: z.string(), revision: z.number().int(), atMs: epochMs }).nullable(),
  review: Ref.nullable(),
  published: Ref.nullable(),
});
export type WeeknoteDoc = z.infer<typeof WeeknoteDocSchema>;

export function fromWeeknoteDoc(raw: unknown): Weeknote {
  const d = parseStored(WeeknoteDocSchema, raw, "weeknote");
  return {
    workspace: d.workspace,
    team: d.team,
    week: d.week,
    status: d.status,
    revisions: d.revisions.map((r) => ({
      number: r.number,
      origin: r.origin,
      model: r.model ?? undefined,
      promptVersion: r.promptVersion ?? undefined,
      highlightIds: [...r.highlightIds],
      document: parseStoredDocument(r.documentJson),
      markdown: r.markdown,
      author: r.author ?? undefined,
      createdAtMs: r.createdAtMs,
    })),
    approval: d.approval === null ? undefined : { ...d.approval },
    review: d.review === null ? undefined : copyRef(d.review),
    published: d.published === null ? undefined : copyRef(d.published),
  };
}

function parseStoredDocument(json: string) {
  try {
    return parseWeeknoteDocument(parseStoredJson(json, "weeknote document"));
  } catch (error) {
    throw new BotError("store.corrupt", "A stored weeknote document is malformed", { cause: error });
  }
}

export function copyRef(ref: PostedRef): PostedRef {
  return { platform: ref.platform, conversationId: ref.conversationId, messageId: ref.messageId };
}

// --- inbox

export const EventDocSchema = z.object({
  workspace: z.string(),
  eventId: z.string(),
  kind: z.string(),
  payloadJson: z.string(),
  correlationId: z.string().min(1),
  receivedAtMs: epochMs,
  /** Recording order within one process, for events received at the same instant. */
  seq: z.number().int(),
  attempts: z.number().int().min(0),
  notBeforeMs: epochMs,
  status: z.enum(["pending", "done", "failed"]),
  lastErrorCode: nullable,
  leaseHolder: nullable,
  leaseUntilMs: epochMs.nullable(),
  /** When the server may delete a finished event (TTL index); absent while pending. */
  purgeAt: z.date().optional(),
});

export function fromEventDoc(raw: unknown): InboxEvent {
  const d = parseStored(EventDocSchema, raw, "inbox event");
  return {
    workspace: d.workspace,
    eventId: d.eventId,
    kind: d.kind,
    payload: parseStoredJson(d.payloadJson, "inbox event payload"),
    correlationId: d.correlationId,
    receivedAtMs: d.receivedAtMs,
    attempts: d.attempts,
    notBeforeMs: d.notBeforeMs,
    status: d.status,
    lastErrorCode: d.lastErrorCode ?? undefined,
  };
}

// --- teams, leases, installations, references, cursors

const TeamDocSchema = z.object({ workspace: z.string(), team: z.string(), settingsJson: z.string() });

export function fromTeamDoc(raw: unknown): TeamSettings {
  const d = parseStored(TeamDocSchema, raw, "team");
  const settings = parseStored(TeamSettingsRecord, parseStoredJson(d.settingsJson, "team settings"), "team");
  return teamSettingsOf(settings);
}

const LeaseDocSchema = z.object({
  name: z.string(),
  holder: z.string(),
  token: z.number().int().min(1),
  untilMs: epochMs,
});

export function fromLeaseDoc(raw: unknown): Lease {
  const d = parseStored(LeaseDocSchema, raw, "lease");
  return { name: d.name, holder: d.holder, token: d.token, untilMs: d.untilMs };
}

const InstallationDocSchema = z.object({
  platform: z.enum(PLATFORMS),
  workspace: z.string(),
  installedAtMs: epochMs,
  updatedAtMs: epochMs,
  dataJson: z.string(),
});

export function fromInstallationDoc(raw: unknown): Installation {
  const d = parseStored(InstallationDocSchema, raw, "installation");
  const data = parseStored(
    z.record(z.string(), z.unknown()),
    parseStoredJson(d.dataJson, "installation data"),
    "installation data",
  );
  return {
    platform: d.platform,
    workspace: d.workspace,
    installedAtMs: d.installedAtMs,
    updatedAtMs: d.updatedAtMs,
    data,
  };
}

const ReferenceDocSchema = z.object({
  platform: z.enum(PLATFORMS),
  workspace: z.string(),
  conversationId: z.string(),
  referenceJson: z.string(),
  updatedAtMs: epochMs,
});

export function fromReferenceDoc(raw: unknown): ConversationReference {
  const d = parseStored(ReferenceDocSchema, raw, "conversation reference");
  const reference = parseStored(
    z.record(z.string(), z.unknown()),
    parseStoredJson(d.referenceJson, "conversation reference"),
    "conversation reference",
  );
  return {
    platform: d.platform,
    workspace: d.workspace,
    conversationId: d.conversationId,
    reference,
    updatedAtMs: d.updatedAtMs,
  };
}

export const CursorDocSchema = z.object({ name: z.string(), value: z.string(), updatedAtMs: epochMs });
