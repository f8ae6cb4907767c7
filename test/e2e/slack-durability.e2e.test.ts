import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { BOT_ID, BOT_USER, SECRET, TEAM } from "../support/bot-harness.ts";
import { type FakeSlackApi, startFakeSlackApi } from "../support/fake-slack-api.ts";
import {
  ALICE,
  BOB,
  GENERAL,
  reactionAdded,
  seedWorkspace,
  w13Ts,
  waitFor,
} from "../support/slack-scenario.ts";
import { postSlackEvent } from "../support/slack-signing.ts";

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
      const stored = await waitFor("the highlight to be stored", () => store.getHighlight(TEAM, GENERAL, TS));
      expect(stored).toMatchObject({ text: "Payments switched to the new provider", authorName: "Bob" });
      expect(stored.tags).toEqual([{ user: ALICE, reaction: "star", section: "highlights" }]);
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
