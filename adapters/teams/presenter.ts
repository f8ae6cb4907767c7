/**
 * Every sentence the Teams bot says to people, made from use-case outcomes (src/domain/outcomes.ts):
 * the same meaning as adapters/slack/presenter.ts, in Teams' terms. There are no slash commands in
 * Teams: commands are messages to the bot (`add <text>`, `last week`, `settings`…), in a channel
 * after an @mention of the bot (`@Weeknotes add …`), and messages are picked with the "Add to
 * weeknotes" message action.
 *
 * Text: the `…Text` functions return message text in Teams' Markdown ("Format your bot messages",
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages), with
 * every part that came from chat or an LLM (team names, titles, a mistyped name) escaped by
 * {@link escapeTeamsMarkdown}, so it shows as written. Lines that go on a card (reviewStatusLine,
 * fieldProblemText) are plain text: cards never read chat text as Markdown (cards.ts).
 * Answers that carry a note are cards (noticeMessages).
 */

import type { Activity } from "botbuilder";
import type { FieldProblem, TeamSettingsField } from "../../src/app/configure-team.ts";
import type { Notice, ReviewStatus } from "../../src/domain/outcomes.ts";
import { forgottenText } from "../forget-words.ts";
import { fieldProblemText, type NameOf, outcomeWords, sectionWords } from "../outcome-words.ts";

export type { NameOf } from "../outcome-words.ts";

import { formatDraftSchedule, type TeamSettings } from "../../src/domain/team.ts";
import { slackEmojiUnicode } from "../emoji/aliases.ts";
import { showBidiControls } from "./card-text.ts";
import { cardAttachment, noteCards } from "./cards.ts";

/** How people address the bot in a channel. */
export const BOT_MENTION = "@Weeknotes";

/** The "Add to weeknotes" message action, as people find it. */
const MESSAGE_ACTION = "**Add to weeknotes** (a message's **…** menu, then **More actions**)";

/** What `help` lists (Teams Markdown). */
export const TEAMS_HELP = [
  `In a channel, mention me first (\`${BOT_MENTION} add …\`); in a chat with me, just type:`,
  "",
  "- `add <text>`: add a highlight (or `add thanks: <text>`, `add coming_up: …`, `add challenges: …`, `add tune: …`)",
  `- ${MESSAGE_ACTION}: add that message`,
  "- `draft [team]`: draft this week's note now (approvers)",
  "- `last week [team]`: last approved note",
  "- `week 2026-W12 [team]`: that week's note, or where its draft stands",
  "- `list [team]`: recent notes",
  "- `settings [team]`: the team's settings",
  "- `new [personal] <name>`: a new team, reviewed in this conversation",
  "- `forget me`: delete your highlights and your tags",
  "- `help`: this list",
].join("\n");

/** The help, after what was not understood when there was something. */
export function helpText(unknown: string | undefined): string {
  return unknown
    ? `I didn't understand "${escapeTeamsMarkdown(oneLine(unknown))}". I can do this.\n\n${TEAMS_HELP}`
    : TEAMS_HELP;
}

/** What the bot says when it is added to a team or a chat. */
export const WELCOME_TEXT = [
  "Hi, I'm Weeknotes. I draft your team's weekly note from the messages you pick, and an approver approves it before it's published.",
  `To start, \`new <team name>\` makes a team whose drafts come to this conversation, and \`settings\` chooses its channels, approvers and schedule. Pick messages with ${MESSAGE_ACTION}, or write \`${BOT_MENTION} add …\`.`,
  "`help` lists everything I can do.",
].join("\n\n");

export const INVITE_HINT =
  "I couldn't read that message, so it isn't in the weeknotes yet. Add the Weeknotes app to this team (the team's **…** menu, **Manage team**, **Apps**), then use **Add to weeknotes** on the message again.";

export { DRAFTING, sectionWords } from "../outcome-words.ts";

