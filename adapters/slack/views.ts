import type { View } from "@slack/types";
import type { Highlight } from "../../src/domain/highlight.ts";
import { SECTIONS } from "../../src/domain/sections.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import type { Weeknote } from "../../src/domain/weeknote.ts";
import { escapeSlackText } from "./escape.ts";

/** callback_ids of our modals; the manifest and the listeners share them. */
export const VIEW_IDS = {
  edit: "weeknote_edit_modal",
  regenerate: "weeknote_regenerate_modal",
  config: "weeknotes_config_modal",
} as const;

// Slack caps a plain_text_input at 3,000 characters (Block Kit reference, plain-text input).
export const EDIT_MAX_CHARS = 3_000;

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

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
        initial_value: markdown.slice(0, EDIT_MAX_CHARS),
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

/** The team settings modal of `/weeknotes config`. */
export function configModal(team: TeamSettings): View {
  const schedule = `${WEEKDAYS[team.draftSchedule.weekday - 1] ?? "Friday"} ${String(team.draftSchedule.hour).padStart(2, "0")}:${String(team.draftSchedule.minute).padStart(2, "0")}`;
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
  const metadata = JSON.stringify({ workspace: team.workspace, team: team.team });
  return modal(VIEW_IDS.config, metadata, "Weeknotes settings", "Save", [
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
    text("timezone", "Time zone", team.timezone, "An IANA zone such as Europe/London"),
    text("schedule", "Draft time", schedule, "A weekday and a 24-hour time, such as Friday 14:00"),
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
      team.series ? `${team.series.week} = ${team.series.year}.${team.series.number}` : "",
      "Optional: a week and its number, such as 2026-W13 = 3.12",
      true,
    ),
  ]);
}

/** The App Home tab: this week's highlights so far and the recent notes. */
export function homeView(week: string, highlights: readonly Highlight[], notes: readonly Weeknote[]): View {
  const lines = highlights
    .slice(0, 40)
    .map(
      (h) =>
        `• ${escapeSlackText(h.text.slice(0, 140))} _(${escapeSlackText(h.authorName)}, #${escapeSlackText(h.channelName)})_`,
    );
  const more = highlights.length > 40 ? [`…and ${highlights.length - 40} more`] : [];
  return {
    type: "home",
    blocks: [
      { type: "header", text: { type: "plain_text", text: `This week (${week})` } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text:
            highlights.length > 0
              ? [...lines, ...more].join("\n").slice(0, 2_900)
              : "Nothing tagged yet. Add a :star: to a message.",
        },
      },
      { type: "divider" },
      { type: "header", text: { type: "plain_text", text: "Recent weeknotes" } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text:
            notes.length > 0
              ? notes
                  .map(
                    (w) =>
                      `• ${w.week}: ${w.status}${w.revisions.at(-1) ? ` — ${escapeSlackText(w.revisions.at(-1)?.document.title ?? "")}` : ""}`,
                  )
                  .join("\n")
                  .slice(0, 2_900)
              : "No weeknotes yet.",
        },
      },
    ],
  };
}
