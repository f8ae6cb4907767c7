import type { Platform } from "./message-ref.ts";
import { DEFAULT_EMOJI_SECTIONS, type Section } from "./sections.ts";
import type { NoteLanguage } from "./weeknote.ts";

/** When a team's draft (or reminder) is made each week, in its time zone. */
export interface DraftSchedule {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** Local hour 0–23 and minute 0–59. */
  readonly hour: number;
  readonly minute: number;
}

/**
 * A weeknotes team inside a workspace (SPEC §2). A workspace holds several (a council's digital
 * team, its bins service, a director's own note). Conversation and user ids are the platform's
 * own, opaque here.
 */
export interface TeamSettings {
  /** The platform of the team's workspace: where its drafts are posted. */
  readonly platform: Platform;
  readonly workspace: string;
  /** Team key within the workspace (a slug of its name, see teamKeyOf); the first team is `default`. */
  readonly team: string;
  /** Display name, used in notes ("the digital team"). */
  readonly name: string;
  /** Conversations whose highlights the team's notes use; empty: every conversation. */
  readonly sourceChannels: readonly string[];
  /**
   * A personal team counts only tags by its `members` and its note speaks as "I"; any other team
   * counts everyone's tags and speaks as "we".
   */
  readonly personal: boolean;
  /** Whose tags a personal team counts; unused by other teams. */
  readonly members: readonly string[];
  /** Where drafts are posted for approval; undefined until someone sets it or claims the team. */
  readonly reviewChannel: string | undefined;
  /** Where approved notes are posted. */
  readonly publishChannel: string | undefined;
  /** IANA time zone of the team's weeks and schedule. */
  readonly timezone: string;
  readonly draftSchedule: DraftSchedule;
  /** When a "nothing tagged yet" reminder goes to the review channel; undefined: no reminder. */
  readonly reminder: DraftSchedule | undefined;
  /** Users who may approve, edit, regenerate or skip drafts and change settings. */
  readonly approvers: readonly string[];
  /** Emoji short name → section. */
  readonly emoji: readonly (readonly [string, Section])[];
  /** Series numbering: week key `week` has number `year.number` (`3.12`); later weeks count on. */
  readonly series: SeriesStart | undefined;
  /** Whether private-channel highlights may appear in notes posted to a public channel. */
  readonly includePrivate: boolean;
  /**
   * Language of the note's frame words and of the prose asked of an LLM (issue 9); absent: `en`
   * (teams saved before the setting existed). See noteLanguageOf.
   */
  readonly language?: NoteLanguage | undefined;
  /**
   * The team's house style (issue 9): a short Markdown text, at most {@link HOUSE_STYLE_LIMIT}
   * characters, of things the note should do or never do ("no exclamation marks"); absent: none.
   */
  readonly houseStyle?: string | undefined;
  /**
   * Set when the platform refused the bot's posts for good (Teams: 403 `MessageWritesBlocked`, the
   * bot uninstalled): the schedule leaves the team alone until the bot hears from its review
   * conversation again. `sinceMs` is UTC epoch ms.
   */
  readonly inactive: TeamInactive | undefined;
  readonly updatedAtMs: number;
}

/** Why and since when a team's posts are refused; see TeamSettings.inactive. */
export interface TeamInactive {
  readonly reason: "blocked" | "uninstalled";
  readonly sinceMs: number;
}

/** Settings as a record reads back: the optional settings may be absent rather than undefined. */
export type TeamSettingsRecordShape = Omit<
  TeamSettings,
  "reviewChannel" | "publishChannel" | "reminder" | "series" | "inactive"
> &
  Partial<Pick<TeamSettings, "reviewChannel" | "publishChannel" | "reminder" | "series" | "inactive">>;

/**
 * A team's settings from a record (a stored row, a checked input): every optional setting present,
 * undefined when unset, and nothing shared with the record (lists and schedules are copied), so a
 * store never hands out its own state.
 */
export function teamSettingsOf(s: TeamSettingsRecordShape): TeamSettings {
  const schedule = (d: DraftSchedule): DraftSchedule => ({
    weekday: d.weekday,
    hour: d.hour,
    minute: d.minute,
  });
  return {
    platform: s.platform,
    workspace: s.workspace,
    team: s.team,
    name: s.name,
    sourceChannels: [...s.sourceChannels],
    personal: s.personal,
    members: [...s.members],
    reviewChannel: s.reviewChannel,
    publishChannel: s.publishChannel,
    timezone: s.timezone,
    draftSchedule: schedule(s.draftSchedule),
    reminder: s.reminder === undefined ? undefined : schedule(s.reminder),
    approvers: [...s.approvers],
    emoji: s.emoji.map(([emoji, section]) => [emoji, section] as const),
    series:
      s.series === undefined
        ? undefined
        : {
            week: s.series.week,
            ...(s.series.year === undefined ? {} : { year: s.series.year }),
            number: s.series.number,
          },
    includePrivate: s.includePrivate,
    // Left out rather than undefined when unset, so settings saved before they existed read the same.
    ...(s.language === undefined ? {} : { language: s.language }),
    ...(s.houseStyle === undefined ? {} : { houseStyle: s.houseStyle }),
    inactive:
      s.inactive === undefined ? undefined : { reason: s.inactive.reason, sinceMs: s.inactive.sinceMs },
    updatedAtMs: s.updatedAtMs,
  };
}

