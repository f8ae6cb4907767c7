/**
 * Issue 10, item 8: text we put in front of people. Cuts never split a grapheme (no lone
 * surrogate reaches Slack), and bidi controls from a message show escaped in review cards while
 * the stored text stays byte-identical.
 */
import { describe, expect, it } from "vitest";
import { reviewMessage } from "../../adapters/slack/blocks.ts";
import { EDIT_MAX_CHARS, editModal, homeView } from "../../adapters/slack/views.ts";
import type { Highlight } from "../../src/domain/highlight.ts";
import { renderMarkdown } from "../../src/domain/render-markdown.ts";
import { defaultTeamSettings, type TeamSettings } from "../../src/domain/team.ts";
import type { Revision, Weeknote, WeeknoteDocument } from "../../src/domain/weeknote.ts";

/** A UTF-16 string holds a lone surrogate: a high one not followed by a low one, or a low one alone. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const team: TeamSettings = {
  ...defaultTeamSettings("slack", "T0WEEK0001", "Europe/London", 0),
  name: "Bins",
  reviewChannel: "C0REVIEW01",
  publishChannel: "C0GENERAL1",
};

function highlight(text: string): Highlight {
  return {
    id: "C1/1.000100",
    platform: "slack",
    workspace: "T0WEEK0001",
    conversationId: "C1",
    conversationName: "general",
    private: false,
    messageId: "1.000100",
    threadId: undefined,
    postedAtMs: 0,
    authorId: "U1",
    authorName: "Alice",
    text,
    section: "highlights",
    tags: [],
    permalink: undefined,
    team: undefined,
  };
}

describe("cuts by grapheme", () => {
  it('App Home: "a"×139 + "😀" + more is cut after the whole emoji, never inside it', () => {
    const text = `${"a".repeat(139)}😀 and more words after the cut`;
    const view = homeView({ team, week: "2026-W13", highlights: [highlight(text)], notes: [] });
    const json = JSON.stringify(view);
    // JSON.stringify writes a lone surrogate as a \\ud83d escape; a whole pair stays as the emoji.
    expect(json).not.toMatch(/\\ud[89ab][0-9a-f]{2}/i);
    const shown = (view.blocks ?? []).map((b) => JSON.stringify(b)).join("");
    expect(LONE_SURROGATE.test(shown)).toBe(false);
    expect(shown).toContain(`${"a".repeat(139)}😀…`);
  });

  it("App Home: the emoji on the 140th grapheme of many emoji, and flags and skin tones, stay whole", () => {
    for (const unit of ["😀", "🇬🇧", "👩🏽‍💻", "é"]) {
      const view = homeView({ team, week: "2026-W13", highlights: [highlight(unit.repeat(300))], notes: [] });
      const shown = JSON.stringify(view);
      expect(shown).not.toMatch(/\\ud[89ab][0-9a-f]{2}/i);
      expect(shown).toContain(`${unit.repeat(140)}…`);
    }
  });

  it("the Edit modal's text box: a draft one unit over the limit is cut before the emoji, not inside it", () => {
    const markdown = `${"a".repeat(EDIT_MAX_CHARS - 1)}😀`;
    const view = editModal("{}", markdown);
    const json = JSON.stringify(view);
    expect(json).not.toMatch(/\\ud[89ab][0-9a-f]{2}/i);
    expect(json).toContain(`"initial_value":"${"a".repeat(EDIT_MAX_CHARS - 1)}"`);
  });
});

describe("bidi controls in review cards", () => {
  const tricky = "Invoice\u202Etxt.exe";
  const document: WeeknoteDocument = {
    week: "2026-W13",
    title: `weeknotes — ${tricky}`,
    themes: [],
    intro: "",
    sections: [
      {
        section: "highlights",
        heading: "Highlights",
        items: [{ text: `Sent ${tricky}`, authors: [`Eve\u202E`], highlightIds: ["C1/1.000100"] }],
        paragraphs: [{ text: `We sent ${tricky} to finance.`, highlightIds: ["C1/1.000100"] }],
      },
    ],
    intoNextWeek: [],
    tune: undefined,
    footer: "",
  } as unknown as WeeknoteDocument;

  it("shows them as <U+202E> in every block and the fallback text, and leaves the stored text as it was", () => {
    const before = JSON.stringify(document);
    const revision: Revision = {
      number: 1,
      origin: "offline",
      model: undefined,
      promptVersion: "offline-1",
      highlightIds: ["C1/1.000100"],
      document,
      markdown: renderMarkdown(document),
      author: undefined,
      createdAtMs: 0,
    };
    const weeknote: Weeknote = {
      workspace: "T0WEEK0001",
      team: "default",
      week: "2026-W13",
      status: "draft",
      revisions: [revision],
      approval: undefined,
      review: undefined,
      published: undefined,
    };
    const messages = reviewMessage({ team, weeknote, revision, status: { kind: "open" } });
    const json = JSON.stringify(messages);
    expect(json).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
    expect(json).toContain("Invoice&lt;U+202E&gt;txt.exe");
    // The stored document (and with it the highlight's text) is byte-identical after rendering.
    expect(JSON.stringify(document)).toBe(before);
    expect(Buffer.from(document.sections[0]?.paragraphs?.[0]?.text ?? "")).toEqual(
      Buffer.from("We sent Invoice\u202Etxt.exe to finance."),
    );
  });

  it("App Home shows them escaped too", () => {
    const view = homeView({ team, week: "2026-W13", highlights: [highlight(tricky)], notes: [] });
    expect(JSON.stringify(view)).toContain("Invoice&lt;U+202E&gt;txt.exe");
    expect(JSON.stringify(view)).not.toContain("\u202E");
  });
});
