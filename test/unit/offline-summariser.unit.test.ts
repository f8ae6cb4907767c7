import { describe, expect, it } from "vitest";
import { summariseOffline } from "../../adapters/offline/offline-summariser.ts";
import { excerpt, themePhrase } from "../../adapters/offline/wording.ts";
import { renderMarkdown } from "../../src/domain/render-markdown.ts";
import { defaultTeamSettings, voiceOf } from "../../src/domain/team.ts";
import { parseWeeknoteDocument } from "../../src/domain/weeknote.ts";
import { makeHighlight } from "../support/highlights.ts";

const t0 = Date.parse("2026-03-24T10:00:00Z");

const week = [
  makeHighlight({
    postedAtMs: t0,
    conversationId: "C1",
    conversationName: "bins-digital",
    text: "Bin booking went live in beta",
    authorName: "Priya",
  }),
  makeHighlight({
    postedAtMs: t0 + 1000,
    conversationId: "C1",
    conversationName: "bins-digital",
    text: "First 200 bookings in a day",
    authorName: "Sam",
  }),
  makeHighlight({
    postedAtMs: t0 + 2000,
    conversationId: "C2",
    conversationName: "website",
    text: "Accessibility audit done",
    authorName: "Sam",
  }),
  makeHighlight({
    postedAtMs: t0 + 3000,
    conversationId: "C3",
    conversationName: "cyber",
    text: "Ran the cyber drill",
    authorName: "Ade",
  }),
  makeHighlight({
    postedAtMs: t0 + 4000,
    section: "thanks",
    text: "Thanks Jo for covering the phones",
    authorName: "Priya",
  }),
  makeHighlight({
    postedAtMs: t0 + 5000,
    section: "coming_up",
    text: "Show and tell on Thursday",
    authorName: "Ade",
  }),
  makeHighlight({
    postedAtMs: t0 + 6000,
    section: "challenges",
    text: "Payments API was down for an hour",
    authorName: "Sam",
  }),
  makeHighlight({
    postedAtMs: t0 + 7000,
    section: "tune",
    text: "Tune: Little Simz — Gorilla",
    authorName: "Jo",
  }),
];

