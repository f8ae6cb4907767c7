import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBot } from "../../src/compose.ts";
import { loadConfig } from "../../src/config.ts";
import { memoryLogger, SECRET, TEAM } from "../support/bot-harness.ts";
import { startFakeSlackApi } from "../support/fake-slack-api.ts";

async function startWith(authTest: unknown) {
  const fake = await startFakeSlackApi({ teamId: TEAM });
  fake.setHandler("auth.test", () => authTest);
  const dataDir = await mkdtemp(join(tmpdir(), "weeknotes-startup-"));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.url,
  });
  const bot = await buildBot(config, { logger: memoryLogger(), schedule: false });
  try {
    await bot.start();
    await bot.stop();
    return { ok: true as const, calls: fake.callsOf("auth.test").length };
  } catch (error) {
    return { ok: false as const, error: error as Error & { code: string } };
  } finally {
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe("starting the bot", () => {
  it("checks the token with auth.test once, at start-up", async () => {
    const result = await startWith({ ok: true, user_id: "U0BOT00001", bot_id: "B0BOT00001", team_id: TEAM });
    expect(result).toEqual({ ok: true, calls: 1 });
  });

  it("refuses a token Slack refuses, with a clear config error and nothing left running", async () => {
    const result = await startWith({ ok: false, error: "invalid_auth" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("config.invalid");
      expect(result.error.message).toMatch(/Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
    }
  });
});
