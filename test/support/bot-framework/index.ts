/**
 * Microsoft's side of a Teams bot, on 127.0.0.1, for end-to-end tests and benchmarks: the Bot
 * Framework channel's identity (OpenID metadata + JWKS, one RS256 key), the login that gives the
 * bot its tokens, and the Bot Connector the bot posts to. With these, the real `CloudAdapter` on
 * the real HTTP server accepts tokens signed by a local key and sends replies with tokens from the
 * local login, and nothing leaves the machine (TEAMS-TESTING.md).
 *
 *     const bf = await botFrameworkFakes();
 *     bf.reset();                                   // in beforeEach: forget the last test's calls and faults
 *     const config = loadConfig({ ...bf.env(), PORT: "0", HOST: "127.0.0.1" });
 *     const bot = await buildBot(config, { teamsCredentialsFactory: bf.credentialsFactory(), … });
 *     const activity = bf.activities().channelMention("add shipped the search");
 *     await postActivity(`${bot.url}/api/messages`, activity, await bf.authorization(activity));
 *     expect(bf.connector.callsOf("replyToActivity")).toHaveLength(1);
 *
 * ONE SET OF FAKES PER TEST PROCESS. botbuilder keeps two caches for the life of the process: the
 * OpenID metadata and keys per metadata URL (24 h) and the app tokens per app id and scope. If each
 * test started its own fakes, a second channel key served at a reused URL, or a token from a closed
 * login, could be taken from those caches. So `botFrameworkFakes()` starts the three servers once
 * per process (lazily, on first use; the promise lives on globalThis, so vitest loading this module
 * again for another test file in the same worker reuses them) and tests share them: each test calls
 * `reset()` and uses its own conversation ids. The servers are unref'd and end with the process.
 * (A vitest globalSetup would run them in the main process, out of reach of the tests' assertions
 * on what they recorded.) The app id, secret and tenant are fixed: the app-token cache cannot mix
 * two apps.
 */
import type { ServiceClientCredentialsFactory } from "botframework-connector";
import { loadConfig, type TeamsConfig } from "../../../src/config.ts";
import { type TeamsActivityFactory, type TeamsWorld, teamsActivities } from "./activities.ts";
import {
  type FakeChannelIdentity,
  mintChannelToken,
  startFakeChannelIdentity,
  type TokenFault,
} from "./channel-identity.ts";
import { type FakeConnector, startFakeConnector } from "./connector.ts";
import { FakeLoginCredentialsFactory } from "./credentials.ts";
import { type FakeLogin, startFakeLogin } from "./login.ts";

export {
  DEFAULT_PEOPLE,
  type TeamsActivityFactory,
  type TeamsPerson,
  type TeamsWorld,
} from "./activities.ts";
export { CHANNEL_ISSUER, mintChannelToken, type TokenFault } from "./channel-identity.ts";
export { baseConversation, type ConnectorCall, type FakeConnector, TEAMS_LIMITS } from "./connector.ts";
export { FakeLoginAppCredentials, FakeLoginCredentialsFactory } from "./credentials.ts";
export type { FakeLogin, LoginCall } from "./login.ts";

/** The test bot's app registration (a MultiTenant app). */
export const TEST_APP_ID = "00000000-0000-4000-8000-00000000b07e";
export const TEST_APP_PASSWORD = "test-app-password-Q8~not.a.real.secret";
export const TEST_TENANT_ID = "7e57e57e-0000-4000-8000-00000000d1e5";
export const TEST_BOT_NAME = "Weeknotes";

/** The test world's team and channel. */
export const TEST_TEAM = {
  id: "19:Tm0weeknotesTeam0000000000000001@thread.tacv2",
  name: "Digital",
  aadGroupId: "9a0f0000-0000-4000-8000-0000000000a1",
  channelId: "19:Ch0weeknotesGeneral000000000001@thread.tacv2",
  channelName: "General",
} as const;

