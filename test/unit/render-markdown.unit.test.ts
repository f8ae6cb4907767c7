import { describe, expect, it } from "vitest";
import { escapeMarkdownText, renderMarkdown } from "../../src/domain/render-markdown.ts";
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";

const doc: WeeknoteDocument = {
  week: "2026-W13",
  title: "weeknotes 2026-W13 — bins go digital\n— a cyber drill",
  themes: ["bins go digital", "a cyber drill"],
  intro: "We had a busy week.",
  sections: [
    {
      section: "highlights",
      heading: "Bins go digital",
      summary: "The booking form is live.",
      items: [{ text: "Line one\nline two", authors: ["Priya", "Sam"], highlightIds: ["C1/1.000100"] }],
    },
  ],
  intoNextWeek: [{ text: "Show and tell", authors: [], highlightIds: [] }],
  tune: { text: "Gorilla", authors: ["Jo"], highlightIds: ["C2/2.000200"] },
  footer: "Drafted offline.",
};

describe("renderMarkdown", () => {
  it("renders title, intro, sections, into next week, tune and footer", () => {
    expect(renderMarkdown(doc)).toBe(
      [
        "# weeknotes 2026-W13 — bins go digital — a cyber drill",
        "",
        "We had a busy week.",
        "",
        "## Bins go digital",
        "",
        "The booking form is live.",
        "",
        "- Line one",
        "  line two (Priya, Sam)",
        "",
        "## Into next week",
        "",
        "- Show and tell",
        "",
        "## Tune of the week",
        "",
        "Gorilla (Jo)",
        "",
        "---",
        "",
        "_Drafted offline\\._",
        "",
      ].join("\n"),
    );
  });

  it("leaves out empty parts", () => {
    const bare = renderMarkdown({ ...doc, intro: "", sections: [], intoNextWeek: [], footer: "" });
    expect(bare).toBe(
      "# weeknotes 2026-W13 — bins go digital — a cyber drill\n\n## Tune of the week\n\nGorilla (Jo)\n",
    );
  });
});

describe("escapeMarkdownText", () => {
  it("keeps chat text from becoming HTML, and leaves the rest alone", () => {
    expect(escapeMarkdownText("<script>alert(1)</script> & R&D &amp; a<b")).toBe(
      "\\<script>alert(1)\\</script> & R&D \\&amp; a\\<b",
    );
    expect(escapeMarkdownText("*bold* _it_ 👩🏽‍💻 ŵ")).toBe("*bold* _it_ 👩🏽‍💻 ŵ");
  });

  it("keeps links, images, headings, lists and fences typed in chat as text", () => {
    expect(escapeMarkdownText("[x](javascript:alert(1)) ![i](http://x/y.png)")).toBe(
      "\\[x\\](javascript:alert(1)) !\\[i\\](http://x/y.png)",
    );
    expect(escapeMarkdownText("# heading\n> quote\n- item\n+ item\n1. one\n2) two\n```js")).toBe(
      "\\# heading\n\\> quote\n\\- item\n\\+ item\n1\\. one\n2\\) two\n\\```js",
    );
    expect(escapeMarkdownText("a - b, 3 cats, C:\\path\\*x")).toBe("a - b, 3 cats, C:\\path\\\\*x");
  });

  it("is applied to item text in a rendered note", () => {
    const md = renderMarkdown({
      ...doc,
      sections: [],
      tune: { text: "<th> fixed", authors: [], highlightIds: [] },
    });
    expect(md).toContain("\\<th> fixed");
  });
});
