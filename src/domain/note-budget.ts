/**
 * The length budget of a note (issue 9, SPEC §5): a note fits one Slack screen, about 25 rendered
 * lines and 350 words for a week of 20 highlights. A smaller week gets fewer words, so five
 * highlights are not padded out to a full screen.
 */
export interface NoteBudget {
  /** Most words of prose (title, intro, paragraphs, lists, next week, thanks, tune; not the footer). */
  readonly words: number;
  /** Most rendered lines of the Markdown, blank lines included. */
  readonly lines: number;
}

/** Default most words whatever the week's size. */
export const MAX_NOTE_WORDS = 350;
/** Default most rendered lines. */
export const MAX_NOTE_LINES = 25;

/**
 * The default budget for a week of `highlights` highlights: 100 words plus 12.5 a highlight, at
 * most 350 words; always 25 lines.
 */
export function noteBudgetFor(highlights: number, words?: number): NoteBudget {
  const fitted = Math.min(MAX_NOTE_WORDS, Math.round(100 + 12.5 * Math.max(0, highlights)));
  return { words: words ?? fitted, lines: MAX_NOTE_LINES };
}
