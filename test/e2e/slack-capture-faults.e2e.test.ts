import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BOT_ID, BOT_USER, startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { type FakeSlackApi, startFakeSlackApi } from "../support/fake-slack-api.ts";
import { ALICE, BOB, GENERAL, reactionAdded, seedWorkspace, w13Ts } from "../support/slack-scenario.ts";

// Issue 10 items 9 and 10 over HTTP, against the real bot: a record the database refuses is
// answered 500 (an event, and `/weeknotes add`, which used to answer "Added" and drop the text),
// and Slack's redelivery is recorded once; while another process holds the database's write lock
// for 8 s the bot keeps answering: /healthz at once, events within Slack's 3 s (500 while the
// lock is held, so Slack redelivers), and every redelivered event is recorded once afterwards.

const ROOT = resolve(import.meta.dirname, "../..");
const TS = w13Ts(3600);
/** Slack's limit for an answer (Events API: "respond within 3 seconds"). */
const SLACK_ACK_LIMIT_MS = 3_000;

let fake: FakeSlackApi;
let tb: TestBot;
const children: ChildProcess[] = [];

beforeEach(async () => {
  fake = await startFakeSlackApi({ teamId: TEAM, botUserId: BOT_USER, botId: BOT_ID });
  seedWorkspace(fake);
  fake.addMessage(GENERAL, { type: "message", ts: TS, user: BOB, text: "Payments switched provider" });
  for (let i = 0; i < 40; i += 1) {
    fake.addMessage(GENERAL, { type: "message", ts: w13Ts(7200 + i), user: BOB, text: `Item ${i}` });
  }
  tb = await startTestBot({ fake });
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  await tb.stop();
  await fake.close();
});

/** Makes the database refuse every inbox write (a trigger), until the returned function is called. */
function refuseInboxWrites(): () => void {
  const db = new Database(join(tb.dataDir, "weeknotes.sqlite"));
  db.exec(`CREATE TRIGGER refuse_inbox BEFORE INSERT ON inbox_events
    BEGIN SELECT RAISE(ABORT, 'the disk refuses'); END`);
  return () => {
    db.exec("DROP TRIGGER refuse_inbox");
    db.close();
  };
}

/**
 * Another process takes the database's write lock (BEGIN EXCLUSIVE) and holds it `holdMs`;
 * resolves once it holds it, with a promise of its exit.
 */
async function holdWriteLock(holdMs: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    db.exec("BEGIN EXCLUSIVE");
    db.prepare("UPDATE inbox_events SET attempts = attempts WHERE 0").run();
    console.log("locked");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(
    process.execPath,
    ["-e", script, join(tb.dataDir, "weeknotes.sqlite"), String(holdMs)],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  const released = new Promise<void>((done) => child.once("exit", () => done()));
  await new Promise<void>((locked, fail) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", () => locked());
    child.once("exit", (code) => fail(new Error(`the lock holder exited (${code}) before locking`)));
  });
  return { released };
}

describe("a record the database refuses is not acknowledged", () => {
  it("a reaction gets 500, and Slack's redelivery (same event_id) is recorded once", async () => {
    const allow = refuseInboxWrites();
    const refused = await tb.event(reactionAdded(ALICE, GENERAL, TS), "Ev0REFUSE01");
    expect(refused.status).toBe(500);
    expect(await tb.bot.store.getEvent(TEAM, "Ev0REFUSE01")).toBeUndefined();
    allow();
    const retry = { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_error" };
    expect((await tb.event(reactionAdded(ALICE, GENERAL, TS), "Ev0REFUSE01", retry)).status).toBe(200);
    expect((await tb.event(reactionAdded(ALICE, GENERAL, TS), "Ev0REFUSE01", retry)).status).toBe(200);
    await tb.settle();
    expect(await tb.bot.store.getEvent(TEAM, "Ev0REFUSE01")).toMatchObject({ status: "done", attempts: 1 });
    const stored = await tb.bot.store.getHighlight(TEAM, `${GENERAL}/${TS}`);
    expect(stored?.tags).toEqual([{ user: ALICE, reaction: "star", section: "highlights", via: "reaction" }]);
    expect(fake.callsOf("conversations.history")).toHaveLength(1);
  });

  it("/weeknotes add gets 500 instead of 'Added…', and nothing is recorded", async () => {
    const allow = refuseInboxWrites();
    try {
      const answer = await tb.command("add Shipped the forms beta", ALICE, GENERAL, "trig.refuse.1");
      expect(answer.status).toBe(500);
      expect(answer.body).not.toMatch(/Added/);
      expect(await tb.bot.store.getEvent(TEAM, "command:trig.refuse.1")).toBeUndefined();
    } finally {
      allow();
    }
    const again = await tb.command("add Shipped the forms beta", ALICE, GENERAL, "trig.refuse.2");
    expect(again.status).toBe(200);
    expect(again.body).toMatch(/Added to this week's notes/);
  });
});

describe("another process holds the write lock for 8 s", () => {
  it("the bot keeps answering within Slack's 3 s; what could not be recorded is answered 500 and recorded once when redelivered", async () => {
    const health = `${tb.bot.url}/healthz`;
    const { released } = await holdWriteLock(8_000);
    let lockHeld = true;
    void released.then(() => {
      lockHeld = false;
    });
    const answers: { eventId: string; status: number; ms: number; duringLock: boolean }[] = [];
    const healthMs: number[] = [];
    let i = 0;
    // One event and one /healthz every 200 ms while the lock is held.
    while (lockHeld && i < 40) {
      const eventId = `Ev0LOCKED${String(i).padStart(2, "0")}`;
      const ts = w13Ts(7200 + i);
      const sentAt = performance.now();
      void tb.event(reactionAdded(ALICE, GENERAL, ts), eventId).then((r) => {
        answers.push({ eventId, status: r.status, ms: performance.now() - sentAt, duringLock: true });
      });
      const healthAt = performance.now();
      const probe = await fetch(health);
      healthMs.push(performance.now() - healthAt);
      expect(probe.status).toBe(200);
      i += 1;
      await new Promise((resume) => setTimeout(resume, 200));
    }
    await released;
    await new Promise((resume) => setTimeout(resume, SLACK_ACK_LIMIT_MS));
    expect(answers).toHaveLength(i);
    expect(i).toBeGreaterThan(10);
    // Every request got an answer within Slack's limit, the lock notwithstanding.
    for (const answer of answers) {
      expect(answer.ms).toBeLessThan(SLACK_ACK_LIMIT_MS);
      expect([200, 500]).toContain(answer.status);
    }
    for (const ms of healthMs) expect(ms).toBeLessThan(SLACK_ACK_LIMIT_MS);
    expect(answers.some((a) => a.status === 500)).toBe(true);

    // Slack redelivers every event that got a 500; each is recorded once in the end.
    for (const answer of answers.filter((a) => a.status === 500)) {
      const index = Number(answer.eventId.slice(-2));
      const retry = await tb.event(reactionAdded(ALICE, GENERAL, w13Ts(7200 + index)), answer.eventId, {
        "x-slack-retry-num": "1",
        "x-slack-retry-reason": "http_error",
      });
      expect(retry.status).toBe(200);
    }
    await tb.settle();
    for (let k = 0; k < i; k += 1) {
      const stored = await tb.bot.store.getHighlight(TEAM, `${GENERAL}/${w13Ts(7200 + k)}`);
      expect(stored?.tags).toEqual([
        { user: ALICE, reaction: "star", section: "highlights", via: "reaction" },
      ]);
    }
    expect(fake.callsOf("conversations.history")).toHaveLength(i);
  }, 40_000);
});
