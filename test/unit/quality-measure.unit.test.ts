/**
 * The quality report's measures (scripts/quality/measure.ts) on hand-made notes: each finds what
 * it should and nothing a clean note holds, so test/e2e/quality.e2e.test.ts means what it says.
 */
import { describe, expect, it } from "vitest";
import {
  type CompiledNote,
  countWords,
  findMarkup,
  fkGrade,
  measureNote,
  qualityProblems,
} from "../../scripts/quality/measure.ts";
import { renderMarkdown } from "../../src/domain/render-markdown.ts";
import type { WeeknoteDocument, WeeknoteSection } from "../../src/domain/weeknote.ts";

function note(doc: WeeknoteDocument, channels: readonly string[] = ["bins-digital"]): CompiledNote {
  const ids = [
    ...doc.sections.flatMap((s) => [
      ...(s.paragraphs ?? []).flatMap((p) => p.highlightIds),
      ...s.items.flatMap((i) => i.highlightIds),
    ]),
    ...(doc.leftOut ?? []).map((l) => l.highlightId),
  ];
  return {
    highlights: [...new Set(ids)].map((id, i) => ({
      id,
      channel: channels[i % channels.length] ?? "x",
      text: "",
    })),
    weeknote: doc,
    markdown: renderMarkdown(doc),
  };
}

const beta: WeeknoteSection = {
  section: "highlights",
  heading: "bulky waste beta",
  paragraphs: [
    {
      text: "Niamh opened the booking beta on Wednesday at 10:30. The first booking came in at 09:03: a sofa.",
      highlightIds: ["C1/1"],
    },
    {
      text: "Siân thanked @Gareth for the drill. See https://x.example/a:b:c for notes.",
      highlightIds: ["C1/2"],
    },
  ],
  items: [],
};

const clean: WeeknoteDocument = {
  week: "2026-W13",
  title: "5.9 — weeknotes — bulky waste beta",
  themes: ["bulky waste beta"],
  intro: "A good week for the bins team.",
  sections: [beta],
  intoNextWeek: [],
  footer: "Drafted offline from 2 highlights.",
};

describe("the quality measures", () => {
  it("find nothing wrong in a clean prose note", () => {
    const q = measureNote(note(clean));
    expect(q.markup).toEqual([]);
    expect(q.junk).toEqual([]);
    expect(q.channelThemes).toEqual([]);
    expect(q.missing).toEqual([]);
    expect(q.cited).toBe(2);
    expect(qualityProblems(q)).toEqual([]);
  });

  it("find each kind of leftover chat markup, and not URLs, times or resolved names", () => {
    const kinds = (text: string) => findMarkup(text).map((m) => `${m.kind} ${m.text}`);
    expect(kinds("@here retest is in")).toEqual(["broadcast @here"]);
    expect(kinds("hi <@U0KBC00010> and <!channel> in <#C0KBCWEB01|website>")).toEqual([
      "slack_markup <@U0KBC00010>",
      "slack_markup <!channel>",
      "slack_markup <#C0KBCWEB01|website>",
      "raw_id U0KBC00010",
      "raw_id C0KBCWEB01",
    ]);
    expect(kinds("ask U064SRKPD")).toEqual(["raw_id U064SRKPD"]);
    expect(kinds("great :partyr: work すごい:tada:")).toEqual(["emoji_code :partyr:", "emoji_code :tada:"]);
    expect(kinds("table headers (\\<th>) &amp; more")).toEqual([
      "visible_escape \\<",
      "visible_escape &amp;",
    ]);
    expect(kinds("At 10:30: a sofa. Thanks @Siân. https://x.example/a:b:c and CRM, GOV.UK, NHS111")).toEqual(
      [],
    );
  });

  it("count junk: shared files, link-only and file-only parts", () => {
    const junky: WeeknoteDocument = {
      ...clean,
      sections: [
        {
          section: "highlights",
          heading: "bulky waste beta",
          items: [
            { text: "@CJ shared a file: talk.pdf", authors: [], highlightIds: ["C1/1"] },
            { text: "https://example.org/x", authors: [], highlightIds: ["C1/2"] },
            { text: "slides-v2.pptx", authors: [], highlightIds: ["C1/3"] },
            { text: "Slides are up: https://example.org/x", authors: [], highlightIds: ["C1/4"] },
            {
              text: "On Friday, Kim wrote: https://example.org/y. Ben added: great talk.",
              authors: [],
              highlightIds: ["C1/5"],
            },
          ],
        },
      ],
    };
    expect(measureNote(note(junky)).junk).toEqual([
      "@CJ shared a file: talk.pdf",
      "https://example.org/x",
      "slides-v2.pptx",
      "On Friday, Kim wrote: https://example.org/y. Ben added: great talk.",
    ]);
  });

  it("count themes and headings that are only a channel name", () => {
    const byChannel: WeeknoteDocument = {
      ...clean,
      themes: ["bins digital", "a cyber drill"],
      sections: [{ ...beta, heading: "Team kbc digital" }],
    };
    expect(measureNote(note(byChannel, ["bins-digital", "team-kbc-digital"])).channelThemes).toEqual([
      "bins digital",
      "Team kbc digital",
    ]);
  });

  it("account for every highlight: cited, left out, missing, both", () => {
    const doc: WeeknoteDocument = { ...clean, leftOut: [{ highlightId: "C1/2", reason: "duplicate" }] };
    const compiled = note(doc);
    const q = measureNote({
      ...compiled,
      highlights: [...compiled.highlights, { id: "C1/9", channel: "x", text: "" }],
    });
    expect(q.cited).toBe(2);
    expect(q.leftOut).toBe(1);
    expect(q.missing).toEqual(["C1/9"]);
    expect(q.citedAndLeftOut).toEqual(["C1/2"]);
  });

  it("want a note that leaves highlights out to say how many it cites of how many", () => {
    const onlyOne: WeeknoteDocument = {
      ...clean,
      sections: [{ ...beta, paragraphs: beta.paragraphs?.slice(0, 1) ?? [] }],
      leftOut: [{ highlightId: "C1/2", reason: "over_budget" }],
    };
    expect(measureNote(note(onlyOne)).saysHowManyLeftOut).toBe(false);
    const honest = { ...onlyOne, footer: "Drafted offline; cites 1 of 2 highlights." };
    expect(measureNote(note(honest)).saysHowManyLeftOut).toBe(true);
  });

  it("count lines with blank lines, words without the footer, a URL as one word", () => {
    const q = measureNote(note(clean));
    expect(q.lines).toBe(renderMarkdown(clean).trimEnd().split("\n").length);
    expect(countWords("see https://x.example/a/b/c now")).toBe(3);
    expect(countWords("今日は本を読みました")).toBeGreaterThan(2);
  });

  it("grade plain prose low and long-worded prose high, and skip scripts the formula does not fit", () => {
    const easy = fkGrade(["We fixed the bins. The cat sat on the mat. It was a good week."]);
    const hard = fkGrade([
      "Organisational interdependencies notwithstanding, comprehensive infrastructural modernisation necessitates considerable administrative coordination across multidisciplinary departmental responsibilities.",
    ]);
    expect(easy).toBeLessThan(3);
    expect(hard).toBeGreaterThan(15);
    expect(fkGrade(["今日は本を読みました。とても面白かったです。"])).toBeUndefined();
  });
});
