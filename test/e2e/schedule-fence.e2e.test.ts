import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { leaseName } from "../../src/app/run-schedule.ts";
import { defaultTeamSettings } from "../../src/domain/team.ts";
import {
  type ChatRequestBody,
  completion,
  echoDocument,
  type FakeOpenAi,
  type FakeReply,
  held,
  startFakeOpenAi,
} from "../support/fake-openai.ts";
import { type FakeSlackApi, startFakeSlackApi } from "../support/fake-slack-api.ts";
import { makeHighlight } from "../support/highlights.ts";

// The issue's fencing case, with real processes: two bots (`node bin/run-ts.js
// test/support/bot-process.ts`, the schedule on) on one SQLite DATA_DIR, one fake Slack Web API,
// one fake OpenAI. A starts after the Friday 14:00 draft time, takes the draft lease (15 minutes)
// and waits on the model, which holds its request; A is then paused (SIGSTOP). B starts with a
// clock 16 minutes later: A's claim has expired, so B takes the job over (the next token), drafts
// and posts the review. A resumes (SIGCONT) and gets its answer: its revision is refused by the
// fence (lease.lost), so A stores and posts nothing. Each process's clock is fixed (TEST_NOW_MS).

const root = fileURLToPath(new URL("../..", import.meta.url));
const TEAM = "T0WEEK0001";
const GENERAL = "C0GENERAL1";
const REVIEW = "C0REVIEW01";
const W13 = { workspace: TEAM, team: "default", week: "2026-W13" };
// Friday of 2026-W13, after the default draft time (Friday 14:00 Europe/London, GMT that day).
const A_NOW = Date.parse("2026-03-27T16:00:00Z");
// Past A's claim (taken at 16:00 for 15 minutes).
const B_NOW = A_NOW + 16 * 60_000;
const DRAFT_LEASE = leaseName("draft", { workspace: TEAM, team: "default" }, "2026-W13");

interface BotProcess {
  readonly name: string;
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything it wrote to stderr (its pino log lines) so far. */
  stderr(): string;
  /** Its log lines so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Resolves when it has exited. */
  readonly exited: Promise<number | null>;
}

let slack: FakeSlackApi;
let openai: FakeOpenAi;
let dataDir: string;
let bots: BotProcess[];

beforeEach(async () => {
  slack = await startFakeSlackApi({ teamId: TEAM, botUserId: "U0BOT00001", botId: "B0BOT00001" });
  slack.addChannel({ id: GENERAL, name: "general" });
  slack.addChannel({ id: REVIEW, name: "weeknotes-review" });
  slack.addUser({ id: "U0ALICE001", name: "alice", profile: { display_name: "Alice" } });
  openai = await startFakeOpenAi();
  dataDir = await mkdtemp(join(tmpdir(), "weeknotes-fence-"));
  bots = [];
});

afterEach(async () => {
  // A paused process must be resumed to see SIGTERM; SIGKILL ends it either way.
  for (const bot of bots) {
    if (bot.child.exitCode === null && bot.child.signalCode === null) {
      bot.child.kill("SIGCONT");
      bot.child.kill("SIGKILL");
    }
  }
  await Promise.allSettled(bots.map((b) => b.exited));
  await openai.close();
  await slack.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The team (review channel set) and two highlights of 2026-W13, written before any bot starts. */
async function seed(): Promise<void> {
  const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
  try {
    await store.saveTeam({
      ...defaultTeamSettings("slack", TEAM, "Europe/London", A_NOW - 86_400_000),
      name: "the digital team",
      reviewChannel: REVIEW,
      publishChannel: REVIEW,
      approvers: ["U0ALICE001"],
    });
    await store.saveHighlights([
      makeHighlight({ postedAtMs: Date.parse("2026-03-24T10:00:00Z"), text: "Bins beta is live" }),
      makeHighlight({ postedAtMs: Date.parse("2026-03-25T11:00:00Z"), text: "Parking permits API done" }),
    ]);
  } finally {
    await store.close();
  }
}

/** Starts a bot process with the schedule on, as `holder`, its clock fixed at `nowMs`; resolves once it listens. */
async function startBot(holder: string, nowMs: number): Promise<BotProcess> {
  const child = spawn(
    process.execPath,
    [join(root, "bin/run-ts.js"), join(root, "test/support/bot-process.ts")],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...(process.env.TZ === undefined ? {} : { TZ: process.env.TZ }),
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        LOG_LEVEL: "debug",
        DEFAULT_TIMEZONE: "Europe/London",
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_SIGNING_SECRET: "test-signing-secret",
        SLACK_API_URL: slack.url,
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: openai.url,
        // The held request must not time out or be retried while A is paused.
        OPENAI_TIMEOUT_MS: "600000",
        OPENAI_MAX_RETRIES: "0",
        TEST_NOW_MS: String(nowMs),
        TEST_SCHEDULE: "1",
        TEST_HOLDER: holder,
      },
    },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const bot: BotProcess = {
    name: holder,
    child,
    stderr: () => stderr,
    logs: () =>
      stderr
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    exited,
  };
  bots.push(bot);
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    lines.once("line", (line) => {
      const started = JSON.parse(line) as { url?: string };
      if (started.url) resolve();
      else reject(new Error(`${holder}: unexpected first line ${line}`));
    });
    void exited.then((code) => reject(new Error(`${holder} exited (${code}) before listening:\n${stderr}`)));
  });
  return bot;
}

