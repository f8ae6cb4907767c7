import { Agent, request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { type FakeOpenAi, startFakeOpenAi } from "../support/fake-openai.ts";
import { buttonsOf } from "../support/slack-scenario.ts";

// Issue 12, item 1: with REDACT_PII=true, three 40,000-character pastes starred and a draft asked
// for froze the whole bot for 18.6 s (acks and /healthz included), because redaction backtracked.
// Here the real bot (HTTP server on 127.0.0.1, Bolt behind our signed receiver, SQLite, the inbox
// worker) drafts through the real OpenAI client against the fake OpenAI API, with redaction on,
// while a second client keeps asking /healthz; no answer may wait more than 100 ms.

const ALICE = "U0ALICE001";
const GENERAL = "C0GENERAL1";
const LENGTH = 40_000; // Slack's longest message, in characters.

/** 40,000 bytes of base64 as a pasted key or image would give, deterministic. */
function base64Paste(): string {
  const bytes = Buffer.alloc(LENGTH);
  let x = 2_463_534_242;
  for (let i = 0; i < bytes.length; i += 1) {
    // xorshift32: spread bytes, so the base64 is not one repeated pattern.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes.toString("base64").slice(0, LENGTH);
}

// The three examples: an unbroken run of Latin letters, of Cyrillic letters, and base64.
const PASTES = [
  { ts: "1774346400.000100", text: "a".repeat(LENGTH) },
  { ts: "1774432800.000200", text: "я".repeat(LENGTH) },
  { ts: "1774519200.000300", text: base64Paste() },
];

/**
 * Asks `GET /healthz` again and again until stop() is called, on two kept-alive connections that
 * each send the next request as soon as the last is answered, so a request is always waiting: the
 * event loop cannot be held at any moment without some answer waiting as long. Each wait is from
 * writing the request to reading the whole answer.
 */
function keepProbing(url: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const waits: number[] = [];
  const failures: string[] = [];
  let running = true;
  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request(`${url}/healthz`, { agent }, (res) => {
        res.resume();
        res.on("end", () => {
          waits.push(performance.now() - started);
          if (res.statusCode !== 200) failures.push(`status ${res.statusCode}`);
          resolve();
        });
      });
      req.on("error", (error) => {
        failures.push(error.message);
        resolve();
      });
      req.end();
    });
  const lane = async () => {
    while (running) {
      await once();
    }
  };
  const lanes = Promise.all([lane(), lane()]);
  return {
    waits,
    failures,
    async stop() {
      running = false;
      await lanes;
      agent.destroy();
    },
  };
}

let t: TestBot;
let openai: FakeOpenAi;
beforeEach(async () => {
  openai = await startFakeOpenAi();
  t = await startTestBot({
    now: "2026-03-27T12:00:00Z",
    env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: openai.url, REDACT_PII: "true" },
  });
  t.fake.addChannel({ id: GENERAL, name: "general" });
  t.fake.addUser({ id: ALICE, name: "alice", profile: { display_name: "Alice" } });
  for (const paste of PASTES) {
    t.fake.addMessage(GENERAL, { type: "message", user: ALICE, ...paste });
  }
});
afterEach(async () => {
  await t.stop();
  await openai.close();
});

describe("hostile text against the running bot", () => {
  it("three starred 40,000-character pastes and a draft with REDACT_PII=true: /healthz never waits over 100 ms", async () => {
    const probe = keepProbing(t.bot.url);
    try {
      for (const [i, paste] of PASTES.entries()) {
        const ack = await t.event(
          {
            type: "reaction_added",
            user: ALICE,
            reaction: "star",
            item: { type: "message", channel: GENERAL, ts: paste.ts },
            event_ts: "1774600000.000100",
          },
          `Ev0HOSTILE0${i}`,
        );
        expect(ack.status).toBe(200);
      }
      await t.settle();
      const draft = await t.command("draft", ALICE);
      expect(draft.status).toBe(200);
      await t.settle();
    } finally {
      await probe.stop();
    }

    // The draft went the whole way: three highlights stored, written by the LLM (not the offline
    // fallback), redaction on, and posted for review with its buttons.
    const stored = await t.bot.store.listHighlights({
      workspace: TEAM,
      fromMs: 0,
      toMs: Date.parse("2027-01-01"),
    });
    expect(stored.map((h) => h.text.length)).toEqual([LENGTH, LENGTH, LENGTH]);
    expect(openai.requests.filter((r) => r.outcome === 200).length).toBeGreaterThanOrEqual(1);
    const review = t.fake.callsOf("chat.postMessage").find((c) => buttonsOf(c).length > 0);
    expect(review).toBeDefined();
    expect(JSON.stringify(review?.args)).toContain(
      "e-mail addresses, phone numbers and NI numbers were removed",
    );

    // Robustness of the bound: a /healthz request was waiting at every moment of the capture and
    // the draft (two probes, each asking again as soon as it is answered; at least 20 answers, so
    // the probe surely ran), so the event loop cannot be held anywhere in that time without an
    // answer waiting as long. 100 ms is the issue's own bound, with room for a busy
    // machine: an idle answer takes about 1 ms, and before the fix one text scan held the loop for
    // seconds. Nothing else in the test is timed.
    expect(probe.waits.length).toBeGreaterThanOrEqual(20);
    const slowest = [...probe.waits].sort((a, b) => b - a).slice(0, 5);
    expect(
      Math.max(...probe.waits),
      `the slowest answers (ms): ${slowest.map(Math.round).join(", ")}`,
    ).toBeLessThan(100);
  });
});
