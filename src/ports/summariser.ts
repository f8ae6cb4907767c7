import type { Highlight } from "../domain/highlight.ts";
import type { RevisionOrigin, WeeknoteDocument } from "../domain/weeknote.ts";

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
