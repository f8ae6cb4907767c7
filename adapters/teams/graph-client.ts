/**
 * The few Microsoft Graph calls the Teams adapter makes (SPEC §4, capture path 3: the reaction
 * sweep), with an app-only token, over plain `fetch`. Every shape and rule here is from the Graph
 * reference:
 * - list channels, `GET /teams/{team-id}/channels`; application permission
 *   `ChannelSettings.Read.Group` (resource-specific consent)
 *   (https://learn.microsoft.com/graph/api/channel-list);
 * - channel messages delta, `GET /teams/{team-id}/channels/{channel-id}/messages/delta`: root
 *   messages only ("without the replies"); `$top` at most 50; `$filter` only on
 *   `lastModifiedDateTime` with `gt`, which returns every reply chain created or changed since;
 *   follow `@odata.nextLink` until a page carries `@odata.deltaLink`, whose URL gives the changes
 *   since then; state tokens are opaque; delta returns only the last eight months; application
 *   permission `ChannelMessage.Read.Group` (resource-specific consent)
 *   (https://learn.microsoft.com/graph/api/chatmessage-delta);
 * - list replies, `GET /teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies`,
 *   `$top` at most 50 (https://learn.microsoft.com/graph/api/chatmessage-list-replies);
 * - get a message or a reply, `GET …/messages/{message-id}[/replies/{reply-id}]`
 *   (https://learn.microsoft.com/graph/api/chatmessage-get);
 * - throttling: 429 with a suggested wait in `Retry-After`; wait that long, then retry; with no
 *   Retry-After, back off exponentially (https://learn.microsoft.com/graph/throttling);
 * - a delta token the service can no longer serve answers 410 Gone (or 400 `syncStateNotFound` /
 *   `resyncRequired`): start a full synchronisation again
 *   (https://learn.microsoft.com/graph/delta-query-overview, "Synchronization reset");
 * - error bodies are `{ "error": { "code", "message", "innerError": { "request-id" } } }`
 *   (https://learn.microsoft.com/graph/errors).
 *
 * The token is app-only (client credentials for scope `https://graph.microsoft.com/.default`),
 * obtained by the caller (`getToken`, asked before every request, so the caller's cache decides
 * when to refresh). It is sent only to `baseUrl`'s origin and path: a next or delta link pointing
 * anywhere else is refused before any request.
 */
import { z } from "zod";
import { BotError, type BotErrorCode } from "../../src/domain/errors.ts";
import type { Logger } from "../../src/ports/logger.ts";

// --- Graph shapes (only the fields we read; nulls as Graph sends them)

const Identity = z.object({ id: z.string().min(1), displayName: z.string().nullish() });

/** chatMessageFromIdentitySet / chatMessageReactionIdentitySet: who posted or reacted. */
const IdentitySet = z.object({ user: Identity.nullish(), application: Identity.nullish() });

const Reaction = z.object({
  reactionType: z.string(),
  displayName: z.string().nullish(),
  createdDateTime: z.string().nullish(),
  user: IdentitySet.nullish(),
});

const ChatMessage = z.object({
  id: z.string().min(1),
  replyToId: z.string().nullish(),
  etag: z.string().nullish(),
  /** `message`, `chatEvent`, `typing`, `systemEventMessage`, … */
  messageType: z.string(),
  createdDateTime: z.string(),
  lastModifiedDateTime: z.string().nullish(),
  lastEditedDateTime: z.string().nullish(),
  deletedDateTime: z.string().nullish(),
  from: IdentitySet.nullish(),
  body: z.object({ contentType: z.string().nullish(), content: z.string().nullish() }).nullish(),
  webUrl: z.string().nullish(),
  reactions: z.array(Reaction).nullish(),
});

const Channel = z.object({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  membershipType: z.string().nullish(),
});

const Page = z.object({
  value: z.array(z.unknown()),
  "@odata.nextLink": z.string().nullish(),
  "@odata.deltaLink": z.string().nullish(),
});

