import { DEFAULT_EMOJI_SECTIONS, type Section } from "./sections.ts";

/** When a team's draft is made each week, in its time zone. */
export interface DraftSchedule {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** Local hour 0–23 and minute 0–59. */
  readonly hour: number;
  readonly minute: number;
}

/**
 * A weeknotes team inside a workspace (SPEC §2): its channels, schedule, zone, approvers, emoji
 * map and series. Channels and approvers are platform ids (`C…`, `U…`).
 */
export interface TeamSettings {
  readonly workspace: string;
  /** Team key within the workspace; the first team is `default`. */
  readonly team: string;
  /** Display name, used in notes ("the digital team"). */
  readonly name: string;
  /** Where drafts are posted for approval; undefined until someone sets it or claims the team. */
  readonly reviewChannel: string | undefined;
  /** Where approved notes are posted. */
  readonly publishChannel: string | undefined;
  /** IANA time zone of the team's weeks and schedule. */
  readonly timezone: string;
  readonly draftSchedule: DraftSchedule;
  /** Users who may approve, edit, regenerate or skip drafts. */
  readonly approvers: readonly string[];
  /** Emoji short name → section. */
  readonly emoji: readonly (readonly [string, Section])[];
  /** Series numbering: week key `week` has number `year.number` (`3.12`); later weeks count on. */
  readonly series: { readonly week: string; readonly year: number; readonly number: number } | undefined;
  /** Whether private-channel highlights may appear in notes posted to a public channel. */
  readonly includePrivate: boolean;
  readonly updatedAtMs: number;
}

export const DEFAULT_TEAM = "default";
export const DEFAULT_DRAFT_SCHEDULE: DraftSchedule = { weekday: 5, hour: 14, minute: 0 };

/** The settings a team has before anyone configures it. */
export function defaultTeamSettings(workspace: string, timezone: string, nowMs: number): TeamSettings {
  return {
    workspace,
    team: DEFAULT_TEAM,
    name: "the team",
    reviewChannel: undefined,
    publishChannel: undefined,
    timezone,
    draftSchedule: DEFAULT_DRAFT_SCHEDULE,
    approvers: [],
    emoji: Object.entries(DEFAULT_EMOJI_SECTIONS),
    series: undefined,
    includePrivate: false,
    updatedAtMs: nowMs,
  };
}

const WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/**
 * Reads a draft time as people write it: `Friday 14:00`, `fri 9:30`, `Thursday 15`.
 * @returns the schedule, or undefined when it cannot be read.
 */
export function parseDraftSchedule(text: string): DraftSchedule | undefined {
  const match = /^\s*([a-z]+)\s+(\d{1,2})(?::(\d{2}))?\s*$/i.exec(text);
  if (!match) {
    return undefined;
  }
  const weekday = WEEKDAY_NAMES.indexOf((match[1] ?? "").slice(0, 3).toLowerCase()) + 1;
  const hour = Number(match[2]);
  const minute = Number(match[3] ?? "0");
  if (weekday < 1 || hour > 23 || minute > 59) {
    return undefined;
  }
  return { weekday, hour, minute };
}

/**
 * Reads a series start as `2026-W13 = 3.12` (that week is number 3.12).
 * @returns the series, or undefined when it cannot be read.
 */
export function parseSeries(text: string): TeamSettings["series"] {
  const match = /^\s*(\d{4}-W\d{2})\s*=\s*(\d+)\.(\d+)\s*$/i.exec(text);
  if (!match) {
    return undefined;
  }
  return { week: (match[1] ?? "").toUpperCase(), year: Number(match[2]), number: Number(match[3]) };
}
