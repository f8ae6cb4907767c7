/**
 * adapters/publish/render-html.ts, the one HTML renderer: whatever chat or an LLM put in a note (title,
 * theme, paragraph, item, author, tune), the HTML has only the structure the renderer writes, no
 * element, link or image from the text, and shows the text as written.
 */
import { Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { markdownHtml, renderHtml } from "../../adapters/publish/render-html.ts";
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";
import { HOSTILE_NAMES } from "../support/hostile-names.ts";

const STRUCTURE = new Set(["h1", "h2", "p", "strong", "em", "ul", "li", "hr", "code", "s", "br"]);

function parse(html: string): { tags: string[]; attributes: string[]; text: string } {
  const tags: string[] = [];
  const attributes: string[] = [];
  let text = "";
  const parser = new Parser({
    onopentag(name, attrs) {
      tags.push(name);
      attributes.push(...Object.keys(attrs));
    },
    ontext(t) {
      text += t;
    },
  });
  parser.write(html);
  parser.end();
  return { tags, attributes, text };
}

function noteWith(hostile: string): WeeknoteDocument {
  return {
    week: "2026-W13",
    title: `5.9 — weeknotes — ${hostile}`,
    themes: [hostile],
    intro: `This week: ${hostile}`,
    sections: [
      {
        section: "highlights",
        heading: hostile,
        paragraphs: [{ text: `Niamh said ${hostile} on Tuesday.`, highlightIds: ["C1/1"] }],
        items: [{ text: hostile, authors: [hostile], highlightIds: ["C1/2"] }],
      },
    ],
    intoNextWeek: [{ text: hostile, authors: [], highlightIds: ["C1/3"] }],
    tune: { text: hostile, authors: ["Marcus"], highlightIds: ["C1/4"] },
    footer: `Drafted by ${hostile}`,
  };
}

describe("renderHtml", () => {
  it.each(HOSTILE_NAMES)("makes no markup of hostile text %j", (hostile) => {
    const html = renderHtml(noteWith(hostile));
    const { tags, attributes, text } = parse(html);
    expect(tags.filter((tag) => !STRUCTURE.has(tag))).toEqual([]);
    expect(attributes).toEqual([]);
    // What a reader sees still says it (the words of it, white space aside).
    const words = hostile.replace(/[\u202A-\u202E]/g, " ").match(/[A-Za-z0-9]{3,}/g) ?? [];
    for (const word of words) {
      expect(text).toContain(word);
    }
  });

  it("shows tags, entities and CDATA ends as text", () => {
    const html = renderHtml(noteWith('<script>alert("x")</script> &amp; ]]>'));
    expect(html).not.toContain("<script");
    expect(parse(html).text).toContain('<script>alert("x")</script> &amp; ]]>');
  });

  it("keeps raw HTML in a person's own Markdown as text, and refuses javascript: links", () => {
    const html = markdownHtml(
      "# Mine\n\n<b>bold</b> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n",
    );
    const { tags, attributes } = parse(html);
    expect(tags).toEqual(["h1", "p"]);
    expect(attributes).toEqual([]);
  });
});
