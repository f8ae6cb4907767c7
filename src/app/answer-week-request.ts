import type { Platform } from "../domain/message-ref.ts";
import type { Answer, Notice } from "../domain/outcomes.ts";
import { formatWeekKey, resolveWeek } from "../domain/week.ts";
import { approvedRevision } from "../domain/weeknote.ts";
import type { Clock } from "../ports/clock.ts";
import type { WeeknoteStore } from "../ports/store.ts";
import type { TeamDirectory } from "./teams.ts";

export interface AnswerDeps {
  readonly weeknotes: WeeknoteStore;
  readonly teams: TeamDirectory;
  readonly clock: Clock;
}

/** A question, where it was asked, and the team it named if any. */
export interface WeekQuestion {
  readonly platform: Platform;
  readonly workspace: string;
  readonly conversationId?: string | undefined;
  readonly team?: string | undefined;
  readonly ask:
    | { readonly kind: "last" }
    | { readonly kind: "week"; readonly week: string }
    | { readonly kind: "list" };
}

/**
 * Answers "last week", "week 2026-W12" and "list" (SPEC §1 step 4) for the team the question is
 * about (TeamDirectory.resolve), from the store alone: fast enough for an acknowledgement. Only
 * approved text is shown as a note; a draft gets where it stands.
 * @throws BotError `input.bad_week` for a week that cannot be read.
 */
export interface AnswerWeekRequest {
  answer(question: WeekQuestion): Promise<Extract<Notice, { kind: "answer" | "team_problem" }>>;
}

const RECENT = 10;
// How far back "last" looks for an approved note among the team's notes.
const LAST_SEARCH = 50;

export function createAnswerWeekRequest(deps: AnswerDeps): AnswerWeekRequest {
  return {
    async answer(question) {
      const choice = await deps.teams.resolve({
        platform: question.platform,
        workspace: question.workspace,
        conversationId: question.conversationId,
        name: question.team,
      });
      if (choice.kind !== "team") {
        return { kind: "team_problem", problem: choice };
      }
      const team = choice.team;
      const key = { workspace: team.workspace, team: team.team };
      let answer: Answer;
      switch (question.ask.kind) {
        case "last": {
          const notes = await deps.weeknotes.listWeeknotes({ ...key, limit: LAST_SEARCH });
          // The list holds each note's latest revision, which for an approved note is the one
          // approved: no revision can be added after a decision.
          const approved = notes.find((w) => w.status === "approved");
          answer = approved
            ? { kind: "note", weeknote: approved, revision: approvedRevision(approved), latest: true }
            : { kind: "none_approved" };
          break;
        }
        case "week": {
          const week = formatWeekKey(resolveWeek(question.ask.week, deps.clock.now(), team.timezone).key);
          const weeknote = await deps.weeknotes.getWeeknote({ ...key, week });
          if (!weeknote) {
            answer = { kind: "no_note", week };
          } else if (weeknote.status === "approved") {
            answer = { kind: "note", weeknote, revision: approvedRevision(weeknote), latest: false };
          } else if (weeknote.status === "skipped") {
            answer = { kind: "skipped", week };
          } else {
            answer = { kind: "waiting", week, revisions: weeknote.revisions.length };
          }
          break;
        }
        case "list": {
          const notes = await deps.weeknotes.listWeeknotes({ ...key, limit: RECENT });
          answer = {
            kind: "list",
            notes: notes.map((w) => ({
              week: w.week,
              status: w.status,
              title: w.revisions.at(-1)?.document.title,
            })),
          };
          break;
        }
      }
      return { kind: "answer", answer };
    },
  };
}