describe("offline summariser", () => {
  it("writes a valid document with a themed title from the busiest channels", () => {
    const doc = parseWeeknoteDocument(
      summariseOffline({ week: "2026-W13", teamName: "Digital", highlights: week }),
    );
    expect(doc.title).toBe("weeknotes 2026-W13 — bins digital — cyber — website");
    expect(doc.themes).toEqual(["bins digital", "cyber", "website"]);
    expect(doc.sections.map((s) => s.heading)).toEqual([
      "Bins digital",
      "Cyber",
      "Website",
      "Challenges",
      "Thanks",
    ]);
    expect(doc.intoNextWeek.map((i) => i.text)).toEqual(["Show and tell on Thursday"]);
    expect(doc.tune?.text).toBe("Tune: Little Simz — Gorilla");
    expect(doc.footer).toMatch(/offline summariser .* from 8 highlights tagged in 2026-W13/);
  });

  it("cites every highlight exactly once and names its author", () => {
    const doc = summariseOffline({ week: "2026-W13", teamName: "Digital", highlights: week });
    const items = [
      ...doc.sections.flatMap((s) => s.items),
      ...doc.intoNextWeek,
      ...(doc.tune ? [doc.tune] : []),
    ];
    expect(items.flatMap((i) => i.highlightIds).sort()).toEqual(week.map((h) => h.id).sort());
    expect(doc.sections[0]?.items[0]?.authors).toEqual(["Priya"]);
  });

  it("is deterministic whatever the input order", () => {
    const a = summariseOffline({ week: "2026-W13", teamName: "Digital", highlights: week });
    const b = summariseOffline({ week: "2026-W13", teamName: "Digital", highlights: [...week].reverse() });
    expect(renderMarkdown(b)).toBe(renderMarkdown(a));
  });

  it("uses the series number when the team keeps one", () => {
    const doc = summariseOffline({
      week: "2026-W13",
      teamName: "Digital",
      highlights: week,
      seriesNumber: "3.12",
    });
    expect(doc.title.startsWith("3.12 — weeknotes — ")).toBe(true);
  });

  it("borrows words from the most-tagged highlights when everything is in #general", () => {
    const general = [
      makeHighlight({
        postedAtMs: t0,
        text: "Budget signed off for next year",
        tags: [
          { user: "U1", reaction: "star", section: "highlights", via: "reaction" },
          { user: "U2", reaction: "star", section: "highlights", via: "reaction" },
        ],
      }),
      makeHighlight({ postedAtMs: t0 + 1, text: "New starter: welcome Kim" }),
    ];
    const doc = summariseOffline({ week: "2026-W13", teamName: "Digital", highlights: general });
    expect(doc.themes).toEqual(["Budget signed off for next year", "New starter"]);
  });

  it("writes an empty week as a valid note that says nothing was tagged", () => {
    const doc = parseWeeknoteDocument(
      summariseOffline({ week: "2026-W13", teamName: "Digital", highlights: [] }),
    );
    expect(doc.title).toBe("weeknotes 2026-W13 — a quiet week");
    expect(doc.intro).toMatch(/Nothing was tagged/);
    expect(doc.sections).toEqual([]);
    expect(doc.footer).toMatch(/from 0 highlights/);
  });

  it("names the week after what was tagged even when nothing is a highlight", () => {
    const thanksOnly = [
      makeHighlight({
        postedAtMs: t0,
        section: "thanks",
        conversationName: "bins-digital",
        text: "Thanks Jo",
      }),
      makeHighlight({
        postedAtMs: t0 + 1,
        section: "thanks",
        conversationName: "website",
        text: "Thanks Sam",
      }),
    ];
    const doc = summariseOffline({ week: "2026-W13", teamName: "Digital", highlights: thanksOnly });
    expect(doc.title).toBe("weeknotes 2026-W13 — bins digital — website");
  });

  it("speaks as we by default and for a team, as I for a personal team", () => {
    const intro = (voice?: "we" | "I") =>
      summariseOffline({
        week: "2026-W13",
        teamName: "Digital",
        highlights: week,
        ...(voice === undefined ? {} : { voice }),
      }).intro;
    expect(intro()).toBe(
      "This week we tagged 8 highlights from 4 people in #bins-digital, #cyber, #general and #website. Most of it was about bins digital, cyber and website.",
    );
    expect(intro("we")).toBe(intro());
    const team = defaultTeamSettings("slack", "T0WEEK0001", "Europe/London", t0);
    expect(intro(voiceOf(team))).toBe(intro());
    const personal = { ...team, team: "my-note", name: "My note", personal: true, members: ["U0ALICE001"] };
    expect(intro(voiceOf(personal))).toBe(
      "This week I tagged 8 highlights from 4 people in #bins-digital, #cyber, #general and #website. Most of it was about bins digital, cyber and website.",
    );
  });

  it("says nothing was tagged in an empty week, whatever the voice", () => {
    for (const voice of ["we", "I"] as const) {
      expect(summariseOffline({ week: "2026-W13", teamName: "Me", highlights: [], voice }).intro).toBe(
        "Nothing was tagged for the weeknotes this week.",
      );
    }
  });

  it("never writes an empty item", () => {
    const doc = summariseOffline({
      week: "2026-W13",
      teamName: "Digital",
      highlights: [makeHighlight({ postedAtMs: t0, text: "  " })],
    });
    expect(doc.sections[0]?.items[0]?.text).toBe("(a message with no text)");
  });
});

describe("excerpt", () => {
  it("keeps short text and cuts long text at a word with an ellipsis", () => {
    expect(excerpt("short  text\nhere", 50)).toBe("short text here");
    const cut = excerpt("word ".repeat(100), 40);
    expect(cut.endsWith("…")).toBe(true);
    expect([...cut].length).toBeLessThanOrEqual(40);
  });

  it("never splits an emoji sequence", () => {
    const family = "👨‍👩‍👧‍👦";
    const cut = excerpt(family.repeat(50), 10);
    expect(cut).toBe(`${family.repeat(9)}…`);
  });
});

describe("themePhrase", () => {
  it("takes the first clause, at most eight words", () => {
    expect(themePhrase("Bins collection booking is live in beta 🎉 First booking at 09:03")).toBe(
      "Bins collection booking is live in beta",
    );
    expect(themePhrase("one two three four five six seven eight nine")).toBe(
      "one two three four five six seven eight",
    );
    expect(themePhrase("Budget signed off. Next: CRM")).toBe("Budget signed off");
    expect(themePhrase("今週は原書を読みました。楽しかった")).toBe("今週は原書を読みました");
    expect(themePhrase("Cyber drill (3 hours), done")).toBe("Cyber drill");
  });
});
