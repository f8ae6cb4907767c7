import MarkdownIt from "markdown-it";
import { renderMarkdown } from "../../src/domain/render-markdown.ts";
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";

// Raw HTML off: chat text can never become markup, whatever escaping it went through before.
// markdown-it also refuses `javascript:`, `vbscript:`, `file:` and non-image `data:` links.
const markdownIt = new MarkdownIt({ html: false, linkify: false, typographer: false });

/**
 * The one HTML renderer (issue 9 item 5): a weeknote as an HTML fragment, markdown-it over
 * {@link renderMarkdown}'s CommonMark, with raw HTML disabled. Pure.
 */
export function renderHtml(doc: WeeknoteDocument): string {
  return markdownHtml(renderMarkdown(doc));
}

/**
 * Any note's Markdown (a person's edited revision is kept as they wrote it) as an HTML fragment,
 * by the same rules as {@link renderHtml}: raw HTML is shown as text, never passed through.
 */
export function markdownHtml(markdown: string): string {
  return markdownIt.render(markdown);
}

/** `text` with `&`, `<`, `>` and `"` escaped, for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return markdownIt.utils.escapeHtml(text);
}
