import { BotError } from "../domain/errors.ts";
import { renderMarkdown } from "../domain/render-markdown.ts";
import type { TeamSettings } from "../domain/team.ts";
import { parseWeekKey, weekWindow } from "../domain/week.ts";
import type { Revision, Weeknote, WeeknoteDocument } from "../domain/weeknote.ts";
import type { ChatPlatform } from "../ports/chat.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Store, WeeknoteKey } from "../ports/store.ts";
import type { Summariser } from "../ports/summariser.ts";
import { draftHighlights, teamSeriesNumber } from "./draft-weeknote.ts";
import type { TeamDirectory } from "./teams.ts";

export interface DecideDraftDeps {
  readonly store: Store;
  readonly chat: ChatPlatform;
  readonly teams: TeamDirectory;
  readonly summariser: Summariser;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Names this process in leases. */
  readonly holder: string;
}

/** Who acts on which draft; `revision` is the one the person saw, when known. */
export interface DecisionRequest {
  readonly key: WeeknoteKey;
  readonly user: string;
  readonly revision?: number;
}

const REGENERATE_LEASE_MS = 5 * 60_000;

/**
 * Approve, skip, edit and regenerate (SPEC §1 step 3). Only approvers may act; every decision is a
 * conditional update in the store, so a double click or two racing approvers make one decision.
 * Each returns a line for the person who acted.
 * @throws BotError `auth.not_approver`, `weeknote.not_found`.
 */
