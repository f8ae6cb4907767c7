import type { IncomingMessage } from "node:http";
import { bearerOf, readBody, sendJson, startFakeServer } from "./http-kit.ts";
import type { FakeLogin } from "./login.ts";

/**
 * The limits the fake Bot Connector enforces on what the bot sends, each from Microsoft's
 * documentation (numbers written here from the documents, never taken from the code under test).
 * Where the documents disagree the fake takes the strictest reading, so it is never more lenient
 * than Teams.
 */
export const TEAMS_LIMITS = {
  /**
   * Largest message activity, in bytes of its JSON encoded as UTF-16 (2 bytes per UTF-16 code
   * unit, so 14,336 code units). Teams refuses a bigger one with 413 `MessageSizeTooBig`
   * ("Status codes from bot conversational APIs": "413 MessageSizeTooBig — The size on the incoming
   * request was too large"). Microsoft has documented three numbers: "The message size limit is
   * 28 KB" (Incoming Webhooks, and "The result card size limit is 28 KB" for message-extension
   * cards, msteams-docs "Define message extension search commands"); "The bot message size limit
   * is 40 KB … includes the entire message payload encoded as UTF-16" (Format your bot messages,
   * 2023–24); "100 KB … encoded as UTF-16 … within 80 KB to guarantee successful delivery" (same
   * page since 2025-03). 28 KB in UTF-16 is within all three.
   */
  messageBytes: 28 * 1024,
  /**
   * Newest Adaptive Card schema Teams renders: "Teams is also limited to version 1.5" (Copilot
   * Studio "Adaptive Cards overview"; Teams clients do not render 1.6). Real Teams accepts the post
   * and shows an error in the client; the fake refuses it (400 `BadArgument`) so a test sees it.
   */
  adaptiveCardMaxVersion: "1.5",
  /** `Action.Execute` (Universal Actions) exists from schema 1.4 (adaptivecards.io "Action.Execute": "Introduced in version 1.4"). */
  actionExecuteMinVersion: "1.4",
} as const;

const ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";
/** The audience of the bot's tokens for the Bot Connector (`ToChannelFromBotOAuthScope`). */
const CONNECTOR_AUDIENCE = "https://api.botframework.com";

export type ConnectorOperation =
  | "sendToConversation"
  | "replyToActivity"
  | "updateActivity"
  | "deleteActivity"
  | "getConversationMembers"
  | "getConversationMember"
  | "getConversationPagedMembers"
  | "createConversation"
  | "getTeamDetails"
  | "getTeamChannels"
  | "unknown";

/** One request the fake received, in arrival order. */
export interface ConnectorCall {
  readonly method: string;
  readonly operation: ConnectorOperation;
  /** The path from `/v3` on, segments decoded: `/v3/conversations/19:a@thread.tacv2;messageid=1/activities`. */
  readonly path: string;
  /** The serviceUrl's path before `/v3`, e.g. `/amer/`. */
  readonly prefix: string;
  readonly conversationId: string | undefined;
  /** The `:activityId` of the path (the activity replied to, updated or deleted). */
  readonly activityId: string | undefined;
  /** The bearer token sent, or undefined. */
  readonly bearer: string | undefined;
  /** The JSON body, parsed (undefined for none). */
  readonly body: unknown;
  status: number;
  /** The activity id the fake answered with, for sends, replies and created conversations. */
  answeredId?: string | undefined;
}

/** A call the fake refused for breaking one of {@link TEAMS_LIMITS}. */
export interface LimitRefusal {
  readonly call: ConnectorCall;
  readonly rule: "messageBytes" | "adaptiveCardVersion" | "actionExecuteVersion" | "notAnAdaptiveCard";
  readonly detail: string;
}

/** A failure to answer instead of the real thing. */
export interface ConnectorFault {
  /** HTTP status: 429, 5xx, 403… */
  readonly status: number;
  /** `Retry-After` header, seconds (429). */
  readonly retryAfterSeconds?: number;
  /** Body; default `{ error: { code, message } }` for the status. */
  readonly body?: unknown;
  /** How many calls it answers; default 1. The connector client retries 429 and 5xx itself (3 times by default). */
  readonly times?: number;
}

/** The two shapes of a 403 for a bot that was blocked or removed. */
export type BlockedShape = "error-envelope" | "documented";

