import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../adapters/memory/memory-store.ts";
import {
  type AdaptiveCard,
  CARD_BYTE_LIMIT,
  cardAttachment,
  EDIT_MAX_BYTES,
  invokeCardResponse,
  invokeMessageResponse,
  MESSAGE_BYTE_LIMIT,
  noteCards,
  parseCardAction,
  parseSectionChoice,
  reviewCards,
  sectionPickerCard,
  sectionPickerTask,
  settingsCard,
  settingsFields,
} from "../../adapters/teams/cards.ts";
import { createConfigureTeam } from "../../src/app/configure-team.ts";
import { createTeamDirectory } from "../../src/app/teams.ts";
import type { ReviewStatus, ReviewView } from "../../src/domain/outcomes.ts";
import { renderMarkdown } from "../../src/domain/render-markdown.ts";
import { NO_ALIASES, SECTIONS } from "../../src/domain/sections.ts";
import { defaultTeamSettings, type TeamSettings } from "../../src/domain/team.ts";
import type { Revision, Weeknote, WeeknoteDocument, WeeknoteItem } from "../../src/domain/weeknote.ts";

const TENANT = "00000000-0000-0000-0000-00000000t001";

const team: TeamSettings = {
  ...defaultTeamSettings("teams", TENANT, "Europe/London", 0),
  name: "Digital team",
  reviewChannel: "19:review01@thread.tacv2",
  publishChannel: "19:general1@thread.tacv2",
  approvers: ["aad-priya", "aad-jo"],
};

function item(text: string, authors: string[] = []): WeeknoteItem {
  return { text, authors, highlightIds: [] };
}

function doc(overrides: Partial<WeeknoteDocument> = {}): WeeknoteDocument {
  return {
    week: "2026-W13",
    title: "3.12 — weeknotes — bins go digital",
    themes: ["bins go digital"],
    intro: "A busy week.",
    sections: [
      {
        section: "highlights",
        heading: "Bins go digital",
        summary: "The booking form is live.",
        items: [item("Launched the form", ["Priya"])],
      },
    ],
    intoNextWeek: [item("Show and tell")],
    tune: item("Gorilla", ["Jo"]),
    footer: "Drafted by gpt-4o-mini from 3 highlights.",
    ...overrides,
  };
}

function revision(document: WeeknoteDocument, overrides: Partial<Revision> = {}): Revision {
  return {
    number: 2,
    origin: "llm",
    model: "gpt-4o-mini",
    promptVersion: "a1b2c3",
    highlightIds: ["19:c1@thread.tacv2/1", "19:c1@thread.tacv2/2", "19:c1@thread.tacv2/3"],
    document,
    markdown: renderMarkdown(document),
    author: undefined,
    createdAtMs: 0,
    ...overrides,
  };
}

function weeknoteOf(rev: Revision, status: Weeknote["status"] = "draft"): Weeknote {
  return {
    workspace: TENANT,
    team: "default",
    week: rev.document.week,
    status,
    revisions: [rev],
    approval: undefined,
    review: undefined,
    published: undefined,
  };
}

function view(
  document: WeeknoteDocument,
  status: ReviewStatus = { kind: "open" },
  teamSettings = team,
): ReviewView {
  const rev = revision(document);
  const weeknote = weeknoteOf(
    rev,
    status.kind === "approved" ? "approved" : status.kind === "skipped" ? "skipped" : "draft",
  );
  return { team: teamSettings, weeknote, revision: rev, status };
}

