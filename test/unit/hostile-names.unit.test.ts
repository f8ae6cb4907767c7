import { describe, expect, it } from "vitest";
import { summariseOffline } from "../../adapters/offline/offline-summariser.ts";
import { cleanModelDocument, type ModelDocument } from "../../adapters/openai/output.ts";
import { noteAsMrkdwn, publishedMessage, reviewMessage } from "../../adapters/slack/blocks.ts";
import { escapeSlackText } from "../../adapters/slack/escape.ts";
import { homeView } from "../../adapters/slack/views.ts";
import type { Highlight } from "../../src/domain/highlight.ts";
import { escapeMarkdownName, escapeMarkdownText, renderMarkdown } from "../../src/domain/render-markdown.ts";
import { defaultTeamSettings, type TeamSettings } from "../../src/domain/team.ts";
import type { Revision, Weeknote, WeeknoteDocument } from "../../src/domain/weeknote.ts";
import { HOSTILE_NAMES, shownAs } from "../support/hostile-names.ts";
import { htmlShape, renderHtml } from "../support/markdown-html.ts";

// Issue 12, item 2: names are text too. Every renderer shows a name exactly as written and makes
// no markup of it: no element, attribute, link or image that the renderer did not write itself.

/** A note in which every chat-given string is `name(i)`: title, headings, authors, footer. */
function noteOf(name: (i: number) => string, count: number): WeeknoteDocument {
  const indexes = [...Array(count).keys()];
  return {
    week: "2026-W13",
    title: `weeknotes 2026-W13 — ${name(0)} — ${name(1)}`,
    themes: [],
    intro: "This week we tagged some highlights.",
    sections: indexes.map((i) => ({
      section: "highlights" as const,
      heading: name(i),
      items: [{ text: `Item ${i}`, authors: [name(i), "Priya"], highlightIds: [`C1/${i}.000100`] }],
    })),
    intoNextWeek: [{ text: "Show and tell", authors: [name(count - 1)], highlightIds: [] }],
    tune: { text: "Gorilla", authors: [name(0)], highlightIds: [] },
    footer: `Edited by ${name(count - 1)}.`,
  };
}

const BENIGN = noteOf((i) => `Person ${i}`, HOSTILE_NAMES.length);
const HOSTILE = noteOf((i) => HOSTILE_NAMES[i] ?? "", HOSTILE_NAMES.length);

describe("the Markdown note with hostile names, rendered by markdown-it with html: true", () => {
  for (const linkify of [false, true]) {
    it(`has only the elements and attributes a note of plain names has, and no link or image${linkify ? " (linkify on too)" : ""}`, () => {
      const ours = htmlShape(renderHtml(renderMarkdown(BENIGN), { linkify }));
      const theirs = htmlShape(renderHtml(renderMarkdown(HOSTILE), { linkify }));
      expect([...theirs.tags].filter((tag) => !ours.tags.has(tag))).toEqual([]);
      expect([...theirs.attributes].filter((a) => !ours.attributes.has(a))).toEqual([]);
      // The same structure, element for element: no name started a bullet, heading or paragraph.
      expect(Object.fromEntries(theirs.counts)).toEqual(Object.fromEntries(ours.counts));
      expect(theirs.targets).toEqual([]);
      expect(ours.targets).toEqual([]);
    });
  }

  it("shows every name exactly as written (white space made one space, bidi controls visible)", () => {
    const shown = htmlShape(renderHtml(renderMarkdown(HOSTILE))).text;
    HOSTILE_NAMES.forEach((name, i) => {
      expect(shown).toContain(`Item ${i} (${shownAs(name)}, Priya)`);
    });
    expect(shown).toContain("Ann<U+202E>elgoog.www<U+202C>");
  });

  it("escapes the issue's examples to text: no tag, no link, no image", () => {
    expect(escapeMarkdownName("<img src=x onerror=alert(document.domain)>")).toBe(
      "\\<img src\\=x onerror\\=alert(document\\.domain)\\>",
    );
    expect(escapeMarkdownName("[IT Helpdesk](https://evil.example)")).toBe(
      "\\[IT Helpdesk\\](https\\://evil\\.example)",
    );
    expect(escapeMarkdownName("![x](https://tracker.example/p.gif)")).toBe(
      "\\!\\[x\\](https\\://tracker\\.example/p\\.gif)",
    );
  });
});

