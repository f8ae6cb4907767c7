import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import {
  completion,
  echoDocument,
  type FakeOpenAi,
  type FakeStep,
  hang,
  startFakeOpenAi,
} from "../support/fake-openai.ts";
import { type FakeSlackApi, startFakeSlackApi } from "../support/fake-slack-api.ts";

// CASES C14 end to end: several replicas of the real bot (HTTP server, Slack wiring, schedule,
// LLM summariser) on ONE SQLite file, one fake Slack and one fake OpenAI, all past the team's
// Friday 14:00 Europe/London draft time. Exactly one of them drafts the week: one LLM request, one
// review message, one revision. A winner that hangs holds the week only until its claim expires
// (run-schedule.ts's default claimTtlMs, 15 minutes); then a replica starting later finishes it.

const ALICE = "U0ALICE001";
const BOB = "U0BOB00002";
const GENERAL = "C0GENERAL1";
const REVIEW = "C0REVIEW01";
const W13 = { workspace: TEAM, team: "default", week: "2026-W13" };
// Friday of 2026-W13, after the default draft time (Friday 14:00 Europe/London, GMT that day).
const FRIDAY_1600 = "2026-03-27T16:00:00Z";
// Past A's claim (taken at 16:00 for 15 minutes).
const FRIDAY_1616 = "2026-03-27T16:16:00Z";

const echo: FakeStep = (request) => completion(echoDocument(request.body));

let slack: FakeSlackApi;
let openai: FakeOpenAi;
let dataDir: string;
let bots: TestBot[];
/** Stops started but not awaited (a bot whose LLM request hangs until `openai` closes). */
let stopping: Promise<unknown>[];

beforeEach(async () => {
  slack = await startFakeSlackApi({ teamId: TEAM, botUserId: "U0BOT00001" });
  openai = await startFakeOpenAi();
  dataDir = await mkdtemp(join(tmpdir(), "weeknotes-replicas-"));
  bots = [];
  stopping = [];
});

