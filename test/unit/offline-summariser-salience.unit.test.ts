import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { slackEmojiAliases } from "../../adapters/emoji/aliases.ts";
import { readingGrade, syllablesOf } from "../../adapters/offline/language.ts";
import { summariseOffline, TOP_READ } from "../../adapters/offline/offline-summariser.ts";
import { readCheap } from "../../adapters/offline/reading.ts";
import { shapePhrase, type ThemeLimits } from "../../adapters/offline/themes.ts";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import type { Highlight } from "../../src/domain/highlight.ts";
import { EmojiSectionMap } from "../../src/domain/sections.ts";
import { parseWeekKey, weekWindow } from "../../src/domain/week.ts";
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";
import { makeHighlight } from "../support/highlights.ts";

// Issue 9, offline-3: what the offline summariser quotes is what a message reports (sentence
// salience), thanks read as thanks, headings are phrases of the quoted sentences, repeats of a tune
// and link-only chatter are left out with their reasons, the grade is kept, and only the best
// candidates are read with wink-nlp. Each example is one the issue names.

// Tuesday 24 March 2026, 10:00 GMT (week 2026-W13 in Europe/London).
const t0 = Date.parse("2026-03-24T10:00:00Z");
const base = { week: "2026-W13", teamName: "Digital", timezone: "Europe/London" } as const;

function one(
  text: string,
  section: Highlight["section"] = "highlights",
  authorName = "Kim",
): WeeknoteDocument {
  return summariseOffline({
    ...base,
    highlights: [makeHighlight({ id: "C1/1.000100", postedAtMs: t0, section, text, authorName })],
  });
}

function paragraphs(doc: WeeknoteDocument): string[] {
  return doc.sections.flatMap((s) => (s.paragraphs ?? []).map((p) => p.text));
}

async function exampleWeek(): Promise<Highlight[]> {
  const root = resolve(import.meta.dirname, "../..");
  const read = await readExportHighlights({
    path: join(root, "examples/slack-export"),
    window: weekWindow(parseWeekKey("2026-W13"), "Europe/London"),
    emoji: EmojiSectionMap.defaults(slackEmojiAliases()),
  });
  return read.highlights;
}

