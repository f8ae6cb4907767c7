import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.ts";
import { type CurrentStore, expectBotError, T0 } from "./store-fixtures.ts";

const NAME = "teams-sweep:00000000-0000-0000-0000-00000000t001:19:chan001@thread.tacv2";
const LINK =
  "https://graph.microsoft.com/v1.0/teams/fbe2bf47-16c8-47cf-b4a5-4b9b187c508b/channels/19:chan001@thread.tacv2/messages/delta?$deltatoken=aQdvS1VwGCSRxVmZ";

/** Sweep cursors (SweepCursorStore): part of describeStoreContract. */
export function cursorContract(current: CurrentStore): void {
  describe("sweep cursors", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("has no cursor until one is saved, then the latest saved under that name", async () => {
      expect(await store.getCursor(NAME)).toBeUndefined();
      await store.saveCursor(NAME, LINK, T0);
      expect(await store.getCursor(NAME)).toBe(LINK);
      await store.saveCursor(NAME, `${LINK}-next`, T0 + 1);
      expect(await store.getCursor(NAME)).toBe(`${LINK}-next`);
    });

    it("keeps names apart, exactly as given", async () => {
      await store.saveCursor(NAME, "a", T0);
      await store.saveCursor(`${NAME}2`, "b", T0);
      await store.saveCursor(NAME.toUpperCase(), "c", T0);
      expect(await store.getCursor(NAME)).toBe("a");
      expect(await store.getCursor(`${NAME}2`)).toBe("b");
      expect(await store.getCursor(NAME.toUpperCase())).toBe("c");
      expect(await store.getCursor(NAME.slice(0, -1))).toBeUndefined();
    });

    it("refuses an empty name or value, or a fractional time, and writes nothing", async () => {
      await expectBotError(store.saveCursor("", LINK, T0), "store.invalid");
      await expectBotError(store.saveCursor(NAME, "", T0), "store.invalid");
      await expectBotError(store.saveCursor(NAME, LINK, T0 + 0.5), "store.invalid");
      expect(await store.getCursor(NAME)).toBeUndefined();
      expect(await store.getCursor("")).toBeUndefined();
    });

    it("refuses calls once closed", async () => {
      await store.close();
      await expectBotError(store.getCursor(NAME), "store.unavailable");
      await expectBotError(store.saveCursor(NAME, LINK, T0), "store.unavailable");
    });
  });
}