/** Every object inside a JSON value, depth first, in order. */
function objects(value: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (typeof v === "object" && v !== null) {
      found.push(v as Record<string, unknown>);
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return found;
}

const ofType = (value: unknown, type: string) => objects(value).filter((o) => o.type === type);

/** The texts of the TextBlocks on a card (our own words only). */
const textBlocks = (card: unknown) => ofType(card, "TextBlock").map((o) => o.text as string);

/** Each RichTextBlock's runs joined, with its spacing. */
function richLines(card: AdaptiveCard): { text: string; spacing: unknown }[] {
  return card.body
    .filter((e) => e.type === "RichTextBlock")
    .map((e) => ({
      text: (e as unknown as { inlines: { text: string }[] }).inlines.map((run) => run.text).join(""),
      spacing: (e as { spacing?: unknown }).spacing,
    }));
}

/** The note's lines on a card: rich text that is not a status line (those have spacing Small). */
const noteText = (card: AdaptiveCard) => richLines(card).filter((line) => line.spacing !== "Small");

/** Bytes as Teams may count a payload, computed here independently: max(UTF-16 × 2, UTF-8). */
function bytes(value: unknown): number {
  const json = JSON.stringify(value);
  return Math.max(json.length * 2, Buffer.byteLength(json, "utf8"));
}

/** A message activity as the Bot Connector carries a card into a channel thread. */
function activityWith(card: AdaptiveCard) {
  return {
    type: "message",
    id: "1700000000003",
    timestamp: "2026-03-27T14:00:00.000Z",
    localTimestamp: "2026-03-27T14:00:00.000+00:00",
    serviceUrl: "https://smba.trafficmanager.net/emea/",
    channelId: "msteams",
    from: { id: "28:0b6a7a5c-1b2c-4d5e-8f90-123456789abc", name: "Weeknotes" },
    conversation: {
      isGroup: true,
      conversationType: "channel",
      id: "19:review01@thread.tacv2;messageid=1700000000001",
      tenantId: TENANT,
      name: "Review",
    },
    recipient: { id: "29:1UserAAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlllMMMnnnOOOpppQQQ", name: "Priya Shah" },
    replyToId: "1700000000001",
    textFormat: "markdown",
    attachmentLayout: "list",
    attachments: [cardAttachment(card)],
    channelData: {
      tenant: { id: TENANT },
      channel: { id: "19:review01@thread.tacv2", name: "Review" },
      team: { id: "19:team0001@thread.tacv2", aadGroupId: "11111111-2222-3333-4444-555555555555" },
    },
    entities: [
      { type: "clientInfo", locale: "en-GB", country: "GB", platform: "Web", timezone: "Europe/London" },
    ],
  };
}

function expectWithinLimits(cards: readonly AdaptiveCard[]) {
  for (const card of cards) {
    expect(bytes(card)).toBeLessThanOrEqual(CARD_BYTE_LIMIT);
    expect(bytes(activityWith(card))).toBeLessThanOrEqual(MESSAGE_BYTE_LIMIT);
    expect(bytes(invokeCardResponse(card))).toBeLessThanOrEqual(MESSAGE_BYTE_LIMIT);
  }
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

describe("reviewCards", () => {
  it("shows the draft: header, the note's lines in order, the footer, and the four actions", () => {
    const { card, continuation } = reviewCards(view(doc()));
    expect(continuation).toEqual([]);
    expect(card.type).toBe("AdaptiveCard");
    expect(card.version).toBe("1.5");
    expect(card.rtl).toBeUndefined();
    expect(textBlocks(card)[0]).toBe("Draft weeknote · 2026-W13");
    expect(noteText(card)).toEqual([
      { text: "3.12 — weeknotes — bins go digital", spacing: "Medium" },
      { text: "A busy week.", spacing: "Medium" },
      { text: "Bins go digital", spacing: "Medium" },
      { text: "The booking form is live.", spacing: "Medium" },
      { text: "• Launched the form (Priya)", spacing: "None" },
      { text: "Into next week", spacing: "Medium" },
      { text: "• Show and tell", spacing: "None" },
      { text: "Tune of the week", spacing: "Medium" },
      { text: "Gorilla (Jo)", spacing: "Medium" },
      { text: "Drafted by gpt-4o-mini from 3 highlights.", spacing: "Medium" },
    ]);
    expect(richLines(card).filter((l) => l.spacing === "Small")).toEqual([
      {
        text: "Digital team · revision 2 · written by gpt-4o-mini, prompt a1b2c3 · from 3 highlights",
        spacing: "Small",
      },
    ]);
    expect(card.actions?.map((a) => [a.type, a.title])).toEqual([
      ["Action.Execute", "Approve"],
      ["Action.ShowCard", "Edit"],
      ["Action.ShowCard", "Regenerate"],
      ["Action.ShowCard", "Skip this week"],
    ]);
  });

  it("gives every Action.Execute a verb and data {verb, workspace, team, week, revision}", () => {
    const { card } = reviewCards(view(doc()));
    const executes = ofType(card, "Action.Execute");
    expect(executes.map((a) => [a.title, a.verb, a.data])).toEqual(
      (
        [
          ["Approve", "approve"],
          ["Save", "edit"],
          ["Regenerate", "regenerate"],
          ["Skip", "skip"],
        ] as const
      ).map(([title, verb]) => [
        title,
        verb,
        { verb, workspace: TENANT, team: "default", week: "2026-W13", revision: 2 },
      ]),
    );
  });

  it("opens the Edit form with the draft's Markdown and Regenerate with an optional reason", () => {
    const v = view(doc());
    const { card } = reviewCards(v);
    const [edit, regenerate, skip] = ofType(card, "Action.ShowCard");
    expect(ofType(edit, "Input.Text")).toEqual([
      {
        type: "Input.Text",
        id: "markdown",
        label: "Weeknote (Markdown)",
        isMultiline: true,
        value: v.revision.markdown,
        isRequired: true,
        errorMessage: "The weeknote can't be empty.",
      },
    ]);
    expect(ofType(regenerate, "Input.Text")).toEqual([
      {
        type: "Input.Text",
        id: "reason",
        label: "What should change? (optional)",
        placeholder: "shorter",
        maxLength: 500,
      },
    ]);
    expect(textBlocks(skip)).toEqual(["No weeknote will be published for 2026-W13."]);
  });

  it("has no actions at all once decided, and shows the outcome line instead", () => {
    for (const status of [
      { kind: "approved", by: "aad-priya" },
      { kind: "skipped", by: "aad-jo" },
      { kind: "moved" },
    ] as const) {
      const { card } = reviewCards(view(doc(), status), "Approved by Priya Shah.");
      expect(card.actions).toBeUndefined();
      for (const type of ["Action.Execute", "Action.ShowCard", "Action.Submit"]) {
        expect(ofType(card, type)).toEqual([]);
      }
      expect(ofType(card, "Input.Text")).toEqual([]);
      expect(richLines(card).at(-1)).toEqual({ text: "Approved by Priya Shah.", spacing: "Small" });
    }
  });

  it("never puts chat or LLM text in a TextBlock (Markdown there would link, format or mention)", () => {
    const hostile = "**bold** [click](https://evil.test) <at>Bob</at> _it_ # head";
    const hostileTeam = { ...team, name: `Team ${hostile}` };
    const document = doc({
      title: `Title ${hostile}`,
      intro: hostile,
      sections: [
        { section: "highlights", heading: hostile, summary: hostile, items: [item(hostile, [hostile])] },
      ],
      footer: hostile,
    });
    const { card } = reviewCards(
      view(document, { kind: "approved", by: "x" }, hostileTeam),
      `Approved by ${hostile}`,
    );
    for (const text of textBlocks(card)) {
      for (const part of ["**", "evil", "Bob", "_it_", "# head"]) {
        expect(text).not.toContain(part);
      }
    }
    // The text shows as written in rich text runs; the URL is a link whose text is the URL itself.
    const runs = ofType(card, "TextRun");
    expect(runs.some((r) => r.text === "**bold** [click](")).toBe(true);
    const links = runs.filter((r) => r.selectAction !== undefined);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link.selectAction).toEqual({ type: "Action.OpenUrl", url: "https://evil.test" });
      expect(link.text).toBe("https://evil.test");
    }
    expect(richLines(card).at(-1)?.text).toBe(`Approved by ${hostile}`);
  });

  it("keeps a name with line breaks on its item's line", () => {
    const document = doc({
      sections: [
        {
          section: "highlights",
          heading: "Bins",
          items: [item("Launched the form", ["Priya\n# not a heading\n• not an item"])],
        },
      ],
    });
    const { card } = reviewCards(view(document));
    const lines = richLines(card).map((l) => l.text);
    expect(lines).toContain("• Launched the form (Priya # not a heading • not an item)");
    expect(lines).not.toContain("# not a heading");
  });

  it("turns bare URLs into links and leaves trailing punctuation outside", () => {
    const { card } = reviewCards(
      view(doc({ intro: "See https://x.test/a_b?c=1). Or (https://x.test/p(q))." })),
    );
    const intro = card.body.find(
      (e) =>
        e.type === "RichTextBlock" &&
        e.inlines
          .map((r) => r.text)
          .join("")
          .startsWith("See"),
    );
    expect(intro).toEqual({
      type: "RichTextBlock",
      spacing: "Medium",
      inlines: [
        { type: "TextRun", text: "See " },
        {
          type: "TextRun",
          text: "https://x.test/a_b?c=1",
          color: "Accent",
          selectAction: { type: "Action.OpenUrl", url: "https://x.test/a_b?c=1" },
        },
        { type: "TextRun", text: "). Or (" },
        {
          type: "TextRun",
          text: "https://x.test/p(q)",
          color: "Accent",
          selectAction: { type: "Action.OpenUrl", url: "https://x.test/p(q)" },
        },
        { type: "TextRun", text: ")." },
      ],
    });
  });

  it("shows bidi control characters escaped, everywhere chat text goes (the edit box too)", () => {
    const tricky = "pay \u202Eeulav\u202C \u2066iso\u2069 \u200Fmark\u200E \u061Calm";
    const { card } = reviewCards(
      view(doc({ intro: tricky, title: `T ${tricky}` }), { kind: "open" }, { ...team, name: tricky }),
    );
    expect(JSON.stringify(card)).not.toMatch(BIDI);
    expect(noteText(card)[1]?.text).toBe(
      "pay <U+202E>eulav<U+202C> <U+2066>iso<U+2069> <U+200F>mark<U+200E> <U+061C>alm",
    );
  });

  it("keeps emoji, ZWJ sequences and zero-width characters intact", () => {
    const text = "👩‍💻 shipped 🚀 with 👍🏽 and a\u200Bzero\u200Cwidth\u200Djoin 🇬🇧";
    const { card } = reviewCards(view(doc({ intro: text })));
    expect(noteText(card)[1]?.text).toBe(text);
  });

  it("reads right to left when Hebrew or Arabic letters outnumber the rest, on every card", () => {
    const hebrew = doc({
      title: "שבוע עמוס — הטופס עלה",
      intro: "שבוע עמוס מאוד עם הרבה עבודה",
      sections: [{ section: "highlights", heading: "הטופס", items: [item("השקנו את הטופס", ["דנה"])] }],
      intoNextWeek: [],
      tune: undefined,
      footer: "",
    });
    expect(reviewCards(view(hebrew)).card.rtl).toBe(true);
    const arabic = doc({
      title: "أسبوع مزدحم",
      intro: "أطلقنا النموذج الجديد",
      sections: [],
      intoNextWeek: [],
      tune: undefined,
      footer: "",
    });
    expect(reviewCards(view(arabic)).card.rtl).toBe(true);
    // An English note quoting a little Hebrew stays left to right.
    expect(reviewCards(view(doc({ intro: "We said שלום to the new team." }))).card.rtl).toBeUndefined();
    // A long Hebrew note: every card reads right to left.
    const long = doc({
      ...hebrew,
      sections: [
        {
          section: "highlights",
          heading: "הטופס",
          items: Array.from({ length: 200 }, (_, i) => item(`פריט מספר ${i} ${"מילה ".repeat(30)}`)),
        },
      ],
    });
    const cards = reviewCards(view(long));
    expect(cards.continuation.length).toBeGreaterThan(0);
    for (const c of [cards.card, ...cards.continuation]) {
      expect(c.rtl).toBe(true);
    }
    expectWithinLimits([cards.card, ...cards.continuation]);
  });
});

