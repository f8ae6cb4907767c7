import { asBotError } from "../domain/errors.ts";
import type { Highlight } from "../domain/highlight.ts";
import type { PostedRef } from "../domain/message-ref.ts";
import type { DraftOutcome, ReviewView } from "../domain/outcomes.ts";
import { type EmojiAliases, EmojiSectionMap } from "../domain/sections.ts";
import { seriesNumber } from "../domain/series.ts";
import { noteLanguageOf, type TeamSettings, voiceOf } from "../domain/team.ts";
import { selectTeamHighlights } from "../domain/team-highlights.ts";
import {
  formatWeekKey,
  parseWeekKey,
  previousWeek,
  type WeekWindow,
  weekWindow,
  windowOf,
} from "../domain/week.ts";
import type { NoteLanguage } from "../domain/weeknote.ts";
import type { ChatRouter } from "../ports/chat.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Fence, HighlightStore, LeaseStore, WeeknoteStore } from "../ports/store.ts";
import { type CompileWeeknote, lastIntoNextWeek } from "./compile-weeknote.ts";

/** What a team's drafts are read from. */
export interface TeamHighlightSource {
  readonly highlights: HighlightStore;
  readonly weeknotes: WeeknoteStore;
  readonly aliases: EmojiAliases;
}

/**
 * The week's highlights a team's note may use (selectTeamHighlights: its source channels, typed
 * text added for it, private ones only when it allows them, a personal team's members' tags,
 * sections by its emoji map). `window` in the team's zone.
 */
export async function teamHighlights(
  source: TeamHighlightSource,
  team: TeamSettings,
  window: WeekWindow,
): Promise<Highlight[]> {
  // The store narrows to the team's own (typed text for it, the rest from its sources) so a draft
  // does not read its whole workspace; selectTeamHighlights still applies the full rule after.
  const all = await source.highlights.listHighlights({
    workspace: team.workspace,
    fromMs: window.startMs,
    toMs: window.endMs,
    team: { team: team.team, conversationIds: team.sourceChannels },
  });
  // Tags keep the names people reacted with: compared through the workspace's custom aliases too.
  const names = [...new Set(all.flatMap((h) => h.tags.map((tag) => tag.reaction)))];
  const aliases =
    (await source.aliases.forWorkspace?.(team.platform, team.workspace, names)) ?? source.aliases;
  return selectTeamHighlights(team, all, new EmojiSectionMap(team.emoji, aliases));
}

// How far back a highlight tagged after its week's note was decided is still carried forward.
const CARRY_WEEKS = 2;

/**
 * What a team's draft of `window` is made from (SPEC §6): the week's highlights, plus highlights
 * of the previous weeks whose note was already approved or skipped when they were tagged (no
 * revision of any note cites them), so nothing tagged late is lost.
 */
export async function draftHighlights(
  source: TeamHighlightSource,
  team: TeamSettings,
  window: WeekWindow,
): Promise<Highlight[]> {
  const own = await teamHighlights(source, team, window);
  const cited = new Set<string>();
  const candidates: Highlight[] = [];
  let key = window.key;
  for (let i = 0; i < CARRY_WEEKS; i += 1) {
    key = previousWeek(key);
    const note = await source.weeknotes.getWeeknote({
      workspace: team.workspace,
      team: team.team,
      week: formatWeekKey(key),
    });
    for (const revision of note?.revisions ?? []) {
      for (const id of revision.highlightIds) cited.add(id);
    }
    if (note && note.status !== "draft") {
      candidates.push(...(await teamHighlights(source, team, weekWindow(key, team.timezone))));
    }
  }
  const carried = candidates.filter((h) => !cited.has(h.id));
  return [...carried, ...own];
}

/**
 * What a summariser is told about a team's note of `week` besides its highlights (SummariseInput):
 * the team's zone, language (default `en`), house style, and last week's approved "Into next
 * week…" texts. For every path that summarises a team's week (a draft, a regeneration).
 * @throws BotError from the store.
 */
