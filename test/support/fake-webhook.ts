import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake webhook received: headers and the raw body, exactly as sent. */
export interface WebhookRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * How the fake answers a request: a status, or `hang` (never answers until close()), or `drop`
 * (destroys the connection: a network failure).
 */
export type WebhookAnswer = number | "hang" | "drop";

export interface FakeWebhook {
  /** `http://127.0.0.1:<port>/hooks/weeknotes`. */
  readonly url: string;
  readonly requests: WebhookRequest[];
  /** Sets what the next requests get, in order; when used up, every request gets 200. */
  answer(...answers: WebhookAnswer[]): void;
  /** Resolves when `count` requests have been received. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that records what it gets and answers as told. */
export async function startFakeWebhook(): Promise<FakeWebhook> {
  const requests: WebhookRequest[] = [];
  const answers: WebhookAnswer[] = [];
  const hanging: ServerResponse[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const answer = answers.shift() ?? 200;
      if (answer === "hang") {
        hanging.push(res);
      } else if (answer === "drop") {
        req.socket.destroy();
      } else {
        res.writeHead(answer, { "content-type": "text/plain" }).end(answer < 300 ? "ok" : "no");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/weeknotes`,
    requests,
    answer(...next) {
      answers.push(...next);
    },
    received(count) {
      return requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
