// The child side of slack-in-child.ts: a fake Slack Web API holding SlackChildSpec's channel,
// users and messages, answering the parent's questions over IPC.
// Usage (by startSlackChild only): node bin/run-ts.js bench/slack-child.ts '<SlackChildSpec JSON>'
import { type FakeMessage, startFakeSlackApi } from "../test/support/fake-slack-api.ts";
import {
  messageTs,
  type SlackChildAnswer,
  type SlackChildRequest,
  type SlackChildSpec,
} from "./slack-in-child.ts";

const spec = JSON.parse(process.argv[2] ?? "") as SlackChildSpec;
const fake = await startFakeSlackApi({ teamId: spec.teamId, botUserId: spec.botUserId });
fake.addChannel({ id: spec.channel, name: "bench", is_private: false });
fake.addChannel({ id: spec.reviewChannel, name: "weeknotes-review", is_private: false });
fake.addUser({ id: spec.author, name: "alice", real_name: "Alice", profile: { display_name: "Alice" } });
fake.addUser({ id: spec.reactor, name: "bob", real_name: "Bob", profile: { display_name: "Bob" } });
const byTs = new Map<string, FakeMessage>();
for (let i = 0; i < spec.messages; i += 1) {
  const message = {
    type: "message",
    ts: messageTs(spec.firstSecond, i),
    user: spec.author,
    text: `Shipped item ${i}`,
  };
  fake.addMessage(spec.channel, message);
  byTs.set(message.ts, message);
}
// The fake's conversations.history sorts and filters the whole channel on every call (about 5 ms
// at 2,000 messages); the bot's exact read (oldest = latest = ts, inclusive) is answered from an
// index instead, with what the fake itself would answer.
fake.setHandler("conversations.history", (args, _call, next) => {
  const message = byTs.get(String(args.oldest));
  const exact = args.channel === spec.channel && args.oldest === args.latest && args.inclusive === "true";
  return exact && message
    ? { ok: true, messages: [message], has_more: false, pin_count: 0, response_metadata: { next_cursor: "" } }
    : next();
});

process.on("message", async (message) => {
  const { id, op } = message as SlackChildRequest;
  const answer: SlackChildAnswer = { id };
  if (op === "calls") {
    const calls: Record<string, number> = {};
    for (const call of fake.calls) calls[call.method] = (calls[call.method] ?? 0) + 1;
    const refusals = fake.limitRefusals().map((r) => `${r.method}: ${r.error} (${r.problems.join("; ")})`);
    process.send?.({ ...answer, calls, refusals });
  } else if (op === "clearCalls") {
    fake.clearCalls();
    process.send?.(answer);
  } else {
    await fake.close();
    process.send?.(answer, () => process.exit(0));
  }
});
process.send?.({ url: fake.url });
