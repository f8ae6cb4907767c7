import { asBotError, isBotError } from "../domain/errors.ts";
import type { Highlight } from "../domain/highlight.ts";
import { namesOfCited } from "../domain/note-prose.ts";
import { renderMarkdown } from "../domain/render-markdown.ts";
import { formatWeekKey, parseWeekKey, previousWeek, type WeekWindow } from "../domain/week.ts";
import {
  approvedRevision,
  type NoteLanguage,
  type Revision,
  type Weeknote,
  type WeeknoteDocument,
  type WeeknoteKey,
} from "../domain/weeknote.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Fence, HighlightStore, WeeknoteStore } from "../ports/store.ts";
import type { Summariser } from "../ports/summariser.ts";

export interface CompileWeeknoteDeps {
  readonly summariser: Summariser;
  readonly clock: Clock;
  readonly logger: Logger;
  /** When given, highlights and the draft revision are saved; when absent, nothing is stored. */
  readonly store?: HighlightStore & WeeknoteStore;
}

export interface CompileWeeknoteInput {
  readonly workspace: string;
  readonly team: string;
  readonly teamName: string;
  /** Whose voice the note speaks in (a personal team: "I"). Default "we". */
  readonly voice?: "we" | "I";
  readonly window: WeekWindow;
  /**
   * The week's highlights; any outside `window` are left out, unless `fromStore` says the caller
   * read them from the store for this draft (it may add late tags of an already decided week).
   */
  readonly highlights: readonly Highlight[];
  /** The highlights were read from the store: they are used as given and not saved again. */
  readonly fromStore?: boolean;
  /**
   * The lease of the job this draft is part of: the revision is stored only while the lease is
   * still this holder's (another process that took the job over wins; this one stores nothing).
   */
  readonly fence?: Fence;
  readonly seriesNumber?: string;
  /** Language of the note's frame words (the team's setting or `--lang`). Default `en`. */
  readonly language?: NoteLanguage;
  /** The team's house style, a short Markdown text (at most 2,000 characters). */
  readonly houseStyle?: string;
  /** Most words of prose, when the team or the caller sets one (else the summariser's default). */
  readonly wordBudget?: number;
  /**
   * Last week's approved "Into next week…" texts. Absent: read from the store when one is given
   * (the previous week's note, if approved); none without a store.
   */
  readonly previousIntoNextWeek?: readonly string[];
}

export interface CompileWeeknoteOutput {
  /** Week key, `2026-W13`. */
  readonly week: string;
  /** The highlights summarised, oldest first. */
  readonly highlights: readonly Highlight[];
  readonly document: WeeknoteDocument;
  readonly markdown: string;
  /** What wrote the draft: `llm`, or `offline` (also when the LLM failed and the fallback wrote it). */
  readonly origin: Revision["origin"];
  /** The stored weeknote, when a store was given and the week was still open to drafts. */
  readonly weeknote: Weeknote | undefined;
  /**
   * Why the draft was not stored, when it was not: no store given, nothing tagged, the week's
   * note already decided, or the job's lease taken over by another process.
   */
  readonly notStored: "no_store" | "empty" | "decided" | "taken_over" | undefined;
}

/**
 * Summarises one week into a draft weeknote (SPEC §1 step 2 and step 5): saves the highlights,
 * summarises them, renders Markdown, and adds the draft as a new revision unless the latest
 * revision already says the same. A week whose note was already approved or skipped is compiled
 * but not stored.
 * @throws BotError from the summariser or the store.
 */
