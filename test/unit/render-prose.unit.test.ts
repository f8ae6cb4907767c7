import { describe, expect, it } from "vitest";
import { noteAsMrkdwn, publishedMessage, type SlackBlock } from "../../adapters/slack/blocks.ts";
import { noteElements, noteLines } from "../../adapters/teams/card-note.ts";
import {
  isProseNote,
  leadIn,
  namePieces,
  namesOfCited,
  proseParts,
  unnamedAuthors,
} from "../../src/domain/note-prose.ts";
import { renderMarkdown } from "../../src/domain/render-markdown.ts";
import { isThemePhrase, titleOf, titleThemes } from "../../src/domain/series.ts";
import { defaultTeamSettings } from "../../src/domain/team.ts";
import type { Revision, Weeknote, WeeknoteDocument, WeeknoteSection } from "../../src/domain/weeknote.ts";
import { htmlShape, renderHtml } from "../support/markdown-html.ts";

/** A prose note in the shape of the seed weeknote: themed paragraphs, a short list, next week, tune. */
function prose(overrides: Partial<WeeknoteDocument> = {}): WeeknoteDocument {
  return {
    week: "2026-W13",
    title: "5.9 — weeknotes — end of financial year — a cyber drill",
    themes: ["end of financial year", "a cyber drill"],
    intro: "A busy, rewarding week for the team.",
    sections: [
      {
        section: "highlights",
        heading: "end of financial year",
        paragraphs: [
          {
            text: "Priya closed the books on Thursday.\nThe overspend came down again.",
            highlightIds: ["h1"],
          },
          { text: "Sam and Jo checked every contract.", highlightIds: ["h2"] },
        ],
        items: [],
      },
      {
        section: "highlights",
        heading: "a cyber drill",
        paragraphs: [{ text: "We ran the drill with the NCSC on Tuesday.", highlightIds: ["h3"] }],
        items: [
          { text: "Phishing test: 4% clicked", authors: ["Ali Khan"], highlightIds: ["h4"] },
          { text: "Ali wrote the runbook", authors: ["Ali Khan"], highlightIds: ["h5"] },
        ],
      },
      {
        section: "thanks",
        heading: "Thanks",
        paragraphs: [{ text: "Thanks to Mo for covering the helpdesk.", highlightIds: ["h6"] }],
        items: [],
      },
    ],
    intoNextWeek: [
      { text: "Easter already", authors: ["Priya Shah"], highlightIds: ["h7"] },
      { text: "Sam starts the bins pilot on Monday.", authors: ["Sam"], highlightIds: ["h8"] },
    ],
    tune: { text: "Mimi Webb — Red Flags", authors: ["Jo"], highlightIds: ["h9"] },
    language: "en",
    leftOut: [{ highlightId: "h10", reason: "link_only" }],
    footer: "Drafted offline from 10 highlights; cites 9 of 10.",
    ...overrides,
  };
}

function legacy(): WeeknoteDocument {
  return {
    week: "2026-W13",
    title: "weeknotes 2026-W13 — bins go digital",
    themes: ["bins go digital"],
    intro: "We had a busy week.",
    sections: [
      {
        section: "highlights",
        heading: "Bins go digital",
        summary: "The booking form is live.",
        items: [{ text: "Launched", authors: ["Priya"], highlightIds: ["h1"] }],
      },
    ],
    intoNextWeek: [{ text: "Show and tell", authors: [], highlightIds: [] }],
    tune: { text: "Gorilla", authors: ["Jo"], highlightIds: ["h2"] },
    footer: "Drafted offline.",
  };
}

function revision(document: WeeknoteDocument): Revision {
  return {
    number: 1,
    origin: "offline",
    model: undefined,
    promptVersion: "offline-2",
    highlightIds: ["h1"],
    document,
    markdown: "",
    author: undefined,
    createdAtMs: 0,
  };
}

function slackText(blocks: readonly SlackBlock[]): string {
  return blocks.flatMap((b) => (b.type === "section" ? [b.text.text] : [])).join("\n\n");
}

