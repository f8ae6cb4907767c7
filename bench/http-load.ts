// Shared by the HTTP benchmarks (bench/ingest, bench/teams-activities): one load loop and its
// figures, so both measure the bot and its floor the same way.
import { Agent, request } from "node:http";

/** One request to send: its body and headers, made before any clock starts. */
export interface Signed {
  body: string;
  headers: Record<string, string>;
}

export interface Send {
  ms: number;
  /** Per-request latency (request written → response fully read), sorted, ms. */
  latencies: number[];
  statuses: Map<number, number>;
}

/** POSTs every request, `concurrency` in flight over keep-alive connections; times each to its full answer. */
export async function send(
  url: string,
  requests: Signed[],
  concurrency: number,
  extra: Record<string, string> = {},
): Promise<Send> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const one = (signed: Signed) =>
    postOnce({ agent, target, signed, extra, from: performance.now(), latencies, statuses });
  const lane = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      await one(requests[i] as Signed);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  const ms = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { ms, latencies, statuses };
}

/** The `p`th percentile of sorted latencies. */
export const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/** Requests per second. */
export const rate = (count: number, ms: number) => Math.round(count / (ms / 1000));

/**
 * Open loop: request i is due `i / perSecond` s after the start, whatever the answers before it
 * (Slack sends events as they happen, it does not wait for our answers). A request's latency runs
 * from when it was due, not from when it was written, so a stalled event loop (ours or the
 * client's: they share a process) counts in full instead of delaying the next sends.
 */
export async function sendAtRate(
  url: string,
  requests: Signed[],
  perSecond: number,
  extra: Record<string, string> = {},
): Promise<Send> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const started = performance.now();
  const one = (signed: Signed, dueAt: number) =>
    postOnce({ agent, target, signed, extra, from: dueAt, latencies, statuses });
  const inFlight: Promise<void>[] = [];
  let next = 0;
  await new Promise<void>((allSent) => {
    const tick = () => {
      const now = performance.now();
      // Every request due by now goes out (several at once after a stall).
      while (next < requests.length && started + (next * 1000) / perSecond <= now) {
        inFlight.push(one(requests[next] as Signed, started + (next * 1000) / perSecond));
        next += 1;
      }
      if (next >= requests.length) {
        allSent();
        return;
      }
      setTimeout(tick, Math.max(0, started + (next * 1000) / perSecond - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  const ms = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { ms, latencies, statuses };
}

/** POSTs one signed request; records its status and its latency counted from `from` (ms). */
function postOnce(o: {
  agent: Agent;
  target: URL;
  signed: Signed;
  extra: Record<string, string>;
  from: number;
  latencies: number[];
  statuses: Map<number, number>;
}): Promise<void> {
  return new Promise<void>((done, fail) => {
    const req = request(
      {
        agent: o.agent,
        host: o.target.hostname,
        port: o.target.port,
        path: o.target.pathname,
        method: "POST",
        headers: { ...o.signed.headers, ...o.extra },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          o.latencies.push(performance.now() - o.from);
          o.statuses.set(res.statusCode ?? 0, (o.statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          done();
        });
        res.on("error", fail);
      },
    );
    req.on("error", fail);
    req.end(o.signed.body);
  });
}