/** A member as `GET /v3/conversations/{id}/members` answers (TeamsChannelAccount). */
export interface FakeMember {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId?: string;
  readonly email?: string;
  readonly userPrincipalName?: string;
  readonly givenName?: string;
  readonly surname?: string;
  readonly tenantId?: string;
  readonly userRole?: string;
}

export interface FakeConnector {
  readonly url: string;
  /** A serviceUrl for activities, with a regional path and trailing slash as Teams sends it: `http://127.0.0.1:<p>/amer/`. */
  serviceUrl(region?: string): string;
  readonly calls: ConnectorCall[];
  readonly limitRefusals: LimitRefusal[];
  /** Calls of one operation. */
  callsOf(operation: ConnectorOperation): ConnectorCall[];
  /** The latest version of an activity the bot posted (after updates), or undefined (never posted, or deleted). */
  activity(activityId: string): Record<string, unknown> | undefined;
  /**
   * The next `times` calls naming `conversationId` (or a thread of it, `…;messageid=…`) get `fault`
   * instead of their answer.
   */
  failNext(conversationId: string, fault: ConnectorFault): void;
  /**
   * Every write (send, reply, update, delete, create) to `conversationId` gets 403, as when the bot
   * was blocked or uninstalled, until {@link unblock}. `error-envelope` (default) answers
   * `{"error":{"code":"MessageWritesBlocked","message":"Thread is blocked from message writes."}}`;
   * `documented` answers the sample of msteams-docs "Send proactive messages"
   * (`{"errorCode":209,"message":"{\"subCode\": \"MessageWritesBlocked\", …}"}`).
   */
  blockWrites(conversationId: string, shape?: BlockedShape): void;
  unblock(conversationId: string): void;
  setMembers(conversationId: string, members: readonly FakeMember[]): void;
  setTeam(
    teamId: string,
    details: { name: string; aadGroupId?: string; channels?: { id: string; name?: string }[] },
  ): void;
  /** Forgets calls, refusals, faults, blocks, members, teams and posted activities (the id counter goes on). */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeConnectorOptions {
  /** Checks the bearer token of every call (a token of this login, audience the Bot Connector). */
  readonly login: FakeLogin;
  /** Override {@link TEAMS_LIMITS.messageBytes}. */
  readonly messageBytes?: number;
}

/** Teams message ids are milliseconds since the epoch; the fake's count up from here, one per activity. */
const FIRST_ACTIVITY_ID = 1_700_000_001_000;

/**
 * A fake of the Bot Connector service (`{serviceUrl}/v3/…`, Bot Framework REST API reference,
 * "Conversations" and Teams' `/v3/teams` operations) for end-to-end tests: a node:http server on
 * 127.0.0.1 that the bot's real `ConnectorClient` talks to through activities' `serviceUrl`. It
 * records every call (method, path, bearer, body), checks the bearer token (401 `Authorization has
 * been denied for this request.` otherwise, as the real service answers), enforces
 * {@link TEAMS_LIMITS} (every refusal kept in `limitRefusals`), answers `{ id }` with increasing
 * ids, and can be told to fail (429 with Retry-After, 5xx, 403 MessageWritesBlocked) per conversation.
 *
 * - `POST /v3/conversations/{id}/activities` (send) and `…/activities/{activityId}` (reply; also
 *   how a proactive send arrives) → 201 `{ id }`;
 * - `PUT …/activities/{activityId}` (update) → 200 `{ id }`; 404 for an activity never posted;
 * - `DELETE …/activities/{activityId}` → 200;
 * - `GET /v3/conversations/{id}/members`, `…/members/{memberId}`, `…/pagedmembers` → from setMembers;
 * - `POST /v3/conversations` → 201 `{ id, activityId? }` (a channel post: `<channel>;messageid=<id>`;
 *   a 1:1 chat: the same `a:…` id for the same user);
 * - `GET /v3/teams/{teamId}` and `…/conversations` → from setTeam.
 */
export async function startFakeConnector(options: FakeConnectorOptions): Promise<FakeConnector> {
  const { login } = options;
  const messageBytes = options.messageBytes ?? TEAMS_LIMITS.messageBytes;
  const calls: ConnectorCall[] = [];
  const limitRefusals: LimitRefusal[] = [];
  const faults = new Map<string, { fault: ConnectorFault; left: number }[]>();
  const blocked = new Map<string, BlockedShape>();
  const members = new Map<string, FakeMember[]>();
  const teams = new Map<
    string,
    { name: string; aadGroupId?: string; channels: { id: string; name?: string }[] }
  >();
  const activities = new Map<string, Record<string, unknown>>();
  const personalChats = new Map<string, string>();
  let nextId = FIRST_ACTIVITY_ID;
  const newId = () => String(nextId++);

  const matches = (registered: string, conversationId: string) =>
    registered === conversationId || registered === baseConversation(conversationId);

  function takeFault(conversationId: string | undefined): ConnectorFault | undefined {
    if (conversationId === undefined) return undefined;
    for (const [registered, queue] of faults) {
      if (!matches(registered, conversationId)) continue;
      const head = queue[0];
      if (!head) continue;
      head.left -= 1;
      if (head.left <= 0) queue.shift();
      return head.fault;
    }
    return undefined;
  }

  function blockedShape(conversationId: string | undefined): BlockedShape | undefined {
    if (conversationId === undefined) return undefined;
    for (const [registered, shape] of blocked) if (matches(registered, conversationId)) return shape;
    return undefined;
  }

  const server = await startFakeServer(async (request, response) => {
    const route = routeOf(request);
    const text = await readBody(request);
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const call: ConnectorCall = {
      method: request.method ?? "GET",
      operation: route.operation,
      path: route.path,
      prefix: route.prefix,
      conversationId: route.conversationId,
      activityId: route.activityId,
      bearer: bearerOf(request),
      body,
      status: 0,
    };
    calls.push(call);
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      sendJson(response, status, payload, headers);
    };

    if (!(await bearerIsGood(call.bearer))) {
      return answer(401, { message: "Authorization has been denied for this request." });
    }
    if (route.operation === "unknown") return answer(404, errorBody("NotFound", "No such operation."));

    const writes = [
      "sendToConversation",
      "replyToActivity",
      "updateActivity",
      "deleteActivity",
      "createConversation",
    ];
    const target = route.conversationId ?? channelOfCreate(body);
    const shape = writes.includes(route.operation) ? blockedShape(target) : undefined;
    if (shape) return answer(403, blockedBody(shape));
    const fault = takeFault(target);
    if (fault) {
      return answer(
        fault.status,
        fault.body ?? errorBody(fault.status === 429 ? "Throttled" : "ServiceError", "Injected by the test"),
        fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) },
      );
    }