describe("renderMarkdown of a prose note", () => {
  it("writes paragraphs with bold theme lead-ins, a short list, next week, the tune and the footer", () => {
    expect(renderMarkdown(prose())).toBe(
      [
        "# 5.9 — weeknotes — end of financial year — a cyber drill",
        "",
        "A busy, rewarding week for the team.",
        "",
        "**End of financial year.** Priya closed the books on Thursday. The overspend came down again.",
        "",
        "Sam and Jo checked every contract.",
        "",
        "**A cyber drill.** We ran the drill with the NCSC on Tuesday.",
        "",
        "- Phishing test: 4% clicked (Ali Khan)",
        "- Ali wrote the runbook",
        "",
        "**Thanks.** Thanks to Mo for covering the helpdesk.",
        "",
        "**Into next week…** Easter already. (Priya Shah) Sam starts the bins pilot on Monday.",
        "",
        "**Tune of the week:** Mimi Webb — Red Flags (Jo)",
        "",
        "---",
        "",
        "_Drafted offline from 10 highlights; cites 9 of 10\\._",
        "",
      ].join("\n"),
    );
  });

  it("renders as paragraphs in a mainstream renderer: no headings, one list, bold lead-ins", () => {
    const shape = htmlShape(renderHtml(renderMarkdown(prose())));
    expect(shape.counts.get("h1")).toBe(1);
    expect(shape.tags.has("h2")).toBe(false);
    expect(shape.counts.get("ul")).toBe(1);
    expect(shape.counts.get("li")).toBe(2);
    expect(shape.counts.get("strong")).toBe(5);
    expect(shape.text).toContain("Into next week… Easter already.");
  });

  it("fits a week of 20 highlights in at most 25 lines", () => {
    const sections: WeeknoteSection[] = [
      "bins go digital",
      "a cyber drill",
      "the new intranet",
      "hiring",
    ].map((heading, s) => ({
      section: "highlights",
      heading,
      paragraphs: [
        {
          text: `${"Three people worked on this theme and said so in a few short sentences. ".repeat(2)}`,
          highlightIds: [0, 1, 2, 3].map((i) => `h${s * 4 + i}`),
        },
      ],
      items: [],
    }));
    sections.push({
      section: "thanks",
      heading: "Thanks",
      paragraphs: [{ text: "Thanks to Mo and Ali for the cover.", highlightIds: ["h16", "h17"] }],
      items: [],
    });
    const doc = prose({
      sections,
      intoNextWeek: [{ text: "The pilot starts on Monday.", authors: [], highlightIds: ["h18"] }],
      tune: { text: "Red Flags", authors: ["Jo"], highlightIds: ["h19"] },
    });
    const lines = renderMarkdown(doc).trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(25);
    expect(lines.length).toBe(21);
  });

  it("uses the note's language for the frame words", () => {
    const markdown = renderMarkdown(prose({ language: "cy" }));
    expect(markdown).toContain("**I'r wythnos nesaf…** Easter already.");
    expect(markdown).toContain("**Tiwn yr wythnos:** Mimi Webb — Red Flags (Jo)");
    expect(markdown).not.toContain("Into next week");
    expect(markdown).not.toContain("Tune of the week");
  });

  it("keeps hostile text in paragraphs, names and headings as text", () => {
    const hostile = "<img src=x onerror=alert(1)> [IT Helpdesk](https://evil.example) ![p](http://x/y.png)";
    const doc = prose({
      intro: "# not a heading\n> not a quote",
      sections: [
        {
          section: "highlights",
          heading: "**bold** <b>heading</b> [x](javascript:alert(1))",
          paragraphs: [
            { text: hostile, highlightIds: ["h1"] },
            { text: "- not a list\n1. nor this\n```\ncode?", highlightIds: ["h2"] },
          ],
          items: [
            { text: "| a | b |", authors: ["<script>x</script>", "www.evil.example"], highlightIds: [] },
          ],
        },
        {
          section: "highlights",
          heading: "mail me@evil.example or www.evil.example",
          paragraphs: [{ text: "Nothing else.", highlightIds: [] }],
          items: [],
        },
      ],
      tune: { text: "&lt;tune&gt; \u202Eevil", authors: ["[Jo](https://evil.example)"], highlightIds: [] },
    });
    const markdown = renderMarkdown(doc);
    for (const linkify of [false, true]) {
      const shape = htmlShape(renderHtml(markdown, { linkify }));
      // Only bare URLs become links, and only where the renderer links them, showing themselves.
      const tags = [...shape.tags].filter((tag) => tag !== "a").sort();
      expect(tags).toEqual(["em", "h1", "hr", "li", "p", "strong", "ul"]);
      expect(shape.targets).toEqual(linkify ? ["https://evil.example", "http://x/y.png"] : []);
      expect(shape.text).toContain("<img src=x onerror=alert(1)>");
      expect(shape.text).toContain("[IT Helpdesk](https://evil.example)");
      expect(shape.text).toContain("# not a heading > not a quote");
      expect(shape.text).toContain("- not a list 1. nor this ``` code?");
      expect(shape.text).toContain("(<script>x</script>, www.evil.example)");
      expect(shape.text).toContain("Mail me@evil.example or www.evil.example. Nothing else.");
      expect(shape.text).toContain("&lt;tune&gt; <U+202E>evil ([Jo](https://evil.example))");
    }
  });
});

