import type { Highlight } from "../../src/domain/highlight.ts";
import type { LeftOut, WeeknoteDocument } from "../../src/domain/weeknote.ts";

/**
 * One highlight as `weeknotes compile --format json` lists it (a documented contract): `ts` is the
 * Slack message ts exactly as in the export.
 */
export interface HighlightJson {
  id: string;
  /** Channel name, without `#`. */
  channel: string;
  ts: string;
  author: string;
  text: string;
  section: string;
  permalink?: string;
}

/**
 * The shape `weeknotes compile --format json` prints (a documented contract):
 * `{ week, timezone, highlights: HighlightJson[], weeknote: WeeknoteDocument, markdown, leftOut }`,
 * `leftOut` listing every highlight the note does not cite and why (issue 9; empty for a note that
 * cites them all or that was written before notes said so).
 */
export interface CompileJson {
  week: string;
  timezone: string;
  highlights: HighlightJson[];
  weeknote: WeeknoteDocument;
  markdown: string;
  leftOut: LeftOut[];
}

export function toHighlightJson(highlight: Highlight): HighlightJson {
  const json: HighlightJson = {
    id: highlight.id,
    channel: highlight.conversationName,
    ts: highlight.messageId ?? "",
    author: highlight.authorName,
    text: highlight.text,
    section: highlight.section,
  };
  if (highlight.permalink !== undefined) {
    json.permalink = highlight.permalink;
  }
  return json;
}

/** Pretty JSON (two-space indent, trailing newline); Unicode is written as is, not `\u`-escaped. */
export function renderCompileJson(value: CompileJson): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
