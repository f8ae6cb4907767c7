import { DateTime, IANAZone, type WeekdayNumbers } from "luxon";
import { BotError } from "./errors.ts";
import type { DraftSchedule, TeamSettings } from "./team.ts";
import { assertTimeZone, type WeekKey, type WeekWindow, weekWindow } from "./week.ts";

/**
 * When weekly jobs run, as pure functions of a schedule, a week and an IANA time zone (SPEC §6).
 * Every instant is UTC epoch milliseconds; nothing here reads the host's time zone (`TZ`) or clock.
 *
 * The zone rule, one for every day of the year: a job scheduled for local time `HH:MM` on a day
 * runs at **the first instant of that local day at which the zone's wall clock reads `HH:MM` or
 * later**. So:
 * - on an ordinary day it is the one instant the clock reads `HH:MM`;
 * - inside a spring-forward gap (the time does not exist that day: Europe/London 01:30 on
 *   2026-03-29, Asia/Jerusalem 02:30 on 2026-03-27) it is the instant the clock jumps, the end of
 *   the gap (London 02:00 BST = 01:00Z; Jerusalem 03:00 IDT = 00:00Z). The job is never skipped;
 * - inside a repeated autumn hour (London 01:30 on 2026-10-25 happens at 00:30Z and at 01:30Z) it
 *   is the first occurrence (00:30Z). The job is never doubled.
 *
 * The schedule runner (src/app/run-schedule.ts) sweeps every minute for due work with
 * {@link dueDraft} and claims each (team, week, job) once in the store.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A local calendar day and wall-clock time, without a zone. */
export interface LocalTime {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
  /** 0–23. */
  readonly hour: number;
  /** 0–59. */
  readonly minute: number;
}

/** A team's draft time in one week. */
export interface DueDraft {
  /** The week to draft, in the team's zone. */
  readonly window: WeekWindow;
  /** When its draft was due, UTC epoch ms ({@link scheduledInstant}). */
  readonly dueAtMs: number;
}

/**
 * Checks that a schedule is an ISO weekday 1–7, an hour 0–23 and a minute 0–59, all integers.
 * @throws BotError `input.bad_option`
 */
export function assertSchedule(schedule: DraftSchedule): void {
  const { weekday, hour, minute } = schedule;
  const whole = Number.isInteger(weekday) && Number.isInteger(hour) && Number.isInteger(minute);
  if (!whole || weekday < 1 || weekday > 7 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    throw new BotError("input.bad_option", `${weekday} ${hour}:${minute} is not a weekly time`, {
      hint: "Give a weekday 1–7 (Monday is 1), an hour 0–23 and a minute 0–59",
    });
  }
}

/**
 * Checks a schedule ({@link assertSchedule}) and its IANA zone; a zone once found good is
 * remembered, so this is cheap to call every minute.
 * @throws BotError `input.bad_option`, `input.bad_timezone`
 */
export function assertScheduleIn(schedule: DraftSchedule, zone: string): void {
  assertSchedule(schedule);
  checkZone(zone);
}

/**
 * The instant (UTC epoch ms) a local wall-clock time happens in `zone`, by the zone rule above:
 * the first instant of that local day at which the clock reads the time or later. Independent of
 * the host's time zone.
 * @throws BotError `input.bad_timezone`
 */
export function localTimeToInstant(local: LocalTime, zone: string): number {
  checkZone(zone);
  // The wall time read as if it were UTC; real instants are this minus the zone's offset then.
  const wallMs = DateTime.fromObject(
    { year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute },
    { zone: "UTC" },
  ).toMillis();
  // Zones change offset at most once in a day either side of any time they are used for.
  const offsets = [
    ...new Set([
      offsetMsAt(wallMs - DAY_MS, zone),
      offsetMsAt(wallMs, zone),
      offsetMsAt(wallMs + DAY_MS, zone),
    ]),
  ];
  const exact = offsets.map((offset) => wallMs - offset).filter((t) => wallClockMs(t, zone) === wallMs);
  if (exact.length > 0) {
    // One candidate on an ordinary day, two in a repeated hour: the first occurrence wins.
    return Math.min(...exact);
  }
  // In a gap: the clock jumps from before `wallMs` to after it. Find the jump by bisection between
  // the reading with the later (larger) offset, which is before the jump, and with the earlier.
  let before = wallMs - Math.max(...offsets);
  let after = wallMs - Math.min(...offsets);
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (wallClockMs(middle, zone) >= wallMs) {
      after = middle;
    } else {
      before = middle;
    }
  }
  return after;
}