/** Most characters of a team's house style. */
export const HOUSE_STYLE_LIMIT = 2000;

/** The language a team's notes are written in: its setting, else English. */
export function noteLanguageOf(team: Pick<TeamSettings, "language">): NoteLanguage {
  return team.language ?? "en";
}

export const DEFAULT_TEAM = "default";
export const DEFAULT_TEAM_NAME = "the team";
export const DEFAULT_DRAFT_SCHEDULE: DraftSchedule = { weekday: 5, hour: 14, minute: 0 };

/** The voice a team's note is written in. */
export function voiceOf(team: Pick<TeamSettings, "personal">): "we" | "I" {
  return team.personal ? "I" : "we";
}

/** The settings a team has before anyone configures it. `nowMs` is UTC epoch ms. */
export function defaultTeamSettings(
  platform: Platform,
  workspace: string,
  timezone: string,
  nowMs: number,
  team: { readonly key: string; readonly name: string } = { key: DEFAULT_TEAM, name: DEFAULT_TEAM_NAME },
): TeamSettings {
  return {
    platform,
    workspace,
    team: team.key,
    name: team.name,
    sourceChannels: [],
    personal: false,
    members: [],
    reviewChannel: undefined,
    publishChannel: undefined,
    timezone,
    draftSchedule: DEFAULT_DRAFT_SCHEDULE,
    reminder: undefined,
    approvers: [],
    emoji: Object.entries(DEFAULT_EMOJI_SECTIONS),
    series: undefined,
    includePrivate: false,
    inactive: undefined,
    updatedAtMs: nowMs,
  };
}

/**
 * The team key of a display name: lower-case letters and digits of any script, runs of anything
 * else as one `-`, at most 40 characters. `Bins service` → `bins-service`; `Digital (core)` →
 * `digital-core`. Undefined when nothing is left.
 */
export function teamKeyOf(name: string): string | undefined {
  const key = name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return key === "" ? undefined : key;
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

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** A schedule as people read it: `Friday 14:00`. */
export function formatDraftSchedule(schedule: DraftSchedule): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${WEEKDAYS[schedule.weekday - 1] ?? "Friday"} ${pad(schedule.hour)}:${pad(schedule.minute)}`;
}

/**
 * Where a team's note numbers start (issue 9, the seed's `5.9`): week `week`'s note is number
 * `year.number`, or `number` alone when `year` is absent; the number counts on by one a week.
 */
export interface SeriesStart {
  /** ISO week key, upper case (`2026-W13`). */
  readonly week: string;
  /** The first part of a two-part number (`5` of `5.9`), 1 or more; absent for a plain count. */
  readonly year?: number | undefined;
  /** The note's number that week (`9` of `5.9`, or `42`), 1 or more. */
  readonly number: number;
}

// Six digits a part: more is a typo, and would lose precision as a JavaScript number.
const SERIES = /^\s*(\d{4}-W\d{2})\s*=\s*(?:(\d{1,6})\.)?(\d{1,6})\s*$/i;

/**
 * Reads a series start as `2026-W13 = 3.12` (that week is number 3.12) or `2026-W13 = 42` (number
 * 42). Each part is a whole number from 1: a note numbered 0 or 0.0 is a slip, not a series.
 * The week key's shape is checked here, not that the week exists (parseWeekKey does that).
 * @returns the series, or undefined when it cannot be read.
 */
export function parseSeries(text: string): SeriesStart | undefined {
  const match = SERIES.exec(text);
  if (!match) {
    return undefined;
  }
  const year = match[2] === undefined ? undefined : Number(match[2]);
  const number = Number(match[3]);
  if (number < 1 || (year !== undefined && year < 1)) {
    return undefined;
  }
  return { week: (match[1] ?? "").toUpperCase(), ...(year === undefined ? {} : { year }), number };
}

/** A series start as the settings forms show it and parseSeries reads it: `2026-W13 = 3.12`. */
export function formatSeries(series: SeriesStart): string {
  return `${series.week} = ${series.year === undefined ? "" : `${series.year}.`}${series.number}`;
}
