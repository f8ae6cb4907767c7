import { describe, expect, it } from "vitest";
import {
  answerText,
  decisionText,
  draftText,
  escapeTeamsMarkdown,
  fieldProblems,
  fieldProblemText,
  helpMessage,
  helpText,
  INVITE_HINT,
  noticeMessages,
  noticeText,
  refusalText,
  reminderText,
  reviewStatusLine,
  TEAMS_HELP,
  teamProblemText,
  teamsText,
  WELCOME,
} from "../../adapters/teams/presenter.ts";
import type { Notice } from "../../src/domain/outcomes.ts";
import { renderMarkdown } from "../../src/domain/render-markdown.ts";
import { defaultTeamSettings, type TeamSettings } from "../../src/domain/team.ts";
import type { Revision, Weeknote, WeeknoteDocument } from "../../src/domain/weeknote.ts";

const TENANT = "00000000-0000-0000-0000-00000000t001";
const team: TeamSettings = {
  ...defaultTeamSettings("teams", TENANT, "Europe/London", 0),
  name: "Digital team",
};

function document(items = 1, text = "Launched the form"): WeeknoteDocument {
  return {
    week: "2026-W13",
    title: "3.12 — bins go digital",
    themes: ["bins go digital"],
    intro: "A busy week.",
    sections: [
      {
        section: "highlights",
        heading: "Highlights",
        items: Array.from({ length: items }, (_, i) => ({
          text: `${text} ${i}`,
          authors: ["Priya"],
          highlightIds: [],
        })),
      },
    ],
    intoNextWeek: [],
    footer: "",
  };
}

function revisionOf(doc: WeeknoteDocument): Revision {
  return {
    number: 1,
    origin: "llm",
    model: "gpt-4o-mini",
    promptVersion: "p1",
    highlightIds: [],
    document: doc,
    markdown: renderMarkdown(doc),
    author: undefined,
    createdAtMs: 0,
  };
}

function weeknoteOf(rev: Revision): Weeknote {
  return {
    workspace: TENANT,
    team: "default",
    week: "2026-W13",
    status: "approved",
    revisions: [rev],
    approval: { by: "aad-priya", revision: 1, atMs: 0 },
    review: undefined,
    published: undefined,
  };
}

const HOSTILE = "Bins_Team *x* <at>Bob</at> [a](https://evil.test) `c` {hidden} # \u202Eevil";
const HOSTILE_ESCAPED =
  "Bins\\_Team \\*x\\* &lt;at&gt;Bob&lt;/at&gt; \\[a\\](https://evil.test) \\`c\\` \\{hidden\\} \\# &lt;U+202E&gt;evil";

describe("escapeTeamsMarkdown", () => {
  it("shows chat text as written in Teams Markdown", () => {
    expect(escapeTeamsMarkdown(HOSTILE)).toBe(HOSTILE_ESCAPED);
    expect(escapeTeamsMarkdown("a & b \\ c ~d~ |e|")).toBe("a &amp; b \\\\ c \\~d\\~ \\|e\\|");
    expect(escapeTeamsMarkdown("- not a list\n+ nor this\n  3. nor this\n12) nor this")).toBe(
      "\\- not a list\n\\+ nor this\n  3\\. nor this\n12\\) nor this",
    );
    expect(escapeTeamsMarkdown("plain words, 3.12 and a-b stay")).toBe("plain words, 3.12 and a-b stay");
    expect(escapeTeamsMarkdown("שלום 👩‍💻 a\u200Bb")).toBe("שלום 👩‍💻 a\u200Bb");
  });
});