    const outgoing =
      route.operation === "createConversation"
        ? (body as { activity?: unknown } | undefined)?.activity
        : body;
    if (
      ["sendToConversation", "replyToActivity", "updateActivity", "createConversation"].includes(
        route.operation,
      )
    ) {
      const refusal =
        outgoing === undefined ? undefined : checkLimits(outgoing, route.operation, text, messageBytes);
      if (refusal) {
        limitRefusals.push({ call, rule: refusal.rule, detail: refusal.detail });
        return answer(refusal.status, errorBody(refusal.code, refusal.detail));
      }
    }

    switch (route.operation) {
      case "sendToConversation":
      case "replyToActivity": {
        const id = newId();
        call.answeredId = id;
        activities.set(id, { ...(body as object), id, conversation: { id: route.conversationId } });
        return answer(201, { id });
      }
      case "updateActivity": {
        const id = route.activityId ?? "";
        if (!activities.has(id)) return answer(404, errorBody("NotFound", "The activity was not found."));
        activities.set(id, { ...(body as object), id, conversation: { id: route.conversationId } });
        return answer(200, { id });
      }
      case "deleteActivity":
        activities.delete(route.activityId ?? "");
        return answer(200, undefined);
      case "getConversationMembers":
        return answer(200, membersOf(route.conversationId));
      case "getConversationPagedMembers":
        return answer(200, { members: membersOf(route.conversationId) });
      case "getConversationMember": {
        const member = membersOf(route.conversationId).find(
          (m) => m.id === route.memberId || m.aadObjectId === route.memberId,
        );
        return member
          ? answer(200, member)
          : answer(
              404,
              errorBody("MemberNotFoundInConversation", "The member was not found in the conversation."),
            );
      }
      case "createConversation":
        return answer(201, createConversation(body, call));
      case "getTeamDetails": {
        const team = teams.get(route.teamId ?? "");
        return team
          ? answer(200, { id: route.teamId, name: team.name, aadGroupId: team.aadGroupId })
          : answer(404, errorBody("NotFound", "The team was not found."));
      }
      case "getTeamChannels": {
        const team = teams.get(route.teamId ?? "");
        return team
          ? answer(200, { conversations: team.channels })
          : answer(404, errorBody("NotFound", "The team was not found."));
      }
    }
  });

  async function bearerIsGood(token: string | undefined): Promise<boolean> {
    if (token === undefined) return false;
    try {
      await login.verify(token, CONNECTOR_AUDIENCE);
      return true;
    } catch {
      return false;
    }
  }

  function membersOf(conversationId: string | undefined): FakeMember[] {
    if (conversationId === undefined) return [];
    return members.get(conversationId) ?? members.get(baseConversation(conversationId)) ?? [];
  }

  function createConversation(body: unknown, call: ConnectorCall): Record<string, string> {
    const parameters = (body ?? {}) as {
      activity?: Record<string, unknown>;
      channelData?: { channel?: { id?: string } };
      members?: { id?: string }[];
    };
    const channel = parameters.channelData?.channel?.id;
    if (channel) {
      const activityId = newId();
      call.answeredId = activityId;
      const id = `${channel};messageid=${activityId}`;
      if (parameters.activity)
        activities.set(activityId, { ...parameters.activity, id: activityId, conversation: { id } });
      return { id, activityId };
    }
    const user = parameters.members?.[0]?.id ?? "";
    let id = personalChats.get(user);
    if (!id) {
      id = `a:1weeknotesfake${personalChats.size + 1}`;
      personalChats.set(user, id);
    }
    if (!parameters.activity) return { id };
    const activityId = newId();
    call.answeredId = activityId;
    activities.set(activityId, { ...parameters.activity, id: activityId, conversation: { id } });
    return { id, activityId };
  }

  return {
    url: server.url,
    serviceUrl: (region = "amer") => `${server.url}/${region}/`,
    calls,
    limitRefusals,
    callsOf: (operation) => calls.filter((call) => call.operation === operation),
    activity: (activityId) => activities.get(activityId),
    failNext(conversationId, fault) {
      const queue = faults.get(conversationId) ?? [];
      queue.push({ fault, left: fault.times ?? 1 });
      faults.set(conversationId, queue);
    },
    blockWrites: (conversationId, shape = "error-envelope") => void blocked.set(conversationId, shape),
    unblock: (conversationId) => void blocked.delete(conversationId),
    setMembers: (conversationId, list) => void members.set(conversationId, [...list]),
    setTeam: (teamId, details) =>
      void teams.set(teamId, {
        name: details.name,
        ...(details.aadGroupId === undefined ? {} : { aadGroupId: details.aadGroupId }),
        channels: details.channels ?? [],
      }),
    reset() {
      calls.length = 0;
      limitRefusals.length = 0;
      faults.clear();
      blocked.clear();
      members.clear();
      teams.clear();
      activities.clear();
      personalChats.clear();
    },
    close: () => server.close(),
  };
}

