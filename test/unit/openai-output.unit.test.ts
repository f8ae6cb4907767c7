import { describe, expect, it } from "vitest";
import {
  citedIds,
  cleanModelDocument,
  cleanText,
  findUrls,
  leftOutOf,
  type ModelDocument,
  parseModelDocument,
  RESPONSE_FORMAT,
  toWeeknoteDocument,
} from "../../adapters/openai/output.ts";
import { isBotError } from "../../src/domain/errors.ts";

const ALLOWED = new Set(["https://example.com/pr/7?a=1&b=2", "https://gov.uk/guidance"]);
const clean = (text: string) => cleanText(text, ALLOWED, undefined, new Map([["U0BOB00002", "Bob"]]));

describe("the response schema", () => {
  it("is strict: every object closed, every property required, no optional fields", () => {
    expect(RESPONSE_FORMAT.type).toBe("json_schema");
    expect(RESPONSE_FORMAT.json_schema.strict).toBe(true);
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) {
        node.forEach(visit);
        return;
      }
      if (node === null || typeof node !== "object") {
        return;
      }
      const schema = node as Record<string, unknown>;
      if (schema.type === "object") {
        expect(schema.additionalProperties).toBe(false);
        expect(Object.keys(schema.properties as object).sort()).toEqual(
          [...(schema.required as string[])].sort(),
        );
      }
      Object.values(schema).forEach(visit);
    };
    visit(RESPONSE_FORMAT.json_schema.schema);
    const properties = (RESPONSE_FORMAT.json_schema.schema as { properties: Record<string, unknown> })
      .properties;
    expect(Object.keys(properties).sort()).toEqual([
      "intoNextWeek",
      "intro",
      "sections",
      "thanks",
      "themes",
      "tune",
    ]);
    // Sections are prose: themed paragraphs citing ids, a list only where one is clearer.
    const section = (
      properties.sections as { items: { properties: Record<string, { items?: { properties?: object } }> } }
    ).items.properties;
    expect(Object.keys(section).sort()).toEqual(["heading", "items", "paragraphs", "section"]);
    expect(Object.keys(section.paragraphs?.items?.properties ?? {}).sort()).toEqual(["highlightIds", "text"]);
  });
});

describe("parseModelDocument", () => {
  it("rejects text that is not JSON of the schema as invalid output", () => {
    for (const content of ["not json", "{}", JSON.stringify({ themes: [], intro: 1 })]) {
      try {
        parseModelDocument(content);
        expect.unreachable();
      } catch (error) {
        expect(isBotError(error)).toBe(true);
        expect((error as { summariserCode: string }).summariserCode).toBe("summariser.invalid_output");
      }
    }
  });
});

describe("cleanText: broadcast and mention markup", () => {
  it.each([
    ["<!channel> big news", "big news"],
    ["Hello <!here|here> all", "Hello all"],
    ["<!everyone>", ""],
    ["ask <!subteam^S0DEVS0001|@devs>", "ask devs"],
    ["ask <!subteam^S0DEVS0001>", "ask"],
    ["thanks <@U0BOB00002>", "thanks Bob"],
    ["thanks <@U0CAROL003|carol>", "thanks carol"],
    ["thanks <@W0UNKNOWN9>", "thanks"],
    ["&lt;!here&gt; escaped", "escaped"],
    ["@channel we shipped", "channel we shipped"],
    ["Hi @here and @everyone.", "Hi here and everyone."],
    ["<at>Alice</at> did it", "Alice did it"],
    ["mail me at team@here.example", "mail me at team@here.example"],
  ])("%s → %s", (input, expected) => {
    expect(clean(input)).toBe(expected);
  });
});

