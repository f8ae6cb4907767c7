import { describe, expect, it } from "vitest";
import { BotError } from "../../src/domain/errors.ts";
import {
  checkJson,
  checkNewRevision,
  checkRecord,
  DecisionRecord,
  HighlightRecord,
  issuePaths,
  PostedRefRecord,
  TeamSettingsRecord,
  WeeknoteKeyRecord,
} from "../../src/domain/records.ts";
import { defaultTeamSettings } from "../../src/domain/team.ts";
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";
import { makeHighlight } from "../support/highlights.ts";

const t0 = Date.parse("2026-03-24T10:00:00Z");
// Chat text and ids that must never reach an error message.
const SECRET = "Alice's new phone is 07700 900123";

function refusal(check: () => unknown): BotError {
  try {
    check();
  } catch (error) {
    if (error instanceof BotError) {
      return error;
    }
    throw error;
  }
  throw new Error("not refused");
}

const DOCUMENT: WeeknoteDocument = {
  week: "2026-W13",
  title: "weeknotes 2026-W13 — bins",
  themes: ["bins"],
  intro: "",
  sections: [],
  intoNextWeek: [],
  footer: "Drafted offline.",
};
const revision = (overrides: Record<string, unknown> = {}) => ({
  origin: "offline",
  model: undefined,
  promptVersion: "offline-1",
  highlightIds: ["C1/1.000100"],
  document: DOCUMENT,
  markdown: "# weeknotes 2026-W13 — bins",
  author: undefined,
  createdAtMs: t0,
  ...overrides,
});

describe("checkRecord", () => {
  it("returns a valid record as the schema reads it", () => {
    const highlight = makeHighlight({ postedAtMs: t0, text: SECRET });
    expect(checkRecord(HighlightRecord, highlight, "highlight")).toMatchObject({
      id: highlight.id,
      text: SECRET,
    });
    const team = defaultTeamSettings("slack", "T1", "Europe/London", t0);
    expect(checkRecord(TeamSettingsRecord, team, "team")).toMatchObject({
      team: "default",
      platform: "slack",
    });
    expect(
      checkRecord(WeeknoteKeyRecord, { workspace: "T1", team: "default", week: "2026-W13" }, "key"),
    ).toEqual({
      workspace: "T1",
      team: "default",
      week: "2026-W13",
    });
  });

  it("accepts typed text: no message id, no thread, added for one team", () => {
    const text = {
      ...makeHighlight({ postedAtMs: t0, id: "typed/abc", team: "bins" }),
      messageId: undefined,
    };
    expect(() => checkRecord(HighlightRecord, text, "highlight")).not.toThrow();
  });

  it("refuses with store.invalid naming the failing field paths and never their values", () => {
    const bad = {
      ...makeHighlight({ postedAtMs: t0, text: SECRET }),
      platform: "discord",
      conversationName: 42,
      postedAtMs: 1.5,
      tags: [{ user: "U1", reaction: "star", section: SECRET, via: "reaction" }],
    };
    const error = refusal(() => checkRecord(HighlightRecord, bad, "highlight"));
    expect(error.code).toBe("store.invalid");
    expect(error.message).toMatch(/^Refusing to store an invalid highlight: /);
    for (const path of ["platform", "conversationName", "postedAtMs", "tags.0.section"]) {
      expect(error.message).toContain(path);
    }
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain("discord");
    expect(error.message).not.toContain("42");
    expect(error.hint ?? "").not.toContain(SECRET);
    // The cause (zod's issues, which logs may print) holds no values either.
    expect(`${JSON.stringify(error.cause)} ${String(error.cause)}`).not.toContain(SECRET);
    expect(error.retryable).toBe(false);
  });

  it("names the id, thread and team rules of a highlight", () => {
    const message = makeHighlight({ postedAtMs: t0, conversationId: "C1", messageId: "1.000100" });
    expect(
      refusal(() => checkRecord(HighlightRecord, { ...message, id: "C2/1.000100" }, "highlight")).message,
    ).toBe("Refusing to store an invalid highlight: id");
    expect(
      refusal(() => checkRecord(HighlightRecord, { ...message, team: "bins" }, "highlight")).message,
    ).toBe("Refusing to store an invalid highlight: team");
    const text = { ...makeHighlight({ postedAtMs: t0, id: "typed/abc" }), messageId: undefined };
    expect(
      refusal(() => checkRecord(HighlightRecord, { ...text, threadId: "1.000100" }, "highlight")).message,
    ).toBe("Refusing to store an invalid highlight: threadId");
  });

  it("names a missing field, an empty id and a value that is not an object", () => {
    const { workspace: _, ...noWorkspace } = makeHighlight({ postedAtMs: t0 });
    expect(refusal(() => checkRecord(HighlightRecord, noWorkspace, "highlight")).message).toBe(
      "Refusing to store an invalid highlight: workspace",
    );
    expect(
      refusal(() =>
        checkRecord(WeeknoteKeyRecord, { workspace: "", team: "default", week: "2026-W13" }, "key"),
      ).message,
    ).toBe("Refusing to store an invalid key: workspace");
    expect(refusal(() => checkRecord(WeeknoteKeyRecord, SECRET, "key")).message).toBe(
      "Refusing to store an invalid key: (value)",
    );
  });

  it("refuses a week key that does not sort as text, and a team's bad schedule", () => {
    expect(
      refusal(() =>
        checkRecord(WeeknoteKeyRecord, { workspace: "T1", team: "default", week: "2026-W3" }, "key"),
      ).message,
    ).toBe("Refusing to store an invalid key: week");
    const team = defaultTeamSettings("slack", "T1", "Europe/London", t0);
    const error = refusal(() =>
      checkRecord(
        TeamSettingsRecord,
        {
          ...team,
          draftSchedule: { weekday: 8, hour: 24, minute: 0 },
          reminder: { weekday: 0, hour: 1, minute: 60 },
        },
        "team",
      ),
    );
    expect(error.message).toBe(
      "Refusing to store an invalid team: draftSchedule.weekday, draftSchedule.hour, reminder.weekday, reminder.minute",
    );
  });

  it("checks decisions and posted refs", () => {
    expect(() =>
      checkRecord(DecisionRecord, { status: "approved", by: "U1", atMs: t0, revision: 2 }, "decision"),
    ).not.toThrow();
    expect(
      refusal(() =>
        checkRecord(DecisionRecord, { status: "published", by: "U1", atMs: t0, revision: 0 }, "decision"),
      ).message,
    ).toBe("Refusing to store an invalid decision: status, revision");
    expect(
      refusal(() =>
        checkRecord(PostedRefRecord, { platform: "slack", conversationId: "C1", messageId: "" }, "ref"),
      ).message,
    ).toBe("Refusing to store an invalid ref: messageId");
  });
});

