import { BotError } from "./domain/errors.ts";
import { seriesNumber } from "./domain/series.ts";
import {
  DEFAULT_TEAM,
  DEFAULT_TEAM_NAME,
  noteLanguageOf,
  parseSeries,
  type SeriesStart,
  type TeamSettings,
  voiceOf,
} from "./domain/team.ts";
import { parseWeekKey } from "./domain/week.ts";
import type { NoteLanguage } from "./domain/weeknote.ts";

/** A series start as `--series` gives it: week `week` has number `year.number` (or `number`). */
export type { SeriesStart };

/**
 * Reads `--series 2026-W13=5.9` (spaces around `=` allowed): that week's note is number 5.9 and
 * later weeks count on (5.10, 5.11…).
 * @throws BotError `input.bad_option` (exit 2) when it is not `YEAR-Www=YEAR.NUMBER`.
 */
export function parseSeriesOption(value: string): SeriesStart {
  const series = parseSeries(value);
  if (!series) {
    throw new BotError("input.bad_option", `--series "${value}" is not a week and its number`, {
      hint: "Give the week key and the number its note has (whole numbers from 1), such as --series 2026-W13=5.9 or --series 2026-W13=42",
    });
  }
  // A week key that passes the pattern may still not exist (2026-W54).
  try {
    parseWeekKey(series.week);
  } catch (error) {
    throw new BotError("input.bad_option", `--series "${value}" names no such week`, {
      hint: "Give an ISO week key, such as --series 2026-W13=5.9",
      cause: error,
    });
  }
  return series;
}

/** What a compile from the command line says about the team, for the summariser. */
export interface CompileTeam {
  /** The name the prose uses: never the key `default`. */
  readonly teamName: string;
  readonly voice: "we" | "I";
  readonly seriesNumber: string | undefined;
  readonly language: NoteLanguage;
  readonly houseStyle: string | undefined;
}

/**
 * The team a command-line compile writes for: the options first (`--series`, `--lang`), then the
 * stored team's settings when the store has it, then the defaults. The name is the stored team's
 * name, else the name `--team` gave, except that the default team reads as "the team" (a note
 * should never say "default").
 */
export function compileTeam(options: {
  readonly teamOption: string;
  readonly teamKey: string;
  readonly stored: TeamSettings | undefined;
  readonly series: SeriesStart | undefined;
  readonly language: NoteLanguage | undefined;
  readonly week: string;
}): CompileTeam {
  const { stored } = options;
  const given = options.teamOption.replace(/\s+/g, " ").trim();
  const teamName =
    stored?.name.trim() || (options.teamKey === DEFAULT_TEAM || given === "" ? DEFAULT_TEAM_NAME : given);
  const series = options.series ?? stored?.series;
  return {
    teamName,
    voice: stored ? voiceOf(stored) : "we",
    seriesNumber: series
      ? seriesNumber(
          { week: parseWeekKey(series.week), year: series.year, number: series.number },
          parseWeekKey(options.week),
        )
      : undefined,
    language: options.language ?? (stored ? noteLanguageOf(stored) : "en"),
    houseStyle: stored?.houseStyle,
  };
}
