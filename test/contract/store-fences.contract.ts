import { beforeEach, describe, expect, it } from "vitest";
import type { Fence, Store, WeeknoteKey } from "../../src/ports/store.ts";
import { type CurrentStore, expectBotError, makeRevision, T0, WS } from "./store-fixtures.ts";

const NAME = "schedule:draft:T0001:bins:2026-W13";
const TTL = 1_000;
const review = (messageId: string) => ({ platform: "slack", conversationId: "C900", messageId }) as const;

/** Weeknote writes fenced by a lease's token: part of describeStoreContract. */
export function fenceContract(current: CurrentStore): void {
  describe("fenced weeknote writes", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });
    const key: WeeknoteKey = { workspace: WS, team: "bins", week: "2026-W13" };

    async function acquire(holder: string, nowMs: number): Promise<Fence> {
      const lease = await store.acquireLease(NAME, holder, nowMs, TTL);
      if (lease === undefined) {
        throw new Error(`${holder} did not get the lease`);
      }
      return { name: lease.name, token: lease.token };
    }

    it("accepts writes fenced by the lease's current token", async () => {
      const fence = await acquire("a", T0);
      const saved = await store.saveDraftRevision(key, makeRevision(key.week), fence);
      expect(saved.revisions).toHaveLength(1);
      await store.setReviewMessage(key, review("1.000001"), fence);
      expect((await store.getWeeknote(key))?.review).toStrictEqual(review("1.000001"));
      // Extending one's own lease keeps the token, and the fence.
      await store.acquireLease(NAME, "a", T0 + 10, TTL);
      expect((await store.saveDraftRevision(key, makeRevision(key.week), fence)).revisions).toHaveLength(2);
    });

    it("refuses writes of a holder whose expired lease another holder took, writing nothing", async () => {
      const stale = await acquire("a", T0);
      const fresh = await acquire("b", T0 + TTL);
      expect(fresh.token).toBe(stale.token + 1);

      await expectBotError(store.saveDraftRevision(key, makeRevision(key.week), stale), "lease.lost");
      expect(await store.getWeeknote(key)).toBeUndefined();

      await store.saveDraftRevision(key, makeRevision(key.week), fresh);
      await expectBotError(store.setReviewMessage(key, review("1.000001"), stale), "lease.lost");
      await expectBotError(store.saveDraftRevision(key, makeRevision(key.week), stale), "lease.lost");
      const weeknote = await store.getWeeknote(key);
      expect(weeknote?.review).toBeUndefined();
      expect(weeknote?.revisions).toHaveLength(1);

      await store.setReviewMessage(key, review("2.000002"), fresh);
      expect((await store.getWeeknote(key))?.review).toStrictEqual(review("2.000002"));
    });

    it("accepts writes of a holder whose lease expired when nobody took it", async () => {
      const fence = await acquire("a", T0);
      // Long past the lease's end, and nobody acquired it since.
      await store.saveDraftRevision(key, makeRevision(key.week), fence);
      await store.setReviewMessage(key, review("1.000001"), fence);
      expect((await store.getWeeknote(key))?.review).toStrictEqual(review("1.000001"));
    });

    it("refuses a fence of a lease that was never taken, or of another name", async () => {
      await expectBotError(
        store.saveDraftRevision(key, makeRevision(key.week), { name: NAME, token: 1 }),
        "lease.lost",
      );
      const fence = await acquire("a", T0);
      await expectBotError(
        store.saveDraftRevision(key, makeRevision(key.week), { name: "other", token: fence.token }),
        "lease.lost",
      );
      await expectBotError(
        store.saveDraftRevision(key, makeRevision(key.week), { ...fence, token: fence.token + 1 }),
        "lease.lost",
      );
      expect(await store.getWeeknote(key)).toBeUndefined();
    });

    it("checks the fence before the weeknote", async () => {
      const stale = await acquire("a", T0);
      const fresh = await acquire("b", T0 + TTL);
      await expectBotError(store.setReviewMessage(key, review("1.000001"), fresh), "weeknote.not_found");
      await expectBotError(store.setReviewMessage(key, review("1.000001"), stale), "lease.lost");
      await store.saveDraftRevision(key, makeRevision(key.week), fresh);
      await store.decideWeeknote(key, { status: "approved", by: "U1", atMs: T0 });
      await expectBotError(
        store.saveDraftRevision(key, makeRevision(key.week), fresh),
        "weeknote.bad_transition",
      );
      await expectBotError(store.saveDraftRevision(key, makeRevision(key.week), stale), "lease.lost");
    });

    it("refuses a malformed fence as invalid", async () => {
      await expectBotError(
        store.saveDraftRevision(key, makeRevision(key.week), { name: NAME, token: 0 }),
        "store.invalid",
      );
      await expectBotError(
        store.setReviewMessage(key, review("1.000001"), { name: "", token: 1 }),
        "store.invalid",
      );
    });
  });
}
