import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.ts";
import {
  type CurrentStore,
  makeConversationReference,
  makeInstallation,
  OTHER_WS,
  T0,
  WS,
} from "./store-fixtures.ts";

/** Platform installations and conversation references: part of describeStoreContract. */
export function installationContract(current: CurrentStore): void {
  describe("installations", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("stores, replaces and deletes a workspace's installation", async () => {
      expect(await store.getInstallation("slack", WS)).toBeUndefined();
      const first = makeInstallation();
      await store.saveInstallation(first);
      expect(await store.getInstallation("slack", WS)).toStrictEqual(first);

      const again = makeInstallation({
        updatedAtMs: T0 + 1,
        data: { botUserId: "U0BOT2", note: "ré-installé 🎉" },
      });
      await store.saveInstallation(again);
      expect(await store.getInstallation("slack", WS)).toStrictEqual(again);

      expect(await store.deleteInstallation("slack", WS)).toBe(true);
      expect(await store.deleteInstallation("slack", WS)).toBe(false);
      expect(await store.getInstallation("slack", WS)).toBeUndefined();
    });

    it("keeps platforms and workspaces apart", async () => {
      const slack = makeInstallation();
      const teams = makeInstallation({ platform: "teams", data: { tenant: WS } });
      const other = makeInstallation({ workspace: OTHER_WS, data: {} });
      for (const installation of [slack, teams, other]) {
        await store.saveInstallation(installation);
      }
      expect(await store.getInstallation("slack", WS)).toStrictEqual(slack);
      expect(await store.getInstallation("teams", WS)).toStrictEqual(teams);
      expect(await store.getInstallation("slack", OTHER_WS)).toStrictEqual(other);
      expect(await store.deleteInstallation("teams", WS)).toBe(true);
      expect(await store.getInstallation("slack", WS)).toStrictEqual(slack);
    });

    it("keeps what it stored whatever the caller does to its objects afterwards", async () => {
      const given = makeInstallation();
      await store.saveInstallation(given);
      (given.data as Record<string, unknown>).botUserId = "changed";
      const got = await store.getInstallation("slack", WS);
      (got?.data as Record<string, unknown>).scopes = [];
      expect(await store.getInstallation("slack", WS)).toStrictEqual(makeInstallation());
    });
  });

  describe("conversation references", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("stores and replaces a conversation's reference", async () => {
      const first = makeConversationReference();
      expect(await store.getConversationReference("teams", WS, first.conversationId)).toBeUndefined();
      await store.saveConversationReference(first);
      expect(await store.getConversationReference("teams", WS, first.conversationId)).toStrictEqual(first);

      const later = makeConversationReference({
        reference: { ...first.reference, serviceUrl: "https://smba.trafficmanager.net/emea/" },
        updatedAtMs: T0 + 5,
      });
      await store.saveConversationReference(later);
      expect(await store.getConversationReference("teams", WS, first.conversationId)).toStrictEqual(later);
    });

    it("keys references by platform, workspace and conversation", async () => {
      const a = makeConversationReference();
      const b = makeConversationReference({ conversationId: "a:1DM-chat", reference: { dm: true } });
      const c = makeConversationReference({ workspace: OTHER_WS, reference: { other: true } });
      for (const reference of [a, b, c]) {
        await store.saveConversationReference(reference);
      }
      expect(await store.getConversationReference("teams", WS, a.conversationId)).toStrictEqual(a);
      expect(await store.getConversationReference("teams", WS, b.conversationId)).toStrictEqual(b);
      expect(await store.getConversationReference("teams", OTHER_WS, a.conversationId)).toStrictEqual(c);
      expect(await store.getConversationReference("slack", WS, a.conversationId)).toBeUndefined();
    });
  });
}