/** A channel or 1:1 conversation id without the thread part (`19:…@thread.tacv2;messageid=1` → `19:…@thread.tacv2`). */
export function baseConversation(conversationId: string): string {
  return conversationId.split(";messageid=")[0] ?? conversationId;
}

function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

function blockedBody(shape: BlockedShape): unknown {
  if (shape === "error-envelope")
    return errorBody("MessageWritesBlocked", "Thread is blocked from message writes.");
  // msteams-docs, "Send proactive messages", the example 403 response (verbatim shape).
  return {
    errorCode: 209,
    message:
      '{\r\n  "subCode": "MessageWritesBlocked",\r\n  "details": "Thread is blocked from message writes.",\r\n  "errorCode": null,\r\n  "errorSubCode": null\r\n}',
  };
}

function channelOfCreate(body: unknown): string | undefined {
  return (body as { channelData?: { channel?: { id?: string } } } | undefined)?.channelData?.channel?.id;
}

interface Route {
  readonly operation: ConnectorOperation;
  readonly path: string;
  readonly prefix: string;
  readonly conversationId?: string | undefined;
  readonly activityId?: string | undefined;
  readonly memberId?: string | undefined;
  readonly teamId?: string | undefined;
}

function routeOf(request: IncomingMessage): Route {
  const raw = (request.url ?? "/").split("?")[0] ?? "/";
  const at = raw.indexOf("/v3/");
  if (at < 0) return { operation: "unknown", path: raw, prefix: "" };
  const prefix = raw.slice(0, at + 1);
  const segments = raw
    .slice(at + 1)
    .split("/")
    .map((segment) => decodeURIComponent(segment));
  const path = `/${segments.join("/")}`;
  const method = request.method ?? "GET";
  const [, collection, id, sub, subId] = segments;
  const base = { path, prefix };
  if (collection === "conversations") {
    if (id === undefined || id === "")
      return { ...base, operation: method === "POST" ? "createConversation" : "unknown" };
    const conversation = { ...base, conversationId: id };
    if (sub === "activities") {
      if (subId === undefined)
        return { ...conversation, operation: method === "POST" ? "sendToConversation" : "unknown" };
      const operation: ConnectorOperation =
        method === "POST"
          ? "replyToActivity"
          : method === "PUT"
            ? "updateActivity"
            : method === "DELETE"
              ? "deleteActivity"
              : "unknown";
      return { ...conversation, activityId: subId, operation };
    }
    if (sub === "members" && method === "GET") {
      return subId === undefined
        ? { ...conversation, operation: "getConversationMembers" }
        : { ...conversation, memberId: subId, operation: "getConversationMember" };
    }
    if (sub === "pagedmembers" && method === "GET")
      return { ...conversation, operation: "getConversationPagedMembers" };
  }
  if (collection === "teams" && id && method === "GET") {
    if (sub === undefined) return { ...base, teamId: id, operation: "getTeamDetails" };
    if (sub === "conversations") return { ...base, teamId: id, operation: "getTeamChannels" };
  }
  return { ...base, operation: "unknown" };
}

interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly rule: LimitRefusal["rule"];
  readonly detail: string;
}

function checkLimits(
  activity: unknown,
  operation: ConnectorOperation,
  text: string,
  maxBytes: number,
): Refusal | undefined {
  const message = activity as { type?: unknown; attachments?: unknown };
  // The size rule is Teams' for messages; measured on the JSON as sent, in UTF-16 bytes.
  const json = operation === "createConversation" ? JSON.stringify(activity) : text;
  const bytes = json.length * 2;
  if (message.type === "message" && bytes > maxBytes) {
    return {
      status: 413,
      code: "MessageSizeTooBig",
      rule: "messageBytes",
      detail: `Message size too large: ${bytes} bytes as UTF-16, over ${maxBytes}`,
    };
  }
  const attachments = Array.isArray(message.attachments) ? message.attachments : [];
  for (const attachment of attachments as { contentType?: unknown; content?: unknown }[]) {
    if (attachment?.contentType !== ADAPTIVE_CARD) continue;
    const card = attachment.content as { type?: unknown; version?: unknown } | undefined;
    if (card?.type !== "AdaptiveCard") {
      return {
        status: 400,
        code: "BadArgument",
        rule: "notAnAdaptiveCard",
        detail: "The attachment is not an AdaptiveCard",
      };
    }
    const version = typeof card.version === "string" ? parseVersion(card.version) : undefined;
    if (version === undefined || version > MAX_CARD_VERSION) {
      return {
        status: 400,
        code: "BadArgument",
        rule: "adaptiveCardVersion",
        detail: `Adaptive Card version ${String(card.version)} is not one Teams renders (at most ${TEAMS_LIMITS.adaptiveCardMaxVersion})`,
      };
    }
    if (version < EXECUTE_MIN_VERSION && containsActionExecute(card)) {
      return {
        status: 400,
        code: "BadArgument",
        rule: "actionExecuteVersion",
        detail: `Action.Execute needs Adaptive Card version ${TEAMS_LIMITS.actionExecuteMinVersion} or later (got ${String(card.version)})`,
      };
    }
  }
  return undefined;
}

const MAX_CARD_VERSION = 1005; // TEAMS_LIMITS.adaptiveCardMaxVersion, "1.5"
const EXECUTE_MIN_VERSION = 1004; // TEAMS_LIMITS.actionExecuteMinVersion, "1.4"

/** `"1.5"` → 1005, comparable; undefined when not `major.minor`. */
function parseVersion(version: string): number | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  return match ? Number(match[1]) * 1000 + Number(match[2]) : undefined;
}

function containsActionExecute(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsActionExecute);
  if (typeof value !== "object" || value === null) return false;
  if ((value as { type?: unknown }).type === "Action.Execute") return true;
  return Object.values(value).some(containsActionExecute);
}
