import { asBotError, BotError, isBotError } from "../domain/errors.ts";
import type { PostedRef } from "../domain/message-ref.ts";
import { namesOfCited } from "../domain/note-prose.ts";
import type { DecisionOutcome, ReviewStatus, ReviewView } from "../domain/outcomes.ts";
import { renderMarkdown } from "../domain/render-markdown.ts";
import type { EmojiAliases } from "../domain/sections.ts";
import { type TeamSettings, voiceOf } from "../domain/team.ts";
import { parseWeekKey, weekWindow } from "../domain/week.ts";
import {
  approvedRevision,
  latestRevision,
  type Weeknote,
  type WeeknoteDocument,
  type WeeknoteKey,
} from "../domain/weeknote.ts";
import type { ChatRouter } from "../ports/chat.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Publisher } from "../ports/publisher.ts";
import type { HighlightStore, LeaseStore, WeeknoteStore } from "../ports/store.ts";
import type { Summariser } from "../ports/summariser.ts";
import { draftHighlights, teamNoteContext, teamSeriesNumber } from "./draft-weeknote.ts";
import type { TeamDirectory } from "./teams.ts";

export interface DecideDraftDeps {
  readonly weeknotes: WeeknoteStore;
  readonly highlights: HighlightStore;
  readonly leases: LeaseStore;
  readonly chat: ChatRouter;
  readonly teams: TeamDirectory;
  readonly summariser: Summariser;
  readonly aliases: EmojiAliases;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Names this process in leases. */
  readonly holder: string;
  /** Publishing outside chat (blog, webhook), told of each approval; never blocks it. */
  readonly publisher?: Publisher | undefined;
}

/** Who acts on which draft. */
export interface DecisionRequest {
  readonly key: WeeknoteKey;
  readonly user: string;
  /** The revision the person saw, when known: a decision on an older one is refused. */
  readonly revision?: number | undefined;
  /**
   * The same request was started before and cut short (an inbox retry after a crash): an approval
   * or skip this person already made is carried through (published, shown) instead of being
   * reported as already decided.
   */
  readonly resumed?: boolean;
}

/**
 * Whether an action taken on a review message may go ahead (see {@link DecideDraft.checkAction}):
 * `ok` with the draft's key; `not_this_message` when the message is not the review message stored
 * on the draft the action names (a forged or stale button); or not an approver, or no such draft.
 */
export type ActionCheck =
  | { readonly kind: "ok"; readonly key: WeeknoteKey }
  | { readonly kind: "not_this_message"; readonly week: string }
  | Extract<DecisionOutcome, { kind: "not_approver" | "not_found" }>;

/**
 * Approve, skip, edit and regenerate (SPEC §1 step 3). Only the team's approvers may act; every
 * decision is a conditional update in the store, so a double click or two racing approvers make
 * one decision. Each returns what happened as data (with the new review view), for the platform
 * to show; the review message is updated here.
 *
 * Errors: a platform failure that may pass (`platform.unavailable`, `platform.rate_limited`) while
 * publishing is thrown, so the inbox retries and the approval is carried through then; one that
 * will not (not invited to the publish channel) gives `approved` with `published: false`.
 */
export interface DecideDraft {
  approve(request: DecisionRequest): Promise<DecisionOutcome>;
  skip(request: DecisionRequest): Promise<DecisionOutcome>;
  /** The Markdown an editor starts from (the latest revision's), or why the person cannot edit. */
  editableText(
    request: DecisionRequest,
  ): Promise<
    | { readonly kind: "text"; readonly markdown: string }
    | Extract<DecisionOutcome, { kind: "not_approver" | "not_found" }>
  >;
  /** Saves a person's text as a new revision and shows it in the review message. */
  edit(request: DecisionRequest & { readonly markdown: string }): Promise<DecisionOutcome>;
  /** Summarises the week again, given the previous text and the reason; one at a time per draft. */
  regenerate(request: DecisionRequest & { readonly reason: string | undefined }): Promise<DecisionOutcome>;
  /**
   * Checks an action taken on a chat message against our records, not against what the request
   * says: `message` must be the review message stored on the draft `key` names (`weeknote.review`:
   * same platform, conversation and message), and `user` one of the stored approvers of that
   * draft's team. So a button whose value names another team's (or week's) draft is refused, and
   * so is anyone who is not that team's approver. Reads only; decides nothing. Platforms call it
   * before recording a decision or opening a form; the decision itself checks the approver again.
   */
  checkAction(request: DecisionRequest & { readonly message: PostedRef }): Promise<ActionCheck>;
  /**
   * The review view of a week's note as stored now (a card answering a click shows it), or
   * undefined when the team or its note is gone. Anyone may see it; no one is checked here.
   */
  view(key: WeeknoteKey): Promise<ReviewView | undefined>;
}

const REGENERATE_LEASE_MS = 5 * 60_000;
const PUBLISH_LEASE_MS = 60_000;

type Loaded =
  | { readonly kind: "ok"; readonly team: TeamSettings; readonly weeknote: Weeknote }
  | Extract<DecisionOutcome, { kind: "not_approver" | "not_found" }>;

