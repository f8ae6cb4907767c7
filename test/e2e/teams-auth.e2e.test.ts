import dns from "node:dns";
import net from "node:net";
import {
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  TeamsActivityHandler,
  type TurnContext,
} from "botbuilder";
import {
  AuthenticationError,
  CertificateServiceClientCredentialsFactory,
  PasswordServiceClientCredentialFactory,
} from "botframework-connector";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHttpServer, type HttpServer } from "../../adapters/http/server.ts";
import { createMemoryStore } from "../../adapters/memory/memory-store.ts";
import {
  botFrameworkAuthConfig,
  createBotFrameworkAuthentication,
  createTeamsCloudAdapter,
  createTeamsCredentialsFactory,
} from "../../adapters/teams/auth.ts";
import { createTeamsEndpoint, TEAMS_MESSAGES_PATH } from "../../adapters/teams/endpoint.ts";
import { type Bot, buildBot } from "../../src/compose.ts";
import { loadConfig, type TeamsConfig } from "../../src/config.ts";
import {
  type BotFrameworkFakes,
  botFrameworkFakes,
  DEFAULT_PEOPLE,
  type FakeLoginAppCredentials,
  FakeLoginCredentialsFactory,
  postActivity,
  TEAMS_LIMITS,
  TEST_APP_ID,
  type TokenFault,
} from "../support/bot-framework/index.ts";
import type { LogEntry } from "../support/memory-logger.ts";
import { recordingLogger } from "../support/memory-logger.ts";
import { takeEgressAttempts } from "../support/no-egress.ts";

// The Teams endpoint on the real HTTP server (127.0.0.1:0), the real CloudAdapter and its real
// JWT checks, against the process's fake Bot Framework channel identity, login and Bot Connector.
// Until the Teams platform adapter is wired into buildBot, the turn is a small logic function.

const MAX_BODY_BYTES = 64 * 1024;

let bf: BotFrameworkFakes;
let config: TeamsConfig;
let server: HttpServer;
let url: string;
const logs: LogEntry[] = [];
const turns: TurnContext["activity"][] = [];
/** What the turn does besides recording the activity; set per test. */
let turn: (context: TurnContext) => Promise<void> = async () => undefined;

beforeAll(async () => {
  bf = await botFrameworkFakes();
  config = bf.teamsConfig();
  const logger = recordingLogger(logs);
  const adapter = createTeamsCloudAdapter(
    createBotFrameworkAuthentication(config, bf.credentialsFactory()),
    logger,
  );
  const endpoint = createTeamsEndpoint({
    adapter,
    logger,
    maxBodyBytes: MAX_BODY_BYTES,
    logic: async (context) => {
      turns.push(context.activity);
      await turn(context);
    },
  });
  server = createHttpServer({
    host: "127.0.0.1",
    port: 0,
    logger,
    routes: new Map([[TEAMS_MESSAGES_PATH, endpoint]]),
    readiness: async () => undefined,
  });
  url = `${(await server.listen()).url}${TEAMS_MESSAGES_PATH}`;
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  bf.reset();
  logs.length = 0;
  turns.length = 0;
  turn = async () => undefined;
});

/** Every log entry, as text: what a secret must never be found in. */
const logText = () => JSON.stringify(logs);