export async function teamNoteContext(
  weeknotes: WeeknoteStore,
  team: TeamSettings,
  week: string,
): Promise<{
  timezone: string;
  language: NoteLanguage;
  houseStyle?: string;
  previousIntoNextWeek: string[];
}> {
  const houseStyle = team.houseStyle?.trim();
  return {
    timezone: team.timezone,
    language: noteLanguageOf(team),
    ...(houseStyle ? { houseStyle } : {}),
    previousIntoNextWeek: await lastIntoNextWeek(weeknotes, {
      workspace: team.workspace,
      team: team.team,
      week,
    }),
  };
}

function withoutZone<T extends { timezone: string }>(context: T): Omit<T, "timezone"> {
  const { timezone: _zone, ...rest } = context;
  return rest;
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

export interface DraftWeeknoteDeps extends TeamHighlightSource {
  readonly chat: ChatRouter;
  readonly compile: CompileWeeknote;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the per-team-week draft claim is taken (see {@link draftClaimName}). */
  readonly leases: LeaseStore;
  /** This process's name in leases; each draft call holds the claim under its own `holder#n`. */
  readonly holder: string;
  /**
   * How long a draft claim protects a draft in progress, ms; a crashed drafter's claim runs out
   * after this. Default 15 minutes, as the schedule's claim (a draft's LLM calls take at most
   * LLM_TOTAL_TIMEOUT_MS, 2 minutes by default).
   */
  readonly draftClaimMs?: number;
}

const DRAFT_CLAIM_MS = 15 * 60_000;

/**
 * The lease every draft of a team's week takes while it runs, scheduled or asked for in chat
 * (issue 10 item 11): one draft at a time per (workspace, team, week), across processes.
 */
export function draftClaimName(key: { workspace: string; team: string; week: string }): string {
  return `draft:${encodeURIComponent(key.workspace)}:${encodeURIComponent(key.team)}:${key.week}`;
}

/** The lease a scheduled draft runs under: its writes are fenced by it, and it is renewed before posting. */
export interface DraftLease {
  readonly fence: Fence;
  /** Renews the lease right before the review is posted; false when it was lost meanwhile. */
  readonly renew: () => Promise<boolean>;
}

/**
 * Drafts a team's note for a week (default: the week holding now in the team's zone) and posts it
 * for review (SPEC §1 steps 2–3). A week whose note was already approved or skipped is left alone;
 * an existing review message is updated in place rather than posted again; a review left behind
 * in a team's old review channel loses its buttons. Under a `lease`, a process that lost it stores
 * and posts nothing (`taken_over`). With `settleInbox` (a scheduled draft, never one run by the
 * inbox worker itself) the commands recorded so far are carried out first, so what the platform's
 * pre-draft work recorded (Teams: the reaction sweep) is in the note. Every draft takes the week's
 * claim ({@link draftClaimName}): while another draft of the week runs, this one makes nothing
 * (`in_progress`); a scheduled draft that gets the claim after a requested one posted its review
 * reports that draft (`posted`) rather than making a second.
 * @throws BotError from the summariser, the store or the platform.
 */
export type DraftWeeknote = (
  team: TeamSettings,
  window?: WeekWindow,
  options?: DraftOptions,
) => Promise<DraftOutcome>;

/** How a draft runs: under a scheduled job's lease, and whether the inbox is settled first. */
export interface DraftOptions {
  readonly lease?: DraftLease;
  readonly settleInbox?: boolean;
}

export function createDraftWeeknote(deps: DraftWeeknoteDeps): DraftWeeknote {
  /** The buttons of a review message left behind in the old review channel go (best effort). */
  async function retireReview(view: ReviewView, ref: PostedRef): Promise<void> {
    try {
      await deps.chat.for(ref.platform).updateReview({ ...view, status: { kind: "moved" } }, ref);
    } catch (error) {
      deps.logger.warn(
        { workspace: view.team.workspace, week: view.weeknote.week, code: asBotError(error).code },
        "could not update the old review message",
      );
    }
  }

  /** The draft itself, run under the week's claim. */
  async function draftClaimed(
    team: TeamSettings,
    week: WeekWindow,
    options: DraftOptions,
  ): Promise<DraftOutcome> {
    const weekKey = formatWeekKey(week.key);
    const key = { workspace: team.workspace, team: team.team, week: weekKey };
    const existing = await deps.weeknotes.getWeeknote(key);
    if (existing && existing.status !== "draft") {
      return { kind: "decided", week: weekKey, status: existing.status };
    }
    const latest = existing?.revisions.at(-1);
    if (options.lease && existing?.review && latest) {
      // A requested draft got the claim first and posted its review: the scheduled job's work is done.
      return {
        kind: "posted",
        week: weekKey,
        weeknote: existing,
        revision: latest,
        highlights: latest.highlightIds.length,
      };
    }
    const highlights = await draftHighlights(deps, team, week);
    if (highlights.length === 0) {
      return { kind: "empty", week: weekKey };
    }
    const series = teamSeriesNumber(team, weekKey);
    const lease = options.lease;
    const result = await deps.compile({
      workspace: team.workspace,
      team: team.team,
      teamName: team.name,
      voice: voiceOf(team),
      window: week,
      highlights,
      fromStore: true,
      ...(lease ? { fence: lease.fence } : {}),
      ...(series === undefined ? {} : { seriesNumber: series }),
      // The week's zone is the window's (the team's); the rest of what the summariser is told:
      ...withoutZone(await teamNoteContext(deps.weeknotes, team, weekKey)),
    });
    if (result.notStored === "taken_over") {
      return { kind: "taken_over", week: weekKey };
    }
    const weeknote = result.weeknote;
    const revision = weeknote?.revisions.at(-1);
    if (!weeknote || !revision || weeknote.status !== "draft") {
      return { kind: "decided", week: weekKey, status: weeknote?.status ?? existing?.status };
    }
    if (lease && !(await lease.renew())) {
      deps.logger.warn({ workspace: team.workspace, week: weekKey }, "lease lost before posting the review");
      return { kind: "taken_over", week: weekKey };
    }
    const view: ReviewView = { team, weeknote, revision, status: { kind: "open" } };
    const chat = deps.chat.for(team.platform);
    const previous = weeknote.review;
    if (previous && previous.conversationId === team.reviewChannel && previous.platform === team.platform) {
      await chat.updateReview(view, previous);
    } else {
      // First posting, or the team chose another review channel since: the draft goes there.
      const ref = await chat.postReview(view);
      await (lease
        ? deps.weeknotes.setReviewMessage(key, ref, lease.fence)
        : deps.weeknotes.setReviewMessage(key, ref));
      if (previous) {
        await retireReview(view, previous);
      }
    }
    deps.logger.info(
      { workspace: team.workspace, team: team.team, week: weekKey, revision: revision.number },
      "draft posted for review",
    );
    return { kind: "posted", week: weekKey, weeknote, revision, highlights: highlights.length };
  }

  let sequence = 0;
  return async function draftWeeknote(team, window, options = {}) {
    const week = window ?? windowOf(deps.clock.now(), team.timezone);
    const weekKey = formatWeekKey(week.key);
    if (!team.reviewChannel) {
      return { kind: "no_review_channel", week: weekKey };
    }
    const key = { workspace: team.workspace, team: team.team, week: weekKey };
    // A claim is re-entrant for its holder: each call holds it under its own name, so two drafts in
    // one process exclude each other as drafts in two processes do.
    sequence += 1;
    const claim = await deps.leases.acquireLease(
      draftClaimName(key),
      `${deps.holder}#draft${sequence}`,
      deps.clock.now(),
      deps.draftClaimMs ?? DRAFT_CLAIM_MS,
    );
    if (!claim) {
      deps.logger.info(
        { ...key, scheduled: options.lease !== undefined },
        "a draft of this week is already being made",
      );
      return { kind: "in_progress", week: weekKey };
    }
    try {
      return await draftClaimed(team, week, options);
    } finally {
      await deps.leases.releaseLease(claim).catch((error: unknown) =>
        // It then runs out after draftClaimMs instead.
        deps.logger.warn({ ...key, code: asBotError(error).code }, "could not release the draft claim"),
      );
    }
  };
}