/** The outcome sentences every platform shares, in Teams' terms (Teams Markdown, chat parts escaped). */
const words = outcomeWords({
  command: (text) => `\`${text}\``,
  settings: "`settings`",
  openSettings: "send `settings`",
  last: "last week",
  publishHint: "check that the Weeknotes app is added to that team",
  text: (chat) => escapeTeamsMarkdown(chat),
  bullet: "- ",
  listGap: true,
});

export const { draftText, decisionText, answerText, teamProblemText, refusalText } = words;
const { noteAnswerLine } = words;

/** What the words may assume about the deployment. */
export interface TeamsWordsOptions {
  /** Emoji reactions on people's posts are read by the Graph sweep (TEAMS_REACTION_SWEEP). */
  readonly reactionSweep?: boolean;
}

// --- messages -----------------------------------------------------------------------------------

/** A text message showing `markdown` (Teams Markdown we wrote, chat parts already escaped). */
function markdownMessage(markdown: string): Partial<Activity> {
  return { type: "message", text: markdown, textFormat: "markdown" };
}

/** A message showing `text` exactly as written (nothing in it is read as Markdown or HTML). */
export function teamsText(text: string): Partial<Activity> {
  return markdownMessage(escapeTeamsMarkdown(text));
}

/** The help as a message. */
export function helpMessage(unknown?: string): Partial<Activity> {
  return markdownMessage(helpText(unknown));
}

/** The welcome as a message. */
export const WELCOME: Partial<Activity> = markdownMessage(WELCOME_TEXT);

/**
 * The messages that tell a notice, in order: one text message, or, for an answer that carries a
 * note, the answer's line with the note's first card and one message per further card (send them
 * all, in order; each stays within Teams' size limit).
 */
export function noticeMessages(notice: Notice, options: TeamsWordsOptions = {}): Partial<Activity>[] {
  if (notice.kind === "answer" && notice.answer.kind === "note") {
    const { weeknote, revision } = notice.answer;
    const [first, ...rest] = noteCards(undefined, weeknote, revision);
    const line = noteAnswerLine(notice.answer);
    return [
      {
        type: "message",
        text: line,
        textFormat: "markdown",
        attachments: first ? [cardAttachment(first)] : [],
      },
      ...rest.map((card): Partial<Activity> => ({ type: "message", attachments: [cardAttachment(card)] })),
    ];
  }
  return [markdownMessage(noticeText(notice, options))];
}

// --- words --------------------------------------------------------------------------------------

/** The sentence for a notice (Teams Markdown). */
export function noticeText(notice: Notice, options: TeamsWordsOptions = {}): string {
  switch (notice.kind) {
    case "invite_needed":
      return INVITE_HINT;
    case "highlight_added":
      return notice.section === "highlights"
        ? "Added to this week's notes."
        : `Added to this week's notes under ${sectionWords(notice.section)}.`;
    case "team_created": {
      const { team } = notice;
      const key = team.team;
      return notice.existed
        ? `A team with the key \`${key}\` already exists (${name(team)}): \`settings ${key}\` shows its settings, or choose another name.`
        : `Made the team ${name(team)} (\`${key}\`)${team.personal ? ", a personal note in your voice" : ""}: its drafts come to this conversation every ${formatDraftSchedule(team.draftSchedule)} (${escapeTeamsMarkdown(team.timezone)}). \`settings ${key}\` sets its source channels and more.`;
    }
    case "settings_saved":
      return `Saved the settings of ${name(notice.team)}.`;
    case "draft":
      return draftText(notice.outcome);
    case "decision":
      return decisionText(notice.outcome);
    case "answer":
      return answerText(notice.answer);
    case "team_problem":
      return teamProblemText(notice.problem);
    case "reminder":
      return reminderText(notice.team, notice.week, notice.draftAtMs !== undefined, options);
    case "forgotten":
      return forgottenText(notice.highlights, notice.tags);
  }
}