describe("Teams endpoint: who may call it", () => {
  it("runs the turn for an activity with a good channel token, and answers 200", async () => {
    const activity = bf.activities().channelMention("add shipped the new search");
    const response = await postActivity(url, activity, await bf.authorization(activity));

    expect(response.status).toBe(200);
    expect(response.text).toBe("");
    expect(turns).toHaveLength(1);
    expect(turns[0]).toMatchObject({
      type: "message",
      id: activity.id,
      text: "<at>Weeknotes</at> add shipped the new search",
      // botbuilder sets callerId from the configured CallerId on an authenticated channel activity.
      callerId: "urn:botframework:azure",
    });
  });

  const rejected: [string, TokenFault | "no-header"][] = [
    ["no Authorization header", "no-header"],
    ["an expired token", "expired"],
    ["a token not valid yet", "not-yet-valid"],
    ["a token for another app (aud)", "wrong-audience"],
    ["a token from another issuer", "wrong-issuer"],
    ["a token for another serviceUrl", "wrong-serviceurl"],
    ["a bad signature under the channel key's kid", "bad-signature"],
    ["a token signed by an unknown key", "unknown-kid"],
    ["an unsigned token (alg none)", "alg-none"],
    ["an Emulator-shaped token", "emulator-issuer"],
  ];

  it.each(rejected)("refuses %s with 401, runs no turn and never logs the token", async (_what, fault) => {
    const activity = bf.activities().channelMention("add forged highlight");
    const authorization = await bf.authorization(activity, fault);
    const response = await postActivity(url, activity, authorization);

    expect(response.status).toBe(401);
    expect(response.text).toBe("Unauthorized\n");
    expect(turns).toEqual([]);
    const refusal = logs.find((entry) => entry.message.startsWith("Teams request refused"));
    expect(refusal?.fields).toMatchObject({ status: 401, activityType: "message" });
    expect(refusal?.fields.authorization).toBe(fault === "no-header" ? "absent" : "present");
    if (authorization) {
      const token = authorization.replace(/^Bearer /, "");
      expect(logText()).not.toContain(token);
      expect(logText()).not.toContain(token.split(".")[2] || token);
    }
    // No outbound call: a refused request never reaches the Bot Connector.
    expect(bf.connector.calls).toEqual([]);
  });

  it("checks an Emulator-shaped token against the emulator metadata URL on 127.0.0.1, never Microsoft's", async () => {
    const activity = bf.activities().channelMention("add forged highlight");
    const response = await postActivity(url, activity, await bf.authorization(activity, "emulator-issuer"));

    expect(response.status).toBe(401);
    expect(bf.identity.fetches).toContain("/emulator/.well-known/openid-configuration");
    // It could not be checked at all (the metadata answered 404): logged as an error, not a forgery.
    expect(logs.find((entry) => entry.level === "error")?.message).toBe(
      "Teams request refused: the token could not be checked",
    );
  });

  it("keeps botbuilder's console noise about a refused request out of the console, in debug logs", async () => {
    const activity = bf.activities().channelMention("add forged highlight");
    const authorization = await bf.authorization(activity, "bad-signature");
    await postActivity(url, activity, authorization);

    const noise = logs.filter((entry) => entry.message === "botbuilder console output");
    expect(noise.map((entry) => entry.level)).toContain("debug");
    expect(
      noise.some((entry) => String(entry.fields.output).includes("JsonWebTokenError: invalid signature")),
    ).toBe(true);
    expect(logText()).not.toContain(String(authorization).replace(/^Bearer /, ""));
  });
});