describe("escapeMarkdownText: chat text over several lines shows as written", () => {
  it("keeps a line-starting number's digits before its escape: 3\\.12, which shows as 3.12", () => {
    expect(escapeMarkdownText("3.12 went out on Friday")).toBe("3\\.12 went out on Friday");
    expect(escapeMarkdownText("intro\n12) twelve")).toBe("intro\n12\\) twelve");
    expect(htmlShape(renderHtml(escapeMarkdownText("3.12 went out on Friday"))).text.trim()).toBe(
      "3.12 went out on Friday",
    );
    // The series title starts with its number, and showed as `\3.12`, then `3\.12`, before; a dot
    // between digits starts nothing in a heading, so it is written as the seed writes it.
    const md = renderMarkdown({ ...BENIGN, title: "3.12 — weeknotes — bins go digital" });
    expect(md.split("\n")[0]).toBe("# 3.12 — weeknotes — bins go digital");
    expect(renderHtml(md)).toContain("<h1>3.12 — weeknotes — bins go digital</h1>");
  });

  it.each([
    ["a table", "a | b\n--|--\n1 | 2"],
    ["a setext heading", "Results\n==="],
    ["a setext heading with dashes", "Results\n--"],
    ["a setext heading after a lone carriage return", "Results\r==="],
    ["a hard line break before a lone carriage return", "line one  \rline two\r    code();"],
    ["thematic breaks", "***\n\n___\n\n---\n\n* * *"],
    ["hard line breaks", "line one  \nline two\\\nline three"],
    ["an indented code block", "para\n\n    code();"],
    ["raw HTML and an autolink", "<b onmouseover=x>hi</b> <https://evil.example>"],
    ["a reference link and its definition", "[Support][ref]\n\n[ref]: https://evil.example"],
    ["an ordered list", "1. one\n2) two"],
    ["entities", "&lt;script&gt; &#x3C;b&#x3E;"],
  ])("makes no markup of %s", (_kind, text) => {
    const shape = htmlShape(renderHtml(escapeMarkdownText(text)));
    expect([...shape.tags]).toEqual(["p"]);
    expect([...shape.attributes]).toEqual([]);
    expect(shape.text.trim()).toBe(text.replace(/\s+/g, " ").trim());
  });
});

// --- Block Kit -----------------------------------------------------------------------------------

const team: TeamSettings = {
  ...defaultTeamSettings("slack", "T0WEEK0001", "Europe/London", 0),
  name: "<https://evil.example|Digital team> <!here>",
  reviewChannel: "C0REVIEW01",
  publishChannel: "C0GENERAL1",
};

function revisionOf(document: WeeknoteDocument): Revision {
  return {
    number: 1,
    origin: "offline",
    model: undefined,
    promptVersion: "offline-1",
    highlightIds: [],
    document,
    markdown: renderMarkdown(document),
    author: undefined,
    createdAtMs: 0,
  };
}

function weeknoteOf(revision: Revision): Weeknote {
  return {
    workspace: "T0WEEK0001",
    team: "default",
    week: "2026-W13",
    status: "draft",
    revisions: [revision],
    approval: undefined,
    review: undefined,
    published: undefined,
  };
}

