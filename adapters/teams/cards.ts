/**
 * The Adaptive Cards (schema 1.5) the Teams bot posts, as pure JSON builders: the draft for review
 * with its Approve / Edit / Regenerate / Skip actions (SPEC §4: Action.Execute, Universal
 * Actions), the same card once decided (no actions, the outcome instead), a published or answered
 * note, the "Add to weeknotes" section picker of the message action, and the team settings card.
 * Parsing what comes back lives in card-actions.ts (re-exported here).
 *
 * - Text: chat and LLM text is never Markdown on our cards (card-elements.ts: RichTextBlock runs),
 *   bidi controls are shown as `<U+202E>`, and a card reads right to left (`rtl: true`) when the
 *   note's letters are mostly Hebrew, Arabic… (card-text.ts).
 * - Size: each card, inside its message activity, stays within Teams' 28 KB (card-note.ts:
 *   MESSAGE_BYTE_LIMIT, CARD_BYTE_LIMIT); a long note continues on further cards, split between
 *   paragraphs or lines, never cut; the actions stay on the first card.
 * - Decisions: every Action.Execute carries `verb` and `data: {verb, workspace, team, week,
 *   revision}`, so an invoke routes by its data when `verb` is missing, and a decision on a card
 *   showing an older revision can be refused.
 */

import type { AdaptiveCardInvokeResponse, Attachment, TaskModuleResponse } from "botbuilder";
import type { TeamSettingsField, TeamSettingsForm } from "../../src/app/configure-team.ts";
import type { ReviewView } from "../../src/domain/outcomes.ts";
import { SECTIONS, type Section } from "../../src/domain/sections.ts";
import {
  formatDraftSchedule,
  formatSeries,
  HOUSE_STYLE_LIMIT,
  noteLanguageOf,
  type TeamSettings,
} from "../../src/domain/team.ts";
import type { Revision, Weeknote } from "../../src/domain/weeknote.ts";
import { CARD_INPUTS, type DecisionVerb, SETTINGS_INPUTS } from "./card-actions.ts";
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  type AdaptiveCard,
  adaptiveCard,
  type CardAction,
  type CardElement,
  type Choice,
  type ExecuteAction,
  type InputChoiceSet,
  type InputText,
  type NestedCard,
  ourText,
} from "./card-elements.ts";
import { CARD_BYTE_LIMIT, layOutNote, madeBy, noteElements, noteIsRtl, statusLine } from "./card-note.ts";
import { payloadBytes, showBidiControls, textBytes } from "./card-text.ts";

