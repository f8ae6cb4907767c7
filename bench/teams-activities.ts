// bench/teams-activities: N Teams message activities, each with its Bot Framework channel token, over
// HTTP to /api/messages (the project's HTTP server, the Teams endpoint, botbuilder's CloudAdapter
// and its JWT checks against the fake channel identity's key, and a turn that only counts), at a
// fixed concurrency, against a bare node:http server that only parses the body and verifies the
// same JWT with jose (same run, same process, same client).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { createLocalJWKSet, jwtVerify } from "jose";
import { createHttpServer } from "../adapters/http/server.ts";
import { createBotFrameworkAuthentication, createTeamsCloudAdapter } from "../adapters/teams/auth.ts";
import { createTeamsEndpoint, TEAMS_MESSAGES_PATH } from "../adapters/teams/endpoint.ts";
import type { Logger } from "../src/ports/logger.ts";
import {
  type BotFrameworkFakes,
  botFrameworkFakes,
  CHANNEL_ISSUER,
  TEST_APP_ID,
} from "../test/support/bot-framework/index.ts";
import { pct, rate, type Send, type Signed, send } from "./http-load.ts";

const ACTIVITIES = Number(process.env.BENCH_ACTIVITIES ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = 200;

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

/**
 * N channel posts mentioning the bot, each with its own id, made (and their one token minted)
 * before any clock starts. Teams sends the same token with every activity until it expires, so one
 * token for all is what the bot sees.
 */
async function messageActivities(bf: BotFrameworkFakes, count: number): Promise<Signed[]> {
  const make = bf.activities();
  const first = make.channelMention("add warm");
  const authorization = String(await bf.authorization(first));
  return Array.from({ length: count }, (_, i) => {
    const body = JSON.stringify(make.channelMention(`add shipped item ${i}`));
    return {
      body,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-length": String(Buffer.byteLength(body)),
        authorization,
      },
    };
  });
}

/**
 * The baseline: read the body, JSON.parse it, verify the bearer JWT with jose against the same
 * public key (looked up by kid), issuer, audience and 300 s tolerance botbuilder uses, compare its
 * `serviceurl` claim with the activity's, answer 200 (401 otherwise).
 */