describe("Block Kit with hostile names", () => {
  it("shows each name as written, on one line, and makes no link, mention or other <…> of any", () => {
    const mrkdwn = noteAsMrkdwn(HOSTILE);
    // Slack's markup is all inside <…>; escaped names never open one.
    expect(mrkdwn).not.toContain("<");
    HOSTILE_NAMES.forEach((name, i) => {
      expect(mrkdwn).toContain(`• Item ${i} (${escapeSlackText(shownAs(name))}, Priya)\n`);
    });
  });

  it("shows the team's name as written in the review and the published note", () => {
    const revision = revisionOf(HOSTILE);
    const weeknote = weeknoteOf(revision);
    const messages = [
      ...reviewMessage({ team, weeknote, revision, status: { kind: "open" } }),
      ...reviewMessage({ team, weeknote, revision, status: { kind: "open" } }, "Approved by \u202EEve."),
      ...publishedMessage(team, weeknote, revision),
    ];
    for (const message of messages) {
      const texts = JSON.stringify(message.blocks.filter((b) => b.type !== "actions"));
      expect(texts).not.toContain("<");
      expect(message.text).not.toContain("<");
    }
    expect(JSON.stringify(messages[0]?.blocks)).toContain(
      "&lt;https://evil.example|Digital team&gt; &lt;!here&gt;",
    );
    expect(JSON.stringify(messages)).toContain("Approved by &lt;U+202E&gt;Eve.");
  });

  it("keeps a bare URL in a message's text a link that shows itself", () => {
    const mrkdwn = noteAsMrkdwn({
      ...HOSTILE,
      sections: [
        {
          section: "highlights",
          heading: "Links",
          items: [
            { text: "See https://gov.uk/guidance", authors: ["https://evil.example"], highlightIds: [] },
          ],
        },
      ],
    });
    expect(mrkdwn).toContain("See <https://gov.uk/guidance> (https://evil.example)");
  });

  it("makes the Home tab's sections verbatim, its names escaped and one line", () => {
    const highlight: Highlight = {
      id: "C1/1.000100",
      platform: "slack",
      workspace: "T0WEEK0001",
      conversationId: "C1",
      conversationName: "general\n*fake*",
      private: false,
      messageId: "1.000100",
      threadId: undefined,
      postedAtMs: 0,
      authorId: "U1",
      authorName: "<https://evil.example|IT Helpdesk>\n• 2 more",
      text: "Shipped www.example.com",
      section: "highlights",
      tags: [],
      permalink: undefined,
      team: undefined,
    } as unknown as Highlight;
    const view = homeView({ team, week: "2026-W13", highlights: [highlight], notes: [] });
    const sections = (view.blocks ?? []).filter((b) => b.type === "section") as {
      text: { type: string; text: string; verbatim?: boolean };
    }[];
    expect(sections.length).toBeGreaterThan(0);
    for (const section of sections) {
      expect(section.text.verbatim).toBe(true);
    }
    const text = sections[0]?.text.text ?? "";
    expect(text).not.toContain("<");
    expect(text.split("\n")).toHaveLength(1);
    expect(text).toContain("&lt;https://evil.example|IT Helpdesk&gt; • 2 more, #general *fake*");
  });
});

// --- Where names enter the document ------------------------------------------------------------

