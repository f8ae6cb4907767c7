/**
 * Issue 9 item 5, "What it must show": approving a note in the Slack loop (the real bot, signed
 * requests, the fake Slack Web API) writes the static blog (Markdown with front matter, HTML, an
 * index and an Atom feed that a feed parser reads) and POSTs the webhook with a valid signature; a
 * webhook that is down is retried and never blocks or loses the approval, not even across a restart.
 */
import { createHmac } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFeed } from "@rowanmanning/feed-parser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { verifyWebhookSignature } from "../../adapters/publish/webhook-signature.ts";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { type FakeWebhook, startFakeWebhook } from "../support/fake-webhook.ts";
import { type ManualTime, manualTime } from "../support/manual-timers.ts";
import { buttonsOf } from "../support/slack-scenario.ts";

const ALICE = "U0ALICE001";
const BOB = "U0BOB00002";
const GENERAL = "C0GENERAL1";
const SECRET = "whsec-0123456789abcdef0123456789abcdef";
const KEY = { workspace: TEAM, team: "default", week: "2026-W13" };
const MESSAGES = [
  { ts: "1774346400.000100", user: BOB, text: "Bins booking went live in beta :tada:" },
  {
    ts: "1774432800.000200",
    user: ALICE,
    text: "Audit: 11 of 14 fixed &lt;script&gt;alert(1)&lt;/script&gt; <https://evil.example|[click]>",
  },
];

let blogDir: string;
let hook: FakeWebhook;
let bots: TestBot[] = [];

beforeEach(async () => {
  blogDir = await mkdtemp(join(tmpdir(), "weeknotes-blog-"));
  hook = await startFakeWebhook();
  bots = [];
});
afterEach(async () => {
  for (const bot of bots) await bot.stop();
  await hook.close();
  await rm(blogDir, { recursive: true, force: true });
});

