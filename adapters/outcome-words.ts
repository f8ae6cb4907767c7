import type { FieldProblem } from "../src/app/configure-team.ts";
import type {
  Answer,
  DecisionOutcome,
  DraftOutcome,
  ReviewStatus,
  TeamProblem,
} from "../src/domain/outcomes.ts";
import type { Section } from "../src/domain/sections.ts";

/**
 * The English sentences for use-case outcomes that every chat platform says alike (SPEC §3: rules
 * in use cases, words in presenters). A platform's presenter gives what differs: how its commands
 * are written and where its settings are, and how text that came from chat is made safe in its
 * markup; everything else reads the same in Slack and in Teams.
 */
export interface PlatformWording {
  /** A command as people type it, as a code span: Slack "`/weeknotes last bins`", Teams "`last week bins`". */
  command(words: string): string;
  /** Where a team's settings are changed, for "see …": Slack "`/weeknotes config`", Teams "`settings`". */
  readonly settings: string;
  /** How to open them, for "… to choose one": Slack "run `/weeknotes config`", Teams "send `settings`". */
  readonly openSettings: string;
  /** The words that ask for the latest note: Slack "last", Teams "last week". */
  readonly last: string;
  /** What to check when an approved note could not be posted to the publish channel. */
  readonly publishHint: string;
  /** Text that came from chat or an LLM (a name, a title), made to show as written. */
  text(chat: string): string;
  /** A list item's marker with its space: "• " or "- ". */
  readonly bullet: string;
  /** Whether a list needs an empty line before it (Markdown lists do; Slack's bullets do not). */
  readonly listGap: boolean;
}

/** Names a person for a sentence (a display name, or a mention the platform renders). */
export type NameOf = (userId: string) => string;