describe("cleanText: links", () => {
  it("keeps a URL that was in the input word for word", () => {
    expect(clean("Alice fixed PR #7 (https://example.com/pr/7?a=1&b=2).")).toBe(
      "Alice fixed PR #7 (https://example.com/pr/7?a=1&b=2).",
    );
    expect(clean("See https://gov.uk/guidance, then rest.")).toBe("See https://gov.uk/guidance, then rest.");
  });

  it.each([
    ["Report: https://evil.example/c?d=SECRET", "Report:"],
    ["see https://example.com/pr/7?a=1&b=2&d=leak now", "see now"],
    ["see https://example.com/pr/7 now", "see now"],
    ["go to www.evil.example/track please", "go to please"],
    ["go to evil.example/c?d=all please", "go to please"],
    ["(https://evil.example/x)", ""],
    ["<https://evil.example/x|the full report>", "the full report"],
    ["<https://gov.uk/guidance|guidance>", "guidance (https://gov.uk/guidance)"],
    ["<https://gov.uk/guidance>", "https://gov.uk/guidance"],
    ["ftp://files.example/dump", ""],
  ])("%s → %s", (input, expected) => {
    expect(clean(input)).toBe(expected);
  });

  it("finds URLs without trailing punctuation", () => {
    expect(
      findUrls("PR (https://example.com/pr/7?a=1&b=2). And https://en.wikipedia.org/wiki/Foo_(bar), ok"),
    ).toEqual(["https://example.com/pr/7?a=1&b=2", "https://en.wikipedia.org/wiki/Foo_(bar)"]);
    expect(findUrls("no links: 1.5 km, e.g. this, node v20.19")).toEqual([]);
  });
});

describe("cleanModelDocument and toWeeknoteDocument", () => {
  const doc: ModelDocument = {
    themes: ["bins go digital", "<!channel>", "a", "b", "c"],
    intro: "Intro <!here>",
    sections: [
      {
        section: "highlights",
        heading: "<!channel>",
        paragraphs: [
          { text: "Kept", highlightIds: ["C1/1", "C1/1", "C9/unknown"] },
          { text: "<!everyone>", highlightIds: ["C1/3"] },
        ],
        items: [{ text: "<!everyone>", authors: [], highlightIds: ["C1/2"] }],
      },
      {
        section: "challenges",
        heading: "Hard",
        paragraphs: [{ text: "<!here>", highlightIds: [] }],
        items: [],
      },
    ],
    intoNextWeek: [{ text: "Next", authors: [], highlightIds: ["C1/2"] }],
    thanks: { text: "Thanks to Carys for the drill.", highlightIds: ["C1/4", "C8/x"] },
    tune: { text: "https://evil.example/song", authors: [], highlightIds: [] },
  };
  const ids = new Set(["C1/1", "C1/2", "C1/3", "C1/4", "C1/5"]);

  it("drops unknown citations, empty paragraphs, items and sections and an emptied tune", () => {
    const { document, report } = cleanModelDocument(doc, { highlightIds: ids, allowedUrls: new Set() });
    expect(document.sections).toHaveLength(1);
    expect(document.sections[0]?.heading).toBe("This week");
    expect(document.sections[0]?.paragraphs).toEqual([{ text: "Kept", highlightIds: ["C1/1"] }]);
    expect(document.sections[0]?.items).toEqual([]);
    expect(document.thanks).toEqual({ text: "Thanks to Carys for the drill.", highlightIds: ["C1/4"] });
    expect(document.themes).toEqual(["bins go digital", "a", "b", "c"]);
    expect(document.intro).toBe("Intro");
    expect(document.tune).toBeNull();
    expect(report).toMatchObject({ droppedCitations: 2, removedUrls: 1 });
    expect(report.strippedMarkup).toBeGreaterThanOrEqual(5);

    // C1/3 and C1/2's only citations were emptied or dropped; C1/5 was never cited.
    const leftOut = leftOutOf(document, [...ids]);
    expect(leftOut).toEqual([
      { highlightId: "C1/3", reason: "not_cited" },
      { highlightId: "C1/5", reason: "not_cited" },
    ]);
    expect(leftOutOf(document, [...ids]).map((l) => l.highlightId)).not.toContain("C1/2");
    expect([...citedIds(document)].sort()).toEqual(["C1/1", "C1/2", "C1/4"]);

    const weeknote = toWeeknoteDocument(document, {
      week: "2026-W13",
      seriesNumber: undefined,
      footer: "F",
      leftOut,
    });
    expect(weeknote.title).toBe("weeknotes 2026-W13 — bins go digital — a — b — c");
    expect(weeknote.footer).toBe("F");
    expect(weeknote.leftOut).toEqual(leftOut);
    expect("tune" in weeknote).toBe(false);
    expect("language" in weeknote).toBe(false);
    // Thanks become the last section, headed by the frame word, as prose.
    expect(weeknote.sections.at(-1)).toEqual({
      section: "thanks",
      heading: "Thanks",
      paragraphs: [{ text: "Thanks to Carys for the drill.", highlightIds: ["C1/4"] }],
      items: [],
    });
  });

  it("titles and heads a Welsh note with Welsh frame words", () => {
    const { document } = cleanModelDocument(doc, { highlightIds: ids, allowedUrls: new Set() });
    const weeknote = toWeeknoteDocument(document, {
      week: "2026-W13",
      seriesNumber: "5.9",
      footer: "F",
      language: "cy",
    });
    expect(weeknote.title).toBe("5.9 — nodiadau'r wythnos — bins go digital — a — b — c");
    expect(weeknote.language).toBe("cy");
    expect(weeknote.sections.at(-1)?.heading).toBe("Diolch");
  });

  it("titles the week by its sections when no theme survives cleaning", () => {
    const weeknote = toWeeknoteDocument(
      {
        themes: [],
        intro: "",
        sections: [
          {
            section: "highlights",
            heading: "Bins",
            paragraphs: [{ text: "x", highlightIds: [] }],
            items: [],
          },
          {
            section: "challenges",
            heading: "Hard things",
            paragraphs: [{ text: "y", highlightIds: [] }],
            items: [],
          },
        ],
        intoNextWeek: [],
        thanks: null,
        tune: null,
      },
      { week: "2026-W13", seriesNumber: "3.12", footer: "F" },
    );
    expect(weeknote.title).toBe("3.12 — weeknotes — Bins");
    expect(weeknote.themes).toEqual(["Bins"]);
  });
});

