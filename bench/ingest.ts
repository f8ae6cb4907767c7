// bench/ingest: N signed `reaction_added` events over HTTP to the real bot (its lean receiver,
// SQLite inbox, worker fetching each message from a fake Slack Web API in a process of its own,
// as Slack's is on other machines), at a fixed concurrency, against a bare node:http server that
// only checks the signature (same process, same client), in rounds: each round sends the bare
// server N events, then a fresh bot (warmed up on events of its own) N new ones; the ratio is the
// median of the rounds' ratios, as the machine's speed drifts from round to round.
// Then the same N again with the same event ids (Slack's retries): acknowledged, nothing new made.
// Then, open loop (issue 10's "What it must show"): RATE_EVENTS new events offered at RATE events/s
// to the bot (worker running) and to the bare server, ack p50/p99/max; and the same offered rate
// while the weekly sweep finds SWEEP_TEAMS teams due in the same minute (ack max must stay under
// 100 ms).
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { verifySlackRequest } from "@slack/bolt";
import { openSqliteStore } from "../adapters/sqlite/sqlite-store.ts";
import { defaultTeamSettings } from "../src/domain/team.ts";
import { BOT_USER, SECRET, startTestBot, TEAM } from "../test/support/bot-harness.ts";
import { signSlackRequest } from "../test/support/slack-signing.ts";
import { pct, rate, type Send, type Signed, send, sendAtRate } from "./http-load.ts";
import { messageTs, type SlackChild, startSlackChild } from "./slack-in-child.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = 200;
/** Events each bot records (and its worker carries out) before it is timed, so its code is compiled. */
const WARMUP_RECORDED = 500;
const RATE = Number(process.env.BENCH_RATE ?? 500);
const RATE_EVENTS = Number(process.env.BENCH_RATE_EVENTS ?? 2_000);
const SWEEP_TEAMS = Number(process.env.BENCH_SWEEP_TEAMS ?? 1_000);
const NOW = "2026-03-27T12:00:00Z";
const CHANNEL = "C0BENCH001";
const REVIEW_CHANNEL = "C0REVIEW01";
const AUTHOR = "U0ALICE001";
const REACTOR = "U0BOB00002";
// The tagged messages: one a minute from Monday 09:00 of the bot clock's week.
const FIRST_SECOND = Date.parse("2026-03-23T09:00:00Z") / 1000;

/** Progress on stderr, so a slow run shows where it is. */
const note = (what: string) => process.stderr.write(`[bench/ingest ${new Date().toISOString()}] ${what}\n`);

const tsOf = (i: number) => messageTs(FIRST_SECOND, i);

/** Signed `event_callback` envelopes, made before any clock starts so signing is not measured. */
function reactionEvents(count: number, prefix: string, itemType = "message", first = 0, now = NOW): Signed[] {
  const timestamp = Math.floor(Date.parse(now) / 1000);
  return Array.from({ length: count }, (_, k) => {
    const i = first + k;
    const body = JSON.stringify({
      token: "x",
      team_id: TEAM,
      api_app_id: "A0APP00001",
      type: "event_callback",
      event_id: `${prefix}${String(i).padStart(6, "0")}`,
      event_time: timestamp,
      event: {
        type: "reaction_added",
        user: REACTOR,
        reaction: "star",
        item_user: AUTHOR,
        item: { type: itemType, channel: CHANNEL, ts: tsOf(i) },
        event_ts: `${timestamp}.${String(i).padStart(6, "0")}`,
      },
    });
    return {
      body,
      headers: {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        ...signSlackRequest(body, SECRET, timestamp),
      },
    };
  });
}

/** The baseline: read the body, check the Slack signature (HMAC-SHA256, timingSafeEqual), parse the JSON, answer 200. */
async function startBareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const nowSeconds = Math.floor(Date.parse(NOW) / 1000);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const timestamp = String(req.headers["x-slack-request-timestamp"] ?? "");
      const given = Buffer.from(String(req.headers["x-slack-signature"] ?? ""), "utf8");
      const expected = Buffer.from(
        `v0=${createHmac("sha256", SECRET).update(`v0:${timestamp}:`).update(body).digest("hex")}`,
        "utf8",
      );
      const fresh = Math.abs(nowSeconds - Number(timestamp)) <= 300;
      const ok = fresh && given.length === expected.length && timingSafeEqual(given, expected);
      if (ok) JSON.parse(body.toString("utf8")); // the issue's floor: check the signature, parse JSON
      res.writeHead(ok ? 200 : 401, { "content-length": "0" });
      res.end();
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
}