describe("Teams endpoint: bad input", () => {
  it("answers 400 to a body that is not JSON, before any turn", async () => {
    const activity = bf.activities().channelMention("x");
    const response = await postActivity(url, activity, await bf.authorization(activity), {
      body: '{"type":',
    });
    expect(response.status).toBe(400);
    expect(turns).toEqual([]);
  });

  it.each([
    ["a JSON array", "[]"],
    ["a JSON string", '"message"'],
    ["an activity without a type", '{"id":"1","channelId":"msteams"}'],
    ["an activity with an empty type", '{"type":""}'],
  ])("answers 400 to %s", async (_what, body) => {
    const activity = bf.activities().channelMention("x");
    const response = await postActivity(url, activity, await bf.authorization(activity), { body });
    expect(response.status).toBe(400);
    expect(turns).toEqual([]);
  });

  it("answers 413 to a body over MAX_BODY_BYTES, read no further", async () => {
    const activity = bf.activities().channelMention("x".repeat(MAX_BODY_BYTES));
    const response = await postActivity(url, activity, await bf.authorization(activity));
    expect(response.status).toBe(413);
    expect(turns).toEqual([]);
  });

  it("answers 405 to anything but POST", async () => {
    const response = await fetch(url);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("acknowledges an activity type it does not know (200, empty) and runs the turn, which ignores it", async () => {
    const activity = { ...bf.activities().channelMention("x"), type: "weeknotesFutureType" };
    const response = await postActivity(url, activity, await bf.authorization(activity));
    expect(response.status).toBe(200);
    expect(response.text).toBe("");
    expect(turns.map((a) => a.type)).toEqual(["weeknotesFutureType"]);
  });

  it("answers 500 with no details when the turn fails, and logs why", async () => {
    turn = async () => {
      throw new Error("the store is down");
    };
    const activity = bf.activities().channelMention("add it");
    const response = await postActivity(url, activity, await bf.authorization(activity));
    expect(response.status).toBe(500);
    expect(response.text).toBe("Internal Server Error\n");
    expect(logs.find((entry) => entry.message === "Teams turn failed")?.fields).toMatchObject({
      activityType: "message",
      reason: "the store is down",
    });
  });
});

describe("Teams endpoint: answers", () => {
  it("answers an invoke with the status and body the turn gave (adaptiveCard/action without a verb)", async () => {
    const cardBody = {
      statusCode: 200,
      type: "application/vnd.microsoft.card.adaptive",
      value: { type: "AdaptiveCard" },
    };
    turn = async (context) => {
      if (context.activity.name === "adaptiveCard/action") {
        await context.sendActivity({ type: "invokeResponse", value: { status: 200, body: cardBody } });
      }
    };
    const activity = bf.activities().cardAction("1700000001000", { verb: "approve", week: "2026-W13" });
    const response = await postActivity(url, activity, await bf.authorization(activity));

    expect(response.status).toBe(200);
    expect(response.json).toEqual(cardBody);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(turns[0]?.value).toEqual({
      action: { type: "Action.Execute", title: "Approve", data: { verb: "approve", week: "2026-W13" } },
      trigger: "manual",
    });
  });

  it("keeps an invoke's own error status, and 501 for an invoke nobody answered", async () => {
    turn = async (context) => {
      if (context.activity.name === "composeExtension/fetchTask") {
        await context.sendActivity({ type: "invokeResponse", value: { status: 400, body: { error: "no" } } });
      }
    };
    const factory = bf.activities();
    const message = { id: "1700000000100", html: "<p>Shipped it</p>", from: DEFAULT_PEOPLE.alice };
    const fetchTask = factory.messageActionFetchTask(message);
    const refused = await postActivity(url, fetchTask, await bf.authorization(fetchTask));
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: "no" });

    const submit = factory.messageActionSubmit(message, { section: "Done" });
    const unanswered = await postActivity(url, submit, await bf.authorization(submit));
    expect(unanswered.status).toBe(501);
  });

  it("replies through the Bot Connector with a bearer token from the login", async () => {
    turn = async (context) => {
      await context.sendActivity("Added to this week's notes.");
    };
    const activity = bf.activities().channelMention("add shipped the new search");
    const response = await postActivity(url, activity, await bf.authorization(activity));
    expect(response.status).toBe(200);

    const [reply] = bf.connector.callsOf("replyToActivity");
    expect(reply).toMatchObject({
      method: "POST",
      prefix: "/amer/",
      conversationId: `${bf.activities().world.channelId};messageid=${activity.id}`,
      activityId: activity.id,
      status: 201,
      body: { type: "message", text: "Added to this week's notes.", replyToId: activity.id },
    });
    const claims = await bf.login.verify(String(reply?.bearer), "https://api.botframework.com");
    expect(claims.appid).toBe(TEST_APP_ID);
    expect(logText()).not.toContain(String(reply?.bearer));
  });
});

