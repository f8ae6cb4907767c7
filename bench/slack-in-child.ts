// bench/ingest's fake Slack Web API, run in a process of its own. Slack's API is on other
// machines: answering the worker's calls must not take the bot's CPU, as it did when the fake
// shared the bot's process (15–28 % of the bot's CPU per event, measured with --cpu-prof).
// The parent forks `bench/slack-child.ts` and talks to it over the IPC channel.
import { type ChildProcess, fork } from "node:child_process";
import type { FakeSlackApi } from "../test/support/fake-slack-api.ts";

/** The workspace the fake answers for, and what it holds. */
export interface SlackChildSpec {
  readonly teamId: string;
  readonly botUserId: string;
  /** The channel the messages are in (public), and one more for reviews (the sweep's teams post there). */
  readonly channel: string;
  readonly reviewChannel: string;
  readonly author: string;
  readonly reactor: string;
  /** Messages `tsOf(0)` … `tsOf(messages - 1)` in `channel`. */
  readonly messages: number;
  /** The first message's Unix time, s; one message a minute after it. */
  readonly firstSecond: number;
}

/** A message's `ts`: one a minute from `firstSecond`, with a distinct microsecond part. */
export const messageTs = (firstSecond: number, i: number) =>
  `${firstSecond + i * 60}.${String(100 + i).padStart(6, "0")}`;

/** What the parent may ask, and what the child answers (`id` pairs them). */
export type SlackChildRequest = { readonly id: number; readonly op: "calls" | "clearCalls" | "close" };
export interface SlackChildAnswer {
  readonly id: number;
  /** Calls per Web API method since the last clearCalls. */
  readonly calls?: Record<string, number>;
  /** Calls refused for breaking one of Slack's limits, since the start ("method: error"). */
  readonly refusals?: string[];
}

export interface SlackChild {
  readonly url: string;
  /** Calls per method since the last clearCalls, and the limit refusals since the start. */
  stats(): Promise<{ calls: Record<string, number>; refusals: string[] }>;
  clearCalls(): Promise<void>;
  /**
   * For startTestBot, which reads only `url` and `limitRefusals()`; the latter is always empty
   * here: the bench checks the child's refusals itself, through stats(), before stopping a bot.
   */
  readonly asFake: FakeSlackApi;
  close(): Promise<void>;
}

/** Forks the fake; resolves once it listens. @throws Error when the child exits before that. */
export async function startSlackChild(spec: SlackChildSpec): Promise<SlackChild> {
  const child: ChildProcess = fork("bin/run-ts.js", ["bench/slack-child.ts", JSON.stringify(spec)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = await new Promise<string>((ready, fail) => {
    child.once("message", (message) => ready(String((message as { url: string }).url)));
    child.once("exit", (code) => fail(new Error(`the fake Slack child exited (${code}) before listening`)));
  });
  let next = 0;
  const waiting = new Map<number, (answer: SlackChildAnswer) => void>();
  child.on("message", (message) => {
    const answer = message as SlackChildAnswer;
    waiting.get(answer.id)?.(answer);
    waiting.delete(answer.id);
  });
  const ask = (op: SlackChildRequest["op"]) =>
    new Promise<SlackChildAnswer>((answered) => {
      const id = next++;
      waiting.set(id, answered);
      child.send({ id, op } satisfies SlackChildRequest);
    });
  // startTestBot reads only these two; the refusals are the child's, checked through stats().
  const asFake = { url, limitRefusals: () => [] } as unknown as FakeSlackApi;
  return {
    url,
    asFake,
    async stats() {
      const answer = await ask("calls");
      return { calls: answer.calls ?? {}, refusals: answer.refusals ?? [] };
    },
    clearCalls: async () => {
      await ask("clearCalls");
    },
    close: async () => {
      const exited = new Promise((done) => child.once("exit", done));
      await ask("close");
      await exited;
    },
  };
}
