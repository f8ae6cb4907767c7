import { afterEach, describe, expect, it } from "vitest";
import { createMemoryStore } from "../../adapters/memory/memory-store.ts";
import { createGraphClient, type GraphClientOptions } from "../../adapters/teams/graph-client.ts";
import {
  createReactionSweep,
  FIRST_SWEEP_LOOKBACK_MS,
  type ReactionSweepDeps,
  sweepCursorName,
} from "../../adapters/teams/graph-sweep.ts";
import type { SweepCursorStore } from "../../src/ports/store.ts";
import { type CoreHarness, startCore, WS } from "../support/core-harness.ts";
import { type FakeGraph, type FakePerson, startFakeGraph } from "../support/fake-graph.ts";
import { type LogEntry, recordingLogger } from "../support/memory-logger.ts";

// The reaction sweep end to end: the real Graph client over HTTP to a fake Graph on 127.0.0.1, the
// real CommandRecorder, inbox worker and capture (the core harness, in-memory store, a recording
// "teams" chat platform whose markup is the raw text). No wall clock: the client's waits move the
// test clock, and the fake Graph checks that a Retry-After was waited out on that clock.

const TOKEN = "graph-app-only-token";
const APP_ID = "6f0e6b4e-3f7a-4a8e-9d55-7f1c2a0b9e01";
const GROUP = "303d2c1c-f1c5-40ce-b68e-544343d7f42b";
const GENERAL = "19:fec4b0f2825d4c8c82abc09027a64184@thread.tacv2";
const BINS = "19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2";
const ADELE: FakePerson = { id: "bb8775a4-4d8c-42cf-a1d4-4d58c2bb668f", displayName: "Adele Vance" };
const MEGAN: FakePerson = { id: "5d8d505c-864f-4804-88c7-4583c966cde8", displayName: "Megan Bowen" };
const ISAIAH: FakePerson = { id: "b525e831-bd00-45e5-860c-a4329ef5f5d8", displayName: "Isaiah Langer" };
const BOT = { appId: APP_ID, displayName: "Weeknotes" };
const MINUTE = 60_000;

interface World {
  readonly core: CoreHarness;
  readonly fake: FakeGraph;
  readonly sweep: ReturnType<typeof createReactionSweep>;
  /** Every wait the Graph client asked for, ms. */
  readonly sleeps: number[];
  readonly logs: LogEntry[];
  /** A later minute: each change in Teams happens at its own time, as in life. */
  tick(): void;
}