describe("findUrls and cleanText on 40,000-character adversarial input (issue 12)", () => {
  const N = 40_000;
  const run = (unit: string, length = N) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const NONE = new Set<string>();

  it("trims 40,000 `)` or `.` off a URL, counting the brackets once", () => {
    expect(findUrls(`https://x.test/${run(")", N - 15)}`)).toEqual(["https://x.test/"]);
    expect(findUrls(`https://x.test/a${run(").", N - 16)}`)).toEqual(["https://x.test/a"]);
    // Balanced brackets stay: 20,000 `(` closed by the first 20,000 of 20,001 `)`.
    const balanced = `https://x.test/${run("(", 20_000)}${run(")", 20_000)}`;
    expect(findUrls(`${balanced})`)).toEqual([balanced]);
    expect(cleanText(`see https://x.test/${run(")", N - 19)}`, NONE)).toBe(`see ${run(")", N - 19)}`);
  });

  it("gives up a chain of 40,000 domain labels with no path, and finds one with a path", () => {
    expect(findUrls(run("a."))).toEqual([]);
    expect(findUrls(run("a-a."))).toEqual([]);
    expect(findUrls(run("a1."))).toEqual([]);
    // At most 126 labels before the top-level domain, as DNS allows: the last 126 and the path.
    expect(findUrls(`${run("a.")}com/x`)).toEqual([`${run("a.", 252)}com/x`]);
    expect(cleanText(`${run("a.")}com/x`, NONE)).toBe(run("a.", N - 252));
  });

  it.each([
    ["letters", run("a")],
    ["digits", run("1")],
    ["cyrillic", run("я")],
    ["<", run("<")],
    [":", run(":")],
    ["&", run("&")],
    [")", run(")")],
    ["<@U", run("<@U")],
    ["<!", run("<!")],
    ["&lt;!", run("&lt;!")],
    ["<at>", run("<at>")],
    ["@", run("@")],
    ["-", run("-")],
    ["www.", run("www.")],
    ["http://", run("http://")],
  ])("%s: cleanText finishes and keeps text that holds no link or markup", (label, text) => {
    const out = cleanText(text, NONE);
    if (label === "www.") {
      // One 40,000-character `www.…` address, not in the input: removed, its closing full stop kept.
      expect(out).toBe(".");
    } else if (label === "http://") {
      expect(out).toBe("");
    } else {
      expect(out).toBe(text);
    }
    expect(findUrls(text)).toEqual(
      label === "www." || label === "http://" ? [text.replace(/[.:/]+$/, "")] : [],
    );
  });
});