export {
  CARD_INPUTS,
  CARD_VERBS,
  type CardActionRequest,
  type CardVerb,
  type DecisionVerb,
  parseCardAction,
  parseSectionChoice,
  SETTINGS_INPUTS,
  settingsFields,
} from "./card-actions.ts";
export { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from "./card-elements.ts";
export { ACTIVITY_ENVELOPE_BYTES, CARD_BYTE_LIMIT, MESSAGE_BYTE_LIMIT } from "./card-note.ts";
export { payloadBytes } from "./card-text.ts";

/**
 * Most bytes (payloadBytes of the JSON string) of a draft's Markdown prefilled in the Edit box.
 * A longer draft cannot be edited on the card: with the note shown beside it, the card would pass
 * the size limit, and a cut text box would lose the draft's end on Save.
 */
export const EDIT_MAX_BYTES = 12_000;
/** Most characters of a Regenerate reason. */
export const REASON_MAX_CHARS = 500;

/** What an Action.Execute of a review card carries (and what parseCardAction reads back). */
export interface DecisionData {
  readonly verb: DecisionVerb;
  readonly workspace: string;
  readonly team: string;
  /** Week key, `2026-W13`. */
  readonly week: string;
  /** The revision the card shows. */
  readonly revision: number;
}

/** The first card and the cards the note continues on (to post after it, in its thread). */
export interface ReviewCards {
  readonly card: AdaptiveCard;
  readonly continuation: readonly AdaptiveCard[];
}

/**
 * The draft for review, from the view's revision document: "Draft weeknote · 2026-W13", the note,
 * a footer (team, revision, how it was made), then, while `view.status` is open, the actions
 * Approve, Edit (a form with the Markdown and Save), Regenerate (a form with an optional reason)
 * and Skip this week (asks to confirm). Once decided there are no actions at all: `outcomeLine`
 * (presenter.ts reviewStatusLine, e.g. "Approved by Priya Shah.") is shown instead.
 */
export function reviewCards(view: ReviewView, outcomeLine?: string): ReviewCards {
  const { team, weeknote, revision } = view;
  const week = weeknote.week;
  const open = view.status.kind === "open";
  const tail: CardElement[] = [statusLine(`${team.name} · ${madeBy(revision)}`)];
  if (!open && outcomeLine !== undefined && outcomeLine.trim() !== "") {
    tail.push(statusLine(outcomeLine, { weight: "Bolder" }));
  }
  const data = (verb: DecisionVerb): DecisionData => ({
    verb,
    workspace: weeknote.workspace,
    team: weeknote.team,
    week,
    revision: revision.number,
  });
  const [card, ...continuation] = layOutNote(noteElements(revision.document), {
    head: [ourText(`Draft weeknote · ${week}`, { weight: "Bolder", size: "Medium" })],
    tail,
    actions: open ? reviewActions(week, revision, data) : [],
    rtl: noteIsRtl(revision.document),
    partLabel: (part, parts) => `Draft weeknote ${week}, continued: part ${part} of ${parts}`,
  });
  if (card === undefined) {
    // layOutNote always makes a first card; this keeps the types honest.
    throw new Error("layOutNote made no card");
  }
  return { card, continuation };
}

function reviewActions(
  week: string,
  revision: Revision,
  data: (verb: DecisionVerb) => DecisionData,
): CardAction[] {
  const execute = (title: string, verb: DecisionVerb, style?: ExecuteAction["style"]): ExecuteAction => ({
    type: "Action.Execute",
    title,
    verb,
    data: { ...data(verb) },
    ...(style ? { style } : {}),
  });
  // The box shows bidi controls as `<U+202E>` too: hidden, they would reorder the text being edited.
  const markdown = showBidiControls(revision.markdown);
  const editable = textBytes(JSON.stringify(markdown)) <= EDIT_MAX_BYTES && markdown.trim() !== "";
  const edit: NestedCard = editable
    ? {
        type: "AdaptiveCard",
        body: [
          {
            type: "Input.Text",
            id: CARD_INPUTS.markdown,
            label: "Weeknote (Markdown)",
            isMultiline: true,
            value: markdown,
            isRequired: true,
            errorMessage: "The weeknote can't be empty.",
          },
        ],
        actions: [execute("Save", "edit", "positive")],
      }
    : {
        type: "AdaptiveCard",
        body: [
          ourText(
            `This draft is ${markdown.length.toLocaleString("en-GB")} characters, too long to edit on a card without losing its end. Use Regenerate with a reason such as "shorter", or approve it and edit where you publish it.`,
          ),
        ],
      };
  const reason: InputText = {
    type: "Input.Text",
    id: CARD_INPUTS.reason,
    label: "What should change? (optional)",
    placeholder: "shorter",
    maxLength: REASON_MAX_CHARS,
  };
  return [
    execute("Approve", "approve", "positive"),
    { type: "Action.ShowCard", title: "Edit", card: edit },
    {
      type: "Action.ShowCard",
      title: "Regenerate",
      card: { type: "AdaptiveCard", body: [reason], actions: [execute("Regenerate", "regenerate")] },
    },
    {
      type: "Action.ShowCard",
      title: "Skip this week",
      card: {
        type: "AdaptiveCard",
        body: [ourText(`No weeknote will be published for ${week}.`)],
        actions: [execute("Skip", "skip", "destructive")],
      },
    },
  ];
}

/**
 * An approved note as published, or as the answer to "last week" / "week 2026-W12": the note, then
 * "Weeknote of <team> for <week>" ("Weeknote for <week>" without a team); no actions. Split like
 * the review card; the first card first.
 */
export function noteCards(
  team: Pick<TeamSettings, "name"> | undefined,
  weeknote: Pick<Weeknote, "week">,
  revision: Revision,
): AdaptiveCard[] {
  const week = weeknote.week;
  return layOutNote(noteElements(revision.document), {
    head: [],
    tail: [statusLine(team ? `Weeknote of ${team.name} for ${week}` : `Weeknote for ${week}`)],
    actions: [],
    rtl: noteIsRtl(revision.document),
    partLabel: (part, parts) => `Weeknote ${week}, continued: part ${part} of ${parts}`,
  });
}

/** {@link noteCards} by the name in the Teams design notes. */
export const noteCard = noteCards;

// --- wrapping -----------------------------------------------------------------------------------

/** A card as a message attachment (Bot Framework `Attachment`). */
export function cardAttachment(card: object): Attachment {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

/**
 * The answer to an `adaptiveCard/action` invoke that replaces the card for the person who clicked:
 * status 200 and type `application/vnd.microsoft.card.adaptive` (CASES C11;
 * MicrosoftDocs/AdaptiveCards#388; any other shape shows "Something went wrong",
 * microsoft/botbuilder-js#3776). The caller also updates the stored activity for everyone else.
 */
export function invokeCardResponse(card: object): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card as Record<string, unknown> };
}