function onlyOk(run: Send, what: string): void {
  if (run.statuses.size !== 1 || run.statuses.get(200) !== run.latencies.length) {
    throw new Error(`${what}: expected every answer to be 200, got ${JSON.stringify([...run.statuses])}`);
  }
}

/**
 * A fake Slack, in a child process, holding the channel, the two users and the messages every
 * event of the run is on (the timed ones, the paced ones, then the warm-up's).
 */
function slackWithMessages(): Promise<SlackChild> {
  return startSlackChild({
    teamId: TEAM,
    botUserId: BOT_USER,
    channel: CHANNEL,
    reviewChannel: REVIEW_CHANNEL,
    author: AUTHOR,
    reactor: REACTOR,
    messages: EVENTS + RATE_EVENTS + WARMUP_RECORDED,
    firstSecond: FIRST_SECOND,
  });
}

/** Throws when the bot broke one of Slack's limits (the fake's refusals). */
async function noRefusals(slack: SlackChild): Promise<void> {
  const { refusals } = await slack.stats();
  if (refusals.length > 0) throw new Error(`the fake Slack refused calls:\n${refusals.join("\n")}`);
}

interface Ingest {
  /** The bot connection's `PRAGMA synchronous` (2 FULL: WAL synced at each commit; 1 NORMAL: at checkpoints). */
  readonly synchronous: number;
  /** The bare server's send in this round, made just before the bot's. */
  readonly baseline: Send;
  /** This process's CPU (all its threads, user + system) per event, µs: the bare server's send and the bot's. */
  readonly cpuUs: { readonly baseline: number; readonly fresh: number };
  readonly fresh: Send;
  /** Of the N new events, how many the worker had carried out when the last was acknowledged. */
  readonly workedDuring: number;
  readonly retry: Send;
  /** RATE_EVENTS new events offered at RATE events/s, open loop. */
  readonly atRate: Send;
  /** First request sent → worker drained, every highlight stored. */
  readonly storedMs: number;
  readonly highlights: number;
  /** Web API calls per method for the new events (warm-up excluded). */
  readonly calls: Record<string, number>;
  readonly retryCalls: number;
}

/**
 * One round: a fresh bot warmed up (WARMUP unrecorded events, then WARMUP_RECORDED recorded and
 * carried out), then `baseline()` (the bare server's send), then the N new events to the bot
 * (timed until every highlight is stored), the same N again as retries, and the paced events,
 * each checked: every answer 200, N highlights, no new one after the retries.
 */
