import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.ts";
import {
  ALL_TIME,
  type CurrentStore,
  commandTag,
  expectBotError,
  makeHighlight,
  makeTypedHighlight,
  OTHER_WS,
  reactionTag,
  T0,
  WS,
} from "./store-fixtures.ts";

const DAY = 86_400_000;

/** An event of WS received at T0 + `offsetMs`. */
function event(eventId: string, offsetMs = 0, workspace = WS) {
  return {
    workspace,
    eventId,
    kind: "tag_added",
    payload: { kind: "tag_added" },
    correlationId: `corr-${eventId}`,
    receivedAtMs: T0 + offsetMs,
  };
}

/** Inbox backlog and purge, removing highlights, "forget me": part of describeStoreContract. */
export function retentionContract(current: CurrentStore): void {
  describe("retention", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    const ids = async (workspace = WS) =>
      (await store.listHighlights({ workspace, ...ALL_TIME })).map((h) => h.id).sort();

    it("reports the pending backlog and its oldest event, finished and future ones left out", async () => {
      expect(await store.inboxBacklog(T0)).toEqual({ pending: 0, oldestReceivedAtMs: undefined });
      await store.recordEvent(event("Ev1", 10));
      await store.recordEvent(event("Ev2", 20, OTHER_WS));
      await store.recordEvent(event("Ev3", 30));
      await store.recordEvent(event("Ev4", 40));
      await store.claimEvents({ nowMs: T0 + 10, limit: 1, leaseMs: 1_000, holder: "w1" });
      await store.finishEvent(WS, "Ev1", { status: "done" });
      // A leased event, and one waiting out a retry, still count as waiting.
      await store.claimEvents({ nowMs: T0 + 20, limit: 1, leaseMs: 1_000, holder: "w1" });
      await store.finishEvent(WS, "Ev4", { status: "failed", errorCode: "platform.not_found" });

      expect(await store.inboxBacklog(T0 + 100)).toEqual({ pending: 2, oldestReceivedAtMs: T0 + 20 });
      expect(await store.inboxBacklog(T0 + 25)).toEqual({ pending: 1, oldestReceivedAtMs: T0 + 20 });
      expect(await store.inboxBacklog(T0 + 19)).toEqual({ pending: 0, oldestReceivedAtMs: undefined });
    });

    it("purges finished events received before the cut, never pending ones", async () => {
      for (const [id, day] of [
        ["Old-done", 0],
        ["Old-failed", 1],
        ["Old-pending", 2],
        ["New-done", 8],
      ] as const) {
        await store.recordEvent(event(id, day * DAY));
      }
      await store.claimEvents({ nowMs: T0 + 9 * DAY, limit: 10, leaseMs: 1_000, holder: "w1" });
      await store.finishEvent(WS, "Old-done", { status: "done" });
      await store.finishEvent(WS, "Old-failed", { status: "failed", errorCode: "platform.not_found" });
      await store.finishEvent(WS, "New-done", { status: "done" });
      await store.finishEvent(WS, "Old-pending", {
        status: "retry",
        notBeforeMs: T0 + 10 * DAY,
        errorCode: "platform.rate_limited",
      });

      expect(await store.purgeInbox(T0 + 7 * DAY)).toBe(2);
      expect(await store.getEvent(WS, "Old-done")).toBeUndefined();
      expect(await store.getEvent(WS, "Old-failed")).toBeUndefined();
      expect((await store.getEvent(WS, "Old-pending"))?.status).toBe("pending");
      expect((await store.getEvent(WS, "New-done"))?.status).toBe("done");
      expect(await store.purgeInbox(T0 + 7 * DAY)).toBe(0);
      // A purged id is new again: the platform's retries are long over by then.
      expect(await store.recordEvent(event("Old-done"))).toBe("recorded");
    });

    it("refuses a time that is not an integer", async () => {
      await expectBotError(store.inboxBacklog(1.5), "store.invalid");
      await expectBotError(store.purgeInbox(Number.NaN), "store.invalid");
    });

    it("removes highlights by id, in one workspace, ignoring missing ones", async () => {
      await store.saveHighlights([
        makeHighlight({ messageId: "1700000000.000100" }),
        makeHighlight({ messageId: "1700000000.000200" }),
        makeHighlight({ messageId: "1700000000.000300" }),
        makeHighlight({ messageId: "1700000000.000100", workspace: OTHER_WS }),
      ]);
      expect(
        await store.removeHighlights(WS, ["C100/1700000000.000100", "C100/1700000000.000300", "C100/nope"]),
      ).toBe(2);
      expect(await ids()).toEqual(["C100/1700000000.000200"]);
      expect(await ids(OTHER_WS)).toEqual(["C100/1700000000.000100"]);
      expect(await store.removeHighlights(WS, [])).toBe(0);
      await expectBotError(store.removeHighlights(WS, [""]), "store.invalid");
      await expectBotError(
        store.removeHighlights(
          WS,
          Array.from({ length: 1001 }, (_, i) => `C100/${i}`),
        ),
        "store.invalid",
      );
      expect(await ids()).toEqual(["C100/1700000000.000200"]);
    });

    it("forgets a person: their highlights, and their tags on others' highlights", async () => {
      await store.saveHighlights([
        // Written by U9: gone, whoever tagged it.
        makeHighlight({ messageId: "1700000000.000100", authorId: "U9", tags: [reactionTag("U2")] }),
        makeTypedHighlight({ id: "typed/Ev9", authorId: "U9", tags: [commandTag("U9", "thanks")] }),
        // Tagged by U9 and U2: kept without U9's tags, refiled by the tags left.
        makeHighlight({
          messageId: "1700000000.000200",
          authorId: "U1",
          section: "thanks",
          tags: [reactionTag("U9", "clap", "thanks"), reactionTag("U9", "pray", "thanks"), reactionTag("U2")],
        }),
        // Tagged only by U9: no tag left, so no longer a highlight.
        makeHighlight({ messageId: "1700000000.000300", authorId: "U1", tags: [reactionTag("U9")] }),
        // Nothing of U9's.
        makeHighlight({ messageId: "1700000000.000400", authorId: "U1", tags: [reactionTag("U2")] }),
        // Another workspace's U9 is another person.
        makeHighlight({ messageId: "1700000000.000100", workspace: OTHER_WS, authorId: "U9" }),
      ]);

      expect(await store.forgetPerson(WS, "U9")).toEqual({ highlights: 3, tags: 2 });
      expect(await ids()).toEqual(["C100/1700000000.000200", "C100/1700000000.000400"]);
      expect(await store.getHighlight(WS, "C100/1700000000.000200")).toMatchObject({
        section: "highlights",
        tags: [reactionTag("U2")],
      });
      expect(await ids(OTHER_WS)).toEqual(["C100/1700000000.000100"]);
      expect(await store.forgetPerson(WS, "U9")).toEqual({ highlights: 0, tags: 0 });
      await expectBotError(store.forgetPerson(WS, ""), "store.invalid");
    });
  });
}
