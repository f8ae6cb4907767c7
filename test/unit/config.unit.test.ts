import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { type BotError, isBotError } from "../../src/domain/errors.ts";

const BOT_TOKEN = "xoxb-111-222-SECRETBOT";
const APP_TOKEN = "xapp-1-A111-SECRETAPP";
const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

/** The BotError loadConfig throws for `env`; fails the test if it does not throw one. */
function configError(env: Record<string, string | undefined>): BotError {
  try {
    loadConfig(env);
  } catch (error) {
    if (isBotError(error, "config.invalid")) return error;
    throw error;
  }
  throw new Error("loadConfig accepted a bad environment");
}

/** The lines of the error message that name a key, keyed by the key. */
function problemLines(error: BotError): Map<string, string> {
  const lines = error.message.split("\n").slice(1);
  return new Map(lines.map((line) => [line.trim().split(" ")[0] ?? "", line.trim()]));
}

describe("loadConfig defaults", () => {
  it("gives every default when nothing is set, with Slack off", () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: "0.0.0.0",
      dataDir: "./data",
      logLevel: "info",
      defaultTimezone: "Europe/London",
      maxBodyBytes: 1_048_576,
      slack: undefined,
      summariser: { llm: undefined, redactPii: false, promptsDir: undefined, teamPromptsDir: undefined },
      publish: { blog: undefined, webhook: undefined },
      storage: { store: { kind: "sqlite" }, replicas: 1, retentionDays: 30 },
    });
  });

  it("treats blank values as unset, so `KEY=` lines in .env take the default", () => {
    const config = loadConfig({
      PORT: "",
      HOST: "  ",
      LOG_LEVEL: "",
      SLACK_APP_TOKEN: "",
      SLACK_BOT_TOKEN: "",
    });
    expect(config.port).toBe(3000);
    expect(config.host).toBe("0.0.0.0");
    expect(config.slack).toBeUndefined();
  });

  it("reads every key, trimming whitespace and lower-casing the log level", () => {
    const config = loadConfig({
      PORT: " 8080 ",
      HOST: "127.0.0.1",
      DATA_DIR: "/var/lib/weeknotes",
      LOG_LEVEL: "DEBUG",
      DEFAULT_TIMEZONE: "America/New_York",
      MAX_BODY_BYTES: "65536",
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: "http://127.0.0.1:9999/api/",
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: "http://127.0.0.1:9998/v1",
      OPENAI_MODEL: "gpt-4.1-mini",
      OPENAI_TIMEOUT_MS: "5000",
      OPENAI_MAX_RETRIES: "1",
      LLM_TOTAL_TIMEOUT_MS: "90000",
      OPENAI_TOKEN_BUDGET: "50000",
      OPENAI_HIGHLIGHT_TOKEN_CAP: "500",
      REDACT_PII: "TRUE",
      PROMPTS_DIR: "/etc/weeknotes/prompts",
    });
    expect(config.summariser).toEqual({
      redactPii: true,
      promptsDir: "/etc/weeknotes/prompts",
      teamPromptsDir: undefined,
      llm: {
        apiKey: "sk-test",
        baseURL: "http://127.0.0.1:9998/v1",
        model: "gpt-4.1-mini",
        timeoutMs: 5000,
        maxRetries: 1,
        totalTimeoutMs: 90_000,
        tokenBudget: 50_000,
        highlightTokenCap: 500,
      },
    });
    expect({ ...config, summariser: undefined }).toEqual({
      summariser: undefined,
      port: 8080,
      host: "127.0.0.1",
      dataDir: "/var/lib/weeknotes",
      logLevel: "debug",
      defaultTimezone: "America/New_York",
      maxBodyBytes: 65_536,
      storage: { store: { kind: "sqlite" }, replicas: 1, retentionDays: 30 },
      slack: {
        mode: "http",
        botToken: BOT_TOKEN,
        signingSecret: SIGNING_SECRET,
        apiUrl: "http://127.0.0.1:9999/api/",
      },
      publish: { blog: undefined, webhook: undefined },
    });
  });

  it("accepts port 0 (any free port, for tests)", () => {
    expect(loadConfig({ PORT: "0" }).port).toBe(0);
  });

  it("ignores variables it does not know", () => {
    expect(loadConfig({ PATH: "/usr/bin", NODE_ENV: "production" }).port).toBe(3000);
  });
});

