import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import { BotError, type BotErrorCode, isBotError } from "../../src/domain/errors.ts";
import type { Logger } from "../../src/ports/logger.ts";

/**
 * One path of the server: the HTTP methods it answers and the function that answers them. Other
 * methods get 405 with an `Allow` header. `handle` owns the response; if it throws before sending
 * one, the server's edge handler answers with {@link httpStatusForError}. The promise may stay
 * pending after the response is sent (work after an acknowledgement): {@link HttpServer.close}
 * waits for it.
 */
export interface RouteHandler {
  /** Upper-case method names, e.g. `["POST"]`. */
  readonly methods: readonly string[];
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

export interface HttpServerOptions {
  /** Address to bind, e.g. `"0.0.0.0"` or `"127.0.0.1"` (config `HOST`). */
  readonly host: string;
  /** TCP port; `0` picks a free one (config `PORT`). */
  readonly port: number;
  readonly logger: Logger;
  /**
   * Exact paths (no query string) to handlers, e.g. `"/slack/events"`. `/healthz`, `/readyz` and
   * `/metrics` are built in.
   */
  readonly routes: ReadonlyMap<string, RouteHandler>;
  /**
   * Resolves when the bot can do its work (database reachable, inbox moving, not shutting down);
   * `/readyz` answers 503 when it rejects, and logs the rejection's message as the reason.
   */
  readonly readiness: () => Promise<void>;
  /**
   * What `GET /metrics` serves: Prometheus' text format and its content type. Without it
   * `/metrics` answers 404.
   */
  readonly metrics?: { readonly contentType: string; render(): Promise<string> };
  /** How long `/readyz` waits for `readiness()` before answering 503, ms. Default 2,000. */
  readonly readinessTimeoutMs?: number;
  /** How long {@link HttpServer.close} waits for requests in flight before cutting connections, ms. Default 10,000. */
  readonly closeTimeoutMs?: number;
  /**
   * Longest time a client may take to send a request's line and headers, ms, from the first byte
   * (slow-client guard; node's `headersTimeout`). Default 30,000; at most `requestTimeoutMs`.
   */
  readonly headersTimeoutMs?: number;
  /**
   * Longest time a client may take to send one whole request, headers and body, ms (node's
   * `requestTimeout`). Default 30,000.
   */
  readonly requestTimeoutMs?: number;
}

/** The slow-client limits the server runs with, read back from node's server. */
export interface HttpServerTimeouts {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** How often node checks the limits, ms: a slow client is cut at most this long after its limit. */
  readonly checkIntervalMs: number;
}

/** The README's limit for a client to send a whole request, headers included: 30 seconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface HttpServer {
  /**
   * Starts listening. Resolves with the base URL to reach it, e.g. `http://127.0.0.1:49152` (a
   * wildcard host is given as loopback; IPv6 in brackets). Rejects when the port cannot be bound.
   */
  listen(): Promise<{ url: string }>;
  /**
   * Graceful stop: stops accepting connections at once, lets requests in flight finish (including
   * work a handler does after it has answered), then closes kept-alive connections. After
   * `closeTimeoutMs` the remaining connections are cut. Safe to call more than once.
   */
  close(): Promise<void>;
  /** The slow-client limits in force (from node's server, not from the options). */
  readonly timeouts: HttpServerTimeouts;
}

const BUILT_IN_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);
const PROBE_METHODS = ["GET", "HEAD"] as const;