/**
 * The answer to an `adaptiveCard/action` invoke that leaves the card as it is and shows `text` to
 * the person who clicked (type `application/vnd.microsoft.activity.message`, Universal Actions'
 * message response), e.g. "The 2026-W13 note was already approved."
 */
export function invokeMessageResponse(text: string): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: "application/vnd.microsoft.activity.message",
    value: text as unknown as Record<string, unknown>,
  };
}

// --- "Add to weeknotes" ---------------------------------------------------------------------------

/** A section as the picker and the note name it. */
export const SECTION_LABELS: Readonly<Record<Section, string>> = {
  highlights: "Highlights",
  challenges: "Challenges",
  thanks: "Thanks",
  coming_up: "Coming up",
  tune: "Tune of the week",
};

/** Most bytes of the message preview on the section picker. */
const PREVIEW_BYTES = 600;

/**
 * The dialog of the "Add to weeknotes" message action (`composeExtension/fetchTask`): the message
 * (`preview`, its plain text, when given), a choice of section (Highlights first and chosen) and a
 * Submit, whose `composeExtension/submitAction` carries `{ section }` in `value.data`
 * (parseSectionChoice).
 */
export function sectionPickerCard(preview?: string): AdaptiveCard {
  const body: CardElement[] = [];
  if (preview !== undefined && preview.trim() !== "") {
    body.push(statusLine(preview, { isSubtle: true }));
  }
  body.push({
    type: "Input.ChoiceSet",
    id: CARD_INPUTS.section,
    label: "Add this message to this week's notes under",
    style: "expanded",
    value: "highlights",
    isRequired: true,
    errorMessage: "Choose a section.",
    choices: SECTIONS.map((section) => ({ title: SECTION_LABELS[section], value: section })),
  });
  return adaptiveCard(body, {
    actions: [{ type: "Action.Submit", title: "Add to weeknotes", style: "positive" }],
  });
}

/**
 * The `composeExtension/fetchTask` response that opens the section picker as a dialog ("Create
 * and send dialogs": respond with a `task` of type `continue` holding the card,
 * https://learn.microsoft.com/microsoftteams/platform/messaging-extensions/how-to/action-commands/create-task-module).
 */
export function sectionPickerTask(preview?: string): TaskModuleResponse {
  const shortPreview = preview === undefined ? undefined : previewText(preview);
  return {
    task: {
      type: "continue",
      value: {
        title: "Add to weeknotes",
        height: "small",
        width: "small",
        card: cardAttachment(sectionPickerCard(shortPreview)),
      },
    },
  };
}

function previewText(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (textBytes(JSON.stringify(line)) <= PREVIEW_BYTES) {
    return line;
  }
  let out = "";
  for (const char of line) {
    if (textBytes(JSON.stringify(`${out}${char}…`)) > PREVIEW_BYTES) {
      break;
    }
    out += char;
  }
  return `${out}…`;
}

// --- settings -----------------------------------------------------------------------------------

/** A conversation the settings card offers as a review, publish or source channel. */
export interface ChannelChoice {
  /** The conversation id (`19:…@thread.tacv2`, or a chat's id). */
  readonly id: string;
  readonly name: string;
}

