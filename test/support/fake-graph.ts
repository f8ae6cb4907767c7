/**
 * A local stand-in for the Microsoft Graph channel-message API (https://graph.microsoft.com/v1.0)
 * for end-to-end tests of the Teams reaction sweep: an HTTP server on 127.0.0.1 that the real
 * graph client talks to through `baseUrl: fake.url`. It records every request in order and
 * answers from small in-memory tables that a test changes as people would in Teams (post, reply,
 * react, take a reaction off, edit, delete), each change at the fake's clock.
 *
 *     const fake = await startFakeGraph({ token: "graph-token", clock, appId: APP_ID });
 *     fake.addTeam(GROUP, TENANT, [{ id: CHANNEL, displayName: "General" }]);
 *     const id = fake.post(GROUP, CHANNEL, { from: ADELE, html: "<p>Bins went live</p>" });
 *     fake.react(GROUP, CHANNEL, id, { user: MEGAN, reactionType: "like" });
 *     …
 *     await fake.close();
 *
 * Messages have the shape of the real captures in /work/shared/data/graph-teams-samples/ and the
 * v1.0 reference examples (chatMessage with `from.user` a teamworkUserIdentity, `body` HTML,
 * `channelIdentity`, `reactions[]` of chatMessageReaction with `user.user.id`); a bot's message has
 * `from.application` and no `from.user`. Faithful to Graph where the sweep depends on it:
 * - the bearer token must be the one given, else 401 `InvalidAuthenticationToken`;
 * - `…/messages/delta` lists root messages only (never replies), `$top` at most 50 (else 400);
 *   a first request takes `$filter=lastModifiedDateTime gt <ISO>` (the only filter Graph allows;
 *   anything else is a 400) and returns every reply chain changed after it; pages continue with
 *   `@odata.nextLink` (`$skiptoken`) and a round ends with `@odata.deltaLink` (`$deltatoken`),
 *   which later returns only the chains changed since that round began, deleted roots included
 *   (a first round leaves out what was deleted before it: delta-query-overview); a round's chains
 *   are fixed when it begins; `expireDeltaLink` makes a delta link answer 410 Gone (or 400
 *   `syncStateNotFound`);
 * - `…/messages/{id}/replies` lists a root's replies newest first, `$top` at most 50, paged;
 * - `…/messages/{id}` and `…/messages/{id}/replies/{rid}` get one message; 404 `NotFound` else;
 * - reacting, taking a reaction off, replying, editing or deleting changes the message's
 *   `lastModifiedDateTime` and `etag` and its chain's change time;
 * - `failNext` answers chosen requests with an error status (429 with `Retry-After`, 503, 403 …).
 *   After a 429 with Retry-After N, every request before the fake's clock has moved N seconds is
 *   answered 429 again and kept in {@link FakeGraph.early}: a client that did not wait is caught.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "../../src/ports/clock.ts";

/** A person in the tenant: AAD object id and display name. */
export interface FakePerson {
  readonly id: string;
  readonly displayName: string;
}

/** Who posts: a person, or an app (a bot) by its app id. */
export type FakeAuthor = FakePerson | { readonly appId: string; readonly displayName: string };

export interface FakeGraphRequest {
  readonly method: string;
  /** Decoded path below the version, `/teams/<group>/channels/<channel>/messages/delta`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorized: boolean;
  /** The fake's clock when it arrived, UTC epoch ms. */
  readonly atMs: number;
  status: number;
}

export interface FakeGraphFault {
  readonly status: number;
  readonly retryAfterSeconds?: number;
  /** Graph's `error.code`; default from the status. */
  readonly code?: string;
  /** How many matching requests get it; default 1. */
  readonly times?: number;
  /** Which requests; default every request. */
  readonly when?: (request: FakeGraphRequest) => boolean;
}

