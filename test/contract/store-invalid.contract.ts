import { beforeEach, describe, expect, it } from "vitest";
import type { Platform } from "../../src/domain/message-ref.ts";
import type { InboxOutcome, Store } from "../../src/ports/store.ts";
import {
  ALL_TIME,
  type CurrentStore,
  expectBotError,
  makeConversationReference,
  makeHighlight,
  makeInstallation,
  makeRevision,
  makeTeam,
  reactionTag,
  T0,
  WS,
} from "./store-fixtures.ts";

/**
 * Every role refuses a record that fails its check in src/domain/records.ts with `store.invalid`
 * (never `store.corrupt`, which is for what was stored), and writes nothing. Part of
 * describeStoreContract.
 */
export function invalidRecordContract(current: CurrentStore): void {
  describe("invalid records", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });
    const key = { workspace: WS, team: "bins", week: "2026-W13" };

    it("highlights: an empty conversation id", async () => {
      const bad = makeHighlight({ conversationId: "", id: "/1700000000.000100" });
      await expectBotError(store.saveHighlights([bad]), "store.invalid");
      await expectBotError(store.addTag(WS, bad.id, reactionTag("U1"), bad), "store.invalid");
      expect(await store.listHighlights({ workspace: WS, ...ALL_TIME })).toEqual([]);
    });

    it("weeknotes: a revision with a fractional time, a review ref on an unknown platform, a bad decision", async () => {
      await expectBotError(
        store.saveDraftRevision(key, makeRevision(key.week, { createdAtMs: T0 + 0.5 })),
        "store.invalid",
      );
      expect(await store.getWeeknote(key)).toBeUndefined();
      await store.saveDraftRevision(key, makeRevision(key.week));
      const irc = { platform: "irc" as Platform, conversationId: "#bins", messageId: "1" };
      await expectBotError(store.setReviewMessage(key, irc), "store.invalid");
      await expectBotError(
        store.decideWeeknote(key, { status: "approved", by: "", atMs: T0 }),
        "store.invalid",
      );
      const weeknote = await store.getWeeknote(key);
      expect(weeknote?.review).toBeUndefined();
      expect(weeknote?.status).toBe("draft");
    });

    it("inbox: an event without a kind, a claim of a negative count, an outcome without an error code", async () => {
      const event = {
        workspace: WS,
        eventId: "Ev1",
        kind: "",
        payload: {},
        correlationId: "c",
        receivedAtMs: T0,
      };
      await expectBotError(store.recordEvent(event), "store.invalid");
      expect(await store.getEvent(WS, "Ev1")).toBeUndefined();
      await expectBotError(
        store.claimEvents({ nowMs: T0, limit: -1, leaseMs: 1, holder: "w" }),
        "store.invalid",
      );
      await store.recordEvent({ ...event, kind: "tag_added" });
      await store.claimEvents({ nowMs: T0, limit: 1, leaseMs: 1_000, holder: "w" });
      const noCode = { status: "failed" } as unknown as InboxOutcome;
      await expectBotError(store.finishEvent(WS, "Ev1", noCode), "store.invalid");
      expect((await store.getEvent(WS, "Ev1"))?.status).toBe("pending");
    });

    it("teams: an empty time zone", async () => {
      await expectBotError(store.saveTeam(makeTeam({ timezone: "" })), "store.invalid");
      expect(await store.listTeams()).toEqual([]);
    });

    it("leases: a ttl of zero, a fence with token 0", async () => {
      await expectBotError(store.acquireLease("job", "a", T0, 0), "store.invalid");
      await expectBotError(store.renewLease({ name: "job", token: 0 }, T0, 100), "store.invalid");
      await expectBotError(store.releaseLease({ name: "job", token: 0 }), "store.invalid");
      expect((await store.acquireLease("job", "a", T0, 100))?.token).toBe(1);
    });

    it("installations: data with no JSON form", async () => {
      await expectBotError(store.saveInstallation(makeInstallation({ data: { big: 1n } })), "store.invalid");
      expect(await store.getInstallation("slack", WS)).toBeUndefined();
    });

    it("conversation references: an empty conversation id", async () => {
      await expectBotError(
        store.saveConversationReference(makeConversationReference({ conversationId: "" })),
        "store.invalid",
      );
      expect(await store.getConversationReference("teams", WS, "")).toBeUndefined();
    });
  });
}