/** Polls `done` every 10 ms, at most 3 000 times (30 s of polling: two processes start on a busy machine). */
async function waitFor(
  what: string,
  done: () => boolean | Promise<boolean>,
  bot?: BotProcess,
): Promise<void> {
  for (let round = 0; round < 3_000; round += 1) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}${bot ? `; ${bot.name} logged:\n${bot.stderr()}` : ""}`);
}

/** The echo model's answer, its intro signed with `by`: whose draft a revision is. */
function signed(by: string): (request: { body: ChatRequestBody | undefined }) => FakeReply {
  return (request) => completion({ ...echoDocument(request.body), intro: `Drafted by ${by}.` });
}

function reviewsPosted() {
  return slack.callsOf("chat.postMessage").filter((c) => c.args.channel === REVIEW && c.args.blocks);
}

/** Lease `name` is held unexpired at `atMs` by someone: a probe cannot take it (and changes nothing). */
async function leaseHeld(atMs: number): Promise<boolean> {
  const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite"), busyTimeoutMs: 10_000 });
  try {
    return (await store.acquireLease(DRAFT_LEASE, "probe", atMs, 1)) === undefined;
  } finally {
    await store.close();
  }
}

describe("a replica paused past its draft lease is fenced out (SIGSTOP)", () => {
  it("A, paused after taking the lease, can neither store a revision nor post a review; B, which took over, does both", {
    timeout: 120_000,
  }, async () => {
    await seed();
    const forA = held();
    openai.script(forA.step, signed("B"));

    // A starts at 16:00, claims the week and waits on the model.
    const a = await startBot("replica-A", A_NOW);
    const requestOfA = await forA.arrived;
    expect(requestOfA.outcome).toBe("held");
    expect(await leaseHeld(A_NOW + 60_000)).toBe(true);
    expect(a.child.kill("SIGSTOP")).toBe(true);

    // B starts at 16:16: A's claim ran out at 16:15, so B takes the job over and finishes it.
    const b = await startBot("replica-B", B_NOW);
    await waitFor("B's scheduled draft", () => b.logs().some((l) => l.msg === "scheduled draft done"), b);
    expect(openai.requests.map((r) => r.outcome)).toEqual(["held", 200]);
    expect(reviewsPosted()).toHaveLength(1);
    expect(b.logs().some((l) => l.msg === "draft posted for review")).toBe(true);

    // A resumes and gets its answer: the fence refuses its revision.
    expect(a.child.kill("SIGCONT")).toBe(true);
    forA.answer(signed("A"));
    await waitFor(
      "A's refused draft",
      () =>
        a
          .logs()
          .some((l) => l.code === "lease.lost" || /another process took the job over/.test(String(l.msg))),
      a,
    );
    expect(openai.requests.map((r) => r.outcome)).toEqual([200, 200]);

    // Both stop cleanly; only then is the store read, so nothing A might still do is missed.
    a.child.kill("SIGTERM");
    b.child.kill("SIGTERM");
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);

    const reviews = reviewsPosted();
    expect(reviews).toHaveLength(1);
    expect(JSON.stringify(reviews[0]?.args.blocks)).toContain("Drafted by B.");
    expect(JSON.stringify(reviews[0]?.args.blocks)).not.toContain("Drafted by A.");
    expect(slack.callsOf("chat.update")).toEqual([]);
    expect(a.logs().some((l) => l.msg === "draft posted for review")).toBe(false);
    expect(a.logs().filter((l) => l.level === 50 || l.level === "error")).toEqual([]);

    const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
    try {
      const note = await store.getWeeknote(W13);
      expect(note?.status).toBe("draft");
      expect(note?.revisions).toHaveLength(1);
      expect(note?.revisions[0]?.origin).toBe("llm");
      expect(note?.revisions[0]?.document.intro).toBe("Drafted by B.");
      expect(note?.review).toEqual({
        platform: "slack",
        conversationId: REVIEW,
        messageId: slack.messages(REVIEW).at(-1)?.ts,
      });
    } finally {
      await store.close();
    }
    // B's done marker holds the week for days.
    expect(await leaseHeld(B_NOW + 7 * 86_400_000)).toBe(true);
  });
});
