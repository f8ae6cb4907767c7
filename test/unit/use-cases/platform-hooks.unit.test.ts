import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../../adapters/memory/memory-store.ts";
import { createOfflineSummariser } from "../../../adapters/offline/offline-summariser.ts";
import { createChatRouter } from "../../../src/app/chat-router.ts";
import { createCommandResults } from "../../../src/app/command-results.ts";
import { createCore } from "../../../src/app/use-cases.ts";
import { BotError } from "../../../src/domain/errors.ts";
import type { Highlight } from "../../../src/domain/highlight.ts";
import { PLATFORMS, type Platform } from "../../../src/domain/message-ref.ts";
import { NO_ALIASES } from "../../../src/domain/sections.ts";
import { defaultTeamSettings, type TeamSettings } from "../../../src/domain/team.ts";
import { weekWindow } from "../../../src/domain/week.ts";
import type { ChatPlatform, ChatRouter } from "../../../src/ports/chat.ts";
import type { Logger } from "../../../src/ports/logger.ts";
import type { Store } from "../../../src/ports/store.ts";
import { ALICE, BOB, GENERAL, REVIEW, refOf, startCore, WS, w13 } from "../../support/core-harness.ts";
import { type ManualTime, manualTime } from "../../support/manual-timers.ts";
import { type LogEntry, recordingLogger } from "../../support/memory-logger.ts";
import { recordingChat } from "../../support/recording-chat.ts";

const KEY = { workspace: WS, team: "default", week: "2026-W13" };
const WEEK = weekWindow({ year: 2026, week: 13 }, "Europe/London");
const BLOCKED = "C-blocked";

/** Bob's message, starred by Alice, in 2026-W13. */
function starred(platform: Platform): Highlight {
  return {
    id: `${GENERAL}/1`,
    platform,
    workspace: WS,
    conversationId: GENERAL,
    conversationName: "general",
    private: false,
    messageId: "1",
    threadId: undefined,
    postedAtMs: w13(10),
    authorId: BOB,
    authorName: "Bob",
    text: "Bins booking went live",
    section: "highlights",
    tags: [{ user: ALICE, reaction: "star", section: "highlights", via: "reaction" }],
    permalink: undefined,
    team: undefined,
  };
}

/**
 * The core with its schedule on, on manual time. Each timer callback's work (a sweep and the
 * drafts it started, which yield to the event loop between slices and in the summariser) ends
 * before `time` moves on, so a job runs at the minute it fell due rather than at a later tick.
 */
function scheduledCore(store: Store, chat: ChatRouter, time: ManualTime, logger: Logger, holder: string) {
  const core = createCore({
    store,
    chat,
    summariser: createOfflineSummariser(),
    aliases: NO_ALIASES,
    clock: time.clock,
    timers: time.timers,
    logger,
    holder,
    defaultTimezone: "Europe/London",
    schedule: true,
  });
  time.settleWith(async () => {
    await core.schedule?.idle();
  });
  return core;
}

