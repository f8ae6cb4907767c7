import { isBotError } from "../domain/errors.ts";
import type { InboxCommand, TeamSettingsChange } from "../domain/inbox-command.ts";
import type { Notice } from "../domain/outcomes.ts";
import { type EmojiAliases, parseEmojiOption } from "../domain/sections.ts";
import { HOUSE_STYLE_LIMIT, parseDraftSchedule, parseSeries, type TeamSettings } from "../domain/team.ts";
import { assertTimeZone } from "../domain/week.ts";
import { NOTE_LANGUAGES, type NoteLanguage } from "../domain/weeknote.ts";
import type { TeamDirectory } from "./teams.ts";

/** A team's settings as a person filled them in (a Slack modal, a Teams card): text and ids. */
export interface TeamSettingsForm {
  readonly name: string;
  readonly reviewChannel?: string | undefined;
  readonly publishChannel?: string | undefined;
  /** Empty: every conversation. */
  readonly sourceChannels?: readonly string[] | undefined;
  /** An IANA zone name. */
  readonly timezone: string;
  /** A weekday and a time, `Friday 14:00`. */
  readonly schedule: string;
  /** `Thursday 15:00`, or empty for no reminder. Absent: unchanged. */
  readonly reminder?: string | undefined;
  readonly approvers: readonly string[];
  /** `NAME=SECTION, …`. */
  readonly emoji: string;
  /** `2026-W13 = 3.12`, or empty for none. */
  readonly series: string;
  readonly personal?: boolean | undefined;
  readonly members?: readonly string[] | undefined;
  readonly includePrivate?: boolean | undefined;
  /** The note's language, `en` or `cy`. Absent: unchanged. */
  readonly language?: string | undefined;
  /** The house style, short Markdown; empty for none. Absent: unchanged. */
  readonly houseStyle?: string | undefined;
}

export type TeamSettingsField = keyof TeamSettingsForm;

/** What is wrong with one field; `detail` is the domain's own sentence when it has one. */
export interface FieldProblem {
  readonly problem:
    | "not_approver"
    | "bad_timezone"
    | "bad_schedule"
    | "bad_reminder"
    | "bad_emoji"
    | "bad_series"
    | "no_approvers"
    | "no_members"
    | "bad_language"
    | "house_style_too_long";
  readonly detail?: string;
}

export type FormCheck =
  | { readonly kind: "ok"; readonly change: TeamSettingsChange }
  | { readonly kind: "problems"; readonly problems: Partial<Record<TeamSettingsField, FieldProblem>> };

/**
 * Changing a team's settings from chat (SPEC §8). `check` runs while the platform waits (a modal's
 * submission must be answered with its field errors), so it only reads; the checked change is then
 * recorded in the inbox as a `configure_team` command, and `apply` saves it.
 */
export interface ConfigureTeam {
  /** Checks a filled-in form against `team`: who may change it, and every field. */
  check(team: TeamSettings, user: string, form: TeamSettingsForm): FormCheck;
  /**
   * Saves a checked change on the team's settings as they are now (another save in between keeps
   * what this change does not touch). Only an approver's change is saved.
   */
  apply(command: Extract<InboxCommand, { kind: "configure_team" }>): Promise<Notice>;
}