describe("reviewCards: a note over the size limit", () => {
  const items = Array.from({ length: 160 }, (_, i) =>
    item(
      `Item ${i}: ${"the bins service rolled out the new booking form to another ward ".repeat(4).trim()}`,
      [`Person ${i}`],
    ),
  );
  const big = doc({
    sections: [
      { section: "highlights", heading: "Highlights", summary: "Lots happened.", items: items.slice(0, 80) },
      { section: "thanks", heading: "Thanks", items: items.slice(80) },
    ],
  });
  // The note's lines as the layout promises them, written out here.
  const expectedLines = [
    big.title,
    "A busy week.",
    "Highlights",
    "Lots happened.",
    ...items.slice(0, 80).map((i) => `• ${i.text} (${i.authors.join(", ")})`),
    "Thanks",
    ...items.slice(80).map((i) => `• ${i.text} (${i.authors.join(", ")})`),
    "Into next week",
    "• Show and tell",
    "Tune of the week",
    "Gorilla (Jo)",
    "Drafted by gpt-4o-mini from 3 highlights.",
  ];

  it("is over 28 KB as one card", () => {
    expect(bytes(expectedLines.join("\n"))).toBeGreaterThan(MESSAGE_BYTE_LIMIT);
  });

  it("is split over several cards with nothing lost, each card within the limit", () => {
    const { card, continuation } = reviewCards(view(big));
    const cards = [card, ...continuation];
    expect(cards.length).toBeGreaterThanOrEqual(3);
    expect(cards.flatMap((c) => noteText(c).map((l) => l.text))).toEqual(expectedLines);
    expectWithinLimits(cards);
  });

  it("keeps the actions on the first card, says how many cards follow, and labels each part", () => {
    const { card, continuation } = reviewCards(view(big));
    const parts = continuation.length + 1;
    expect(card.actions?.map((a) => a.title)).toEqual(["Approve", "Edit", "Regenerate", "Skip this week"]);
    // A draft this long is too long for the edit box (see below): no Save.
    expect(ofType(card, "Action.Execute").map((a) => a.verb)).toEqual(["approve", "regenerate", "skip"]);
    expect(textBlocks(card)).toContain(`Continued in ${parts - 1} more cards.`);
    continuation.forEach((c, index) => {
      expect(c.actions).toBeUndefined();
      expect(ofType(c, "Action.Execute")).toEqual([]);
      expect(ofType(c, "Input.Text")).toEqual([]);
      expect(textBlocks(c)[0]).toBe(`Draft weeknote 2026-W13, continued: part ${index + 2} of ${parts}`);
    });
  });

  it("starts each further card at a paragraph (a heading or the first line of a paragraph) when paragraphs fit a card", () => {
    const { continuation } = reviewCards(view(big));
    for (const c of continuation) {
      // Item lines belong to the paragraph their heading opens; 80 items are longer than a card,
      // so a card may start inside that list, but never inside a line.
      const first = noteText(c)[0];
      expect(first).toBeDefined();
      expect(expectedLines).toContain(first?.text);
    }
    const small = doc({
      sections: Array.from({ length: 40 }, (_, i) => ({
        section: "highlights" as const,
        heading: `Part ${i}`,
        summary: `${"A paragraph of some length about the week. ".repeat(12)}`,
        items: [item(`One thing ${i}`), item(`Another thing ${i}`)],
      })),
    });
    const cards = reviewCards(view(small));
    expect(cards.continuation.length).toBeGreaterThan(0);
    for (const c of cards.continuation) {
      expect(noteText(c)[0]?.spacing).toBe("Medium");
    }
    expectWithinLimits([cards.card, ...cards.continuation]);
  });

  it("splits a single 40,000-character message between words, keeping every character", () => {
    const words = Array.from({ length: 4000 }, (_, i) => `w${i % 1000}`.padEnd(9, "x")).join(" ");
    expect(words.length).toBeGreaterThanOrEqual(39_999);
    const { card, continuation } = reviewCards(view(doc({ sections: [], intoNextWeek: [item(words)] })));
    const cards = [card, ...continuation];
    expect(cards.length).toBeGreaterThan(2);
    const all = cards.flatMap((c) => noteText(c).map((l) => l.text)).join("");
    expect(all).toContain(`• ${words}`);
    expect(all.length).toBe(
      [
        doc().title,
        "A busy week.",
        "Into next week",
        `• ${words}`,
        "Tune of the week",
        "Gorilla (Jo)",
        doc().footer,
      ].join("").length,
    );
    expectWithinLimits(cards);
  });

  it("splits 40,000 characters without spaces between whole graphemes (emoji, ZWJ sequences)", () => {
    for (const unit of ["x", "👩‍💻", "x👩‍💻", "👍🏽", "e\u0301", "שלום", "\u200B"]) {
      const text = unit.repeat(Math.ceil(40_000 / unit.length));
      const { card, continuation } = reviewCards(view(doc({ intro: text })));
      const cards = [card, ...continuation];
      const pieces = cards.flatMap((c) => noteText(c).map((l) => l.text));
      const introPieces = pieces.slice(1, pieces.indexOf("Bins go digital"));
      expect(introPieces.join("")).toBe(text);
      // No piece ends inside a grapheme: the pieces hold as many graphemes as the text.
      const clusters = (t: string) => [...segmenter.segment(t)].length;
      const inPieces = introPieces.reduce((sum, piece) => sum + clusters(piece), 0);
      expect(inPieces).toBe((text.length / unit.length) * clusters(unit));
      expectWithinLimits(cards);
    }
  });

  it("keeps a card within the limit when the edit box holds a draft near its limit", () => {
    // A Markdown draft just within the edit limit, shown with a note that fills cards.
    const markdown = "x".repeat(EDIT_MAX_BYTES / 2 - 10);
    const rev = revision(big, { markdown });
    const cards = reviewCards({ team, weeknote: weeknoteOf(rev), revision: rev, status: { kind: "open" } });
    expect(ofType(cards.card, "Input.Text").find((i) => i.id === "markdown")?.value).toBe(markdown);
    expectWithinLimits([cards.card, ...cards.continuation]);
  });

  it("offers no edit box for a draft too long to edit on a card, and says why", () => {
    const markdown = "word ".repeat(EDIT_MAX_BYTES / 2);
    const rev = revision(doc(), { markdown });
    const { card } = reviewCards({
      team,
      weeknote: weeknoteOf(rev),
      revision: rev,
      status: { kind: "open" },
    });
    const [edit] = ofType(card, "Action.ShowCard");
    expect(ofType(edit, "Input.Text")).toEqual([]);
    expect(ofType(edit, "Action.Execute")).toEqual([]);
    expect(textBlocks(edit)[0]).toContain(
      `This draft is ${markdown.length.toLocaleString("en-GB")} characters`,
    );
    expect(ofType(card, "Action.Execute").map((a) => a.verb)).toEqual(["approve", "regenerate", "skip"]);
  });

  it("caps a very long team name or outcome line, and still fits", () => {
    const name = "Team ".repeat(3000);
    const { card } = reviewCards(
      view(doc(), { kind: "approved", by: "x" }, { ...team, name }),
      `Approved by ${name}`,
    );
    const status = richLines(card).filter((l) => l.spacing === "Small");
    expect(status).toHaveLength(2);
    for (const line of status) {
      expect(line.text.endsWith("…")).toBe(true);
      expect(line.text.length).toBeLessThan(600);
    }
    expectWithinLimits([card]);
  });
});

