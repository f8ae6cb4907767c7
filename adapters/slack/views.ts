import type { View } from "@slack/types";
import type { HomeView } from "../../src/app/home.ts";
import { graphemesOf } from "../../src/domain/graphemes.ts";
import { showBidiControls } from "../../src/domain/render-markdown.ts";
import { SECTIONS } from "../../src/domain/sections.ts";
import {
  formatDraftSchedule,
  formatSeries,
  HOUSE_STYLE_LIMIT,
  noteLanguageOf,
  type TeamSettings,
} from "../../src/domain/team.ts";
import { splitMrkdwn } from "./blocks.ts";
import { escapeSlackText } from "./escape.ts";

/** callback_ids of our modals; the manifest and the listeners share them. */
export const VIEW_IDS = {
  edit: "weeknote_edit_modal",
  regenerate: "weeknote_regenerate_modal",
  config: "weeknotes_config_modal",
} as const;

// Slack caps a plain_text_input at 3,000 characters (Block Kit reference, plain-text input).
export const EDIT_MAX_CHARS = 3_000;

/** A modal with our ids, a title, a submit label, Cancel, and its input blocks. */
function modal(
  callbackId: string,
  metadata: string,
  title: string,
  submit: string,
  blocks: View["blocks"],
): View {
  return {
    type: "modal",
    callback_id: callbackId,
    private_metadata: metadata,
    title: { type: "plain_text", text: title },
    submit: { type: "plain_text", text: submit },
    close: { type: "plain_text", text: "Cancel" },
    blocks,
  };
}

/** The Edit modal: the draft's Markdown in a multi-line input. */
export function editModal(metadata: string, markdown: string): View {
  return modal(VIEW_IDS.edit, metadata, "Edit the draft", "Save", [
    {
      type: "input",
      block_id: "text",
      label: { type: "plain_text", text: "Weeknote (Markdown)" },
      element: {
        type: "plain_text_input",
        action_id: "value",
        multiline: true,
        max_length: EDIT_MAX_CHARS,
        // Callers refuse longer drafts; cut by graphemes anyway, so no lone surrogate is ever sent.
        initial_value: fitGraphemes(markdown, EDIT_MAX_CHARS),
      },
    },
  ]);
}

/** The Regenerate modal: an optional reason ("shorter", "more about the beta"). */
export function regenerateModal(metadata: string): View {
  return modal(VIEW_IDS.regenerate, metadata, "Regenerate the draft", "Regenerate", [
    {
      type: "input",
      block_id: "reason",
      optional: true,
      label: { type: "plain_text", text: "What should change? (optional)" },
      element: {
        type: "plain_text_input",
        action_id: "value",
        placeholder: { type: "plain_text", text: "shorter" },
      },
    },
  ]);
}

/** What the settings modal carries in its private_metadata (JSON). */
export interface ConfigModalMetadata {
  readonly workspace: string;
  readonly team: string;
  /** Where `/weeknotes config` was typed: the saved settings are confirmed there. */
  readonly channel: string;
}

/** The team settings modal of `/weeknotes config`, typed in `channel`. */
export function configModal(team: TeamSettings, channel: string): View {
  const schedule = formatDraftSchedule(team.draftSchedule);
  const text = (blockId: string, label: string, value: string, hint?: string, optional = false) => ({
    type: "input" as const,
    block_id: blockId,
    optional,
    label: { type: "plain_text" as const, text: label },
    ...(hint ? { hint: { type: "plain_text" as const, text: hint } } : {}),
    element: {
      type: "plain_text_input" as const,
      action_id: "value",
      ...(value ? { initial_value: value } : {}),
    },
  });
  const metadata: ConfigModalMetadata = { workspace: team.workspace, team: team.team, channel };
  return modal(VIEW_IDS.config, JSON.stringify(metadata), "Weeknotes settings", "Save", [
    text("name", "Team name", team.name),
    {
      type: "input",
      block_id: "review",
      label: { type: "plain_text", text: "Review channel (drafts go here)" },
      element: {
        type: "conversations_select",
        action_id: "value",
        ...(team.reviewChannel ? { initial_conversation: team.reviewChannel } : {}),
      },
    },
    {
      type: "input",
      block_id: "publish",
      label: { type: "plain_text", text: "Publish channel (approved notes go here)" },
      element: {
        type: "conversations_select",
        action_id: "value",
        ...(team.publishChannel ? { initial_conversation: team.publishChannel } : {}),
      },
    },
    {
      type: "input",
      block_id: "sources",
      optional: true,
      label: { type: "plain_text", text: "Source channels (none: every channel)" },
      element: {
        type: "multi_conversations_select",
        action_id: "value",
        ...(team.sourceChannels.length > 0 ? { initial_conversations: [...team.sourceChannels] } : {}),
      },
    },
    text("timezone", "Time zone", team.timezone, "An IANA zone such as Europe/London"),
    text("schedule", "Draft time", schedule, "A weekday and a 24-hour time, such as Friday 14:00"),
    text(
      "reminder",
      "Reminder time",
      team.reminder ? formatDraftSchedule(team.reminder) : "",
      'Optional: when to say "nothing tagged yet" in the review channel, such as Thursday 15:00',
      true,
    ),
    {
      type: "input",
      block_id: "approvers",
      label: { type: "plain_text", text: "Approvers" },
      element: { type: "multi_users_select", action_id: "value", initial_users: [...team.approvers] },
    },
    text(
      "emoji",
      "Emoji → section",
      team.emoji.map(([name, section]) => `${name}=${section}`).join(", "),
      `NAME=SECTION, comma-separated. Sections: ${SECTIONS.join(", ")}`,
    ),
    text(
      "series",
      "Series number",
      team.series ? formatSeries(team.series) : "",
      "Optional: a week and its number, such as 2026-W13 = 3.12",
      true,
    ),
    {
      type: "input",
      block_id: "language",
      label: { type: "plain_text", text: "Language of the note's headings" },
      element: {
        type: "static_select",
        action_id: "value",
        options: [...LANGUAGE_OPTIONS],
        initial_option: LANGUAGE_OPTIONS.find((o) => o.value === noteLanguageOf(team)) ?? LANGUAGE_OPTIONS[0],
      },
    },
    {
      type: "input",
      block_id: "house_style",
      optional: true,
      label: { type: "plain_text", text: "House style" },
      hint: {
        type: "plain_text",
        text: "Optional Markdown, at most 2,000 characters: what the note should do or never do, such as no exclamation marks",
      },
      element: {
        type: "plain_text_input",
        action_id: "value",
        multiline: true,
        max_length: HOUSE_STYLE_LIMIT,
        ...(team.houseStyle ? { initial_value: team.houseStyle } : {}),
      },
    },
    {
      type: "input",
      block_id: "personal",
      optional: true,
      label: { type: "plain_text", text: "Personal note" },
      element: {
        type: "checkboxes",
        action_id: "value",
        options: [PERSONAL_OPTION],
        ...(team.personal ? { initial_options: [PERSONAL_OPTION] } : {}),
      },
    },
    {
      type: "input",
      block_id: "members",
      optional: true,
      label: { type: "plain_text", text: "Members (a personal note counts only their tags)" },
      element: {
        type: "multi_users_select",
        action_id: "value",
        ...(team.members.length > 0 ? { initial_users: [...team.members] } : {}),
      },
    },
  ]);
}

