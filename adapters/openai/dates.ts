/**
 * The days an LLM request names (issue 9): each message's weekday and date, and the week's span,
 * in the team's IANA zone and the note's language, so the model can write "On Thursday…" without
 * working a date out (the prompts forbid it to).
 */
import { DateTime, IANAZone } from "luxon";
import type { NoteLanguage } from "../../src/domain/weeknote.ts";

const LOCALES: Readonly<Record<NoteLanguage, string>> = { en: "en-GB", cy: "cy" };

/** `zone` when luxon knows it, else UTC: a bad zone must not stop a draft (settings check it first). */
function usableZone(zone: string | undefined): string {
  return zone !== undefined && IANAZone.isValidZone(zone) ? zone : "UTC";
}

/** `Thursday 26 March` (Welsh: `Dydd Iau 26 Mawrth`): the day of `instantMs` (UTC epoch ms) in `zone`. */
export function dayOf(instantMs: number, zone: string | undefined, language: NoteLanguage = "en"): string {
  return DateTime.fromMillis(instantMs, { zone: usableZone(zone) })
    .setLocale(LOCALES[language])
    .toFormat("cccc d LLLL");
}

/**
 * `Monday 23 March – Sunday 29 March 2026`: the span of ISO week `week` (`2026-W13`) in `zone`;
 * the key itself when it is not a week key.
 */
export function weekSpan(week: string, zone: string | undefined, language: NoteLanguage = "en"): string {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) {
    return week;
  }
  const start = DateTime.fromObject(
    { weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 },
    { zone: usableZone(zone) },
  ).setLocale(LOCALES[language]);
  if (!start.isValid) {
    return week;
  }
  const end = start.plus({ days: 6 });
  return `${start.toFormat("cccc d LLLL")} – ${end.toFormat("cccc d LLLL yyyy")}`;
}
