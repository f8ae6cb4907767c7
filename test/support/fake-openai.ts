/**
 * A local stand-in for an OpenAI-compatible API (`POST /v1/chat/completions`) for end-to-end tests:
 * an HTTP server on 127.0.0.1 that the real `openai` client talks to through `baseURL: fake.url`.
 * It records every request (headers, parsed JSON body, raw body) in order and answers from a
 * per-test script, one step per request; when the script runs out it answers with
 * {@link echoDocument}, a small "model" that summarises whatever highlights or partial weeknotes
 * the request carries, so map-reduce runs end to end.
 *
 *     const fake = await startFakeOpenAi();
 *     fake.script(rateLimited(7), completion(doc));   // a 429 with Retry-After: 7, then a document
 *     const summariser = createOpenAiSummariser({ apiKey: "sk-test", baseURL: fake.url, … });
 *     …
 *     expect(fake.requests).toHaveLength(2);
 *     await fake.close();
 *
 * Answers are shaped like OpenAI's (platform.openai.com API reference): a `chat.completion` object
 * whose message content is the JSON document, and errors as `{"error":{"message","type","param",
 * "code"}}` with the status and headers OpenAI sends (`Retry-After`, `x-request-id`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake received. */
export interface FakeOpenAiRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case header names. */
  readonly headers: Record<string, string>;
  /** The body exactly as received. */
  readonly raw: string;
  /** The parsed JSON body (undefined when it was not JSON). */
  readonly body: ChatRequestBody | undefined;
  /** What the fake did: an HTTP status, "hang", or "held" while a {@link held} step holds it. */
  outcome: number | "hang" | "held";
}

export interface ChatRequestBody {
  readonly model: string;
  readonly messages: readonly { role: string; content: string }[];
  readonly response_format?: {
    type: string;
    json_schema?: { name: string; strict?: boolean; schema?: Record<string, unknown> };
  };
  readonly max_completion_tokens?: number;
  readonly [field: string]: unknown;
}

/** One scripted answer. */
export type FakeReply =
  | {
      readonly kind: "completion";
      readonly content: string;
      readonly finishReason?: string;
      readonly refusal?: string;
    }
  | {
      readonly kind: "status";
      readonly status: number;
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly kind: "hang" }
  /** Answers with `reply` once it resolves (see {@link held}); until then the request waits. */
  | { readonly kind: "later"; readonly reply: Promise<FakeReply> };

/** A script step: a reply, or a function of the request that returns one. */
export type FakeStep = FakeReply | ((request: FakeOpenAiRequest) => FakeReply);

/** A completion whose message content is `document` as JSON. */
export function completion(document: unknown, finishReason = "stop"): FakeReply {
  return { kind: "completion", content: JSON.stringify(document), finishReason };
}

/** A completion with any content (not JSON, say). */
export function rawCompletion(content: string, finishReason = "stop"): FakeReply {
  return { kind: "completion", content, finishReason };
}

/** A refusal, as structured outputs report one. */
export function refusal(text = "I can't help with that."): FakeReply {
  return { kind: "completion", content: "", refusal: text };
}

