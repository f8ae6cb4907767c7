import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPinoLogger } from "../../adapters/logger/pino-logger.ts";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { approveReview } from "../support/slack-scenario.ts";

// Issue 10 item 12: with LOG_LEVEL=debug the Slack SDK logs whole Web API requests and responses
// and Bolt logs event bodies. The real logger (pino, as `weeknotes serve` makes it) runs the whole
// Slack loop at debug; its output holds no word of the tagged messages, yet still names the API
// methods, ids and outcomes.

const ALICE = "U0ALICE001";
const BOB = "U0BOB00002";
const GENERAL = "C0GENERAL1";
const MESSAGES = [
  { ts: "1774346400.000100", user: BOB, text: "Bins booking went live in beta :tada:" },
  { ts: "1774432800.000200", user: ALICE, text: "Accessibility audit: 11 of 14 issues fixed &amp; retested" },
  { ts: "1774519200.000300", user: BOB, text: "Thanks <@U0ALICE001> for running the cyber drill" },
];
// Words of each message that appear nowhere else in a log line (checked case-insensitively).
const CONTENT_WORDS = [
  "bins booking",
  "went live",
  "accessibility audit",
  "retested",
  "cyber drill",
  "running the",
];

let t: TestBot;
let lines: string[];
beforeEach(async () => {
  lines = [];
  const logger = createPinoLogger({
    level: "debug",
    stream: { write: (line: string) => void lines.push(line) },
    secrets: { SLACK_BOT_TOKEN: "xoxb-test" },
  });
  t = await startTestBot({ now: "2026-03-27T12:00:00Z", overrides: { logger } });
  t.fake.addChannel({ id: GENERAL, name: "general" });
  t.fake.addUser({ id: ALICE, name: "alice", profile: { display_name: "Alice" } });
  t.fake.addUser({ id: BOB, name: "bob", profile: { display_name: "Bob" } });
  for (const message of MESSAGES) t.fake.addMessage(GENERAL, { type: "message", ...message });
});
afterEach(async () => {
  await t.stop();
});

describe("a debug-level run of the Slack loop", () => {
  it("logs API methods, ids and outcomes but none of the tagged messages' text", async () => {
    for (const [i, message] of MESSAGES.entries()) {
      expect((await t.event(reactionAdded(message.ts), `Ev0REDACT0${i}`)).status).toBe(200);
    }
    await t.settle();
    expect((await t.command("draft", ALICE)).status).toBe(200);
    await t.settle();
    expect(await approveReview(t, ALICE, GENERAL)).toBe(200);
    const last = await t.command("last", BOB);
    expect(last.body).toContain("Bins booking went live in beta");
    expect(
      (await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" }))?.status,
    ).toBe("approved");

    const log = lines.join("");
    // Every line is JSON, and the SDKs did log at debug: the test is not vacuous.
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg?: string });
    expect(entries.filter((e) => e.level === 20).length).toBeGreaterThan(20);
    expect(log).toContain("http request result");
    expect(log).toContain("apiCall('conversations.history') start");
    expect(log).toContain("apiCall('chat.postMessage') start");
    // …and kept what debugging needs: ids, timestamps, outcomes.
    expect(log).toContain(GENERAL);
    expect(log).toContain(MESSAGES[0]?.ts);
    expect(log).toContain('\\"ok\\":true');
    for (const word of CONTENT_WORDS) {
      expect(log.toLowerCase(), word).not.toContain(word);
    }
  });
});

function reactionAdded(ts: string) {
  return {
    type: "reaction_added",
    user: ALICE,
    reaction: "star",
    item: { type: "message", channel: GENERAL, ts },
    event_ts: "1774600000.000100",
  };
}
