import { describe, expect, it } from "vitest";
import { createRetentionJob, INBOX_KEEP_MS } from "../../../src/app/retention.ts";
import type { Highlight } from "../../../src/domain/highlight.ts";
import { NO_ALIASES } from "../../../src/domain/sections.ts";
import { parseWeekKey, weekWindow } from "../../../src/domain/week.ts";
import {
  ALICE,
  BOB,
  type CoreHarness,
  GENERAL,
  startCore,
  stillTimers,
  WS,
  w13,
} from "../../support/core-harness.ts";
import { recordingLogger } from "../../support/memory-logger.ts";

const DAY_MS = 86_400_000;
const W13 = "2026-W13";

function highlight(id: string, postedAtMs: number, text: string, author = ALICE): Highlight {
  return {
    id,
    platform: "slack",
    workspace: WS,
    conversationId: GENERAL,
    conversationName: "general",
    private: false,
    messageId: id.split("/")[1],
    threadId: undefined,
    postedAtMs,
    authorId: author,
    authorName: author === ALICE ? "Alice" : "Bob",
    text,
    section: "highlights",
    tags: [{ user: BOB, reaction: "star", section: "highlights", via: "reaction" }],
    permalink: undefined,
    team: undefined,
  };
}

function retentionOf(h: CoreHarness, holder = "replica-1") {
  return createRetentionJob({
    leases: h.store,
    highlights: h.store,
    weeknotes: h.store,
    inbox: h.store,
    aliases: NO_ALIASES,
    listTeams: () => h.store.listTeams(),
    clock: h.clock,
    timers: stillTimers,
    logger: recordingLogger(),
    holder,
    retentionDays: 30,
  });
}

/** A team whose W13 note was drafted from two highlights and approved at the harness's "now". */
async function approvedWeek(h: CoreHarness) {
  const team = await h.team({ sourceChannels: [GENERAL] });
  await h.store.saveHighlights([
    highlight(`${GENERAL}/1774260000.000100`, w13(10), "Bins app shipped to 40,000 homes"),
    highlight(`${GENERAL}/1774270000.000100`, w13(13), "Thanks to the contact centre", BOB),
    // The next week's, whose note is not decided: kept.
    highlight(`${GENERAL}/1774900000.000100`, w13(7 * 24 + 5), "Cyber drill on Monday"),
  ]);
  const outcome = await h.draft(team, weekWindow(parseWeekKey(W13), team.timezone));
  expect(outcome.kind).toBe("posted");
  const key = { workspace: WS, team: team.team, week: W13 };
  const decided = await h.store.decideWeeknote(key, { status: "approved", by: ALICE, atMs: h.clock.now() });
  expect(decided?.status).toBe("approved");
  return key;
}

describe("retention (RETENTION_DAYS, daily job)", () => {
  it("31 days after a week's note is approved, its raw highlights are gone and the note remains", async () => {
    const h = startCore("slack");
    const key = await approvedWeek(h);
    const note = await h.store.getWeeknote(key);
    expect(note?.revisions.at(-1)?.markdown).toContain("40,000");

    h.clock.advance(29 * DAY_MS);
    expect(await retentionOf(h).runOnce()).toMatchObject({ status: "done", highlights: 0 });
    expect(await h.store.getHighlight(WS, `${GENERAL}/1774260000.000100`)).toBeDefined();

    h.clock.advance(2 * DAY_MS);
    expect(await retentionOf(h, "replica-2").runOnce()).toMatchObject({
      status: "done",
      highlights: 2,
      weeks: 1,
    });
    expect(await h.store.getHighlight(WS, `${GENERAL}/1774260000.000100`)).toBeUndefined();
    expect(await h.store.getHighlight(WS, `${GENERAL}/1774270000.000100`)).toBeUndefined();
    expect((await h.store.getHighlight(WS, `${GENERAL}/1774900000.000100`))?.text).toBe(
      "Cyber drill on Monday",
    );
    // The approved note is kept whole, its text included.
    expect(await h.store.getWeeknote(key)).toStrictEqual(note);
  });

  it("keeps a skipped week's highlights 30 days, and a draft's for as long as it is a draft", async () => {
    const h = startCore("slack");
    const team = await h.team({ sourceChannels: [GENERAL] });
    await h.store.saveHighlights([highlight(`${GENERAL}/1774260000.000100`, w13(10), "Draft only")]);
    await h.draft(team, weekWindow(parseWeekKey(W13), team.timezone));
    h.clock.advance(400 * DAY_MS);
    expect(await retentionOf(h).runOnce()).toMatchObject({ status: "done", highlights: 0 });
    expect(await h.store.getHighlight(WS, `${GENERAL}/1774260000.000100`)).toBeDefined();

    const key = { workspace: WS, team: team.team, week: W13 };
    await h.store.decideWeeknote(key, { status: "skipped", by: ALICE, atMs: h.clock.now() });
    h.clock.advance(31 * DAY_MS);
    expect(await retentionOf(h, "replica-2").runOnce()).toMatchObject({ status: "done", highlights: 1 });
    expect(await h.store.getWeeknote(key)).toMatchObject({ status: "skipped" });
  });

  it("purges finished inbox events after 7 days, keeping pending ones", async () => {
    const h = startCore("slack");
    await h.team();
    const done = await h.record({
      kind: "tag_removed",
      platform: "slack",
      workspace: WS,
      ref: { platform: "slack", workspace: WS, conversationId: GENERAL, messageId: "1774260000.000100" },
      user: BOB,
      reaction: "star",
    });
    await h.drain();
    expect((await h.store.getEvent(WS, done))?.status).toBe("done");
    await h.store.recordEvent({
      workspace: WS,
      eventId: "Ev-stuck",
      kind: "tag_added",
      payload: {},
      correlationId: "c-stuck",
      receivedAtMs: h.clock.now(),
    });

    h.clock.advance(INBOX_KEEP_MS - 1);
    expect(await retentionOf(h).runOnce()).toMatchObject({ events: 0 });
    h.clock.advance(DAY_MS);
    expect(await retentionOf(h, "replica-2").runOnce()).toMatchObject({ events: 1 });
    expect(await h.store.getEvent(WS, done)).toBeUndefined();
    expect((await h.store.getEvent(WS, "Ev-stuck"))?.status).toBe("pending");
  });

  it("runs once a day across replicas: the day's lease is the claim", async () => {
    const h = startCore("slack");
    await approvedWeek(h);
    h.clock.advance(31 * DAY_MS);
    const first = retentionOf(h, "replica-1");
    expect((await first.runOnce()).status).toBe("done");
    expect((await first.runOnce()).status).toBe("done_before");
    expect((await retentionOf(h, "replica-2").runOnce()).status).toBe("claimed_elsewhere");
    h.clock.advance(DAY_MS);
    expect((await retentionOf(h, "replica-2").runOnce()).status).toBe("done");
  });
});
