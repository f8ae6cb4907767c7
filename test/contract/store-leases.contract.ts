import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.ts";
import { type CurrentStore, T0 } from "./store-fixtures.ts";

const NAME = "schedule:draft:T0001:bins:2026-W13";

/** Named leases with fencing tokens: part of describeStoreContract. */
export function leaseContract(current: CurrentStore): void {
  describe("leases", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("is held by one holder until it expires, and extended by its holder with the same token", async () => {
      expect(await store.acquireLease(NAME, "a", T0, 100)).toStrictEqual({
        name: NAME,
        holder: "a",
        token: 1,
        untilMs: T0 + 100,
      });
      expect(await store.acquireLease(NAME, "b", T0 + 50, 100)).toBeUndefined();
      expect(await store.acquireLease(NAME, "a", T0 + 50, 100)).toStrictEqual({
        name: NAME,
        holder: "a",
        token: 1,
        untilMs: T0 + 150,
      });
      expect(await store.acquireLease(NAME, "b", T0 + 149, 100)).toBeUndefined();
      // Expired at exactly its end: b takes it, with the next token.
      expect(await store.acquireLease(NAME, "b", T0 + 150, 100)).toStrictEqual({
        name: NAME,
        holder: "b",
        token: 2,
        untilMs: T0 + 250,
      });
      expect(await store.acquireLease(NAME, "a", T0 + 160, 100)).toBeUndefined();
      expect((await store.acquireLease("other", "a", T0 + 160, 100))?.token).toBe(1);
    });

    it("gives the next token to a holder taking back its own expired lease", async () => {
      expect((await store.acquireLease(NAME, "a", T0, 100))?.token).toBe(1);
      expect((await store.acquireLease(NAME, "a", T0 + 99, 100))?.token).toBe(1);
      // Expired at T0 + 199: someone may have taken it meanwhile, so it is a new term.
      expect((await store.acquireLease(NAME, "a", T0 + 199, 100))?.token).toBe(2);
      expect((await store.acquireLease(NAME, "b", T0 + 299, 100))?.token).toBe(3);
      expect(await store.acquireLease(NAME, "a", T0 + 300, 100)).toBeUndefined();
    });

    it("renews a lease only while it has the token, even expired when nobody took it", async () => {
      const lease = await store.acquireLease(NAME, "a", T0, 100);
      const fence = { name: NAME, token: lease?.token ?? 0 };
      expect(await store.renewLease(fence, T0 + 50, 100)).toStrictEqual({
        name: NAME,
        holder: "a",
        token: 1,
        untilMs: T0 + 150,
      });
      expect(await store.acquireLease(NAME, "b", T0 + 149, 100)).toBeUndefined();
      // Expired, but nobody took it: still a's.
      expect(await store.renewLease(fence, T0 + 500, 100)).toStrictEqual({
        name: NAME,
        holder: "a",
        token: 1,
        untilMs: T0 + 600,
      });
      expect(await store.acquireLease(NAME, "b", T0 + 599, 100)).toBeUndefined();

      const taken = await store.acquireLease(NAME, "b", T0 + 600, 1_000);
      expect(taken?.token).toBe(2);
      expect(await store.renewLease(fence, T0 + 700, 100_000)).toBeUndefined();
      // The failed renewal changed nothing: b still holds it until its own end.
      expect(await store.acquireLease(NAME, "a", T0 + 1_599, 100)).toBeUndefined();
      expect((await store.acquireLease(NAME, "a", T0 + 1_600, 100))?.token).toBe(3);
      expect(await store.renewLease({ name: "never", token: 1 }, T0, 100)).toBeUndefined();
    });

    it("is given back only by the token that holds it, and then taken with the next token", async () => {
      await store.acquireLease(NAME, "a", T0, 100);
      const b = await store.acquireLease(NAME, "b", T0 + 100, 1_000);
      expect(b?.token).toBe(2);
      // a's late release, of a term that is over, leaves b's lease alone.
      await store.releaseLease({ name: NAME, token: 1 });
      expect(await store.acquireLease(NAME, "c", T0 + 200, 100)).toBeUndefined();

      await store.releaseLease({ name: NAME, token: 2 });
      // A lease given back is free, and tokens never start again: a paused holder of token 1
      // must never pass the fence of the next holder.
      expect(await store.acquireLease(NAME, "c", T0 + 200, 100)).toStrictEqual({
        name: NAME,
        holder: "c",
        token: 3,
        untilMs: T0 + 300,
      });
      await store.releaseLease({ name: "nothing", token: 1 });
    });

    it("gives a lease to exactly one of several racing holders", async () => {
      const holders = ["a", "b", "c", "d"];
      const got = await Promise.all(holders.map((holder) => store.acquireLease(NAME, holder, T0, 1_000)));
      const winners = got.filter((lease) => lease !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.token).toBe(1);
    });
  });
}