describe("noteCards", () => {
  it("shows the published note with no actions and the team's line", () => {
    const rev = revision(doc());
    const cards = noteCards(team, weeknoteOf(rev, "approved"), rev);
    expect(cards).toHaveLength(1);
    const [card] = cards;
    expect(card?.actions).toBeUndefined();
    expect(ofType(card, "Action.Execute")).toEqual([]);
    expect(textBlocks(card)).toEqual([]);
    expect(richLines(card as AdaptiveCard).at(-1)).toEqual({
      text: "Weeknote of Digital team for 2026-W13",
      spacing: "Small",
    });
    expect(noteCards(undefined, weeknoteOf(rev), rev)[0]?.body.at(-1)).toMatchObject({
      inlines: [{ text: "Weeknote for 2026-W13" }],
    });
  });

  it("splits a long note the same way, nothing lost, every card within the limit", () => {
    const items = Array.from({ length: 300 }, (_, i) =>
      item(`Thing ${i} ${"happened this week ".repeat(6)}`.trim()),
    );
    const document = doc({ sections: [{ section: "highlights", heading: "Highlights", items }] });
    const rev = revision(document);
    const cards = noteCards(team, weeknoteOf(rev, "approved"), rev);
    expect(cards.length).toBeGreaterThan(2);
    const lines = cards.flatMap((c) => noteText(c).map((l) => l.text));
    expect(lines.filter((l) => l.startsWith("• Thing "))).toEqual(items.map((i) => `• ${i.text}`));
    cards.slice(1).forEach((c, index) => {
      expect(textBlocks(c)[0]).toBe(`Weeknote 2026-W13, continued: part ${index + 2} of ${cards.length}`);
    });
    expectWithinLimits(cards);
  });
});