/**
 * The instant (UTC epoch ms) of `schedule` in week `week` in `zone`: the schedule's ISO weekday of
 * that week, at its local time by the zone rule above. Always inside the week's window.
 * @throws BotError `input.bad_option` (schedule), `input.bad_timezone`, `input.bad_week`
 */
export function scheduledInstant(schedule: DraftSchedule, week: WeekKey, zone: string): number {
  assertSchedule(schedule);
  windowOfWeek(week, zone);
  const day = DateTime.fromObject(
    // assertSchedule checked that the weekday is 1–7.
    { weekYear: week.year, weekNumber: week.week, weekday: schedule.weekday as WeekdayNumbers },
    { zone: "UTC" },
  );
  return localTimeToInstant(
    { year: day.year, month: day.month, day: day.day, hour: schedule.hour, minute: schedule.minute },
    zone,
  );
}

/**
 * The team's draft of the current week when it is due: the ISO week holding `nowMs` in the team's
 * zone, when that week's draft time (see {@link scheduledInstant}) is at or before `nowMs`.
 * `undefined` while this week's draft time is still ahead (last week's is not looked at).
 * This is what catch-up drafts when the scheduled run was missed (down, or a skipped hour).
 * @param nowMs UTC epoch ms.
 * @throws BotError `input.bad_option`, `input.bad_timezone`
 */
export function dueDraft(
  team: Pick<TeamSettings, "timezone" | "draftSchedule">,
  nowMs: number,
): DueDraft | undefined {
  return dueWeekly(team.draftSchedule, team.timezone, nowMs);
}

/**
 * Like {@link dueDraft} for any weekly schedule: the window of the week holding `nowMs` in `zone`
 * and the instant `schedule` fell in it, when that instant is at or before `nowMs`.
 * @param nowMs UTC epoch ms.
 */
export function dueWeekly(schedule: DraftSchedule, zone: string, nowMs: number): DueDraft | undefined {
  checkZone(zone);
  const local = DateTime.fromMillis(nowMs, { zone });
  const window = windowOfWeek({ year: local.weekYear, week: local.weekNumber }, zone);
  const dueAtMs = scheduledInstant(schedule, window.key, zone);
  return dueAtMs <= nowMs ? { window, dueAtMs } : undefined;
}

// The runner asks every minute for every team, and checking a zone name or building a week's
// window costs a fraction of a millisecond each time, so both are remembered (a few hundred
// entries at most).
const validZones = new Set<string>();
const windows = new Map<string, WeekWindow>();
const MAX_WINDOWS = 512;

/** assertTimeZone, once per zone name. */
function checkZone(zone: string): void {
  if (!validZones.has(zone)) {
    assertTimeZone(zone);
    validZones.add(zone);
  }
}

/** weekWindow, remembered. */
function windowOfWeek(key: WeekKey, zone: string): WeekWindow {
  const id = `${zone}|${key.year}|${key.week}`;
  let window = windows.get(id);
  if (!window) {
    window = weekWindow(key, zone);
    if (windows.size >= MAX_WINDOWS) {
      windows.clear();
    }
    windows.set(id, window);
  }
  return window;
}

/** The zone's UTC offset at `instantMs`, in ms. */
function offsetMsAt(instantMs: number, zone: string): number {
  return IANAZone.create(zone).offset(instantMs) * MINUTE_MS;
}

/** The zone's wall clock at `instantMs`, as ms since 1970-01-01T00:00 on that wall clock. */
function wallClockMs(instantMs: number, zone: string): number {
  return instantMs + offsetMsAt(instantMs, zone);
}