describe("loadConfig Slack modes", () => {
  it("uses the HTTP Events API with a bot token and a signing secret", () => {
    const { slack } = loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET });
    expect(slack).toEqual({
      mode: "http",
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: "https://slack.com/api/",
    });
  });

  it("uses Socket Mode when SLACK_APP_TOKEN is set, with no signing secret needed", () => {
    const { slack } = loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN });
    expect(slack).toEqual({
      mode: "socket",
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      signingSecret: undefined,
      apiUrl: "https://slack.com/api/",
    });
  });

  it("keeps the signing secret in Socket Mode when it is given", () => {
    const { slack } = loadConfig({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
    });
    expect(slack?.mode).toBe("socket");
    expect(slack?.signingSecret).toBe(SIGNING_SECRET);
  });

  it("requires the signing secret for HTTP mode", () => {
    const error = configError({ SLACK_BOT_TOKEN: BOT_TOKEN });
    expect([...problemLines(error).keys()]).toEqual(["SLACK_SIGNING_SECRET"]);
    expect(error.message).toContain("SLACK_APP_TOKEN");
  });

  it("refuses Slack settings without a bot token rather than silently turning Slack off", () => {
    const error = configError({ SLACK_SIGNING_SECRET: SIGNING_SECRET });
    expect([...problemLines(error).keys()]).toEqual(["SLACK_BOT_TOKEN"]);
  });

  it("checks token prefixes and names a swapped pair", () => {
    const error = configError({ SLACK_BOT_TOKEN: APP_TOKEN, SLACK_APP_TOKEN: BOT_TOKEN });
    const lines = problemLines(error);
    expect(lines.get("SLACK_BOT_TOKEN")).toContain("xoxb-");
    expect(lines.get("SLACK_BOT_TOKEN")).toContain("starts with xapp-");
    expect(lines.get("SLACK_APP_TOKEN")).toContain("starts with xoxb-");
  });

  it.each([
    ["https://slack.com/api", "no trailing slash"],
    ["ftp://slack.com/api/", "not http(s)"],
    ["slack.com/api/", "not a URL"],
  ])("refuses SLACK_API_URL %s (%s)", (url) => {
    const error = configError({ SLACK_API_URL: url });
    expect([...problemLines(error).keys()]).toEqual(["SLACK_API_URL"]);
  });
});

describe("loadConfig errors", () => {
  it("reports every bad key at once, in one config.invalid error, one line each", () => {
    const error = configError({
      PORT: "70000",
      HOST: "two words",
      LOG_LEVEL: "loud",
      DEFAULT_TIMEZONE: "Europe/Lndon",
      MAX_BODY_BYTES: "1MB",
      SLACK_BOT_TOKEN: "not-a-token",
      SLACK_APP_TOKEN: "also-not",
      SLACK_API_URL: "https://slack.com/api",
    });
    expect(error.code).toBe("config.invalid");
    expect(error.message).toMatch(/^Invalid configuration, 8 problems:\n/);
    expect([...problemLines(error).keys()]).toEqual([
      "PORT",
      "HOST",
      "LOG_LEVEL",
      "DEFAULT_TIMEZONE",
      "MAX_BODY_BYTES",
      "SLACK_BOT_TOKEN",
      "SLACK_APP_TOKEN",
      "SLACK_API_URL",
    ]);
    expect(error.hint).toContain(".env.example");
  });

  it("says what is wrong with each key and quotes no value, not even a harmless-looking one", () => {
    const lines = problemLines(
      configError({
        PORT: "http",
        LOG_LEVEL: "verbose",
        DEFAULT_TIMEZONE: "Mars/Olympus",
        MAX_BODY_BYTES: "0",
      }),
    );
    // Issue 12: any key may hold a secret pasted into the wrong line, so none is quoted back.
    expect(lines.get("PORT")).toBe("PORT must be a port number from 0 to 65535");
    expect(lines.get("LOG_LEVEL")).toContain("fatal, error, warn, info, debug, trace, silent");
    expect(lines.get("DEFAULT_TIMEZONE")).toContain("IANA time zone");
    expect(lines.get("DEFAULT_TIMEZONE")).not.toContain("Mars/Olympus");
    expect(lines.get("LOG_LEVEL")).not.toContain("verbose");
    expect(lines.get("MAX_BODY_BYTES")).toContain("at least 1");
  });

  it.each(["-1", "3000.5", "65536", "0x50"])("refuses PORT %s", (port) => {
    expect([...problemLines(configError({ PORT: port })).keys()]).toEqual(["PORT"]);
  });

  it("never echoes a token, a secret or the API URL", () => {
    const secretUrl = "https://user:hunter2@slack.example/api";
    const error = configError({
      SLACK_BOT_TOKEN: "xoxp-PERSONAL-SECRET",
      SLACK_APP_TOKEN: "WRONG-APP-SECRET",
      SLACK_API_URL: secretUrl,
    });
    for (const secret of ["PERSONAL-SECRET", "WRONG-APP-SECRET", "hunter2", secretUrl]) {
      expect(error.message).not.toContain(secret);
      expect(error.toUserLine()).not.toContain(secret);
    }
    expect(error.message).toContain("SLACK_BOT_TOKEN");
    expect(error.message).toContain("SLACK_APP_TOKEN");
    expect(error.message).toContain("SLACK_API_URL");
  });

  it("reports bad LLM settings with the others, never echoing the API key", () => {
    try {
      loadConfig({ PORT: "x", OPENAI_API_KEY: "sk-secret", OPENAI_TIMEOUT_MS: "soon", REDACT_PII: "maybe" });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/PORT/);
      expect(message).toMatch(/OPENAI_TIMEOUT_MS must be a whole number of milliseconds/);
      expect(message).toMatch(/REDACT_PII must be true or false/);
      expect(message).not.toContain("sk-secret");
    }
  });

  it("reports a cross-key rule together with bad values", () => {
    const error = configError({ SLACK_BOT_TOKEN: BOT_TOKEN, PORT: "x" });
    expect([...problemLines(error).keys()]).toEqual(["PORT", "SLACK_SIGNING_SECRET"]);
    expect(error.message).toContain("2 problems");
  });
});