afterEach(async () => {
  // Closing the fake OpenAI first ends any hung request, so every bot's stop() can finish (a test
  // may have closed it already).
  await openai.close().catch(() => undefined);
  await Promise.allSettled(stopping);
  await Promise.allSettled(bots.map((b) => b.stop()));
  await slack.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A bot on the shared data dir, fake Slack and fake OpenAI, remembered for clean-up. */
async function replica(
  now: string,
  env: Record<string, string> = {},
  stopGraceMs?: number,
): Promise<TestBot> {
  const bot = await startTestBot({
    now,
    ...(stopGraceMs === undefined ? {} : { stopGraceMs }),
    dataDir,
    fake: slack,
    schedule: true,
    env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: openai.url, ...env },
  });
  bots.push(bot);
  return bot;
}

/** Polls `done` every 10 ms, at most 1 000 times (10 s of polling). */
async function waitFor(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  for (let round = 0; round < 1_000; round += 1) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function reviewsPosted() {
  return slack.callsOf("chat.postMessage").filter((c) => c.args.channel === REVIEW && c.args.blocks);
}

/**
 * Wednesday of 2026-W13, with a bot that does not schedule: two messages tagged with signed
 * reaction events and `/weeknotes config` run in the review channel (Alice becomes the approver).
 */
async function setUpTeam(): Promise<void> {
  slack.addChannel({ id: GENERAL, name: "general" });
  slack.addChannel({ id: REVIEW, name: "weeknotes-review" });
  slack.addUser({ id: ALICE, name: "alice", profile: { display_name: "Alice" } });
  slack.addUser({ id: BOB, name: "bob", profile: { display_name: "Bob" } });
  // Tuesday 2026-03-24 10:00Z and 11:00Z.
  slack.addMessage(GENERAL, {
    type: "message",
    ts: "1774346400.000100",
    user: ALICE,
    text: "Bins beta is live",
  });
  slack.addMessage(GENERAL, {
    type: "message",
    ts: "1774350000.000200",
    user: BOB,
    text: "Parking permits API done",
  });
  const setup = await startTestBot({ now: "2026-03-25T10:00:00Z", dataDir, fake: slack });
  try {
    for (const [i, ts] of ["1774346400.000100", "1774350000.000200"].entries()) {
      const posted = await setup.event(
        {
          type: "reaction_added",
          user: ALICE,
          reaction: "star",
          item: { type: "message", channel: GENERAL, ts },
        },
        `Ev0REPL00${i}`,
      );
      expect(posted.status).toBe(200);
    }
    await setup.settle();
    expect((await setup.command("config", ALICE, REVIEW)).status).toBe(200);
    await setup.settle();
    const team = await setup.bot.store.getTeam(TEAM, "default");
    expect(team?.reviewChannel).toBe(REVIEW);
    expect(team?.approvers).toContain(ALICE);
    expect(
      await setup.bot.store.listHighlights({ workspace: TEAM, fromMs: 0, toMs: Date.parse(FRIDAY_1600) }),
    ).toHaveLength(2);
    expect(reviewsPosted()).toHaveLength(0);
  } finally {
    await setup.stop();
  }
}

describe("replicas of the bot on one SQLite file (C14)", () => {
  it("three replicas starting together after the draft time draft the week once", {
    timeout: 20_000,
  }, async () => {
    await setUpTeam();
    openai.script(echo, echo, echo);

    const three = await Promise.all([replica(FRIDAY_1600), replica(FRIDAY_1600), replica(FRIDAY_1600)]);
    await waitFor(
      "the 2026-W13 weeknote",
      async () => (await three[0]?.bot.store.getWeeknote(W13)) !== undefined,
    );
    await Promise.all(three.map((b) => b.bot.idle()));

    expect(reviewsPosted()).toHaveLength(1);
    expect(openai.requests).toHaveLength(1);
    expect(openai.requests[0]).toMatchObject({ method: "POST", path: "/v1/chat/completions", outcome: 200 });
    const note = await three[0]?.bot.store.getWeeknote(W13);
    expect(note?.status).toBe("draft");
    expect(note?.revisions).toHaveLength(1);
    expect(note?.revisions[0]?.origin).toBe("llm");
    expect(note?.review?.conversationId).toBe(REVIEW);
    // One replica did the work; the other two found the week claimed or drafted.
    const drafted = three.filter((b) =>
      b.logger.entries.some((e) => e.message === "draft posted for review"),
    );
    expect(drafted).toHaveLength(1);
    expect(three.flatMap((b) => b.logger.entries).filter((e) => e.level === "error")).toEqual([]);
  });

  it("a crashed winner's claim expires and a replica started later finishes the week", {
    timeout: 20_000,
  }, async () => {
    await setUpTeam();
    // A's request never gets an answer; later requests get the echo model's answer.
    openai.script(hang(), echo, echo);
    const slowLlm = { OPENAI_TIMEOUT_MS: "600000", OPENAI_MAX_RETRIES: "0" };

    // A starts alone at 16:00, claims the week and is stuck in its LLM request.
    const a = await replica(FRIDAY_1600, slowLlm);
    await waitFor("A's LLM request", () => openai.requests.length === 1);
    expect(openai.requests[0]?.outcome).toBe("hang");

    // B starts at 16:00 too: the week is claimed, so it does nothing.
    const b = await replica(FRIDAY_1600, slowLlm);
    await b.bot.idle();
    expect(b.logger.entries.some((e) => e.message === "job claimed by another process")).toBe(true);
    expect(openai.requests).toHaveLength(1);
    expect(reviewsPosted()).toHaveLength(0);
    expect(await b.bot.store.getWeeknote(W13)).toBeUndefined();

    // A goes down without finishing (its stop() waits for the hung request: not awaited here),
    // and B with it. Its claim is left to expire.
    stopping.push(a.stop());
    await b.stop();

    // C comes up at 16:16, past A's claim: its start-up catch-up drafts and posts the week.
    const c = await replica(FRIDAY_1616, slowLlm);
    await waitFor("the 2026-W13 weeknote", async () => (await c.bot.store.getWeeknote(W13)) !== undefined);
    await c.bot.idle();

    expect(openai.requests).toHaveLength(2);
    expect(openai.requests[1]?.outcome).toBe(200);
    expect(reviewsPosted()).toHaveLength(1);
    expect(c.logger.entries.some((e) => e.message === "draft posted for review")).toBe(true);
    expect(c.logger.entries.some((e) => e.message === "scheduled draft done")).toBe(true);
    const note = await c.bot.store.getWeeknote(W13);
    expect(note?.revisions).toHaveLength(1);
    expect(note?.revisions[0]?.origin).toBe("llm");
    expect(note?.review?.conversationId).toBe(REVIEW);

    // A was slow, not dead: when its request finally ends it must not overwrite C's draft.
    const updatesBefore = slack.callsOf("chat.update").length;
    await openai.close();
    await Promise.allSettled(stopping);
    const after = await c.bot.store.getWeeknote(W13);
    expect(after?.revisions.map((r) => r.origin)).toEqual(["llm"]);
    expect(slack.callsOf("chat.update")).toHaveLength(updatesBefore);
    expect(a.logger.entries.some((e) => e.message === "draft posted for review")).toBe(false);
    // Its LLM request failed when the fake closed; the offline draft that replaced it was refused
    // by the fence of the lease C took over.
    expect(
      a.logger.entries.some(
        (e) => e.level === "warn" && e.message === "draft not stored: another process took the job over",
      ),
    ).toBe(true);
  });

  it("stops within its grace period even while a draft waits on the LLM", async () => {
    await setUpTeam();
    openai.script(hang());
    const a = await replica(FRIDAY_1600, { OPENAI_TIMEOUT_MS: "600000", OPENAI_MAX_RETRIES: "0" }, 100);
    await waitFor("A's LLM request", () => openai.requests.length === 1);
    await a.bot.stop();
    expect(a.logger.entries.some((e) => e.message === "stopped before work in flight finished")).toBe(true);
  });
});