describe("the Teams words for every notice", () => {
  const notices: [Notice, string][] = [
    [{ kind: "invite_needed" }, INVITE_HINT],
    [{ kind: "highlight_added", section: "highlights" }, "Added to this week's notes."],
    [{ kind: "highlight_added", section: "coming_up" }, "Added to this week's notes under coming up."],
    [
      { kind: "team_created", team: { ...team, team: "bins", name: "Bins" }, existed: false },
      "Made the team Bins (`bins`): its drafts come to this conversation every Friday 14:00 (Europe/London). `settings bins` sets its source channels and more.",
    ],
    [
      { kind: "team_created", team: { ...team, team: "me", name: "Me", personal: true }, existed: false },
      "Made the team Me (`me`), a personal note in your voice: its drafts come to this conversation every Friday 14:00 (Europe/London). `settings me` sets its source channels and more.",
    ],
    [
      { kind: "team_created", team: { ...team, team: "bins", name: "Bins" }, existed: true },
      "A team with the key `bins` already exists (Bins): `settings bins` shows its settings, or choose another name.",
    ],
    [{ kind: "settings_saved", team }, "Saved the settings of Digital team."],
    [
      { kind: "draft", outcome: { kind: "empty", week: "2026-W13" } },
      "Nothing has been tagged for 2026-W13 yet, so there is no draft.",
    ],
    [
      { kind: "draft", outcome: { kind: "no_review_channel", week: "2026-W13" } },
      "The team has no review channel yet: send `settings` to choose one.",
    ],
    [
      { kind: "decision", outcome: { kind: "skipped", week: "2026-W13", view: undefined as never } },
      "Skipped 2026-W13.",
    ],
    [
      { kind: "decision", outcome: { kind: "already_decided", week: "2026-W13", status: "approved" } },
      "The 2026-W13 note was already approved.",
    ],
    [{ kind: "answer", answer: { kind: "none_approved" } }, "No weeknote has been approved yet."],
    [{ kind: "answer", answer: { kind: "skipped", week: "2026-W12" } }, "2026-W12 was skipped."],
    [
      { kind: "answer", answer: { kind: "waiting", week: "2026-W13", revisions: 1 } },
      "The 2026-W13 draft is waiting for approval (1 revision so far).",
    ],
    [
      { kind: "team_problem", problem: { kind: "not_approver", team: "default" } },
      "Only the team's approvers can do that. Ask one of them, or see `settings`.",
    ],
  ];

  it("says each notice in Teams terms", () => {
    for (const [notice, text] of notices) {
      expect(noticeText(notice)).toBe(text);
    }
  });

  it("never uses Slack's words (slash commands, :emoji: codes, /invite)", () => {
    const all = [
      ...notices.map(([notice]) => noticeText(notice)),
      TEAMS_HELP,
      helpText("frobnicate"),
      INVITE_HINT,
      reminderText(team, "2026-W13", true),
      reminderText(team, "2026-W13", true, { reactionSweep: true }),
      teamProblemText({ kind: "which_team", teams: ["bins", "digital"] }),
      teamProblemText({ kind: "bad_team_name", name: "!!!" }),
      refusalText({ kind: "not_approver", team: "x" }, "draft"),
      refusalText({ kind: "not_approver", team: "x" }, "config"),
      decisionText({ kind: "not_approver", week: "2026-W13" }),
    ];
    for (const text of all) {
      expect(text).not.toMatch(/\/weeknotes|\/invite|:[a-z_]+:/);
    }
  });

  it("covers every draft and decision outcome", () => {
    const view = undefined as never;
    expect(
      draftText({ kind: "posted", week: "2026-W13", weeknote: view, revision: view, highlights: 1 }),
    ).toBe("Drafted 2026-W13 from 1 highlight and posted it for review in the team's review channel.");
    expect(draftText({ kind: "decided", week: "2026-W13", status: "skipped" })).toBe(
      "The 2026-W13 note is already skipped.",
    );
    expect(draftText({ kind: "decided", week: "2026-W13", status: undefined })).toBe(
      "The 2026-W13 note was not drafted: it is already decided.",
    );
    expect(draftText({ kind: "taken_over", week: "2026-W13" })).toBe(
      "Another copy of the bot is drafting 2026-W13; its draft will be posted for review.",
    );
    expect(decisionText({ kind: "approved", week: "2026-W13", published: true, view })).toBe(
      "Approved 2026-W13 and published it.",
    );
    expect(decisionText({ kind: "approved", week: "2026-W13", published: false, view })).toBe(
      "Approved 2026-W13, but I could not post it to the publish channel: check that the Weeknotes app is added to that team.",
    );
    expect(decisionText({ kind: "edited", week: "2026-W13", revision: 3, view })).toBe(
      "Saved your edit of 2026-W13 as revision 3.",
    );
    expect(decisionText({ kind: "regenerated", week: "2026-W13", revision: 4, view })).toBe(
      "Regenerated 2026-W13 as revision 4.",
    );
    expect(decisionText({ kind: "changed", week: "2026-W13", revision: 5 })).toBe(
      "The 2026-W13 draft changed since you saw it (now revision 5): look at it first.",
    );
    expect(decisionText({ kind: "changed", week: "2026-W13", revision: undefined })).toBe(
      "The 2026-W13 draft changed since you saw it: look at the new revision first.",
    );
    expect(decisionText({ kind: "busy", week: "2026-W13" })).toBe("2026-W13 is already being regenerated.");
    expect(decisionText({ kind: "not_found", week: "2026-W13" })).toBe("There is no 2026-W13 note.");
    // Decision lines carry no Markdown, so they read the same on a card.
    for (const outcome of [
      { kind: "not_approver", week: "2026-W13" },
      { kind: "busy", week: "2026-W13" },
    ] as const) {
      expect(decisionText(outcome)).not.toMatch(/[`*_[\]]/);
    }
  });

  it("escapes what came from chat or an LLM: team names, titles, mistyped names", () => {
    const hostileTeam = { ...team, team: "bins", name: HOSTILE };
    expect(noticeText({ kind: "settings_saved", team: hostileTeam })).toBe(
      `Saved the settings of ${HOSTILE_ESCAPED}.`,
    );
    expect(noticeText({ kind: "team_created", team: hostileTeam, existed: true })).toContain(
      `(${HOSTILE_ESCAPED})`,
    );
    expect(teamProblemText({ kind: "bad_team_name", name: HOSTILE })).toBe(
      `"${HOSTILE_ESCAPED}" can't be a team's name: give it at least one letter or digit, such as \`new Bins service\`.`,
    );
    expect(teamProblemText({ kind: "unknown_team", name: "b_s", teams: ["bins", "dig_ital"] })).toBe(
      'There is no team "b\\_s". The teams are: bins, dig\\_ital.',
    );
    expect(teamProblemText({ kind: "which_team", teams: ["bins", "digital"] })).toBe(
      "Several teams could be meant here: add the team's key after the command, such as `last week bins`. The teams are: bins, digital.",
    );
    expect(
      answerText({
        kind: "list",
        notes: [
          { week: "2026-W13", status: "approved", title: "bins *go* digital" },
          { week: "2026-W12", status: "skipped", title: undefined },
        ],
      }),
    ).toBe("Recent weeknotes:\n\n- 2026-W13: approved — bins \\*go\\* digital\n- 2026-W12: skipped");
    expect(answerText({ kind: "list", notes: [] })).toBe("There are no weeknotes yet.");
    expect(helpText("do <b>it</b>")).toBe(
      `I didn't understand "do &lt;b&gt;it&lt;/b&gt;". I can do this.\n\n${TEAMS_HELP}`,
    );
  });

  it("lists the Teams commands in the help: messages to the bot, the message action, no slash commands", () => {
    for (const command of [
      "`add <text>`",
      "**Add to weeknotes**",
      "`draft [team]`",
      "`last week [team]`",
      "`week 2026-W12 [team]`",
      "`list [team]`",
      "`settings [team]`",
      "`new [personal] <name>`",
      "`help`",
      "`@Weeknotes add …`",
    ]) {
      expect(TEAMS_HELP).toContain(command);
    }
    expect(helpMessage()).toEqual({ type: "message", text: TEAMS_HELP, textFormat: "markdown" });
    expect(WELCOME.text).toContain("Add to weeknotes");
  });

  it("reminds in Teams terms, naming the reaction emoji only when reactions are read", () => {
    expect(reminderText(team, "2026-W13", true)).toBe(
      "Nothing has been tagged for 2026-W13 yet. To add something to the weeknote before the draft on Friday at 14:00, use **Add to weeknotes** (a message's **…** menu, then **More actions**) on messages worth a mention or write `@Weeknotes add …`.",
    );
    expect(reminderText(team, "2026-W13", false, { reactionSweep: true })).toBe(
      "Nothing has been tagged for 2026-W13 yet. To add something to the weeknote, use **Add to weeknotes** (a message's **…** menu, then **More actions**) on messages worth a mention, write `@Weeknotes add …` or react with ⭐ (star).",
    );
    expect(
      noticeText({ kind: "reminder", team, week: "2026-W13", draftAtMs: undefined }, { reactionSweep: true }),
    ).toContain("react with ⭐ (star)");
  });
});

describe("noticeMessages", () => {
  it("sends a text notice as one Markdown message", () => {
    expect(noticeMessages({ kind: "highlight_added", section: "thanks" })).toEqual([
      { type: "message", text: "Added to this week's notes under thanks.", textFormat: "markdown" },
    ]);
  });

  it("answers with a note as the answer's line and the note's card", () => {
    const rev = revisionOf(document());
    const [message, ...rest] = noticeMessages({
      kind: "answer",
      answer: { kind: "note", weeknote: weeknoteOf(rev), revision: rev, latest: true },
    });
    expect(rest).toEqual([]);
    expect(message?.text).toBe("The latest approved weeknote, 2026-W13:");
    expect(message?.attachments).toHaveLength(1);
    expect(message?.attachments?.[0]?.contentType).toBe("application/vnd.microsoft.card.adaptive");
    const card = message?.attachments?.[0]?.content as {
      body: { type: string; inlines?: { text: string }[] }[];
    };
    const lines = card.body.flatMap((e) => (e.inlines ? [e.inlines.map((r) => r.text).join("")] : []));
    expect(lines).toEqual([
      "3.12 — bins go digital",
      "A busy week.",
      "Highlights",
      "• Launched the form 0 (Priya)",
      "Weeknote for 2026-W13",
    ]);
  });

  it("sends a long note as several messages, each one card, the line on the first", () => {
    const rev = revisionOf(document(400, `Thing ${"that happened ".repeat(10)}`));
    const messages = noticeMessages({
      kind: "answer",
      answer: { kind: "note", weeknote: weeknoteOf(rev), revision: rev, latest: false },
    });
    expect(messages.length).toBeGreaterThan(2);
    expect(messages[0]?.text).toBe("The 2026-W13 weeknote:");
    for (const message of messages.slice(1)) {
      expect(message.text).toBeUndefined();
      expect(message.attachments).toHaveLength(1);
    }
    for (const message of messages) {
      const json = JSON.stringify(message);
      expect(Math.max(json.length * 2, Buffer.byteLength(json))).toBeLessThanOrEqual(28_000);
    }
  });

  it("shows text as written when asked to", () => {
    expect(teamsText("Week 2026-W99 can't be read: *sic*")).toEqual({
      type: "message",
      text: "Week 2026-W99 can't be read: \\*sic\\*",
      textFormat: "markdown",
    });
  });
});

describe("lines for cards", () => {
  it("says who decided, or no one when there is no name", () => {
    const names = (id: string) => ({ "aad-priya": "Priya Shah" })[id] ?? id;
    expect(reviewStatusLine({ kind: "open" }, names)).toBeUndefined();
    expect(reviewStatusLine({ kind: "approved", by: "aad-priya" }, names)).toBe("Approved by Priya Shah.");
    expect(reviewStatusLine({ kind: "skipped", by: "aad-priya" }, names)).toBe("Skipped by Priya Shah.");
    expect(reviewStatusLine({ kind: "approved", by: "aad-priya" })).toBe("Approved.");
    expect(reviewStatusLine({ kind: "skipped", by: "aad-priya" })).toBe("Skipped.");
    expect(reviewStatusLine({ kind: "moved" })).toBe("The review moved to the team's new review channel.");
  });

  it("words settings problems for the settings card", () => {
    expect(
      fieldProblems({
        timezone: { problem: "bad_timezone" },
        emoji: { problem: "bad_emoji", detail: '"x=y" is not NAME=SECTION' },
        includePrivate: { problem: "not_approver" },
      }),
    ).toEqual({
      timezone: "Not a time zone: use an IANA name such as Europe/London.",
      emoji: '"x=y" is not NAME=SECTION',
      name: "Only the team's approvers can change its settings.",
    });
    expect(fieldProblemText({ problem: "no_members" })).toBe(
      "A personal note needs its writer among the members.",
    );
  });
});