describe("prose notes in Slack and Teams", () => {
  const team = { ...defaultTeamSettings("slack", "T1", "Europe/London", 0), name: "Digital" };
  const weeknote = (document: WeeknoteDocument): Weeknote => ({
    workspace: "T1",
    team: "default",
    week: "2026-W13",
    status: "approved",
    revisions: [revision(document)],
    approval: undefined,
    review: undefined,
    published: undefined,
  });

  it("Block Kit: paragraphs with bold lead-ins, bullets only for the short list", () => {
    const mrkdwn = noteAsMrkdwn(prose());
    expect(mrkdwn.split("\n\n")).toEqual([
      "*5.9 — weeknotes — end of financial year — a cyber drill*",
      "A busy, rewarding week for the team.",
      "*End of financial year.* Priya closed the books on Thursday. The overspend came down again.",
      "Sam and Jo checked every contract.",
      "*A cyber drill.* We ran the drill with the NCSC on Tuesday.",
      "• Phishing test: 4% clicked (Ali Khan)\n• Ali wrote the runbook",
      "*Thanks.* Thanks to Mo for covering the helpdesk.",
      "*Into next week…* Easter already. (Priya Shah) Sam starts the bins pilot on Monday.",
      "*Tune of the week:* Mimi Webb — Red Flags (Jo)",
      "_Drafted offline from 10 highlights; cites 9 of 10._",
    ]);
    const [message, ...more] = publishedMessage(team, weeknote(prose()), revision(prose()));
    expect(more).toEqual([]);
    expect(slackText(message?.blocks ?? [])).toBe(mrkdwn);
  });

  it("Block Kit: Welsh frame words, and chat text escaped (no mention, no disguised link)", () => {
    const doc = prose({
      language: "cy",
      sections: [
        {
          section: "highlights",
          heading: "<!channel> *heading*",
          paragraphs: [
            { text: "<@U123> & <https://evil.example|IT Helpdesk> see https://gov.wales", highlightIds: [] },
          ],
          items: [],
        },
      ],
    });
    const mrkdwn = noteAsMrkdwn(doc);
    expect(mrkdwn).toContain("*I'r wythnos nesaf…*");
    expect(mrkdwn).toContain("*Tiwn yr wythnos:*");
    expect(mrkdwn).toContain(
      "&lt;@U123&gt; &amp; &lt;<https://evil.example>|IT Helpdesk&gt; see <https://gov.wales>",
    );
    // No broadcast, no mention, no link whose words hide where it goes.
    expect(mrkdwn).not.toMatch(/<!channel>|<@U123>|<[^<>]*\|/);
  });

  it("Block Kit: a long prose note stays within the section limit and loses nothing", () => {
    const long = "Sentence about the week that goes on. ".repeat(400);
    const doc = prose({
      sections: [
        {
          section: "highlights",
          heading: "a long theme",
          paragraphs: [{ text: long, highlightIds: [] }],
          items: [],
        },
      ],
    });
    const messages = publishedMessage(team, weeknote(doc), revision(doc));
    const sections = messages.flatMap((m) => m.blocks).filter((b) => b.type === "section");
    for (const block of sections) {
      expect(block.type === "section" && block.text.text.length).toBeLessThanOrEqual(3000);
    }
    for (const m of messages) expect(m.blocks.length).toBeLessThanOrEqual(50);
    const words = (text: string) => text.split(/\s+/).filter((w) => w === "goes").length;
    expect(words(slackText(messages.flatMap((m) => m.blocks)))).toBe(400);
  });

  it("Teams: each paragraph one line, lead-ins bold above it, frame words in the note's language", () => {
    const lines = noteLines(prose({ language: "cy" }));
    expect(lines.map((l) => [l.kind, l.text])).toEqual([
      ["title", "5.9 — weeknotes — end of financial year — a cyber drill"],
      ["text", "A busy, rewarding week for the team."],
      ["lead", "End of financial year."],
      ["text", "Priya closed the books on Thursday. The overspend came down again."],
      ["text", "Sam and Jo checked every contract."],
      ["lead", "A cyber drill."],
      ["text", "We ran the drill with the NCSC on Tuesday."],
      ["text", "• Phishing test: 4% clicked (Ali Khan)"],
      ["text", "• Ali wrote the runbook"],
      ["lead", "Thanks."],
      ["text", "Thanks to Mo for covering the helpdesk."],
      ["lead", "I'r wythnos nesaf…"],
      ["text", "Easter already. (Priya Shah) Sam starts the bins pilot on Monday."],
      ["lead", "Tiwn yr wythnos:"],
      ["text", "Mimi Webb — Red Flags (Jo)"],
      ["footer", "Drafted offline from 10 highlights; cites 9 of 10."],
    ]);
    // A lead-in stays with its paragraph; the card shows chat text as TextRuns (never Markdown).
    const elements = noteElements(prose());
    expect(elements[2]?.inlines[0]).toMatchObject({ text: "End of financial year.", weight: "Bolder" });
    expect(elements[3]?.spacing).toBe("None");
    expect(elements.every((e) => e.type === "RichTextBlock")).toBe(true);
  });
});