describe("names enter the document as one line of plain text", () => {
  it("the offline summariser", () => {
    const highlight = {
      id: "C1/1.000100",
      platform: "slack",
      workspace: "T1",
      conversationId: "C1",
      conversationName: "bins\n# Fake heading",
      private: false,
      messageId: "1.000100",
      postedAtMs: Date.parse("2026-03-24T10:00:00Z"),
      authorId: "U1",
      authorName: "Eve\n- Approved by the CEO",
      text: "Launched the form",
      section: "highlights",
      tags: [],
      permalink: undefined,
      team: undefined,
    } as unknown as Highlight;
    const doc = summariseOffline({
      week: "2026-W13",
      teamName: "Team",
      teamKey: "T1/default",
      voice: "we",
      highlights: [highlight, { ...highlight, id: "C1/2.000100", section: "tune" } as Highlight],
    } as Parameters<typeof summariseOffline>[0]);
    // A prose note: the name is in the paragraph's text, and listed as a name the text holds.
    expect(doc.sections[0]?.paragraphs).toEqual([
      {
        text: "On Tuesday, Eve - Approved by the CEO wrote: Launched the form.",
        highlightIds: ["C1/1.000100"],
        names: ["Eve - Approved by the CEO"],
      },
    ]);
    expect(doc.tune?.authors).toEqual(["Eve - Approved by the CEO"]);
    const md = renderMarkdown(doc);
    expect(md).not.toMatch(/^# Fake/m);
    expect(md).not.toMatch(/^- Approved/m);
    expect(md).toContain("On Tuesday, Eve - Approved by the CEO wrote: Launched the form.");
  });

  it("the offline summariser lists each name its prose holds, and renderers escape it there", () => {
    const base = {
      platform: "slack",
      workspace: "T1",
      conversationId: "C1",
      conversationName: "general",
      private: false,
      section: "highlights",
      tags: [],
      permalink: undefined,
      team: undefined,
    };
    const names = ["**CEO** _urgent_", "www.evil.example", "https://evil.example/reset"];
    const highlights = names.map(
      (authorName, i) =>
        ({
          ...base,
          id: `C1/${i + 1}.000100`,
          messageId: `${i + 1}.000100`,
          postedAtMs: Date.parse(`2026-03-2${4 + i}T10:00:00Z`),
          authorId: `U${i}`,
          authorName,
          text: [
            "The bins form went live for every street in Cardiff today",
            "Our bins form now takes card payments and sends receipts",
            "Reminder texts for the bins form reached four thousand homes",
          ][i],
        }) as unknown as Highlight,
    );
    const doc = summariseOffline({
      week: "2026-W13",
      teamName: "Team",
      teamKey: "T1/default",
      voice: "we",
      highlights,
    } as Parameters<typeof summariseOffline>[0]);
    const paragraphs = doc.sections.flatMap((s) => s.paragraphs ?? []);
    expect(paragraphs.flatMap((p) => p.names ?? [])).toEqual(names);
    const md = renderMarkdown(doc);
    expect(md).toContain("On Tuesday, \\*\\*CEO\\*\\* \\_urgent\\_ wrote: ");
    expect(md).toContain("On Wednesday, www\\.evil\\.example added: ");
    expect(md).toContain("On Thursday, https\\://evil\\.example/reset added: ");
    for (const linkify of [false, true]) {
      const shape = htmlShape(renderHtml(md, { linkify }));
      expect([...shape.tags].sort()).toEqual(["em", "h1", "hr", "p", "strong"]);
      expect(shape.counts.get("strong")).toBe(1);
      expect(shape.counts.get("em")).toBe(1);
      expect(shape.targets).toEqual([]);
    }
    const mrkdwn = noteAsMrkdwn(doc);
    expect(mrkdwn).not.toContain("<");
    expect(mrkdwn).toContain("On Thursday, https://evil.example/reset added: ");
  });

  it("the LLM's answer", () => {
    const answer: ModelDocument = {
      themes: ["bins"],
      intro: "A week.",
      sections: [
        {
          section: "highlights",
          heading: "Bins\n## Injected",
          paragraphs: [],
          items: [
            {
              text: "Launched",
              authors: ["Eve\n- Approved by the CEO", "[IT Helpdesk](https://evil.example)"],
              highlightIds: ["C1/1.000100"],
            },
          ],
        },
      ],
      intoNextWeek: [],
      thanks: null,
      tune: null,
    };
    const { document } = cleanModelDocument(answer, {
      highlightIds: new Set(["C1/1.000100"]),
      allowedUrls: new Set(),
    });
    expect(document.sections[0]?.heading).toBe("Bins ## Injected");
    // The address was not in the input, so it goes; the rest is a name, escaped where rendered.
    expect(document.sections[0]?.items[0]?.authors).toEqual(["Eve - Approved by the CEO", "[IT Helpdesk]"]);
  });
});