// Canaries: what botbuilder 4.23.3 does on its own and what the bot relies on. An upgrade that
// changes any of it fails here first (TEAMS-TESTING.md, "Traps").
describe("botbuilder auth canaries", () => {
  it("takes all seven endpoint keys or none: one key alone makes a good token fail", async () => {
    const activity = bf.activities().channelMention("x");
    const authorization = String(await bf.authorization(activity));
    const factory = bf.credentialsFactory();

    const all = new ConfigurationBotFrameworkAuthentication(botFrameworkAuthConfig(config), factory);
    const result = await all.authenticateRequest(activity as never, authorization);
    expect(result.claimsIdentity.isAuthenticated).toBe(true);

    const one = new ConfigurationBotFrameworkAuthentication(
      {
        MicrosoftAppId: config.appId,
        MicrosoftAppPassword: String(config.appPassword),
        ToBotFromChannelOpenIdMetadataUrl: config.endpoints.channelOpenIdMetadataUrl,
      },
      factory,
    );
    const error = await one.authenticateRequest(activity as never, authorization).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).statusCode).toBe(401);
  });

  it("answers a bad signature under a known kid with 500 on its own (the endpoint makes it 401)", async () => {
    const adapter = new CloudAdapter(createBotFrameworkAuthentication(config, bf.credentialsFactory()));
    const activity = bf.activities().channelMention("x");
    const answer: { status?: number } = {};
    const res = {
      socket: undefined,
      status: (code: number) => {
        answer.status = code;
      },
      header: () => undefined,
      send: () => undefined,
      end: () => undefined,
    };
    const printed: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void printed.push(...args);
    try {
      await adapter.process(
        {
          method: "POST",
          headers: { authorization: String(await bf.authorization(activity, "bad-signature")) },
          body: activity,
        },
        res,
        async () => undefined,
      );
    } finally {
      console.error = original;
    }
    expect(answer.status).toBe(500);
    expect(printed.some((value) => value instanceof Error && value.name === "JsonWebTokenError")).toBe(true);
  });

  it("lets nothing leave the machine: a connect or lookup past loopback is refused and recorded", async () => {
    const refused = await new Promise<NodeJS.ErrnoException>((resolve) => {
      net.connect({ host: "10.255.255.1", port: 443 }).on("error", resolve);
    });
    expect(refused.code).toBe("ECONNREFUSED");
    const lookup = await dns.promises.lookup("example.com").catch((e: NodeJS.ErrnoException) => e);
    expect((lookup as NodeJS.ErrnoException).code).toBe("ENOTFOUND");
    const callback = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      dns.lookup("login.microsoftonline.com", (error) => resolve(error));
    });
    expect(callback?.code).toBe("ENOTFOUND");
    await expect(
      fetch("https://login.botframework.com/v1/.well-known/openidconfiguration"),
    ).rejects.toThrow();

    expect(takeEgressAttempts()).toEqual([
      { kind: "connect", host: "10.255.255.1", port: 443 },
      { kind: "dns.lookup", host: "example.com" },
      { kind: "dns.lookup", host: "login.microsoftonline.com" },
      { kind: "connect", host: "login.botframework.com", port: 443 },
    ]);
  });

  it("with the public-cloud endpoints, botbuilder reaches for login.botframework.com: the guard refuses it", async () => {
    const production = loadConfig({ MICROSOFT_APP_ID: TEST_APP_ID, MICROSOFT_APP_PASSWORD: "x" }).teams;
    if (!production) throw new Error("Teams should be on");
    const auth = createBotFrameworkAuthentication(production, createTeamsCredentialsFactory(production));
    const activity = bf.activities().channelMention("x");
    const error = await auth
      .authenticateRequest(activity as never, String(await bf.authorization(activity)))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(takeEgressAttempts()).toContainEqual({
      kind: "connect",
      host: "login.botframework.com",
      port: 443,
    });
  });
});

describe("auth settings", () => {
  it("passes botbuilder all seven endpoint keys and the app's identity", () => {
    const settings = botFrameworkAuthConfig(
      bf.teamsConfig({
        MICROSOFT_APP_TYPE: "SingleTenant",
        MICROSOFT_APP_TENANT_ID: "7e57e57e-0000-4000-8000-00000000d1e5",
      }),
    );
    expect(Object.keys(settings).sort()).toEqual(
      [
        "MicrosoftAppId",
        "MicrosoftAppPassword",
        "MicrosoftAppType",
        "MicrosoftAppTenantId",
        "ToBotFromChannelOpenIdMetadataUrl",
        "ToBotFromChannelTokenIssuer",
        "ToBotFromEmulatorOpenIdMetadataUrl",
        "ToChannelFromBotLoginUrl",
        "ToChannelFromBotOAuthScope",
        "OAuthUrl",
        "CallerId",
      ].sort(),
    );
    expect(Object.values(settings).every((value) => value !== "")).toBe(true);
    expect(settings.MicrosoftAppType).toBe("SingleTenant");
  });

  it("signs in with the certificate when one is configured, else with the password", () => {
    const password = createTeamsCredentialsFactory(config);
    expect(password).toBeInstanceOf(PasswordServiceClientCredentialFactory);
    expect(password).not.toBeInstanceOf(CertificateServiceClientCredentialsFactory);
    const withCertificate: TeamsConfig = {
      ...config,
      appPassword: undefined,
      certificate: {
        thumbprint: "0123456789ABCDEF0123456789ABCDEF01234567",
        privateKey: "-----BEGIN PRIVATE KEY-----",
      },
    };
    expect(createTeamsCredentialsFactory(withCertificate)).toBeInstanceOf(
      CertificateServiceClientCredentialsFactory,
    );
  });
});

