import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../adapters/memory/memory-store.ts";
import { createOfflineSummariser } from "../../adapters/offline/offline-summariser.ts";
import { reviewMessage } from "../../adapters/slack/blocks.ts";
import { configModal } from "../../adapters/slack/views.ts";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { createConfigureTeam, type TeamSettingsForm } from "../../src/app/configure-team.ts";
import { createTeamDirectory } from "../../src/app/teams.ts";
import { NO_ALIASES } from "../../src/domain/sections.ts";
import { defaultTeamSettings, noteLanguageOf, type TeamSettings } from "../../src/domain/team.ts";
import { weekWindow } from "../../src/domain/week.ts";
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";
import type { SummariseInput, Summariser } from "../../src/ports/summariser.ts";
import { ALICE, BOB, GENERAL, REVIEW, refOf, startCore, WS, w13 } from "../support/core-harness.ts";

const team: TeamSettings = {
  ...defaultTeamSettings("slack", WS, "Europe/London", 0),
  name: "Tîm digidol",
  approvers: [ALICE],
  reviewChannel: REVIEW,
  publishChannel: REVIEW,
};

function form(overrides: Partial<TeamSettingsForm> = {}): TeamSettingsForm {
  return {
    name: team.name,
    timezone: team.timezone,
    schedule: "Friday 14:00",
    approvers: [ALICE],
    emoji: "star=highlights",
    series: "",
    ...overrides,
  };
}

