import { describe, expect, it } from "vitest";
import { isBotError } from "../../../src/domain/errors.ts";
import { PLATFORMS } from "../../../src/domain/message-ref.ts";
import {
  ALICE,
  BINS_REVIEW,
  BOB,
  GENERAL,
  REVIEW,
  refOf,
  startCore,
  WS,
  w13,
} from "../../support/core-harness.ts";

const makeDocument = (week: string) => ({
  week,
  title: `weeknotes ${week} — bins go digital`,
  themes: ["bins go digital"],
  intro: "A busy week.",
  sections: [],
  intoNextWeek: [],
  footer: "offline",
});

const revision = (week: string) => ({
  origin: "offline" as const,
  model: undefined,
  promptVersion: undefined,
  highlightIds: [],
  document: makeDocument(week),
  markdown: `# Note of ${week}`,
  author: undefined,
  createdAtMs: 0,
});

// Asking (SPEC §1 step 4), the DM rule and the home view, on every platform.
describe.each(PLATFORMS)("questions on %s", (platform) => {
  const ask = (kind: "last" | "list", conversationId = REVIEW, team?: string) => ({
    platform,
    workspace: WS,
    conversationId,
    team,
    ask: { kind },
  });

  it("answers last, a given week and the list from the team's approved notes", async () => {
    const core = startCore(platform);
    await core.team();
    const key = (week: string) => ({ workspace: WS, team: "default", week });
    for (const week of ["2026-W11", "2026-W12", "2026-W13"]) {
      await core.store.saveDraftRevision(key(week), revision(week));
    }
    await core.store.decideWeeknote(key("2026-W11"), { status: "approved", by: ALICE, atMs: 1 });
    await core.store.decideWeeknote(key("2026-W12"), { status: "skipped", by: ALICE, atMs: 1 });
    const { answer } = core.useCases;

    expect(await answer.answer(ask("last"))).toMatchObject({
      kind: "answer",
      answer: {
        kind: "note",
        latest: true,
        weeknote: { week: "2026-W11" },
        revision: { markdown: "# Note of 2026-W11" },
      },
    });
    const week = (spec: string) =>
      answer.answer({ platform, workspace: WS, ask: { kind: "week", week: spec } });
    expect(await week("2026-W12")).toEqual({ kind: "answer", answer: { kind: "skipped", week: "2026-W12" } });
    expect(await week("2026-W13")).toEqual({
      kind: "answer",
      answer: { kind: "waiting", week: "2026-W13", revisions: 1 },
    });
    expect(await week("2026-03-02")).toEqual({
      kind: "answer",
      answer: { kind: "no_note", week: "2026-W10" },
    });
    await expect(week("soon")).rejects.toSatisfy((error) => isBotError(error, "input.bad_week"));
    expect(await answer.answer(ask("list"))).toMatchObject({
      answer: {
        kind: "list",
        notes: [
          { week: "2026-W13", status: "draft" },
          { week: "2026-W12", status: "skipped" },
          { week: "2026-W11", status: "approved", title: "weeknotes 2026-W11 — bins go digital" },
        ],
      },
    });
  });

  it("asks which team when several could be meant, and answers for the one named", async () => {
    const core = startCore(platform);
    await core.team();
    await core.team({ team: "bins", name: "Bins service", reviewChannel: BINS_REVIEW });
    expect(await core.useCases.answer.answer(ask("last", GENERAL))).toEqual({
      kind: "team_problem",
      problem: { kind: "which_team", teams: ["default", "bins"] },
    });
    expect(await core.useCases.answer.answer(ask("last", GENERAL, "bins"))).toEqual({
      kind: "answer",
      answer: { kind: "none_approved" },
    });
    expect(await core.useCases.answer.answer(ask("last", BINS_REVIEW))).toEqual({
      kind: "answer",
      answer: { kind: "none_approved" },
    });
  });

  it("a DM is a question when it is one, and otherwise a highlight as typed", () => {
    const { directMessage } = startCore(platform).useCases;
    expect(directMessage.intent("last week")).toEqual({ kind: "answer", request: { kind: "last" } });
    expect(directMessage.intent("add thanks: Jo for the phones")).toEqual({
      kind: "add",
      section: "thanks",
      text: "Jo for the phones",
    });
    expect(directMessage.intent("We shipped the bins beta 🎉")).toEqual({
      kind: "add",
      section: "highlights",
      text: "We shipped the bins beta 🎉",
    });
    expect(directMessage.intent("help")).toEqual({
      kind: "answer",
      request: { kind: "help", unknown: undefined },
    });
  });

  it("the home view shows the person's team's week so far and its recent notes", async () => {
    const core = startCore(platform);
    await core.team();
    await core.team({
      team: "bins",
      name: "Bins service",
      approvers: [BOB],
      reviewChannel: BINS_REVIEW,
      sourceChannels: ["C-bins"],
    });
    for (const [conversationId, id] of [
      [GENERAL, "g1"],
      ["C-bins", "b1"],
    ] as const) {
      const ref = refOf(platform, conversationId, id);
      core.chat.hold(ref, { text: `Message ${id}`, postedAtMs: w13(10) });
      await core.record({ kind: "tag_added", platform, workspace: WS, ref, user: ALICE, reaction: "star" });
    }
    await core.drain();
    const mine = await core.useCases.home.forUser(platform, WS, BOB);
    expect(mine.team.team).toBe("bins");
    expect(mine.week).toBe("2026-W13");
    expect(mine.highlights.map((h) => h.id)).toEqual(["C-bins/b1"]);
    const theirs = await core.useCases.home.forUser(platform, WS, ALICE);
    expect(theirs.highlights.map((h) => h.id).sort()).toEqual(["C-bins/b1", `${GENERAL}/g1`]);
  });
});
