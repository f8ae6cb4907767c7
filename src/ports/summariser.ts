import type { Highlight } from "../domain/highlight.ts";
import type { NoteLanguage, RevisionOrigin, WeeknoteDocument } from "../domain/weeknote.ts";

/** What a summariser is given (SPEC §5). */
export interface SummariseInput {
  /** Week key, `2026-W13`. */
  readonly week: string;
  /** The team's display name, for the intro. */
  readonly teamName: string;
  /**
   * Which team, `<workspace>/<team>` (e.g. `T0WEEK0001/default`), for per-team prompts; absent
   * for a compile with no team.
   */
  readonly teamKey?: string;
  /** Whose voice the note speaks in: "we" for a team, "I" for a personal team. Default "we". */
  readonly voice?: "we" | "I";
  /** The week's highlights, in posting order. */
  readonly highlights: readonly Highlight[];
  /** Series number for the title, `3.12`, when the team keeps one. */
  readonly seriesNumber?: string;
  /** IANA time zone of the team's weeks: each highlight's weekday and date are given in it. Default UTC. */
  readonly timezone?: string;
  /** Language of the note's frame words and of the prose asked of an LLM. Default `en`. */
  readonly language?: NoteLanguage;
  /** Most words the note's prose may take (default: wordBudgetFor(highlights), about 350 for 20). */
  readonly wordBudget?: number;
  /** The team's house style: a short Markdown text of things to do or never do. */
  readonly houseStyle?: string;
  /** Last week's approved "Into next week…" items, so the note can say what became of them. */
  readonly previousIntoNextWeek?: readonly string[];
  /**
   * Keep pronoun and role parts of display names in the prose (`Sam (she/her)`, `Alex | Product`);
   * default: the offline summariser drops them (issue 9).
   */
  readonly keepNameSuffixes?: boolean;
  /** For a regeneration: the previous Markdown and why it is being redone. */
  readonly previous?: { readonly markdown: string; readonly reason: string | undefined };
}

/** A summariser's result, with what the revision records about how it was made. */
export interface SummariseResult {
  readonly document: WeeknoteDocument;
  readonly origin: RevisionOrigin;
  readonly model: string | undefined;
  readonly promptVersion: string | undefined;
}

/** Turns a week's highlights into a document; adapters: offline (deterministic), openai. */
export interface Summariser {
  summarise(input: SummariseInput): Promise<SummariseResult>;
}
