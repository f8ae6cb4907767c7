import type { WeeknoteDocument, WeeknoteItem } from "./weeknote.ts";

/**
 * Renders a weeknote as CommonMark: `# title`, intro, one `##` part per section, "Into next
 * week", "Tune of the week", then the footer in italics after a rule. Pure. Chat text is plain
 * text, so `<` and entity-like `&name;` are backslash-escaped: a `<script>` or `<th>` typed in chat
 * shows as written instead of becoming HTML where the note is published. Other Markdown is kept.
 */
export function renderMarkdown(doc: WeeknoteDocument): string {
  const parts: string[] = [`# ${oneLine(doc.title)}`];
  if (doc.intro.trim()) {
    parts.push(escapeMarkdownText(doc.intro.trim()));
  }
  for (const section of doc.sections) {
    const lines = [`## ${oneLine(section.heading)}`];
    if (section.summary?.trim()) {
      lines.push("", escapeMarkdownText(section.summary.trim()));
    }
    if (section.items.length > 0) {
      lines.push("", ...section.items.map(renderItem));
    }
    parts.push(lines.join("\n"));
  }
  if (doc.intoNextWeek.length > 0) {
    parts.push(["## Into next week", "", ...doc.intoNextWeek.map(renderItem)].join("\n"));
  }
  if (doc.tune) {
    parts.push(`## Tune of the week\n\n${itemText(doc.tune)}`);
  }
  if (doc.footer.trim()) {
    parts.push(`---\n\n_${oneLine(doc.footer)}_`);
  }
  return `${parts.join("\n\n")}\n`;
}

function renderItem(item: WeeknoteItem): string {
  // Continuation lines are indented so a multi-line message stays inside its bullet.
  return `- ${itemText(item).replace(/\n/g, "\n  ")}`;
}

function itemText(item: WeeknoteItem): string {
  const text = escapeMarkdownText(item.text.trim());
  return item.authors.length > 0 ? `${text} (${item.authors.join(", ")})` : text;
}

function oneLine(text: string): string {
  return escapeMarkdownText(text.replace(/\s*\n\s*/g, " ").trim());
}

/**
 * Escapes chat text so that CommonMark shows it as written: no HTML (`<tag>`, autolinks,
 * `&entity;`), no links or images (`[…](…)`), no headings, quotes, lists or code fences started
 * by a line. Emphasis (`*`, `_`) and inline code are left alone: they are harmless and common.
 */
export function escapeMarkdownText(text: string): string {
  return text
    .replace(/\\(?=[!-/:-@[-`{-~])/g, "\\\\")
    .replace(/[<[\]]/g, (c) => `\\${c}`)
    .replace(/&(?=#?\w+;)/g, "\\&")
    .replace(
      /^([ \t]*)(#|>|[-+*](?=\s|$)|\d+(?=[.)])|```|~~~)/gm,
      (_, indent: string, marker: string) => `${indent}\\${marker}`,
    );
}