/**
 * The bot's one HTTP server (node:http, no framework): `/healthz` (200 whenever the process
 * answers), `/readyz` (200 when `readiness()` resolves in time, else 503), the given routes, 404 for
 * unknown paths and 405 for a known path with the wrong method.
 *
 * Slow clients: one that has not sent its request line and headers within `headersTimeoutMs`, or
 * the whole request within `requestTimeoutMs` (both 30 s by default, as the README says), is
 * answered `408 Request Timeout` and its connection closed. Node checks these limits every
 * `checkIntervalMs` (a tenth of the shorter limit, at most 1 s), so a client is cut within that
 * long after its limit: 30–31 s by default (node's own defaults, 60 s checked every 30 s, cut slow
 * clients after 60–90 s).
 *
 * `/metrics` serves `metrics` (Prometheus' text format) when given.
 *
 * @throws Error when a route claims `/healthz`, `/readyz` or `/metrics`, or does not start with `/`.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { logger, routes, readiness } = options;
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 2_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  for (const path of routes.keys()) {
    if (BUILT_IN_PATHS.has(path) || !path.startsWith("/")) {
      throw new Error(`createHttpServer: cannot route ${JSON.stringify(path)}`);
    }
  }

  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Node refuses a headers limit over the request limit; the headers are part of the request.
  const headersTimeout = Math.min(options.headersTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, requestTimeout);
  const checkIntervalMs = Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 10)));
  const server = createServer({
    requestTimeout,
    headersTimeout,
    connectionsCheckingInterval: checkIntervalMs,
  });
  const inFlight = new Set<Promise<void>>();
  let closing: Promise<void> | undefined;

  async function dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Split by hand rather than `new URL(path, base)`, which reads `//host/x` as another host.
    const path = (request.url ?? "/").split("?", 1)[0] ?? "/";
    const method = request.method ?? "GET";
    if (closing) response.setHeader("connection", "close");

    if (BUILT_IN_PATHS.has(path)) {
      if (!(PROBE_METHODS as readonly string[]).includes(method)) {
        return sendStatus(response, 405, { allow: PROBE_METHODS.join(", ") });
      }
      if (path === "/healthz") return sendText(response, 200, "ok\n");
      if (path === "/metrics") {
        if (!options.metrics) return sendStatus(response, 404);
        const body = await options.metrics.render();
        return sendText(response, 200, body, { "content-type": options.metrics.contentType });
      }
      return probeReadiness(response);
    }

    const route = routes.get(path);
    if (!route) return sendStatus(response, 404);
    if (!route.methods.includes(method))
      return sendStatus(response, 405, { allow: route.methods.join(", ") });
    try {
      await route.handle(request, response);
    } catch (error) {
      // The edge handler of last resort: a route should answer its own errors, but one it throws
      // still gets a status from its code and never a stack trace or message in the body.
      const status = httpStatusForError(error);
      const fields = { path, method, status, ...describeError(error) };
      if (status >= 500) logger.error(fields, "HTTP route failed");
      else logger.warn(fields, "HTTP request refused");
      if (!response.headersSent) sendStatus(response, status);
      else if (!response.writableEnded) response.destroy();
    }
  }

  async function probeReadiness(response: ServerResponse): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        readiness(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`readiness check took over ${readinessTimeoutMs} ms`)),
            readinessTimeoutMs,
          );
        }),
      ]);
      sendText(response, 200, "ready\n");
    } catch (error) {
      logger.warn(describeError(error), "Not ready");
      sendText(response, 503, "not ready\n");
    } finally {
      clearTimeout(timer);
    }
  }

  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const run = dispatch(request, response)
      .catch((error: unknown) => {
        // dispatch answers its own errors; this is a bug in it, kept from crashing the process.
        logger.error(describeError(error), "HTTP dispatch failed");
        if (!response.headersSent) sendStatus(response, 500);
      })
      .finally(() => {
        inFlight.delete(run);
        // Once draining, each finished exchange may leave an idle kept-alive socket to close.
        if (closing) server.closeIdleConnections();
      });
    inFlight.add(run);
  });

  return {
    timeouts: {
      headersTimeoutMs: server.headersTimeout,
      requestTimeoutMs: server.requestTimeout,
      // Node keeps no readable copy of this one: the value given to createServer.
      checkIntervalMs,
    },

    listen() {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.host, () => {
          server.off("error", reject);
          resolve({ url: urlOf(server.address() as AddressInfo) });
        });
      });
    },

    close() {
      closing ??= (async () => {
        const stopped = server.listening
          ? new Promise<void>((resolve) => server.close(() => resolve()))
          : Promise.resolve();
        server.closeIdleConnections();
        const drained = await settlesWithin(Promise.allSettled([...inFlight]), closeTimeoutMs);
        if (!drained)
          logger.warn({ inFlight: inFlight.size }, "HTTP server stopped with requests unfinished");
        server.closeIdleConnections();
        // Kept-alive sockets that answered during the drain are idle now; anything left is stuck.
        if (!(await settlesWithin(stopped, drained ? 1_000 : 0))) {
          server.closeAllConnections();
          await stopped;
        }
      })();
      return closing;
    },
  };
}

/**
 * Reads a request body as the exact bytes received, refusing more than `maxBytes` without holding
 * more than that in memory: a `Content-Length` over the limit is refused before reading, and a
 * chunked body is refused as soon as it passes the limit (the rest is left unread; the 413
 * response closes the connection).
 *
 * @throws BotError `request.too_large` over the limit (→ 413); `request.malformed` when the client
 *   goes away before the body ends or the stream fails (→ 400).
 */
export function readRawBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
      request.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Stop pulling bytes; whatever is still on the wire is dropped with the connection.
        request.pause();
        chunks.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new BotError("request.malformed", "The request body could not be read", { cause: error }));
    };
    const onClose = () => {
      cleanup();
      reject(new BotError("request.malformed", "The client closed the connection before the body ended"));
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
    request.on("close", onClose);
  });
}

const STATUS_BY_CODE: Partial<Record<BotErrorCode, number>> = {
  "request.bad_signature": 401,
  "request.malformed": 400,
  "request.too_large": 413,
};

/**
 * The HTTP status for an error at the edge: `request.bad_signature` 401, `request.malformed` 400,
 * `request.too_large` 413; anything else 500.
 */
export function httpStatusForError(error: unknown): number {
  return (isBotError(error) ? STATUS_BY_CODE[error.code] : undefined) ?? 500;
}

/**
 * Ends a response with a status and its standard reason phrase as a plain-text body, never details.
 * 413 also closes the connection, since the unread rest of the body is still on the wire.
 */
export function sendStatus(
  response: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  if (status === 413) response.setHeader("connection", "close");
  sendText(response, status, `${STATUS_CODES[status] ?? "Error"}\n`, headers);
}

function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  response.end(text);
}

/** Log fields for an error: its code and message, never a body or a header value. */
export function describeError(error: unknown): Record<string, unknown> {
  if (isBotError(error)) return { code: error.code, reason: error.message };
  if (error instanceof Error) return { error: error.name, reason: error.message };
  return { error: String(error) };
}

function tooLarge(maxBytes: number): BotError {
  return new BotError("request.too_large", `The request body is over the limit of ${maxBytes} bytes`, {
    hint: "Raise MAX_BODY_BYTES if such requests are expected",
  });
}

function urlOf(address: AddressInfo): string {
  let host = address.address;
  if (host === "0.0.0.0") host = "127.0.0.1";
  else if (host === "::") host = "::1";
  return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
}

/** Waits up to `ms` for `promise` to settle; true when it did. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
