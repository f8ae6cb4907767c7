import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { maskSettingValues, withoutUrlCredentials } from "../../adapters/logger/scrub.ts";
import { type CliIo, main, withSettingValuesMasked } from "../../src/cli.ts";
import { CONFIG_KEYS, loadConfig, secretSettings } from "../../src/config.ts";
import { LLM_CONFIG_KEYS, loadSummariserConfig } from "../../src/config-llm.ts";
import { BotError } from "../../src/domain/errors.ts";

// Issue 12, item 5: secrets never echo. The rule (src/config.ts, "What is never printed"): no
// error quotes the value given for any setting, since any key may hold a secret pasted into the
// wrong line; start-up errors from libraries are printed with every setting's value replaced by
// its name; URLs are logged without `user:password@`. The start-up itself, with every log line at
// trace level searched, is in test/e2e/slack-startup.e2e.test.ts.

/** Secret-looking values, each of a kind someone might paste into the wrong key. */
const SECRETS = [
  "xoxb-1111111111-2222222222-PlantedBotTokenAbc",
  "xoxp-1111111111-2222222222-PlantedUserToken9",
  "xapp-1-A0PLANTED-3333333333-plantedappsecret0123",
  "sk-proj-PlantedOpenAiKey0123456789abcdef",
  "Qx8Q~PlantedAzureSecret.abcDEF_0123456789-xyz",
  "8f14e45fceea167a5a36dedd4bea2543", // a Slack signing secret's shape
  "https://planted-user:PlantedUrlPassword9@example.org/api/",
];
const KEYS = [...CONFIG_KEYS, ...LLM_CONFIG_KEYS];

/** The value and its distinctive middle, so a value cut short in a message still shows. */
function traces(value: string): string[] {
  return [value, value.slice(8, 28)];
}

function configErrorText(env: Record<string, string>): string | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (error) {
    if (!(error instanceof BotError)) throw error;
    return `${error.toUserLine()}\n${error.message}`;
  }
}

describe("configuration errors quote no value, whatever key it was pasted into", () => {
  // A valid configuration with Slack, Teams and the LLM on, so every cross-key rule is in play.
  const BASE: Record<string, string> = {
    PORT: "0",
    HOST: "127.0.0.1",
    SLACK_BOT_TOKEN: "xoxb-0000-0000-BaselineToken",
    SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef",
    MICROSOFT_APP_ID: "00000000-0000-4000-8000-000000000001",
    MICROSOFT_APP_PASSWORD: "Bs8Q~BaselineAzureSecret.0123456789",
    OPENAI_API_KEY: "sk-BaselineOpenAiKey0123456789",
  };

  it.each(SECRETS)("%s, pasted into each key in turn: the error names keys, never the value", (secret) => {
    let refused = 0;
    for (const key of KEYS) {
      for (const env of [{ [key]: secret }, { ...BASE, [key]: secret }]) {
        const text = configErrorText(env);
        if (text === undefined) continue;
        refused += 1;
        for (const trace of traces(secret)) {
          expect(text, `${key}`).not.toContain(trace);
        }
      }
    }
    // Most keys refuse such a value (a port, a level, a zone, a GUID, a URL…): many were checked.
    expect(refused).toBeGreaterThan(20);
  });

  it("the issue's example: a token pasted into PORT, HOST or LOG_LEVEL is named by key only", () => {
    const token = SECRETS[0] ?? "";
    const text = configErrorText({ PORT: token, LOG_LEVEL: token, DEFAULT_TIMEZONE: token }) ?? "";
    expect(text).toContain("PORT must be a port number from 0 to 65535");
    expect(text).toContain("LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent");
    expect(text).toContain("DEFAULT_TIMEZONE must be an IANA time zone such as Europe/London");
    expect(text).not.toContain("xoxb-");
    expect(text).not.toContain("got");
  });

  it("the summariser's own reader (weeknotes compile --summariser openai) quotes none either", () => {
    for (const secret of SECRETS) {
      for (const key of LLM_CONFIG_KEYS) {
        try {
          loadSummariserConfig({ [key]: secret });
        } catch (error) {
          expect((error as BotError).toUserLine()).not.toContain(secret);
        }
      }
    }
  });

  it("secretSettings names the secret settings that are set, for the logger to keep out", () => {
    expect(secretSettings({ ...BASE, SLACK_APP_TOKEN: " xapp-1-x ", PORT: "3000" })).toEqual({
      SLACK_BOT_TOKEN: BASE.SLACK_BOT_TOKEN,
      SLACK_SIGNING_SECRET: BASE.SLACK_SIGNING_SECRET,
      SLACK_APP_TOKEN: "xapp-1-x",
      MICROSOFT_APP_PASSWORD: BASE.MICROSOFT_APP_PASSWORD,
      OPENAI_API_KEY: BASE.OPENAI_API_KEY,
    });
  });
});

