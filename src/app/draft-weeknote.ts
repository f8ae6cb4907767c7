import { isBotError } from "../domain/errors.ts";
import type { Highlight } from "../domain/highlight.ts";
import { seriesNumber } from "../domain/series.ts";
import type { TeamSettings } from "../domain/team.ts";
import {
  formatWeekKey,
  parseWeekKey,
  previousWeek,
  type WeekWindow,
  weekWindow,
  windowOf,
} from "../domain/week.ts";
import type { Revision, Weeknote } from "../domain/weeknote.ts";
import type { ChatPlatform } from "../ports/chat.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { PostedRef, Store } from "../ports/store.ts";
import type { CompileWeeknote } from "./compile-weeknote.ts";

export interface DraftWeeknoteDeps {
  readonly store: Store;
  readonly chat: ChatPlatform;
  readonly compile: CompileWeeknote;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What drafting did, with a line to tell whoever asked. */
export type DraftOutcome =
  | {
      readonly kind: "posted";
      readonly weeknote: Weeknote;
      readonly revision: Revision;
      readonly message: string;
    }
  | { readonly kind: "empty"; readonly message: string }
  | { readonly kind: "decided"; readonly weeknote: Weeknote | undefined; readonly message: string }
  | { readonly kind: "no_review_channel"; readonly message: string };

/** The week's highlights a team's note may use: private ones only when the team allows it. */
export async function teamHighlights(store: Store, team: TeamSettings, window: WeekWindow) {
  const all = await store.listHighlights({
    workspace: team.workspace,
    fromMs: window.startMs,
    toMs: window.endMs,
  });
  return team.includePrivate ? all : all.filter((h) => !h.private);
}

// How far back a highlight tagged after its week's note was decided is still carried forward.
const CARRY_WEEKS = 2;

/**
 * What a team's draft of `window` is made from (SPEC §6): the week's highlights, plus highlights
 * of the previous weeks whose note was already approved or skipped when they were tagged (no
 * revision of any note cites them), so nothing tagged late is lost. Private ones only when the
 * team allows it.
 */
export async function draftHighlights(
  store: Store,
  team: TeamSettings,
  window: WeekWindow,
): Promise<Highlight[]> {
  const own = await teamHighlights(store, team, window);
  const cited = new Set<string>();
  const candidates: Highlight[] = [];
  let key = window.key;
  for (let i = 0; i < CARRY_WEEKS; i += 1) {
    key = previousWeek(key);
    const note = await store.getWeeknote({
      workspace: team.workspace,
      team: team.team,
      week: formatWeekKey(key),
    });
    for (const revision of note?.revisions ?? []) {
      for (const id of revision.highlightIds) cited.add(id);
    }
    if (note && note.status !== "draft") {
      candidates.push(...(await teamHighlights(store, team, weekWindow(key, team.timezone))));
    }
  }
  const carried = candidates.filter((h) => !cited.has(h.id));
  return [...carried, ...own];
}

/** The series number of a week for a team that keeps one. */
export function teamSeriesNumber(team: TeamSettings, week: string): string | undefined {
  return team.series
    ? seriesNumber(
        { week: parseWeekKey(team.series.week), year: team.series.year, number: team.series.number },
        parseWeekKey(week),
      )
    : undefined;
}

/**
 * Drafts a team's note for the week holding now (or `window`) and posts it for review (SPEC §1
 * step 2–3). A week whose note was already approved or skipped is left alone; an existing review
 * message is updated in place rather than posted again.
 */
export function createDraftWeeknote(deps: DraftWeeknoteDeps) {
  /** The buttons of a review message left behind in the old review channel go (best effort). */
  async function retireReview(team: TeamSettings, weeknote: Weeknote, revision: Revision, ref: PostedRef) {
    try {
      await deps.chat.updateReview(
        { team, weeknote, revision, outcome: "The review moved to the team's new review channel." },
        ref,
      );
    } catch (error) {
      deps.logger.warn(
        {
          workspace: team.workspace,
          week: weeknote.week,
          code: isBotError(error) ? error.code : "unexpected",
        },
        "could not update the old review message",
      );
    }
  }

  return async function draftWeeknote(
    team: TeamSettings,
    window?: WeekWindow,
    options: { readonly beforeSave?: () => Promise<boolean> } = {},
  ): Promise<DraftOutcome> {
    const week = window ?? windowOf(deps.clock.now(), team.timezone);
    const weekKey = formatWeekKey(week.key);
    if (!team.reviewChannel) {
      return {
        kind: "no_review_channel",
        message: "The team has no review channel yet: run `/weeknotes config`.",
      };
    }
    const key = { workspace: team.workspace, team: team.team, week: weekKey };
    const existing = await deps.store.getWeeknote(key);
    if (existing && existing.status !== "draft") {
      return {
        kind: "decided",
        weeknote: existing,
        message: `The ${weekKey} note is already ${existing.status}.`,
      };
    }
    const highlights = await draftHighlights(deps.store, team, week);
    if (highlights.length === 0) {
      return { kind: "empty", message: `Nothing has been tagged for ${weekKey} yet, so there is no draft.` };
    }
    const series = teamSeriesNumber(team, weekKey);
    const result = await deps.compile({
      workspace: team.workspace,
      team: team.team,
      teamName: team.name,
      window: week,
      highlights,
      fromStore: true,
      ...(options.beforeSave ? { beforeSave: options.beforeSave } : {}),
      ...(series === undefined ? {} : { seriesNumber: series }),
    });
    const weeknote = result.weeknote;
    const revision = weeknote?.revisions.at(-1);
    if (!weeknote || !revision || weeknote.status !== "draft") {
      return {
        kind: "decided",
        weeknote: weeknote ?? existing,
        message: `The ${weekKey} note was not drafted: ${result.notStoredReason ?? "it is already decided"}.`,
      };
    }
    const view = { team, weeknote, revision, outcome: undefined };
    const previous = weeknote.review;
    if (previous && previous.channel === team.reviewChannel) {
      await deps.chat.updateReview(view, previous);
    } else {
      // First posting, or the team chose another review channel since: the draft goes there.
      const ref = await deps.chat.postReview(view);
      await deps.store.setReviewMessage(key, ref);
      if (previous) {
        await retireReview(team, weeknote, revision, previous);
      }
    }
    deps.logger.info(
      { workspace: team.workspace, week: weekKey, revision: revision.number },
      "draft posted for review",
    );
    return {
      kind: "posted",
      weeknote,
      revision,
      message: `Drafted ${weekKey} from ${highlights.length} highlights and posted it for review.`,
    };
  };
}

export type DraftWeeknote = ReturnType<typeof createDraftWeeknote>;