describe("the language and house style settings", () => {
  const configure = (store = createMemoryStore()) =>
    createConfigureTeam({
      teams: createTeamDirectory({
        store,
        clock: { now: () => 0 },
        aliases: NO_ALIASES,
        defaultTimezone: "UTC",
      }),
      aliases: NO_ALIASES,
    });

  it("default to English and no house style", () => {
    expect(noteLanguageOf(team)).toBe("en");
    expect(team.houseStyle).toBeUndefined();
  });

  it("are checked: a language we have frame words for, a house style of at most 2,000 characters", () => {
    const checked = configure().check(team, ALICE, form({ language: "fr", houseStyle: "x".repeat(2001) }));
    expect(checked).toEqual({
      kind: "problems",
      problems: { language: { problem: "bad_language" }, houseStyle: { problem: "house_style_too_long" } },
    });
    const ok = configure().check(
      team,
      ALICE,
      form({ language: "cy", houseStyle: " No exclamation marks. " }),
    );
    expect(ok.kind === "ok" && ok.change).toMatchObject({
      language: "cy",
      houseStyle: "No exclamation marks.",
    });
  });

  it("are saved by an approver's change, and an emptied house style box clears it", async () => {
    const store = createMemoryStore();
    await store.saveTeam(team);
    const configureTeam = configure(store);
    const apply = async (f: TeamSettingsForm, current: TeamSettings) => {
      const checked = configureTeam.check(current, ALICE, f);
      if (checked.kind !== "ok") throw new Error("refused");
      const notice = await configureTeam.apply({
        kind: "configure_team",
        platform: "slack",
        workspace: WS,
        team: "default",
        user: ALICE,
        change: checked.change,
      });
      if (notice.kind !== "settings_saved") throw new Error(notice.kind);
      return notice.team;
    };
    const saved = await apply(form({ language: "cy", houseStyle: "Thank people by first name." }), team);
    expect([saved.language, saved.houseStyle]).toEqual(["cy", "Thank people by first name."]);
    expect(await store.getTeam(WS, "default")).toMatchObject({
      language: "cy",
      houseStyle: "Thank people by first name.",
    });
    // A form without the inputs (an older card) changes neither.
    const kept = await apply(form(), saved);
    expect([kept.language, kept.houseStyle]).toEqual(["cy", "Thank people by first name."]);
    const cleared = await apply(form({ houseStyle: "" }), kept);
    expect([cleared.language, cleared.houseStyle]).toEqual(["cy", undefined]);
    await store.close();
  });

  it("are stored by SQLite, and settings saved before they existed read as English", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weeknotes-language-"));
    const store = openSqliteStore({ path: join(dir, "weeknotes.sqlite") });
    try {
      await store.saveTeam({ ...team, language: "cy", houseStyle: "Dim ebychnodau." });
      expect(await store.getTeam(WS, "default")).toMatchObject({
        language: "cy",
        houseStyle: "Dim ebychnodau.",
      });
      await store.saveTeam({ ...team, team: "old" });
      const old = await store.getTeam(WS, "old");
      expect(old && "language" in old).toBe(false);
      expect(old && noteLanguageOf(old)).toBe("en");
      await expect(store.saveTeam({ ...team, houseStyle: "x".repeat(2001) })).rejects.toMatchObject({
        code: "store.invalid",
      });
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("show in the Slack settings modal", () => {
    const view = configModal({ ...team, language: "cy", houseStyle: "Dim ebychnodau." }, REVIEW);
    const blocks = (view.blocks ?? []) as { block_id?: string; element?: Record<string, unknown> }[];
    expect(blocks.find((b) => b.block_id === "language")?.element).toMatchObject({
      type: "static_select",
      initial_option: { value: "cy" },
    });
    expect(blocks.find((b) => b.block_id === "house_style")?.element).toMatchObject({
      initial_value: "Dim ebychnodau.",
      max_length: 2000,
    });
  });
});

/** The offline summariser, keeping what it was given: a real Summariser, not a mock of a module. */
function recordingSummariser(): Summariser & { inputs: SummariseInput[] } {
  const offline = createOfflineSummariser();
  const inputs: SummariseInput[] = [];
  return {
    inputs,
    summarise(input) {
      inputs.push(input);
      return offline.summarise(input);
    },
  };
}

describe("a team's draft is summarised with its settings", () => {
  it("gets the zone, language, house style, real name and last week's approved next week; Welsh frame words", async () => {
    const summariser = recordingSummariser();
    const core = startCore("slack", { summariser });
    const welsh = await core.team({
      name: "Tîm digidol",
      language: "cy",
      houseStyle: "Dim ebychnodau.",
      series: { week: "2026-W10", year: 5, number: 6 },
    });
    // Last week's note was approved, with an "Into next week…".
    const previous: WeeknoteDocument = {
      week: "2026-W12",
      title: "5.8 — nodiadau'r wythnos — prawf",
      themes: ["prawf"],
      intro: "",
      sections: [],
      intoNextWeek: [{ text: "The bins pilot starts on Monday.", authors: [], highlightIds: [] }],
      footer: "",
      language: "cy",
    };
    const w12 = { workspace: WS, team: "default", week: "2026-W12" };
    await core.store.saveDraftRevision(w12, {
      origin: "human",
      model: undefined,
      promptVersion: undefined,
      highlightIds: [],
      document: previous,
      markdown: "",
      author: ALICE,
      createdAtMs: w13(-100),
    });
    await core.store.decideWeeknote(w12, { status: "approved", by: ALICE, atMs: w13(-99) });

    for (const [id, text, reaction] of [
      ["g1", "Aeth y ffurflen archebu biniau yn fyw heddiw ar gyfer pob preswylydd yn y sir.", "star"],
      ["g2", "Mimi Webb - Red Flags", "notes"],
      ["g3", "Next week we run the cyber drill with the whole service desk team.", "crystal_ball"],
    ] as const) {
      const ref = refOf("slack", GENERAL, id);
      core.chat.hold(ref, { text, authorId: BOB, postedAtMs: w13(10) });
      await core.record({ kind: "tag_added", platform: "slack", workspace: WS, ref, user: ALICE, reaction });
    }
    await core.drain();
    const outcome = await core.draft(welsh, weekWindow({ year: 2026, week: 13 }, "Europe/London"));
    expect(outcome.kind).toBe("posted");
    if (outcome.kind !== "posted") return;

    expect(summariser.inputs.at(-1)).toMatchObject({
      week: "2026-W13",
      teamName: "Tîm digidol",
      voice: "we",
      timezone: "Europe/London",
      language: "cy",
      houseStyle: "Dim ebychnodau.",
      seriesNumber: "5.9",
      previousIntoNextWeek: ["The bins pilot starts on Monday."],
    });
    const document = outcome.revision.document;
    expect(document.language).toBe("cy");
    expect(document.title.startsWith("5.9 — nodiadau'r wythnos — ")).toBe(true);
    expect(outcome.revision.markdown).toContain("**Tiwn yr wythnos:**");
    expect(outcome.revision.markdown).not.toContain("Tune of the week");
    // The review posted to Slack shows the same Welsh frame words.
    const posted = core.chat.reviews.at(-1);
    expect(posted?.view.revision.document.language).toBe("cy");
    const blocks = posted ? reviewMessage(posted.view).flatMap((m) => m.blocks) : [];
    const text = blocks.map((b) => (b.type === "section" ? b.text.text : "")).join("\n");
    expect(text).toContain("*Tiwn yr wythnos:*");
    expect(text).toContain("*5.9 — nodiadau'r wythnos — ");
  });
});
