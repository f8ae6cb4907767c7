import { z } from "zod";
import { BotError } from "./errors.ts";
import type { PostedRef } from "./message-ref.ts";
import { SECTIONS } from "./sections.ts";

/** One line of a note, citing the highlights it came from by id (see Highlight.id). */
export const WeeknoteItemSchema = z.object({
  text: z.string().min(1),
  /** Display names of the people the item is about or by, in order. */
  authors: z.array(z.string()),
  highlightIds: z.array(z.string()),
});

/**
 * One prose paragraph of a note (SPEC §5): a few sentences in the writer's voice, people named in
 * the prose, citing every highlight it draws on. Plain text: renderers escape it.
 */
export const WeeknoteParagraphSchema = z.object({
  text: z.string().min(1),
  highlightIds: z.array(z.string()),
});

/**
 * A paragraph as a note holds it: `names` lists the display names its text holds as written (`Eve`
 * in `Eve wrote: …`), and renderers show each place the text holds one as a name, never as markup
 * or a link (issue 12: names are text). Kept apart from WeeknoteParagraphSchema, which is also the
 * shape an LLM is asked for (OpenAI structured outputs allow no optional field).
 */
export const NoteParagraphSchema = WeeknoteParagraphSchema.extend({
  names: z.array(z.string()).optional(),
});

/**
 * A themed part of the note body; `coming_up` and `tune` live in their own fields instead. A prose
 * section has `paragraphs` and, only where a list really is clearer, a short list in `items`; a
 * section without `paragraphs` (revisions written before prose notes) renders `items` as bullets.
 */
export const WeeknoteSectionSchema = z.object({
  section: z.enum(SECTIONS),
  /** The theme phrase (2–5 words, lower case unless a name) or the section's frame word. */
  heading: z.string().min(1),
  /** Optional short narrative paragraph before the items (revisions before prose notes). */
  summary: z.string().optional(),
  paragraphs: z.array(NoteParagraphSchema).optional(),
  items: z.array(WeeknoteItemSchema),
});

/** Why a highlight is not cited by a note (issue 9): nothing tagged silently disappears. */
export const LEFT_OUT_REASONS = [
  "duplicate",
  "link_only",
  "file_only",
  "too_short",
  "over_budget",
  "not_cited",
] as const;
export type LeftOutReason = (typeof LEFT_OUT_REASONS)[number];

export const LeftOutSchema = z.object({
  highlightId: z.string(),
  reason: z.enum(LEFT_OUT_REASONS),
  /** For a duplicate: the id of the highlight it repeats. */
  duplicateOf: z.string().optional(),
});

/** Languages whose frame words (intro, headings, "Into next week…") a note can be written in. */
export const NOTE_LANGUAGES = ["en", "cy"] as const;
export type NoteLanguage = (typeof NOTE_LANGUAGES)[number];

/**
 * The one document model of a weeknote (SPEC §3), whatever made it (LLM, offline, a person). Every
 * renderer (Markdown, JSON, Block Kit, Adaptive Card, HTML) takes this shape.
 */
export const WeeknoteDocumentSchema = z.object({
  /** Week key, `2026-W13`. */
  week: z.string().regex(/^\d{4}-W\d{2}$/),
  /** Whole title, e.g. `weeknotes 2026-W13 — bins go digital — a cyber drill`. */
  title: z.string().min(1),
  /** The 2–4 theme phrases the title is made of (0 for an empty week). */
  themes: z.array(z.string().min(1)).max(4),
  intro: z.string(),
  sections: z.array(WeeknoteSectionSchema),
  /** "Into next week…": what is coming up. */
  intoNextWeek: z.array(WeeknoteItemSchema),
  /** Tune of the week. */
  tune: WeeknoteItemSchema.optional(),
  /** The language of the frame words (default `en`). */
  language: z.enum(NOTE_LANGUAGES).optional(),
  /**
   * Every highlight given to the summariser that no paragraph, item or tune cites, with why;
   * absent in revisions written before issue 9.
   */
  leftOut: z.array(LeftOutSchema).optional(),
  /** How the draft was made: summariser, model, prompt version, number of highlights. */
  footer: z.string(),
});