export interface FakeGraph {
  /** Graph's root with version, `http://127.0.0.1:<port>/v1.0`. */
  readonly url: string;
  readonly requests: FakeGraphRequest[];
  /** Requests that came before a Retry-After ran out on the fake's clock. */
  readonly early: FakeGraphRequest[];
  addTeam(groupId: string, tenantId: string, channels: readonly { id: string; displayName: string }[]): void;
  /** Posts a root message now (or at `atMs`); returns its id (its creation time in ms, as Teams does). */
  post(groupId: string, channelId: string, message: FakePost): string;
  reply(groupId: string, channelId: string, rootId: string, message: FakePost): string;
  react(groupId: string, channelId: string, messageId: string, reaction: FakeReaction): void;
  unreact(groupId: string, channelId: string, messageId: string, user: string, reactionType: string): void;
  edit(groupId: string, channelId: string, messageId: string, html: string): void;
  remove(groupId: string, channelId: string, messageId: string): void;
  failNext(fault: FakeGraphFault): void;
  /**
   * Makes a delta link (as given out) answer as an expired one does: by default 410 Gone
   * `resyncRequired`; or, as some Graph resources do, 400 `syncStateNotFound`.
   */
  expireDeltaLink(deltaLink: string, answer?: { readonly status: number; readonly code: string }): void;
  /** Requests for a path that ends with `suffix` (such as `/messages/delta`). */
  requestsTo(suffix: string): FakeGraphRequest[];
  close(): Promise<void>;
}

export interface FakePost {
  readonly from: FakeAuthor;
  readonly html: string;
  /** `message` (default) or `systemEventMessage`, … */
  readonly messageType?: string;
}

export interface FakeReaction {
  readonly user: string | { readonly appId: string };
  /** `like`, a Unicode emoji or `custom`. */
  readonly reactionType: string;
  readonly displayName?: string;
}

interface StoredReaction {
  readonly reactionType: string;
  readonly displayName: string | undefined;
  readonly user: string | { readonly appId: string };
  readonly createdMs: number;
}

interface StoredMessage {
  readonly id: string;
  readonly groupId: string;
  readonly channelId: string;
  readonly replyToId: string | undefined;
  readonly from: FakeAuthor | undefined;
  readonly messageType: string;
  readonly createdMs: number;
  html: string;
  modifiedMs: number;
  editedMs: number | undefined;
  deletedMs: number | undefined;
  reactions: StoredReaction[];
  /** Roots: the change counter and time of the latest change anywhere in the chain. */
  chainSeq: number;
  chainModifiedMs: number;
}

interface Team {
  readonly tenantId: string;
  readonly channels: { id: string; displayName: string }[];
}

/** Delta and replies state tokens: opaque to the client (base64url JSON here). */
interface DeltaState {
  /** The round (delta) or 0 (replies). */
  readonly round: number;
  readonly offset: number;
  readonly top: number;
  /** In a delta token: the change counter when its round began. */
  readonly sinceSeq?: number;
}

const MAX_TOP = 50;
const DEFAULT_TOP = 20;