/** A Graph chatMessage (https://learn.microsoft.com/graph/api/resources/chatmessage), fields we read. */
export type GraphChatMessage = z.infer<typeof ChatMessage>;
/** A Graph chatMessageReaction (https://learn.microsoft.com/graph/api/resources/chatmessagereaction). */
export type GraphReaction = z.infer<typeof Reaction>;
/** A Graph channel (https://learn.microsoft.com/graph/api/resources/channel), fields we read. */
export type GraphChannel = z.infer<typeof Channel>;

/** Where a round of channel-message change tracking starts. */
export type DeltaStart =
  /** A first round: reply chains created or changed after `sinceMs` (UTC epoch ms). */
  | { readonly groupId: string; readonly channelId: string; readonly sinceMs: number }
  /** The `@odata.deltaLink` a previous round ended with. */
  | { readonly deltaLink: string };

/** One page of a delta round; the last one has `deltaLink`. */
export interface DeltaPage {
  readonly messages: GraphChatMessage[];
  readonly deltaLink: string | undefined;
}

export interface GraphClient {
  /** A team's channels (`groupId` is the team's Microsoft 365 group id), every page. */
  listChannels(groupId: string): Promise<GraphChannel[]>;

  /**
   * The pages of one round of channel-message change tracking, following `@odata.nextLink`
   * (root messages only; replies are read with {@link listReplies}). Throws part-way like any call.
   */
  deltaPages(start: DeltaStart): AsyncGenerator<DeltaPage, void, undefined>;

  /** A whole round: every changed root message and the `@odata.deltaLink` to start the next from. */
  channelMessagesDelta(start: DeltaStart): Promise<{ messages: GraphChatMessage[]; deltaLink: string }>;

  /** Every reply of a root message, every page. */
  listReplies(groupId: string, channelId: string, messageId: string): Promise<GraphChatMessage[]>;

  /** One root message, or with `replyId` one of its replies; undefined when Graph has none (404). */
  getMessage(
    groupId: string,
    channelId: string,
    messageId: string,
    replyId?: string,
  ): Promise<GraphChatMessage | undefined>;
}

export interface GraphClientOptions {
  /** Graph's root with its version, `https://graph.microsoft.com/v1.0` (TEAMS_GRAPH_URL). */
  readonly baseUrl: string;
  /** An app-only bearer token for Graph; asked before every request. */
  readonly getToken: () => Promise<string>;
  readonly fetch?: typeof fetch;
  /** How the client waits between attempts; default real timers. Tests pass one that moves a test clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** For a Retry-After given as an HTTP date; UTC epoch ms. */
  readonly now?: () => number;
  readonly logger: Logger;
  /** Attempts after the first, for 429, 5xx and network failures; default 3. */
  readonly maxRetries?: number;
  /** The longest wait done in-process; a longer Retry-After fails at once (`platform.rate_limited`). Default 60 s. */
  readonly maxWaitMs?: number;
  /** `$top` of delta and replies requests, 1–50 (Graph's upper limit); default 50. */
  readonly pageSize?: number;
  /** Per-request time-out, ms; default 30 s. */
  readonly timeoutMs?: number;
  /** Pages followed in one listing before giving up (a link loop); default 1000. */
  readonly maxPages?: number;
}

/**
 * A BotError from a Graph call, with the HTTP status and Graph's error code when there was a
 * response (metadata only, never the response's text).
 */
export class GraphError extends BotError {
  readonly status: number | undefined;
  readonly graphCode: string | undefined;
  readonly requestId: string | undefined;

