import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryStore } from "../../adapters/memory/memory-store.ts";
import { createOfflineSummariser } from "../../adapters/offline/offline-summariser.ts";
import { createOpenAiSummariser } from "../../adapters/openai/openai-summariser.ts";
import { loadPrompts } from "../../adapters/openai/prompts.ts";
import { draftClaimName } from "../../src/app/draft-weeknote.ts";
import { createRequestDraft, type RequestDraft } from "../../src/app/request-draft.ts";
import { createTeamDirectory } from "../../src/app/teams.ts";
import type { Notice } from "../../src/domain/outcomes.ts";
import { NO_ALIASES } from "../../src/domain/sections.ts";
import type { Clock, Timers } from "../../src/ports/clock.ts";
import type { Store } from "../../src/ports/store.ts";
import { type FakeOpenAi, held, startFakeOpenAi } from "../support/fake-openai.ts";
import { manualTime } from "../support/manual-timers.ts";
import { recordingLogger } from "../support/memory-logger.ts";
import {
  postedReviews,
  SCHEDULE_WS,
  type ScheduleReplica,
  scheduleReplica,
  scheduleTeam,
  seedHighlights,
  utc,
} from "../support/schedule-harness.ts";

// Issue 10 item 11: every draft, scheduled or asked for in chat, takes the same per-team-week claim,
// so a `/weeknotes draft` sent while the scheduled draft waits on the LLM makes no second draft (it
// says a draft is being made), in the same process or another. The LLM is the real OpenAI
// summariser against the fake OpenAI server; the fake holds the first request open until the test
// answers it, so "during" is exact. Counted: LLM requests, revisions, reviews posted.

const ROOT = resolve(import.meta.dirname, "../..");
// Friday 27 March 2026, 14:00 in London (GMT): the team's draft time, in 2026-W13.
const NOW = utc("2026-03-27T14:00:00Z");
const W13 = { year: 2026, week: 13 };
const TEAM = scheduleTeam();
const KEY = { workspace: SCHEDULE_WS, team: TEAM.team, week: "2026-W13" };

let fake: FakeOpenAi;
let store: Store;

beforeEach(async () => {
  fake = await startFakeOpenAi();
  store = createMemoryStore();
  await store.saveTeam(TEAM);
  await seedHighlights(store, [utc("2026-03-24T10:00:00Z"), utc("2026-03-26T15:00:00Z")]);
});

afterEach(async () => {
  await fake.close();
});

/** One process: its schedule runner and its `/weeknotes draft`, both on the real draft use case. */
function process(
  holder: string,
  time: { clock: Clock; timers?: Timers } = { clock: { now: () => NOW } },
): ScheduleReplica & { requestDraft: RequestDraft } {
  const { clock } = time;
  const summariser = createOpenAiSummariser({
    ...time,
    apiKey: "sk-test-key",
    baseURL: fake.url,
    model: "gpt-4o-mini",
    timeoutMs: 30_000,
    maxRetries: 0,
    tokenBudget: 100_000,
    highlightTokenCap: 1_000,
    redact: false,
    prompts: loadPrompts({ dir: join(ROOT, "prompts") }),
    fallback: createOfflineSummariser(),
    logger: recordingLogger(),
  });
  const replica = scheduleReplica({ store, holder, clock, summariser });
  const teams = createTeamDirectory({ store, clock, aliases: NO_ALIASES, defaultTimezone: "Europe/London" });
  return { ...replica, requestDraft: createRequestDraft({ teams, draft: replica.draft }) };
}

function ask(p: { requestDraft: RequestDraft }): Promise<Notice> {
  return p.requestDraft.run({
    kind: "request_draft",
    platform: "slack",
    workspace: SCHEDULE_WS,
    team: TEAM.team,
    user: "U0ALICE001",
  });
}