// The fake Bot Connector as the bot's real ConnectorClient meets it: the limits and failures the
// Teams adapter's tests rely on.
describe("fake Bot Connector", () => {
  /** Runs `send` inside a real turn and returns what it threw (or undefined). */
  async function inTurn(send: (context: TurnContext) => Promise<unknown>): Promise<unknown> {
    let thrown: unknown;
    turn = async (context) => {
      thrown = await send(context).then(
        () => undefined,
        (error: unknown) => error,
      );
    };
    const activity = bf.activities().channelMention("add it");
    expect((await postActivity(url, activity, await bf.authorization(activity))).status).toBe(200);
    return thrown;
  }

  it("refuses a message over Teams' size limit with 413 MessageSizeTooBig", async () => {
    const error = await inTurn((context) => context.sendActivity("é".repeat(TEAMS_LIMITS.messageBytes / 2)));
    expect((error as { statusCode?: number }).statusCode).toBe(413);
    expect(bf.connector.limitRefusals.map((refusal) => refusal.rule)).toEqual(["messageBytes"]);
    expect(
      await inTurn((context) => context.sendActivity("é".repeat(TEAMS_LIMITS.messageBytes / 2 - 1000))),
    ).toBe(undefined);
  });

  it("refuses an Adaptive Card Teams cannot render, and Action.Execute before 1.4", async () => {
    const card = (version: string, actions: unknown[] = []) => ({
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          content: { type: "AdaptiveCard", version, body: [{ type: "TextBlock", text: "Week 13" }], actions },
        },
      ],
    });
    const execute = [{ type: "Action.Execute", title: "Approve", data: { verb: "approve" } }];
    expect(await inTurn((context) => context.sendActivity(card("1.6")))).toMatchObject({ statusCode: 400 });
    expect(await inTurn((context) => context.sendActivity(card("1.3", execute)))).toMatchObject({
      statusCode: 400,
    });
    expect(await inTurn((context) => context.sendActivity(card("1.5", execute)))).toBeUndefined();
    expect(bf.connector.limitRefusals.map((refusal) => refusal.rule)).toEqual([
      "adaptiveCardVersion",
      "actionExecuteVersion",
    ]);
  });

  it("answers 403 MessageWritesBlocked for a blocked conversation, in either documented shape", async () => {
    const channel = bf.activities().world.channelId;
    bf.connector.blockWrites(channel);
    const envelope = await inTurn((context) => context.sendActivity("hello"));
    expect(envelope).toMatchObject({ statusCode: 403 });
    expect(
      JSON.parse(String((envelope as { response?: { bodyAsText?: string } }).response?.bodyAsText)),
    ).toEqual({
      error: { code: "MessageWritesBlocked", message: "Thread is blocked from message writes." },
    });

    bf.connector.blockWrites(channel, "documented");
    const documented = await inTurn((context) => context.sendActivity("hello"));
    expect(String((documented as { response?: { bodyAsText?: string } }).response?.bodyAsText)).toContain(
      "MessageWritesBlocked",
    );
    bf.connector.unblock(channel);
    expect(await inTurn((context) => context.sendActivity("hello"))).toBeUndefined();
  });

  it("injects a 429 with Retry-After once: the connector client retries it by itself", async () => {
    bf.connector.failNext(bf.activities().world.channelId, { status: 429, retryAfterSeconds: 0 });
    expect(await inTurn((context) => context.sendActivity("hello"))).toBeUndefined();
    expect(bf.connector.callsOf("replyToActivity").map((call) => call.status)).toEqual([429, 201]);
  });

  it("refuses a call without a token from the login, as the real service does", async () => {
    const post = (authorization?: string) =>
      fetch(
        `${bf.connector.serviceUrl()}v3/conversations/${encodeURIComponent(bf.activities().world.channelId)}/activities`,
        {
          method: "POST",
          headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ type: "message", text: "hello" }),
        },
      );
    const activity = bf.activities().channelMention("x");
    expect((await post()).status).toBe(401);
    // A channel token (signed by the channel key, aud = the bot) is not a token for the connector.
    expect((await post(await bf.authorization(activity))).status).toBe(401);
    const credentials = await bf
      .credentialsFactory()
      .createCredentials(TEST_APP_ID, "https://api.botframework.com", config.endpoints.loginUrl, true);
    const token = await (credentials as FakeLoginAppCredentials).getToken();
    expect((await post(`Bearer ${token}`)).status).toBe(201);
  });

  it("gets no token from the login with a wrong secret", async () => {
    const factory = new FakeLoginCredentialsFactory(bf.login.url, TEST_APP_ID, "not-the-secret");
    const credentials = await factory.createCredentials(
      TEST_APP_ID,
      "https://api.botframework.com",
      config.endpoints.loginUrl,
      true,
    );
    await expect((credentials as FakeLoginAppCredentials).getToken()).rejects.toThrow(
      /HTTP 401 invalid_client/,
    );
    expect(bf.login.calls).toEqual([
      {
        tenant: "botframework.com",
        clientId: TEST_APP_ID,
        scope: "https://api.botframework.com/.default",
        grantType: "client_credentials",
        secretOk: false,
        status: 401,
      },
    ]);
  });

  it("updates what it was sent, and answers 404 to an update of an activity it never had", async () => {
    let sentId: string | undefined;
    await inTurn(async (context) => {
      sentId = (await context.sendActivity("draft 1"))?.id;
      await context.updateActivity({ type: "message", id: String(sentId), text: "draft 2" });
    });
    expect(bf.connector.activity(String(sentId))).toMatchObject({ text: "draft 2" });
    const error = await inTurn((context) => context.updateActivity({ type: "message", id: "1", text: "x" }));
    expect(error).toMatchObject({ statusCode: 404 });
  });
});

