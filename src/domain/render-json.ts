import type { Highlight } from "./highlight.ts";
import type { WeeknoteDocument } from "./weeknote.ts";

/** One highlight as the CLI's JSON output lists it. `ts` is exactly as the platform gave it. */
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
 * `{ week, timezone, highlights: HighlightJson[], weeknote: WeeknoteDocument, markdown }`.
 */
export interface CompileJson {
  week: string;
  timezone: string;
  highlights: HighlightJson[];
  weeknote: WeeknoteDocument;
  markdown: string;
}

export function toHighlightJson(highlight: Highlight): HighlightJson {
  const json: HighlightJson = {
    id: highlight.id,
    channel: highlight.channelName,
    ts: highlight.ts,
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
