/**
 * Reading what comes back from our cards: the `adaptiveCard/action` invoke of an Action.Execute
 * (review buttons, the settings card) and the message action's dialog submission (the section
 * picker). Everything from Teams is untrusted input, checked with zod; anything that is not one
 * of ours reads as undefined.
 *
 * The invoke's `value` is `{ action: { type: "Action.Execute", verb, data }, trigger }`, with the
 * card's inputs merged into `action.data` ("the structure that arrives in the Activity.Value.Action
 * for Invoke activity with Name of 'adaptiveCard/action'",
 * https://learn.microsoft.com/javascript/api/botframework-schema/adaptivecardinvokeaction). Our
 * cards put the verb in `data` too, so an invoke whose `action.verb` is missing still routes.
 *
 * The card's data names a workspace and a team, but it comes from the client: the receiver must
 * check that `workspace` is the tenant of the (authenticated) invoke before acting on it.
 */

import { z } from "zod";
import type { TeamSettingsForm } from "../../src/app/configure-team.ts";
import { isSection, type Section } from "../../src/domain/sections.ts";
import type { WeeknoteKey } from "../../src/domain/weeknote.ts";
import { SETTINGS_FIELD_IDS } from "../settings-form.ts";

/** The verbs of our Action.Execute buttons. */
export const CARD_VERBS = ["approve", "edit", "regenerate", "skip", "settings"] as const;
export type CardVerb = (typeof CARD_VERBS)[number];
export type DecisionVerb = Exclude<CardVerb, "settings">;

/** The ids of the inputs whose values arrive in `action.data`. */
export const CARD_INPUTS = {
  /** The Edit form's text box: the draft's Markdown. */
  markdown: "markdown",
  /** The Regenerate form's optional reason. */
  reason: "reason",
  /** The section picker of "Add to weeknotes". */
  section: "section",
} as const;

/** The ids of the settings card's inputs, one per field of the configureTeam form (as Slack's modal). */
export const SETTINGS_INPUTS = SETTINGS_FIELD_IDS;

/** What a card action asks for, read from an `adaptiveCard/action` invoke value. */
export interface CardActionRequest {
  readonly verb: CardVerb;
  /** The workspace (tenant id) the card names: check it is the invoke's own tenant. */
  readonly workspace: string;
  /** The team's key. */
  readonly team: string;
  /** The weeknote a review button names; undefined for `settings`. */
  readonly key: WeeknoteKey | undefined;
  /** The revision the card showed (review buttons). */
  readonly revision?: number;
  /** `regenerate`: what should change, trimmed; absent when none was given. */
  readonly reason?: string;
  /** `edit`: the new text; absent when the box was empty (nothing to save). */
  readonly markdown?: string;
  /** `settings`: the submitted inputs by input id, as they came (all text); see settingsFields. */
  readonly fields?: Readonly<Record<string, string>>;
  /** `settings`: the submitted form as configureTeam's `check` takes it (settingsFields(fields)). */
  readonly form?: TeamSettingsForm;
}

const id = z.string().trim().min(1).max(1_000);
const WEEK_KEY = /^\d{4}-W\d{2}$/;
// Teams keeps the JSON types of `data`, but a revision read back as text is still a revision.
const revisionNumber = z.union([
  z.number().int().min(1).max(1_000_000),
  z
    .string()
    .regex(/^[1-9]\d{0,6}$/)
    .transform(Number),
]);