/**
 * The line that replaces the review card's actions once the draft is decided, in plain text (it
 * goes on a card). Without `nameOf` the line names nobody ("Approved.").
 */
export function reviewStatusLine(status: ReviewStatus, nameOf?: NameOf): string | undefined {
  return words.reviewStatusText(status, nameOf);
}

/** {@link reviewStatusLine} by the Slack presenter's name. */
export const reviewStatusText = reviewStatusLine;

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/**
 * "Nothing tagged yet": the week, how to add messages in Teams (the message action, `add`; the
 * team's highlight emoji only when the Graph reaction sweep reads reactions) and when the draft
 * will be made (if ahead).
 */
export function reminderText(
  team: TeamSettings,
  week: string,
  draftAhead: boolean,
  options: TeamsWordsOptions = {},
): string {
  const { weekday, hour, minute } = team.draftSchedule;
  const pad = (n: number) => String(n).padStart(2, "0");
  const when = draftAhead
    ? ` before the draft on ${WEEKDAYS[weekday - 1] ?? "Friday"} at ${pad(hour)}:${pad(minute)}`
    : "";
  const ways = [`use ${MESSAGE_ACTION} on messages worth a mention`, `write \`${BOT_MENTION} add …\``];
  if (options.reactionSweep) {
    const emoji = team.emoji.find(([, section]) => section === "highlights")?.[0] ?? "star";
    const glyph = slackEmojiUnicode()(emoji, undefined);
    ways.push(
      `react with ${glyph ? `${glyph} (${escapeTeamsMarkdown(emoji)})` : escapeTeamsMarkdown(emoji)}`,
    );
  }
  const last = ways.pop() ?? "";
  return `Nothing has been tagged for ${week} yet. To add something to the weeknote${when}, ${ways.join(", ")} or ${last}.`;
}

export { fieldProblemText } from "../outcome-words.ts";

/** configureTeam's problems as the sentences settingsCard shows under the fields. */
export function fieldProblems(
  problems: Partial<Record<TeamSettingsField, FieldProblem>>,
): Partial<Record<TeamSettingsField, string>> {
  const out: Partial<Record<TeamSettingsField, string>> = {};
  for (const [field, problem] of Object.entries(problems) as [TeamSettingsField, FieldProblem][]) {
    // includePrivate has no input of its own on the card; its problem shows under the name.
    const at = field === "includePrivate" ? "name" : field;
    out[at] = out[at] ? `${out[at]} ${fieldProblemText(problem)}` : fieldProblemText(problem);
  }
  return out;
}

// --- escaping -----------------------------------------------------------------------------------

/**
 * Text from chat or an LLM → Teams message Markdown that shows it as written: bidi controls shown
 * as `<U+202E>`; `&`, `<`, `>` as entities (Teams reads HTML tags such as `<at>` in message text);
 * Markdown's punctuation (`\` `` ` `` `*` `_` `~` `[` `]` `#` `|` `{` `}`) and a line-starting list
 * marker (`-`, `+`, the `.` of `1.`) backslash-escaped, CommonMark's escape (Teams renders a subset of
 * CommonMark; `My_Feature_Branch` otherwise shows with italics, spyder007/teamcity-msteams-notifier#25;
 * braces otherwise hide text, MicrosoftDocs/msteams-docs#4956). Not idempotent: escape once.
 */
export function escapeTeamsMarkdown(text: string): string {
  return showBidiControls(text)
    .replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"))
    .replace(/[\\`*_~[\]#|{}]/g, (c) => `\\${c}`)
    .replace(/^([ \t]*)([-+])/gm, (_, indent: string, marker: string) => `${indent}\\${marker}`)
    .replace(/^([ \t]*\d+)([.)])/gm, (_, number: string, marker: string) => `${number}\\${marker}`);
}

function name(team: Pick<TeamSettings, "name">): string {
  return escapeTeamsMarkdown(oneLine(team.name));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
