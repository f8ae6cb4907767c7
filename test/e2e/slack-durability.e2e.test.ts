import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { BOT_ID, BOT_USER, SECRET, TEAM } from "../support/bot-harness.ts";
import { type FakeSlackApi, type FakeSlackCall, startFakeSlackApi } from "../support/fake-slack-api.ts";
import {
  ALICE,
  BOB,
  buttonClick,
  buttonsOf,
  GENERAL,
  reactionAdded,
  reviewPost,
  seedWorkspace,
  w13Ts,
  waitFor,
} from "../support/slack-scenario.ts";
import { postSlackCommand, postSlackEvent, postSlackInteraction } from "../support/slack-signing.ts";

// Acknowledge only what is durably recorded (SPEC §4): a process killed while it fetches the
// tagged message loses nothing; the next process on the same DATA_DIR finishes the work once
// the dead worker's inbox lease has expired.

const ROOT = resolve(import.meta.dirname, "../..");
const T0 = Date.parse("2026-03-27T12:00:00Z");
const TS = w13Ts(3600);

let fake: FakeSlackApi;
let dataDir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  fake = await startFakeSlackApi({ teamId: TEAM, botUserId: BOT_USER, botId: BOT_ID });
  seedWorkspace(fake);
  fake.addMessage(GENERAL, {
    type: "message",
    ts: TS,
    user: BOB,
    text: "Payments switched to the new provider",
  });
  dataDir = await mkdtemp(join(tmpdir(), "weeknotes-durable-"));
});
afterEach(async () => {
  // Nothing either process sent broke Slack's limits.
  expect(fake.limitRefusals()).toEqual([]);
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited(child);
    }
  }
  await fake.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts the bot process with its clock fixed at `nowMs`; resolves with its URL once it listens. */
async function startChild(nowMs: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["bin/run-ts.js", "test/support/bot-process.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      DEFAULT_TIMEZONE: "Europe/London",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.url,
      TEST_NOW_MS: String(nowMs),
      TEST_BOT_USER_ID: BOT_USER,
      TEST_BOT_ID: BOT_ID,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolveUrl, reject) => {
    lines.once("line", (line) => {
      try {
        resolveUrl(String((JSON.parse(line) as { url: unknown }).url));
      } catch (error) {
        reject(error);
      }
    });
    child.once("exit", (code, signal) => {
      reject(new Error(`bot process exited (${code ?? signal}) before listening:\n${stderr}`));
    });
  });
  return { child, url };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      done();
    } else {
      child.once("exit", () => done());
    }
  });
}

describe("a crash after the acknowledgement", () => {
  it("SIGKILL while the fetch hangs; the next process on the same data finds the event and stores the highlight", async () => {
    // The first process's fetch never gets an answer.
    let held = 0;
    fake.setHandler("conversations.history", () => {
      held += 1;
      return new Promise(() => undefined);
    });
    const first = await startChild(T0);
    const envelope = {
      token: "x",
      team_id: TEAM,
      api_app_id: "A0APP00001",
      type: "event_callback",
      event_id: "Ev0DURABLE1",
      event_time: Math.floor(T0 / 1000),
      event: reactionAdded(ALICE, GENERAL, TS),
    };
    const ack = await postSlackEvent(`${first.url}/slack/events`, envelope, {
      secret: SECRET,
      timestampSeconds: Math.floor(T0 / 1000),
    });
    expect(ack.status).toBe(200);
    await waitFor("the first process to start fetching", () => held > 0);
    first.child.kill("SIGKILL");
    await exited(first.child);
    expect(first.child.signalCode).toBe("SIGKILL");

    // A new process 61 s later (the dead worker's 60 s lease has expired), with Slack answering.
    fake.setHandler("conversations.history", undefined);
    const second = await startChild(T0 + 61_000);
    const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
    try {
      const stored = await waitFor("the highlight to be stored", () =>
        store.getHighlight(TEAM, `${GENERAL}/${TS}`),
      );
      expect(stored).toMatchObject({ text: "Payments switched to the new provider", authorName: "Bob" });
      expect(stored.tags).toEqual([
        { user: ALICE, reaction: "star", section: "highlights", via: "reaction" },
      ]);
      const event = await waitFor("the event to be done", async () => {
        const found = await store.getEvent(TEAM, "Ev0DURABLE1");
        return found?.status === "done" ? found : undefined;
      });
      expect(event.attempts).toBe(2);
      expect(fake.callsOf("conversations.history")).toHaveLength(2);
    } finally {
      await store.close();
    }

    second.child.kill("SIGTERM");
    await exited(second.child);
    expect(second.child.exitCode).toBe(0);
  });
});