describe("sentence salience: a message is quoted for what it reports", () => {
  it("quotes the sentence with the news, not the thanks or the pointers after it", () => {
    const doc = one(
      "@here accessibility retest results are in & they're good: 11 of the 14 issues are fixed, including all 3 at level A. Still to do: table headers on planning search (<th> without scope) and the PDF minutes (>200 of them, a project of its own). Thanks @Siân for turning round the content fixes in a day. Report: accessibility audit, March 2026 (https://kingsbridge.example/a11y/audit-2026-03). Tracker: https://git.kingsbridge.example/web/site/-/issues/318. More in #website.",
    );
    expect(paragraphs(doc)).toEqual([
      "On Tuesday, Kim wrote: Accessibility retest results are in & they're good: 11 of the 14 issues are fixed, including all 3 at level A.",
    ]);
  });

  it("quotes the figures of a summary rather than its opening", () => {
    const doc = one(
      "Beta week one summary for the waste team and the portfolio holder. Short version: 1,046 bookings, no missed collections, 3 bugs fixed.",
    );
    expect(paragraphs(doc)).toEqual([
      "On Tuesday, Kim wrote: Short version: 1,046 bookings, no missed collections, 3 bugs fixed.",
    ]);
  });

  it("never quotes furniture: where the notes, slides and write-up are", () => {
    expect(
      paragraphs(
        one(
          "Library research done. Biggest finding: people want to say *where* the item will be left (front garden, kerb, back lane), not just what it is. Two people couldn't tell which bin day was theirs from the confirmation page. Notes are in the research folder; playback at show and tell on Thursday.",
        ),
      ),
    ).toEqual([
      "On Tuesday, Kim wrote: Biggest finding: people want to say where the item will be left (front garden, kerb, back lane), not just what it is.",
    ]);
    // A short first sentence that says something happened keeps its place before the news.
    expect(
      paragraphs(
        one(
          "Exercise done. Main lesson: our out-of-hours contact list lives on the SharePoint site we'd just pretended was encrypted. Printing copies today and adding them to the runbook. Write-up to follow.",
          "challenges",
        ),
      ),
    ).toEqual([
      "On Tuesday, Kim wrote: Exercise done. Main lesson: our out-of-hours contact list lives on the SharePoint site we'd just pretended was encrypted.",
    ]);
    expect(
      paragraphs(
        one(
          "Show and tell done 👩🏽‍💻🧑‍🤝‍🧑 38 people in the Tamar Room and on Teams, including two councillors and half the waste team. Recording and slides are on the intranet.",
        ),
      ),
    ).toEqual([
      "On Tuesday, Kim wrote: Show and tell done 👩🏽‍💻🧑‍🤝‍🧑 38 people in the Tamar Room and on Teams, including two councillors and half the waste team.",
    ]);
  });

  it("skips a reply and a request for the sentence that reports", () => {
    expect(
      paragraphs(
        one(
          "oh, I think you already did this work 😮\nI reviewed the list of language team leads (https://github.com/r-devel/translations/wiki) and only found 2 persons not added yet (invites sent)",
        ),
      ),
    ).toEqual([
      "On Tuesday, Kim wrote: I reviewed the list of language team leads and only found 2 persons not added yet (invites sent).",
    ]);
    expect(
      paragraphs(
        one(
          "@Shun Wang invite to GH sent. once you joined, can you pls add Chinese to the table at https://github.com/r-devel/translations/wiki",
        ),
      ),
    ).toEqual(["On Tuesday, Kim wrote: Shun Wang invite to GH sent."]);
  });

  it("never quotes a message of nothing but a question: it is left out", () => {
    const doc = one("What do people think - is this a good idea?");
    expect(doc.sections).toEqual([]);
    expect(doc.leftOut).toEqual([{ highlightId: "C1/1.000100", reason: "over_budget" }]);
  });

  it("ranks chatter last: with room for one message, the news is cited and the reply left out", () => {
    const reply = makeHighlight({
      id: "C1/1.000100",
      postedAtMs: t0,
      authorName: "Joan",
      text: "Cool, that's close! Let me think about it as Barcelona is quite easy to go for me",
      tags: [
        { user: "U1", reaction: "star", section: "highlights", via: "reaction" },
        { user: "U2", reaction: "star", section: "highlights", via: "reaction" },
      ],
    });
    const news = makeHighlight({
      id: "C1/2.000100",
      postedAtMs: t0 + 60_000,
      authorName: "Gergely",
      text: "I've created the Catalan language team in weblate and made you admin of that.",
    });
    const doc = summariseOffline({ ...base, highlights: [reply, news], wordBudget: 60 });
    expect(paragraphs(doc)).toEqual([
      "On Tuesday, Gergely wrote: I've created the Catalan language team in weblate and made you admin of that.",
    ]);
    expect(doc.leftOut).toEqual([{ highlightId: "C1/1.000100", reason: "over_budget" }]);
  });

  it("cites 13 of the example week's 17 highlights within the limits, the bins beta together", async () => {
    const highlights = await exampleWeek();
    const doc = summariseOffline({ ...base, highlights });
    expect(doc.footer).toMatch(/; cites 13 of 17\.$/);
    const byText = (start: string) => highlights.find((h) => h.text.startsWith(start))?.id;
    expect(doc.leftOut).toEqual([
      { highlightId: byText("Early audit findings"), reason: "over_budget" },
      { highlightId: byText("Library research done"), reason: "over_budget" },
      { highlightId: byText("Newyddion da"), reason: "over_budget" },
      { highlightId: byText("Year-end"), reason: "over_budget" },
    ]);
    expect(doc.sections.map((s) => s.heading)).toEqual([
      "bins collection booking",
      "Tamar Room",
      "Also this week",
      "Challenges",
      "Thanks",
    ]);
    // GO for beta, the date picker fix, live in beta, payment emails, the week-one summary: one subject.
    expect(doc.sections[0]?.paragraphs?.flatMap((p) => p.highlightIds)).toEqual(
      [
        "Date picker fix",
        "Decision: we're GO",
        "Bins collection booking is live",
        "Payment confirmation emails",
        "Beta week one summary",
      ].map(byText),
    );
    expect(doc.sections[0]?.paragraphs?.[0]?.text).toBe(
      "On Tuesday, Marcus wrote: Date picker fix is merged and on staging. Niamh added: Decision: we're GO for beta. On Wednesday, Niamh added: Bins collection booking is live in beta 🎉 First booking came in at 09:03: a sofa and two armchairs in Eastmoor.",
    );
    expect(doc.themes).toEqual([
      "bins collection booking",
      "Tamar Room",
      "accessibility retest results",
      // News first: the phrase of a thanks ("staff at Eastmoor Library") comes after the rest.
      "waste team",
    ]);
  });
});