/** OpenAI's error body. */
export function errorBody(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

/** 429 rate limit with `Retry-After: seconds` (omitted when undefined). */
export function rateLimited(retryAfterSeconds: number | undefined = 1): FakeReply {
  return {
    kind: "status",
    status: 429,
    body: errorBody(
      "Rate limit reached for gpt-4o-mini on tokens per min (TPM): Limit 200000, Used 199000, Requested 6000.",
      "tokens",
      "rate_limit_exceeded",
    ),
    headers: retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
  };
}

/** 429 `insufficient_quota`: the account has no credit (OpenAI's wording). */
export function quotaExceeded(): FakeReply {
  return {
    kind: "status",
    status: 429,
    body: errorBody(
      "You exceeded your current quota, please check your plan and billing details.",
      "insufficient_quota",
      "insufficient_quota",
    ),
  };
}

/** 400 `context_length_exceeded`, as in case C15. */
export function contextLengthExceeded(): FakeReply {
  return {
    kind: "status",
    status: 400,
    body: errorBody(
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 204308 tokens.",
      "invalid_request_error",
      "context_length_exceeded",
      "messages",
    ),
  };
}

/** 500 server error. */
export function serverError(status = 500): FakeReply {
  return {
    kind: "status",
    status,
    body: errorBody("The server had an error while processing your request.", "server_error", null),
  };
}

/** Never answers: the connection stays open until the client gives up or the fake closes. */
export function hang(): FakeReply {
  return { kind: "hang" };
}

/** A script step that holds its request until the test answers it; see {@link held}. */
export interface HeldStep {
  /** The step to put in the script. */
  readonly step: FakeStep;
  /** Resolves with the request once it has arrived and is being held. */
  readonly arrived: Promise<FakeOpenAiRequest>;
  /** Answers the held request: with `reply`, or by default the echo model's answer to it. */
  answer(reply?: FakeStep): void;
}

/**
 * A step that holds the request it answers, connection open, until `answer()` is called (then
 * answers like any other step); a request that is never answered ends when the fake closes. For
 * tests that must act while a client waits on the model (pause its process, let another go on).
 */
export function held(): HeldStep {
  let arrive!: (request: FakeOpenAiRequest) => void;
  const arrived = new Promise<FakeOpenAiRequest>((resolve) => {
    arrive = resolve;
  });
  let answer!: (reply: FakeStep | undefined) => void;
  const answered = new Promise<FakeStep | undefined>((resolve) => {
    answer = resolve;
  });
  return {
    step: (request) => {
      arrive(request);
      return {
        kind: "later",
        reply: answered.then((reply) =>
          reply === undefined
            ? completion(echoDocument(request.body))
            : typeof reply === "function"
              ? reply(request)
              : reply,
        ),
      };
    },
    arrived,
    answer: (reply) => answer(reply),
  };
}

export interface FakeOpenAi {
  /** Base URL for the client, ending in `/v1`. */
  readonly url: string;
  /** Every request so far, in order. */
  readonly requests: FakeOpenAiRequest[];
  /** Adds steps to the script; each request takes the next one. */
  script(...steps: FakeStep[]): void;
  /** Steps not yet used. */
  remaining(): number;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: FakeOpenAiRequest[] = [];
  const steps: FakeStep[] = [];
  let served = 0;

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name] = Array.isArray(value) ? value.join(", ") : (value ?? "");
    }
    let body: ChatRequestBody | undefined;
    try {
      body = JSON.parse(raw) as ChatRequestBody;
    } catch {
      body = undefined;
    }
    const record: FakeOpenAiRequest = {
      method: request.method ?? "",
      path,
      headers,
      raw,
      body,
      outcome: 200,
    };
    requests.push(record);
    if (request.method !== "POST" || path !== "/v1/chat/completions") {
      record.outcome = 404;
      send(response, 404, errorBody(`Unknown path ${path}`, "invalid_request_error", "unknown_url"));
      return;
    }
    if (!headers.authorization?.startsWith("Bearer ")) {
      record.outcome = 401;
      send(response, 401, errorBody("You didn't provide an API key.", "invalid_request_error", null));
      return;
    }
    const step = steps.shift();
    let reply: FakeReply =
      step === undefined ? completion(echoDocument(body)) : typeof step === "function" ? step(record) : step;
    served += 1;
    if (reply.kind === "later") {
      record.outcome = "held";
      reply = await reply.reply;
      if (reply.kind === "later") {
        throw new Error("a held reply cannot be held again");
      }
    }
    if (reply.kind === "hang") {
      record.outcome = "hang";
      return;
    }
    if (reply.kind === "status") {
      record.outcome = reply.status;
      send(response, reply.status, reply.body, reply.headers);
      return;
    }
    record.outcome = 200;
    send(response, 200, {
      id: `chatcmpl-fake${served}`,
      object: "chat.completion",
      created: 1_700_000_000 + served,
      model: body?.model ?? "unknown",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: reply.content, refusal: reply.refusal ?? null },
          logprobs: null,
          finish_reason: reply.finishReason ?? "stop",
        },
      ],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
  }

  const server: Server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      send(response, 500, errorBody(`fake failed: ${String(error)}`, "server_error", null));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...more) => {
      steps.push(...more);
    },
    remaining: () => steps.length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hanging requests hold their sockets open; end them so close() returns.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A plausible model answer for a request: one paragraph per highlight, naming its author (or per
 * paragraph and item of the partial weeknotes of a merge) found in the request's JSON lines,
 * citing its id, at most 40.
 * It obeys the response schema; it neither follows nor repeats instructions in the data.
 */
export function echoDocument(body: ChatRequestBody | undefined): Record<string, unknown> {
  const user = body?.messages.find((m) => m.role === "user")?.content ?? "";
  const paragraphs: { text: string; highlightIds: string[] }[] = [];
  const themes: string[] = [];
  for (const line of user.split("\n")) {
    if (!line.startsWith("{")) {
      continue;
    }
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof value.id === "string" && typeof value.text === "string") {
      // Names go in the prose, as the prompts ask: "… (Alice)".
      const by = typeof value.author === "string" && value.author ? ` (${value.author})` : "";
      paragraphs.push({
        text: `We noted: ${value.text.slice(0, 40).replace(/\s+/g, " ")}${by}`,
        highlightIds: [value.id],
      });
    } else if (Array.isArray(value.sections)) {
      for (const theme of (value.themes as string[] | undefined) ?? []) {
        if (!themes.includes(theme)) themes.push(theme);
      }
      for (const section of value.sections as {
        paragraphs?: typeof paragraphs;
        items?: typeof paragraphs;
      }[]) {
        paragraphs.push(...(section.paragraphs ?? []));
        paragraphs.push(
          ...(section.items ?? []).map((i) => ({ text: i.text, highlightIds: i.highlightIds })),
        );
      }
    }
  }
  return {
    themes: themes.length > 0 ? themes.slice(0, 3) : ["the work of the week", "what we learned"],
    intro: "This week we kept going.",
    sections: [
      { section: "highlights", heading: "What we did", paragraphs: paragraphs.slice(0, 40), items: [] },
    ],
    intoNextWeek: [],
    thanks: null,
    tune: null,
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-request-id": `req_fake_${status}`,
    ...headers,
  });
  response.end(text);
}