export function createConfigureTeam(deps: {
  readonly teams: TeamDirectory;
  readonly aliases: EmojiAliases;
}): ConfigureTeam {
  return {
    check(team, user, form) {
      const problems: Partial<Record<TeamSettingsField, FieldProblem>> = {};
      if (!team.approvers.includes(user)) {
        return { kind: "problems", problems: { name: { problem: "not_approver" } } };
      }
      const timezone = form.timezone.trim();
      try {
        assertTimeZone(timezone);
      } catch {
        problems.timezone = { problem: "bad_timezone" };
      }
      const schedule = parseDraftSchedule(form.schedule);
      if (!schedule) {
        problems.schedule = { problem: "bad_schedule" };
      }
      const reminderText = form.reminder?.trim();
      const reminder = reminderText ? parseDraftSchedule(reminderText) : undefined;
      if (reminderText && !reminder) {
        problems.reminder = { problem: "bad_reminder" };
      }
      let emoji = team.emoji;
      try {
        emoji = parseEmojiOption(form.emoji, deps.aliases).entries();
      } catch (error) {
        problems.emoji = { problem: "bad_emoji", ...(isBotError(error) ? { detail: error.message } : {}) };
      }
      const seriesText = form.series.trim();
      const series = seriesText ? parseSeries(seriesText) : undefined;
      if (seriesText && !series) {
        problems.series = { problem: "bad_series" };
      }
      if (form.approvers.length === 0) {
        problems.approvers = { problem: "no_approvers" };
      }
      const personal = form.personal ?? team.personal;
      const members = form.members ?? team.members;
      if (personal && members.length === 0) {
        problems.members = { problem: "no_members" };
      }
      const languageText = form.language?.trim();
      const language = NOTE_LANGUAGES.find((l) => l === languageText) as NoteLanguage | undefined;
      if (languageText && !language) {
        problems.language = { problem: "bad_language" };
      }
      const houseStyle = form.houseStyle?.trim();
      if (houseStyle !== undefined && houseStyle.length > HOUSE_STYLE_LIMIT) {
        problems.houseStyle = { problem: "house_style_too_long" };
      }
      if (Object.keys(problems).length > 0 || !schedule) {
        return { kind: "problems", problems };
      }
      const change: TeamSettingsChange = {
        name: form.name.trim() || team.name,
        timezone,
        draftSchedule: schedule,
        approvers: [...form.approvers],
        emoji: emoji.map(([name, section]) => [name, section] as [string, typeof section]),
        personal,
        members: [...members],
        ...(form.reviewChannel ? { reviewChannel: form.reviewChannel } : {}),
        ...(form.publishChannel ? { publishChannel: form.publishChannel } : {}),
        ...(form.sourceChannels ? { sourceChannels: [...form.sourceChannels] } : {}),
        ...(form.includePrivate === undefined ? {} : { includePrivate: form.includePrivate }),
        ...(series ? { series } : {}),
        ...(reminder ? { reminder } : {}),
        ...(language ? { language } : {}),
        ...(houseStyle ? { houseStyle } : {}),
        clear: [
          ...(series ? [] : (["series"] as const)),
          ...(form.reminder !== undefined && !reminder ? (["reminder"] as const) : []),
          // An emptied box clears the house style; an empty one that was empty changes nothing.
          ...(houseStyle === "" && team.houseStyle !== undefined ? (["houseStyle"] as const) : []),
        ],
      };
      return { kind: "ok", change };
    },

    async apply(command) {
      const team = await deps.teams.get(command.workspace, command.team);
      if (!team) {
        return { kind: "team_problem", problem: { kind: "unknown_team", name: command.team, teams: [] } };
      }
      if (!team.approvers.includes(command.user)) {
        return { kind: "team_problem", problem: { kind: "not_approver", team: team.team } };
      }
      const change = command.change;
      const clear = change.clear ?? [];
      const saved: TeamSettings = {
        ...team,
        name: change.name ?? team.name,
        sourceChannels: change.sourceChannels ?? team.sourceChannels,
        personal: change.personal ?? team.personal,
        members: change.members ?? team.members,
        reviewChannel: change.reviewChannel ?? team.reviewChannel,
        publishChannel: change.publishChannel ?? team.publishChannel,
        timezone: change.timezone ?? team.timezone,
        draftSchedule: change.draftSchedule ?? team.draftSchedule,
        reminder: clear.includes("reminder") ? undefined : (change.reminder ?? team.reminder),
        approvers: change.approvers ?? team.approvers,
        emoji: change.emoji ?? team.emoji,
        series: clear.includes("series") ? undefined : (change.series ?? team.series),
        includePrivate: change.includePrivate ?? team.includePrivate,
        language: change.language ?? team.language,
        houseStyle: clear.includes("houseStyle") ? undefined : (change.houseStyle ?? team.houseStyle),
      };
      await deps.teams.save(saved);
      return { kind: "settings_saved", team: saved };
    },
  };
}