export interface BotFrameworkFakes {
  readonly identity: FakeChannelIdentity;
  readonly login: FakeLogin;
  readonly connector: FakeConnector;
  /**
   * The environment that turns the bot's Teams side on against these fakes: `MICROSOFT_APP_ID`,
   * `MICROSOFT_APP_PASSWORD` and all seven `TEAMS_*` endpoint keys: the OpenID and emulator
   * metadata URLs and the (unused) OAuth URL on the fake identity; the issuer, login URL, scope and
   * caller id the public cloud's, which botbuilder only compares (the login URL's tenant is where
   * the test credentials factory asks the fake login). `extra` adds or replaces keys.
   */
  env(extra?: Record<string, string>): Record<string, string>;
  /** `loadConfig({ ...env(extra) }).teams`. */
  teamsConfig(extra?: Record<string, string>): TeamsConfig;
  /** The outbound-token seam: credentials from the fake login. */
  credentialsFactory(): ServiceClientCredentialsFactory;
  /** A new activity factory for the test world (its own id counters), `world` fields replaced. */
  activities(world?: Partial<TeamsWorld>): TeamsActivityFactory;
  /**
   * The `Authorization` header Teams would send with `activity` (a channel token for its
   * `serviceUrl`), or a faulty one; undefined for `fault: "no-header"`.
   */
  authorization(
    activity: { serviceUrl: string },
    fault?: TokenFault | "no-header",
  ): Promise<string | undefined>;
  /** Forgets what the fakes recorded and every fault, block and table set on the connector. */
  reset(): void;
}

const FAKES = Symbol.for("weeknotes.test.bot-framework.fakes");

/** The process's one set of Bot Framework fakes, started on first call. */
export function botFrameworkFakes(): Promise<BotFrameworkFakes> {
  const holder = globalThis as { [FAKES]?: Promise<BotFrameworkFakes> };
  holder[FAKES] ??= startFakes();
  return holder[FAKES];
}

async function startFakes(): Promise<BotFrameworkFakes> {
  const identity = await startFakeChannelIdentity();
  const login = await startFakeLogin();
  login.registerApp(TEST_APP_ID, TEST_APP_PASSWORD);
  login.addTenant(TEST_TENANT_ID);
  const connector = await startFakeConnector({ login });

  const env = (extra: Record<string, string> = {}) => ({
    MICROSOFT_APP_ID: TEST_APP_ID,
    MICROSOFT_APP_PASSWORD: TEST_APP_PASSWORD,
    TEAMS_CHANNEL_OPENID_METADATA_URL: identity.openIdMetadataUrl,
    TEAMS_CHANNEL_TOKEN_ISSUER: "https://api.botframework.com",
    TEAMS_EMULATOR_OPENID_METADATA_URL: identity.emulatorOpenIdMetadataUrl,
    TEAMS_LOGIN_URL: "https://login.microsoftonline.com/botframework.com",
    TEAMS_OAUTH_SCOPE: "https://api.botframework.com",
    TEAMS_OAUTH_URL: `${identity.url}/oauth`,
    TEAMS_CALLER_ID: "urn:botframework:azure",
    ...extra,
  });

  return {
    identity,
    login,
    connector,
    env,
    teamsConfig(extra) {
      const teams = loadConfig(env(extra)).teams;
      if (!teams) throw new Error("the fakes' environment did not turn Teams on");
      return teams;
    },
    credentialsFactory: () => new FakeLoginCredentialsFactory(login.url, TEST_APP_ID, TEST_APP_PASSWORD),
    activities: (world = {}) =>
      teamsActivities({
        serviceUrl: connector.serviceUrl(),
        appId: TEST_APP_ID,
        botName: TEST_BOT_NAME,
        tenantId: TEST_TENANT_ID,
        teamId: TEST_TEAM.id,
        teamName: TEST_TEAM.name,
        teamAadGroupId: TEST_TEAM.aadGroupId,
        channelId: TEST_TEAM.channelId,
        channelName: TEST_TEAM.channelName,
        now: "2026-03-24T10:15:02.123Z",
        ...world,
      }),
    async authorization(activity, fault) {
      if (fault === "no-header") return undefined;
      const token = await mintChannelToken({ appId: TEST_APP_ID, serviceUrl: activity.serviceUrl, fault });
      return `Bearer ${token}`;
    },
    reset() {
      identity.fetches.length = 0;
      login.calls.length = 0;
      connector.reset();
    },
  };
}

/** POSTs `activity` as JSON to `url` (the bot's `/api/messages`), with the Authorization header when given. */
export async function postActivity(
  url: string,
  activity: unknown,
  authorization: string | undefined,
  init: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; json: unknown; headers: Headers }> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      ...(authorization === undefined ? {} : { authorization }),
      ...init.headers,
    },
    body: init.body ?? JSON.stringify(activity),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, headers: response.headers };
}
