import { request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { quotaExceeded, startFakeOpenAi } from "../support/fake-openai.ts";
import { approveReview } from "../support/slack-scenario.ts";

// Issue 11 item 4: after the Slack loop, /metrics shows the counts of what happened, exactly;
// /readyz answers 503 while the bot drains and stops, and when the inbox is stuck.

const ALICE = "U0ALICE001";
const BOB = "U0BOB00002";
const GENERAL = "C0GENERAL1";
const SECRET_ROOM = "C0SECRET01";
const MESSAGES = [
  { ts: "1774346400.000100", user: BOB, text: "Bins booking went live in beta :tada:" },
  { ts: "1774432800.000200", user: ALICE, text: "Accessibility audit: 11 of 14 issues fixed" },
  { ts: "1774519200.000300", user: BOB, text: "Thanks <@U0ALICE001> for running the cyber drill" },
];

function reaction(user: string, ts: string, channel = GENERAL) {
  return {
    type: "reaction_added",
    user,
    reaction: "star",
    item: { type: "message", channel, ts },
    event_ts: "1774600000.000100",
  };
}

/** `GET url` on a fresh connection: status and body. */
async function get(url: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body, type: String(res.headers["content-type"]) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** The value of one sample of Prometheus' text format: `name{a="b",…} value` (labels in any order). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (
      Object.entries(labels).every(([k, v]) => have[k] === v) &&
      Object.keys(have).length === Object.keys(labels).length
    ) {
      return Number(match[3]);
    }
  }
  return undefined;
}

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot({ now: "2026-03-27T12:00:00Z" });
  t.fake.addChannel({ id: GENERAL, name: "general" });
  t.fake.addChannel({ id: SECRET_ROOM, name: "secret", is_private: true });
  t.fake.notInChannel(SECRET_ROOM);
  t.fake.addUser({ id: ALICE, name: "alice", profile: { display_name: "Alice" } });
  t.fake.addUser({ id: BOB, name: "bob", profile: { display_name: "Bob" } });
  for (const message of MESSAGES) t.fake.addMessage(GENERAL, { type: "message", ...message });
  t.fake.addMessage(SECRET_ROOM, { type: "message", ts: "1774519300.000400", user: BOB, text: "unseen" });
});
afterEach(async () => {
  await t.stop();
});

