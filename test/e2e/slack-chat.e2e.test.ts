import { LogLevel, WebClient } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { slackMessageRef } from "../../adapters/slack/ids.ts";
import { createSlackChat, type SlackChat } from "../../adapters/slack/slack-chat.ts";
import { BotError } from "../../src/domain/errors.ts";
import type { MessageRef } from "../../src/domain/message-ref.ts";
import type { ReviewStatus, ReviewView } from "../../src/domain/outcomes.ts";
import { defaultTeamSettings, type TeamSettings } from "../../src/domain/team.ts";
import type { Revision, Weeknote, WeeknoteDocument, WeeknoteSection } from "../../src/domain/weeknote.ts";
import { type FakeSlackApi, httpReply, startFakeSlackApi } from "../support/fake-slack-api.ts";
import { type LogEntry, recordingLogger } from "../support/memory-logger.ts";

// The Slack adapter against a local fake of the Web API, over real HTTP with a real WebClient.

const WORKSPACE = "T0WEEK0001";
const GENERAL = "C0GENERAL1";
// Case C3: parent P, its reply R, and a later top-level message M.
const P = "1700000000.000100";
const R = "1700000060.000200";
const M = "1700000120.000300";

let fake: FakeSlackApi;
let chat: SlackChat;
let logs: LogEntry[];
let sleeps: number[];