// What the core offers platform adapters beyond commands: a card action waiting for its
// decision's result, teams a platform refuses to post for, and work before each draft.
describe.each(PLATFORMS)("platform hooks of the core on %s", (platform) => {
  it("hands a recorded decision's outcome to the request waiting for it; a repeat gets none", async () => {
    const core = startCore(platform);
    const team = await core.team();
    const ref = refOf(platform, GENERAL, "m1");
    core.chat.hold(ref, { text: "Bins booking went live", authorId: BOB, postedAtMs: w13(10) });
    await core.record({ kind: "tag_added", platform, workspace: WS, ref, user: ALICE, reaction: "star" });
    await core.drain();
    await core.draft(team, WEEK);
    const approve = { kind: "approve", platform, workspace: WS, key: KEY, user: ALICE } as const;
    const meta = { eventId: "card-1", correlationId: "c-1" };

    const first = await core.useCases.record.recordAndWait(approve, meta, 60_000);
    expect(first.recorded).toBe("recorded");
    expect(first.result?.status).toBe("done");
    const notice = first.result?.notice;
    expect(notice?.kind === "decision" && notice.outcome.kind).toBe("approved");
    expect(notice?.kind === "decision" && "view" in notice.outcome && notice.outcome.view.status).toEqual({
      kind: "approved",
      by: ALICE,
    });

    const again = await core.useCases.record.recordAndWait(approve, meta, 60_000);
    expect(again).toEqual({ recorded: "duplicate", result: undefined });

    const view = await core.useCases.decide.view(KEY);
    expect(view?.status).toEqual({ kind: "approved", by: ALICE });
    expect(view?.revision.number).toBe(1);
    expect(await core.useCases.decide.view({ ...KEY, week: "2026-W12" })).toBeUndefined();
  });

  it("marks a team whose review posts are refused for good inactive, drafts the others, and resumes when the bot hears from it", async () => {
    const time = manualTime("2026-03-27T13:59:00Z");
    const store = createMemoryStore();
    const inner = recordingChat(platform);
    const chat: ChatPlatform = {
      ...inner,
      async postReview(view) {
        if (view.team.reviewChannel === BLOCKED) {
          throw new BotError("platform.blocked", "Teams refused a post: MessageWritesBlocked");
        }
        return inner.postReview(view);
      },
    };
    const router = createChatRouter();
    router.add(chat);
    const logs: LogEntry[] = [];
    const core = scheduledCore(store, router, time, recordingLogger(logs), "hooks");
    const team = (key: string, reviewChannel: string): TeamSettings => ({
      ...defaultTeamSettings(platform, WS, "Europe/London", time.now(), { key, name: key }),
      approvers: [ALICE],
      reviewChannel,
      publishChannel: reviewChannel,
    });
    for (const t of [team("t1", REVIEW), team("t2", BLOCKED), team("t3", "C-three")]) {
      await store.saveTeam(t);
    }
    await store.saveHighlights([starred(platform)]);
    await core.schedule?.start();
    await time.advanceTo("2026-03-27T14:01:00Z");
    await core.schedule?.idle();
    expect(
      inner.reviews
        .filter((r) => r.kind === "post")
        .map((r) => r.ref.conversationId)
        .sort(),
    ).toEqual([REVIEW, "C-three"]);
    expect((await store.getTeam(WS, "t2"))?.inactive).toEqual({
      reason: "blocked",
      sinceMs: Date.parse("2026-03-27T14:00:00Z"),
    });
    expect((await store.getTeam(WS, "t1"))?.inactive).toBeUndefined();

    // Not retried every minute (nor after the runner's retry pause) while inactive.
    const failuresBefore = logs.filter((l) => l.message === "scheduled draft failed").length;
    await time.advanceTo("2026-03-27T15:30:00Z");
    await core.schedule?.idle();
    expect(logs.filter((l) => l.message === "scheduled draft failed").length).toBe(failuresBefore);

    // The bot hears from that channel again (installed again): the team's draft goes out.
    const reactivated = await core.useCases.teams.reactivate(platform, WS, BLOCKED);
    expect(reactivated.map((t) => t.team)).toEqual(["t2"]);
    chat.postReview = (view) => inner.postReview(view);
    await time.advanceTo("2026-03-27T15:32:00Z");
    await core.schedule?.idle();
    expect(inner.reviews.filter((r) => r.kind === "post").map((r) => r.ref.conversationId)).toContain(
      BLOCKED,
    );
    await core.schedule?.stop();
  });

  it("does not try a scheduled draft again before the platform's Retry-After", async () => {
    const time = manualTime("2026-03-27T13:59:00Z");
    const store = createMemoryStore();
    const inner = recordingChat(platform);
    const attempts: number[] = [];
    const chat: ChatPlatform = {
      ...inner,
      async postReview(view) {
        attempts.push(time.now());
        if (attempts.length === 1) {
          throw new BotError("platform.rate_limited", "slow down", {
            retryable: true,
            retryAfterMs: 45 * 60_000,
          });
        }
        return inner.postReview(view);
      },
    };
    const router = createChatRouter();
    router.add(chat);
    const core = scheduledCore(store, router, time, recordingLogger([]), "retry-after");
    await store.saveTeam({
      ...defaultTeamSettings(platform, WS, "Europe/London", time.now()),
      approvers: [ALICE],
      reviewChannel: REVIEW,
      publishChannel: REVIEW,
    });
    await store.saveHighlights([starred(platform)]);
    await core.schedule?.start();
    await time.advanceTo("2026-03-27T15:00:00Z");
    await core.schedule?.idle();
    expect(attempts.map((at) => new Date(at).toISOString())).toEqual([
      "2026-03-27T14:00:00.000Z",
      "2026-03-27T14:45:00.000Z",
    ]);
    await core.schedule?.stop();
  });

  it("runs the platform's work before each draft, and drafts anyway when it fails", async () => {
    const seen: string[] = [];
    let fail = false;
    const store = createMemoryStore();
    const router = createChatRouter();
    const chat = recordingChat(platform);
    router.add(chat);
    const logs: LogEntry[] = [];
    const time = manualTime("2026-03-27T12:00:00Z");
    const core = createCore({
      store,
      chat: router,
      summariser: createOfflineSummariser(),
      aliases: NO_ALIASES,
      clock: time.clock,
      timers: time.timers,
      logger: recordingLogger(logs),
      holder: "before",
      defaultTimezone: "Europe/London",
      schedule: false,
      beforeDraft: async (team) => {
        seen.push(`${team.team}@${chat.reviews.length}`);
        if (fail) {
          throw new BotError("platform.unavailable", "Graph did not answer", { retryable: true });
        }
      },
    });
    const team = { ...defaultTeamSettings(platform, WS, "Europe/London", time.now()), reviewChannel: REVIEW };
    const ref = refOf(platform, GENERAL, "m1");
    chat.hold(ref, { text: "Bins booking went live", authorId: BOB, postedAtMs: w13(10) });
    await store.saveTeam(team);
    await core.useCases.record.record(
      { kind: "tag_added", platform, workspace: WS, ref, user: ALICE, reaction: "star" },
      { eventId: "e1", correlationId: "c1" },
    );
    await core.worker.kick();
    expect((await core.draft(team, WEEK)).kind).toBe("posted");
    expect(seen).toEqual(["default@0"]);

    fail = true;
    const other = { ...team, team: "other", name: "other" };
    await store.saveTeam(other);
    expect((await core.draft(other, WEEK)).kind).toBe("posted");
    expect(logs.some((l) => l.message === "could not prepare the draft; drafting from what is stored")).toBe(
      true,
    );
  });
});

describe("command results", () => {
  it("stops waiting after the time given, by the injected timers", async () => {
    const time = manualTime("2026-03-27T12:00:00Z");
    const results = createCommandResults(time.timers);
    const late = results.wait(WS, "e1", 3_500);
    await time.advance(3_499);
    results.settle(WS, "other", { status: "done", notice: undefined });
    await time.advance(1);
    expect(await late).toBeUndefined();
    // A result after the waiter gave up goes nowhere.
    results.settle(WS, "e1", { status: "done", notice: undefined });
    const onTime = results.wait(WS, "e2", 3_500);
    results.settle(WS, "e2", { status: "failed", notice: undefined });
    expect(await onTime).toEqual({ status: "failed", notice: undefined });
    expect(time.pending()).toBe(0);
  });
});