export async function startFakeGraph(options: {
  /** The bearer token Graph accepts, or a check of it (an app-only token of the right tenant). */
  readonly token: string | ((bearer: string) => boolean);
  readonly clock: Clock;
}): Promise<FakeGraph> {
  const accepts = (header: string | undefined): boolean => {
    const bearer = header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
    if (bearer === undefined) {
      return false;
    }
    return typeof options.token === "string" ? bearer === options.token : options.token(bearer);
  };
  const teams = new Map<string, Team>();
  const messages: StoredMessage[] = [];
  const requests: FakeGraphRequest[] = [];
  const early: FakeGraphRequest[] = [];
  const faults: { fault: FakeGraphFault; left: number }[] = [];
  let seq = 0;
  let blockedUntilMs = Number.NEGATIVE_INFINITY;
  const rounds = new Map<number, { readonly ids: readonly string[]; readonly beganAtSeq: number }>();
  const expiredDeltaTokens = new Map<string, { readonly status: number; readonly code: string }>();
  let lastId = 0;

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      send(res, 500, { error: { code: "InternalServerError", message: String(error) } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const root = `http://127.0.0.1:${port}`;
  const url = `${root}/v1.0`;

  function find(groupId: string, channelId: string, id: string): StoredMessage {
    const found = messages.find((m) => m.groupId === groupId && m.channelId === channelId && m.id === id);
    if (!found) {
      throw new Error(`fake graph: no message ${id} in ${channelId}`);
    }
    return found;
  }

  function touch(message: StoredMessage): void {
    const now = options.clock.now();
    message.modifiedMs = now;
    seq += 1;
    const chain = message.replyToId ? find(message.groupId, message.channelId, message.replyToId) : message;
    chain.chainSeq = seq;
    chain.chainModifiedMs = now;
  }

  function newId(): string {
    lastId = Math.max(lastId + 1, options.clock.now());
    return String(lastId);
  }

  function add(groupId: string, channelId: string, replyToId: string | undefined, post: FakePost): string {
    const team = teams.get(groupId);
    if (!team?.channels.some((c) => c.id === channelId)) {
      throw new Error(`fake graph: no channel ${channelId} in team ${groupId}`);
    }
    const id = newId();
    const now = options.clock.now();
    const message: StoredMessage = {
      id,
      groupId,
      channelId,
      replyToId,
      from: post.messageType === "systemEventMessage" ? undefined : post.from,
      messageType: post.messageType ?? "message",
      createdMs: now,
      html: post.html,
      modifiedMs: now,
      editedMs: undefined,
      deletedMs: undefined,
      reactions: [],
      chainSeq: 0,
      chainModifiedMs: now,
    };
    messages.push(message);
    touch(message);
    return id;
  }

  // --- JSON as Graph gives it

  function identity(author: FakeAuthor, tenantId: string) {
    if ("appId" in author) {
      return {
        application: {
          "@odata.type": "#microsoft.graph.teamworkApplicationIdentity",
          id: author.appId,
          displayName: author.displayName,
          applicationIdentityType: "bot",
        },
        device: null,
        user: null,
      };
    }
    return {
      application: null,
      device: null,
      user: {
        "@odata.type": "#microsoft.graph.teamworkUserIdentity",
        id: author.id,
        displayName: author.displayName,
        userIdentityType: "aadUser",
        tenantId,
      },
    };
  }

  function reactionJson(m: StoredMessage, r: StoredReaction) {
    const custom = r.reactionType === "custom";
    return {
      reactionType: r.reactionType,
      displayName: r.displayName ?? null,
      reactionContentUrl: custom
        ? `${url}/teams/${m.groupId}/channels/${m.channelId}/messages/${m.id}/hostedContents/${Buffer.from(r.displayName ?? "custom").toString("base64url")}/$value`
        : null,
      createdDateTime: iso(r.createdMs),
      user:
        typeof r.user === "string"
          ? {
              application: null,
              device: null,
              user: {
                "@odata.type": "#microsoft.graph.teamworkUserIdentity",
                id: r.user,
                displayName: null,
                userIdentityType: "aadUser",
              },
            }
          : {
              application: { id: r.user.appId, displayName: null, applicationIdentityType: "bot" },
              device: null,
              user: null,
            },
    };
  }

  function messageJson(m: StoredMessage) {
    const team = teams.get(m.groupId);
    const tenantId = team?.tenantId ?? "";
    const deleted = m.deletedMs !== undefined;
    const parent = m.replyToId ?? m.id;
    return {
      "@odata.type": "#microsoft.graph.chatMessage",
      id: m.id,
      replyToId: m.replyToId ?? null,
      etag: String(m.modifiedMs),
      messageType: m.messageType,
      createdDateTime: iso(m.createdMs),
      lastModifiedDateTime: iso(m.modifiedMs),
      lastEditedDateTime: m.editedMs === undefined ? null : iso(m.editedMs),
      deletedDateTime: deleted ? iso(m.deletedMs ?? 0) : null,
      subject: null,
      summary: null,
      chatId: null,
      importance: "normal",
      locale: "en-us",
      webUrl: `https://teams.microsoft.com/l/message/${encodeURIComponent(m.channelId)}/${m.id}?groupId=${m.groupId}&tenantId=${tenantId}&createdTime=${m.id}&parentMessageId=${parent}`,
      policyViolation: null,
      eventDetail:
        m.messageType === "systemEventMessage"
          ? { "@odata.type": "#microsoft.graph.membersAddedEventMessageDetail" }
          : null,
      from: m.from === undefined ? null : identity(m.from, tenantId),
      body: {
        contentType: "html",
        content: deleted ? "" : m.messageType === "systemEventMessage" ? "<systemEventMessage/>" : m.html,
      },
      channelIdentity: { teamId: m.groupId, channelId: m.channelId },
      attachments: [],
      mentions: [],
      reactions: deleted ? [] : m.reactions.map((r) => reactionJson(m, r)),
      messageHistory: [],
    };
  }

  // --- serving

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const parsed = new URL(req.url ?? "/", root);
    const query: Record<string, string> = {};
    for (const [k, v] of parsed.searchParams) {
      query[k] = v;
    }
    const rawPath = parsed.pathname.startsWith("/v1.0/")
      ? parsed.pathname.slice("/v1.0".length)
      : parsed.pathname;
    const path = rawPath
      .split("/")
      .map((s) => decodeURIComponent(s))
      .join("/");
    const request: FakeGraphRequest = {
      method: req.method ?? "GET",
      path,
      query,
      authorized: accepts(req.headers.authorization),
      atMs: options.clock.now(),
      status: 0,
    };
    requests.push(request);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      request.status = status;
      send(res, status, body, headers);
    };
    if (!request.authorized) {
      answer(401, graphError("InvalidAuthenticationToken", "Access token is empty or invalid."));
      return;
    }
    if (options.clock.now() < blockedUntilMs) {
      early.push(request);
      const left = Math.ceil((blockedUntilMs - options.clock.now()) / 1000);
      answer(429, graphError("TooManyRequests", "Too many requests"), { "retry-after": String(left) });
      return;
    }
    const fault = faults.find((f) => f.left > 0 && (f.fault.when?.(request) ?? true));
    if (fault) {
      fault.left -= 1;
      const headers: Record<string, string> = {};
      if (fault.fault.retryAfterSeconds !== undefined) {
        headers["retry-after"] = String(fault.fault.retryAfterSeconds);
        if (fault.fault.status === 429) {
          blockedUntilMs = options.clock.now() + fault.fault.retryAfterSeconds * 1000;
        }
      }
      answer(
        fault.fault.status,
        graphError(fault.fault.code ?? codeOf(fault.fault.status), "Injected"),
        headers,
      );
      return;
    }
    if (request.method !== "GET") {
      answer(405, graphError("BadRequest", "Only GET is served"));
      return;
    }
    const parts = path.split("/").filter(Boolean);
    // teams/{g}/channels[/{c}/messages[/delta | /{id}[/replies[/{rid}]]]]
    if (parts[0] !== "teams" || parts[2] !== "channels" || parts[1] === undefined) {
      answer(400, graphError("BadRequest", "Unsupported path"));
      return;
    }
    const groupId = parts[1];
    const team = teams.get(groupId);
    if (!team) {
      answer(404, graphError("NotFound", "No such team"));
      return;
    }
    if (parts.length === 3) {
      answer(200, {
        "@odata.context": `${url}/$metadata#teams('${groupId}')/channels`,
        "@odata.count": team.channels.length,
        value: team.channels.map((c) => ({
          id: c.id,
          createdDateTime: iso(0),
          displayName: c.displayName,
          description: null,
          membershipType: "standard",
          tenantId: team.tenantId,
        })),
      });
      return;
    }
    const channelId = parts[3] ?? "";
    if (!team.channels.some((c) => c.id === channelId) || parts[4] !== "messages") {
      answer(404, graphError("NotFound", "No such channel"));
      return;
    }
    const rest = parts.slice(5);
    if (rest.length === 1 && rest[0] === "delta") {
      serveDelta(groupId, channelId, query, answer);
      return;
    }
    const message = messages.find(
      (m) =>
        m.groupId === groupId && m.channelId === channelId && m.id === rest[0] && m.replyToId === undefined,
    );
    if (!message) {
      answer(404, graphError("NotFound", "No such message"));
      return;
    }
    if (rest.length === 1) {
      answer(200, messageJson(message));
      return;
    }
    if (rest[1] === "replies" && rest.length === 2) {
      serveReplies(message, query, answer);
      return;
    }
    const reply = messages.find(
      (m) => m.replyToId === message.id && m.channelId === channelId && m.id === rest[2],
    );
    if (rest[1] === "replies" && rest.length === 3 && reply) {
      answer(200, messageJson(reply));
      return;
    }
    answer(404, graphError("NotFound", "No such message"));
  }

  type Answer = (status: number, body: unknown, headers?: Record<string, string>) => void;

  function serveDelta(
    groupId: string,
    channelId: string,
    query: Record<string, string>,
    answer: Answer,
  ): void {
    const base = `${url}/teams/${groupId}/channels/${channelId}/messages/delta`;
    let state: DeltaState;
    if (query.$skiptoken !== undefined) {
      const decoded = decodeState(query.$skiptoken);
      if (!decoded || !rounds.has(decoded.round)) {
        answer(400, graphError("BadRequest", "Invalid skip token"));
        return;
      }
      state = decoded;
    } else {
      let sinceSeq: number | undefined;
      let sinceMs: number | undefined;
      let top: number;
      if (query.$deltatoken !== undefined) {
        // A delta token starts a new round: the chains changed since the last round began.
        const decoded = decodeState(query.$deltatoken);
        if (!decoded || decoded.sinceSeq === undefined) {
          answer(400, graphError("BadRequest", "Invalid delta token"));
          return;
        }
        const expired = expiredDeltaTokens.get(query.$deltatoken);
        if (expired) {
          answer(expired.status, graphError(expired.code, "The delta token has expired"));
          return;
        }
        sinceSeq = decoded.sinceSeq;
        top = decoded.top;
      } else {
        top = query.$top === undefined ? DEFAULT_TOP : Number(query.$top);
        if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
          answer(400, graphError("BadRequest", `$top must be 1 to ${MAX_TOP}`));
          return;
        }
        if (query.$filter !== undefined) {
          const match = /^lastModifiedDateTime gt (\S+)$/.exec(query.$filter);
          sinceMs = match?.[1] === undefined ? Number.NaN : Date.parse(match[1]);
          if (Number.isNaN(sinceMs)) {
            answer(400, graphError("BadRequest", "Only lastModifiedDateTime gt <date> can be filtered"));
            return;
          }
        }
      }
      // The round's chains are fixed when it begins; later changes wait for the next round.
      const initial = sinceSeq === undefined;
      const ids = messages
        .filter((m) => m.groupId === groupId && m.channelId === channelId && m.replyToId === undefined)
        .filter((m) => sinceSeq === undefined || m.chainSeq > sinceSeq)
        .filter((m) => sinceMs === undefined || m.chainModifiedMs > sinceMs)
        .filter((m) => !(initial && m.deletedMs !== undefined))
        .sort((a, b) => a.createdMs - b.createdMs)
        .map((m) => m.id);
      const round = rounds.size + 1;
      rounds.set(round, { ids, beganAtSeq: seq });
      state = { round, offset: 0, top };
    }
    const round = rounds.get(state.round) ?? { ids: [], beganAtSeq: seq };
    const page = round.ids
      .slice(state.offset, state.offset + state.top)
      .map((id) => find(groupId, channelId, id));
    const more = state.offset + state.top < round.ids.length;
    const link = more
      ? {
          "@odata.nextLink": `${base}?$skiptoken=${encodeState({ ...state, offset: state.offset + state.top })}`,
        }
      : {
          "@odata.deltaLink": `${base}?$deltatoken=${encodeState({ round: state.round, offset: 0, top: state.top, sinceSeq: round.beganAtSeq })}`,
        };
    answer(200, {
      "@odata.context": `${url}/$metadata#Collection(chatMessage)`,
      ...link,
      value: page.map(messageJson),
    });
  }

  function serveReplies(rootMessage: StoredMessage, query: Record<string, string>, answer: Answer): void {
    let offset = 0;
    let top = DEFAULT_TOP;
    if (query.$skiptoken !== undefined) {
      const decoded = decodeState(query.$skiptoken);
      if (!decoded) {
        answer(400, graphError("BadRequest", "Invalid skip token"));
        return;
      }
      offset = decoded.offset;
      top = decoded.top;
    } else if (query.$top !== undefined) {
      top = Number(query.$top);
      if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
        answer(400, graphError("BadRequest", `$top must be 1 to ${MAX_TOP}`));
        return;
      }
    }
    const replies = messages
      .filter((m) => m.replyToId === rootMessage.id && m.channelId === rootMessage.channelId)
      .sort((a, b) => b.createdMs - a.createdMs);
    const page = replies.slice(offset, offset + top);
    const base = `${url}/teams/${rootMessage.groupId}/channels/${rootMessage.channelId}/messages/${rootMessage.id}/replies`;
    answer(200, {
      "@odata.context": `${url}/$metadata#teams('${rootMessage.groupId}')/channels('${encodeURIComponent(rootMessage.channelId)}')/messages('${rootMessage.id}')/replies`,
      "@odata.count": replies.length,
      ...(offset + top < replies.length
        ? {
            "@odata.nextLink": `${base}?$skiptoken=${encodeState({ round: 0, offset: offset + top, top })}`,
          }
        : {}),
      value: page.map(messageJson),
    });
  }

  return {
    url,
    requests,
    early,
    addTeam(groupId, tenantId, channels) {
      teams.set(groupId, { tenantId, channels: channels.map((c) => ({ ...c })) });
    },
    post: (groupId, channelId, message) => add(groupId, channelId, undefined, message),
    reply(groupId, channelId, rootId, message) {
      find(groupId, channelId, rootId);
      return add(groupId, channelId, rootId, message);
    },
    react(groupId, channelId, messageId, reaction) {
      const message = find(groupId, channelId, messageId);
      message.reactions.push({
        reactionType: reaction.reactionType,
        displayName: reaction.displayName,
        user: reaction.user,
        createdMs: options.clock.now(),
      });
      touch(message);
    },
    unreact(groupId, channelId, messageId, user, reactionType) {
      const message = find(groupId, channelId, messageId);
      const before = message.reactions.length;
      message.reactions = message.reactions.filter(
        (r) => !(r.user === user && r.reactionType === reactionType),
      );
      if (message.reactions.length === before) {
        throw new Error(`fake graph: ${user} has no ${reactionType} on ${messageId}`);
      }
      touch(message);
    },
    edit(groupId, channelId, messageId, html) {
      const message = find(groupId, channelId, messageId);
      message.html = html;
      message.editedMs = options.clock.now();
      touch(message);
    },
    remove(groupId, channelId, messageId) {
      const message = find(groupId, channelId, messageId);
      message.deletedMs = options.clock.now();
      message.reactions = [];
      touch(message);
    },
    failNext(fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    expireDeltaLink(deltaLink, expired = { status: 410, code: "resyncRequired" }) {
      const token = new URL(deltaLink).searchParams.get("$deltatoken");
      if (token === null) {
        throw new Error("fake graph: not a delta link");
      }
      expiredDeltaTokens.set(token, expired);
    },
    requestsTo: (suffix) => requests.filter((r) => r.path.endsWith(suffix)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function graphError(code: string, message: string) {
  return {
    error: {
      code,
      message,
      innerError: {
        date: "2026-03-27T12:00:00",
        "request-id": "00000000-fake-graph",
        "client-request-id": "00000000-fake-graph",
      },
    },
  };
}

function codeOf(status: number): string {
  switch (status) {
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 410:
      return "ResyncRequired";
    case 429:
      return "TooManyRequests";
    case 503:
      return "ServiceUnavailable";
    default:
      return status >= 500 ? "InternalServerError" : "BadRequest";
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; odata.metadata=minimal",
    "content-length": Buffer.byteLength(text),
    "request-id": "00000000-fake-graph",
    ...headers,
  });
  res.end(text);
}

function encodeState(state: DeltaState): string {
  return Buffer.from(JSON.stringify(state)).toString("base64url");
}

function decodeState(token: string): DeltaState | undefined {
  try {
    const state = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as DeltaState;
    return Number.isInteger(state.round) && Number.isInteger(state.offset) && Number.isInteger(state.top)
      ? state
      : undefined;
  } catch {
    return undefined;
  }
}