const InvokeValue = z.object({
  action: z.object({
    type: z.string().optional(),
    verb: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
});

const TeamData = z.object({ workspace: id, team: id });
const DecisionData = TeamData.extend({
  week: z.string().regex(WEEK_KEY),
  revision: revisionNumber,
  markdown: z.string().optional(),
  reason: z.string().optional(),
});

function isVerb(value: unknown): value is CardVerb {
  return typeof value === "string" && (CARD_VERBS as readonly string[]).includes(value);
}

/**
 * The request of an `adaptiveCard/action` invoke's `value`: the verb from `action.verb`, else from
 * `action.data.verb`; the weeknote and revision from `action.data`, with the inputs Teams merged
 * into it. Undefined when the value is not one of our cards' actions (unknown verb, missing or
 * malformed workspace/team/week/revision, a settings submission whose inputs are not text).
 */
export function parseCardAction(value: unknown): CardActionRequest | undefined {
  const parsed = InvokeValue.safeParse(value);
  if (!parsed.success) {
    return undefined;
  }
  const data = parsed.data.action.data ?? {};
  const verb = parsed.data.action.verb ?? data.verb;
  if (!isVerb(verb)) {
    return undefined;
  }
  if (verb === "settings") {
    const team = TeamData.safeParse(data);
    const fields = SettingsData.safeParse(data);
    const form = settingsFields(data);
    if (!team.success || !fields.success || form === undefined) {
      return undefined;
    }
    const inputs: Record<string, string> = {};
    for (const [name, value] of Object.entries(fields.data)) {
      if (value !== undefined) {
        inputs[name] = value;
      }
    }
    return {
      verb,
      workspace: team.data.workspace,
      team: team.data.team,
      key: undefined,
      fields: inputs,
      form,
    };
  }
  const decision = DecisionData.safeParse(data);
  if (!decision.success) {
    return undefined;
  }
  const { workspace, team, week, revision } = decision.data;
  const markdown = decision.data.markdown;
  const reason = decision.data.reason?.trim();
  return {
    verb,
    workspace,
    team,
    key: { workspace, team, week },
    revision,
    ...(verb === "edit" && markdown !== undefined && markdown.trim() !== "" ? { markdown } : {}),
    ...(verb === "regenerate" && reason ? { reason } : {}),
  };
}

const optionalText = z.string().optional();
const SettingsData = z.object({
  [SETTINGS_INPUTS.name]: optionalText,
  [SETTINGS_INPUTS.reviewChannel]: optionalText,
  [SETTINGS_INPUTS.publishChannel]: optionalText,
  [SETTINGS_INPUTS.sourceChannels]: optionalText,
  [SETTINGS_INPUTS.timezone]: optionalText,
  [SETTINGS_INPUTS.schedule]: optionalText,
  [SETTINGS_INPUTS.reminder]: optionalText,
  [SETTINGS_INPUTS.approvers]: optionalText,
  [SETTINGS_INPUTS.emoji]: optionalText,
  [SETTINGS_INPUTS.series]: optionalText,
  [SETTINGS_INPUTS.personal]: optionalText,
  [SETTINGS_INPUTS.members]: optionalText,
  [SETTINGS_INPUTS.language]: optionalText,
  [SETTINGS_INPUTS.houseStyle]: optionalText,
});

/**
 * The settings card's submitted inputs (`action.data`) as the form configureTeam's `check` takes,
 * as adapters/slack/interaction-listeners.ts hands it over from the Slack modal: texts trimmed;
 * an empty channel choice is no choice; multi-selects (Teams sends `id1,id2`) as lists; the
 * personal toggle (`"true"`/`"false"`) as a boolean. Inputs the card did not have stay undefined
 * (unchanged): source channels, reminder, personal, members, language, house style. Undefined when `data` is not an
 * object or an input is not text.
 */
export function settingsFields(data: unknown): TeamSettingsForm | undefined {
  const parsed = SettingsData.safeParse(data);
  if (!parsed.success) {
    return undefined;
  }
  const d = parsed.data;
  const text = (value: string | undefined) => value?.trim() ?? "";
  const choice = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  const list = (value: string | undefined) =>
    value === undefined
      ? undefined
      : value
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== "");
  const sources = list(d[SETTINGS_INPUTS.sourceChannels]);
  const reminder = d[SETTINGS_INPUTS.reminder];
  const personal = d[SETTINGS_INPUTS.personal];
  const members = list(d[SETTINGS_INPUTS.members]);
  const language = choice(d[SETTINGS_INPUTS.language]);
  const houseStyle = d[SETTINGS_INPUTS.houseStyle];
  const reviewChannel = choice(d[SETTINGS_INPUTS.reviewChannel]);
  const publishChannel = choice(d[SETTINGS_INPUTS.publishChannel]);
  return {
    name: text(d[SETTINGS_INPUTS.name]),
    ...(reviewChannel === undefined ? {} : { reviewChannel }),
    ...(publishChannel === undefined ? {} : { publishChannel }),
    ...(sources === undefined ? {} : { sourceChannels: sources }),
    timezone: text(d[SETTINGS_INPUTS.timezone]),
    schedule: text(d[SETTINGS_INPUTS.schedule]),
    ...(reminder === undefined ? {} : { reminder: reminder.trim() }),
    approvers: list(d[SETTINGS_INPUTS.approvers]) ?? [],
    emoji: text(d[SETTINGS_INPUTS.emoji]),
    series: text(d[SETTINGS_INPUTS.series]),
    ...(personal === undefined ? {} : { personal: personal.trim().toLowerCase() === "true" }),
    ...(members === undefined ? {} : { members }),
    ...(language === undefined ? {} : { language }),
    ...(houseStyle === undefined ? {} : { houseStyle: houseStyle.trim() }),
  };
}

/**
 * The section chosen in the "Add to weeknotes" dialog, from the `composeExtension/submitAction`
 * invoke's `value.data` (the dialog card's inputs): undefined when there is none or it is not a
 * section name.
 */
export function parseSectionChoice(data: unknown): Section | undefined {
  if (typeof data !== "object" || data === null) {
    return undefined;
  }
  const section = (data as Record<string, unknown>)[CARD_INPUTS.section];
  return typeof section === "string" && isSection(section.trim()) ? (section.trim() as Section) : undefined;
}