export function createCompileWeeknote(deps: CompileWeeknoteDeps): CompileWeeknote {
  return async function compileWeeknote(input: CompileWeeknoteInput): Promise<CompileWeeknoteOutput> {
    const week = formatWeekKey(input.window.key);
    const highlights = input.highlights
      .filter(
        (h) => input.fromStore || (h.postedAtMs >= input.window.startMs && h.postedAtMs < input.window.endMs),
      )
      .sort((a, b) => a.postedAtMs - b.postedAtMs || a.id.localeCompare(b.id));
    const previousIntoNextWeek =
      input.previousIntoNextWeek ??
      (deps.store
        ? await lastIntoNextWeek(deps.store, { workspace: input.workspace, team: input.team, week })
        : []);
    const result = await deps.summariser.summarise({
      week,
      teamName: input.teamName,
      teamKey: `${input.workspace}/${input.team}`,
      ...(input.voice === undefined ? {} : { voice: input.voice }),
      highlights,
      ...(input.seriesNumber === undefined ? {} : { seriesNumber: input.seriesNumber }),
      timezone: input.window.zone,
      language: input.language ?? "en",
      ...(input.houseStyle?.trim() ? { houseStyle: input.houseStyle.trim() } : {}),
      ...(input.wordBudget === undefined ? {} : { wordBudget: input.wordBudget }),
      ...(previousIntoNextWeek.length > 0 ? { previousIntoNextWeek } : {}),
    });
    // The people a paragraph cites are names in its prose: renderers escape them as names.
    const document = namesOfCited(result.document, highlights);
    const markdown = renderMarkdown(document);
    const base = { week, highlights, document, markdown, origin: result.origin };
    const store = deps.store;
    if (!store) {
      return { ...base, weeknote: undefined, notStored: "no_store" };
    }
    if (highlights.length === 0) {
      // An empty week is worth printing but not worth a stored draft nobody asked for.
      return { ...base, weeknote: undefined, notStored: "empty" };
    }
    if (!input.fromStore) {
      await store.saveHighlights(highlights);
    }
    const key = { workspace: input.workspace, team: input.team, week };
    const existing = await store.getWeeknote(key);
    if (existing && existing.status !== "draft") {
      return { ...base, weeknote: existing, notStored: "decided" };
    }
    const latest: Revision | undefined = existing?.revisions.at(-1);
    if (existing && latest?.markdown === markdown && latest.origin === result.origin) {
      return { ...base, weeknote: existing, notStored: undefined };
    }
    try {
      const revision = {
        origin: result.origin,
        model: result.model,
        promptVersion: result.promptVersion,
        highlightIds: highlights.map((h) => h.id),
        document,
        markdown,
        author: undefined,
        createdAtMs: deps.clock.now(),
      };
      const weeknote = await (input.fence
        ? store.saveDraftRevision(key, revision, input.fence)
        : store.saveDraftRevision(key, revision));
      deps.logger.info(
        { week, revision: weeknote.revisions.length, highlights: highlights.length },
        "draft saved",
      );
      return { ...base, weeknote, notStored: undefined };
    } catch (error) {
      // Someone approved or skipped the week between our read and our write.
      if (isBotError(error, "weeknote.bad_transition")) {
        return { ...base, weeknote: undefined, notStored: "decided" };
      }
      // Our lease ran out while we summarised and another process took the job over.
      if (isBotError(error, "lease.lost")) {
        deps.logger.warn({ week }, "draft not stored: another process took the job over");
        return { ...base, weeknote: undefined, notStored: "taken_over" };
      }
      throw asBotError(error, "store.unavailable");
    }
  };
}

export type CompileWeeknote = (input: CompileWeeknoteInput) => Promise<CompileWeeknoteOutput>;

/**
 * The "Into next week…" texts of the note before `key`'s week (SummariseInput
 * previousIntoNextWeek), when that note was approved (a skipped or undecided note promised
 * nothing), from the revision the approval names; empty otherwise.
 * @throws BotError from the store.
 */
export async function lastIntoNextWeek(store: WeeknoteStore, key: WeeknoteKey): Promise<string[]> {
  const previous = await store.getWeeknote({
    ...key,
    week: formatWeekKey(previousWeek(parseWeekKey(key.week))),
  });
  if (previous?.status !== "approved" || previous.revisions.length === 0) {
    return [];
  }
  return approvedRevision(previous)
    .document.intoNextWeek.map((item) => item.text.trim())
    .filter((text) => text !== "");
}