export function createDecideDraft(deps: DecideDraftDeps): DecideDraft {
  let sequence = 0;
  // Each leased step holds its lease under its own name: a lease is re-entrant for its holder,
  // so the process name alone would let a double submission in this process run twice.
  const holder = () => {
    sequence += 1;
    return `${deps.holder}#${sequence}`;
  };

  async function load(request: DecisionRequest): Promise<Loaded> {
    const week = request.key.week;
    const team = await deps.teams.get(request.key.workspace, request.key.team);
    if (!team?.approvers.includes(request.user)) {
      return { kind: "not_approver", week };
    }
    const weeknote = await deps.weeknotes.getWeeknote(request.key);
    return weeknote ? { kind: "ok", team, weeknote } : { kind: "not_found", week };
  }

  async function show(team: TeamSettings, weeknote: Weeknote, status: ReviewStatus): Promise<ReviewView> {
    const view: ReviewView = { team, weeknote, revision: latestRevision(weeknote), status };
    if (weeknote.review) {
      await deps.chat.for(weeknote.review.platform).updateReview(view, weeknote.review);
    }
    return view;
  }

  /**
   * Posts an approved note once, even when two processes carry the same approval through.
   * @returns whether it is published, and the weeknote as it now is (read under the lease).
   */
  async function publish(
    team: TeamSettings,
    key: WeeknoteKey,
    decided: Weeknote,
  ): Promise<{ readonly published: boolean; readonly weeknote: Weeknote }> {
    const lease = await deps.leases.acquireLease(
      `publish:${key.workspace}:${key.team}:${key.week}`,
      holder(),
      deps.clock.now(),
      PUBLISH_LEASE_MS,
    );
    if (!lease) {
      throw new BotError("store.conflict", `Another process is publishing the ${key.week} note`, {
        retryable: true,
      });
    }
    let weeknote = decided;
    try {
      weeknote = (await deps.weeknotes.getWeeknote(key)) ?? decided;
      if (weeknote.status !== "approved") {
        return { published: false, weeknote };
      }
      if (weeknote.published) {
        return { published: true, weeknote };
      }
      const ref = await deps.chat.for(team.platform).publish(team, weeknote, approvedRevision(weeknote));
      await deps.weeknotes.setPublished(key, ref);
      return { published: true, weeknote: { ...weeknote, published: ref } };
    } catch (error) {
      const failure = asBotError(error);
      if (failure.retryable) {
        throw failure;
      }
      // The approval stands; the approver hears that the note is not posted and why.
      deps.logger.error({ week: key.week, code: failure.code }, "publish failed");
      return { published: false, weeknote };
    } finally {
      await deps.leases.releaseLease(lease);
    }
  }

  async function decide(request: DecisionRequest, status: "approved" | "skipped"): Promise<DecisionOutcome> {
    const loaded = await load(request);
    if (loaded.kind !== "ok") {
      return loaded;
    }
    const week = request.key.week;
    let decided = await deps.weeknotes.decideWeeknote(request.key, {
      status,
      by: request.user,
      atMs: deps.clock.now(),
      ...(request.revision === undefined ? {} : { revision: request.revision }),
    });
    if (!decided) {
      const now = await deps.weeknotes.getWeeknote(request.key);
      const ours = request.resumed && now?.status === status && now.approval?.by === request.user;
      if (!ours || !now) {
        return now && now.status !== "draft"
          ? { kind: "already_decided", week, status: now.status }
          : { kind: "changed", week, revision: now?.revisions.at(-1)?.number };
      }
      decided = now;
    }
    if (status === "skipped") {
      return {
        kind: "skipped",
        week,
        view: await show(loaded.team, decided, { kind: "skipped", by: request.user }),
      };
    }
    // Before the chat post, which may fail and be retried: the blog and webhook need only the store.
    try {
      deps.publisher?.approved({ team: loaded.team, weeknote: decided });
    } catch (error) {
      deps.logger.error({ week, code: asBotError(error).code }, "publishing outside chat did not start");
    }
    const { published, weeknote } = await publish(loaded.team, request.key, decided);
    const view = await show(loaded.team, weeknote, { kind: "approved", by: request.user });
    return { kind: "approved", week, published, view };
  }

  return {
    async checkAction(request) {
      const week = request.key.week;
      const weeknote = await deps.weeknotes.getWeeknote(request.key);
      if (!weeknote) {
        return { kind: "not_found", week };
      }
      const review = weeknote.review;
      const { message } = request;
      if (
        review?.platform !== message.platform ||
        review.conversationId !== message.conversationId ||
        review.messageId !== message.messageId
      ) {
        return { kind: "not_this_message", week };
      }
      const team = await deps.teams.get(request.key.workspace, request.key.team);
      if (!team?.approvers.includes(request.user)) {
        return { kind: "not_approver", week };
      }
      return { kind: "ok", key: request.key };
    },
    async view(key) {
      const [team, weeknote] = await Promise.all([
        deps.teams.get(key.workspace, key.team),
        deps.weeknotes.getWeeknote(key),
      ]);
      if (!team || !weeknote) {
        return undefined;
      }
      const status: ReviewStatus =
        weeknote.status === "draft" || !weeknote.approval
          ? { kind: "open" }
          : { kind: weeknote.status, by: weeknote.approval.by };
      return { team, weeknote, revision: latestRevision(weeknote), status };
    },
    approve: (request) => decide(request, "approved"),
    skip: (request) => decide(request, "skipped"),

    async editableText(request) {
      const loaded = await load(request);
      return loaded.kind === "ok"
        ? { kind: "text", markdown: latestRevision(loaded.weeknote).markdown }
        : loaded;
    },

    async edit(request) {
      const loaded = await load(request);
      if (loaded.kind !== "ok") {
        return loaded;
      }
      const week = request.key.week;
      if (loaded.weeknote.status !== "draft") {
        return { kind: "already_decided", week, status: loaded.weeknote.status };
      }
      const previous = latestRevision(loaded.weeknote);
      // A person's text is kept as they wrote it, not re-rendered (and re-escaped).
      const markdown = request.markdown.replace(/\r\n/g, "\n").trim();
      let saved = loaded.weeknote;
      // A retry of an edit already saved adds no second revision.
      if (
        !(previous.origin === "human" && previous.author === request.user && previous.markdown === markdown)
      ) {
        const editor = await deps.chat
          .for(loaded.team.platform)
          .personName(request.key.workspace, request.user);
        try {
          saved = await deps.weeknotes.saveDraftRevision(request.key, {
            origin: "human",
            model: undefined,
            promptVersion: undefined,
            highlightIds: previous.highlightIds,
            document: documentFromMarkdown(previous.document, markdown, editor),
            markdown,
            author: request.user,
            createdAtMs: deps.clock.now(),
          });
        } catch (error) {
          if (isBotError(error, "weeknote.bad_transition")) {
            const now = await deps.weeknotes.getWeeknote(request.key);
            return { kind: "already_decided", week, status: now?.status ?? "removed" };
          }
          throw error;
        }
      }
      const view = await show(loaded.team, saved, { kind: "open" });
      return { kind: "edited", week, revision: view.revision.number, view };
    },

    async regenerate(request) {
      const loaded = await load(request);
      if (loaded.kind !== "ok") {
        return loaded;
      }
      const { team } = loaded;
      const week = request.key.week;
      const lease = await deps.leases.acquireLease(
        `regenerate:${request.key.workspace}:${request.key.team}:${week}`,
        holder(),
        deps.clock.now(),
        REGENERATE_LEASE_MS,
      );
      if (!lease) {
        return { kind: "busy", week };
      }
      try {
        // Read again under the lease: a regeneration that finished meanwhile made a new revision.
        const weeknote = await deps.weeknotes.getWeeknote(request.key);
        if (weeknote?.status !== "draft") {
          return { kind: "already_decided", week, status: weeknote?.status ?? "removed" };
        }
        const previous = latestRevision(weeknote);
        if (request.revision !== undefined && previous.number !== request.revision) {
          return { kind: "changed", week, revision: previous.number };
        }
        const window = weekWindow(parseWeekKey(week), team.timezone);
        const highlights = await draftHighlights(
          { highlights: deps.highlights, weeknotes: deps.weeknotes, aliases: deps.aliases },
          team,
          window,
        );
        const series = teamSeriesNumber(team, week);
        const result = await deps.summariser.summarise({
          week,
          teamName: team.name,
          teamKey: `${team.workspace}/${team.team}`,
          voice: voiceOf(team),
          highlights,
          previous: { markdown: previous.markdown, reason: request.reason },
          ...(series === undefined ? {} : { seriesNumber: series }),
          ...(await teamNoteContext(deps.weeknotes, team, week)),
        });
        // The people a paragraph cites are names in its prose: renderers escape them as names.
        const document = namesOfCited(result.document, highlights);
        const saved = await deps.weeknotes.saveDraftRevision(
          request.key,
          {
            origin: result.origin,
            model: result.model,
            promptVersion: result.promptVersion,
            highlightIds: highlights.map((h) => h.id),
            document,
            markdown: renderMarkdown(document),
            author: undefined,
            createdAtMs: deps.clock.now(),
          },
          lease,
        );
        const view = await show(team, saved, { kind: "open" });
        return { kind: "regenerated", week, revision: view.revision.number, view };
      } finally {
        await deps.leases.releaseLease(lease);
      }
    },
  };
}

/**
 * A person's Markdown as a document: a leading `# ` line is the title, the rest the body. Citations
 * are kept from the revision it replaced, so the note still says where it came from.
 */
function documentFromMarkdown(
  previous: WeeknoteDocument,
  markdown: string,
  editor: string,
): WeeknoteDocument {
  const heading = /^#\s+(.+)\n?/.exec(markdown);
  const body = heading ? markdown.slice(heading[0].length).trim() : markdown;
  return {
    week: previous.week,
    title: heading?.[1]?.trim() || previous.title,
    themes: previous.themes,
    intro: body,
    sections: [],
    intoNextWeek: [],
    footer: `Edited by ${editor}.`,
  };
}