describe("wrapping", () => {
  it("makes an attachment and the invoke response Teams expects (CASES C11)", () => {
    const { card } = reviewCards(
      view(doc(), { kind: "approved", by: "aad-priya" }),
      "Approved by Priya Shah.",
    );
    expect(cardAttachment(card)).toEqual({
      contentType: "application/vnd.microsoft.card.adaptive",
      content: card,
    });
    expect(invokeCardResponse(card)).toEqual({
      statusCode: 200,
      type: "application/vnd.microsoft.card.adaptive",
      value: card,
    });
    expect(invokeMessageResponse("The 2026-W13 note was already approved.")).toEqual({
      statusCode: 200,
      type: "application/vnd.microsoft.activity.message",
      value: "The 2026-W13 note was already approved.",
    });
  });
});

describe("parseCardAction", () => {
  const data = { workspace: TENANT, team: "default", week: "2026-W13", revision: 2 };
  const key = { workspace: TENANT, team: "default", week: "2026-W13" };

  it("reads the verb from action.verb, or from action.data.verb when Teams leaves it out", () => {
    expect(
      parseCardAction({
        action: { type: "Action.Execute", verb: "approve", data: { ...data, verb: "approve" } },
      }),
    ).toEqual({
      verb: "approve",
      key,
      workspace: TENANT,
      team: "default",
      revision: 2,
    });
    expect(parseCardAction({ action: { type: "Action.Execute", data: { ...data, verb: "skip" } } })).toEqual({
      verb: "skip",
      key,
      workspace: TENANT,
      team: "default",
      revision: 2,
    });
    // action.verb wins over data.verb.
    expect(parseCardAction({ action: { verb: "skip", data: { ...data, verb: "approve" } } })?.verb).toBe(
      "skip",
    );
  });

  it("reads the inputs Teams merges into data: the edit's Markdown and the regenerate reason", () => {
    expect(
      parseCardAction({
        action: { verb: "edit", data: { ...data, verb: "edit", markdown: "# New\n\ntext" } },
      }),
    ).toEqual({
      verb: "edit",
      key,
      workspace: TENANT,
      team: "default",
      revision: 2,
      markdown: "# New\n\ntext",
    });
    expect(parseCardAction({ action: { verb: "edit", data: { ...data, markdown: "  \n " } } })).toEqual({
      verb: "edit",
      key,
      workspace: TENANT,
      team: "default",
      revision: 2,
    });
    expect(
      parseCardAction({ action: { verb: "regenerate", data: { ...data, reason: "  shorter  " } } })?.reason,
    ).toBe("shorter");
    expect(
      parseCardAction({ action: { verb: "regenerate", data: { ...data, reason: "" } } }),
    ).not.toHaveProperty("reason");
    // Inputs of other forms on the same card are not read for another verb.
    expect(
      parseCardAction({ action: { verb: "approve", data: { ...data, markdown: "x", reason: "y" } } }),
    ).toEqual({
      verb: "approve",
      key,
      workspace: TENANT,
      team: "default",
      revision: 2,
    });
  });

  it("reads back what our own cards carry", () => {
    const { card } = reviewCards(view(doc()));
    for (const execute of ofType(card, "Action.Execute")) {
      const parsed = parseCardAction({
        action: { type: "Action.Execute", data: { ...(execute.data as object), markdown: "x" } },
      });
      expect(parsed?.verb).toBe(execute.verb);
      expect(parsed?.key).toEqual(key);
      expect(parsed?.revision).toBe(2);
    }
  });

  it("accepts a revision sent back as text", () => {
    expect(parseCardAction({ action: { verb: "approve", data: { ...data, revision: "2" } } })?.revision).toBe(
      2,
    );
  });

  it("reads anything else as not ours", () => {
    const junk: unknown[] = [
      undefined,
      null,
      "approve",
      42,
      {},
      { action: null },
      { action: "approve" },
      { action: { verb: "approve" } },
      { action: { verb: "approve", data: "x" } },
      { action: { verb: "publish", data } },
      { action: { verb: "Approve", data } },
      { action: { data } },
      { action: { verb: "approve", data: { ...data, workspace: "" } } },
      { action: { verb: "approve", data: { ...data, team: 7 } } },
      { action: { verb: "approve", data: { ...data, week: "2026-13" } } },
      { action: { verb: "approve", data: { ...data, revision: 0 } } },
      { action: { verb: "approve", data: { ...data, revision: 1.5 } } },
      { action: { verb: "approve", data: { ...data, revision: "02" } } },
      { action: { verb: "approve", data: { ...data, markdown: 5 } } },
      { action: { verb: 7, data } },
      // CASES C11's repro names the draft its own way: not a card of ours.
      { action: { type: "Action.Execute", verb: "approve", data: { draftId: "d-2025-W02-T1" } } },
      { action: { verb: "settings", data: { workspace: TENANT } } },
      { action: { verb: "settings", data: { workspace: TENANT, team: "default", timezone: 5 } } },
    ];
    for (const value of junk) {
      expect(parseCardAction(value), JSON.stringify(value)).toBeUndefined();
    }
  });
});