describe("/metrics after the Slack loop", () => {
  it("counts every event, duplicate, highlight, draft, platform error and store call that happened", async () => {
    for (const [i, message] of MESSAGES.entries()) {
      expect((await t.event(reaction(ALICE, message.ts), `Ev0MET0000${i}`)).status).toBe(200);
    }
    // Slack redelivers the first one: recorded once, counted as a duplicate.
    const again = await t.event(reaction(ALICE, MESSAGES[0]?.ts ?? ""), "Ev0MET00000", {
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
    expect(again.status).toBe(200);
    // A tag in a channel the bot is not in: the fetch fails with platform.not_in_channel.
    expect((await t.event(reaction(ALICE, "1774519300.000400", SECRET_ROOM), "Ev0MET00009")).status).toBe(
      200,
    );
    await t.settle();

    expect((await t.command("draft", ALICE)).status).toBe(200);
    await t.settle();
    expect(await approveReview(t, ALICE, GENERAL)).toBe(200);
    expect(
      (await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" }))?.status,
    ).toBe("approved");

    const scraped = await get(`${t.bot.url}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = scraped.body;
    // Deliveries: 4 reactions + 1 redelivery + the draft command + the approve click.
    expect(sample(m, "weeknotes_inbox_events_total", { outcome: "received" })).toBe(7);
    expect(sample(m, "weeknotes_inbox_events_total", { outcome: "recorded" })).toBe(6);
    expect(sample(m, "weeknotes_inbox_events_total", { outcome: "deduplicated" })).toBe(1);
    expect(sample(m, "weeknotes_inbox_events_total", { outcome: "failed" })).toBe(0);
    // The tag the bot cannot read fails for good; the other five are done.
    expect(sample(m, "weeknotes_inbox_processed_total", { status: "done" })).toBe(5);
    expect(sample(m, "weeknotes_inbox_processed_total", { status: "failed" })).toBe(1);
    expect(sample(m, "weeknotes_inbox_processed_total", { status: "retry" })).toBe(0);
    expect(sample(m, "weeknotes_highlights_captured_total", { platform: "slack" })).toBe(3);
    expect(sample(m, "weeknotes_drafts_total", { summariser: "offline", outcome: "written" })).toBe(1);
    expect(
      sample(m, "weeknotes_platform_api_errors_total", {
        platform: "slack",
        code: "platform.not_in_channel",
      }),
    ).toBe(1);
    expect(sample(m, "weeknotes_inbox_backlog")).toBe(0);
    expect(sample(m, "weeknotes_inbox_oldest_age_seconds")).toBe(0);
    // Every recordEvent call was timed, the redelivery's too.
    expect(
      sample(m, "weeknotes_store_operation_duration_seconds_count", {
        operation: "recordEvent",
        outcome: "ok",
      }),
    ).toBe(7);
    // No LLM is configured: no request, no tokens.
    expect(sample(m, "weeknotes_llm_tokens_total", { type: "prompt" })).toBe(0);
    expect(m).toContain("# TYPE weeknotes_llm_request_duration_seconds histogram");
    expect(m).toContain("weeknotes_process_cpu_seconds_total");
  });
});

describe("/metrics with the LLM", () => {
  it("times each LLM request and counts its error code and the draft's fallback", async () => {
    const openai = await startFakeOpenAi();
    try {
      await t.bot.stop();
      t = await startTestBot({
        now: "2026-03-27T12:00:00Z",
        env: { OPENAI_API_KEY: "sk-test-key", OPENAI_BASE_URL: openai.url },
      });
      t.fake.addChannel({ id: GENERAL, name: "general" });
      t.fake.addUser({ id: BOB, name: "bob", profile: { display_name: "Bob" } });
      t.fake.addMessage(GENERAL, { type: "message", ...(MESSAGES[0] as (typeof MESSAGES)[number]) });
      expect((await t.event(reaction(ALICE, MESSAGES[0]?.ts ?? ""), "Ev0LLM00001")).status).toBe(200);
      await t.settle();
      // The first draft: the account is out of quota (never retried), so the offline summariser writes it.
      openai.script(quotaExceeded());
      await t.command("draft", ALICE);
      await t.settle();
      const m = (await get(`${t.bot.url}/metrics`)).body;
      expect(openai.requests).toHaveLength(1);
      expect(sample(m, "weeknotes_drafts_total", { summariser: "openai", outcome: "fallback" })).toBe(1);
      expect(sample(m, "weeknotes_llm_errors_total", { code: "summariser.quota" })).toBe(1);
      expect(sample(m, "weeknotes_llm_request_duration_seconds_count", { outcome: "error" })).toBe(1);
      expect(sample(m, "weeknotes_llm_request_duration_seconds_count", { outcome: "ok" })).toBeUndefined();
    } finally {
      await openai.close();
    }
  });
});

describe("/readyz", () => {
  it("answers 200, then 503 from the moment the bot drains, while /healthz still answers 200", async () => {
    expect((await get(`${t.bot.url}/readyz`)).status).toBe(200);
    t.bot.drain();
    expect((await get(`${t.bot.url}/readyz`)).status).toBe(503);
    expect((await get(`${t.bot.url}/healthz`)).status).toBe(200);
    expect(
      t.logger.entries.some((e) => e.message === "Not ready" && e.fields.reason === "shutting down"),
    ).toBe(true);
  });

  it("answers 503 when the oldest waiting inbox event is older than the threshold", async () => {
    await t.bot.stop();
    t = await startTestBot({ now: "2026-03-27T12:00:00Z", overrides: { inboxStuckAfterMs: 60_000 } });
    t.fake.addChannel({ id: GENERAL, name: "general" });
    t.fake.addMessage(GENERAL, { type: "message", ...(MESSAGES[0] as (typeof MESSAGES)[number]) });
    // Slack stops answering the worker's fetch: the event stays pending behind it.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const method of ["conversations.history", "conversations.replies"]) {
      t.fake.setHandler(method, async (_args, _call, next) => {
        await held;
        return next();
      });
    }
    try {
      expect((await t.event(reaction(ALICE, MESSAGES[0]?.ts ?? ""), "Ev0STUCK001")).status).toBe(200);
      expect((await get(`${t.bot.url}/readyz`)).status).toBe(200);
      t.clock.advance(61_000);
      expect((await get(`${t.bot.url}/readyz`)).status).toBe(503);
      expect(
        t.logger.entries.some(
          (e) => e.message === "Not ready" && /^inbox stuck: 1 events/.test(String(e.fields.reason)),
        ),
      ).toBe(true);
      const m = (await get(`${t.bot.url}/metrics`)).body;
      expect(sample(m, "weeknotes_inbox_backlog")).toBe(1);
      expect(sample(m, "weeknotes_inbox_oldest_age_seconds")).toBe(61);
    } finally {
      release();
    }
  });
});