describe("thanks read as thanks", () => {
  it("quotes the thanks sentence of a thanks message, wherever it is", () => {
    expect(
      paragraphs(
        one(
          "Three hours, two nasty injects, and nobody turned the Wi-Fi off. Shout-out to @Gareth for running Wednesday's cyber exercise so calmly.",
          "thanks",
          "Tom P",
        ),
      ),
    ).toEqual([
      "On Tuesday, Tom P wrote: Shout-out to Gareth for running Wednesday's cyber exercise so calmly.",
    ]);
  });

  it("prefers the thanks sentence even to a sentence with more news", () => {
    expect(
      paragraphs(
        one(
          "We shipped 3 fixes, 2 features and 1 new form to 1,200 users on 4 sites across the county today. Thanks Jo, you star.",
          "thanks",
          "Priya",
        ),
      ),
    ).toEqual(["On Tuesday, Priya wrote: Thanks Jo, you star."]);
  });

  it("keeps a message that thanks in the thanks section, even when it shares a subject", () => {
    const news = makeHighlight({
      id: "C1/1.000100",
      postedAtMs: t0,
      conversationId: "C1",
      authorName: "Joan",
      text: "I volunteer to look after the Catalan language team from next month.",
    });
    const thanks = makeHighlight({
      id: "C1/2.000100",
      postedAtMs: t0 + 60_000,
      conversationId: "C1",
      section: "thanks",
      authorName: "Gergely",
      text: "I've created the Catalan language team in weblate and made you admin.\n\nthanks for leading the Catalan translations 🥳",
    });
    const doc = summariseOffline({ ...base, highlights: [news, thanks] });
    expect(doc.sections.map((s) => [s.heading, s.paragraphs?.map((p) => p.text)])).toEqual([
      [
        "Also this week",
        ["On Tuesday, Joan wrote: I volunteer to look after the Catalan language team from next month."],
      ],
      ["Thanks", ["On Tuesday, Gergely wrote: Thanks for leading the Catalan translations 🥳."]],
    ]);
  });

  it("thanks the author of a message without thanks for its most salient sentence", () => {
    expect(
      paragraphs(
        one(
          "Date picker fix is merged and on staging. Dan and I tested it with VoiceOver on an iPhone and TalkBack on Android this morning. Nothing blocking from the dev side.",
          "thanks",
          "Marcus",
        ),
      ),
    ).toEqual(["Thanks to Marcus: Date picker fix is merged and on staging."]);
  });

  it("never thanks someone for a question: a question is not quoted in the thanks", () => {
    const doc = one(
      "although asking for clarification: do we plan to add all translators to the `translators` group, or only the listed lang team leaders?",
      "thanks",
      "Gergely Daróczi",
    );
    expect(doc.sections).toEqual([]);
    expect(doc.leftOut).toEqual([{ highlightId: "C1/1.000100", reason: "over_budget" }]);
  });
});

describe("headings and themes are real phrases of the quoted sentences", () => {
  const limits: ThemeLimits = {
    channels: new Set(["r project sprint", "general"]),
    personWords: new Set(["grace", "hannah", "frick", "heather"]),
    names: new Set(["Weblate"]),
  };

  it("shapes noun phrases and refuses what is not one", () => {
    expect(shapePhrase("R Development Guide", limits)).toBe("R Development Guide");
    expect(shapePhrase("Catalan language team", limits)).toBe("catalan language team");
    expect(shapePhrase("Weblate notification", limits)).toBe("Weblate notification");
    expect(shapePhrase("Stuff Grace", limits)).toBeUndefined();
    expect(shapePhrase("wiki as I'm", limits)).toBeUndefined();
    expect(shapePhrase("thanks Hannah Frick", limits)).toBeUndefined();
    expect(shapePhrase("patch Hannah", limits)).toBeUndefined();
    expect(shapePhrase("lot about translations", limits)).toBeUndefined();
    expect(shapePhrase("gh R", limits)).toBeUndefined();
    expect(shapePhrase("R Project Sprint", limits)).toBeUndefined();
  });

  it("heads a paragraph with a phrase its quotes hold, not one of the message's other sentences", () => {
    const a = makeHighlight({
      id: "C1/1.000100",
      postedAtMs: t0,
      conversationId: "C1",
      authorName: "Elio",
      text: "It was so cool meeting you all and learning so much! The midnight coach back to Leeds was full.",
    });
    const b = makeHighlight({
      id: "C1/2.000100",
      postedAtMs: t0 + 60_000,
      conversationId: "C1",
      authorName: "Binod",
      text: "The translation dashboard is up for review: 12 languages and 3 new teams.",
    });
    const c = makeHighlight({
      id: "C1/3.000100",
      postedAtMs: t0 + 120_000,
      conversationId: "C1",
      authorName: "Ben",
      text: "Translation dashboard merged after review, with 4 more languages.",
    });
    const doc = summariseOffline({ ...base, highlights: [a, b, c] });
    expect(doc.sections.map((s) => [s.heading, s.paragraphs?.map((p) => p.text)])).toEqual([
      [
        "translation dashboard",
        [
          "On Tuesday, Binod wrote: The translation dashboard is up for review: 12 languages and 3 new teams. Ben added: Translation dashboard merged after review, with 4 more languages.",
        ],
      ],
      ["Also this week", ["On Tuesday, Elio wrote: The midnight coach back to Leeds was full."]],
    ]);
    for (const section of doc.sections.slice(0, 1)) {
      const text = (section.paragraphs ?? []).map((p) => p.text.toLocaleLowerCase()).join(" ");
      expect(text).toContain(section.heading.toLocaleLowerCase());
    }
  });
});

