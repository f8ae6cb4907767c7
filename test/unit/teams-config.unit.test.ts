import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { type BotError, isBotError } from "../../src/domain/errors.ts";

const APP_ID = "00000000-0000-4000-8000-0000000a9901";
const TENANT = "11111111-2222-4333-8444-555555555555";
const PASSWORD = "Wk8Q~SECRETPASSWORDvalue.0123456789abc";
const THUMBPRINT = "0123456789ABCDEF0123456789ABCDEF01234567";

const folder = mkdtempSync(join(tmpdir(), "weeknotes-teams-config-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs8",
  format: "pem",
}) as string;
const keyFile = join(folder, "bot-key.pem");
writeFileSync(keyFile, PEM);

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

describe("Teams configuration", () => {
  it("is off when no Microsoft key is set", () => {
    expect(loadConfig({}).teams).toBeUndefined();
    expect(loadConfig({ MICROSOFT_APP_ID: " ", MICROSOFT_APP_PASSWORD: "" }).teams).toBeUndefined();
  });

  it("is on with an app id and a password, with every public-cloud default", () => {
    expect(loadConfig({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: PASSWORD }).teams).toEqual({
      appId: APP_ID,
      appPassword: PASSWORD,
      certificate: undefined,
      appType: "MultiTenant",
      tenantId: undefined,
      endpoints: {
        channelOpenIdMetadataUrl: "https://login.botframework.com/v1/.well-known/openidconfiguration",
        channelTokenIssuer: "https://api.botframework.com",
        emulatorOpenIdMetadataUrl:
          "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
        loginUrl: "https://login.microsoftonline.com/botframework.com",
        oauthScope: "https://api.botframework.com",
        oauthUrl: "https://api.botframework.com",
        callerId: "urn:botframework:azure",
      },
      graph: {
        url: "https://graph.microsoft.com/v1.0",
        scope: "https://graph.microsoft.com/.default",
        reactionSweep: false,
      },
    });
  });

  it("logs a SingleTenant app in at its own tenant, the app type in any case", () => {
    const teams = loadConfig({
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: PASSWORD,
      MICROSOFT_APP_TYPE: "singletenant",
      MICROSOFT_APP_TENANT_ID: TENANT,
    }).teams;
    expect(teams?.appType).toBe("SingleTenant");
    expect(teams?.tenantId).toBe(TENANT);
    expect(teams?.endpoints.loginUrl).toBe(`https://login.microsoftonline.com/${TENANT}`);
  });

  it("takes an app with a tenant id and no app type for SingleTenant (the only kind Azure makes now)", () => {
    const teams = loadConfig({
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: PASSWORD,
      MICROSOFT_APP_TENANT_ID: TENANT,
    }).teams;
    expect(teams?.appType).toBe("SingleTenant");
    expect(teams?.endpoints.loginUrl).toBe(`https://login.microsoftonline.com/${TENANT}`);
  });

  it("keeps a MultiTenant app's tenant id but logs in at botframework.com", () => {
    const teams = loadConfig({
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: PASSWORD,
      MICROSOFT_APP_TYPE: "MultiTenant",
      MICROSOFT_APP_TENANT_ID: "contoso.onmicrosoft.com",
    }).teams;
    expect(teams?.tenantId).toBe("contoso.onmicrosoft.com");
    expect(teams?.endpoints.loginUrl).toBe("https://login.microsoftonline.com/botframework.com");
  });

  it("reads the certificate's private key from its file at load", () => {
    const teams = loadConfig({
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_CERTIFICATE_THUMBPRINT: THUMBPRINT,
      MICROSOFT_APP_CERTIFICATE_KEY_FILE: keyFile,
    }).teams;
    expect(teams?.appPassword).toBeUndefined();
    expect(teams?.certificate).toEqual({ thumbprint: THUMBPRINT, privateKey: PEM });
  });

  it("takes every endpoint, the Graph settings and the sweep switch from env", () => {
    const teams = loadConfig({
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: PASSWORD,
      TEAMS_CHANNEL_OPENID_METADATA_URL: "http://127.0.0.1:4001/v1/.well-known/openidconfiguration",
      TEAMS_CHANNEL_TOKEN_ISSUER: "https://api.botframework.us",
      TEAMS_EMULATOR_OPENID_METADATA_URL: "http://127.0.0.1:4001/emulator/openid",
      TEAMS_LOGIN_URL: "https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us",
      TEAMS_OAUTH_SCOPE: "https://api.botframework.us",
      TEAMS_OAUTH_URL: "http://127.0.0.1:4001/oauth",
      TEAMS_CALLER_ID: "urn:botframework:azureusgov",
      TEAMS_GRAPH_URL: "http://127.0.0.1:4002/v1.0",
      TEAMS_GRAPH_SCOPE: "https://graph.microsoft.us/.default",
      TEAMS_REACTION_SWEEP: "ON",
    }).teams;
    expect(teams?.endpoints).toEqual({
      channelOpenIdMetadataUrl: "http://127.0.0.1:4001/v1/.well-known/openidconfiguration",
      channelTokenIssuer: "https://api.botframework.us",
      emulatorOpenIdMetadataUrl: "http://127.0.0.1:4001/emulator/openid",
      loginUrl: "https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us",
      oauthScope: "https://api.botframework.us",
      oauthUrl: "http://127.0.0.1:4001/oauth",
      callerId: "urn:botframework:azureusgov",
    });
    expect(teams?.graph).toEqual({
      url: "http://127.0.0.1:4002/v1.0",
      scope: "https://graph.microsoft.us/.default",
      reactionSweep: true,
    });
    expect(
      loadConfig({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: PASSWORD, TEAMS_REACTION_SWEEP: "off" })
        .teams?.graph.reactionSweep,
    ).toBe(false);
  });
});

