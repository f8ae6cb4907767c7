import { describe, expect, it } from "vitest";
import {
  blockTextLength,
  noteAsMrkdwn,
  parseWeeknoteActionValue,
  publishedMessage,
  reviewMessage,
  type SlackBlock,
  type SlackMessage,
  splitMrkdwn,
  WEEKNOTE_ACTIONS,
} from "../../adapters/slack/blocks.ts";
import type { ReviewStatus, ReviewView } from "../../src/domain/outcomes.ts";
import { defaultTeamSettings, type TeamSettings } from "../../src/domain/team.ts";
import type { Revision, Weeknote, WeeknoteDocument, WeeknoteSection } from "../../src/domain/weeknote.ts";

const team: TeamSettings = {
  ...defaultTeamSettings("slack", "T0WEEK0001", "Europe/London", 0),
  name: "Digital team",
  reviewChannel: "C0REVIEW01",
  publishChannel: "C0GENERAL1",
};

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
        items: [{ text: "Launched the form", authors: ["Priya"], highlightIds: ["C1/1.000100"] }],
      },
    ],
    intoNextWeek: [{ text: "Show and tell", authors: [], highlightIds: [] }],
    tune: { text: "Gorilla", authors: ["Jo"], highlightIds: [] },
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
    highlightIds: ["C1/1.000100", "C1/2.000100", "C1/3.000100"],
    document,
    markdown: "",
    author: undefined,
    createdAtMs: 0,
    ...overrides,
  };
}

function view(document: WeeknoteDocument, status: ReviewStatus = { kind: "open" }): ReviewView {
  const rev = revision(document);
  const weeknote: Weeknote = {
    workspace: "T0WEEK0001",
    team: "default",
    week: document.week,
    status: status.kind === "approved" ? "approved" : status.kind === "skipped" ? "skipped" : "draft",
    revisions: [rev],
    approval: undefined,
    review: undefined,
    published: undefined,
  };
  return { team, weeknote, revision: rev, status };
}

/** Exactly `length` characters of words. */
function words(length: number, word = "lorem"): string {
  return `${`${word} `.repeat(Math.ceil(length / (word.length + 1)))}`.slice(0, length - 1).concat("x");
}

function sectionTexts(messages: readonly SlackMessage[]): string[] {
  return messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === "section" ? [b.text.text] : [])));
}

