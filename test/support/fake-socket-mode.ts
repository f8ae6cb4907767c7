// A fake of Slack's Socket Mode on 127.0.0.1 ("Using Socket Mode", api.slack.com/apis/socket-mode),
// driven by tests against the real bot: `apps.connections.open` on the fake Web API (called with
// the app-level token) answers a ws:// URL; the client connects and is greeted with `hello`; the
// test sends envelopes (`events_api`, `slash_commands`, `interactive`) and reads the acks
// (`{ envelope_id, payload }`); it can ask the client to reconnect (`disconnect`), or drop the
// socket without a word, and re-send an envelope as Slack retries one not acked (retry_attempt).

import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import type { FakeSlackApi } from "./fake-slack-api.ts";

/** An envelope as Slack sends it over the socket. */
export interface SocketEnvelope {
  readonly envelope_id: string;
  readonly type: "events_api" | "slash_commands" | "interactive";
  readonly payload: Record<string, unknown>;
  readonly accepts_response_payload: boolean;
  readonly retry_attempt?: number;
  readonly retry_reason?: string;
}

/** An ack the client sent: the envelope it acknowledges and its payload (a command's reply…). */
export interface SocketAck {
  readonly envelope_id: string;
  readonly payload?: Record<string, unknown>;
}

export interface FakeSocketMode {
  /** The ws:// URL `apps.connections.open` hands out. */
  readonly url: string;
  /** Every ack received, in order. */
  readonly acks: SocketAck[];
  /** How many times `apps.connections.open` was called with an app token. */
  opens(): number;
  /** Resolves once `count` connections in all have been greeted with `hello` (default 1). */
  connected(count?: number): Promise<void>;
  /** Sends an envelope on the newest open connection; resolves with it. */
  send(
    type: SocketEnvelope["type"],
    payload: Record<string, unknown>,
    retry?: { attempt: number; reason: string; envelopeId?: string },
  ): SocketEnvelope;
  /** Resolves with the ack of `envelopeId` once it arrives. */
  ackOf(envelopeId: string): Promise<SocketAck>;
  /** Slack's polite goodbye: `{"type":"disconnect","reason":…}`; the client should reconnect. */
  askToReconnect(reason?: string): void;
  /** Drops every open socket without a word (a network cut). */
  dropAll(): void;
  close(): Promise<void>;
}

/**
 * Starts the fake Socket Mode server and makes `api` answer `apps.connections.open` (only with an
 * `xapp-` token, as Slack does; a bot token gets `not_allowed_token_type`).
 */
export async function startFakeSocketMode(api: FakeSlackApi): Promise<FakeSocketMode> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((ready) => server.once("listening", () => ready()));
  const { port } = server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}/link`;
  const sockets: WebSocket[] = [];
  const acks: SocketAck[] = [];
  const ackWaiters = new Map<string, ((ack: SocketAck) => void)[]>();
  let hellos = 0;
  const helloWaiters: { count: number; done: () => void }[] = [];
  let opens = 0;

  api.setHandler("apps.connections.open", (_args, call) => {
    if (!call.headers.authorization?.startsWith("Bearer xapp-")) {
      return { ok: false, error: "not_allowed_token_type" };
    }
    opens += 1;
    return { ok: true, url: `${url}?ticket=${randomUUID()}` };
  });

  server.on("connection", (socket) => {
    sockets.push(socket);
    socket.on("message", (data) => {
      let message: SocketAck;
      try {
        message = JSON.parse(String(data)) as SocketAck;
      } catch {
        return;
      }
      if (typeof message.envelope_id !== "string") return;
      acks.push(message);
      for (const waiter of ackWaiters.get(message.envelope_id) ?? []) waiter(message);
      ackWaiters.delete(message.envelope_id);
    });
    socket.on("close", () => {
      const at = sockets.indexOf(socket);
      if (at >= 0) sockets.splice(at, 1);
    });
    socket.send(
      JSON.stringify({
        type: "hello",
        num_connections: sockets.length,
        debug_info: { host: "fake-socket-mode", approximate_connection_time: 18060 },
        connection_info: { app_id: "A0APP00001" },
      }),
    );
    hellos += 1;
    for (const waiter of helloWaiters.splice(0)) {
      if (hellos >= waiter.count) waiter.done();
      else helloWaiters.push(waiter);
    }
  });

  return {
    url,
    acks,
    opens: () => opens,
    connected(count = 1) {
      if (hellos >= count) return Promise.resolve();
      return new Promise((done) => helloWaiters.push({ count, done }));
    },
    send(type, payload, retry) {
      const socket = sockets.at(-1);
      if (!socket) throw new Error("fake Socket Mode: no client is connected");
      const envelope: SocketEnvelope = {
        envelope_id: retry?.envelopeId ?? randomUUID(),
        type,
        payload,
        accepts_response_payload: type !== "events_api",
        ...(type === "events_api"
          ? { retry_attempt: retry?.attempt ?? 0, retry_reason: retry?.reason ?? "" }
          : {}),
      };
      socket.send(JSON.stringify(envelope));
      return envelope;
    },
    ackOf(envelopeId) {
      const found = acks.find((a) => a.envelope_id === envelopeId);
      if (found) return Promise.resolve(found);
      return new Promise((done) => {
        const list = ackWaiters.get(envelopeId) ?? [];
        list.push(done);
        ackWaiters.set(envelopeId, list);
      });
    },
    askToReconnect(reason = "refresh_requested") {
      for (const socket of sockets) {
        socket.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "fake-socket-mode" } }));
      }
    },
    dropAll() {
      for (const socket of [...sockets]) socket.terminate();
    },
    async close() {
      api.setHandler("apps.connections.open", undefined);
      for (const socket of [...sockets]) socket.terminate();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