describe("issuePaths", () => {
  it("joins nested paths with dots and lists every issue", () => {
    const result = TeamSettingsRecord.safeParse({});
    expect(result.success).toBe(false);
    const paths = result.success ? "" : issuePaths(result.error);
    expect(paths.split(", ")).toContain("workspace");
    expect(paths.split(", ")).toContain("draftSchedule");
  });
});

describe("checkNewRevision", () => {
  it("accepts a revision whose document is of its week", () => {
    expect(() => checkNewRevision(revision(), "2026-W13")).not.toThrow();
  });

  it("refuses a revision of another week", () => {
    const error = refusal(() => checkNewRevision(revision(), "2026-W14"));
    expect(error.code).toBe("store.invalid");
    expect(error.message).toContain("2026-W13, not 2026-W14");
  });

  it("refuses bad fields by path, and a document that is not a weeknote, without its text", () => {
    const fields = refusal(() =>
      checkNewRevision(revision({ origin: "robot", markdown: undefined }), "2026-W13"),
    );
    expect(fields.code).toBe("store.invalid");
    expect(fields.message).toBe("Refusing to store an invalid revision: origin, markdown");
    const document = refusal(() =>
      checkNewRevision(
        revision({ document: { ...DOCUMENT, title: "", intro: SECRET, themes: 3 } }),
        "2026-W13",
      ),
    );
    expect(document.code).toBe("store.invalid");
    expect(document.message).not.toContain(SECRET);
  });
});

describe("checkJson", () => {
  it("returns the JSON text", () => {
    expect(checkJson({ a: 1, text: "今週" }, "payload")).toBe('{"a":1,"text":"今週"}');
  });

  it("refuses what has no JSON form, with store.invalid", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [cyclic, undefined, () => 1, { big: 1n }]) {
      const error = refusal(() => checkJson(value, "payload"));
      expect(error.code).toBe("store.invalid");
      expect(error.message).toBe("Refusing to store payload: it has no JSON form");
    }
  });
});