export interface OutcomeWords {
  draftText(outcome: DraftOutcome): string;
  /** What a decision did; no markup and nothing from chat, so it reads the same on a card. */
  decisionText(outcome: DecisionOutcome): string;
  /** An answer; a note's text (its Markdown) follows its line. */
  answerText(answer: Answer): string;
  /** The line that introduces a note answer. */
  noteAnswerLine(answer: Extract<Answer, { kind: "note" }>): string;
  teamProblemText(problem: TeamProblem): string;
  /** Refusals while the platform waits, worded for the command that was refused. */
  refusalText(problem: TeamProblem, command: "draft" | "config"): string;
  /** The line that replaces a review's buttons once decided; without `nameOf` it names nobody. */
  reviewStatusText(status: ReviewStatus, nameOf?: NameOf): string | undefined;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

export function outcomeWords(w: PlatformWording): OutcomeWords {
  const text = (chat: string) => w.text(oneLine(chat));

  function noteAnswerLine(answer: Extract<Answer, { kind: "note" }>): string {
    return answer.latest
      ? `The latest approved weeknote, ${answer.weeknote.week}:`
      : `The ${answer.weeknote.week} weeknote:`;
  }

  function teamProblemText(problem: TeamProblem): string {
    const teams = (keys: readonly string[]) => keys.map(text).join(", ");
    switch (problem.kind) {
      case "unknown_team":
        return problem.teams.length > 0
          ? `There is no team "${text(problem.name)}". The teams are: ${teams(problem.teams)}.`
          : `There is no team "${text(problem.name)}".`;
      case "which_team":
        return `Several teams could be meant here: add the team's key after the command, such as ${w.command(`${w.last} ${(problem.teams[0] ?? "team").replace(/`/g, "")}`)}. The teams are: ${teams(problem.teams)}.`;
      case "not_approver":
        return `Only the team's approvers can do that. Ask one of them, or see ${w.settings}.`;
      case "bad_team_name":
        return `"${text(problem.name)}" can't be a team's name: give it at least one letter or digit, such as ${w.command("new Bins service")}.`;
    }
  }

  return {
    noteAnswerLine,
    teamProblemText,

    draftText(outcome) {
      switch (outcome.kind) {
        case "posted":
          return `Drafted ${outcome.week} from ${plural(outcome.highlights, "highlight")} and posted it for review in the team's review channel.`;
        case "empty":
          return `Nothing has been tagged for ${outcome.week} yet, so there is no draft.`;
        case "decided":
          return outcome.status && outcome.status !== "draft"
            ? `The ${outcome.week} note is already ${outcome.status}.`
            : `The ${outcome.week} note was not drafted: it is already decided.`;
        case "no_review_channel":
          return `The team has no review channel yet: ${w.openSettings} to choose one.`;
        case "taken_over":
          return `Another copy of the bot is drafting ${outcome.week}; its draft will be posted for review.`;
        case "in_progress":
          return `A draft of ${outcome.week} is being made right now; it will be posted for review in the team's review channel, so there is no second one.`;
      }
    },

    decisionText(outcome) {
      const week = outcome.week;
      switch (outcome.kind) {
        case "approved":
          return outcome.published
            ? `Approved ${week} and published it.`
            : `Approved ${week}, but I could not post it to the publish channel: ${w.publishHint}.`;
        case "skipped":
          return `Skipped ${week}.`;
        case "edited":
          return `Saved your edit of ${week} as revision ${outcome.revision}.`;
        case "regenerated":
          return `Regenerated ${week} as revision ${outcome.revision}.`;
        case "already_decided":
          return `The ${week} note was already ${outcome.status}.`;
        case "changed":
          return outcome.revision === undefined
            ? `The ${week} draft changed since you saw it: look at the new revision first.`
            : `The ${week} draft changed since you saw it (now revision ${outcome.revision}): look at it first.`;
        case "busy":
          return `${week} is already being regenerated.`;
        case "not_approver":
          return "Only the team's approvers can decide on drafts. Ask an approver; one of them can add you in the team's settings.";
        case "not_found":
          return `There is no ${week} note.`;
      }
    },

    answerText(answer) {
      switch (answer.kind) {
        case "note":
          return `${noteAnswerLine(answer)}\n\n${answer.revision.markdown}`;
        case "none_approved":
          return "No weeknote has been approved yet.";
        case "no_note":
          return `There is no note for ${answer.week}.`;
        case "skipped":
          return `${answer.week} was skipped.`;
        case "waiting":
          return `The ${answer.week} draft is waiting for approval (${plural(answer.revisions, "revision")} so far).`;
        case "list":
          return answer.notes.length === 0
            ? "There are no weeknotes yet."
            : [
                "Recent weeknotes:",
                ...(w.listGap ? [""] : []),
                ...answer.notes.map(
                  (n) =>
                    `${w.bullet}${n.week}: ${n.status}${n.status === "approved" ? ` — ${text(n.title ?? "")}` : ""}`,
                ),
              ].join("\n");
      }
    },

    refusalText(problem, command) {
      if (problem.kind !== "not_approver") {
        return teamProblemText(problem);
      }
      return command === "draft"
        ? `Only the team's approvers can draft the weeknote. Ask one of them, or see ${w.settings}.`
        : "Only the team's approvers can change its settings.";
    },

    reviewStatusText(status, nameOf) {
      switch (status.kind) {
        case "open":
          return undefined;
        case "approved":
          return nameOf ? `Approved by ${nameOf(status.by)}.` : "Approved.";
        case "skipped":
          return nameOf ? `Skipped by ${nameOf(status.by)}.` : "Skipped.";
        case "moved":
          return "The review moved to the team's new review channel.";
      }
    },
  };
}

/** Why a settings field was refused, in plain text (under the field of a Slack modal or a Teams card). */
export function fieldProblemText(problem: FieldProblem): string {
  switch (problem.problem) {
    case "not_approver":
      return "Only the team's approvers can change its settings.";
    case "bad_timezone":
      return "Not a time zone: use an IANA name such as Europe/London.";
    case "bad_schedule":
      return "Write a weekday and a time, such as Friday 14:00.";
    case "bad_reminder":
      return "Write a weekday and a time, such as Thursday 15:00, or leave it empty.";
    case "bad_emoji":
      return problem.detail ?? "Write NAME=SECTION pairs, comma-separated.";
    case "bad_series":
      return "Write a week and its note's number, such as 2026-W13 = 3.12 or 2026-W13 = 42 (numbers from 1), or leave it empty.";
    case "no_approvers":
      return "A team needs at least one approver.";
    case "no_members":
      return "A personal note needs its writer among the members.";
    case "bad_language":
      return "Choose English (en) or Welsh (cy).";
    case "house_style_too_long":
      return "Keep the house style to 2,000 characters.";
  }
}

export const DRAFTING = "Drafting this week's weeknote…";

/** A section as people read it: `coming_up` → `coming up`. */
export function sectionWords(section: Section): string {
  return section.replace("_", " ");
}