describe("revisions written before prose notes", () => {
  it("are not prose and keep their headed bullet layout in Markdown, Block Kit and Teams", () => {
    expect(isProseNote(legacy())).toBe(false);
    expect(renderMarkdown(legacy())).toContain(
      "## Bins go digital\n\nThe booking form is live.\n\n- Launched (Priya)",
    );
    expect(renderMarkdown(legacy())).toContain("## Into next week\n\n- Show and tell");
    expect(noteAsMrkdwn(legacy())).toContain(
      "*Bins go digital*\nThe booking form is live.\n• Launched (Priya)",
    );
    expect(noteLines(legacy()).map((l) => l.kind)).toContain("heading");
  });

  it("a quiet prose week (no sections) is still prose", () => {
    const quiet = prose({ sections: [], intoNextWeek: [], tune: undefined, intro: "Nothing was tagged." });
    expect(isProseNote(quiet)).toBe(true);
    expect(renderMarkdown(quiet)).toBe(
      "# 5.9 — weeknotes — end of financial year — a cyber drill\n\nNothing was tagged.\n\n---\n\n_Drafted offline from 10 highlights; cites 9 of 10\\._\n",
    );
  });
});

describe("prose helpers", () => {
  it("leadIn capitalises the heading and ends it like a sentence", () => {
    expect(leadIn("end of financial year")).toBe("End of financial year.");
    expect(leadIn("Into next week…")).toBe("Into next week…");
    expect(leadIn("ŵyl  y\ngaeaf")).toBe("Ŵyl y gaeaf.");
    expect(leadIn("what next?")).toBe("What next?");
  });

  it("names the authors the text does not name yet", () => {
    expect(unnamedAuthors("Priya closed the books", ["Priya Shah", "Sam", "Sam"])).toEqual(["Sam"]);
    expect(unnamedAuthors("Samira did it", ["Sam"])).toEqual(["Sam"]);
    expect(unnamedAuthors("with jo's help", ["Jo"])).toEqual([]);
  });

  it("an intro keeps its paragraphs apart; line breaks inside one become spaces", () => {
    const parts = proseParts(
      prose({ intro: "One\nline.\n\n  Two.  \r\n\r\nThree.", sections: [], intoNextWeek: [] }),
    );
    expect(parts.slice(0, 3)).toEqual(
      ["One line.", "Two.", "Three."].map((text) => ({
        kind: "paragraph",
        lead: undefined,
        sentences: [{ text, names: [], mentions: [] }],
      })),
    );
  });

  it("a section with a list and no paragraphs opens the list with its lead-in", () => {
    const parts = proseParts(
      prose({
        intro: "",
        sections: [
          {
            section: "thanks",
            heading: "Thanks",
            items: [{ text: "Mo", authors: [], highlightIds: [] }],
            paragraphs: [],
          },
        ],
        intoNextWeek: [],
        tune: undefined,
      }),
    );
    expect(parts).toEqual([
      { kind: "paragraph", lead: "Thanks.", sentences: [] },
      { kind: "list", items: [{ text: "Mo", names: [], mentions: [] }] },
    ]);
  });
});