async function startBot(
  options: { time?: ManualTime; dataDir?: string; retry?: number[]; blog?: string } = {},
) {
  const t = await startTestBot({
    now: "2026-03-27T12:00:00Z",
    env: { BLOG_DIR: options.blog ?? blogDir, WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    overrides: {
      ...(options.time ? { timers: options.time.timers } : {}),
      ...(options.retry ? { publishRetryDelaysMs: options.retry } : {}),
    },
  });
  bots.push(t);
  t.fake.addChannel({ id: GENERAL, name: "general" });
  t.fake.addUser({ id: ALICE, name: "alice", profile: { display_name: "Alice" } });
  t.fake.addUser({ id: BOB, name: "bob", profile: { display_name: "Bob" } });
  for (const message of MESSAGES) t.fake.addMessage(GENERAL, { type: "message", ...message });
  return t;
}

/** Tags both messages, drafts, and clicks Approve as Alice; returns when the inbox is done. */
async function approveWeek(t: TestBot): Promise<void> {
  for (const [i, message] of MESSAGES.entries()) {
    await t.event(
      {
        type: "reaction_added",
        user: ALICE,
        reaction: "star",
        item: { type: "message", channel: GENERAL, ts: message.ts },
        event_ts: "1774600000.000100",
      },
      `Ev0PUB0000${i}`,
    );
  }
  await t.settle();
  await t.command("draft", ALICE);
  await t.settle();
  const review = t.fake.callsOf("chat.postMessage").find((c) => buttonsOf(c).length > 0);
  const value = buttonsOf(review).find((b) => b.action_id === "weeknote_approve")?.value;
  const reviewTs = (await t.bot.store.getWeeknote(KEY))?.review?.messageId;
  const click = await t.interaction({
    type: "block_actions",
    team: { id: TEAM },
    user: { id: ALICE },
    trigger_id: "t.approve",
    channel: { id: GENERAL },
    container: { type: "message", channel_id: GENERAL, message_ts: reviewTs },
    message: { ts: reviewTs },
    actions: [{ type: "button", action_id: "weeknote_approve", value, action_ts: "1774612800.000100" }],
  });
  expect(click.status).toBe(200);
  await t.settle();
}

/** The approval stands and the note is posted in Slack, whatever the webhook did. */
async function expectApprovedAndPosted(t: TestBot): Promise<void> {
  const weeknote = await t.bot.store.getWeeknote(KEY);
  expect(weeknote?.status).toBe("approved");
  expect(weeknote?.approval?.by).toBe(ALICE);
  expect(weeknote?.published).toBeDefined();
  expect(JSON.stringify(t.fake.callsOf("chat.update").at(-1)?.args.blocks)).toContain("Approved by");
}

function expectValidSignature(request: { headers: Record<string, unknown>; body: string }, nowMs: number) {
  const header = String(request.headers["x-weeknotes-signature"]);
  // Checked here by hand, as a receiver in any language would (README, "Webhook"), and by our helper.
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  expect(match).not.toBeNull();
  const [, t, mac] = match ?? [];
  expect(createHmac("sha256", SECRET).update(`${t}.${request.body}`).digest("hex")).toBe(mac);
  expect(verifyWebhookSignature(SECRET, header, request.body, Math.floor(nowMs / 1000))).toBe(true);
  expect(verifyWebhookSignature("another-secret-another-secret-00", header, request.body, nowMs / 1000)).toBe(
    false,
  );
  expect(verifyWebhookSignature(SECRET, header, `${request.body} `, Math.floor(nowMs / 1000))).toBe(false);
}

describe("publishing an approved note outside Slack", () => {
  it("writes the static blog: Markdown with front matter, HTML, index and a parseable Atom feed", async () => {
    const t = await startBot();
    await approveWeek(t);
    await t.bot.publisher.idle();
    await expectApprovedAndPosted(t);

    const team = join(blogDir, TEAM, "default");
    expect((await readdir(team)).sort()).toEqual(["2026-W13.html", "2026-W13.md", "atom.xml", "index.html"]);
    const weeknote = await t.bot.store.getWeeknote(KEY);
    const title = weeknote?.revisions.at(-1)?.document.title ?? "";

    const md = await readFile(join(team, "2026-W13.md"), "utf8");
    const [, front, body] = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(md) ?? [];
    expect(parseYaml(front ?? "")).toMatchObject({
      title,
      week: "2026-W13",
      date: new Date(weeknote?.approval?.atMs ?? 0).toISOString(),
      revision: 1,
    });
    expect(body).toContain("Bins booking went live in beta");

    const html = await readFile(join(team, "2026-W13.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("Bins booking went live in beta");
    // Chat text stays text: no element and no link come from it.
    expect(html).not.toMatch(/<script|href="https:\/\/evil/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const index = await readFile(join(team, "index.html"), "utf8");
    expect(index).toContain('href="2026-W13.html"');

    const atom = await readFile(join(team, "atom.xml"), "utf8");
    expect(atom).not.toContain("<script");
    expect(atom).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const feed = parseFeed(atom);
    expect(feed.meta.type).toBe("atom");
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]?.title).toBe(title);
    expect(feed.items[0]?.id).toBe(`urn:weeknotes:${TEAM}:default:2026-W13`);
    expect(feed.items[0]?.url).toBe(new URL(`${TEAM}/default/2026-W13.html`, `file://${blogDir}/`).href);
    expect(feed.items[0]?.content).toContain("Bins booking went live in beta");
  });

  it("POSTs the approved note to the webhook, signed over timestamp and body", async () => {
    const t = await startBot();
    await approveWeek(t);
    await t.bot.publisher.idle();
    await expectApprovedAndPosted(t);

    expect(hook.requests).toHaveLength(1);
    const request = hook.requests[0];
    if (!request) throw new Error("no webhook request");
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/hooks/weeknotes");
    expect(request.headers["content-type"]).toMatch(/^application\/json/);
    expect(request.headers["x-weeknotes-event"]).toBe("weeknote.approved");
    expect(request.headers["x-weeknotes-delivery"]).toBe(`${TEAM}:default:2026-W13:r1`);
    expectValidSignature(request, t.clock.now());
    const payload = JSON.parse(request.body);
    const weeknote = await t.bot.store.getWeeknote(KEY);
    expect(payload).toMatchObject({
      type: "weeknote.approved",
      id: `${TEAM}:default:2026-W13:r1`,
      workspace: TEAM,
      team: "default",
      week: "2026-W13",
      revision: 1,
      approvedBy: ALICE,
      title: weeknote?.revisions.at(-1)?.document.title,
      markdown: weeknote?.revisions.at(-1)?.markdown,
    });
    expect(payload.html).toContain("Bins booking went live in beta");
    expect(payload.html).not.toContain("<script");
    expect(await t.bot.store.getCursor(`webhook:${TEAM}:default:2026-W13`)).toBe("delivered:1");
  });

  it("retries a webhook that is down, with backoff on the bot's timers, until it answers", async () => {
    const time = manualTime("2026-03-27T12:00:00Z");
    const t = await startBot({ time, retry: [1_000, 5_000, 30_000] });
    hook.answer(503, "drop", 500);
    await approveWeek(t);
    await t.bot.publisher.idle();
    await expectApprovedAndPosted(t);
    expect(hook.requests).toHaveLength(1);
    expect(await t.bot.store.getCursor(`webhook:${TEAM}:default:2026-W13`)).toBeUndefined();

    // Nothing happens before each wait is over; each retry is signed afresh.
    await time.advance(999);
    await t.bot.publisher.idle();
    expect(hook.requests).toHaveLength(1);
    await time.advance(1);
    await hook.received(2);
    await t.bot.publisher.idle();
    await time.advance(5_000);
    await hook.received(3);
    await t.bot.publisher.idle();
    await time.advance(30_000);
    await hook.received(4);
    await t.bot.publisher.idle();
    expect(hook.requests).toHaveLength(4);
    expect(new Set(hook.requests.map((r) => r.body)).size).toBe(1);
    for (const request of hook.requests) expectValidSignature(request, t.clock.now());
    expect(await t.bot.store.getCursor(`webhook:${TEAM}:default:2026-W13`)).toBe("delivered:1");
    expect(t.logger.entries.some((e) => e.message === "publishing failed; will retry")).toBe(true);
  });

  it("retries a blog folder that cannot be written, without holding up the approval", async () => {
    const time = manualTime("2026-03-27T12:00:00Z");
    // A file where the blog's folder should be, put there after start-up (which refuses a file
    // named as BLOG_DIR): nothing can be written under it.
    const blocked = join(blogDir, "blocked");
    const t = await startBot({ time, retry: [60_000], blog: blocked });
    await writeFile(blocked, "not a folder");
    await approveWeek(t);
    await t.bot.publisher.idle();
    await expectApprovedAndPosted(t);
    expect(
      t.logger.entries.some((e) => e.message === "publishing failed; will retry" && e.fields.job === "blog"),
    ).toBe(true);
    expect(hook.requests).toHaveLength(1);

    await rm(blocked);
    await time.advance(60_000);
    await t.bot.publisher.idle();
    expect((await readdir(join(blocked, TEAM, "default"))).sort()).toEqual([
      "2026-W13.html",
      "2026-W13.md",
      "atom.xml",
      "index.html",
    ]);
  });

  it("never waits for a webhook that does not answer: the approval is stored and posted", async () => {
    const t = await startBot();
    hook.answer("hang");
    await approveWeek(t);
    await hook.received(1);
    // The POST is still open, and the approval is done.
    await expectApprovedAndPosted(t);
    expect(await t.bot.store.getCursor(`webhook:${TEAM}:default:2026-W13`)).toBeUndefined();
  });

  it("delivers after a restart what a webhook that was down never took", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "weeknotes-bot-"));
    try {
      const first = await startBot({ dataDir, retry: [] });
      hook.answer(503);
      await approveWeek(first);
      await first.bot.publisher.idle();
      await expectApprovedAndPosted(first);
      expect(hook.requests).toHaveLength(1);
      expect(first.logger.entries.some((e) => /giving up/.test(e.message))).toBe(true);
      await first.stop();
      bots = bots.filter((b) => b !== first);

      const second = await startBot({ dataDir });
      await second.bot.publisher.idle();
      expect(hook.requests).toHaveLength(2);
      expectValidSignature(hook.requests[1] ?? { headers: {}, body: "" }, second.clock.now());
      expect(await second.bot.store.getCursor(`webhook:${TEAM}:default:2026-W13`)).toBe("delivered:1");

      // Delivered once: a third start sends nothing.
      await second.stop();
      bots = bots.filter((b) => b !== second);
      const third = await startBot({ dataDir });
      await third.bot.publisher.idle();
      expect(hook.requests).toHaveLength(2);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
