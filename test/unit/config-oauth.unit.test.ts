import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";

const KEY = Buffer.alloc(32, 5).toString("base64");
const OAUTH = {
  SLACK_CLIENT_ID: "1111.2222",
  SLACK_CLIENT_SECRET: "client-secret-value",
  SLACK_STATE_SECRET: "s".repeat(32),
  INSTALLATION_ENCRYPTION_KEY: KEY,
  SLACK_SIGNING_SECRET: "signing",
};

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("Slack OAuth settings", () => {
  it("turns Slack on in HTTP mode with installs and no env token", () => {
    const slack = loadConfig(OAUTH).slack;
    expect(slack).toMatchObject({
      mode: "http",
      botToken: undefined,
      oauth: { clientId: "1111.2222", redirectUri: undefined },
    });
  });

  it("keeps the env token beside installs", () => {
    const slack = loadConfig({ ...OAUTH, SLACK_BOT_TOKEN: "xoxb-1-env" }).slack;
    expect(slack).toMatchObject({ botToken: "xoxb-1-env", oauth: { clientSecret: "client-secret-value" } });
  });

  it("names every missing or bad key, never a value", () => {
    const message = problems({
      SLACK_CLIENT_ID: "1111.2222",
      SLACK_STATE_SECRET: "short-state",
      INSTALLATION_ENCRYPTION_KEY: "not-a-key",
    });
    expect(message).toMatch(/SLACK_CLIENT_SECRET is required when SLACK_CLIENT_ID is set/);
    expect(message).toMatch(/SLACK_STATE_SECRET must be at least 32 characters/);
    expect(message).toMatch(/INSTALLATION_ENCRYPTION_KEY must be 32 bytes/);
    expect(message).toMatch(/SLACK_SIGNING_SECRET is required when SLACK_CLIENT_ID is set/);
    expect(message).not.toContain("short-state");
    expect(message).not.toContain("not-a-key");
  });

  it("refuses installs with Socket Mode, and OAuth keys without a client id", () => {
    expect(problems({ ...OAUTH, SLACK_BOT_TOKEN: "xoxb-1-env", SLACK_APP_TOKEN: "xapp-1-app" })).toMatch(
      /SLACK_APP_TOKEN cannot be used with SLACK_CLIENT_ID/,
    );
    expect(
      problems({ SLACK_CLIENT_SECRET: "x", SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }),
    ).toMatch(/SLACK_CLIENT_ID is required when SLACK_CLIENT_SECRET is set/);
  });
});
