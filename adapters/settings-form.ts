import type { TeamSettingsField } from "../src/app/configure-team.ts";

/**
 * The id of each settings field's input, the same in Slack's settings modal (its block ids) and on
 * Teams' settings card (its input ids), so a problem configureTeam reports on a field shows under
 * that field on either platform. `includePrivate` has no input of its own: its problem shows under
 * the name.
 */
export const SETTINGS_FIELD_IDS = {
  name: "name",
  reviewChannel: "review",
  publishChannel: "publish",
  sourceChannels: "sources",
  timezone: "timezone",
  schedule: "schedule",
  reminder: "reminder",
  approvers: "approvers",
  emoji: "emoji",
  series: "series",
  personal: "personal",
  members: "members",
  includePrivate: "name",
  language: "language",
  houseStyle: "house_style",
} as const satisfies Record<TeamSettingsField, string>;
