import type { NoteLanguage } from "./weeknote.ts";

/**
 * The fixed words a note is framed with, in the team's language (issue 9): councils in Wales
 * publish bilingually, so Welsh is the second language. Chat text is never translated; only these.
 * The sentence templates are kept plain so the Welsh stays correct: a person's name is never
 * mutated, and numbers are written as digits before a singular noun (`17 uchafbwynt`).
 */
export interface FrameWords {
  /** The word in the title after the series number: `5.9 — weeknotes — …`. */
  readonly weeknotes: string;
  /** Lead-in of the look at the week ahead, ending in an ellipsis: "Into next week…". */
  readonly intoNextWeek: string;
  /** Lead-in of the tune: "Tune of the week". */
  readonly tuneOfTheWeek: string;
  readonly thanks: string;
  readonly challenges: string;
  /** Heading of the paragraph of messages that share no subject with others: "Also this week". */
  readonly alsoThisWeek: string;
  /** The title theme of a week with nothing tagged. */
  readonly quietWeek: string;
  /** The intro of a week with nothing tagged. */
  readonly nothingTagged: string;
  /** Day names, Monday first (ISO weekday 1–7 at index 0–6), as used after `on`. */
  readonly weekdays: readonly string[];
  /** Intro: how many highlights were tagged and from how many people, in the note's voice. */
  tagged(voice: "we" | "I", highlights: number, people: number): string;
  /** Intro, when some highlights are not in the note: how many more were tagged. */
  moreTagged(more: number): string;
  /** Opens a paragraph's first sentence about a message: `On Tuesday, Aisha wrote: `. */
  wrote(name: string, weekday: string | undefined): string;
  /** Opens a later sentence of the same paragraph: `Niamh added: `, `On Friday, Niamh added: `. */
  added(name: string, weekday: string | undefined): string;
  /** Opens a sentence about a message tagged as thanks that does not itself thank: `Thanks to Marcus: `. */
  thanksTo(name: string): string;
  /**
   * The footer of an offline draft: which summariser `version` wrote it from how many
   * `highlights` tagged in `week` (`2026-W13`), and how many of them it `cites`.
   */
  offlineFooter(version: string, highlights: number, week: string, cites: number): string;
}

const EN: FrameWords = {
  weeknotes: "weeknotes",
  intoNextWeek: "Into next week…",
  tuneOfTheWeek: "Tune of the week",
  thanks: "Thanks",
  challenges: "Challenges",
  alsoThisWeek: "Also this week",
  quietWeek: "a quiet week",
  nothingTagged: "Nothing was tagged for the weeknotes this week.",
  weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
  tagged: (voice, highlights, people) =>
    `This week ${voice === "I" ? "I" : "we"} tagged ${highlights} ${highlights === 1 ? "highlight" : "highlights"} from ${
      people === 1 ? "one person" : `${people} people`
    }.`,
  moreTagged: (more) =>
    more === 1
      ? "One more tagged highlight is not in this note."
      : `Another ${more} tagged highlights are not in this note.`,
  wrote: (name, weekday) => (weekday ? `On ${weekday}, ${name} wrote: ` : `${name} wrote: `),
  added: (name, weekday) => (weekday ? `On ${weekday}, ${name} added: ` : `${name} added: `),
  thanksTo: (name) => `Thanks to ${name}: `,
  offlineFooter: (version, highlights, week, cites) =>
    `Drafted by the weeknotes offline summariser (${version}, no LLM) from ${highlights} ${
      highlights === 1 ? "highlight" : "highlights"
    } tagged in ${week}; cites ${cites} of ${highlights}.`,
};

// Welsh: "Ddydd Mawrth" (on Tuesday) takes the soft mutation of `dydd` as an adverb of time; the
// verb comes first (ysgrifennodd Aisha, "Aisha wrote"; ychwanegodd, "added"); "nodon ni" / "nodais
// i" is "we / I noted"; a noun after a numeral stays singular (17 uchafbwynt, "17 highlights").
const CY: FrameWords = {
  weeknotes: "nodiadau'r wythnos",
  intoNextWeek: "I'r wythnos nesaf…",
  tuneOfTheWeek: "Tiwn yr wythnos",
  thanks: "Diolch",
  challenges: "Heriau",
  alsoThisWeek: "Hefyd yr wythnos hon",
  quietWeek: "wythnos dawel",
  nothingTagged: "Ni nodwyd dim byd yr wythnos hon.",
  weekdays: ["Llun", "Mawrth", "Mercher", "Iau", "Gwener", "Sadwrn", "Sul"],
  tagged: (voice, highlights, people) =>
    `Yr wythnos hon, ${voice === "I" ? "nodais i" : "nodon ni"} ${highlights} uchafbwynt gan ${
      people === 1 ? "un person" : `${people} o bobl`
    }.`,
  moreTagged: (more) => `Mae ${more} arall heb eu cynnwys yn y nodyn hwn.`,
  wrote: (name, weekday) => (weekday ? `Ddydd ${weekday}, ysgrifennodd ${name}: ` : `Ysgrifennodd ${name}: `),
  added: (name, weekday) => (weekday ? `Ddydd ${weekday}, ychwanegodd ${name}: ` : `Ychwanegodd ${name}: `),
  thanksTo: (name) => `Diolch i ${name}: `,
  // "Drafftiwyd gan" (drafted by) softens `crynhoydd` (summariser) to `grynhoydd`; "mae'n dyfynnu
  // 14 o 17" is "it cites 14 of 17".
  offlineFooter: (version, highlights, week, cites) =>
    `Drafftiwyd gan grynhoydd all-lein nodiadau'r wythnos (${version}, heb LLM) o ${highlights} uchafbwynt a nodwyd yn ${week}; mae'n dyfynnu ${cites} o ${highlights}.`,
};

const WORDS: Readonly<Record<NoteLanguage, FrameWords>> = { en: EN, cy: CY };

/** The frame words of `language` (default English). */
export function frameWords(language: NoteLanguage | undefined): FrameWords {
  return WORDS[language ?? "en"];
}