describe("names in prose (issue 12: names are text)", () => {
  it("cuts a sentence at each name it holds, a longer name first, and joins back to the text", () => {
    expect(namePieces("Eve and Eve Ng wrote: hi Eve", ["Eve", "Eve Ng"])).toEqual([
      { text: "Eve", name: true },
      { text: " and ", name: false },
      { text: "Eve Ng", name: true },
      { text: " wrote: hi ", name: false },
      { text: "Eve", name: true },
    ]);
    expect(namePieces("No names here.", ["Zed", ""])).toEqual([{ text: "No names here.", name: false }]);
  });

  it("names the authors of the highlights each paragraph cites (an LLM's prose too)", () => {
    const doc = prose({
      intro: "",
      sections: [
        {
          section: "highlights",
          heading: "bins",
          items: [],
          paragraphs: [
            { text: "www.evil.example shipped it.", highlightIds: ["h1", "h2"] },
            { text: "Ann wrote: done.", highlightIds: ["h3"], names: ["Ann"] },
          ],
        },
      ],
      intoNextWeek: [],
      tune: undefined,
    });
    const named = namesOfCited(doc, [
      { id: "h1", authorName: "www.evil.example" },
      { id: "h2", authorName: "Bo\nB" },
      { id: "h3", authorName: "Ann" },
    ]);
    expect(named.sections[0]?.paragraphs).toEqual([
      {
        text: "www.evil.example shipped it.",
        highlightIds: ["h1", "h2"],
        // Bo B is cited but not named in the prose: not listed.
        names: ["www.evil.example"],
      },
      { text: "Ann wrote: done.", highlightIds: ["h3"], names: ["Ann"] },
    ]);
    expect(renderMarkdown(named)).toContain("**Bins.** www\\.evil\\.example shipped it.");
  });

  it("does not list a cited author's full display name beside the shorter name the prose uses", () => {
    const doc = prose({
      sections: [
        {
          section: "highlights",
          heading: "Bins",
          paragraphs: [{ text: "On Monday, Aisha wrote: done.", highlightIds: ["h1"], names: ["Aisha"] }],
          items: [],
        },
      ],
    });
    const named = namesOfCited(doc, [{ id: "h1", authorName: "Aisha (she/her)" }]);
    expect(named.sections[0]?.paragraphs?.[0]?.names).toEqual(["Aisha"]);
  });
});

describe("titleOf", () => {
  it("numbers the title like the seed when the team keeps a series", () => {
    expect(titleOf("5.9", "2026-W13", ["end of financial year", "a cyber drill"])).toBe(
      "5.9 — weeknotes — end of financial year — a cyber drill",
    );
    expect(titleOf(undefined, "2026-W13", ["bins go digital"], "en")).toBe(
      "weeknotes 2026-W13 — bins go digital",
    );
  });

  it("uses the note's language, and says a quiet week when there is no theme", () => {
    expect(titleOf("5.9", "2026-W13", [], "cy")).toBe("5.9 — nodiadau'r wythnos — wythnos dawel");
    expect(titleOf(undefined, "2026-W13", ["  ", ""])).toBe("weeknotes 2026-W13 — a quiet week");
  });

  it("cleans themes: one line, no trailing stop, no em dash, no repeats, at most four", () => {
    expect(
      titleThemes(["a cyber\ndrill.", "A Cyber Drill", "bins — again", "one two", "three four", "five six"]),
    ).toEqual(["a cyber drill", "bins - again", "one two", "three four"]);
  });

  it("isThemePhrase: 2–5 words, lower case unless a name", () => {
    expect(isThemePhrase("end of financial year")).toBe(true);
    expect(isThemePhrase("Hounslow House move")).toBe(true);
    expect(isThemePhrase("the Hounslow House move")).toBe(true);
    expect(isThemePhrase("AWS impact day")).toBe(true);
    expect(isThemePhrase("Budget meeting")).toBe(false);
    expect(isThemePhrase("bins")).toBe(false);
    expect(isThemePhrase("one two three four five six")).toBe(false);
  });
});