describe("the section picker", () => {
  it("offers every section, Highlights chosen, and a Submit", () => {
    const card = sectionPickerCard();
    const [choices] = ofType(card, "Input.ChoiceSet");
    expect(choices).toMatchObject({ id: "section", value: "highlights", style: "expanded" });
    const options = (choices?.choices ?? []) as { title: string; value: string }[];
    expect(options.map((c) => c.value)).toEqual([...SECTIONS]);
    expect(options.map((c) => c.title)).toEqual([
      "Highlights",
      "Challenges",
      "Thanks",
      "Coming up",
      "Tune of the week",
    ]);
    expect(card.actions).toEqual([{ type: "Action.Submit", title: "Add to weeknotes", style: "positive" }]);
  });

  it("opens as a dialog from the message action's fetchTask, with a short preview of the message", () => {
    const task = sectionPickerTask(`**Shipped** the form <at>x</at> ${"and more ".repeat(500)}`);
    expect(task.task?.type).toBe("continue");
    const value = (
      task.task as { value: { title: string; card: { contentType: string; content: AdaptiveCard } } }
    ).value;
    expect(value.title).toBe("Add to weeknotes");
    expect(value.card.contentType).toBe("application/vnd.microsoft.card.adaptive");
    const preview = richLines(value.card.content)[0]?.text ?? "";
    expect(preview.startsWith("**Shipped** the form <at>x</at> and more")).toBe(true);
    expect(preview.endsWith("…")).toBe(true);
    expect(bytes(preview)).toBeLessThanOrEqual(700);
    expect(textBlocks(value.card.content)).toEqual([]);
  });

  it("reads the chosen section back", () => {
    expect(parseSectionChoice({ section: "thanks" })).toBe("thanks");
    expect(parseSectionChoice({ section: " coming_up " })).toBe("coming_up");
    for (const junk of [undefined, null, "thanks", {}, { section: "everything" }, { section: 1 }]) {
      expect(parseSectionChoice(junk)).toBeUndefined();
    }
  });
});

