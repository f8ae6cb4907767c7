import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { slackEmojiAliases } from "../../adapters/emoji/aliases.ts";
import { OFFLINE_SUMMARISER_VERSION, summariseOffline } from "../../adapters/offline/offline-summariser.ts";
import { excerpt, themePhrase } from "../../adapters/offline/wording.ts";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import type { Highlight } from "../../src/domain/highlight.ts";
import { noteBudgetFor } from "../../src/domain/note-budget.ts";
import { renderMarkdown } from "../../src/domain/render-markdown.ts";
import { EmojiSectionMap } from "../../src/domain/sections.ts";
import { isThemePhrase } from "../../src/domain/series.ts";
import { defaultTeamSettings, voiceOf } from "../../src/domain/team.ts";
import { parseWeekKey, weekWindow } from "../../src/domain/week.ts";
import { parseWeeknoteDocument, type WeeknoteDocument } from "../../src/domain/weeknote.ts";
import { makeHighlight } from "../support/highlights.ts";

// Tuesday 24 March 2026, 10:00 GMT (week 2026-W13 in Europe/London).
const t0 = Date.parse("2026-03-24T10:00:00Z");
const DAY = 86_400_000;
const tag = (user: string) => ({
  user,
  reaction: "star",
  section: "highlights" as const,
  via: "reaction" as const,
});

const week = [
  makeHighlight({
    postedAtMs: t0,
    conversationId: "C1",
    conversationName: "bins-digital",
    text: "Bin booking went live in beta today.",
    authorName: "Priya (she/her)",
  }),
  makeHighlight({
    postedAtMs: t0 + DAY,
    conversationId: "C1",
    conversationName: "bins-digital",
    text: "The first 200 bin bookings came in on day one.",
    authorName: "Sam | Product",
  }),
  makeHighlight({
    postedAtMs: t0 + 2000,
    conversationId: "C2",
    conversationName: "website",
    text: "The accessibility audit found 14 issues on the planning search form.",
    authorName: "Sam | Product",
  }),
  makeHighlight({
    postedAtMs: t0 + 3000,
    conversationId: "C3",
    conversationName: "cyber",
    text: "We ran the cyber drill with the emergency planning team.",
    authorName: "Ade",
  }),
  makeHighlight({
    postedAtMs: t0 + 4000,
    section: "thanks",
    text: "Thanks Jo for covering the phones all week",
    authorName: "Priya (she/her)",
  }),
  makeHighlight({
    postedAtMs: t0 + 4500,
    section: "thanks",
    text: "Date picker fix is merged and on staging.",
    authorName: "Marcus",
  }),
  makeHighlight({
    postedAtMs: t0 + 5000,
    section: "coming_up",
    text: "Show and tell next Tuesday at 2pm in the Tamar Room.",
    authorName: "Ade",
  }),
  makeHighlight({
    postedAtMs: t0 + 5500,
    section: "coming_up",
    text: "Booking opens to the first 500 households on Wednesday at 9am.",
    authorName: "Niamh",
  }),
  makeHighlight({
    postedAtMs: t0 + 6000,
    section: "challenges",
    text: "Payments API was down for an hour on Tuesday morning.",
    authorName: "Sam | Product",
  }),
  makeHighlight({
    postedAtMs: t0 + 7000,
    section: "tune",
    text: "Tune of the week: Little Simz — Gorilla",
    authorName: "Jo",
    tags: [tag("U1"), tag("U2")],
  }),
  makeHighlight({
    postedAtMs: t0 + 8000,
    section: "tune",
    text: "My tune this week is Gorillaz — Feel Good Inc",
    authorName: "Ade",
  }),
];
const ids = week.map((h) => h.id);

const base = { week: "2026-W13", teamName: "Digital", timezone: "Europe/London" } as const;

/** Every id a document cites, in any part. */
function citedIds(doc: WeeknoteDocument): string[] {
  return [
    ...doc.sections.flatMap((s) => [
      ...(s.paragraphs ?? []).flatMap((p) => p.highlightIds),
      ...s.items.flatMap((i) => i.highlightIds),
    ]),
    ...doc.intoNextWeek.flatMap((i) => i.highlightIds),
    ...(doc.tune?.highlightIds ?? []),
  ];
}