async function startBareServer(jwks: { keys: object[] }): Promise<{ url: string; close(): Promise<void> }> {
  const keys = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const activity = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { serviceUrl?: string };
      const token = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
      jwtVerify(token, keys, {
        issuer: CHANNEL_ISSUER,
        audience: TEST_APP_ID,
        algorithms: ["RS256"],
        clockTolerance: 300,
      }).then(
        ({ payload }) => {
          res.writeHead(payload.serviceurl === activity.serviceUrl ? 200 : 401, { "content-length": "0" });
          res.end();
        },
        () => {
          res.writeHead(401, { "content-length": "0" });
          res.end();
        },
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${TEAMS_MESSAGES_PATH}`,
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
}

/** The real route: project HTTP server, Teams endpoint, CloudAdapter with the bot's authentication. */
async function startTeamsServer(
  bf: BotFrameworkFakes,
): Promise<{ url: string; turns(): number; close(): Promise<void> }> {
  let turns = 0;
  const config = bf.teamsConfig();
  const adapter = createTeamsCloudAdapter(
    createBotFrameworkAuthentication(config, bf.credentialsFactory()),
    silent,
  );
  const endpoint = createTeamsEndpoint({
    adapter,
    logger: silent,
    maxBodyBytes: 1024 * 1024,
    logic: async () => {
      turns += 1;
    },
  });
  const server = createHttpServer({
    host: "127.0.0.1",
    port: 0,
    logger: silent,
    routes: new Map([[TEAMS_MESSAGES_PATH, endpoint]]),
    readiness: async () => undefined,
  });
  const { url } = await server.listen();
  return { url: `${url}${TEAMS_MESSAGES_PATH}`, turns: () => turns, close: () => server.close() };
}

function onlyOk(run: Send, what: string): void {
  if (run.statuses.size !== 1 || run.statuses.get(200) !== run.latencies.length) {
    throw new Error(`${what}: expected every answer to be 200, got ${JSON.stringify([...run.statuses])}`);
  }
}

/** CPU per activity of the token check alone, outside any server: botbuilder's and jose's. */
async function stepCosts(bf: BotFrameworkFakes, requests: Signed[], jwks: { keys: object[] }) {
  const auth = createBotFrameworkAuthentication(bf.teamsConfig(), bf.credentialsFactory());
  const keys = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
  const sample = requests
    .slice(0, 500)
    .map((r) => ({ activity: JSON.parse(r.body), header: String(r.headers.authorization) }));
  const time = async (step: (r: (typeof sample)[number]) => Promise<unknown>) => {
    for (const r of sample.slice(0, 100)) await step(r); // warm
    const started = performance.now();
    for (const r of sample) await step(r);
    return ((performance.now() - started) * 1000) / sample.length;
  };
  return {
    botbuilderUs: await time((r) => auth.authenticateRequest(r.activity, r.header)),
    joseUs: await time((r) =>
      jwtVerify(r.header.replace(/^Bearer /, ""), keys, {
        issuer: CHANNEL_ISSUER,
        audience: TEST_APP_ID,
        algorithms: ["RS256"],
        clockTolerance: 300,
      }),
    ),
  };
}

export async function benchTeamsActivities(): Promise<void> {
  const bf = await botFrameworkFakes();
  const activities = await messageActivities(bf, ACTIVITIES);
  const warmup = await messageActivities(bf, WARMUP);
  const jwks = (await (await fetch(`${bf.identity.url}/v1/.well-known/keys`)).json()) as { keys: object[] };

  const baselines: Send[] = [];
  const runs: Send[] = [];
  const started = performance.now();
  // Up to ROUNDS rounds, but none begun after 30 s, so a loaded machine still ends within a minute.
  for (let round = 0; round < ROUNDS && (round === 0 || performance.now() - started < 30_000); round += 1) {
    const bare = await startBareServer(jwks);
    try {
      await send(bare.url, warmup, CONCURRENCY);
      const run = await send(bare.url, activities, CONCURRENCY);
      onlyOk(run, "baseline");
      baselines.push(run);
    } finally {
      await bare.close();
    }
    const teams = await startTeamsServer(bf);
    try {
      await send(teams.url, warmup, CONCURRENCY);
      const before = teams.turns();
      const run = await send(teams.url, activities, CONCURRENCY);
      onlyOk(run, "weeknotes");
      if (teams.turns() - before !== ACTIVITIES) {
        throw new Error(`expected ${ACTIVITIES} turns, ran ${teams.turns() - before}`);
      }
      runs.push(run);
    } finally {
      await teams.close();
    }
  }
  const baseline = baselines.reduce((a, b) => (b.ms < a.ms ? b : a));
  const ours = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const steps = await stepCosts(bf, activities, jwks);

  const ms = (value: number) => value.toFixed(1);
  const row = (name: string, r: Send) =>
    `| ${name} | ${r.ms.toFixed(0)} | ${rate(ACTIVITIES, r.ms)} | ${ms(pct(r.latencies, 50))} | ${ms(pct(r.latencies, 99))} | ${ms(r.latencies.at(-1) ?? 0)} |`;
  console.log(
    `bench/teams-activities — ${ACTIVITIES.toLocaleString("en-GB")} Teams message activities with channel JWTs over HTTP, ${CONCURRENCY} in flight, best of ${runs.length}`,
  );
  console.log("| run | send (ms) | activities/s | p50 (ms) | p99 (ms) | max (ms) |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  console.log(row("baseline: bare node:http, JSON.parse, jose jwtVerify, 200", baseline));
  console.log(row("weeknotes: /api/messages, CloudAdapter JWT checks, trivial turn", ours));
  console.log(
    `per activity, outside the server: botbuilder authenticateRequest ${steps.botbuilderUs.toFixed(1)} µs, jose jwtVerify ${steps.joseUs.toFixed(1)} µs (rounds: baseline ${baselines.map((r) => rate(ACTIVITIES, r.ms)).join(", ")}; weeknotes ${runs.map((r) => rate(ACTIVITIES, r.ms)).join(", ")} activities/s)`,
  );
  console.log(
    `ratio (weeknotes / baseline): throughput ${(baseline.ms / ours.ms).toFixed(2)}×, p50 ${(pct(ours.latencies, 50) / pct(baseline.latencies, 50)).toFixed(1)}×, p99 ${(pct(ours.latencies, 99) / pct(baseline.latencies, 99)).toFixed(1)}×`,
  );
}

if (import.meta.url === `file://${resolve(process.argv[1] ?? "")}`) {
  await benchTeamsActivities();
}