// The activity builders against botbuilder's own TeamsActivityHandler: each reaches the handler a
// real Teams activity of its kind reaches, so the Teams adapter's tests start from faithful input.
describe("Teams activity builders", () => {
  class Recorder extends TeamsActivityHandler {
    readonly seen: string[] = [];
    constructor() {
      super();
      this.onMessage(async (context, next) => {
        this.seen.push(`message:${context.activity.conversation.conversationType}`);
        await next();
      });
      this.onReactionsAdded(async (context, next) => {
        this.seen.push(`reactionsAdded:${context.activity.reactionsAdded?.map((r) => r.type).join(",")}`);
        await next();
      });
      this.onReactionsRemoved(async (context, next) => {
        this.seen.push(`reactionsRemoved:${context.activity.reactionsRemoved?.map((r) => r.type).join(",")}`);
        await next();
      });
      this.onInstallationUpdateAdd(async (_context, next) => {
        this.seen.push("installationUpdateAdd");
        await next();
      });
      this.onInstallationUpdateRemove(async (_context, next) => {
        this.seen.push("installationUpdateRemove");
        await next();
      });
      this.onTeamsMembersAddedEvent(async (members, team, _context, next) => {
        this.seen.push(`teamMembersAdded:${members.map((m) => m.id).join(",")}:${team.name}`);
        await next();
      });
    }
    protected override async handleTeamsMessagingExtensionFetchTask(
      _context: TurnContext,
      action: MessagingExtensionAction,
    ): Promise<MessagingExtensionActionResponse> {
      this.seen.push(`fetchTask:${action.commandId}:${action.messagePayload?.id}`);
      return { task: { type: "message", value: "ok" } };
    }
    protected override async handleTeamsMessagingExtensionSubmitAction(
      _context: TurnContext,
      action: MessagingExtensionAction,
    ): Promise<MessagingExtensionActionResponse> {
      this.seen.push(`submitAction:${action.messagePayload?.body?.content}:${JSON.stringify(action.data)}`);
      return {};
    }
    protected override async onAdaptiveCardInvoke(
      _context: TurnContext,
      invokeValue: AdaptiveCardInvokeValue,
    ): Promise<AdaptiveCardInvokeResponse> {
      this.seen.push(
        `adaptiveCard:${invokeValue.action.verb ?? "no verb"}:${JSON.stringify(invokeValue.action.data)}`,
      );
      return {
        statusCode: 200,
        type: "application/vnd.microsoft.card.adaptive",
        value: { type: "AdaptiveCard" },
      };
    }
  }

  it("reach the TeamsActivityHandler handler of their kind, authenticated, with Teams' statuses", async () => {
    const handler = new Recorder();
    turn = (context) => handler.run(context);
    const make = bf.activities();
    const root = make.channelMention("add shipped the search", { trailingNewline: true });
    const message = { id: String(root.id), html: "<p>Shipped the search</p>", from: DEFAULT_PEOPLE.alice };
    const cases: [Record<string, unknown> & { serviceUrl: string }, number][] = [
      [root, 200],
      [make.threadReply(String(root.id), "add and the filters", { withReplyToId: false }), 200],
      [make.personalMessage("add wrote the guide"), 200],
      [make.cardAction("1700000001000", { verb: "approve", week: "2026-W13" }), 200],
      [make.messageActionFetchTask(message), 200],
      [make.messageActionSubmit(message, { section: "Done" }), 200],
      [make.installationUpdate("add"), 200],
      [make.installationUpdate("remove"), 200],
      [make.botAddedToTeam(), 200],
      [make.messageReaction("1700000001000", "like"), 200],
      [make.messageReaction("1700000001000", "1f44b_wavinghand", { removed: true }), 200],
      [make.messageReaction("1700000001000", "heart", { bare: true, legacyOnly: true }), 200],
    ];
    for (const [activity, status] of cases) {
      const response = await postActivity(url, activity, await bf.authorization(activity));
      expect(response.status, String(activity.type)).toBe(status);
    }
    expect(handler.seen).toEqual([
      "message:channel",
      "message:channel",
      "message:personal",
      'adaptiveCard:no verb:{"verb":"approve","week":"2026-W13"}',
      `fetchTask:addToWeeknotes:${root.id}`,
      'submitAction:<p>Shipped the search</p>:{"section":"Done"}',
      "installationUpdateAdd",
      "installationUpdateRemove",
      `teamMembersAdded:28:${TEST_APP_ID}:Digital`,
      "reactionsAdded:like",
      "reactionsRemoved:1f44b_wavinghand",
    ]);
    expect(bf.connector.calls).toEqual([]);
  });
});