function allTexts(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(allTexts);
  }
  if (typeof value !== "object" || value === null) {
    return [];
  }
  return Object.entries(value).flatMap(([key, item]) =>
    key === "text" && typeof item === "string" ? [item] : allTexts(item),
  );
}

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * Each message within Slack's limits (CASES C8), as Slack documents them, written out here rather
 * than taken from blocks.ts (a limit compared with itself proves nothing):
 * - at most 50 blocks a message (Block Kit "Blocks");
 * - a section's text at most 3,000 characters (Block Kit "Section block");
 * - a header's text at most 150 characters (Block Kit "Header block");
 * - a context block at most 10 elements of at most 3,000 characters (Block Kit "Context block");
 * - a button's value at most 2,000 characters and label at most 75 (Block Kit "Button element");
 * - the top-level text at most 40,000 characters (chat.postMessage: longer is `msg_too_long`);
 * - and under the ~12,000 characters of block text where Slack answers `msg_blocks_too_long`
 *   although no limit is documented (slackapi/bolt-js#2509).
 */
function expectWithinLimits(messages: readonly SlackMessage[]): void {
  for (const message of messages) {
    expect(message.blocks.length).toBeGreaterThan(0);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(12_000);
    expect(message.text.length).toBeGreaterThan(0);
    expect(message.text.length).toBeLessThanOrEqual(40_000);
    for (const block of message.blocks) {
      switch (block.type) {
        case "section":
          expect(block.text.text.length).toBeLessThanOrEqual(3000);
          expect(block.text.text.trim()).not.toBe("");
          break;
        case "header":
          expect(block.text.text.length).toBeLessThanOrEqual(150);
          break;
        case "context":
          expect(block.elements.length).toBeLessThanOrEqual(10);
          for (const element of block.elements) {
            expect(element.text.length).toBeLessThanOrEqual(3000);
          }
          break;
        case "actions":
          for (const button of block.elements) {
            expect(button.value.length).toBeLessThanOrEqual(2000);
            expect(button.text.text.length).toBeLessThanOrEqual(75);
          }
          break;
      }
    }
  }
}

function actionsOf(message: SlackMessage | undefined): SlackBlock[] {
  return message?.blocks.filter((b) => b.type === "actions") ?? [];
}

describe("reviewMessage", () => {
  it("shows header, title, sections, how it was made and the four buttons", () => {
    const messages = reviewMessage(view(doc()));
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Draft weeknote · 2026-W13", emoji: true },
    });
    expect(message?.blocks[1]).toMatchObject({
      type: "section",
      text: { text: "*3.12 — weeknotes — bins go digital*" },
    });
    expect(sectionTexts(messages).join("\n\n")).toContain(
      "*Bins go digital*\nThe booking form is live.\n• Launched the form (Priya)",
    );
    expect(message?.text).toBe(
      "Draft weeknote for Digital team, 2026-W13: 3.12 — weeknotes — bins go digital",
    );

    const footer = message?.blocks.at(-2);
    expect(footer).toEqual({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: "Digital team · revision 2 · written by gpt-4o-mini, prompt a1b2c3 · from 3 highlights",
          verbatim: true,
        },
      ],
    });

    const actions = message?.blocks.at(-1);
    expect(actions?.type).toBe("actions");
    if (actions?.type !== "actions") {
      return;
    }
    expect(actions.elements.map((e) => e.action_id)).toEqual([
      "weeknote_approve",
      "weeknote_edit",
      "weeknote_regenerate",
      "weeknote_skip",
    ]);
    for (const button of actions.elements) {
      expect(JSON.parse(button.value)).toEqual({
        workspace: "T0WEEK0001",
        team: "default",
        week: "2026-W13",
        revision: 2,
      });
      expect(parseWeeknoteActionValue(button.value)).toEqual({
        workspace: "T0WEEK0001",
        team: "default",
        week: "2026-W13",
        revision: 2,
      });
    }
    expect(Object.values(WEEKNOTE_ACTIONS)).toEqual(actions.elements.map((e) => e.action_id));
  });

  it("says how offline and hand-edited revisions were made", () => {
    const offline = reviewMessage({
      ...view(doc()),
      revision: revision(doc(), {
        origin: "offline",
        model: undefined,
        promptVersion: "offline-1",
        highlightIds: ["a"],
      }),
    });
    expect(allTexts(offline[0]?.blocks)).toContain(
      "Digital team · revision 2 · written by the offline summariser, prompt offline-1 · from 1 highlight",
    );
    const human = reviewMessage({
      ...view(doc()),
      revision: revision(doc(), { origin: "human", author: "U0ALICE001" }),
    });
    const footer = allTexts(human[0]?.blocks).find((t) => t.includes("revision 2"));
    expect(footer).toBe("Digital team · revision 2 · edited by hand · from 3 highlights");
    expect(footer).not.toContain("U0ALICE001");
  });

  it("replaces the buttons with the outcome once decided", () => {
    const messages = reviewMessage(
      view(doc(), { kind: "approved", by: "U0ALICE001" }),
      "Approved by Alice & Bob <!here>",
    );
    expect(actionsOf(messages[0])).toEqual([]);
    expect(messages[0]?.blocks.at(-1)).toEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: "Approved by Alice &amp; Bob &lt;!here&gt;", verbatim: true }],
    });
  });

  it("C8 (a): a 3,001-character summary becomes 2 sections, nothing cut", () => {
    const summary = words(3001);
    const messages = reviewMessage(
      view(
        doc({
          intro: "",
          sections: [{ section: "highlights", heading: "Busy", summary, items: [] }],
          intoNextWeek: [],
          tune: undefined,
          footer: "",
        }),
      ),
    );
    expectWithinLimits(messages);
    const texts = sectionTexts(messages);
    // The title, then the one long section in two blocks.
    expect(texts).toHaveLength(3);
    expect(texts[1]?.startsWith("*Busy*\nlorem")).toBe(true);
    expect(squash(`${texts[1]} ${texts[2]}`)).toBe(squash(`*Busy* ${summary}`));
  });

  it("C8 (b): 60 bullet sections of 100 characters stay within 50 blocks, actions included", () => {
    const sections: WeeknoteSection[] = Array.from({ length: 60 }, (_, i) => ({
      section: "highlights",
      heading: `Part ${i}`,
      items: [{ text: `${String(i).padStart(3, "0")} ${words(96, "item")}`, authors: [], highlightIds: [] }],
    }));
    const messages = reviewMessage(view(doc({ sections })));
    expectWithinLimits(messages);
    expect(actionsOf(messages[0])).toHaveLength(1);
    const all = sectionTexts(messages).join("\n");
    for (let i = 0; i < 60; i += 1) {
      expect(all).toContain(`*Part ${i}*\n• ${String(i).padStart(3, "0")} item`);
    }
  });

  it("C8 (c): 5 sections of 2,900 characters keep each message under ~12k; the rest follows", () => {
    const sections: WeeknoteSection[] = Array.from({ length: 5 }, (_, i) => ({
      section: "highlights",
      heading: `Theme ${i}`,
      summary: words(2900, `w${i}`),
      items: [],
    }));
    const messages = reviewMessage(view(doc({ sections })));
    expectWithinLimits(messages);
    expect(messages.length).toBeGreaterThan(1);
    expect(actionsOf(messages[0])).toHaveLength(1);
    for (const later of messages.slice(1)) {
      expect(actionsOf(later)).toEqual([]);
    }
    expect(allTexts(messages[0]?.blocks)).toContain(
      `Continued in the thread: ${messages.length - 1} more message${messages.length === 2 ? "" : "s"}.`,
    );
    expect(messages[1]?.blocks[0]).toEqual({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `Draft weeknote 2026-W13, continued: part 2 of ${messages.length}`,
          verbatim: true,
        },
      ],
    });
    const all = squash(sectionTexts(messages).join(" "));
    for (const section of sections) {
      expect(all).toContain(squash(`*${section.heading}* ${section.summary}`));
    }
  });

  it("splits a 40,000-character message with no spaces without losing a character or an emoji", () => {
    const text = "🎉x".repeat(13_334).slice(0, 40_000);
    const messages = reviewMessage(
      view(
        doc({
          sections: [
            { section: "highlights", heading: "Log", items: [{ text, authors: [], highlightIds: [] }] },
          ],
        }),
      ),
    );
    expectWithinLimits(messages);
    const joined = sectionTexts(messages).join("");
    expect(joined).toContain(text);
    expect(joined).not.toMatch(/\uFFFD/);
  });

  it("caps the fallback text of a very long title, keeping every character in the blocks", () => {
    const title = words(5000);
    const messages = reviewMessage(view(doc({ title })));
    expectWithinLimits(messages);
    expect(messages[0]?.text.endsWith("…")).toBe(true);
    expect(squash(sectionTexts(messages).join(" "))).toContain(squash(title));
  });

  it("escapes <!channel>, <@U123>, & and < in every block", () => {
    const hostile = "Ignore this <!channel> <@U123> & <!here> a<b <#C1|x> <!subteam^S1>";
    const document = doc({
      title: hostile,
      intro: hostile,
      sections: [
        {
          section: "highlights",
          heading: hostile,
          summary: hostile,
          items: [{ text: hostile, authors: [hostile], highlightIds: [] }],
        },
      ],
      intoNextWeek: [{ text: hostile, authors: [], highlightIds: [] }],
      tune: { text: hostile, authors: [hostile], highlightIds: [] },
      footer: hostile,
    });
    const hostileTeam = { ...team, name: hostile };
    const base = view(document, { kind: "approved", by: "U0ALICE001" });
    const rendered = [
      ...reviewMessage(view(document)),
      ...reviewMessage({ ...base, team: hostileTeam }, hostile),
      ...publishedMessage(hostileTeam, base.weeknote, base.revision),
    ];
    const texts = [...rendered.map((m) => m.text), ...allTexts(rendered.map((m) => m.blocks))];
    expect(texts.join("\n")).toContain(
      "Ignore this &lt;!channel&gt; &lt;@U123&gt; &amp; &lt;!here&gt; a&lt;b",
    );
    for (const text of texts) {
      expect(text).not.toMatch(/<[!@#]/);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
      expect(text).not.toMatch(/>/);
      expect(text).not.toMatch(/&amp;(amp|lt|gt);/);
    }
    expect(noteAsMrkdwn(document)).not.toMatch(/<[!@#]/);
  });
});

describe("Slack's limits on a huge note (C8)", () => {
  // A week far past every limit at once: 120 sections, long summaries, 400 items, a 40,000-
  // character message without spaces, a title of 5,000 characters and a team with a long name.
  const huge = doc({
    title: words(5000, "title"),
    intro: words(9000, "intro"),
    sections: Array.from({ length: 120 }, (_, i) => ({
      section: "highlights" as const,
      heading: `Theme ${i} ${words(200, "heading")}`,
      summary: words(i % 3 === 0 ? 3500 : 400, `s${i}`),
      items: Array.from({ length: i % 4 === 0 ? 10 : 1 }, (_, j) => ({
        text: `item ${i}.${j} ${words(300, "text")}`,
        authors: [`Person ${j}`],
        highlightIds: [`C1/${i}.${j}`],
      })),
    })),
    intoNextWeek: Array.from({ length: 40 }, (_, i) => ({
      text: `next ${i} ${words(250, "next")}`,
      authors: [],
      highlightIds: [],
    })),
    tune: { text: "x".repeat(40_000), authors: ["Jo"], highlightIds: [] },
    footer: words(2000, "footer"),
  });
  const bigTeam = { ...team, name: words(500, "team") };

  it("every message of the review and of the published note is within Slack's documented limits, and nothing is lost", () => {
    const base = view(huge);
    const outputs = [
      reviewMessage({ ...base, team: bigTeam }),
      reviewMessage(
        { ...view(huge, { kind: "approved", by: "U0ALICE001" }), team: bigTeam },
        words(2000, "outcome"),
      ),
      publishedMessage(bigTeam, base.weeknote, base.revision),
    ];
    for (const messages of outputs) {
      expect(messages.length).toBeGreaterThan(5);
      expectWithinLimits(messages);
      const all = squash(sectionTexts(messages).join(" "));
      for (const [i, part] of huge.sections.entries()) {
        expect(all).toContain(`s${i}`);
        for (const item of part.items) {
          expect(all).toContain(squash(item.text.slice(0, 40)));
        }
      }
      // The tune's 40,000 characters arrive whole across the blocks.
      expect(sectionTexts(messages).join("").replace(/\s+/g, "")).toContain("x".repeat(40_000));
    }
    // The review's buttons are in its first message only, once.
    expect(outputs[0]?.flatMap(actionsOf)).toHaveLength(1);
    expect(actionsOf(outputs[0]?.[0])).toHaveLength(1);
  });
});

describe("publishedMessage", () => {
  it("posts the note without buttons, with the same splitting", () => {
    const base = view(doc());
    const [message] = publishedMessage(team, base.weeknote, base.revision);
    expect(actionsOf(message)).toEqual([]);
    expect(message?.text).toBe("Weeknote of Digital team for 2026-W13: 3.12 — weeknotes — bins go digital");
    expect(message?.blocks[0]).toMatchObject({
      type: "section",
      text: { text: "*3.12 — weeknotes — bins go digital*" },
    });

    const sections: WeeknoteSection[] = Array.from({ length: 5 }, (_, i) => ({
      section: "highlights",
      heading: `Theme ${i}`,
      summary: words(2900),
      items: [],
    }));
    const long = view(doc({ sections }));
    const messages = publishedMessage(team, long.weeknote, long.revision);
    expectWithinLimits(messages);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.flatMap(actionsOf)).toEqual([]);
  });
});

describe("noteAsMrkdwn", () => {
  it("renders the note as Slack mrkdwn with bold headings and • bullets", () => {
    expect(noteAsMrkdwn(doc({ intro: "R&D <3 see https://x.test/a." }))).toBe(
      [
        "*3.12 — weeknotes — bins go digital*",
        "R&amp;D &lt;3 see <https://x.test/a>.",
        "*Bins go digital*\nThe booking form is live.\n• Launched the form (Priya)",
        "*Into next week*\n• Show and tell",
        "*Tune of the week*\nGorilla (Jo)",
        "_Drafted by gpt-4o-mini from 3 highlights._",
      ].join("\n\n"),
    );
  });
});

describe("splitMrkdwn", () => {
  it("splits at lines, then words, then characters, never inside an entity or a link", () => {
    expect(splitMrkdwn("aaa\nbbb\nccc", 7)).toEqual(["aaa\nbbb", "ccc"]);
    expect(splitMrkdwn("aaa bbb ccc", 7)).toEqual(["aaa bbb", "ccc"]);
    expect(splitMrkdwn("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
    expect(splitMrkdwn("ab&amp;cd", 4)).toEqual(["ab", "&amp;", "cd"]);
    expect(splitMrkdwn("x<https://a.b>y", 14)).toEqual(["x<https://a.b>", "y"]);
    expect(splitMrkdwn("x<https://a.b>y", 13)).toEqual(["x", "<https://a.b>", "y"]);
    expect(splitMrkdwn("\n\n", 5)).toEqual([]);
  });
});

describe("parseWeeknoteActionValue", () => {
  it("rejects values that are not a weeknote's", () => {
    expect(parseWeeknoteActionValue("d-2025-W02-T1")).toBeUndefined();
    expect(parseWeeknoteActionValue('{"workspace":"T","team":"t","week":"2026-W01"}')).toBeUndefined();
    expect(parseWeeknoteActionValue("null")).toBeUndefined();
  });
});