describe("repeats and link-only chatter are left out with their reasons", () => {
  const tune = (id: string, minute: number, text: string, authorName: string) =>
    makeHighlight({ id, postedAtMs: t0 + minute * 60_000, section: "tune", text, authorName });

  it("leaves out a second message naming the same tune as a duplicate", () => {
    const first = tune(
      "C1/1.000100",
      0,
      "Tune of the week: 'Bin Day Morning' by The Kerbside Collective 🎶",
      "Marcus",
    );
    const sameLink = tune(
      "C1/2.000100",
      1,
      "Obviously this one https://music.example/track/bin-day-morning",
      "Tom",
    );
    const linked = tune(
      "C1/0.000100",
      -1,
      "Tune of the week, obviously https://music.example/track/bin-day-morning/",
      "Aisha",
    );
    const sameWords = tune(
      "C1/3.000100",
      2,
      "Still can't stop playing Bin Day Morning (Kerbside Collective)",
      "Dan",
    );
    const other = tune("C1/4.000100", 3, "My tune this week is Gorillaz — Feel Good Inc", "Ade");
    const doc = summariseOffline({ ...base, highlights: [first, sameLink, linked, sameWords, other] });
    expect(doc.tune?.highlightIds).toEqual(["C1/0.000100"]);
    expect(doc.leftOut).toEqual([
      { highlightId: "C1/1.000100", reason: "over_budget" },
      { highlightId: "C1/2.000100", reason: "duplicate", duplicateOf: "C1/0.000100" },
      { highlightId: "C1/3.000100", reason: "duplicate", duplicateOf: "C1/1.000100" },
      { highlightId: "C1/4.000100", reason: "over_budget" },
    ]);
  });

  it("reads a link with a short question or aside as link only", () => {
    const junk = (text: string) => readCheap(makeHighlight({ postedAtMs: t0, text })).junk;
    expect(junk("Javier: have you seen this? https://teleport.org/cities/houston/")).toBe("link_only");
    expect(junk("look at this https://datausa.io/")).toBe("link_only");
    expect(junk("fyi https://example.org/report")).toBe("link_only");
    expect(junk("@Kim interesting! https://example.org/")).toBe("link_only");
    expect(junk("Anyone going? https://example.org/meetup")).toBe("link_only");
    // A link with something said about it stays.
    expect(junk("The new bins map is live for all 23 wards: https://example.org/map")).toBeUndefined();
    expect(
      junk("Has anyone tried the new open data portal from the county? https://example.org/"),
    ).toBeUndefined();
  });
});

describe("reading grade and reading cost", () => {
  it("counts syllables and the grade as the quality report does", () => {
    expect(
      ["similarity", "updated", "languages", "Daróczi", "useful", "idea", "the", "queue"].map(syllablesOf),
    ).toEqual([5, 3, 3, 3, 2, 3, 1, 1]);
    // 6 words, 1 sentence, 6 syllables: 0.39·6 + 11.8·1 − 15.59.
    expect(readingGrade(["The cat sat on the mat."])).toBeCloseTo(-1.45, 10);
    expect(readingGrade(["今週は原書を読みました。"])).toBeUndefined();
  });

  it("reads at most TOP_READ highlights with wink-nlp: the rest, by the cheap rank, are over budget", () => {
    const many = Array.from({ length: 80 }, (_, i) =>
      makeHighlight({
        id: `C1/${String(1000 + i)}.000100`,
        postedAtMs: t0 + i * 60_000,
        authorName: `Person ${i % 9}`,
        // The last 20 are tagged by three people: the cheap rank reads them first.
        tags: Array.from({ length: i >= 60 ? 3 : 1 }, (_, u) => ({
          user: `U${u}`,
          reaction: "star",
          section: "highlights" as const,
          via: "reaction" as const,
        })),
        text: `Team ${i} shipped the ${["form", "map", "search", "banner", "survey", "page", "feed", "index"][i % 8]} for ward ${i} today.`,
      }),
    );
    const doc = summariseOffline({ ...base, highlights: many });
    const cited = new Set(doc.sections.flatMap((s) => (s.paragraphs ?? []).flatMap((p) => p.highlightIds)));
    expect(TOP_READ).toBe(60);
    // Unread (ranks 61–80 by the cheap rank: the latest of the once-tagged) are never cited.
    expect(many.slice(40, 60).some((h) => cited.has(h.id))).toBe(false);
    expect(
      many.slice(60).every((h) => cited.has(h.id) || doc.leftOut?.some((l) => l.highlightId === h.id)),
    ).toBe(true);
    expect(cited.size + (doc.leftOut?.length ?? 0)).toBe(80);
  });
});