const fakes: FakeGraph[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function world(
  options: {
    readonly client?: Partial<GraphClientOptions>;
    readonly sweep?: Partial<ReactionSweepDeps>;
  } = {},
): Promise<World> {
  const core = startCore("teams");
  const fake = await startFakeGraph({ token: TOKEN, clock: core.clock });
  fakes.push(fake);
  fake.addTeam(GROUP, WS, [
    { id: GENERAL, displayName: "General" },
    { id: BINS, displayName: "Bins" },
  ]);
  const sleeps: number[] = [];
  const logs: LogEntry[] = [];
  const logger = recordingLogger(logs);
  const graph = createGraphClient({
    baseUrl: fake.url,
    getToken: async () => TOKEN,
    sleep: async (ms) => {
      sleeps.push(ms);
      core.clock.advance(ms);
    },
    now: core.clock.now,
    logger,
    ...options.client,
  });
  const sweep = createReactionSweep({
    // One client per tenant, as a multi-tenant app needs: only WS is swept here.
    graph: (workspace) => {
      expect(workspace).toBe(WS);
      return graph;
    },
    record: core.useCases.record,
    highlights: core.store,
    cursors: core.store,
    clock: core.clock,
    logger,
    appId: APP_ID,
    ...options.sweep,
  });
  return { core, fake, sweep, sleeps, logs, tick: () => core.clock.advance(MINUTE) };
}

const both = { workspace: WS, groupId: GROUP };
const general = { workspace: WS, groupId: GROUP, channelIds: [GENERAL] };
const hid = (messageId: string, channel = GENERAL) => `${channel}/${messageId}`;

describe("Teams reaction sweep through Microsoft Graph", () => {
  it("turns a like on a person's message into a highlight in the team's section, from the message it read", async () => {
    const w = await world();
    await w.core.team({ emoji: [["+1", "highlights"]] });
    const id = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "<p>Bins booking went <b>live</b></p>" });
    w.tick();
    w.fake.react(GROUP, GENERAL, id, { user: MEGAN.id, reactionType: "like" });
    w.tick();

    const report = await w.sweep.sweep(both);
    expect(report.channels).toEqual([
      { channelId: GENERAL, ok: true, from: "window", messages: 1, recorded: 1, duplicates: 0 },
      { channelId: BINS, ok: true, from: "window", messages: 0, recorded: 0, duplicates: 0 },
    ]);
    await w.core.drain();

    const highlight = await w.core.store.getHighlight(WS, hid(id));
    expect(highlight).toMatchObject({
      platform: "teams",
      workspace: WS,
      conversationId: GENERAL,
      messageId: id,
      threadId: undefined,
      authorId: ADELE.id,
      authorName: "Adele Vance",
      text: "<p>Bins booking went <b>live</b></p>",
      postedAtMs: Number(id),
      section: "highlights",
      tags: [{ user: MEGAN.id, reaction: "+1", section: "highlights", via: "reaction" }],
    });
    expect(highlight?.permalink).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/message\//);
    // The sweep handed the message over: capture fetched nothing.
    expect(w.core.chat.calls.map((c) => c.method)).not.toContain("fetchMessage");
    // Every request carried the app-only token.
    expect(w.fake.requests.every((r) => r.authorized)).toBe(true);
  });

  it("counts reactions on replies (with their thread), by the default emoji map, and ignores others", async () => {
    const w = await world();
    const root = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "Who can cover Friday?" });
    w.tick();
    const reply = w.fake.reply(GROUP, GENERAL, root, { from: ISAIAH, html: "I will 🙂" });
    w.tick();
    w.fake.react(GROUP, GENERAL, reply, { user: MEGAN.id, reactionType: "👏🏽" });
    w.fake.react(GROUP, GENERAL, root, { user: MEGAN.id, reactionType: "💯", displayName: "Hundred points" });
    w.tick();

    await w.sweep.sweep(general);
    await w.core.drain();

    expect(await w.core.store.getHighlight(WS, hid(reply))).toMatchObject({
      threadId: root,
      authorId: ISAIAH.id,
      section: "thanks",
      tags: [{ user: MEGAN.id, reaction: "clap::skin-tone-4", section: "thanks", via: "reaction" }],
    });
    // 💯 is in no team's map: recorded, and capture leaves it.
    expect(await w.core.store.getHighlight(WS, hid(root))).toBeUndefined();
  });

  it("records only the emoji some team tags with, when told which", async () => {
    const w = await world({ sweep: { isTagEmoji: async (_ws, name) => name === "star" } });
    const id = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "New depot open" });
    w.fake.react(GROUP, GENERAL, id, { user: MEGAN.id, reactionType: "like" });
    w.fake.react(GROUP, GENERAL, id, { user: ISAIAH.id, reactionType: "⭐" });
    w.tick();
    const report = await w.sweep.sweep(general);
    expect(report.channels[0]?.recorded).toBe(1);
  });

  it("takes a removed reaction's tag off, and counts the same reaction added again", async () => {
    const w = await world();
    await w.core.team({ emoji: [["+1", "highlights"]] });
    const id = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "Route 7 is back on schedule" });
    const present = async () => (await w.core.store.getHighlight(WS, hid(id)))?.tags.map((t) => t.user);

    for (let round = 0; round < 2; round++) {
      w.tick();
      w.fake.react(GROUP, GENERAL, id, { user: MEGAN.id, reactionType: "like" });
      w.tick();
      expect((await w.sweep.sweep(general)).channels[0]?.recorded).toBe(1);
      await w.core.drain();
      expect(await present()).toEqual([MEGAN.id]);

      w.fake.unreact(GROUP, GENERAL, id, MEGAN.id, "like");
      w.tick();
      expect((await w.sweep.sweep(general)).channels[0]?.recorded).toBe(1);
      await w.core.drain();
      expect(await present()).toBeUndefined();
    }
  });

  it("takes off only reaction tags: an explicit add stays", async () => {
    const w = await world();
    const id = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "Thanks to the night crew" });
    w.tick();
    w.fake.react(GROUP, GENERAL, id, { user: MEGAN.id, reactionType: "⭐" });
    w.tick();
    await w.sweep.sweep(general);
    await w.core.record({
      kind: "add_message",
      platform: "teams",
      workspace: WS,
      ref: { platform: "teams", workspace: WS, conversationId: GENERAL, messageId: id },
      user: ISAIAH.id,
      section: "thanks",
    });
    await w.core.drain();
    expect((await w.core.store.getHighlight(WS, hid(id)))?.tags).toHaveLength(2);

    w.fake.unreact(GROUP, GENERAL, id, MEGAN.id, "⭐");
    w.tick();
    await w.sweep.sweep(general);
    await w.core.drain();
    expect((await w.core.store.getHighlight(WS, hid(id)))?.tags).toEqual([
      { user: ISAIAH.id, reaction: "add", section: "thanks", via: "command" },
    ]);
  });

  it("makes a highlight's text follow an edit, and deletes it with its message", async () => {
    const w = await world();
    const id = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "Bins go digitl" });
    w.fake.react(GROUP, GENERAL, id, { user: MEGAN.id, reactionType: "⭐" });
    w.tick();
    await w.sweep.sweep(general);
    await w.core.drain();
    expect((await w.core.store.getHighlight(WS, hid(id)))?.text).toBe("Bins go digitl");

    w.fake.edit(GROUP, GENERAL, id, "<p>Bins go <em>digital</em></p>");
    w.tick();
    expect((await w.sweep.sweep(general)).channels[0]?.recorded).toBe(1);
    await w.core.drain();
    expect((await w.core.store.getHighlight(WS, hid(id)))?.text).toBe("<p>Bins go <em>digital</em></p>");

    w.fake.remove(GROUP, GENERAL, id);
    w.tick();
    expect((await w.sweep.sweep(general)).channels[0]?.recorded).toBe(1);
    await w.core.drain();
    expect(await w.core.store.getHighlight(WS, hid(id))).toBeUndefined();
  });

  it("never counts reactions on the bot's own card, on system messages, or by an app (C10)", async () => {
    const w = await world();
    await w.core.team({ emoji: [["+1", "highlights"]] });
    const card = w.fake.post(GROUP, GENERAL, {
      from: BOT,
      html: '<attachment id="draft-card"></attachment>',
    });
    const joined = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "", messageType: "systemEventMessage" });
    const person = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "Depot tour on Tuesday" });
    w.tick();
    w.fake.react(GROUP, GENERAL, card, { user: MEGAN.id, reactionType: "like" });
    w.fake.react(GROUP, GENERAL, card, { user: MEGAN.id, reactionType: "⭐" });
    w.fake.react(GROUP, GENERAL, joined, { user: MEGAN.id, reactionType: "⭐" });
    w.fake.react(GROUP, GENERAL, person, { user: { appId: "another-bot" }, reactionType: "⭐" });
    w.tick();

    const report = await w.sweep.sweep(general);
    expect(report.channels[0]).toMatchObject({ ok: true, messages: 3, recorded: 0 });
    await w.core.drain();
    for (const id of [card, joined, person]) {
      expect(await w.core.store.getHighlight(WS, hid(id))).toBeUndefined();
    }
  });

  it("waits out a 429's Retry-After on the clock, then resumes; a 503 without one backs off", async () => {
    const w = await world();
    const id = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "Recycling rates up 4%" });
    w.fake.react(GROUP, GENERAL, id, { user: MEGAN.id, reactionType: "⭐" });
    w.tick();
    w.fake.failNext({ status: 429, retryAfterSeconds: 7, when: (r) => r.path.endsWith("/replies") });
    w.fake.failNext({ status: 503, when: (r) => r.path.endsWith("/delta") });

    const report = await w.sweep.sweep(general);
    expect(report.channels[0]).toMatchObject({ ok: true, recorded: 1 });
    expect(w.sleeps).toEqual([1_000, 7_000]);
    expect(w.fake.early).toEqual([]);
    expect(w.fake.requests.map((r) => [r.path.split("/").at(-1), r.status])).toEqual([
      ["delta", 503],
      ["delta", 200],
      ["replies", 429],
      ["replies", 200],
    ]);
    await w.core.drain();
    expect(await w.core.store.getHighlight(WS, hid(id))).toBeDefined();
  });

  it("gives up on a rate limit it cannot wait out, keeps the cursor, and sweeps the other channels", async () => {
    const w = await world({ client: { maxRetries: 2, maxWaitMs: 30_000 } });
    const a = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "General news" });
    const b = w.fake.post(GROUP, BINS, { from: ADELE, html: "Bins news" });
    w.fake.react(GROUP, GENERAL, a, { user: MEGAN.id, reactionType: "⭐" });
    w.fake.react(GROUP, BINS, b, { user: MEGAN.id, reactionType: "⭐" });
    w.tick();
    // GENERAL: three 429s of 5 s (more than two retries); BINS then answers normally.
    w.fake.failNext({ status: 429, retryAfterSeconds: 5, times: 3, when: (r) => r.path.includes(GENERAL) });

    const report = await w.sweep.sweep(both);
    expect(report.channels).toEqual([
      {
        channelId: GENERAL,
        ok: false,
        from: "window",
        messages: 0,
        recorded: 0,
        duplicates: 0,
        errorCode: "platform.rate_limited",
        retryAfterMs: 5_000,
      },
      { channelId: BINS, ok: true, from: "window", messages: 1, recorded: 1, duplicates: 0 },
    ]);
    // Two retries for GENERAL; BINS waited for the last Retry-After before its first request.
    expect(w.sleeps).toEqual([5_000, 5_000, 5_000]);
    expect(w.fake.early).toEqual([]);
    expect(await w.core.store.getCursor(sweepCursorName(WS, GENERAL))).toBeUndefined();
    expect(await w.core.store.getCursor(sweepCursorName(WS, BINS))).toMatch(/\$deltatoken=/);

    // An hour-long Retry-After is not waited for in-process at all.
    w.tick();
    w.fake.failNext({ status: 429, retryAfterSeconds: 3_600 });
    const later = await w.sweep.sweep(general);
    expect(later.channels[0]).toMatchObject({
      ok: false,
      errorCode: "platform.rate_limited",
      retryAfterMs: 3_600_000,
    });
    expect(w.sleeps).toEqual([5_000, 5_000, 5_000]);
    // Nor is a request sent while that hour runs.
    const sent = w.fake.requests.length;
    w.tick();
    expect((await w.sweep.sweep(general)).channels[0]).toMatchObject({ errorCode: "platform.rate_limited" });
    expect(w.fake.requests).toHaveLength(sent);
  });

  it("re-records nothing on a second sweep, from its cursor or from scratch", async () => {
    const w = await world();
    const id = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "Street cleansing awards" });
    const reply = w.fake.reply(GROUP, GENERAL, id, { from: ISAIAH, html: "Well deserved" });
    w.fake.react(GROUP, GENERAL, id, { user: MEGAN.id, reactionType: "⭐" });
    w.fake.react(GROUP, GENERAL, reply, { user: ADELE.id, reactionType: "🙌" });
    w.tick();

    expect((await w.sweep.sweep(general)).channels[0]).toMatchObject({ from: "window", recorded: 2 });
    // From the cursor: nothing changed, nothing read.
    expect((await w.sweep.sweep(general)).channels[0]).toMatchObject({
      from: "cursor",
      messages: 0,
      recorded: 0,
    });
    // From scratch (a lost cursor, another replica), as if the worker had not run yet (no
    // highlight to see the tags on): every command again, each a duplicate.
    const fresh = createReactionSweep({
      graph: createGraphClient({
        baseUrl: w.fake.url,
        getToken: async () => TOKEN,
        logger: recordingLogger(),
      }),
      record: w.core.useCases.record,
      highlights: { getHighlight: async () => undefined },
      cursors: createMemoryStore(),
      clock: w.core.clock,
      logger: recordingLogger(),
      appId: APP_ID,
    });
    expect((await fresh.sweep(general)).channels[0]).toMatchObject({ recorded: 0, duplicates: 2 });
    await w.core.drain();
    expect((await w.core.store.getHighlight(WS, hid(id)))?.tags).toHaveLength(1);
    expect((await w.core.store.getHighlight(WS, hid(reply)))?.tags).toHaveLength(1);
  });

  it("resumes a sweep cut short from the old cursor, recording each command once", async () => {
    const w = await world({ client: { pageSize: 2 } });
    const ids = ["One", "Two", "Three"].map((text) => {
      w.tick();
      const id = w.fake.post(GROUP, GENERAL, { from: ADELE, html: text });
      w.fake.react(GROUP, GENERAL, id, { user: MEGAN.id, reactionType: "⭐" });
      return id;
    });
    w.tick();
    // The second page fails for good (after the first page's commands were recorded).
    w.fake.failNext({
      status: 403,
      when: (r) => r.query.$skiptoken !== undefined && r.path.endsWith("/delta"),
    });

    const cut = await w.sweep.sweep(general);
    expect(cut.channels[0]).toMatchObject({ ok: false, errorCode: "platform.missing_scope", recorded: 2 });
    expect(await w.core.store.getCursor(sweepCursorName(WS, GENERAL))).toBeUndefined();

    const resumed = await w.sweep.sweep(general);
    // The first page's tags were recorded (and perhaps already carried out): only the third is new.
    expect(resumed.channels[0]).toMatchObject({ ok: true, from: "window", recorded: 1 });
    const cursor = await w.core.store.getCursor(sweepCursorName(WS, GENERAL));
    expect(cursor).toMatch(/\$deltatoken=/);

    // Now from that cursor: a new reaction, cut short at its replies, then resumed.
    w.tick();
    w.fake.react(GROUP, GENERAL, ids[0] ?? "", { user: ISAIAH.id, reactionType: "⭐" });
    w.tick();
    w.fake.failNext({ status: 500, times: 4, when: (r) => r.path.endsWith("/replies") });
    const cutAgain = await w.sweep.sweep(general);
    // The root's new tag was recorded before its replies failed; the cursor did not move.
    expect(cutAgain.channels[0]).toMatchObject({
      ok: false,
      from: "cursor",
      errorCode: "platform.unavailable",
      recorded: 1,
    });
    expect(await w.core.store.getCursor(sweepCursorName(WS, GENERAL))).toBe(cursor);
    const again = await w.sweep.sweep(general);
    expect(again.channels[0]).toMatchObject({ ok: true, from: "cursor", recorded: 0 });
    expect(await w.core.store.getCursor(sweepCursorName(WS, GENERAL))).not.toBe(cursor);

    await w.core.drain();
    for (const id of ids) {
      expect(await w.core.store.getHighlight(WS, hid(id))).toBeDefined();
    }
    expect((await w.core.store.getHighlight(WS, hid(ids[0] ?? "")))?.tags.map((t) => t.user)).toEqual([
      MEGAN.id,
      ISAIAH.id,
    ]);
  });

  it("reads the last eight days on a first sweep, and again when Graph says the cursor expired", async () => {
    const w = await world();
    const old = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "Old news" });
    w.fake.react(GROUP, GENERAL, old, { user: MEGAN.id, reactionType: "⭐" });
    w.core.clock.advance(FIRST_SWEEP_LOOKBACK_MS + MINUTE);
    const recent = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "Fresh news" });
    w.fake.react(GROUP, GENERAL, recent, { user: MEGAN.id, reactionType: "⭐" });
    w.tick();

    expect((await w.sweep.sweep(general)).channels[0]).toMatchObject({ ok: true, messages: 1, recorded: 1 });
    const [first] = w.fake.requestsTo("/messages/delta");
    const since = new Date(w.core.clock.now() - FIRST_SWEEP_LOOKBACK_MS).toISOString();
    expect(first?.query).toEqual({ $top: "50", $filter: `lastModifiedDateTime gt ${since}` });

    // 410 Gone, then 400 syncStateNotFound (delta-query-overview, "Synchronization reset").
    for (const expired of [
      { status: 410, code: "Gone" },
      { status: 400, code: "syncStateNotFound" },
    ]) {
      const cursor = await w.core.store.getCursor(sweepCursorName(WS, GENERAL));
      w.fake.expireDeltaLink(cursor ?? "", expired);
      w.tick();
      const resync = await w.sweep.sweep(general);
      expect(resync.channels[0]).toMatchObject({ ok: true, from: "window", messages: 1, recorded: 0 });
      expect(await w.core.store.getCursor(sweepCursorName(WS, GENERAL))).not.toBe(cursor);
    }
    // Any other failure of a stored link is a failure: the cursor stays.
    const cursor = await w.core.store.getCursor(sweepCursorName(WS, GENERAL));
    w.fake.expireDeltaLink(cursor ?? "", { status: 400, code: "BadRequest" });
    expect((await w.sweep.sweep(general)).channels[0]).toMatchObject({ ok: false, from: "cursor" });
    expect(await w.core.store.getCursor(sweepCursorName(WS, GENERAL))).toBe(cursor);
  });

  it("names missing consent, a refused token and a team it cannot list, per channel", async () => {
    const w = await world();
    w.fake.failNext({ status: 403, when: (r) => r.path.includes(GENERAL) });
    const report = await w.sweep.sweep(both);
    expect(report.channels.map((c) => [c.channelId, c.ok, c.errorCode])).toEqual([
      [GENERAL, false, "platform.missing_scope"],
      [BINS, true, undefined],
    ]);

    const wrong = createReactionSweep({
      graph: createGraphClient({
        baseUrl: w.fake.url,
        getToken: async () => "not-the-token",
        logger: recordingLogger(),
      }),
      record: w.core.useCases.record,
      highlights: w.core.store,
      cursors: createMemoryStore(),
      clock: w.core.clock,
      logger: recordingLogger(),
      appId: APP_ID,
    });
    expect(await wrong.sweep(both)).toEqual({
      workspace: WS,
      groupId: GROUP,
      channels: [],
      errorCode: "platform.rejected",
    });
    expect(w.fake.requests.at(-1)).toMatchObject({ authorized: false, status: 401 });

    const unknown = await w.sweep.sweep({ workspace: WS, groupId: "no-such-team" });
    expect(unknown).toMatchObject({ channels: [], errorCode: "platform.not_found" });
  });

  it("reads one message, one reply and a whole delta round with the client alone", async () => {
    const w = await world();
    const graph = createGraphClient({
      baseUrl: w.fake.url,
      getToken: async () => TOKEN,
      logger: recordingLogger(),
      pageSize: 1,
    });
    const root = w.fake.post(GROUP, GENERAL, { from: ADELE, html: "<p>Root</p>" });
    w.tick();
    const reply = w.fake.reply(GROUP, GENERAL, root, { from: MEGAN, html: "Reply" });
    const other = w.fake.post(GROUP, GENERAL, { from: ISAIAH, html: "Other" });

    expect(await graph.getMessage(GROUP, GENERAL, root)).toMatchObject({
      id: root,
      replyToId: null,
      from: { user: { id: ADELE.id, displayName: "Adele Vance" } },
      body: { contentType: "html", content: "<p>Root</p>" },
    });
    expect(await graph.getMessage(GROUP, GENERAL, root, reply)).toMatchObject({ id: reply, replyToId: root });
    expect(await graph.getMessage(GROUP, GENERAL, "1")).toBeUndefined();

    const round = await graph.channelMessagesDelta({ groupId: GROUP, channelId: GENERAL, sinceMs: 0 });
    expect(round.messages.map((m) => m.id)).toEqual([root, other]);
    expect(w.fake.requestsTo("/messages/delta").map((r) => Object.keys(r.query))).toEqual([
      ["$top", "$filter"],
      ["$skiptoken"],
    ]);
    expect(await graph.channelMessagesDelta({ deltaLink: round.deltaLink })).toMatchObject({ messages: [] });
    expect((await graph.listChannels(GROUP)).map((c) => c.id)).toEqual([GENERAL, BINS]);
  });

  it("never sends the token outside Graph: a stored link elsewhere is refused unsent", async () => {
    const seen: string[] = [];
    const cursors: SweepCursorStore = createMemoryStore();
    const w = await world({
      client: {
        fetch: async (input, init) => {
          seen.push(String(input));
          return fetch(input, init);
        },
      },
      sweep: { cursors },
    });
    await cursors.saveCursor(
      sweepCursorName(WS, GENERAL),
      `http://127.0.0.2:${new URL(w.fake.url).port}/v1.0/teams/${GROUP}/channels/${GENERAL}/messages/delta?$deltatoken=x`,
      0,
    );
    const report = await w.sweep.sweep(general);
    expect(report.channels[0]).toMatchObject({ ok: false, errorCode: "platform.rejected" });
    expect(seen).toEqual([]);
  });
});
