import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPinoLogger } from "../../adapters/logger/pino-logger.ts";
import { withSettingValuesMasked } from "../../src/cli.ts";
import { buildBot } from "../../src/compose.ts";
import { CONFIG_KEYS, loadConfig, secretSettings } from "../../src/config.ts";
import { LLM_CONFIG_KEYS } from "../../src/config-llm.ts";
import { BotError } from "../../src/domain/errors.ts";
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

// Issue 12, item 5: no start-up error and no log line, at any level, holds a value given for a
// secret-looking setting. Each secret-looking value is planted in each setting in turn, on top of a
// configuration that starts Slack (against the fake Web API), Teams and the LLM summariser with
// credentials in every URL; then the bot is started and stopped as `weeknotes serve` does it, with
// the real pino logger at the configured level (trace) writing to a file, and every line of that
// file and the error line the CLI would print are searched for the planted value and for the
// passwords of the URLs. Values are planted as given except in DATA_DIR, where the value is the
// name of a folder inside a temporary one (a relative folder would be made in the repository).
describe("secrets never echo at start-up", () => {
  const PLANTED = [
    "xoxb-1111111111-2222222222-PlantedBotTokenAbc",
    "xapp-1-A0PLANTED-3333333333-plantedappsecret0123",
    "sk-proj-PlantedOpenAiKey0123456789abcdef",
    "Qx8Q~PlantedAzureSecret.abcDEF_0123456789-xyz",
    "https://planted-user:PlantedUrlPassword9@127.0.0.1:1/api/",
  ];
  const URL_PASSWORDS = ["SlackUrlPassword7", "OpenAiUrlPassword7", "TeamsUrlPassword7"];
  const KEYS = [...CONFIG_KEYS, ...LLM_CONFIG_KEYS];

  /** What a value would look like in a line: itself, and its distinctive middle (so a cut value shows too). */
  function traces(value: string): string[] {
    return [value, value.slice(8, 28)];
  }

  async function startUp(plant: { key: string; value: string } | undefined, slackUrlCredentials = false) {
    const fake = await startFakeSlackApi({ teamId: TEAM });
    fake.setHandler("auth.test", () => ({
      ok: true,
      user_id: "U0BOT00001",
      bot_id: "B0BOT00001",
      team_id: TEAM,
    }));
    // A planted app token turns Socket Mode on; Slack refusing it ends the start instead of a reconnect loop.
    fake.setHandler("apps.connections.open", () => ({ ok: false, error: "invalid_auth" }));
    const dir = await mkdtemp(join(tmpdir(), "weeknotes-secrets-"));
    const slackApi = new URL(fake.url);
    if (slackUrlCredentials) {
      // The Slack client cannot send them (fetch refuses such a URL), so this start fails at the
      // token check; its warning names the URL, which used to carry the password at the default level.
      slackApi.username = "slack-user";
      slackApi.password = URL_PASSWORDS[0] ?? "";
    }
    const env: Record<string, string> = {
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: join(dir, "data"),
      LOG_LEVEL: "trace",
      SLACK_BOT_TOKEN: "xoxb-0000000000-0000000000-BaselineBotToken",
      SLACK_SIGNING_SECRET: "baselinesigningsecret0123456789ab",
      SLACK_API_URL: slackApi.toString(),
      MICROSOFT_APP_ID: "00000000-0000-4000-8000-000000000001",
      MICROSOFT_APP_PASSWORD: "Bs8Q~BaselineAzureSecret.0123456789",
      TEAMS_LOGIN_URL: `https://teams-user:${URL_PASSWORDS[2]}@127.0.0.1:1/login`,
      TEAMS_GRAPH_URL: `https://teams-user:${URL_PASSWORDS[2]}@127.0.0.1:1/v1.0`,
      OPENAI_API_KEY: "sk-BaselineOpenAiKey0123456789",
      OPENAI_BASE_URL: `http://openai-user:${URL_PASSWORDS[1]}@127.0.0.1:1/v1`,
    };
    if (plant) {
      env[plant.key] = plant.key === "DATA_DIR" ? join(dir, plant.value.replace(/[/:@]/g, "_")) : plant.value;
    }
    const logFile = join(dir, "log.jsonl");
    const fd = openSync(logFile, "w");
    const shown: string[] = [];
    try {
      const config = loadConfig(env);
      // As compose.ts builds it (no `secrets` list: the scrubbing of URLs and secret-named fields
      // alone must be enough), but into a file.
      const logger = createPinoLogger({ level: config.logLevel, destination: fd });
      const bot = await buildBot(config, { logger, schedule: false });
      await bot.start();
      await bot.stop();
    } catch (error) {
      // What the CLI prints for a failed `weeknotes serve` (src/cli.ts main()).
      const masked = withSettingValuesMasked(error, env);
      shown.push(masked instanceof BotError ? masked.toUserLine() : `unexpected error: ${masked.message}`);
    } finally {
      closeSync(fd);
      await fake.close();
    }
    const lines = [...readFileSync(logFile, "utf8").split("\n").filter(Boolean), ...shown];
    await rm(dir, { recursive: true, force: true });
    return { env, lines, failed: shown.length > 0 };
  }

  it("the baseline starts, logs at trace level, and no line holds a URL password or a secret", async () => {
    const { env, lines, failed } = await startUp(undefined);
    expect(failed).toBe(false);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.some((l) => l.includes("/api/auth.test"))).toBe(true);
    for (const secret of [...URL_PASSWORDS, ...Object.values(secretSettings(env))]) {
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    }
  });

  it("the logger scrubs every line at every level: URL credentials, secret-named fields, given secrets", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weeknotes-log-"));
    const file = join(dir, "log.jsonl");
    const fd = openSync(file, "w");
    const token = "xoxb-1111-2222-GivenSecretToken";
    const logger = createPinoLogger({ level: "trace", destination: fd, secrets: { SLACK_BOT_TOKEN: token } });
    const url = "https://someone:UrlPassword7@api.example.org/v1";
    for (const level of ["debug", "info", "warn", "error"] as const) {
      logger[level](
        { url, nested: { token, apiKey: "sk-nested" }, password: "p4ss" },
        `${level}: ${url} with ${token}`,
      );
      logger.child({ base: url })[level]({ error: new Error(`failed at ${url}`).message }, "child");
    }
    closeSync(fd);
    const text = readFileSync(file, "utf8");
    await rm(dir, { recursive: true, force: true });
    expect(text.split("\n").filter(Boolean)).toHaveLength(8);
    for (const secret of ["UrlPassword7", "someone", token, "sk-nested", "p4ss"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("https://api.example.org/v1 with <SLACK_BOT_TOKEN>");
    expect(text).toContain('"token":"[redacted]"');
  });

  it("a SLACK_API_URL with user:password is logged (warning and debug) without them", async () => {
    const { lines, failed } = await startUp(undefined, true);
    expect(failed).toBe(true);
    const named = lines.filter((l) => l.includes("/api/auth.test"));
    expect(named.some((l) => l.includes('"level":40'))).toBe(true);
    expect(named.some((l) => l.includes("http://127.0.0.1:"))).toBe(true);
    expect(lines.filter((l) => l.includes(URL_PASSWORDS[0] ?? "?") || l.includes("slack-user"))).toEqual([]);
  });

  it("no error or log line holds a secret-looking value planted in any setting", {
    timeout: 120_000,
  }, async () => {
    const leaks: string[] = [];
    let started = 0;
    // HOST is left out here: a token in HOST is a host name to resolve, and the test may not ask
    // DNS (no-egress guard); the error that lookup gives is masked in test/unit/secrets.unit.test.ts.
    for (const key of KEYS.filter((k) => k !== "HOST")) {
      for (const value of PLANTED) {
        const { lines, failed } = await startUp({ key, value });
        if (!failed) started += 1;
        for (const trace of [...traces(value), ...URL_PASSWORDS]) {
          for (const line of lines.filter((l) => l.includes(trace))) {
            leaks.push(`${key}=${value}: ${line.slice(0, 300)}`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
    // Some plants start the bot (a value any string may be), most are refused: both were searched.
    expect(started).toBeGreaterThan(10);
  });
});
