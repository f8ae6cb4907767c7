/**
 * Every sentence the Slack bot says to people, made from use-case outcomes (src/domain/outcomes.ts).
 * Plain text: whoever posts it escapes it once (escape.ts). Slack's own words live here and only
 * here: the `/weeknotes` command, `:emoji:` codes, `/invite @weeknotes`.
 */

import type {
  Answer,
  DecisionOutcome,
  DraftOutcome,
  Notice,
  ReviewStatus,
  TeamProblem,
} from "../../src/domain/outcomes.ts";
import type { Section } from "../../src/domain/sections.ts";
import { formatDraftSchedule, type TeamSettings } from "../../src/domain/team.ts";

/** What `/weeknotes help` lists. */
export const COMMAND_HELP = [
  "`/weeknotes add <text>`: add a highlight (or `add thanks: <text>`, `add coming_up: …`, `add challenges: …`, `add tune: …`)",
  "`/weeknotes draft [team]`: draft this week's note now (approvers)",
  "`/weeknotes last [team]`: last approved note",
  "`/weeknotes week 2026-W12 [team]`: that week's note, or where its draft stands",
  "`/weeknotes list [team]`: recent notes",
  "`/weeknotes config [team]`: the team's settings",
  "`/weeknotes new [personal] <name>`: a new team, reviewed in this channel",
].join("\n");

/** The help, after what was not understood when there was something. */
export function helpText(unknown: string | undefined): string {
  return unknown ? `I didn't understand "${unknown}". I can do:\n${COMMAND_HELP}` : COMMAND_HELP;
}

export const INVITE_HINT =
  "I couldn't read that message, so it isn't in the weeknotes yet. Invite me to the channel (type `/invite @weeknotes` there) and tag it again.";

export const DRAFTING = "Drafting this week's weeknote…";

/** A section as people read it: `coming_up` → `coming up`. */
export function sectionWords(section: Section): string {
  return section.replace("_", " ");
}

/** Names a user for a sentence: `@Alice`. */
export type NameOf = (userId: string) => string;

/** The sentence for a notice. */
export function noticeText(notice: Notice): string {
  switch (notice.kind) {
    case "invite_needed":
      return INVITE_HINT;
    case "highlight_added":
      return notice.section === "highlights"
        ? "Added to this week's notes."
        : `Added to this week's notes under ${sectionWords(notice.section)}.`;
    case "team_created":
      return notice.existed
        ? `A team with the key \`${notice.team.team}\` already exists (${notice.team.name}): \`/weeknotes config ${notice.team.team}\` shows its settings, or choose another name.`
        : `Made the team ${notice.team.name} (\`${notice.team.team}\`)${notice.team.personal ? ", a personal note in your voice" : ""}: its drafts come to this channel every ${formatDraftSchedule(notice.team.draftSchedule)} (${notice.team.timezone}). \`/weeknotes config ${notice.team.team}\` sets its source channels and more.`;
    case "settings_saved":
      return `Saved the settings of ${notice.team.name}.`;
    case "draft":
      return draftText(notice.outcome);
    case "decision":
      return decisionText(notice.outcome);
    case "answer":
      return answerText(notice.answer);
    case "team_problem":
      return teamProblemText(notice.problem);
    case "reminder":
      return reminderText(notice.team, notice.week, notice.draftAtMs !== undefined);
  }
}

export function draftText(outcome: DraftOutcome): string {
  switch (outcome.kind) {
    case "posted":
      return `Drafted ${outcome.week} from ${outcome.highlights} highlight${outcome.highlights === 1 ? "" : "s"} and posted it for review in the team's review channel.`;
    case "empty":
      return `Nothing has been tagged for ${outcome.week} yet, so there is no draft.`;
    case "decided":
      return outcome.status && outcome.status !== "draft"
        ? `The ${outcome.week} note is already ${outcome.status}.`
        : `The ${outcome.week} note was not drafted: it is already decided.`;
    case "no_review_channel":
      return "The team has no review channel yet: run `/weeknotes config`.";
    case "taken_over":
      return `Another copy of the bot is drafting ${outcome.week}; its draft will be posted for review.`;
  }
}