async function ingest(
  baseline: () => Promise<Send>,
  fresh: Signed[],
  warmup: Signed[],
  paced: Signed[],
): Promise<Ingest> {
  const slack = await slackWithMessages();
  const tb = await startTestBot({ now: NOW, fake: slack.asFake });
  try {
    const db = (tb.bot.store as unknown as { db: { pragma(sql: string, o: object): unknown } }).db;
    const synchronous = Number(db.pragma("synchronous", { simple: true }));
    const url = `${tb.bot.url}/slack/events`;
    await send(url, warmup, CONCURRENCY); // signature, parse and the lean route, nothing recorded
    const recorded = reactionEvents(WARMUP_RECORDED, "Ev0WARMR", "message", EVENTS + RATE_EVENTS);
    onlyOk(await send(url, recorded, CONCURRENCY), "recorded warm-up");
    await tb.settle();
    await slack.clearCalls();
    const worked = () => tb.logger.entries.filter((e) => e.message === "event processed").length;
    const workedBefore = worked();

    note("bare server, then the bot: new events");
    const cpu = () => {
      const { user, system } = process.cpuUsage();
      return user + system;
    };
    const c0 = cpu();
    const bare = await baseline();
    const c1 = cpu();
    const t0 = performance.now();
    const first = await send(url, fresh, CONCURRENCY);
    const c2 = cpu();
    const workedDuring = worked() - workedBefore;
    onlyOk(first, "events");
    await tb.settle(); // the worker has drained the inbox: every event is processed
    const storedMs = performance.now() - t0;
    const count = async () =>
      (await tb.bot.store.listHighlights({ workspace: TEAM, fromMs: 0, toMs: Date.parse("2100-01-01") }))
        .length;
    const highlights = (await count()) - WARMUP_RECORDED;
    if (highlights !== EVENTS) {
      throw new Error(`expected ${EVENTS} highlights, found ${highlights}`);
    }
    const { calls } = await slack.stats();
    await slack.clearCalls();

    note("bot: retries");
    // Slack's retries: the same envelopes again, marked as retries.
    const retry = await send(url, fresh, CONCURRENCY, {
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
    onlyOk(retry, "retries");
    await tb.settle();
    const after = (await count()) - WARMUP_RECORDED;
    const retryCalls = Object.values((await slack.stats()).calls).reduce((a, b) => a + b, 0);
    if (after !== EVENTS || retryCalls !== 0) {
      throw new Error(`retries made ${after - EVENTS} highlights and ${retryCalls} Web API calls`);
    }

    note(`bot: ${RATE}/s open loop`);
    // Open loop: new events at RATE/s, the worker taking each in as it comes.
    const atRate = await sendAtRate(url, paced, RATE);
    onlyOk(atRate, "events at a fixed rate");
    await tb.settle();
    const paid = (await count()) - WARMUP_RECORDED;
    if (paid !== EVENTS + RATE_EVENTS) {
      throw new Error(`expected ${EVENTS + RATE_EVENTS} highlights after the paced events, found ${paid}`);
    }
    await noRefusals(slack);
    return {
      synchronous,
      baseline: bare,
      cpuUs: { baseline: (c1 - c0) / EVENTS, fresh: (c2 - c1) / EVENTS },
      fresh: first,
      workedDuring,
      retry,
      atRate,
      storedMs,
      highlights: after,
      calls,
      retryCalls,
    };
  } finally {
    await tb.stop();
    await slack.close();
  }
}

/**
 * The weekly sweep under load: SWEEP_TEAMS teams in one workspace, all due at the bot's "now"
 * (Friday 14:00:30 London, their draft time 14:00), each drafting from a channel of its own where
 * nothing was tagged, stored before the bot starts; the bot starts
 * with its schedule on, so its first sweep (the catch-up) finds every team due, while RATE
 * events/s are offered open loop. Returns the acks and how many drafts had been made by the end.
 */
async function sweepUnderLoad(): Promise<{ acks: Send; drafted: number; sweepMs: number }> {
  const now = "2026-03-27T14:00:30Z";
  const slack = await slackWithMessages();
  const { mkdtemp, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dataDir = await mkdtemp(join(tmpdir(), "weeknotes-sweep-bench-"));
  const seed = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
  for (let i = 0; i < SWEEP_TEAMS; i += 1) {
    await seed.createTeamIfAbsent({
      ...defaultTeamSettings("slack", TEAM, "Europe/London", 0),
      team: `team-${i}`,
      name: `Team ${i}`,
      // Their own quiet channel: each draft reads its week (nothing tagged) and posts to the
      // review channel; the events go to the bench channel, which no team drafts from.
      sourceChannels: [`C0SWEEP${String(i).padStart(4, "0")}`],
      reviewChannel: REVIEW_CHANNEL,
      publishChannel: REVIEW_CHANNEL,
      approvers: [REACTOR],
      draftSchedule: { weekday: 5, hour: 14, minute: 0 },
    });
  }
  await seed.close();
  note(`sweep: ${SWEEP_TEAMS} teams stored; starting the bot with its schedule`);
  const tb = await startTestBot({ now, fake: slack.asFake, dataDir, schedule: true });
  try {
    const events = reactionEvents(RATE_EVENTS, "Ev0SWEEP", "message", EVENTS, now);
    const started = performance.now();
    const acks = await sendAtRate(`${tb.bot.url}/slack/events`, events, RATE);
    onlyOk(acks, "events during the sweep");
    note("sweep: events sent; waiting for the drafts");
    await tb.settle();
    const sweepMs = performance.now() - started;
    // Each team's job done: its claim kept as the done marker (run-schedule.ts).
    const db = (tb.bot.store as unknown as { db: { prepare(sql: string): { pluck(): { get(): unknown } } } })
      .db;
    const drafted = Number(
      db.prepare("SELECT count(*) FROM leases WHERE name LIKE 'schedule:draft:%'").pluck().get(),
    );
    await noRefusals(slack);
    return { acks, drafted, sweepMs };
  } finally {
    await tb.stop();
    await slack.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** CPU per event of the two steps every request pays before Bolt: Bolt's signature check, JSON.parse. */
function stepCosts(requests: Signed[]): { verifyUs: number; parseUs: number } {
  const nowMilliseconds = Date.parse(NOW);
  const time = (step: (r: Signed) => void) => {
    for (const r of requests.slice(0, 200)) step(r); // warm
    const started = performance.now();
    for (const r of requests) step(r);
    return ((performance.now() - started) * 1000) / requests.length;
  };
  return {
    verifyUs: time((r) =>
      verifySlackRequest({
        signingSecret: SECRET,
        body: r.body,
        headers: {
          "x-slack-signature": r.headers["x-slack-signature"] ?? "",
          "x-slack-request-timestamp": Number(r.headers["x-slack-request-timestamp"]),
        },
        nowMilliseconds,
      }),
    ),
    parseUs: time((r) => JSON.parse(r.body)),
  };
}

export async function benchIngest(): Promise<void> {
  const fresh = reactionEvents(EVENTS, "Ev0BENCH");
  const warmup = reactionEvents(WARMUP, "Ev0WARM", "file"); // no listener records a file reaction
  const paced = reactionEvents(RATE_EVENTS, "Ev0PACED", "message", EVENTS);

  // Baseline: the same client, requests and concurrency against a server that only verifies.
  const bare = await startBareServer();
  const pacedBaselines: Send[] = [];
  const runs: Ingest[] = [];
  try {
    await send(bare.url, [...warmup, ...fresh], CONCURRENCY);
    const started = performance.now();
    // Up to ROUNDS rounds, none begun after 60 s, so a loaded machine still ends in about two minutes.
    for (let round = 0; round < ROUNDS && (round === 0 || performance.now() - started < 60_000); round += 1) {
      const pacedRun = await sendAtRate(bare.url, paced, RATE);
      onlyOk(pacedRun, "baseline at a fixed rate");
      pacedBaselines.push(pacedRun);
      const baseline = async () => {
        const run = await send(bare.url, fresh, CONCURRENCY);
        onlyOk(run, "baseline");
        return run;
      };
      runs.push(await ingest(baseline, fresh, warmup, paced));
    }
  } finally {
    await bare.close();
  }
  const sweep = await sweepUnderLoad();
  const median = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  };
  const freshRatios = runs.map((r) => r.baseline.ms / r.fresh.ms);
  const cpuRatios = runs.map((r) => r.cpuUs.baseline / r.cpuUs.fresh);
  const retryRatios = runs.map((r) => r.baseline.ms / r.retry.ms);
  const baseline = runs.map((r) => r.baseline).reduce((a, b) => (b.ms < a.ms ? b : a));
  const ours = runs.reduce((a, b) => (b.fresh.ms < a.fresh.ms ? b : a));
  const retry = runs.reduce((a, b) => (b.retry.ms < a.retry.ms ? b : a));
  const byP99 = (a: Send, b: Send) => (pct(b.latencies, 99) < pct(a.latencies, 99) ? b : a);
  const pacedBaseline = pacedBaselines.reduce(byP99);
  const pacedOurs = runs.map((r) => r.atRate).reduce(byP99);
  const steps = stepCosts(fresh);

  const ms = (value: number) => value.toFixed(1);
  const row = (name: string, r: Send, highlights: string) =>
    `| ${name} | ${r.ms.toFixed(0)} | ${rate(EVENTS, r.ms)} | ${ms(pct(r.latencies, 50))} | ${ms(pct(r.latencies, 99))} | ${ms(r.latencies.at(-1) ?? 0)} | ${highlights} |`;
  const sync = ({ 0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA" } as Record<number, string>)[ours.synchronous];
  console.log(
    `bench/ingest — ${EVENTS.toLocaleString("en-GB")} signed reaction_added events over HTTP, ${CONCURRENCY} in flight, ${runs.length} rounds (bare server, then a fresh bot)`,
  );
  console.log(
    "| round | bare server (events/s) | weeknotes, new events (events/s) | ratio | CPU per event, bare / weeknotes (µs) | carried out by the worker meanwhile |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
  runs.forEach((r, i) => {
    console.log(
      `| ${i + 1} | ${rate(EVENTS, r.baseline.ms)} | ${rate(EVENTS, r.fresh.ms)} | ${(freshRatios[i] ?? 0).toFixed(2)} | ${r.cpuUs.baseline.toFixed(0)} / ${r.cpuUs.fresh.toFixed(0)} | ${r.workedDuring} of ${EVENTS} |`,
    );
  });
  console.log("best of the rounds:");
  console.log("| run | send (ms) | events/s | ack p50 (ms) | ack p99 (ms) | ack max (ms) | highlights |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  console.log(row("baseline: bare node:http, HMAC check, 200", baseline, "—"));
  console.log(row("weeknotes: new events", ours.fresh, String(ours.highlights)));
  console.log(row("weeknotes: same event ids again (retries)", retry.retry, "+0"));
  console.log(
    `open loop, ${RATE_EVENTS.toLocaleString("en-GB")} new events offered at ${RATE}/s (latency from when each was due):`,
  );
  console.log(row(`baseline at ${RATE}/s`, pacedBaseline, "—"));
  console.log(row(`weeknotes at ${RATE}/s, worker running`, pacedOurs, `+${RATE_EVENTS}`));
  console.log(
    row(
      `weeknotes at ${RATE}/s, ${SWEEP_TEAMS.toLocaleString("en-GB")} teams due in the same minute`,
      sweep.acks,
      "—",
    ),
  );
  console.log(
    `the sweep: ${sweep.drafted} of ${SWEEP_TEAMS} teams' drafts made ${sweep.sweepMs.toFixed(0)} ms after the bot started (the events and the worker sharing the event loop with it); ack max during the sweep ${ms(sweep.acks.latencies.at(-1) ?? 0)} ms`,
  );
  console.log(
    `all ${EVENTS} highlights stored ${ours.storedMs.toFixed(0)} ms after the first request: ${rate(EVENTS, ours.storedMs)} events/s through the worker (rounds: ${runs.map((r) => rate(EVENTS, r.storedMs)).join(", ")})`,
  );
  console.log(
    `SQLite synchronous=${sync ?? ours.synchronous} (the store's connection; recorded events are committed FULL by a connection on a thread of their own); Web API calls for the new events ${JSON.stringify(ours.calls)}, on the retries ${retry.retryCalls}`,
  );
  console.log(
    `per event, outside the server: Bolt's signature check ${steps.verifyUs.toFixed(1)} µs, JSON.parse ${steps.parseUs.toFixed(1)} µs`,
  );
  const median2 = (values: number[]) => median(values).toFixed(2);
  const range = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
  const p99 = (r: Send) => pct(r.latencies, 99);
  console.log(
    `ratio (weeknotes / baseline), median of the rounds' ratios: new events throughput ${median2(freshRatios)}× (${range(freshRatios)}), CPU per event ${median2(cpuRatios)}× (${range(cpuRatios)}); retries ${median2(retryRatios)}× (${range(retryRatios)}); ack p99 at ${RATE}/s ${ms(p99(pacedOurs))} ms against ${ms(p99(pacedBaseline))} ms`,
  );
}

if (import.meta.url === `file://${resolve(process.argv[1] ?? "")}`) {
  await benchIngest();
}