beforeEach(async () => {
  fake = await startFakeSlackApi();
  logs = [];
  sleeps = [];
  const client = new WebClient("xoxb-test", {
    slackApiUrl: fake.url,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
  chat = createSlackChat({
    client,
    botUserId: "U0BOT00001",
    logger: recordingLogger(logs),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  fake.addChannel({ id: GENERAL, name: "general", is_channel: true, is_private: false });
  fake.addChannel({ id: "C0PRIV0001", name: "secret-project", is_private: true });
  fake.addChannel({ id: "C0REVIEW01", name: "weeknotes-review" });
  fake.addUser({
    id: "U0ALICE001",
    name: "alice",
    real_name: "Alice Smith",
    profile: { display_name: "Alice" },
  });
  fake.addUser({ id: "U0BOB00002", name: "bob", real_name: "Bob Jones", profile: { display_name: "Bob" } });
  fake.addUser({ id: "U0CAROL003", name: "carol", profile: { display_name: "", real_name: "Carol King" } });
  fake.addMessage(GENERAL, {
    type: "message",
    ts: P,
    thread_ts: P,
    reply_count: 1,
    user: "U0ALICE001",
    text: "Parent P",
  });
  fake.addMessage(GENERAL, {
    type: "message",
    ts: R,
    thread_ts: P,
    parent_user_id: "U0ALICE001",
    user: "U0BOB00002",
    text: "Reply R",
  });
  fake.addMessage(GENERAL, { type: "message", ts: M, user: "U0CAROL003", text: "Top-level M" });
});

afterEach(async () => {
  await fake.close();
  // The fake refuses what Slack refuses (50 blocks, 3,000-character sections…): nothing was.
  expect(fake.limitRefusals()).toEqual([]);
});

/** The reference of a message in the workspace (a reply's thread given when the caller knows it). */
function ref(channel: string, ts: string, threadTs?: string): MessageRef {
  return slackMessageRef(WORKSPACE, channel, ts, threadTs);
}

async function rejection(promise: Promise<unknown>): Promise<BotError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BotError);
  return error as BotError;
}

describe("fetchMessage (case C3)", () => {
  it("fetches a thread reply with conversations.replies bounded to exactly its ts", async () => {
    const message = await chat.fetchMessage(ref(GENERAL, R));
    expect(message).toMatchObject({
      messageId: R,
      threadId: P,
      text: "Reply R",
      authorId: "U0BOB00002",
      authorName: "Bob",
      conversationName: "general",
      private: false,
      fromBot: false,
      permalink: `https://weeknotes-test.slack.com/archives/${GENERAL}/p1700000060000200?thread_ts=${P}&cid=${GENERAL}`,
      postedAtMs: 1_700_000_060_000,
    });
    expect(fake.callsOf("conversations.replies").map((c) => c.args)).toEqual([
      expect.objectContaining({
        channel: GENERAL,
        ts: P,
        oldest: R,
        latest: R,
        inclusive: "true",
        limit: "1",
      }),
    ]);
    expect(fake.callsOf("conversations.history")).toEqual([]);
  });

  it("fetches top-level messages with conversations.history, oldest = latest = ts, inclusive", async () => {
    const m = await chat.fetchMessage(ref(GENERAL, M));
    const p = await chat.fetchMessage(ref(GENERAL, P));
    expect(m).toMatchObject({
      messageId: M,
      text: "Top-level M",
      authorName: "Carol King",
      threadId: undefined,
    });
    // A parent's own thread_ts is its ts: it is not a reply, so it has no thread.
    expect(p).toMatchObject({ messageId: P, text: "Parent P", authorName: "Alice", threadId: undefined });
    expect(fake.callsOf("conversations.history").map((c) => c.args)).toEqual([
      expect.objectContaining({ channel: GENERAL, oldest: M, latest: M, inclusive: "true", limit: "1" }),
      expect.objectContaining({ channel: GENERAL, oldest: P, latest: P, inclusive: "true", limit: "1" }),
    ]);
    expect(fake.callsOf("conversations.replies")).toEqual([]);
  });

  it("uses the thread the caller knows without asking for the permalink first", async () => {
    const message = await chat.fetchMessage(ref(GENERAL, R, P));
    expect(message?.text).toBe("Reply R");
    expect(fake.calls.map((c) => c.method).slice(0, 1)).toEqual(["conversations.replies"]);
  });

  it("the fake is faithful: a naive history read returns a neighbour, never the reply", async () => {
    const client = new WebClient("xoxb-test", { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    const naive = (await client.conversations.history({ channel: GENERAL, latest: R, limit: 1 })).messages;
    expect(naive?.map((m) => m.ts)).toEqual([P]);
    const withoutInclusive = await client.conversations.history({
      channel: GENERAL,
      oldest: M,
      latest: M,
      limit: 1,
    });
    expect(withoutInclusive.messages).toEqual([]);
  });

  it("returns undefined, and logs, when Slack has no message with exactly that ts", async () => {
    const between = "1700000090.000000";
    expect(await chat.fetchMessage(ref(GENERAL, between))).toBeUndefined();
    // Slack answering with some other message (a neighbour) is not the message either.
    fake.setHandler("conversations.history", () => ({
      ok: true,
      messages: [{ ts: M, text: "Top-level M" }],
    }));
    expect(await chat.fetchMessage(ref(GENERAL, P))).toBeUndefined();
    fake.setHandler("conversations.replies", () => ({ ok: true, messages: [{ ts: P, text: "Parent P" }] }));
    expect(await chat.fetchMessage(ref(GENERAL, R))).toBeUndefined();
    expect(logs.filter((l) => l.message === "Slack has no message with exactly this ts")).toHaveLength(3);
    expect(JSON.stringify(logs)).not.toContain("Parent P");
  });

  it("decodes entities, mentions, channel links and emoji (case C7 input), with names looked up once", async () => {
    const ts = "1700000200.000100";
    fake.addMessage(GENERAL, {
      ts,
      user: "U0BOB00002",
      text: "R&amp;D &lt;3 <@U0BOB00002> fixed <https://example.com/pr/7?a=1&amp;b=2|PR #7> in <#C0GENERAL1|general> <!here> :tada: <#C0PRIV0001>",
    });
    const message = await chat.fetchMessage(ref(GENERAL, ts));
    expect(message?.text).toBe(
      "R&D <3 @Bob fixed PR #7 (https://example.com/pr/7?a=1&b=2) in #general @here 🎉 #secret-project",
    );
    expect(await chat.decodeText(WORKSPACE, "thanks <@U0ALICE001> and <@U0NOBODY99>")).toBe(
      "thanks @Alice and @U0NOBODY99",
    );
    expect(fake.callsOf("users.info").map((c) => c.args.user)).toEqual([
      "U0BOB00002",
      "U0ALICE001",
      "U0NOBODY99",
    ]);
    expect(
      fake
        .callsOf("conversations.info")
        .map((c) => c.args.channel)
        .sort(),
    ).toEqual([GENERAL, "C0PRIV0001"]);
  });

  it("marks bot and integration messages, and private channels and DMs", async () => {
    fake.addMessage(GENERAL, {
      ts: "1700000300.000100",
      bot_id: "B0OTHER001",
      username: "CI",
      text: "Build green",
    });
    fake.addMessage(GENERAL, { ts: "1700000300.000200", subtype: "bot_message", text: "Webhook" });
    fake.addMessage(GENERAL, { ts: "1700000300.000300", user: "U0BOT00001", text: "Our own post" });
    fake.addMessage("C0PRIV0001", { ts: "1700000300.000400", user: "U0ALICE001", text: "Private" });
    fake.addMessage("D0DM000001", { ts: "1700000300.000500", user: "U0ALICE001", text: "DM" });
    const fetch = (channelId: string, ts: string) => chat.fetchMessage(ref(channelId, ts));

    expect(await fetch(GENERAL, "1700000300.000100")).toMatchObject({ fromBot: true, authorName: "CI" });
    expect(await fetch(GENERAL, "1700000300.000200")).toMatchObject({ fromBot: true });
    expect(await fetch(GENERAL, "1700000300.000300")).toMatchObject({ fromBot: true });
    expect(await fetch("C0PRIV0001", "1700000300.000400")).toMatchObject({
      private: true,
      conversationName: "secret-project",
      fromBot: false,
    });
    expect(await fetch("D0DM000001", "1700000300.000500")).toMatchObject({
      private: true,
      conversationName: "direct message",
    });
    expect(fake.callsOf("conversations.info").map((c) => c.args.channel)).not.toContain("D0DM000001");
  });
});

describe("errors at the boundary (cases C2, C9)", () => {
  it("C2: a channel the bot is not in → platform.not_in_channel", async () => {
    fake.addChannel({ id: "C0SHARED01", name: "shared", is_ext_shared: true });
    fake.notInChannel("C0SHARED01");
    const error = await rejection(chat.fetchMessage(ref("C0SHARED01", "1700000300.000400")));
    expect(error.code).toBe("platform.not_in_channel");
    expect(error.retryable).toBe(false);
    expect(error.hint).toContain("/invite @weeknotes");
  });

  it("C2: missing_scope → platform.missing_scope naming the scope", async () => {
    fake.setHandler("conversations.history", () => ({
      ok: false,
      error: "missing_scope",
      needed: "im:history",
    }));
    const error = await rejection(chat.fetchMessage(ref("D0DM000001", "1700000300.000500")));
    expect(error.code).toBe("platform.missing_scope");
    expect(error.message).toContain("im:history");
    expect(error.retryable).toBe(false);
  });

  it("C9: HTTP 429 → platform.rate_limited with retryAfterMs from Retry-After, no retry inside", async () => {
    fake.rateLimit("conversations.replies", 1, 60);
    const error = await rejection(chat.fetchMessage(ref(GENERAL, R)));
    expect(error.code).toBe("platform.rate_limited");
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(60_000);
    expect(fake.callsOf("conversations.replies").map((c) => c.status)).toEqual([429]);
    // The next call, after Retry-After, works.
    expect((await chat.fetchMessage(ref(GENERAL, R)))?.text).toBe("Reply R");
  });

  it("C9: the first replies call works, the next ones are limited", async () => {
    let calls = 0;
    fake.setHandler("conversations.replies", (_args, _call, next) => {
      calls += 1;
      return calls === 1
        ? next()
        : httpReply(429, { ok: false, error: "ratelimited" }, { "Retry-After": "60" });
    });
    expect((await chat.fetchMessage(ref(GENERAL, R)))?.text).toBe("Reply R");
    const error = await rejection(chat.fetchMessage(ref(GENERAL, R)));
    expect([error.code, error.retryAfterMs]).toEqual(["platform.rate_limited", 60_000]);
  });

  it("5xx and Slack's internal errors → platform.unavailable, retryable; other refusals → platform.rejected", async () => {
    fake.setHandler("conversations.history", () => httpReply(503, "Service Unavailable"));
    const down = await rejection(chat.fetchMessage(ref(GENERAL, M)));
    expect([down.code, down.retryable]).toEqual(["platform.unavailable", true]);

    fake.setHandler("conversations.history", () => ({ ok: false, error: "internal_error" }));
    const internal = await rejection(chat.fetchMessage(ref(GENERAL, M)));
    expect([internal.code, internal.retryable]).toEqual(["platform.unavailable", true]);

    fake.setHandler("conversations.history", () => ({ ok: false, error: "invalid_auth" }));
    const refused = await rejection(chat.fetchMessage(ref(GENERAL, M)));
    expect([refused.code, refused.retryable, refused.message]).toEqual([
      "platform.rejected",
      false,
      "Slack conversations.history refused: invalid_auth",
    ]);
  });
});

// --- posting ------------------------------------------------------------------------------------

const team: TeamSettings = {
  ...defaultTeamSettings("slack", WORKSPACE, "Europe/London", 0),
  name: "Digital team",
  reviewChannel: "C0REVIEW01",
  publishChannel: GENERAL,
};

function document(sections: WeeknoteSection[]): WeeknoteDocument {
  return {
    week: "2026-W13",
    title: "3.12 — weeknotes — bins go digital",
    themes: ["bins go digital"],
    intro: "",
    sections,
    intoNextWeek: [],
    footer: "",
  };
}

function reviewView(sections: WeeknoteSection[], status: ReviewStatus = { kind: "open" }): ReviewView {
  const revision: Revision = {
    number: 1,
    origin: "llm",
    model: "gpt-4o-mini",
    promptVersion: "p1",
    highlightIds: ["h1"],
    document: document(sections),
    markdown: "",
    author: undefined,
    createdAtMs: 0,
  };
  const weeknote: Weeknote = {
    workspace: WORKSPACE,
    team: "default",
    week: "2026-W13",
    status: "draft",
    revisions: [revision],
    approval: undefined,
    review: undefined,
    published: undefined,
  };
  return { team, weeknote, revision, status };
}

const LLM_TEXT = "Bob & team shipped PR #7 (a<b) <!here>";
const short: WeeknoteSection[] = [
  {
    section: "highlights",
    heading: "Shipped",
    items: [{ text: LLM_TEXT, authors: ["Bob"], highlightIds: ["h1"] }],
  },
];
const long: WeeknoteSection[] = Array.from({ length: 5 }, (_, i) => ({
  section: "highlights",
  heading: `Theme ${i}`,
  summary: `${"word ".repeat(580)}end`.slice(0, 2900),
  items: [],
}));

function blocksOf(call: { args: Record<string, unknown> } | undefined): { type: string }[] {
  return (call?.args.blocks ?? []) as { type: string }[];
}

describe("posting", () => {
  it("posts a review once, escaped (case C7), with unfurling off", async () => {
    const posted = await chat.postReview(reviewView(short));
    const [post, ...more] = fake.callsOf("chat.postMessage");
    expect(more).toEqual([]);
    expect(posted).toEqual({
      platform: "slack",
      conversationId: "C0REVIEW01",
      messageId: expect.any(String),
    });
    expect(post?.args).toMatchObject({ channel: "C0REVIEW01", unfurl_links: "false", unfurl_media: "false" });
    expect(JSON.stringify(post?.args.blocks)).toContain(
      "Bob &amp; team shipped PR #7 (a&lt;b) &lt;!here&gt; (Bob)",
    );
    expect(JSON.stringify(post?.args.blocks)).not.toContain("<!here>");
    expect(blocksOf(post).at(-1)?.type).toBe("actions");
  });

  it("splits a long draft into thread replies of the first message (case C8)", async () => {
    const posted = await chat.postReview(reviewView(long));
    const posts = fake.callsOf("chat.postMessage");
    expect(posts.length).toBeGreaterThan(1);
    expect(posts[0]?.args.thread_ts).toBeUndefined();
    for (const reply of posts.slice(1)) {
      expect(reply.args).toMatchObject({
        channel: "C0REVIEW01",
        thread_ts: posted.messageId,
        unfurl_links: "false",
      });
      expect(blocksOf(reply).some((b) => b.type === "actions")).toBe(false);
    }
    expect(blocksOf(posts[0]).filter((b) => b.type === "actions")).toHaveLength(1);
    const shown = JSON.stringify(posts.map((p) => p.args.blocks));
    for (const section of long) {
      expect(shown).toContain(`*${section.heading}*`);
    }
  });

  it("waits out a rate limit between the parts of a long message, as Retry-After says", async () => {
    let posts = 0;
    fake.setHandler("chat.postMessage", (_args, _call, next) => {
      posts += 1;
      return posts === 2
        ? httpReply(429, { ok: false, error: "ratelimited" }, { "Retry-After": "2" })
        : next();
    });
    await chat.postReview(reviewView(long));
    expect(sleeps).toEqual([2000]);
    const statuses = fake.callsOf("chat.postMessage").map((c) => c.status);
    expect(statuses[1]).toBe(429);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
  });

  it("a rate limit on the first message is the caller's to retry", async () => {
    fake.rateLimit("chat.postMessage", 1, 30);
    const error = await rejection(chat.postReview(reviewView(short)));
    expect([error.code, error.retryAfterMs]).toEqual(["platform.rate_limited", 30_000]);
    expect(sleeps).toEqual([]);
  });

  it("updates the review in place: the outcome replaces the buttons", async () => {
    const posted = await chat.postReview(reviewView(short));
    await chat.updateReview(reviewView(short, { kind: "approved", by: "U0ALICE001" }), posted);
    const [update] = fake.callsOf("chat.update");
    expect(update?.args).toMatchObject({ channel: posted.conversationId, ts: posted.messageId });
    const blocks = blocksOf(update);
    expect(blocks.some((b) => b.type === "actions")).toBe(false);
    // Who decided, by name, in the line that replaces the buttons.
    expect(JSON.stringify(blocks)).toContain("Approved by @Alice.");
    expect(fake.callsOf("chat.postMessage")).toHaveLength(1);
  });

  it("publishes to the publish channel without buttons; a team without one gets platform.not_found", async () => {
    const view = reviewView(short);
    const published = await chat.publish(team, view.weeknote, view.revision);
    const [post] = fake.callsOf("chat.postMessage");
    expect(published).toMatchObject({ platform: "slack", conversationId: GENERAL });
    expect(post?.args).toMatchObject({ channel: GENERAL, unfurl_links: "false", unfurl_media: "false" });
    expect(blocksOf(post).some((b) => b.type === "actions")).toBe(false);

    const error = await rejection(
      chat.publish({ ...team, publishChannel: undefined }, view.weeknote, view.revision),
    );
    expect(error.code).toBe("platform.not_found");
  });

  it("postText escapes, threads, and splits long answers into the thread", async () => {
    const posted = await chat.postText(WORKSPACE, GENERAL, "Last week: Bob & team <!here>", M);
    expect(fake.callsOf("chat.postMessage")[0]?.args).toMatchObject({
      channel: GENERAL,
      text: "Last week: Bob &amp; team &lt;!here&gt;",
      thread_ts: M,
    });
    expect(posted.conversationId).toBe(GENERAL);

    fake.clearCalls();
    const answer = Array.from({ length: 80 }, (_, i) => `Line ${i} ${"x".repeat(90)}`).join("\n");
    const first = await chat.postText(WORKSPACE, GENERAL, answer);
    const posts = fake.callsOf("chat.postMessage");
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) {
      expect(String(post.args.text).length).toBeLessThanOrEqual(3000);
    }
    expect(posts.slice(1).every((p) => p.args.thread_ts === first.messageId)).toBe(true);
    expect(posts.map((p) => p.args.text).join("\n")).toBe(answer);
  });

  it("C2: notifyText falls back to a DM when the ephemeral message cannot be delivered", async () => {
    await chat.notifyText(WORKSPACE, GENERAL, "U0ALICE001", "Invite @weeknotes & try again");
    expect(fake.callsOf("chat.postEphemeral")[0]?.args).toMatchObject({
      channel: GENERAL,
      user: "U0ALICE001",
      text: "Invite @weeknotes &amp; try again",
    });
    expect(fake.callsOf("conversations.open")).toEqual([]);

    fake.setHandler("chat.postEphemeral", () => ({ ok: false, error: "not_in_channel" }));
    await chat.notifyText(WORKSPACE, "C0SHARED01", "U0ALICE001", "Invite @weeknotes to #shared");
    expect(fake.callsOf("conversations.open")[0]?.args).toMatchObject({ users: "U0ALICE001" });
    const dm = fake.callsOf("chat.postMessage")[0];
    expect(dm?.args).toMatchObject({ text: "Invite @weeknotes to #shared" });
    expect(String(dm?.args.channel)).toMatch(/^D/);

    fake.setHandler("chat.postEphemeral", () => ({ ok: false, error: "invalid_auth" }));
    const error = await rejection(chat.notifyText(WORKSPACE, GENERAL, "U0ALICE001", "hi"));
    expect(error.code).toBe("platform.rejected");
  });

  it("sends the bot token as a Bearer header", async () => {
    await chat.postText(WORKSPACE, GENERAL, "hello");
    expect(fake.calls[0]?.headers.authorization).toBe("Bearer xoxb-test");
  });
});

describe("the ChatPlatform's other methods", () => {
  it("tell: to one person privately (ephemeral), else in the conversation or thread, in the presenter's words, escaped", async () => {
    await chat.tell(
      WORKSPACE,
      { conversationId: GENERAL, userId: "U0ALICE001" },
      { kind: "highlight_added", section: "coming_up" },
    );
    expect(fake.callsOf("chat.postEphemeral").map((c) => c.args)).toEqual([
      expect.objectContaining({
        channel: GENERAL,
        user: "U0ALICE001",
        text: "Added to this week's notes under coming up.",
      }),
    ]);
    await chat.tell(
      WORKSPACE,
      { conversationId: GENERAL, threadId: M },
      { kind: "team_problem", problem: { kind: "unknown_team", name: "R&D <!here>", teams: ["default"] } },
    );
    expect(fake.callsOf("chat.postMessage").map((c) => c.args)).toEqual([
      expect.objectContaining({
        channel: GENERAL,
        thread_ts: M,
        text: 'There is no team "R&amp;D &lt;!here&gt;". The teams are: default.',
      }),
    ]);
  });

  it("describeMessage: a message handed over is decoded and named without a rate-limited history read", async () => {
    const message = await chat.describeMessage(ref(GENERAL, R, P), {
      rawText: "Thanks <@U0ALICE001> &amp; co",
      authorId: "U0BOB00002",
      postedAtMs: 1_700_000_060_000,
      fromBot: false,
    });
    expect(message).toEqual({
      conversationName: "general",
      private: false,
      messageId: R,
      threadId: P,
      authorId: "U0BOB00002",
      authorName: "Bob",
      text: "Thanks @Alice & co",
      fromBot: false,
      permalink: `https://weeknotes-test.slack.com/archives/${GENERAL}/p1700000060000200?thread_ts=${P}&cid=${GENERAL}`,
      postedAtMs: 1_700_000_060_000,
    });
    expect(fake.callsOf("conversations.history")).toEqual([]);
    expect(fake.callsOf("conversations.replies")).toEqual([]);
    // The bot's own messages are never highlights, however they arrive.
    const own = await chat.describeMessage(ref(GENERAL, M), {
      rawText: "Drafted",
      authorId: "U0BOT00001",
      postedAtMs: 0,
      fromBot: false,
    });
    expect(own.fromBot).toBe(true);
  });

  it("personName and conversation: names looked up once, ids and privacy when they cannot be", async () => {
    expect(await chat.personName(WORKSPACE, "U0ALICE001")).toBe("Alice");
    expect(await chat.personName(WORKSPACE, "U0ALICE001")).toBe("Alice");
    expect(await chat.personName(WORKSPACE, "U0NOBODY99")).toBe("U0NOBODY99");
    expect(fake.callsOf("users.info")).toHaveLength(2);
    expect(await chat.conversation(WORKSPACE, "C0PRIV0001")).toEqual({
      name: "secret-project",
      private: true,
    });
    expect(await chat.conversation(WORKSPACE, GENERAL)).toEqual({ name: "general", private: false });
    // What the bot cannot see is treated as private, so it never leaks into a public note.
    expect(await chat.conversation(WORKSPACE, "C0UNKNOWN9")).toEqual({ name: "C0UNKNOWN9", private: true });
  });

  it("publishHome publishes the view for that user", async () => {
    const view = { type: "home", blocks: [{ type: "section", text: { type: "mrkdwn", text: "Hi" } }] };
    await chat.publishHome(WORKSPACE, "U0ALICE001", view);
    expect(fake.callsOf("views.publish")[0]?.args).toMatchObject({ user_id: "U0ALICE001", view });
  });
});

describe("the fake refuses what Slack refuses (so every e2e test guards Slack's limits)", () => {
  const section = (length: number) => ({
    type: "section",
    text: { type: "mrkdwn", text: "x".repeat(length) },
  });
  const context = (elements: number) => ({
    type: "context",
    elements: Array.from({ length: elements }, () => ({ type: "mrkdwn", text: "c" })),
  });
  const actions = (value: string) => ({
    type: "actions",
    elements: [{ type: "button", action_id: "a", text: { type: "plain_text", text: "Go" }, value }],
  });
  const header = (length: number) => ({
    type: "header",
    text: { type: "plain_text", text: "h".repeat(length) },
  });

  it("answers invalid_blocks, msg_too_long and invalid_arguments past the limits, and ok at them", async () => {
    const limited = await startFakeSlackApi();
    try {
      limited.addChannel({ id: GENERAL, name: "general" });
      // Quiet: the WebClient logs Slack's `[ERROR] …` response messages, which are expected here.
      const quiet = {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
        setLevel: () => undefined,
        getLevel: () => LogLevel.ERROR,
        setName: () => undefined,
      };
      const client = new WebClient("xoxb-test", {
        slackApiUrl: limited.url,
        retryConfig: { retries: 0 },
        logger: quiet,
      });
      const answer = (method: string, args: Record<string, unknown>) =>
        client.apiCall(method, args).then(
          () => "ok",
          (e: { data?: { error?: string } }) => e.data?.error ?? "no answer",
        );
      const post = (blocks: unknown[], text = "t") =>
        answer("chat.postMessage", { channel: GENERAL, text, blocks });
      // Slack's documented numbers, written out: 50 blocks, 3,000 characters, 40,000 characters…
      expect(await post(Array.from({ length: 50 }, () => section(1)))).toBe("ok");
      expect(await post(Array.from({ length: 51 }, () => section(1)))).toBe("invalid_blocks");
      expect(await post([section(3000)])).toBe("ok");
      expect(await post([section(3001)])).toBe("invalid_blocks");
      expect(await post([header(150)])).toBe("ok");
      expect(await post([header(151)])).toBe("invalid_blocks");
      expect(await post([context(10)])).toBe("ok");
      expect(await post([context(11)])).toBe("invalid_blocks");
      expect(await post([actions("v".repeat(2000))])).toBe("ok");
      expect(await post([actions("v".repeat(2001))])).toBe("invalid_blocks");
      expect(await post([section(1)], "x".repeat(40_000))).toBe("ok");
      expect(await post([section(1)], "x".repeat(40_001))).toBe("msg_too_long");
      expect(await answer("chat.postMessage", { channel: GENERAL, text: "x".repeat(40_001) })).toBe(
        "msg_too_long",
      );
      const [first] = limited.messages(GENERAL);
      expect(
        await answer("chat.update", {
          channel: GENERAL,
          ts: first?.ts,
          text: "t",
          blocks: Array.from({ length: 51 }, () => section(1)),
        }),
      ).toBe("invalid_blocks");
      expect(
        await answer("chat.postEphemeral", {
          channel: GENERAL,
          user: "U0ALICE001",
          text: "t",
          blocks: [section(3001)],
        }),
      ).toBe("invalid_blocks");

      const modal = (blocks: number) => ({
        type: "modal",
        title: { type: "plain_text", text: "Settings" },
        blocks: Array.from({ length: blocks }, () => section(1)),
      });
      expect(await answer("views.open", { trigger_id: "t.1", view: modal(100) })).toBe("ok");
      expect(await answer("views.open", { trigger_id: "t.2", view: modal(101) })).toBe("invalid_arguments");
      const home = (blocks: number) => ({
        type: "home",
        blocks: Array.from({ length: blocks }, () => section(1)),
      });
      expect(await answer("views.publish", { user_id: "U0ALICE001", view: home(100) })).toBe("ok");
      expect(await answer("views.publish", { user_id: "U0ALICE001", view: home(101) })).toBe(
        "invalid_arguments",
      );

      // Each refusal is kept, with what it broke, for the harness to fail the test on.
      expect(limited.limitRefusals().map((r) => r.error)).toEqual([
        "invalid_blocks",
        "invalid_blocks",
        "invalid_blocks",
        "invalid_blocks",
        "invalid_blocks",
        "msg_too_long",
        "msg_too_long",
        "invalid_blocks",
        "invalid_blocks",
        "invalid_arguments",
        "invalid_arguments",
      ]);
      expect(limited.limitRefusals()[0]?.problems.join()).toContain("50");
      // A refused message is not posted.
      expect(limited.messages(GENERAL).every((m) => String(m.text).length <= 40_000)).toBe(true);
    } finally {
      await limited.close();
    }
  });
});
