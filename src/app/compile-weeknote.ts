import { BotError, isBotError } from "../domain/errors.ts";
import type { Highlight } from "../domain/highlight.ts";
import { renderMarkdown } from "../domain/render-markdown.ts";
import { formatWeekKey, type WeekWindow } from "../domain/week.ts";
import type { Revision, Weeknote, WeeknoteDocument } from "../domain/weeknote.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Store } from "../ports/store.ts";
import type { Summariser } from "../ports/summariser.ts";

export interface CompileWeeknoteDeps {
  readonly summariser: Summariser;
  readonly clock: Clock;
  readonly logger: Logger;
  /** When given, highlights and the draft revision are saved; when absent, nothing is stored. */
  readonly store?: Store;
}

export interface CompileWeeknoteInput {
  readonly workspace: string;
  readonly team: string;
  readonly teamName: string;
  readonly window: WeekWindow;
  /**
   * The week's highlights; any outside `window` are left out, unless `fromStore` says the caller
   * read them from the store for this draft (it may add late tags of an already decided week).
   */
  readonly highlights: readonly Highlight[];
  /** The highlights were read from the store: they are used as given and not saved again. */
  readonly fromStore?: boolean;
  /**
   * Asked just before the draft is stored, after the (possibly slow) summary: false means this
   * process no longer owns the job (its claim ran out and another took it), so nothing is stored.
   */
  readonly beforeSave?: () => Promise<boolean>;
  readonly seriesNumber?: string;
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
  /** Why the draft was not stored, when it was not (the week's note was already decided). */
  readonly notStoredReason: string | undefined;
}

/**
 * Summarises one week into a draft weeknote (SPEC §1 step 2 and step 5): saves the highlights,
 * summarises them, renders Markdown, and adds the draft as a new revision unless the latest
 * revision already says the same. A week whose note was already approved or skipped is compiled
 * but not stored.
 * @throws BotError from the summariser or the store.
 */
export function createCompileWeeknote(deps: CompileWeeknoteDeps) {
  return async function compileWeeknote(input: CompileWeeknoteInput): Promise<CompileWeeknoteOutput> {
    const week = formatWeekKey(input.window.key);
    const highlights = input.highlights
      .filter(
        (h) => input.fromStore || (h.postedAtMs >= input.window.startMs && h.postedAtMs < input.window.endMs),
      )
      .sort((a, b) => a.postedAtMs - b.postedAtMs || a.id.localeCompare(b.id));
    const result = await deps.summariser.summarise({
      week,
      teamName: input.teamName,
      teamKey: `${input.workspace}/${input.team}`,
      highlights,
      ...(input.seriesNumber === undefined ? {} : { seriesNumber: input.seriesNumber }),
    });
    const markdown = renderMarkdown(result.document);
    const base = { week, highlights, document: result.document, markdown, origin: result.origin };
    const store = deps.store;
    if (!store) {
      return { ...base, weeknote: undefined, notStoredReason: "no store" };
    }

    if (input.beforeSave && !(await input.beforeSave())) {
      return { ...base, weeknote: undefined, notStoredReason: "another process took the job over" };
    }
    if (highlights.length === 0) {
      // An empty week is worth printing but not worth a stored draft nobody asked for.
      return { ...base, weeknote: undefined, notStoredReason: "nothing was tagged" };
    }
    if (!input.fromStore) {
      await store.saveHighlights(highlights);
    }
    const key = { workspace: input.workspace, team: input.team, week };
    const existing = await store.getWeeknote(key);
    if (existing && existing.status !== "draft") {
      return {
        ...base,
        weeknote: existing,
        notStoredReason: `the ${week} note is already ${existing.status}`,
      };
    }
    const latest: Revision | undefined = existing?.revisions.at(-1);
    if (existing && latest?.markdown === markdown && latest.origin === result.origin) {
      return { ...base, weeknote: existing, notStoredReason: undefined };
    }
    try {
      const weeknote = await store.saveDraftRevision(key, {
        origin: result.origin,
        model: result.model,
        promptVersion: result.promptVersion,
        highlightIds: highlights.map((h) => h.id),
        document: result.document,
        markdown,
        author: undefined,
        createdAtMs: deps.clock.now(),
      });
      deps.logger.info(
        { week, revision: weeknote.revisions.length, highlights: highlights.length },
        "draft saved",
      );
      return { ...base, weeknote, notStoredReason: undefined };
    } catch (error) {
      // Someone approved or skipped the week between our read and our write.
      if (isBotError(error, "weeknote.bad_transition")) {
        return { ...base, weeknote: undefined, notStoredReason: error.message };
      }
      throw error instanceof BotError
        ? error
        : new BotError("store.unavailable", "Could not save the draft", { cause: error });
    }
  };
}

export type CompileWeeknote = ReturnType<typeof createCompileWeeknote>;