  constructor(
    code: BotErrorCode,
    message: string,
    options: {
      status?: number | undefined;
      graphCode?: string | undefined;
      requestId?: string | undefined;
      retryable?: boolean;
      retryAfterMs?: number | undefined;
      hint?: string | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(code, message, {
      retryable: options.retryable ?? false,
      ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      ...(options.hint === undefined ? {} : { hint: options.hint }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.status = options.status;
    this.graphCode = options.graphCode;
    this.requestId = options.requestId;
  }
}

const RESYNC_CODES = new Set(["syncstatenotfound", "resyncrequired", "syncstateinvalid"]);

/** Whether a delta link can no longer be used and tracking must start again (410, or a resync code). */
export function needsResync(error: unknown): boolean {
  return (
    error instanceof GraphError &&
    (error.status === 410 || RESYNC_CODES.has((error.graphCode ?? "").toLowerCase()))
  );
}

const RSC_HINT =
  "Install the Weeknotes app in the team and grant its resource-specific consent " +
  "(ChannelMessage.Read.Group, ChannelSettings.Read.Group); a tenant admin may have to allow " +
  "resource-specific consent for apps";

/**
 * The one place that turns a Graph answer or failure into a BotError code and a retry decision:
 * 401 → `platform.rejected` (the app's token); 403 → `platform.missing_scope` (no consent);
 * 404 and 410 → `platform.not_found` (410 and resync codes: {@link needsResync}); 429, and 503
 * with a Retry-After → `platform.rate_limited`, retryable; other 5xx, 408 → `platform.unavailable`,
 * retryable; other 4xx → `platform.rejected`; no response (network, time-out) →
 * `platform.unavailable`, retryable.
 */
export function graphError(
  failure:
    | {
        readonly status: number;
        readonly graphCode?: string | undefined;
        readonly requestId?: string | undefined;
        readonly retryAfterMs?: number | undefined;
      }
    | { readonly network: unknown },
  what: string,
): GraphError {
  if ("network" in failure) {
    return new GraphError("platform.unavailable", `Could not reach Microsoft Graph to ${what}`, {
      retryable: true,
      cause: failure.network,
    });
  }
  const { status, graphCode, requestId, retryAfterMs } = failure;
  const meta = { status, graphCode, requestId, retryAfterMs };
  const said = `Microsoft Graph answered ${status}${graphCode ? ` ${graphCode}` : ""} to ${what}`;
  if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
    return new GraphError("platform.rate_limited", said, { ...meta, retryable: true });
  }
  if (status === 401) {
    return new GraphError("platform.rejected", said, {
      ...meta,
      hint: "Check MICROSOFT_APP_ID and its secret or certificate, and that the Graph token is app-only for https://graph.microsoft.com/.default",
    });
  }
  if (status === 403) {
    return new GraphError("platform.missing_scope", said, { ...meta, hint: RSC_HINT });
  }
  if (status === 404 || status === 410) {
    return new GraphError("platform.not_found", said, meta);
  }
  if (status === 408 || status >= 500) {
    return new GraphError("platform.unavailable", said, { ...meta, retryable: true });
  }
  return new GraphError("platform.rejected", said, meta);
}

/**
 * Creates the client. Every method throws a {@link GraphError} (see {@link graphError}), after
 * waiting out up to `maxRetries` 429s (for their Retry-After, or 1 s, 2 s, 4 s… without one), 5xx
 * and network failures; a Retry-After above `maxWaitMs` is not waited for. A Retry-After also
 * holds back the client's later calls until it has passed (they wait, or fail at once with
 * `platform.rate_limited` when the rest is above `maxWaitMs`), as Graph throttles the app, not
 * one URL.
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const maxRetries = options.maxRetries ?? 3;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const pageSize = Math.min(50, Math.max(1, options.pageSize ?? 50));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxPages = options.maxPages ?? 1000;
  const base = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
  const logger = options.logger;

  const path = (...segments: string[]) => new URL(segments.map(encodeURIComponent).join("/"), base).href;
  const channelPath = (groupId: string, channelId: string, ...rest: string[]) =>
    path("teams", groupId, "channels", channelId, ...rest);

  /** Refuses a link (from a page, or a stored cursor) that leaves Graph: our token goes only there. */
  function checkLink(link: string, what: string): string {
    let url: URL;
    try {
      url = new URL(link);
    } catch (error) {
      throw new GraphError("platform.rejected", `Not a Microsoft Graph link while trying to ${what}`, {
        cause: error,
      });
    }
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
      throw new GraphError(
        "platform.rejected",
        `Refusing to follow a link outside ${base.origin}${base.pathname} while trying to ${what}`,
      );
    }
    return url.href;
  }

  async function token(what: string): Promise<string> {
    try {
      return await options.getToken();
    } catch (error) {
      if (error instanceof BotError) {
        throw error;
      }
      throw new GraphError("platform.rejected", `Could not get a Microsoft Graph token to ${what}`, {
        cause: error,
        hint: "Check MICROSOFT_APP_ID, its secret or certificate, and the tenant of a single-tenant app",
      });
    }
  }

  // Until when Graph asked us to send nothing (the last Retry-After of a 429 or 503), UTC epoch
  // ms: the next call waits it out too instead of spending a request to hear the same 429.
  let pausedUntilMs = Number.NEGATIVE_INFINITY;

  /** Waits out a pause Graph asked for; fails at once when it is longer than `maxWaitMs`. */
  async function waitForPause(what: string): Promise<void> {
    const pausedMs = pausedUntilMs - now();
    if (pausedMs <= 0) {
      return;
    }
    if (pausedMs > maxWaitMs) {
      throw new GraphError("platform.rate_limited", `Microsoft Graph asked us to wait before we ${what}`, {
        retryable: true,
        retryAfterMs: pausedMs,
      });
    }
    await sleep(pausedMs);
  }

  /** GET `url` as JSON, retrying as documented above. */
  async function get(url: string, what: string): Promise<unknown> {
    checkLink(url, what);
    for (let attempt = 0; ; attempt++) {
      await waitForPause(what);
      const bearer = await token(what);
      let failure: GraphError;
      try {
        const response = await doFetch(url, {
          headers: { authorization: `Bearer ${bearer}`, accept: "application/json" },
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.ok) {
          return await readJson(response, what);
        }
        failure = await failureOf(response, what);
      } catch (error) {
        if (error instanceof GraphError) {
          throw error;
        }
        failure = graphError({ network: error }, what);
      }
      if (failure.code === "platform.rate_limited" && failure.retryAfterMs !== undefined) {
        pausedUntilMs = Math.max(pausedUntilMs, now() + failure.retryAfterMs);
      }
      const waitMs = failure.retryable ? (failure.retryAfterMs ?? 1000 * 2 ** attempt) : undefined;
      if (waitMs === undefined || attempt >= maxRetries || waitMs > maxWaitMs) {
        throw failure;
      }
      logger.warn(
        {
          code: failure.code,
          status: failure.status,
          attempt: attempt + 1,
          waitMs,
          path: new URL(url).pathname,
        },
        "Microsoft Graph call failed; waiting to retry",
      );
      await sleep(waitMs);
    }
  }

  async function failureOf(response: Response, what: string): Promise<GraphError> {
    let graphCode: string | undefined;
    let requestId = response.headers.get("request-id") ?? undefined;
    try {
      const body = (await response.json()) as {
        error?: { code?: unknown; innerError?: Record<string, unknown> };
      };
      graphCode = typeof body.error?.code === "string" ? body.error.code : undefined;
      const inner = body.error?.innerError?.["request-id"];
      requestId ??= typeof inner === "string" ? inner : undefined;
    } catch {
      // A body that is not Graph's JSON error (a proxy's page): the status says enough.
      graphCode = undefined;
    }
    return graphError(
      { status: response.status, graphCode, requestId, retryAfterMs: retryAfterMs(response.headers, now()) },
      what,
    );
  }

  async function readJson(response: Response, what: string): Promise<unknown> {
    try {
      return await response.json();
    } catch (error) {
      throw new GraphError("platform.unavailable", `Microsoft Graph answered with no JSON to ${what}`, {
        status: response.status,
        retryable: true,
        cause: error,
      });
    }
  }

  /** Pages of a collection from `first`, following `@odata.nextLink`. */
  async function* pages(
    first: string,
    what: string,
  ): AsyncGenerator<{ value: unknown[]; deltaLink: string | undefined }, void, undefined> {
    let url: string | undefined = first;
    const seen = new Set<string>();
    while (url !== undefined) {
      if (seen.has(url) || seen.size >= maxPages) {
        throw new GraphError("platform.unavailable", `Microsoft Graph kept paging while trying to ${what}`);
      }
      seen.add(url);
      const page: z.infer<typeof Page> = parse(Page, await get(url, what), what);
      const next: string | undefined = page["@odata.nextLink"] ?? undefined;
      const delta = page["@odata.deltaLink"] ?? undefined;
      yield { value: page.value, deltaLink: delta === undefined ? undefined : checkLink(delta, what) };
      url = next === undefined ? undefined : checkLink(next, what);
    }
  }

  async function all<T>(first: string, schema: z.ZodType<T>, what: string): Promise<T[]> {
    const items: T[] = [];
    for await (const page of pages(first, what)) {
      items.push(...page.value.map((item) => parse(schema, item, what)));
    }
    return items;
  }

  const client: GraphClient = {
    listChannels(groupId) {
      return all(path("teams", groupId, "channels"), Channel, "list a team's channels");
    },

    async *deltaPages(start) {
      const what = "read a channel's changed messages";
      let first: string;
      if ("deltaLink" in start) {
        first = checkLink(start.deltaLink, what);
      } else {
        const since = new Date(start.sinceMs).toISOString();
        const filter = encodeURIComponent(`lastModifiedDateTime gt ${since}`);
        first = `${channelPath(start.groupId, start.channelId, "messages", "delta")}?$top=${pageSize}&$filter=${filter}`;
      }
      for await (const page of pages(first, what)) {
        yield { messages: page.value.map((m) => parse(ChatMessage, m, what)), deltaLink: page.deltaLink };
      }
    },

    async channelMessagesDelta(start) {
      const messages: GraphChatMessage[] = [];
      let deltaLink: string | undefined;
      for await (const page of client.deltaPages(start)) {
        messages.push(...page.messages);
        deltaLink = page.deltaLink ?? deltaLink;
      }
      if (deltaLink === undefined) {
        throw new GraphError(
          "platform.unavailable",
          "Microsoft Graph ended a delta round without a delta link",
        );
      }
      return { messages, deltaLink };
    },

    listReplies(groupId, channelId, messageId) {
      return all(
        `${channelPath(groupId, channelId, "messages", messageId, "replies")}?$top=${pageSize}`,
        ChatMessage,
        "list a message's replies",
      );
    },

    async getMessage(groupId, channelId, messageId, replyId) {
      const what = "read a channel message";
      const url =
        replyId === undefined
          ? channelPath(groupId, channelId, "messages", messageId)
          : channelPath(groupId, channelId, "messages", messageId, "replies", replyId);
      try {
        return parse(ChatMessage, await get(url, what), what);
      } catch (error) {
        if (error instanceof GraphError && error.status === 404) {
          return undefined;
        }
        throw error;
      }
    },
  };
  return client;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const paths = result.error.issues.map((i) => i.path.join(".") || "(root)").join(", ");
    throw new GraphError(
      "platform.unavailable",
      `Microsoft Graph answered in an unexpected shape (${paths}) to ${what}`,
      {
        cause: result.error,
      },
    );
  }
  return result.data;
}

/** `Retry-After` in seconds or as an HTTP date, as ms from `nowMs`; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(value)) {
    return Math.round(Number(value) * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