function words(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

describe("offline summariser: a week in prose", () => {
  const doc = parseWeeknoteDocument(summariseOffline({ ...base, highlights: week }));

  it("writes the week as themed paragraphs with the people named, and the right version", () => {
    expect(OFFLINE_SUMMARISER_VERSION).toBe("offline-3");
    expect(doc.language).toBe("en");
    expect(doc.intro).toBe(
      "This week we tagged 11 highlights from 6 people. One more tagged highlight is not in this note.",
    );
    expect(doc.sections.map((s) => [s.section, s.heading, s.paragraphs?.map((p) => p.text)])).toEqual([
      [
        "highlights",
        "bin bookings",
        [
          "On Tuesday, Priya wrote: Bin booking went live in beta today. On Wednesday, Sam added: The first 200 bin bookings came in on day one.",
        ],
      ],
      // A subject of one message has no heading of its own: the lines go to more messages.
      [
        "highlights",
        "Also this week",
        [
          "On Tuesday, Sam wrote: The accessibility audit found 14 issues on the planning search form. Ade added: We ran the cyber drill with the emergency planning team. Niamh added: Booking opens to the first 500 households on Wednesday at 9am.",
        ],
      ],
      [
        "challenges",
        "Challenges",
        ["On Tuesday, Sam wrote: Payments API was down for an hour on Tuesday morning."],
      ],
      [
        "thanks",
        "Thanks",
        [
          "On Tuesday, Priya wrote: Thanks Jo for covering the phones all week. Thanks to Marcus: Date picker fix is merged and on staging.",
        ],
      ],
    ]);
    expect(doc.sections.every((s) => s.items.length === 0)).toBe(true);
  });

  it("names themes from what messages are about, never a channel, as 2–5 words", () => {
    // The headings first, then the key phrases of the best quotes.
    expect(doc.title).toBe(
      "weeknotes 2026-W13 — bin bookings — accessibility audit — emergency planning team — date picker fix",
    );
    expect(doc.themes).toEqual([
      "bin bookings",
      "accessibility audit",
      "emergency planning team",
      "date picker fix",
    ]);
    for (const theme of doc.themes) {
      expect(isThemePhrase(theme)).toBe(true);
      expect(["bins digital", "website", "cyber", "general"]).not.toContain(theme);
    }
  });

  it("drops pronoun and role suffixes from names in the prose unless the team keeps them", () => {
    const text = doc.sections.flatMap((s) => s.paragraphs ?? []).map((p) => p.text);
    expect(text.join(" ")).not.toMatch(/she\/her|\| Product/);
    const kept = summariseOffline({ ...base, highlights: week, keepNameSuffixes: true });
    expect(summariseOffline({ ...base, highlights: week }, { keepNameSuffixes: true })).toEqual(kept);
    expect(kept.sections[0]?.paragraphs?.[0]?.text).toBe(
      "On Tuesday, Priya (she/her) wrote: Bin booking went live in beta today. On Wednesday, Sam | Product added: The first 200 bin bookings came in on day one.",
    );
  });

  it("puts coming_up under Into next week only when it is about the time after the week", () => {
    // "next Tuesday" is next week; "on Wednesday", posted on the Tuesday, happened in this week.
    expect(doc.intoNextWeek).toEqual([
      {
        text: "Show and tell next Tuesday at 2pm in the Tamar Room.",
        authors: ["Ade"],
        highlightIds: [ids[6]],
      },
    ]);
    expect(doc.sections[1]?.paragraphs?.[0]?.highlightIds).toEqual([ids[2], ids[3], ids[7]]);
  });

  it("reads thanks as thanks: the message's own thanks, else thanks to its author", () => {
    const thanks = doc.sections.find((s) => s.section === "thanks")?.paragraphs?.[0];
    expect(thanks?.text).toContain("Priya wrote: Thanks Jo for covering the phones all week.");
    expect(thanks?.text).toContain("Thanks to Marcus: Date picker fix is merged and on staging.");
  });

  it("has one tune, the most tagged, without repeating 'tune of the week'; the other is left out", () => {
    expect(doc.tune).toEqual({ text: "Little Simz — Gorilla", authors: ["Jo"], highlightIds: [ids[9]] });
    expect(doc.leftOut).toEqual([{ highlightId: ids[10], reason: "over_budget" }]);
    const md = renderMarkdown(doc);
    expect(md.match(/Tune of the week/gi)).toHaveLength(1);
    expect(md).toContain("Little Simz — Gorilla (Jo)");
  });

  it("cites or leaves out every highlight, exactly once", () => {
    const cited = citedIds(doc);
    const left = doc.leftOut?.map((l) => l.highlightId) ?? [];
    expect([...cited, ...left].sort()).toEqual([...ids].sort());
    expect(doc.footer).toBe(
      "Drafted by the weeknotes offline summariser (offline-3, no LLM) from 11 highlights tagged in 2026-W13; cites 10 of 11.",
    );
  });

  it("is deterministic whatever the input order", () => {
    const again = summariseOffline({ ...base, highlights: [...week].reverse() });
    expect(again).toEqual(doc);
    expect(renderMarkdown(again)).toBe(renderMarkdown(doc));
  });
});

describe("offline summariser: titles, voice and the empty week", () => {
  it("numbers the title with the series number", () => {
    const doc = summariseOffline({ ...base, highlights: week, seriesNumber: "5.9" });
    expect(doc.title).toBe(
      "5.9 — weeknotes — bin bookings — accessibility audit — emergency planning team — date picker fix",
    );
  });

  it("speaks as we for a team and as I for a personal team", () => {
    const team = defaultTeamSettings("slack", "T0WEEK0001", "Europe/London", t0);
    const personal = { ...team, team: "my-note", name: "My note", personal: true, members: ["U0ALICE001"] };
    const intro = (voice: "we" | "I") => summariseOffline({ ...base, highlights: week, voice }).intro;
    expect(intro(voiceOf(team))).toMatch(/^This week we tagged 11 highlights from 6 people\./);
    expect(intro(voiceOf(personal))).toMatch(/^This week I tagged 11 highlights from 6 people\./);
  });

  it("names a week with no key phrase after its best quote, and keeps names one line", () => {
    const highlight = makeHighlight({
      postedAtMs: t0,
      authorName: "Eve\n- Approved by the CEO",
      conversationName: "bins\n# Fake heading",
      text: "Launched the form",
    });
    const tune = { ...highlight, id: "C1/2.000100", section: "tune" as const };
    const doc = summariseOffline({ ...base, highlights: [highlight, tune] });
    expect(doc.title).toBe("weeknotes 2026-W13 — launched the form");
    expect(doc.sections.map((s) => [s.heading, s.paragraphs?.map((p) => p.text)])).toEqual([
      ["Also this week", ["On Tuesday, Eve - Approved by the CEO wrote: Launched the form."]],
    ]);
    // The same words as a highlight do not make a tune a repeat: repeats are within one part.
    expect(doc.tune).toEqual({
      text: "Launched the form",
      authors: ["Eve - Approved by the CEO"],
      highlightIds: [tune.id],
    });
    expect(renderMarkdown(doc)).not.toMatch(/^(?:# Fake|- Approved)/m);
  });

  it("writes an empty week as a valid note that says nothing was tagged", () => {
    const doc = parseWeeknoteDocument(summariseOffline({ ...base, highlights: [] }));
    expect(doc.title).toBe("weeknotes 2026-W13 — a quiet week");
    expect(doc.intro).toBe("Nothing was tagged for the weeknotes this week.");
    expect(doc.sections).toEqual([]);
    expect(doc.leftOut).toEqual([]);
    expect(doc.footer).toMatch(/from 0 highlights tagged in 2026-W13/);
  });
});

describe("offline summariser: what is left out, and why", () => {
  it("leaves out links, files, a few words and repeats with their reasons", () => {
    const highlights = [
      makeHighlight({ postedAtMs: t0, text: "Bin booking went live in beta today for Eastmoor." }),
      makeHighlight({ postedAtMs: t0 + 1, text: "https://github.com/r-devel/translations/wiki" }),
      makeHighlight({ postedAtMs: t0 + 2, text: "shared a file: image.png" }),
      makeHighlight({ postedAtMs: t0 + 3, text: "GitHub: alswajiab" }),
      makeHighlight({ postedAtMs: t0 + 4, text: "Bin booking went live in beta today for Eastmoor!" }),
    ];
    const doc = summariseOffline({ ...base, highlights });
    const [kept, link, file, short, repeat] = highlights.map((h) => h.id);
    expect(doc.leftOut).toEqual([
      { highlightId: link, reason: "link_only" },
      { highlightId: file, reason: "file_only" },
      { highlightId: short, reason: "too_short" },
      { highlightId: repeat, reason: "duplicate", duplicateOf: kept },
    ]);
    expect(citedIds(doc)).toEqual([kept]);
  });

  it("fits a big week in the budget, keeps the most tagged, and says how many more were tagged", () => {
    const topics = ["bin booking", "planning search", "cyber drill", "payments service", "library research"];
    const verbs = ["tested", "shipped", "reviewed", "rewrote", "measured", "demoed", "planned", "fixed"];
    const objects = ["forms", "banner", "emails", "queue", "runbook", "survey", "dashboard", "search"];
    const partners = ["residents", "councillors", "the contact centre"];
    const big: Highlight[] = Array.from({ length: 40 }, (_, i) =>
      makeHighlight({
        postedAtMs: t0 + i * 60_000,
        conversationId: `C${i % 5}`,
        conversationName: `channel-${i % 5}`,
        authorName: `Person ${i % 7}`,
        text: `Step ${i}: the ${topics[i % 5]} team ${verbs[i % 8]} the ${objects[Math.floor(i / 5) % 8]} with ${partners[i % 3]}.`,
        tags: i === 39 ? [tag("U1"), tag("U2"), tag("U3")] : [tag("U1")],
      }),
    );
    const doc = summariseOffline({ ...base, highlights: big });
    const md = renderMarkdown({ ...doc, footer: "" });
    expect(md.replace(/\n+$/, "").split("\n").length).toBeLessThanOrEqual(25 - 2);
    expect(words(md)).toBeLessThanOrEqual(noteBudgetFor(40).words);
    const cited = citedIds(doc);
    expect(cited).toContain(big[39]?.id);
    const left = doc.leftOut ?? [];
    expect(left.every((l) => l.reason === "over_budget")).toBe(true);
    expect(cited.length + left.length).toBe(40);
    expect(doc.intro).toBe(
      `This week we tagged 40 highlights from 7 people. Another ${left.length} tagged highlights are not in this note.`,
    );
  });

  it("keeps to a smaller word budget when the input gives one", () => {
    const doc = summariseOffline({ ...base, highlights: week, wordBudget: 80 });
    const md = renderMarkdown({ ...doc, footer: "" });
    expect(words(md)).toBeLessThanOrEqual(80);
    expect(citedIds(doc).length + (doc.leftOut?.length ?? 0)).toBe(week.length);
  });

  it("reads only the opening of a 40,000-character message and quotes whole sentences of it", () => {
    const huge = makeHighlight({
      postedAtMs: t0,
      authorName: "Aisha",
      text: `Library research done. ${"We spoke to residents about bulky items and bins. ".repeat(800)}`,
    });
    expect(huge.text.length).toBeGreaterThan(40_000);
    const doc = summariseOffline({ ...base, highlights: [huge] });
    // The news is the short first sentence; the repeated one adds nothing to quote with it.
    expect(doc.sections[0]?.paragraphs?.[0]?.text).toBe("On Tuesday, Aisha wrote: Library research done.");
  });

  it("quotes whole sentences only", () => {
    const long = makeHighlight({
      postedAtMs: t0,
      text: "Library research done. Biggest finding: people want to say where the item will be left, not just what it is. Two people could not tell which bin day was theirs from the confirmation page. Notes are in the research folder.",
      authorName: "Aisha",
    });
    const doc = summariseOffline({ ...base, highlights: [long] });
    // Two whole sentences (20 words) fit the quote; the third would pass 20 words.
    expect(doc.sections[0]?.paragraphs?.[0]?.text).toBe(
      "On Tuesday, Aisha wrote: Library research done. Biggest finding: people want to say where the item will be left, not just what it is.",
    );
  });
});

describe("offline summariser: Welsh", () => {
  const welsh = makeHighlight({
    postedAtMs: Date.parse("2026-03-25T11:02:00Z"),
    conversationName: "bins-digital",
    authorName: "Siân",
    text: "Newyddion da o Gyngor Sir Bryn Ŵyn: maen nhw am ailddefnyddio ein cod archebu casgliadau. Diolch o galon i bawb! (Good news from Bryn Ŵyn County Council: they want to reuse our booking code. Thank you, everyone!)",
  });

  it("writes the frame words in Welsh for a team whose language is cy", () => {
    const doc = summariseOffline({ ...base, language: "cy", highlights: [welsh, ...week.slice(0, 2)] });
    expect(doc.language).toBe("cy");
    expect(doc.intro).toBe("Yr wythnos hon, nodon ni 3 uchafbwynt gan 3 o bobl.");
    expect(doc.title.startsWith("nodiadau'r wythnos 2026-W13 — ")).toBe(true);
    // The footer is in the note's language too.
    expect(doc.footer).toBe(
      "Drafftiwyd gan grynhoydd all-lein nodiadau'r wythnos (offline-3, heb LLM) o 3 uchafbwynt a nodwyd yn 2026-W13; mae'n dyfynnu 3 o 3.",
    );
    expect(renderMarkdown(doc)).not.toMatch(/Drafted|highlights|cites/);
    const paragraphs = doc.sections.flatMap((s) => s.paragraphs ?? []).map((p) => p.text);
    expect(paragraphs).toContain(
      "Ddydd Mawrth, ysgrifennodd Priya: Bin booking went live in beta today. Ddydd Mercher, ychwanegodd Sam: The first 200 bin bookings came in on day one.",
    );
    expect(paragraphs.join(" ")).toContain(`ysgrifennodd Siân: ${welsh.text}`);
    const personal = summariseOffline({ ...base, language: "cy", voice: "I", highlights: [welsh] });
    expect(personal.intro).toBe("Yr wythnos hon, nodais i 1 uchafbwynt gan un person.");
    expect(summariseOffline({ ...base, language: "cy", highlights: [] }).intro).toBe(
      "Ni nodwyd dim byd yr wythnos hon.",
    );
  });

  it("brings the example export's Welsh message through whole, with its translation", async () => {
    const root = resolve(import.meta.dirname, "../..");
    const aliases = slackEmojiAliases();
    const read = await readExportHighlights({
      path: join(root, "examples/slack-export"),
      window: weekWindow(parseWeekKey("2026-W13"), "Europe/London"),
      emoji: EmojiSectionMap.defaults(aliases),
    });
    const doc = summariseOffline({ ...base, highlights: read.highlights });
    const source = read.highlights.find((h) => h.text.startsWith("Newyddion da"));
    expect(source).toBeDefined();
    // In the whole week its 76 words (two languages) cost four other messages: it is left out for
    // the budget, never cut. Cited, it is quoted whole.
    expect(doc.leftOut).toContainEqual({ highlightId: source?.id, reason: "over_budget" });
    const small = summariseOffline({ ...base, highlights: source ? [source] : [] });
    const paragraph = small.sections
      .flatMap((s) => s.paragraphs ?? [])
      .find((p) => p.highlightIds.includes(source?.id ?? ""));
    expect(paragraph?.text).toContain(
      "Siân wrote: Newyddion da o Gyngor Sir Bryn Ŵyn: maen nhw am ailddefnyddio ein cod archebu casgliadau, ac mae'r fersiwn Gymraeg o'r dudalen 'Trefnu casgliad o'ch tŷ' yn barod i'w brofi cyn gŵyl y banc. Diolch o galon i bawb! (Good news from Bryn Ŵyn County Council: they want to reuse our booking code, and the Welsh version of the 'Book a collection from your home' page is ready to test before the bank holiday. Thank you, everyone!)",
    );
    // The example's furniture is gone: `@here`, `@Siân`, the links, `#website`.
    const md = renderMarkdown(doc);
    expect(md).not.toMatch(/@here|@Siân|https?:|<@|#website|:[a-z_]+:/);
    const cited = citedIds(doc);
    const left = doc.leftOut?.map((l) => l.highlightId) ?? [];
    expect([...cited, ...left].sort()).toEqual(read.highlights.map((h) => h.id).sort());
    expect(md.replace(/\n+$/, "").split("\n").length).toBeLessThanOrEqual(25);
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
    expect(themePhrase("Budget signed off. Next: CRM")).toBe("Budget signed off");
    expect(themePhrase("今週は原書を読みました。楽しかった")).toBe("今週は原書を読みました");
  });

  it("never ends on a word that only joins", () => {
    expect(themePhrase("Cyber drill went well & the runbook held up", 5)).toBe("Cyber drill went well");
    expect(themePhrase("Moved the servers to the new racks", 5)).toBe("Moved the servers");
    expect(themePhrase("and", 5)).toBe("and");
  });
});