export function decisionText(outcome: DecisionOutcome): string {
  const week = outcome.week;
  switch (outcome.kind) {
    case "approved":
      return outcome.published
        ? `Approved ${week} and published it.`
        : `Approved ${week}, but I could not post it to the publish channel: check that I am invited there.`;
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
      return "Only the team's approvers can decide on drafts. Ask an approver, or one of them can add you in /weeknotes config";
    case "not_found":
      return `There is no ${week} note`;
  }
}

/** An answer; a note's text (its Markdown) follows the line. */
export function answerText(answer: Answer): string {
  switch (answer.kind) {
    case "note": {
      const line = answer.latest
        ? `The latest approved weeknote, ${answer.weeknote.week}:`
        : `The ${answer.weeknote.week} weeknote:`;
      return `${line}\n\n${answer.revision.markdown}`;
    }
    case "none_approved":
      return "No weeknote has been approved yet.";
    case "no_note":
      return `There is no note for ${answer.week}.`;
    case "skipped":
      return `${answer.week} was skipped.`;
    case "waiting":
      return `The ${answer.week} draft is waiting for approval (${answer.revisions} revision${answer.revisions === 1 ? "" : "s"} so far).`;
    case "list":
      return answer.notes.length === 0
        ? "There are no weeknotes yet."
        : [
            "Recent weeknotes:",
            ...answer.notes.map(
              (w) => `• ${w.week}: ${w.status}${w.status === "approved" ? ` — ${w.title ?? ""}` : ""}`,
            ),
          ].join("\n");
  }
}

export function teamProblemText(problem: TeamProblem): string {
  switch (problem.kind) {
    case "unknown_team":
      return problem.teams.length > 0
        ? `There is no team "${problem.name}". The teams are: ${problem.teams.join(", ")}.`
        : `There is no team "${problem.name}".`;
    case "which_team":
      return `Several teams could be meant here: add the team's key after the command, such as \`/weeknotes last ${problem.teams[0] ?? "team"}\`. The teams are: ${problem.teams.join(", ")}.`;
    case "not_approver":
      return "Only the team's approvers can do that. Ask one of them, or see /weeknotes config.";
    case "bad_team_name":
      return `"${problem.name}" can't be a team's name: give it at least one letter or digit, such as \`/weeknotes new Bins service\`.`;
  }
}

/** Refusals while Slack waits, worded for the command that was refused. */
export function refusalText(problem: TeamProblem, command: "draft" | "config"): string {
  if (problem.kind !== "not_approver") {
    return teamProblemText(problem);
  }
  return command === "draft"
    ? "Only the team's approvers can draft the weeknote. Ask one of them, or see /weeknotes config."
    : "Only the team's approvers can change its settings.";
}

/** The line that replaces the review buttons once the draft is decided. */
export function reviewStatusText(status: ReviewStatus, nameOf: NameOf): string | undefined {
  switch (status.kind) {
    case "open":
      return undefined;
    case "approved":
      return `Approved by ${nameOf(status.by)}.`;
    case "skipped":
      return `Skipped by ${nameOf(status.by)}.`;
    case "moved":
      return "The review moved to the team's new review channel.";
  }
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** "Nothing tagged yet": the week, the emoji to use and when the draft will be made (if ahead). */
export function reminderText(team: TeamSettings, week: string, draftAhead: boolean): string {
  const emoji = team.emoji.find(([, section]) => section === "highlights")?.[0] ?? "star";
  const { weekday, hour, minute } = team.draftSchedule;
  const pad = (n: number) => String(n).padStart(2, "0");
  const when = draftAhead
    ? ` before the draft on ${WEEKDAYS[weekday - 1] ?? "Friday"} at ${pad(hour)}:${pad(minute)}`
    : "";
  return `Nothing has been tagged for ${week} yet. React with :${emoji}: to messages worth a mention in the weeknote${when}.`;
}