describe("Teams configuration errors", () => {
  it("refuses an app id with neither a password nor a certificate, naming the keys", () => {
    const lines = problemLines(configError({ MICROSOFT_APP_ID: APP_ID }));
    expect([...lines.keys()]).toEqual(["MICROSOFT_APP_PASSWORD"]);
    expect(lines.get("MICROSOFT_APP_PASSWORD")).toContain("MICROSOFT_APP_ID");
    expect(lines.get("MICROSOFT_APP_PASSWORD")).toContain("MICROSOFT_APP_CERTIFICATE_THUMBPRINT");
    expect(lines.get("MICROSOFT_APP_PASSWORD")).toContain("MICROSOFT_APP_CERTIFICATE_KEY_FILE");
  });

  it.each([
    [{ MICROSOFT_APP_PASSWORD: PASSWORD }, "MICROSOFT_APP_PASSWORD"],
    [
      { MICROSOFT_APP_CERTIFICATE_THUMBPRINT: THUMBPRINT, MICROSOFT_APP_CERTIFICATE_KEY_FILE: keyFile },
      "MICROSOFT_APP_CERTIFICATE_THUMBPRINT or MICROSOFT_APP_CERTIFICATE_KEY_FILE",
    ],
    [{ MICROSOFT_APP_TENANT_ID: TENANT }, "MICROSOFT_APP_TENANT_ID"],
    [{ MICROSOFT_APP_TYPE: "MultiTenant" }, "MICROSOFT_APP_TYPE"],
  ])("refuses Teams credentials without an app id (%o), never quoting them", (env, named) => {
    const error = configError(env);
    const lines = problemLines(error);
    expect([...lines.keys()]).toEqual(["MICROSOFT_APP_ID"]);
    expect(lines.get("MICROSOFT_APP_ID")).toContain(`when ${named} is set`);
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain(THUMBPRINT);
  });

  it("needs both halves of a certificate", () => {
    const noKey = problemLines(
      configError({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_CERTIFICATE_THUMBPRINT: THUMBPRINT }),
    );
    expect([...noKey.keys()]).toEqual(["MICROSOFT_APP_CERTIFICATE_KEY_FILE"]);
    const noThumbprint = problemLines(
      configError({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_CERTIFICATE_KEY_FILE: keyFile }),
    );
    expect([...noThumbprint.keys()]).toEqual(["MICROSOFT_APP_CERTIFICATE_THUMBPRINT"]);
  });

  it("refuses a password and a certificate together", () => {
    const error = configError({
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: PASSWORD,
      MICROSOFT_APP_CERTIFICATE_THUMBPRINT: THUMBPRINT,
      MICROSOFT_APP_CERTIFICATE_KEY_FILE: keyFile,
    });
    expect([...problemLines(error).keys()]).toEqual(["MICROSOFT_APP_PASSWORD"]);
    expect(error.message).not.toContain(PASSWORD);
  });

  it("needs the tenant of a SingleTenant app", () => {
    const lines = problemLines(
      configError({
        MICROSOFT_APP_ID: APP_ID,
        MICROSOFT_APP_PASSWORD: PASSWORD,
        MICROSOFT_APP_TYPE: "SingleTenant",
      }),
    );
    expect([...lines.keys()]).toEqual(["MICROSOFT_APP_TENANT_ID"]);
    expect(lines.get("MICROSOFT_APP_TENANT_ID")).toContain("SingleTenant");
  });

  it("refuses a key file that is missing or holds no private key, never quoting its content", () => {
    const missing = problemLines(
      configError({
        MICROSOFT_APP_ID: APP_ID,
        MICROSOFT_APP_CERTIFICATE_THUMBPRINT: THUMBPRINT,
        MICROSOFT_APP_CERTIFICATE_KEY_FILE: join(folder, "absent.pem"),
      }),
    );
    expect([...missing.keys()]).toEqual(["MICROSOFT_APP_CERTIFICATE_KEY_FILE"]);
    expect(missing.get("MICROSOFT_APP_CERTIFICATE_KEY_FILE")).toContain("cannot be read (ENOENT)");

    const notAKey = join(folder, "not-a-key.pem");
    writeFileSync(notAKey, "-----BEGIN CERTIFICATE-----\nSECRETISHCONTENT\n-----END CERTIFICATE-----\n");
    const error = configError({
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_CERTIFICATE_THUMBPRINT: THUMBPRINT,
      MICROSOFT_APP_CERTIFICATE_KEY_FILE: notAKey,
    });
    expect([...problemLines(error).keys()]).toEqual(["MICROSOFT_APP_CERTIFICATE_KEY_FILE"]);
    expect(error.message).toContain("holds no PEM private key");
    expect(error.message).not.toContain("SECRETISHCONTENT");
  });

  it("reports every bad Teams value at once, quoting only harmless ones", () => {
    const error = configError({
      MICROSOFT_APP_ID: "my-bot",
      MICROSOFT_APP_PASSWORD: PASSWORD,
      MICROSOFT_APP_TYPE: "UserAssignedMsi",
      MICROSOFT_APP_TENANT_ID: "not a tenant",
      TEAMS_CHANNEL_OPENID_METADATA_URL: "ftp://user:hunter2@example.com/openid",
      TEAMS_CHANNEL_TOKEN_ISSUER: "botframework",
      TEAMS_EMULATOR_OPENID_METADATA_URL: "nowhere",
      TEAMS_LOGIN_URL: "login",
      TEAMS_OAUTH_SCOPE: "two words",
      TEAMS_OAUTH_URL: "oauth",
      TEAMS_CALLER_ID: "azure",
      TEAMS_GRAPH_URL: "graph",
      TEAMS_GRAPH_SCOPE: "a scope",
      TEAMS_REACTION_SWEEP: "sometimes",
    });
    const lines = problemLines(error);
    expect([...lines.keys()]).toEqual([
      "MICROSOFT_APP_ID",
      "MICROSOFT_APP_TYPE",
      "MICROSOFT_APP_TENANT_ID",
      "TEAMS_CHANNEL_OPENID_METADATA_URL",
      "TEAMS_CHANNEL_TOKEN_ISSUER",
      "TEAMS_EMULATOR_OPENID_METADATA_URL",
      "TEAMS_LOGIN_URL",
      "TEAMS_OAUTH_SCOPE",
      "TEAMS_OAUTH_URL",
      "TEAMS_CALLER_ID",
      "TEAMS_GRAPH_URL",
      "TEAMS_GRAPH_SCOPE",
      "TEAMS_REACTION_SWEEP",
    ]);
    expect(error.message).toMatch(/^Invalid configuration, 13 problems:/);
    // Issue 12: no value is quoted back, of any key (src/config.ts, "What is never printed").
    expect(lines.get("MICROSOFT_APP_ID")).toContain("a GUID");
    expect(lines.get("MICROSOFT_APP_ID")).not.toContain("my-bot");
    expect(lines.get("MICROSOFT_APP_TYPE")).toContain("must be MultiTenant or SingleTenant");
    expect(lines.get("TEAMS_REACTION_SWEEP")).toContain("must be on or off");
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain("hunter2");
  });

  it("checks a certificate's thumbprint without quoting it", () => {
    const error = configError({
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_CERTIFICATE_THUMBPRINT: "SECRET-THUMB",
      MICROSOFT_APP_CERTIFICATE_KEY_FILE: keyFile,
    });
    expect([...problemLines(error).keys()]).toEqual(["MICROSOFT_APP_CERTIFICATE_THUMBPRINT"]);
    expect(error.message).toContain("40 hexadecimal digits");
    expect(error.message).not.toContain("SECRET-THUMB");
  });
});