export type WeeknoteItem = z.infer<typeof WeeknoteItemSchema>;
export type WeeknoteSection = z.infer<typeof WeeknoteSectionSchema>;
export type WeeknoteDocument = z.infer<typeof WeeknoteDocumentSchema>;
export type WeeknoteParagraph = z.infer<typeof NoteParagraphSchema>;
export type LeftOut = z.infer<typeof LeftOutSchema>;

/** Weeknote statuses (SPEC §2); only a draft can be approved, edited, regenerated or skipped. */
export type WeeknoteStatus = "draft" | "approved" | "skipped";

export type RevisionOrigin = "llm" | "offline" | "human";

/** One version of a weeknote's text. Times are UTC epoch ms. */
export interface Revision {
  /** 1, 2, 3… within its weeknote. */
  readonly number: number;
  readonly origin: RevisionOrigin;
  /** The LLM model, for `llm` revisions. */
  readonly model: string | undefined;
  /** Hash or name of the prompt used, for `llm` revisions; the summariser version otherwise. */
  readonly promptVersion: string | undefined;
  readonly highlightIds: readonly string[];
  readonly document: WeeknoteDocument;
  readonly markdown: string;
  /** Who made it (a user id), for `human` revisions. */
  readonly author: string | undefined;
  readonly createdAtMs: number;
}

/** The note of one team for one week. */
export interface Weeknote {
  readonly workspace: string;
  readonly team: string;
  /** Week key, `2026-W13`. */
  readonly week: string;
  readonly status: WeeknoteStatus;
  readonly revisions: readonly Revision[];
  /** Set once approved or skipped: who decided, on which revision, when (UTC epoch ms). */
  readonly approval: { readonly by: string; readonly revision: number; readonly atMs: number } | undefined;
  /** The review message in chat, once posted. */
  readonly review: PostedRef | undefined;
  /** The published message, once approved and posted. */
  readonly published: PostedRef | undefined;
}

/** Identifies a weeknote: one team's one week. */
export interface WeeknoteKey {
  readonly workspace: string;
  readonly team: string;
  /** Week key, `2026-W13`. */
  readonly week: string;
}

/** A revision to add; the store numbers it. */
export type NewRevision = Omit<Revision, "number">;

/**
 * Every highlight id a document cites: its sections' paragraphs and items, "Into next week…" and
 * the tune. Pure.
 */
export function citedHighlightIds(doc: WeeknoteDocument): Set<string> {
  return new Set([
    ...doc.sections.flatMap((s) => [
      ...(s.paragraphs ?? []).flatMap((p) => p.highlightIds),
      ...s.items.flatMap((i) => i.highlightIds),
    ]),
    ...doc.intoNextWeek.flatMap((i) => i.highlightIds),
    ...(doc.tune?.highlightIds ?? []),
  ]);
}

/** The latest revision of a weeknote. @throws BotError `weeknote.not_found` when it has none. */
export function latestRevision(weeknote: Weeknote): Revision {
  const revision = weeknote.revisions.at(-1);
  if (!revision) {
    throw new BotError("weeknote.not_found", `The ${weeknote.week} note has no revision`);
  }
  return revision;
}

/** The revision an approval names, else the latest. */
export function approvedRevision(weeknote: Weeknote): Revision {
  return weeknote.revisions.find((r) => r.number === weeknote.approval?.revision) ?? latestRevision(weeknote);
}

/**
 * Checks that a weeknote in `status` may take `action`.
 * @throws BotError `weeknote.bad_transition`
 */
export function assertDraft(
  status: WeeknoteStatus,
  action: "approve" | "edit" | "regenerate" | "skip",
): void {
  if (status !== "draft") {
    throw new BotError("weeknote.bad_transition", `Cannot ${action} a weeknote that is already ${status}`);
  }
}

/**
 * Validates an untrusted document (an LLM's output, a stored row).
 * @throws BotError `summariser.failed` listing what is wrong.
 */
export function parseWeeknoteDocument(value: unknown): WeeknoteDocument {
  const result = WeeknoteDocumentSchema.safeParse(value);
  if (!result.success) {
    throw new BotError("summariser.failed", `Not a weeknote document: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}