// The same rules through the real bot (buildBot, with the Teams platform the composition root wires).
describe("Teams auth through the real bot", () => {
  async function startBot(env: Record<string, string>): Promise<{ bot: Bot; logs: LogEntry[] }> {
    const botLogs: LogEntry[] = [];
    const bot = await buildBot(loadConfig({ PORT: "0", HOST: "127.0.0.1", ...env }), {
      logger: recordingLogger(botLogs),
      store: createMemoryStore(),
      schedule: false,
      teamsCredentialsFactory: bf.credentialsFactory(),
    });
    await bot.start();
    return { bot, logs: botLogs };
  }

  it("has no /api/messages at all when Teams is off: never open", async () => {
    const { bot } = await startBot({});
    try {
      const activity = bf.activities().channelMention("add it");
      const response = await postActivity(
        `${bot.url}/api/messages`,
        activity,
        await bf.authorization(activity),
      );
      expect(response.status).toBe(404);
    } finally {
      await bot.stop();
    }
  });

  it("refuses forged requests with 401, acknowledges good ones, and never logs a token", async () => {
    const { bot, logs: botLogs } = await startBot(bf.env());
    try {
      const endpoint = `${bot.url}${TEAMS_MESSAGES_PATH}`;
      const make = bf.activities();
      const tokens: string[] = [];
      for (const fault of [
        "no-header",
        "expired",
        "wrong-audience",
        "wrong-serviceurl",
        "bad-signature",
      ] as const) {
        const activity = make.channelMention("add forged");
        const authorization = await bf.authorization(activity, fault);
        if (authorization) tokens.push(authorization.replace(/^Bearer /, ""));
        expect((await postActivity(endpoint, activity, authorization)).status, fault).toBe(401);
      }
      const unknown = { ...make.channelMention("x"), type: "weeknotesFutureType" };
      const good = await bf.authorization(unknown);
      tokens.push(String(good).replace(/^Bearer /, ""));
      expect((await postActivity(endpoint, unknown, good)).status).toBe(200);
      expect((await postActivity(endpoint, unknown, good, { body: "{" })).status).toBe(400);
      await bot.idle();

      expect(bf.connector.calls).toEqual([]);
      const text = JSON.stringify(botLogs);
      for (const token of tokens) expect(text).not.toContain(token);
    } finally {
      await bot.stop();
    }
  });
});