// The same guarantee for a decision: an Approve click is recorded before Slack hears 200, so a
// process killed at any point after that publishes the note exactly once after a restart.

const KEY = { workspace: TEAM, team: "default", week: "2026-W13" };
const LATER_TS = w13Ts(7200, 2);

/** Signs and posts to a bot process whose clock says `nowMs`. */
function signedAt(nowMs: number) {
  return { secret: SECRET, timestampSeconds: Math.floor(nowMs / 1000) };
}

/** A message of the published note (not the review, not a thread part): its fallback text says so. */
function isPublished(call: FakeSlackCall): boolean {
  return (
    call.args.channel === GENERAL &&
    call.args.thread_ts === undefined &&
    String(call.args.text).startsWith("Weeknote of")
  );
}

/**
 * In a first process: tags a message, asks for the draft and waits for its review. Resolves with
 * the process and the Approve click for that review.
 */
async function draftForReview(): Promise<{
  first: { child: ChildProcess; url: string };
  approve: Record<string, unknown>;
}> {
  const first = await startChild(T0);
  const events = `${first.url}/slack/events`;
  const tag = await postSlackEvent(
    events,
    {
      token: "x",
      team_id: TEAM,
      api_app_id: "A0APP00001",
      type: "event_callback",
      event_id: "Ev0APPRTAG1",
      event_time: Math.floor(T0 / 1000),
      event: reactionAdded(ALICE, GENERAL, TS),
    },
    signedAt(T0),
  );
  expect(tag.status).toBe(200);
  await waitFor("the tagged message to be read", () => fake.callsOf("conversations.history").length > 0);
  const draft = await postSlackCommand(
    events,
    {
      token: "x",
      team_id: TEAM,
      team_domain: "weeknotes-test",
      channel_id: GENERAL,
      channel_name: "general",
      user_id: ALICE,
      user_name: "alice",
      command: "/weeknotes",
      text: "draft",
      api_app_id: "A0APP00001",
      response_url: `${fake.url}response/1`,
      trigger_id: "trigger.draft.1",
    },
    signedAt(T0),
  );
  expect(draft.status).toBe(200);
  const review = await waitFor("the review to be posted", () => reviewPost(fake));
  const reviewTs = await waitFor(
    "the review's ts",
    () => fake.messages(GENERAL).find((m) => m.blocks !== undefined)?.ts,
  );
  const approve = buttonClick({
    user: ALICE,
    actionId: "weeknote_approve",
    value: buttonsOf(review).find((b) => b.action_id === "weeknote_approve")?.value,
    channel: GENERAL,
    messageTs: reviewTs,
    actionTs: "1774612800.000100",
    triggerId: "trigger.approve.1",
  });
  return { first, approve };
}

/** After the restart: the note is approved and published once, and the click's event is done. */
async function expectPublishedOnce(second: { child: ChildProcess }): Promise<void> {
  const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
  try {
    const event = await waitFor("the Approve click to be done", async () => {
      const found = await store.getEvent(TEAM, "action:trigger.approve.1");
      return found?.status === "done" ? found : undefined;
    });
    expect(event.kind).toBe("approve");
    const weeknote = await store.getWeeknote(KEY);
    expect(weeknote).toMatchObject({ status: "approved", approval: { by: ALICE } });
    expect(weeknote?.published).toMatchObject({ platform: "slack", conversationId: GENERAL });
    // Exactly one note reached the publish channel, across both processes.
    const posted = fake.messages(GENERAL).filter((m) => String(m.text).startsWith("Weeknote of"));
    expect(posted).toHaveLength(1);
    expect(weeknote?.published?.messageId).toBe(posted[0]?.ts);
    // The approver heard how it went (not that it was "already approved").
    const told = fake.callsOf("chat.postEphemeral").map((c) => String(c.args.text));
    expect(told).toContain("Approved 2026-W13 and published it.");
    expect(told.some((text) => /already/.test(text))).toBe(false);
  } finally {
    await store.close();
  }
  second.child.kill("SIGTERM");
  await exited(second.child);
  expect(second.child.exitCode).toBe(0);
}