describe("the settings card", () => {
  const channels = [
    { id: "19:review01@thread.tacv2", name: "Review" },
    { id: "19:general1@thread.tacv2", name: "General" },
    { id: "19:bins0001@thread.tacv2", name: "Bins" },
  ];
  const configured: TeamSettings = {
    ...team,
    sourceChannels: ["19:bins0001@thread.tacv2"],
    reminder: { weekday: 4, hour: 15, minute: 0 },
    series: { week: "2026-W13", year: 3, number: 12 },
  };

  /** The inputs as Teams submits them: each input's value (empty when none), with Save's data. */
  function submitted(card: AdaptiveCard, changes: Record<string, string> = {}) {
    const inputs: Record<string, string> = {};
    for (const input of objects(card).filter(
      (o) => typeof o.type === "string" && o.type.startsWith("Input."),
    )) {
      inputs[input.id as string] = (input.value as string | undefined) ?? "";
    }
    const [save] = ofType(card, "Action.Execute");
    return {
      action: {
        type: "Action.Execute",
        verb: save?.verb,
        data: { ...(save?.data as object), ...inputs, ...changes },
      },
    };
  }

  it("shows the team's settings in inputs, with Save as an Action.Execute verb settings", () => {
    const card = settingsCard(configured, {
      channels,
      personName: (id) => ({ "aad-priya": "Priya Shah" })[id],
    });
    const input = (id: string) => objects(card).find((o) => o.id === id);
    expect(input("name")).toMatchObject({ type: "Input.Text", value: "Digital team" });
    expect(input("review")).toMatchObject({ type: "Input.ChoiceSet", value: "19:review01@thread.tacv2" });
    expect(input("publish")).toMatchObject({ type: "Input.ChoiceSet", value: "19:general1@thread.tacv2" });
    expect(input("sources")).toMatchObject({ isMultiSelect: true, value: "19:bins0001@thread.tacv2" });
    expect(input("timezone")).toMatchObject({ value: "Europe/London" });
    expect(input("schedule")).toMatchObject({ value: "Friday 14:00" });
    expect(input("reminder")).toMatchObject({ value: "Thursday 15:00" });
    expect(input("series")).toMatchObject({ value: "2026-W13 = 3.12" });
    expect(input("emoji")?.value).toContain("star=highlights");
    expect(input("personal")).toMatchObject({ type: "Input.Toggle", value: "false" });
    expect(input("approvers")).toEqual({
      type: "Input.ChoiceSet",
      id: "approvers",
      label: "Approvers",
      isMultiSelect: true,
      choices: [
        { title: "Priya Shah", value: "aad-priya" },
        { title: "aad-jo", value: "aad-jo" },
      ],
      "choices.data": { type: "Data.Query", dataset: "graph.microsoft.com/users?scope=currentContext" },
      value: "aad-priya,aad-jo",
      isRequired: true,
      errorMessage: "Choose at least one person.",
    });
    expect(ofType(card, "Action.Execute")).toEqual([
      {
        type: "Action.Execute",
        title: "Save",
        verb: "settings",
        data: { verb: "settings", workspace: TENANT, team: "default" },
        style: "positive",
      },
    ]);
    const organization = objects(settingsCard(team, { peopleSearch: "organization" })).find(
      (o) => o.id === "approvers",
    );
    expect(organization?.["choices.data"]).toEqual({
      type: "Data.Query",
      dataset: "graph.microsoft.com/users",
    });
  });

  it("round-trips: the card's own values, submitted unchanged, pass configureTeam's check as they are", async () => {
    const store = createMemoryStore();
    const teams = createTeamDirectory({
      store,
      clock: { now: () => 0 },
      aliases: NO_ALIASES,
      defaultTimezone: "Europe/London",
    });
    const configure = createConfigureTeam({ teams, aliases: NO_ALIASES });
    const parsed = parseCardAction(submitted(settingsCard(configured, { channels })));
    expect(parsed?.verb).toBe("settings");
    expect(parsed?.key).toBeUndefined();
    expect([parsed?.workspace, parsed?.team]).toEqual([TENANT, "default"]);
    expect(parsed?.fields?.review).toBe("19:review01@thread.tacv2");
    expect(settingsFields(parsed?.fields)).toEqual(parsed?.form);
    const form = parsed?.form;
    expect(form).toBeDefined();
    if (!form) return;
    const checked = configure.check(configured, "aad-priya", form);
    expect(checked).toEqual({
      kind: "ok",
      change: {
        name: "Digital team",
        timezone: "Europe/London",
        draftSchedule: configured.draftSchedule,
        approvers: ["aad-priya", "aad-jo"],
        emoji: configured.emoji.map(([n, s]) => [n, s]),
        personal: false,
        members: [],
        reviewChannel: "19:review01@thread.tacv2",
        publishChannel: "19:general1@thread.tacv2",
        sourceChannels: ["19:bins0001@thread.tacv2"],
        series: configured.series,
        reminder: configured.reminder,
        language: "en",
        clear: [],
      },
    });
    await store.close();
  });

  it("offers the note's language and house style, and reads them back into the form", () => {
    const card = settingsCard({ ...configured, language: "cy", houseStyle: "No exclamation marks." });
    const inputs = card.body.filter((e) => "id" in e) as { id: string; value?: string; type: string }[];
    expect(inputs.find((e) => e.id === "language")).toMatchObject({ type: "Input.ChoiceSet", value: "cy" });
    expect(inputs.find((e) => e.id === "house_style")).toMatchObject({
      type: "Input.Text",
      value: "No exclamation marks.",
    });
    const form = parseCardAction(submitted(card))?.form;
    expect(form).toMatchObject({ language: "cy", houseStyle: "No exclamation marks." });
  });

  it("turns submitted inputs into configureTeam's form as the Slack modal does", () => {
    expect(
      settingsFields({
        name: "  Bins  ",
        review: "19:a@thread.tacv2",
        publish: "",
        sources: "19:a@thread.tacv2, 19:b@thread.tacv2,",
        timezone: " Europe/London ",
        schedule: "fri 9:30",
        reminder: "",
        approvers: "aad-1,aad-2",
        emoji: "star=highlights",
        series: "",
        personal: "true",
        members: "aad-1",
        verb: "settings",
        workspace: TENANT,
        team: "bins",
      }),
    ).toEqual({
      name: "Bins",
      reviewChannel: "19:a@thread.tacv2",
      sourceChannels: ["19:a@thread.tacv2", "19:b@thread.tacv2"],
      timezone: "Europe/London",
      schedule: "fri 9:30",
      reminder: "",
      approvers: ["aad-1", "aad-2"],
      emoji: "star=highlights",
      series: "",
      personal: true,
      members: ["aad-1"],
    });
    // Inputs the card did not have stay unchanged (undefined).
    expect(
      settingsFields({
        name: "x",
        timezone: "UTC",
        schedule: "Friday 14:00",
        approvers: "a",
        emoji: "star",
        series: "",
      }),
    ).toEqual({
      name: "x",
      timezone: "UTC",
      schedule: "Friday 14:00",
      approvers: ["a"],
      emoji: "star",
      series: "",
    });
    expect(settingsFields({ personal: "false" })).toMatchObject({ personal: false, approvers: [] });
    for (const junk of [undefined, null, "x", 3, { timezone: 5 }, { approvers: ["a"] }]) {
      expect(settingsFields(junk)).toBeUndefined();
    }
  });

  it("shows a refused submission's values and problems under their fields", () => {
    const card = settingsCard(team, {
      form: {
        name: "Bins",
        timezone: "Mars/Olympus",
        schedule: "someday",
        approvers: [],
        emoji: "star",
        series: "",
      },
      problems: {
        timezone: "Not a time zone: use an IANA name such as Europe/London.",
        approvers: "A team needs at least one approver.",
      },
    });
    const body = card.body;
    const at = (id: string) => body.findIndex((e) => "id" in e && e.id === id);
    expect(body[at("timezone")]).toMatchObject({ value: "Mars/Olympus" });
    expect(body[at("timezone") + 1]).toMatchObject({
      type: "RichTextBlock",
      inlines: [{ text: "Not a time zone: use an IANA name such as Europe/London.", color: "Attention" }],
    });
    expect(body[at("approvers") + 1]).toMatchObject({
      inlines: [{ text: "A team needs at least one approver." }],
    });
    expect(body[at("schedule")]).toMatchObject({ value: "someday" });
  });

  it("keeps the current channels when it has no list, and leaves channel choices out to fit", () => {
    const bare = settingsCard(configured);
    const review = objects(bare).find((o) => o.id === "review");
    expect(review?.choices).toEqual([
      { title: "The current review channel", value: "19:review01@thread.tacv2" },
    ]);
    expect(objects(bare).find((o) => o.id === "sources")).toBeUndefined();

    const many = Array.from({ length: 1000 }, (_, i) => ({
      id: `19:${String(i).padStart(32, "0")}@thread.tacv2`,
      name: `Channel number ${i} of the council`,
    }));
    const card = settingsCard({ ...configured, reviewChannel: many[999]?.id }, { channels: many });
    expect(bytes(card)).toBeLessThanOrEqual(CARD_BYTE_LIMIT);
    const choices = objects(card).find((o) => o.id === "review")?.choices as { value: string }[];
    expect(choices.length).toBeGreaterThan(10);
    expect(choices.map((c) => c.value)).toContain(many[999]?.id);
  });

  it("never puts the team's name, a channel's name or a problem in a TextBlock", () => {
    const card = settingsCard(
      { ...team, name: "**Team** [x](https://evil.test)" },
      {
        channels: [{ id: "19:x@thread.tacv2", name: "_General_" }],
        problems: { emoji: '"[x](y)" is not NAME=SECTION' },
      },
    );
    for (const text of textBlocks(card)) {
      expect(text).not.toMatch(/evil|\*\*|_General_|\[x\]/);
    }
  });
});