describe("one draft per team and week, scheduled or requested", () => {
  it("a /weeknotes draft during the scheduled draft, in the same process, says a draft is being made", async () => {
    const a = process("a");
    const llm = held();
    fake.script(llm.step);
    const scheduled = a.runner.runDraftJob(TEAM, W13);
    await llm.arrived;

    const notice = await ask(a);
    expect(notice).toEqual({ kind: "draft", outcome: { kind: "in_progress", week: "2026-W13" } });
    expect(fake.requests).toHaveLength(1);

    llm.answer();
    expect(await scheduled).toMatchObject({ status: "done", outcome: { kind: "posted" } });
    expect(fake.requests).toHaveLength(1);
    expect((await store.getWeeknote(KEY))?.revisions).toHaveLength(1);
    expect(postedReviews(a.chat)).toEqual(["2026-W13 C0REVIEW01"]);
    // Both calls reached the draft use case: the claim, not luck, kept the second out.
    expect(a.draft.calls.map((c) => c.leased)).toEqual([true, false]);
    // The claim is given back: a later request redrafts, as asked.
    expect(await store.acquireLease(draftClaimName(KEY), "probe", NOW, 1)).toBeDefined();
  });

  it("a /weeknotes draft in another process during the scheduled draft makes no second draft", async () => {
    const a = process("a");
    const b = process("b");
    const llm = held();
    fake.script(llm.step);
    const scheduled = a.runner.runDraftJob(TEAM, W13);
    await llm.arrived;

    expect(await ask(b)).toEqual({ kind: "draft", outcome: { kind: "in_progress", week: "2026-W13" } });
    llm.answer();
    await scheduled;
    expect(fake.requests).toHaveLength(1);
    expect((await store.getWeeknote(KEY))?.revisions).toHaveLength(1);
    expect([...postedReviews(a.chat), ...postedReviews(b.chat)]).toEqual(["2026-W13 C0REVIEW01"]);
  });

  it("the scheduled draft due while a requested one waits on the LLM leaves the week to it", async () => {
    const a = process("a");
    const llm = held();
    fake.script(llm.step);
    const requested = ask(a);
    await llm.arrived;

    // The schedule gives its claim back and tries again at a later sweep.
    expect(await a.runner.runDraftJob(TEAM, W13)).toMatchObject({ status: "skipped", reason: "in_progress" });
    llm.answer();
    expect(await requested).toMatchObject({ kind: "draft", outcome: { kind: "posted" } });
    // The next sweep finds the requested draft posted for review: nothing more to do.
    expect(await a.runner.runDraftJob(TEAM, W13)).toMatchObject({
      status: "skipped",
      reason: "weeknote_exists",
    });
    expect(fake.requests).toHaveLength(1);
    expect((await store.getWeeknote(KEY))?.revisions).toHaveLength(1);
    expect(postedReviews(a.chat)).toEqual(["2026-W13 C0REVIEW01"]);
  });

  it("a double-clicked /weeknotes draft drafts once", async () => {
    const a = process("a");
    const llm = held();
    fake.script(llm.step);
    const first = ask(a);
    await llm.arrived;
    const second = await ask(a);
    llm.answer();
    expect(await first).toMatchObject({ kind: "draft", outcome: { kind: "posted" } });
    expect(second).toEqual({ kind: "draft", outcome: { kind: "in_progress", week: "2026-W13" } });
    expect(fake.requests).toHaveLength(1);
    expect((await store.getWeeknote(KEY))?.revisions).toHaveLength(1);
  });

  it("a hanging LLM releases the scheduled job within the 2-minute budget: an offline draft, the claim free", async () => {
    const time = manualTime(NOW);
    const a = process("a", time);
    const llm = held();
    fake.script(llm.step);
    const scheduled = a.runner.runDraftJob(TEAM, W13);
    await llm.arrived;
    const asked = await ask(a);
    expect(asked).toEqual({ kind: "draft", outcome: { kind: "in_progress", week: "2026-W13" } });

    await time.advance(120_000);
    expect(await scheduled).toMatchObject({ status: "done", outcome: { kind: "posted" } });
    const note = await store.getWeeknote(KEY);
    expect(note?.revisions.map((r) => r.origin)).toEqual(["offline"]);
    expect(note?.revisions[0]?.document.footer).toContain(
      "the LLM service did not answer within the 2-minute budget (summariser.timeout)",
    );
    expect(postedReviews(a.chat)).toEqual(["2026-W13 C0REVIEW01"]);
    expect(await store.acquireLease(draftClaimName(KEY), "probe", time.now(), 1)).toBeDefined();
  });
});
