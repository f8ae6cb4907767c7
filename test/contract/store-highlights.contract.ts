import { beforeEach, describe, expect, it } from "vitest";
import type { Highlight } from "../../src/domain/highlight.ts";
import type { Section } from "../../src/domain/sections.ts";
import type { Store } from "../../src/ports/store.ts";
import {
  ALL_TIME,
  bytes,
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

/** Saving, reading, listing and removing highlights: part of describeStoreContract. */
export function highlightContract(current: CurrentStore): void {
  describe("highlights", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("saves the same message idempotently, keeping the latest text, section and tags", async () => {
      const first = makeHighlight({ text: "v1" });
      expect(await store.saveHighlights([first])).toEqual({ inserted: 1, updated: 0 });
      expect(await store.saveHighlights([{ ...first, text: "v2" }])).toEqual({ inserted: 0, updated: 1 });
      const latest = makeHighlight({
        text: "v3",
        section: "thanks",
        tags: [reactionTag("U2", "clap::skin-tone-3", "thanks"), reactionTag("U3", "pray", "thanks")],
      });
      expect(await store.saveHighlights([latest])).toEqual({ inserted: 0, updated: 1 });

      expect(await store.listHighlights({ workspace: WS, ...ALL_TIME })).toStrictEqual([latest]);
      expect(await store.getHighlight(WS, first.id)).toStrictEqual(latest);
    });

    it("counts an upsert of an identical row as updated, and mixed batches correctly", async () => {
      const a = makeHighlight({ messageId: "1700000000.000100" });
      const b = makeHighlight({ messageId: "1700000001.000200" });
      const c = makeHighlight({ messageId: "1700000002.000300" });
      expect(await store.saveHighlights([a, b])).toEqual({ inserted: 2, updated: 0 });
      expect(await store.saveHighlights([a])).toEqual({ inserted: 0, updated: 1 });
      expect(await store.saveHighlights([{ ...b, text: "edited" }, c])).toEqual({ inserted: 1, updated: 1 });
      expect(await store.saveHighlights([])).toEqual({ inserted: 0, updated: 0 });
    });

    it("keeps optional fields absent and present as given", async () => {
      const bare = makeHighlight({
        messageId: "1700000003.000001",
        authorId: undefined,
        permalink: undefined,
        tags: [],
        private: true,
      });
      const reply = makeHighlight({ messageId: "1700000004.000002", threadId: "1700000003.000001" });
      await store.saveHighlights([bare, reply]);
      expect(await store.getHighlight(WS, bare.id)).toStrictEqual(bare);
      expect(await store.getHighlight(WS, reply.id)).toStrictEqual(reply);
    });

    it("keeps typed text with no message id, for its team, apart from messages", async () => {
      const typed = makeTypedHighlight();
      const message = makeHighlight({ postedAtMs: T0 - 1 });
      expect(await store.saveHighlights([typed, message])).toEqual({ inserted: 2, updated: 0 });

      const got = await store.getHighlight(WS, "typed/Ev0001");
      expect(got).toStrictEqual(typed);
      expect(got?.messageId).toBeUndefined();
      expect(got?.threadId).toBeUndefined();
      expect(got?.team).toBe("bins");
      expect(await store.listHighlights({ workspace: WS, ...ALL_TIME })).toStrictEqual([message, typed]);
      expect(
        await store.listHighlights({ workspace: WS, ...ALL_TIME, conversationIds: [typed.conversationId] }),
      ).toStrictEqual([message, typed]);

      // Typed text takes tags like a message, and goes with its last one.
      const tagged = await store.addTag(WS, typed.id, reactionTag("U2", "clap", "thanks"));
      expect(tagged).toStrictEqual({ ...typed, tags: [...typed.tags, reactionTag("U2", "clap", "thanks")] });
      await store.removeTag(WS, typed.id, { user: "U2", reaction: "clap" });
      expect(await store.removeTag(WS, typed.id, { user: "U1", reaction: "add" })).toBeUndefined();
      expect(await store.getHighlight(WS, typed.id)).toBeUndefined();
    });

    it("keeps a Teams message with its own ids", async () => {
      const teams = makeHighlight({
        platform: "teams",
        workspace: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        conversationId: "19:abc@thread.tacv2",
        messageId: "1712345678901",
        threadId: "1712345600000",
        postedAtMs: 1_712_345_678_901,
        tags: [commandTag("29:1user")],
        permalink: undefined,
      });
      await store.saveHighlights([teams]);
      expect(teams.id).toBe("19:abc@thread.tacv2/1712345678901");
      expect(await store.getHighlight(teams.workspace, teams.id)).toStrictEqual(teams);
    });

    it("keeps a message id as the exact string it was given, trailing zeros and all", async () => {
      for (const messageId of ["1460419262.000017", "1700000000.000100", "1700000000.100000"]) {
        await store.saveHighlights([makeHighlight({ messageId })]);
        const got = await store.getHighlight(WS, `C100/${messageId}`);
        expect(got?.messageId).toBe(messageId);
        expect(got?.id).toBe(`C100/${messageId}`);
      }
      // The same number written differently is a different message, never a numeric match.
      expect(await store.getHighlight(WS, "C100/1700000000.0001")).toBeUndefined();
      expect(await store.getHighlight(WS, "C100/1700000000.1")).toBeUndefined();
      const listed = await store.listHighlights({ workspace: WS, ...ALL_TIME });
      expect(listed.map((h) => h.messageId)).toEqual([
        "1460419262.000017",
        "1700000000.000100",
        "1700000000.100000",
      ]);
    });

    it("keeps Unicode text byte for byte", async () => {
      // Single code points, so the message is exactly 40,000 of them; 👩 ZWJ 💻 still forms a sequence.
      const longUnit = ["日", "本", "🎉", "a", "\u200B", "ش", "👩", "\u200D", "💻"];
      const long = Array.from({ length: 40_000 }, (_, i) => longUnit[i % longUnit.length]).join("");
      const texts = [
        "今週は新しいごみ収集アプリを公開しました。ご協力ありがとうございます！",
        "تم إطلاق التطبيق الجديد 🎉 شكراً للفريق",
        "השקנו את האפליקציה החדשה \u200Fתודה לצוות\u200F",
        "Deploy \u202Eevil\u202C done \u2066עברית\u2069 and العربية mixed",
        "👩‍💻 👨‍👩‍👧‍👦 🏳️‍🌈 🧑🏽‍🚀 👍🏿 ❤️‍🔥 🇬🇧 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
        "zero\u200Bwidth\u200Cnon\u200Djoiner\u2060word\uFEFFjoiner\u00AD",
        "café and cafe\u0301 stay as they were",
        "  leading and trailing spaces, tabs\tand\nnewlines\r\n  ",
        long,
      ];
      expect([...long]).toHaveLength(40_000);
      const saved = texts.map((text, i) =>
        makeHighlight({
          messageId: `1700000000.${String(i).padStart(6, "0")}`,
          text,
          conversationName: "общий-チャンネル",
          authorName: "Zoë Ødegård 👩🏽‍🔬",
          tags: [reactionTag("U9", "タグ")],
        }),
      );
      await store.saveHighlights(saved);

      for (const highlight of saved) {
        const got = await store.getHighlight(WS, highlight.id);
        expect(bytes(got?.text ?? "")).toBe(bytes(highlight.text));
        expect(got).toStrictEqual(highlight);
      }
      const listed = await store.listHighlights({ workspace: WS, ...ALL_TIME });
      expect(listed.map((h) => bytes(h.text))).toEqual(saved.map((h) => bytes(h.text)));
    });

    it("lists a window [from, to) oldest first, ties by conversation then id, optionally by conversation", async () => {
      const from = T0;
      const to = T0 + 7 * 24 * 3600 * 1000;
      const at = (conversationId: string, messageId: string, postedAtMs: number) =>
        makeHighlight({ conversationId, messageId, postedAtMs, text: `${conversationId} ${messageId}` });
      const before = at("C1", "1.000001", from - 1);
      const atStart = at("C2", "2.000001", from);
      const tieC2 = at("C2", "3.000001", from + 10);
      const tieC1b = at("C1", "3.000002", from + 10);
      const tieC1a = at("C1", "3.000001", from + 10);
      const typedC1 = makeTypedHighlight({ id: "typed/zz", conversationId: "C1", postedAtMs: from + 10 });
      const lastIn = at("C3", "4.000001", to - 1);
      const atEnd = at("C1", "5.000001", to);
      await store.saveHighlights([atEnd, tieC2, lastIn, before, typedC1, tieC1b, atStart, tieC1a]);

      const listed = await store.listHighlights({ workspace: WS, fromMs: from, toMs: to });
      expect(listed).toStrictEqual([atStart, tieC1a, tieC1b, typedC1, tieC2, lastIn]);

      const some = await store.listHighlights({
        workspace: WS,
        fromMs: from,
        toMs: to,
        conversationIds: ["C1", "C3", "C404"],
      });
      expect(some).toStrictEqual([tieC1a, tieC1b, typedC1, lastIn]);
      const one = await store.listHighlights({
        workspace: WS,
        fromMs: from,
        toMs: to,
        conversationIds: ["C2"],
      });
      expect(one).toStrictEqual([atStart, tieC2]);

      expect(
        await store.listHighlights({ workspace: WS, fromMs: from, toMs: to, conversationIds: [] }),
      ).toEqual([]);
      expect(await store.listHighlights({ workspace: WS, fromMs: to, toMs: to })).toEqual([]);
      expect(
        await store.listHighlights({ workspace: OTHER_WS, fromMs: from, toMs: to, conversationIds: ["C1"] }),
      ).toEqual([]);
    });

    it("lists one team's highlights: typed text for it, the rest from its sources or everywhere, in order", async () => {
      const from = T0;
      const to = T0 + 7 * 24 * 3600 * 1000;
      const msg = (
        conversationId: string,
        messageId: string,
        postedAtMs: number,
        more: Partial<Highlight> = {},
      ) =>
        makeHighlight({
          conversationId,
          messageId,
          postedAtMs,
          text: `${conversationId} ${messageId}`,
          ...more,
        });
      const typed = (id: string, team: string, conversationId: string, postedAtMs: number) =>
        makeTypedHighlight({ id, team, conversationId, postedAtMs, text: id });
      // bins reads C1 and C2; roads reads C3.
      const c2First = msg("C2", "1.000001", from);
      const binsInC9 = typed("typed/bins-c9", "bins", "C9", from + 5);
      const roadsInC1 = typed("typed/roads-c1", "roads", "C1", from + 5);
      const c9 = msg("C9", "2.000001", from + 5);
      // One instant, both kinds, ties by conversation then id across them.
      const binsInC0 = typed("typed/bins-c0", "bins", "C0", from + 10);
      const c1b = msg("C1", "3.000002", from + 10);
      const c1a = msg("C1", "3.000001", from + 10, { private: true });
      const binsInC1 = typed("typed/bins-c1", "bins", "C1", from + 10);
      const c3 = msg("C3", "4.000001", from + 20);
      const c2Last = msg("C2", "5.000001", to - 1);
      const binsBefore = typed("typed/bins-before", "bins", "C1", from - 1);
      const c1AtEnd = msg("C1", "6.000001", to);
      const elsewhere = makeTypedHighlight({
        workspace: OTHER_WS,
        id: "typed/bins-other",
        postedAtMs: from + 1,
      });
      await store.saveHighlights([
        c1AtEnd,
        c3,
        binsInC1,
        elsewhere,
        c1a,
        roadsInC1,
        c2Last,
        binsBefore,
        c9,
        binsInC0,
        c1b,
        binsInC9,
        c2First,
      ]);
      const ids = async (team: { team: string; conversationIds: string[] }, conversationIds?: string[]) =>
        (
          await store.listHighlights({
            workspace: WS,
            fromMs: from,
            toMs: to,
            team,
            ...(conversationIds === undefined ? {} : { conversationIds }),
          })
        ).map((h) => h.id);

      // Typed text goes to its team wherever it was typed; private ones are left to the domain.
      expect(await ids({ team: "bins", conversationIds: ["C1", "C2"] })).toEqual([
        "C2/1.000001",
        "typed/bins-c9",
        "typed/bins-c0",
        "C1/3.000001",
        "C1/3.000002",
        "typed/bins-c1",
        "C2/5.000001",
      ]);
      expect(await ids({ team: "roads", conversationIds: ["C3"] })).toEqual([
        "typed/roads-c1",
        "C3/4.000001",
      ]);
      // No sources: every untyped highlight, and still only this team's typed text.
      expect(await ids({ team: "bins", conversationIds: [] })).toEqual([
        "C2/1.000001",
        "C9/2.000001",
        "typed/bins-c9",
        "typed/bins-c0",
        "C1/3.000001",
        "C1/3.000002",
        "typed/bins-c1",
        "C3/4.000001",
        "C2/5.000001",
      ]);
      expect(await ids({ team: "parks", conversationIds: ["C2", "C404"] })).toEqual([
        "C2/1.000001",
        "C2/5.000001",
      ]);
      // The query's own conversations still narrow both kinds.
      expect(await ids({ team: "bins", conversationIds: ["C1", "C2"] }, ["C9", "C1"])).toEqual([
        "typed/bins-c9",
        "C1/3.000001",
        "C1/3.000002",
        "typed/bins-c1",
      ]);
      expect(await ids({ team: "bins", conversationIds: [] }, ["C9"])).toEqual([
        "C9/2.000001",
        "typed/bins-c9",
      ]);
      expect(await ids({ team: "bins", conversationIds: ["C1"] }, [])).toEqual([]);

      // Whole highlights, as stored.
      expect(
        await store.listHighlights({
          workspace: WS,
          fromMs: from,
          toMs: to,
          team: { team: "roads", conversationIds: ["C3"] },
        }),
      ).toStrictEqual([roadsInC1, c3]);
      expect(
        await store.listHighlights({
          workspace: OTHER_WS,
          ...ALL_TIME,
          team: { team: "bins", conversationIds: ["C1"] },
        }),
      ).toStrictEqual([elsewhere]);
    });

    it("refuses an invalid team filter with store.invalid", async () => {
      const bad = [
        { team: "", conversationIds: ["C1"] },
        { team: "bins" },
        { team: "bins", conversationIds: "C1" },
        { team: 7, conversationIds: [] },
      ];
      for (const team of bad) {
        await expectBotError(
          store.listHighlights({ workspace: WS, ...ALL_TIME, team: team as never }),
          "store.invalid",
        );
      }
    });

    it("keeps workspaces apart", async () => {
      const mine = makeHighlight({ text: "mine" });
      const theirs = makeHighlight({ workspace: OTHER_WS, text: "theirs" });
      expect(await store.saveHighlights([mine, theirs])).toEqual({ inserted: 2, updated: 0 });

      expect(await store.getHighlight(WS, mine.id)).toStrictEqual(mine);
      expect(await store.getHighlight(OTHER_WS, mine.id)).toStrictEqual(theirs);
      expect(await store.listHighlights({ workspace: WS, ...ALL_TIME })).toStrictEqual([mine]);
      expect(await store.listHighlights({ workspace: OTHER_WS, ...ALL_TIME })).toStrictEqual([theirs]);

      expect(await store.removeHighlight(WS, mine.id)).toBe(true);
      expect(await store.getHighlight(OTHER_WS, mine.id)).toStrictEqual(theirs);
      expect(await store.updateHighlightText(WS, mine.id, "x")).toBe(false);
    });

    it("removes a highlight, reporting whether there was one", async () => {
      const kept = makeHighlight({ messageId: "1700000000.000001" });
      const gone = makeHighlight({ messageId: "1700000000.000002" });
      await store.saveHighlights([kept, gone]);

      expect(await store.removeHighlight(WS, gone.id)).toBe(true);
      expect(await store.removeHighlight(WS, gone.id)).toBe(false);
      expect(await store.removeHighlight(WS, "C404/1.000000")).toBe(false);
      expect(await store.getHighlight(WS, gone.id)).toBeUndefined();
      expect(await store.listHighlights({ workspace: WS, ...ALL_TIME })).toEqual([kept]);
      // Saving it again after removal inserts it afresh.
      expect(await store.saveHighlights([gone])).toEqual({ inserted: 1, updated: 0 });
    });

    it("saves nothing of a batch holding an invalid highlight", async () => {
      const existing = makeHighlight({ messageId: "1700000000.000001", text: "original" });
      await store.saveHighlights([existing]);

      const update = { ...existing, text: "changed" };
      const fresh = makeHighlight({ messageId: "1700000000.000002" });
      const invalid = makeHighlight({ messageId: "1700000000.000003", section: "gossip" as Section });
      const error = await expectBotError(store.saveHighlights([update, fresh, invalid]), "store.invalid");
      expect(error.retryable).toBe(false);

      expect(await store.getHighlight(WS, existing.id)).toStrictEqual(existing);
      expect(await store.getHighlight(WS, fresh.id)).toBeUndefined();
      expect(await store.getHighlight(WS, invalid.id)).toBeUndefined();
    });

    it("refuses ids that do not match the message, threads of typed text and a team on a message", async () => {
      const numeric = { ...makeHighlight(), messageId: 1700000000.0001 as unknown as string };
      const refused: Highlight[] = [
        numeric,
        makeHighlight({ id: "C100/other" }),
        makeTypedHighlight({ threadId: "1700000000.000100" }),
        makeHighlight({ team: "bins" }),
        makeHighlight({ platform: "irc" as Highlight["platform"] }),
        makeHighlight({
          tags: [{ user: "U1", reaction: "star", section: "highlights" } as Highlight["tags"][0]],
        }),
      ];
      for (const highlight of refused) {
        await expectBotError(store.saveHighlights([highlight]), "store.invalid");
      }
      expect(await store.listHighlights({ workspace: WS, ...ALL_TIME })).toEqual([]);
    });

    it("keeps what it stored whatever the caller does to its objects afterwards", async () => {
      const given = makeHighlight({ tags: [reactionTag("U2")] });
      await store.saveHighlights([given]);
      (given as { text: string }).text = "changed by the caller";
      (given.tags as Highlight["tags"][0][]).push(reactionTag("U3"));
      const got = await store.getHighlight(WS, given.id);
      (got as { text: string }).text = "changed again";
      expect(await store.getHighlight(WS, given.id)).toStrictEqual(
        makeHighlight({ tags: [reactionTag("U2")] }),
      );
    });

    it("returns undefined for an unknown highlight", async () => {
      expect(await store.getHighlight(WS, "C404/1700000000.000100")).toBeUndefined();
      expect(await store.getHighlight(WS, "typed/nobody")).toBeUndefined();
    });
  });
}