export interface SettingsCardOptions {
  /** Conversations to choose from (the team's channels, the conversation the card is in). */
  readonly channels?: readonly ChannelChoice[];
  /** A person's display name for a user id (AAD object id), for the approvers already chosen. */
  readonly personName?: (userId: string) => string | undefined;
  /**
   * Whom the people pickers search: `conversation` (the members of the conversation the card is
   * in; works in channels) or `organization` (the whole directory; Teams supports it only in 1:1
   * chats with the bot and dialogs, per the People Picker docs). Default `conversation`.
   */
  readonly peopleSearch?: "conversation" | "organization";
  /** Values to show instead of the team's (a submission that was refused, shown again). */
  readonly form?: TeamSettingsForm;
  /** Why fields were refused, one sentence each (presenter.ts fieldProblemText), under the field. */
  readonly problems?: Partial<Record<TeamSettingsField, string>>;
}

const PEOPLE_DATASETS = {
  conversation: "graph.microsoft.com/users?scope=currentContext",
  organization: "graph.microsoft.com/users",
} as const;

/**
 * The team settings card of `settings`: name, review and publish channels, source channels, time
 * zone, draft time, reminder, approvers (people picker), emoji → section, series number, language
 * and house style, personal note and its members; Save is an Action.Execute with verb `settings` and `data: {verb,
 * workspace, team}`, whose inputs settingsFields turns into configureTeam's form. Channel choices
 * that would take the card past the size limit are left out (the chosen ones stay).
 */
export function settingsCard(team: TeamSettings, options: SettingsCardOptions = {}): AdaptiveCard {
  const all = options.channels ?? [];
  let limit = all.length;
  let card = buildSettingsCard(team, options, all);
  while (payloadBytes(card) > CARD_BYTE_LIMIT && limit > 0) {
    limit = Math.floor(limit * 0.8);
    card = buildSettingsCard(team, options, all.slice(0, limit));
  }
  return card;
}

