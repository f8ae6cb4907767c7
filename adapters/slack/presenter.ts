/**
 * Every sentence the Slack bot says to people, made from use-case outcomes (src/domain/outcomes.ts).
 * Plain text: whoever posts it escapes it once (escape.ts). Slack's own words live here and only
 * here: the `/weeknotes` command, `:emoji:` codes, `/invite @weeknotes`.
 */

import type { ActionCheck } from "../../src/app/decide-draft.ts";
import type { Notice, ReviewStatus } from "../../src/domain/outcomes.ts";
import { forgottenText } from "../forget-words.ts";
import { type NameOf, outcomeWords, sectionWords } from "../outcome-words.ts";

export type { NameOf } from "../outcome-words.ts";

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
  "`/weeknotes forget me`: delete your highlights and your tags",
].join("\n");

/** The help, after what was not understood when there was something. */
export function helpText(unknown: string | undefined): string {
  return unknown ? `I didn't understand "${unknown}". I can do:\n${COMMAND_HELP}` : COMMAND_HELP;
}

export const INVITE_HINT =
  "I couldn't read that message, so it isn't in the weeknotes yet. Invite me to the channel (type `/invite @weeknotes` there) and tag it again.";

export { DRAFTING, sectionWords } from "../outcome-words.ts";

/** The outcome sentences every platform shares, in Slack's terms (plain text: posting escapes it). */
const words = outcomeWords({
  command: (text) => `\`/weeknotes ${text}\``,
  settings: "`/weeknotes config`",
  openSettings: "run `/weeknotes config`",
  last: "last",
  publishHint: "check that I am invited there",
  text: (chat) => chat,
  bullet: "• ",
  listGap: false,
});

export const { draftText, decisionText, answerText, noteAnswerLine, teamProblemText, refusalText } = words;

/** The line that replaces the review buttons once the draft is decided. */
export function reviewStatusText(status: ReviewStatus, nameOf: NameOf): string | undefined {
  return words.reviewStatusText(status, nameOf);
}

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
    case "forgotten":
      return forgottenText(notice.highlights, notice.tags);
  }
}

/** Why a click on a review message was refused (decide-draft.ts checkAction). */
export function actionRefusalText(check: Exclude<ActionCheck, { kind: "ok" }>): string {
  return check.kind === "not_this_message"
    ? `That button is not on the ${check.week} draft's review message, so nothing was done.`
    : decisionText(check);
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