describe("URLs lose their credentials", () => {
  it.each([
    ["https://user:hunter2@slack.example/api/", "https://slack.example/api/"],
    ["http://user@127.0.0.1:3000/x", "http://127.0.0.1:3000/x"],
    ["http://a@b:c@host/", "http://host/"],
    [
      "mongodb+srv://admin:s3cr3t@cluster0.example.net/weeknotes?retryWrites=true",
      "mongodb+srv://cluster0.example.net/weeknotes?retryWrites=true",
    ],
    [
      "http request failed: https://u:p@h:1/api/auth.test and https://x:y@h/b",
      "http request failed: https://h:1/api/auth.test and https://h/b",
    ],
    // In a JSON log line, inside a string and next to other fields.
    [
      '{"msg":"url http://u:p@h:1/api/auth.test","user":"bob@example.com"}',
      '{"msg":"url http://h:1/api/auth.test","user":"bob@example.com"}',
    ],
    ['{"msg":"http://u:p\\"q@h/"}', '{"msg":"http://h/"}'],
  ])("%s → %s", (text, expected) => {
    expect(withoutUrlCredentials(text)).toBe(expected);
  });

  it.each([
    "mailto:alice@example.com",
    "alice@example.com",
    "https://host/a@b",
    "https://host/?to=a@b",
    "no url at all",
  ])("leaves %s as it is", (text) => {
    expect(withoutUrlCredentials(text)).toBe(text);
  });
});

describe("start-up errors from libraries are printed with the settings' values masked", () => {
  it.each(SECRETS)("HOST=%s: the failed lookup names <HOST>, not the value", (secret) => {
    // What node's listen() throws for a HOST that does not resolve. (The e2e start-up scan leaves
    // HOST out: it would ask DNS, which tests may not.)
    const lookup = Object.assign(new Error(`getaddrinfo ENOTFOUND ${secret}`), {
      code: "ENOTFOUND",
      syscall: "getaddrinfo",
      hostname: secret,
    });
    const masked = withSettingValuesMasked(lookup, { HOST: secret });
    expect(masked.message).toBe("getaddrinfo ENOTFOUND <HOST>");
    expect(masked.stack).not.toContain(secret);
    expect(masked.cause).toBe(lookup);
  });

  it("masks a path made from a setting too, and keeps a BotError's code (so the exit code)", () => {
    const dir = "prompts-xoxb-1111-2222-PlantedInAPath";
    const error = new BotError(
      "config.invalid",
      `Prompt file ${resolve(dir)}/weeknote.system.md cannot be read`,
      {
        hint: `Check ${dir}`,
      },
    );
    const masked = withSettingValuesMasked(error, { PROMPTS_DIR: dir, LOG_LEVEL: "info" });
    expect(masked).toBeInstanceOf(BotError);
    expect((masked as BotError).code).toBe("config.invalid");
    expect((masked as BotError).toUserLine()).toBe(
      "Prompt file <PROMPTS_DIR>/weeknote.system.md cannot be read. Check <PROMPTS_DIR>",
    );
  });

  it("looks for short values of secret settings but not of others (`info` may be a word)", () => {
    const settings = [
      ["SLACK_SIGNING_SECRET", "abc"],
      ["LOG_LEVEL", "info"],
    ] as const;
    expect(maskSettingValues("abc and information", settings, new Set(["SLACK_SIGNING_SECRET"]))).toBe(
      "<SLACK_SIGNING_SECRET> and information",
    );
  });

  it("leaves words alone: a short secret inside a word, and a setting's plain-word value", () => {
    const settings = [
      ["MICROSOFT_APP_PASSWORD", "e"],
      ["MICROSOFT_APP_TYPE", "SingleTenant"],
      ["SLACK_BOT_TOKEN", "xoxb-1-abc"],
    ] as const;
    const secrets = new Set(["MICROSOFT_APP_PASSWORD", "SLACK_BOT_TOKEN"]);
    expect(
      maskSettingValues(
        "MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_TYPE is SingleTenant. Fix these problems (see .env.example); got xoxb-1-abc and e.",
        settings,
        secrets,
      ),
    ).toBe(
      "MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_TYPE is SingleTenant. Fix these problems (see .env.example); got <SLACK_BOT_TOKEN> and <MICROSOFT_APP_PASSWORD>.",
    );
  });

  it("weeknotes compile names LOG_LEVEL and DEFAULT_TIMEZONE without their values", async () => {
    const token = SECRETS[0] ?? "";
    for (const env of [{ LOG_LEVEL: token }, { DEFAULT_TIMEZONE: token }]) {
      let stderr = "";
      const io: CliIo = {
        stdout: () => undefined,
        stderr: (text) => {
          stderr += text;
        },
        env,
        clock: { now: () => Date.parse("2026-04-01T09:00:00Z") },
        interactive: false,
      };
      const code = await main(["compile", "--slack-export", "no-such-export", "--no-store"], io);
      expect(code).toBe(2);
      expect(stderr).toMatch(
        /^weeknotes: (LOG_LEVEL is not a log level|DEFAULT_TIMEZONE is not a time zone)\./,
      );
      expect(stderr).not.toContain("xoxb-");
    }
  });
});