export function createDecideDraft(deps: DecideDraftDeps) {
  let sequence = 0;
  async function load(request: DecisionRequest): Promise<{ team: TeamSettings; weeknote: Weeknote }> {
    const team = await deps.teams.settingsFor(request.key.workspace);
    if (!team.approvers.includes(request.user)) {
      throw new BotError("auth.not_approver", "Only the team's approvers can decide on drafts", {
        hint: "Ask an approver, or one of them can add you in /weeknotes config",
      });
    }
    const weeknote = await deps.store.getWeeknote(request.key);
    if (!weeknote) {
      throw new BotError("weeknote.not_found", `There is no ${request.key.week} note`);
    }
    return { team, weeknote };
  }

  async function personName(workspace: string, user: string): Promise<string> {
    return deps.chat.decodeText(workspace, `<@${user}>`);
  }

  async function showOutcome(
    team: TeamSettings,
    weeknote: Weeknote,
    outcome: string | undefined,
  ): Promise<void> {
    const revision = latest(weeknote);
    if (weeknote.review) {
      await deps.chat.updateReview({ team, weeknote, revision, outcome }, weeknote.review);
    }
  }

  async function decide(request: DecisionRequest, status: "approved" | "skipped"): Promise<string> {
    // Loading checks the approver and that the weeknote exists before the conditional update.
    const { team } = await load(request);
    const decided = await deps.store.decideWeeknote(request.key, {
      status,
      by: request.user,
      atMs: deps.clock.now(),
      ...(request.revision === undefined ? {} : { revision: request.revision }),
    });
    if (!decided) {
      const now = await deps.store.getWeeknote(request.key);
      return now && now.status !== "draft"
        ? `The ${request.key.week} note was already ${now.status}.`
        : `The ${request.key.week} draft changed since you saw it: look at the new revision first.`;
    }
    const name = await personName(request.key.workspace, request.user);
    if (status === "skipped") {
      await showOutcome(team, decided, `Skipped by ${name}.`);
      return `Skipped ${request.key.week}.`;
    }
    let where = "";
    try {
      const ref = await deps.chat.publish(team, decided, approvedRevision(decided));
      await deps.store.setPublished(request.key, ref);
      where = " and published it";
    } catch (error) {
      // The approval stands; publishing can be retried by an operator.
      deps.logger.error(
        { week: request.key.week, code: error instanceof BotError ? error.code : "unexpected" },
        "publish failed",
      );
      where = ", but I could not post it to the publish channel: check that I am invited there";
    }
    await showOutcome(team, decided, `Approved by ${name}.`);
    return `Approved ${request.key.week}${where}.`;
  }

  return {
    approve: (request: DecisionRequest) => decide(request, "approved"),
    skip: (request: DecisionRequest) => decide(request, "skipped"),

    /** The Markdown an editor starts from: the latest revision's. */
    async editableText(request: DecisionRequest): Promise<string> {
      const { weeknote } = await load(request);
      return latest(weeknote).markdown;
    },

    /** Saves a person's text as a new revision and shows it in the review message. */
    async edit(request: DecisionRequest & { readonly markdown: string }): Promise<string> {
      const { team, weeknote } = await load(request);
      const previous = latest(weeknote);
      const name = await personName(request.key.workspace, request.user);
      const document = documentFromMarkdown(previous.document, request.markdown, `Edited by ${name}.`);
      const saved = await deps.store.saveDraftRevision(request.key, {
        origin: "human",
        model: undefined,
        promptVersion: undefined,
        highlightIds: previous.highlightIds,
        document,
        // A person's text is kept as they wrote it, not re-rendered (and re-escaped).
        markdown: request.markdown.replace(/\r\n/g, "\n").trim(),
        author: request.user,
        createdAtMs: deps.clock.now(),
      });
      await showOutcome(team, saved, undefined);
      return `Saved your edit of ${request.key.week} as revision ${latest(saved).number}.`;
    },

    /** Summarises the week again, given the previous text and the reason; one at a time per draft. */
    async regenerate(request: DecisionRequest & { readonly reason: string | undefined }): Promise<string> {
      const { team } = await load(request);
      const lease = `regenerate:${request.key.workspace}:${request.key.team}:${request.key.week}`;
      // Each regeneration holds the lease under its own name: a lease is re-entrant for its holder,
      // so the process name alone would let a double submission in this process run twice.
      sequence += 1;
      const holder = `${deps.holder}#${sequence}`;
      if (!(await deps.store.acquireLease(lease, holder, deps.clock.now(), REGENERATE_LEASE_MS))) {
        return `${request.key.week} is already being regenerated.`;
      }
      try {
        // Read again under the lease: a regeneration that finished meanwhile made a new revision.
        const weeknote = await deps.store.getWeeknote(request.key);
        if (weeknote?.status !== "draft") {
          return `The ${request.key.week} note was already ${weeknote?.status ?? "removed"}.`;
        }
        const previous = latest(weeknote);
        if (request.revision !== undefined && previous.number !== request.revision) {
          return `The ${request.key.week} draft changed since you saw it (now revision ${previous.number}): look at it first.`;
        }
        const window = weekWindow(parseWeekKey(request.key.week), team.timezone);
        const highlights = await draftHighlights(deps.store, team, window);
        const series = teamSeriesNumber(team, request.key.week);
        const result = await deps.summariser.summarise({
          week: request.key.week,
          teamName: team.name,
          teamKey: `${team.workspace}/${team.team}`,
          highlights,
          previous: { markdown: previous.markdown, reason: request.reason },
          ...(series === undefined ? {} : { seriesNumber: series }),
        });
        const saved = await deps.store.saveDraftRevision(request.key, {
          origin: result.origin,
          model: result.model,
          promptVersion: result.promptVersion,
          highlightIds: highlights.map((h) => h.id),
          document: result.document,
          markdown: renderMarkdown(result.document),
          author: undefined,
          createdAtMs: deps.clock.now(),
        });
        await showOutcome(team, saved, undefined);
        return `Regenerated ${request.key.week} as revision ${latest(saved).number}.`;
      } finally {
        await deps.store.releaseLease(lease, holder);
      }
    },
  };
}

function latest(weeknote: Weeknote): Revision {
  const revision = weeknote.revisions.at(-1);
  if (!revision) {
    throw new BotError("weeknote.not_found", `The ${weeknote.week} note has no revision`);
  }
  return revision;
}

/** The revision an approval names, else the latest. */
export function approvedRevision(weeknote: Weeknote): Revision {
  return weeknote.revisions.find((r) => r.number === weeknote.approval?.revision) ?? latest(weeknote);
}

/**
 * A person's Markdown as a document: a leading `# ` line is the title, the rest the body. Citations
 * are kept from the revision it replaced, so the note still says where it came from.
 */
function documentFromMarkdown(
  previous: WeeknoteDocument,
  markdown: string,
  footer: string,
): WeeknoteDocument {
  const text = markdown.replace(/\r\n/g, "\n").trim();
  const heading = /^#\s+(.+)\n?/.exec(text);
  const body = heading ? text.slice(heading[0].length).trim() : text;
  return {
    week: previous.week,
    title: heading?.[1]?.trim() || previous.title,
    themes: previous.themes,
    intro: body,
    sections: [],
    intoNextWeek: [],
    footer,
  };
}

export type DecideDraft = ReturnType<typeof createDecideDraft>;
