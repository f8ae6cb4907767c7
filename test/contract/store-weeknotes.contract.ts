import { beforeEach, describe, expect, it } from "vitest";
import type { Store, WeeknoteKey } from "../../src/ports/store.ts";
import {
  type CurrentStore,
  expectBotError,
  makeDocument,
  makeRevision,
  OTHER_WS,
  T0,
  WS,
} from "./store-fixtures.ts";

/** Draft revisions, decisions and listing of weeknotes: part of describeStoreContract. */
export function weeknoteContract(current: CurrentStore): void {
  describe("weeknotes", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });
    const key: WeeknoteKey = { workspace: WS, team: "bins", week: "2026-W13" };

    it("goes draft rev 1 → rev 2 → approved, then takes no more revisions", async () => {
      const rev1 = makeRevision(key.week, { createdAtMs: T0 });
      const created = await store.saveDraftRevision(key, rev1);
      expect(created).toStrictEqual({
        ...key,
        status: "draft",
        revisions: [{ ...rev1, number: 1 }],
        approval: undefined,
        review: undefined,
        published: undefined,
      });

      const rev2 = makeRevision(key.week, {
        origin: "llm",
        model: "claude-test",
        promptVersion: "sha256:abc",
        document: makeDocument(key.week, "weeknotes 2026-W13 — ゴミ収集 — تدريب"),
        markdown: "# weeknotes 2026-W13 — ゴミ収集 — تدريب\n\n👩‍💻\n",
        highlightIds: ["C100/1700000000.000100", "C200/1700000000.000200"],
        createdAtMs: T0 + 60_000,
      });
      const second = await store.saveDraftRevision(key, rev2);
      expect(second.status).toBe("draft");
      expect(second.revisions).toStrictEqual([
        { ...rev1, number: 1 },
        { ...rev2, number: 2 },
      ]);
      expect(await store.getWeeknote(key)).toStrictEqual(second);

      const approved = await store.decideWeeknote(key, {
        status: "approved",
        by: "U7",
        atMs: T0 + 120_000,
      });
      expect(approved?.status).toBe("approved");
      expect(approved?.approval).toEqual({ by: "U7", revision: 2, atMs: T0 + 120_000 });
      expect(approved?.revisions.map((r) => r.number)).toEqual([1, 2]);

      const human = makeRevision(key.week, { origin: "human", author: "U8" });
      await expectBotError(store.saveDraftRevision(key, human), "weeknote.bad_transition");
      expect(await store.decideWeeknote(key, { status: "skipped", by: "U8", atMs: T0 })).toBeUndefined();
      expect(await store.getWeeknote(key)).toStrictEqual(approved);

      const listed = await store.listWeeknotes({ workspace: WS, team: key.team, limit: 10 });
      expect(listed).toStrictEqual([{ ...approved, revisions: [{ ...rev2, number: 2 }] }]);
    });

    it("skips a draft, recording who decided, and then takes no more revisions", async () => {
      await store.saveDraftRevision(key, makeRevision(key.week));
      const skipped = await store.decideWeeknote(key, { status: "skipped", by: "U7", atMs: T0 });
      expect(skipped?.status).toBe("skipped");
      // Weeknote.approval: "Set once approved or skipped: who decided, on which revision, when".
      expect(skipped?.approval).toEqual({ by: "U7", revision: 1, atMs: T0 });
      await expectBotError(store.saveDraftRevision(key, makeRevision(key.week)), "weeknote.bad_transition");
      expect((await store.getWeeknote(key))?.revisions).toHaveLength(1);
    });

    it("lets exactly one of two racing decisions win", async () => {
      await store.saveDraftRevision(key, makeRevision(key.week));
      const results = await Promise.all([
        store.decideWeeknote(key, { status: "approved", by: "U1", atMs: T0 }),
        store.decideWeeknote(key, { status: "skipped", by: "U2", atMs: T0 + 1 }),
      ]);
      const winners = results.filter((result) => result !== undefined);
      expect(winners).toHaveLength(1);
      expect((await store.getWeeknote(key))?.status).toBe(winners[0]?.status);
    });

    it("numbers revisions per weeknote and keeps workspaces and teams apart", async () => {
      const otherTeam = { ...key, team: "roads" };
      const otherWorkspace = { ...key, workspace: OTHER_WS };
      await store.saveDraftRevision(key, makeRevision(key.week));
      await store.saveDraftRevision(key, makeRevision(key.week));
      const roads = await store.saveDraftRevision(otherTeam, makeRevision(key.week));
      expect(roads.revisions.map((r) => r.number)).toEqual([1]);

      await store.saveDraftRevision(otherWorkspace, makeRevision(key.week));
      await store.decideWeeknote(key, { status: "approved", by: "U1", atMs: T0 });
      expect((await store.getWeeknote(otherWorkspace))?.status).toBe("draft");
      const more = await store.saveDraftRevision(otherWorkspace, makeRevision(key.week));
      expect(more.revisions.map((r) => r.number)).toEqual([1, 2]);
      expect(await store.listWeeknotes({ workspace: OTHER_WS, team: "bins", limit: 10 })).toHaveLength(1);
    });

    it("lists a team's weeknotes newest week first with only their latest revision", async () => {
      const at = (week: string): WeeknoteKey => ({ workspace: WS, team: "bins", week });
      await store.saveDraftRevision(at("2026-W11"), makeRevision("2026-W11"));
      await store.decideWeeknote(at("2026-W11"), { status: "skipped", by: "U1", atMs: T0 });
      await store.saveDraftRevision(at("2026-W13"), makeRevision("2026-W13"));
      await store.decideWeeknote(at("2026-W13"), { status: "approved", by: "U1", atMs: T0 });
      await store.saveDraftRevision(at("2025-W52"), makeRevision("2025-W52"));
      for (const markdown of ["one", "two", "three"]) {
        await store.saveDraftRevision(at("2026-W12"), makeRevision("2026-W12", { markdown }));
      }
      await store.saveDraftRevision({ ...at("2026-W14"), team: "roads" }, makeRevision("2026-W14"));

      const listed = await store.listWeeknotes({ workspace: WS, team: "bins", limit: 10 });
      expect(listed.map((w) => [w.week, w.status])).toEqual([
        ["2026-W13", "approved"],
        ["2026-W12", "draft"],
        ["2026-W11", "skipped"],
        ["2025-W52", "draft"],
      ]);
      for (const weeknote of listed) {
        expect(weeknote.revisions).toHaveLength(1);
      }
      expect(listed[1]?.revisions[0]?.number).toBe(3);
      expect(listed[1]?.revisions[0]?.markdown).toBe("three");

      const two = await store.listWeeknotes({ workspace: WS, team: "bins", limit: 2 });
      expect(two.map((w) => w.week)).toEqual(["2026-W13", "2026-W12"]);
      expect(await store.listWeeknotes({ workspace: WS, team: "nobody", limit: 10 })).toEqual([]);
    });

    it("refuses an invalid revision and stores nothing", async () => {
      const badDocument = makeRevision(key.week, {
        document: { ...makeDocument(key.week), title: "" },
      });
      await expectBotError(store.saveDraftRevision(key, badDocument), "store.invalid");
      const wrongWeek = makeRevision(key.week, { document: makeDocument("2026-W12") });
      await expectBotError(store.saveDraftRevision(key, wrongWeek), "store.invalid");
      await expectBotError(
        store.saveDraftRevision({ ...key, week: "2026-13" }, makeRevision(key.week)),
        "store.invalid",
      );
      expect(await store.getWeeknote(key)).toBeUndefined();
    });

    it("returns undefined for an unknown weeknote", async () => {
      expect(await store.getWeeknote(key)).toBeUndefined();
      expect(await store.getWeeknote({ ...key, workspace: OTHER_WS })).toBeUndefined();
      expect(await store.decideWeeknote(key, { status: "approved", by: "U1", atMs: T0 })).toBeUndefined();
    });

    it("decides on a given revision only while it is still the latest", async () => {
      await store.saveDraftRevision(key, makeRevision(key.week, { markdown: "one" }));
      await store.saveDraftRevision(key, makeRevision(key.week, { markdown: "two" }));
      const stale = { status: "approved", by: "U7", atMs: T0, revision: 1 } as const;
      expect(await store.decideWeeknote(key, stale)).toBeUndefined();
      expect((await store.getWeeknote(key))?.status).toBe("draft");
      expect(await store.decideWeeknote(key, { ...stale, revision: 3 })).toBeUndefined();

      const approved = await store.decideWeeknote(key, { ...stale, revision: 2, atMs: T0 + 5 });
      expect(approved?.status).toBe("approved");
      expect(approved?.approval).toEqual({ by: "U7", revision: 2, atMs: T0 + 5 });
      expect(await store.decideWeeknote(key, { ...stale, revision: 2 })).toBeUndefined();
    });

    it("lets a revision added first make a racing decision on the older one lose", async () => {
      await store.saveDraftRevision(key, makeRevision(key.week));
      const [revised, decided] = await Promise.all([
        store.saveDraftRevision(key, makeRevision(key.week, { origin: "human", author: "U8" })),
        store.decideWeeknote(key, { status: "approved", by: "U7", atMs: T0, revision: 1 }),
      ]);
      const final = await store.getWeeknote(key);
      // Whichever came first, the note is never approved on a revision that is not its latest.
      if (decided === undefined) {
        expect(revised.revisions).toHaveLength(2);
        expect(final?.status).toBe("draft");
      } else {
        expect(final?.approval?.revision).toBe(final?.revisions.length);
      }
    });

    it("records the review message and, once approved, where it was published", async () => {
      const review1 = { platform: "slack", conversationId: "C900", messageId: "1700000100.000100" } as const;
      const review2 = { ...review1, messageId: "1700000200.000200" };
      const published = {
        platform: "slack",
        conversationId: "C901",
        messageId: "1700000300.000300",
      } as const;
      await store.saveDraftRevision(key, makeRevision(key.week));
      await store.setReviewMessage(key, review1);
      const reviewed = await store.getWeeknote(key);
      expect(reviewed?.review).toStrictEqual(review1);
      expect(reviewed?.published).toBeUndefined();

      await store.setReviewMessage(key, review2);
      expect((await store.getWeeknote(key))?.review).toStrictEqual(review2);

      await expectBotError(
        store.setPublished(key, { ...published, messageId: "1.000001" }),
        "weeknote.bad_transition",
      );
      const approved = await store.decideWeeknote(key, { status: "approved", by: "U7", atMs: T0 });
      expect(approved?.review).toStrictEqual(review2);
      await store.setPublished(key, published);

      const after = await store.getWeeknote(key);
      expect(after?.published).toStrictEqual(published);
      expect(after?.status).toBe("approved");
      const [listed] = await store.listWeeknotes({ workspace: WS, team: key.team, limit: 1 });
      expect(listed?.review).toStrictEqual(review2);
      expect(listed?.published).toStrictEqual(published);
    });

    it("keeps a Teams review message with its own ids", async () => {
      const ref = {
        platform: "teams",
        conversationId: "19:abc@thread.tacv2;messageid=1712345678901",
        messageId: "1:1AbCdEf_activity-id",
      } as const;
      await store.saveDraftRevision(key, makeRevision(key.week));
      await store.setReviewMessage(key, ref);
      expect((await store.getWeeknote(key))?.review).toStrictEqual(ref);
    });

    it("refuses to record messages of an unknown weeknote", async () => {
      const ref = { platform: "slack", conversationId: "C900", messageId: "1700000100.000100" } as const;
      await expectBotError(store.setReviewMessage(key, ref), "weeknote.not_found");
      await expectBotError(store.setPublished(key, ref), "weeknote.not_found");
      expect(await store.getWeeknote(key)).toBeUndefined();
    });
  });
}