function buildSettingsCard(
  team: TeamSettings,
  options: SettingsCardOptions,
  channels: readonly ChannelChoice[],
): AdaptiveCard {
  const form = options.form;
  const problems = options.problems ?? {};
  const value = {
    name: form?.name ?? team.name,
    review: form ? form.reviewChannel : team.reviewChannel,
    publish: form ? form.publishChannel : team.publishChannel,
    sources: form?.sourceChannels ?? team.sourceChannels,
    timezone: form?.timezone ?? team.timezone,
    schedule: form?.schedule ?? formatDraftSchedule(team.draftSchedule),
    reminder: form?.reminder ?? (team.reminder ? formatDraftSchedule(team.reminder) : ""),
    approvers: form?.approvers ?? team.approvers,
    emoji: form?.emoji ?? team.emoji.map(([name, section]) => `${name}=${section}`).join(", "),
    series: form?.series ?? (team.series ? formatSeries(team.series) : ""),
    personal: form?.personal ?? team.personal,
    members: form?.members ?? team.members,
    language: form?.language ?? noteLanguageOf(team),
    houseStyle: form?.houseStyle ?? team.houseStyle ?? "",
  };
  const dataset = PEOPLE_DATASETS[options.peopleSearch ?? "conversation"];
  const body: CardElement[] = [
    ourText("Weeknotes settings", { weight: "Bolder", size: "Medium" }),
    statusLine(team.name, { weight: "Bolder" }),
  ];
  const field = (name: TeamSettingsField, ...elements: CardElement[]) => {
    body.push(...elements);
    const problem = problems[name];
    if (problem) {
      body.push(statusLine(problem, { color: "Attention" }));
    }
  };
  const text = (id: string, label: string, current: string, placeholder?: string): InputText => ({
    type: "Input.Text",
    id,
    label,
    ...(current ? { value: current } : {}),
    ...(placeholder ? { placeholder } : {}),
  });
  const channelChoices = (current: readonly string[], currentTitle: string): Choice[] => {
    const choices: Choice[] = channels.map((c) => ({ title: c.name, value: c.id }));
    for (const id of current) {
      if (!choices.some((choice) => choice.value === id)) {
        choices.unshift({ title: currentTitle, value: id });
      }
    }
    return choices;
  };
  const channel = (id: string, label: string, current: string | undefined, currentTitle: string) => {
    const choices = channelChoices(current ? [current] : [], currentTitle);
    const input: InputChoiceSet = {
      type: "Input.ChoiceSet",
      id,
      label,
      style: "filtered",
      choices,
      ...(current ? { value: current } : {}),
      ...(choices.length > 0 ? { isRequired: true, errorMessage: "Choose a conversation." } : {}),
    };
    return input;
  };
  const people = (
    id: string,
    label: string,
    current: readonly string[],
    required: boolean,
  ): InputChoiceSet => ({
    type: "Input.ChoiceSet",
    id,
    label,
    isMultiSelect: true,
    choices: current.map((user) => ({ title: options.personName?.(user) ?? user, value: user })),
    "choices.data": { type: "Data.Query", dataset },
    ...(current.length > 0 ? { value: current.join(",") } : {}),
    ...(required ? { isRequired: true, errorMessage: "Choose at least one person." } : {}),
  });

  field("name", text(SETTINGS_INPUTS.name, "Team name", value.name));
  field(
    "reviewChannel",
    channel(
      SETTINGS_INPUTS.reviewChannel,
      "Review channel (drafts go here)",
      value.review,
      "The current review channel",
    ),
  );
  field(
    "publishChannel",
    channel(
      SETTINGS_INPUTS.publishChannel,
      "Publish channel (approved notes go here)",
      value.publish,
      "The current publish channel",
    ),
  );
  if (channels.length > 0) {
    field("sourceChannels", {
      type: "Input.ChoiceSet",
      id: SETTINGS_INPUTS.sourceChannels,
      label: "Source channels (none: every channel)",
      style: "filtered",
      isMultiSelect: true,
      choices: channelChoices(value.sources, "A current source channel"),
      ...(value.sources.length > 0 ? { value: value.sources.join(",") } : {}),
    });
  }
  field(
    "timezone",
    text(SETTINGS_INPUTS.timezone, "Time zone", value.timezone, "An IANA zone such as Europe/London"),
  );
  field(
    "schedule",
    text(
      SETTINGS_INPUTS.schedule,
      "Draft time",
      value.schedule,
      "A weekday and a 24-hour time, such as Friday 14:00",
    ),
  );
  field(
    "reminder",
    text(
      SETTINGS_INPUTS.reminder,
      'Reminder time (optional: when to say "nothing tagged yet")',
      value.reminder,
      "Thursday 15:00",
    ),
  );
  field("approvers", people(SETTINGS_INPUTS.approvers, "Approvers", value.approvers, true));
  field(
    "emoji",
    text(
      SETTINGS_INPUTS.emoji,
      `Emoji → section (NAME=SECTION, comma-separated; sections: ${SECTIONS.join(", ")})`,
      value.emoji,
    ),
  );
  field(
    "series",
    text(
      SETTINGS_INPUTS.series,
      "Series number (optional)",
      value.series,
      "A week and its number: 2026-W13 = 3.12",
    ),
  );
  field("language", {
    type: "Input.ChoiceSet",
    id: SETTINGS_INPUTS.language,
    label: "Language of the note's headings",
    style: "compact",
    choices: [
      { title: "English", value: "en" },
      { title: "Cymraeg (Welsh)", value: "cy" },
    ],
    value: value.language,
    isRequired: true,
    errorMessage: "Choose a language.",
  });
  field("houseStyle", {
    type: "Input.Text",
    id: SETTINGS_INPUTS.houseStyle,
    label: "House style (optional Markdown: what the note should do or never do)",
    isMultiline: true,
    maxLength: HOUSE_STYLE_LIMIT,
    ...(value.houseStyle ? { value: value.houseStyle } : {}),
    placeholder: "No exclamation marks. Thank people by first name.",
  });
  field("personal", {
    type: "Input.Toggle",
    id: SETTINGS_INPUTS.personal,
    label: "Personal note",
    title: 'Written as "I": only the members\' tags count',
    value: value.personal ? "true" : "false",
    valueOn: "true",
    valueOff: "false",
  });
  field(
    "members",
    people(SETTINGS_INPUTS.members, "Members (a personal note counts only their tags)", value.members, false),
  );

  const save: ExecuteAction = {
    type: "Action.Execute",
    title: "Save",
    verb: "settings",
    data: { verb: "settings", workspace: team.workspace, team: team.team },
    style: "positive",
  };
  return adaptiveCard(body, { actions: [save] });
}