/** The settings modal's language choices; the value is the NoteLanguage. */
export const LANGUAGE_OPTIONS = [
  { text: { type: "plain_text", text: "English" }, value: "en" },
  { text: { type: "plain_text", text: "Cymraeg (Welsh)" }, value: "cy" },
] as const;

/** The one option of the "Personal note" checkbox. */
export const PERSONAL_OPTION = {
  text: { type: "plain_text" as const, text: 'Written as "I": only the members\' tags count' },
  value: "personal",
};

// A Home section's text stays under Slack's 3,000 characters (Block Kit section reference).
const HOME_SECTION_LIMIT = 2_900;

/** Text cut to `limit` characters at a safe place (never inside an entity, a link or a grapheme). */
function capText(text: string, limit = HOME_SECTION_LIMIT): string {
  if (text.length <= limit) {
    return text;
  }
  return `${splitMrkdwn(text, limit - 1)[0] ?? ""}…`;
}

/** The longest run of whole graphemes from the start of `text` within `maxUnits` UTF-16 code units. */
function fitGraphemes(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) {
    return text;
  }
  let end = 0;
  for (const part of graphemesOf(text)) {
    if (end + part.length > maxUnits) {
      break;
    }
    end += part.length;
  }
  return text.slice(0, end);
}

/** Plain text cut to at most `max` graphemes, with an ellipsis when cut. */
function clip(text: string, max: number): string {
  const graphemes = [...graphemesOf(text)];
  return graphemes.length <= max ? text : `${graphemes.slice(0, max).join("")}…`;
}

/** Text from chat (a message, a name, a title) as escaped mrkdwn on one line, shown as written. */
function chatLine(text: string): string {
  return escapeSlackText(showBidiControls(text.replace(/\s+/g, " ").trim()));
}

/**
 * The App Home tab: this week's highlights of the person's team so far and its recent notes. Chat
 * text and names are shown as written (as in blocks.ts): escaped, bidi controls visible, and the
 * sections `verbatim`, so Slack makes no link or mention of anything in them.
 */
export function homeView(view: HomeView): View {
  const { week, highlights, notes, team } = view;
  const lines = highlights
    .slice(0, 40)
    .map(
      (h) =>
        `• ${chatLine(clip(h.text, 140))} _(${chatLine(h.authorName)}, #${chatLine(h.conversationName)})_`,
    );
  const more = highlights.length > 40 ? [`…and ${highlights.length - 40} more`] : [];
  return {
    type: "home",
    blocks: [
      // Header text is plain text, at most 150 characters (Block Kit header reference).
      {
        type: "header",
        text: { type: "plain_text", text: clip(`${showBidiControls(team.name)}: this week (${week})`, 140) },
      },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          verbatim: true,
          text:
            highlights.length > 0
              ? capText([...lines, ...more].join("\n"))
              : "Nothing tagged yet. Add a :star: to a message.",
        },
      },
      { type: "divider" },
      { type: "header", text: { type: "plain_text", text: "Recent weeknotes" } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          verbatim: true,
          text:
            notes.length > 0
              ? capText(
                  notes
                    .map(
                      (w) =>
                        `• ${w.week}: ${w.status}${w.revisions.at(-1) ? ` — ${chatLine(w.revisions.at(-1)?.document.title ?? "")}` : ""}`,
                    )
                    .join("\n"),
                )
              : "No weeknotes yet.",
        },
      },
    ],
  };
}
