import { formatWeekKey, resolveWeek } from "../domain/week.ts";
import type { Revision, Weeknote } from "../domain/weeknote.ts";
import type { Clock } from "../ports/clock.ts";
import type { Store } from "../ports/store.ts";
import { approvedRevision } from "./decide-draft.ts";
import type { TeamDirectory } from "./teams.ts";

export interface AnswerDeps {
  readonly store: Store;
  readonly teams: TeamDirectory;
  readonly clock: Clock;
}

/** An answer: a line of text, and the approved note to show with it when there is one. */
export interface Answer {
  readonly text: string;
  readonly note: { readonly weeknote: Weeknote; readonly revision: Revision } | undefined;
}

const RECENT = 10;

/**
 * Answers "last week", "week 2026-W12" and "list" (SPEC §1 step 4) from the store alone, fast
 * enough for an acknowledgement. Only approved text is shown as a note; a draft gets where it
 * stands.
 * @throws BotError `input.bad_week` for a week that cannot be read.
 */
export function createAnswerWeekRequest(deps: AnswerDeps) {
  async function recent(workspace: string, limit: number): Promise<Weeknote[]> {
    const team = await deps.teams.settingsFor(workspace);
    return deps.store.listWeeknotes({ workspace, team: team.team, limit });
  }

  return {
    async last(workspace: string): Promise<Answer> {
      const approved = (await recent(workspace, 50)).find((w) => w.status === "approved");
      if (!approved) {
        return { text: "No weeknote has been approved yet.", note: undefined };
      }
      return {
        text: `The latest approved weeknote, ${approved.week}:`,
        note: { weeknote: approved, revision: approvedRevision(approved) },
      };
    },

    async week(workspace: string, spec: string): Promise<Answer> {
      const team = await deps.teams.settingsFor(workspace);
      const week = formatWeekKey(resolveWeek(spec, deps.clock.now(), team.timezone).key);
      const weeknote = await deps.store.getWeeknote({ workspace, team: team.team, week });
      if (!weeknote) {
        return { text: `There is no note for ${week}.`, note: undefined };
      }
      if (weeknote.status === "approved") {
        return { text: `The ${week} weeknote:`, note: { weeknote, revision: approvedRevision(weeknote) } };
      }
      if (weeknote.status === "skipped") {
        return { text: `${week} was skipped.`, note: undefined };
      }
      const revisions = weeknote.revisions.length;
      return {
        text: `The ${week} draft is waiting for approval (${revisions} revision${revisions === 1 ? "" : "s"} so far).`,
        note: undefined,
      };
    },

    async list(workspace: string): Promise<Answer> {
      const notes = await recent(workspace, RECENT);
      if (notes.length === 0) {
        return { text: "There are no weeknotes yet.", note: undefined };
      }
      const lines = notes.map(
        (w) =>
          `• ${w.week}: ${w.status}${w.status === "approved" ? ` — ${w.revisions.at(-1)?.document.title ?? ""}` : ""}`,
      );
      return { text: ["Recent weeknotes:", ...lines].join("\n"), note: undefined };
    },
  };
}

export type AnswerWeekRequest = ReturnType<typeof createAnswerWeekRequest>;