describe("a crash after an Approve click was acknowledged", () => {
  it("killed before the worker touched the approval: the next process publishes the note exactly once", async () => {
    fake.addMessage(GENERAL, { type: "message", ts: LATER_TS, user: BOB, text: "Forms beta opened" });
    const { first, approve } = await draftForReview();
    const events = `${first.url}/slack/events`;

    // The worker's next Slack call (reading a newly tagged message) never gets an answer, so it is
    // busy when Approve is clicked and never reaches the click.
    let held = 0;
    fake.setHandler("conversations.history", (args, _call, next) => {
      if (args.latest !== LATER_TS) {
        return next();
      }
      held += 1;
      return new Promise(() => undefined);
    });
    const tag = await postSlackEvent(
      events,
      {
        token: "x",
        team_id: TEAM,
        api_app_id: "A0APP00001",
        type: "event_callback",
        event_id: "Ev0APPRTAG2",
        event_time: Math.floor(T0 / 1000),
        event: reactionAdded(ALICE, GENERAL, LATER_TS),
      },
      signedAt(T0),
    );
    expect(tag.status).toBe(200);
    await waitFor("the worker to be held by Slack", () => held > 0);
    const click = await postSlackInteraction(events, approve, signedAt(T0));
    expect(click.status).toBe(200);

    const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
    try {
      // Recorded, and not touched: no attempt, the note still a draft, nothing published.
      expect(await store.getEvent(TEAM, "action:trigger.approve.1")).toMatchObject({
        kind: "approve",
        status: "pending",
        attempts: 0,
      });
      expect((await store.getWeeknote(KEY))?.status).toBe("draft");
    } finally {
      await store.close();
    }
    first.child.kill("SIGKILL");
    await exited(first.child);
    expect(fake.calls.filter(isPublished)).toEqual([]);

    fake.setHandler("conversations.history", undefined);
    const second = await startChild(T0 + 61_000);
    await expectPublishedOnce(second);
    expect(fake.calls.filter(isPublished)).toHaveLength(1);
  });

  it("killed while publishing, after the approval was stored: the next process publishes the note exactly once", async () => {
    const { first, approve } = await draftForReview();
    // Posting the note to the publish channel never gets an answer (and posts nothing).
    let held = 0;
    fake.setHandler("chat.postMessage", (_args, call, next) => {
      if (!isPublished(call)) {
        return next();
      }
      held += 1;
      return new Promise(() => undefined);
    });
    const click = await postSlackInteraction(`${first.url}/slack/events`, approve, signedAt(T0));
    expect(click.status).toBe(200);
    await waitFor("the worker to be publishing", () => held > 0);
    const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
    try {
      const stored = await store.getWeeknote(KEY);
      expect(stored).toMatchObject({ status: "approved", published: undefined });
      expect((await store.getEvent(TEAM, "action:trigger.approve.1"))?.status).toBe("pending");
    } finally {
      await store.close();
    }
    first.child.kill("SIGKILL");
    await exited(first.child);

    fake.setHandler("chat.postMessage", undefined);
    const second = await startChild(T0 + 61_000);
    await expectPublishedOnce(second);
    // Two tries reached the fake: the one that hung with the dead process (never posted) and one
    // that was answered.
    const tries = fake.calls.filter(isPublished);
    expect(tries).toHaveLength(2);
    expect(fake.messages(GENERAL).filter((m) => String(m.text).startsWith("Weeknote of"))).toHaveLength(1);
  });
});
