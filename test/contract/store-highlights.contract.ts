import { beforeEach, describe, expect, it } from "vitest";
import type { Section } from "../../src/domain/sections.ts";
import type { Store } from "../../src/ports/store.ts";
import {
  ALL_TIME,
  bytes,
  type CurrentStore,
  expectBotError,
  makeHighlight,
  OTHER_WS,
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
        tags: [
          { user: "U2", reaction: "clap::skin-tone-3", section: "thanks" },
          { user: "U3", reaction: "pray", section: "thanks" },
        ],
      });
      expect(await store.saveHighlights([latest])).toEqual({ inserted: 0, updated: 1 });

      const all = await store.listHighlights({ workspace: WS, ...ALL_TIME });
      expect(all).toStrictEqual([latest]);
      expect(await store.getHighlight(WS, first.channelId, first.ts)).toStrictEqual(latest);
    });

    it("counts an upsert of an identical row as updated, and mixed batches correctly", async () => {
      const a = makeHighlight({ ts: "1700000000.000100" });
      const b = makeHighlight({ ts: "1700000001.000200" });
      const c = makeHighlight({ ts: "1700000002.000300" });
      expect(await store.saveHighlights([a, b])).toEqual({ inserted: 2, updated: 0 });
      expect(await store.saveHighlights([a])).toEqual({ inserted: 0, updated: 1 });
      expect(await store.saveHighlights([{ ...b, text: "edited" }, c])).toEqual({
        inserted: 1,
        updated: 1,
      });
      expect(await store.saveHighlights([])).toEqual({ inserted: 0, updated: 0 });
    });

    it("keeps optional fields absent and present as given", async () => {
      const bare = makeHighlight({
        ts: "1700000003.000001",
        authorId: undefined,
        permalink: undefined,
        tags: [],
        private: true,
      });
      const reply = makeHighlight({ ts: "1700000004.000002", threadTs: "1700000003.000001" });
      await store.saveHighlights([bare, reply]);
      expect(await store.getHighlight(WS, bare.channelId, bare.ts)).toStrictEqual(bare);
      expect(await store.getHighlight(WS, reply.channelId, reply.ts)).toStrictEqual(reply);
    });

    it("keeps ts as the exact string it was given, trailing zeros and all", async () => {
      for (const ts of ["1460419262.000017", "1700000000.000100", "1700000000.100000"]) {
        await store.saveHighlights([makeHighlight({ ts })]);
        const got = await store.getHighlight(WS, "C100", ts);
        expect(typeof got?.ts).toBe("string");
        expect(got?.ts).toBe(ts);
        expect(got?.id).toBe(`C100/${ts}`);
      }
      // The same number written differently is a different message, never a numeric match.
      expect(await store.getHighlight(WS, "C100", "1700000000.0001")).toBeUndefined();
      expect(await store.getHighlight(WS, "C100", "1700000000.1")).toBeUndefined();
      const listed = await store.listHighlights({
        workspace: WS,
        fromMs: 0,
        toMs: Number.MAX_SAFE_INTEGER,
      });
      expect(listed.map((h) => h.ts)).toEqual([
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
          ts: `1700000000.${String(i).padStart(6, "0")}`,
          text,
          channelName: "общий-チャンネル",
          authorName: "Zoë Ødegård 👩🏽‍🔬",
          tags: [{ user: "U9", reaction: "タグ", section: "highlights" }],
        }),
      );
      await store.saveHighlights(saved);

      for (const highlight of saved) {
        const got = await store.getHighlight(WS, highlight.channelId, highlight.ts);
        expect(got?.text).toBe(highlight.text);
        expect(bytes(got?.text ?? "")).toBe(bytes(highlight.text));
        expect(got).toStrictEqual(highlight);
      }
      const listed = await store.listHighlights({
        workspace: WS,
        fromMs: 0,
        toMs: Number.MAX_SAFE_INTEGER,
      });
      expect(listed.map((h) => bytes(h.text))).toEqual(saved.map((h) => bytes(h.text)));
    });

    it("lists a window [from, to) oldest first, ties by channel then ts, optionally by channel", async () => {
      const from = T0;
      const to = T0 + 7 * 24 * 3600 * 1000;
      const at = (channelId: string, ts: string, postedAtMs: number) =>
        makeHighlight({ channelId, ts, postedAtMs, text: `${channelId} ${ts}` });
      const before = at("C1", "1.000001", from - 1);
      const atStart = at("C2", "2.000001", from);
      const tieC2 = at("C2", "3.000001", from + 10);
      const tieC1b = at("C1", "3.000002", from + 10);
      const tieC1a = at("C1", "3.000001", from + 10);
      const lastIn = at("C3", "4.000001", to - 1);
      const atEnd = at("C1", "5.000001", to);
      await store.saveHighlights([atEnd, tieC2, lastIn, before, tieC1b, atStart, tieC1a]);

      const listed = await store.listHighlights({ workspace: WS, fromMs: from, toMs: to });
      expect(listed).toStrictEqual([atStart, tieC1a, tieC1b, tieC2, lastIn]);

      const someChannels = await store.listHighlights({
        workspace: WS,
        fromMs: from,
        toMs: to,
        channelIds: ["C1", "C3", "C404"],
      });
      expect(someChannels).toStrictEqual([tieC1a, tieC1b, lastIn]);

      expect(await store.listHighlights({ workspace: WS, fromMs: from, toMs: to, channelIds: [] })).toEqual(
        [],
      );
      expect(await store.listHighlights({ workspace: WS, fromMs: to, toMs: to })).toEqual([]);
    });

    it("keeps workspaces apart", async () => {
      const mine = makeHighlight({ text: "mine" });
      const theirs = makeHighlight({ workspace: OTHER_WS, text: "theirs" });
      expect(await store.saveHighlights([mine, theirs])).toEqual({ inserted: 2, updated: 0 });

      expect(await store.getHighlight(WS, mine.channelId, mine.ts)).toStrictEqual(mine);
      expect(await store.getHighlight(OTHER_WS, mine.channelId, mine.ts)).toStrictEqual(theirs);
      const window = { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER };
      expect(await store.listHighlights({ workspace: WS, ...window })).toStrictEqual([mine]);
      expect(await store.listHighlights({ workspace: OTHER_WS, ...window })).toStrictEqual([theirs]);

      expect(await store.removeHighlight(WS, mine.channelId, mine.ts)).toBe(true);
      expect(await store.getHighlight(OTHER_WS, mine.channelId, mine.ts)).toStrictEqual(theirs);
    });

    it("removes a highlight, reporting whether there was one", async () => {
      const kept = makeHighlight({ ts: "1700000000.000001" });
      const gone = makeHighlight({ ts: "1700000000.000002" });
      await store.saveHighlights([kept, gone]);

      expect(await store.removeHighlight(WS, gone.channelId, gone.ts)).toBe(true);
      expect(await store.removeHighlight(WS, gone.channelId, gone.ts)).toBe(false);
      expect(await store.removeHighlight(WS, "C404", "1.000000")).toBe(false);
      expect(await store.getHighlight(WS, gone.channelId, gone.ts)).toBeUndefined();
      expect(await store.listHighlights({ workspace: WS, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER })).toEqual(
        [kept],
      );
      // Saving it again after removal inserts it afresh.
      expect(await store.saveHighlights([gone])).toEqual({ inserted: 1, updated: 0 });
    });

    it("saves nothing of a batch holding an invalid highlight", async () => {
      const existing = makeHighlight({ ts: "1700000000.000001", text: "original" });
      await store.saveHighlights([existing]);

      const update = { ...existing, text: "changed" };
      const fresh = makeHighlight({ ts: "1700000000.000002" });
      const invalid = makeHighlight({ ts: "1700000000.000003", section: "gossip" as Section });
      const error = await expectBotError(store.saveHighlights([update, fresh, invalid]));
      expect(error.retryable).toBe(false);

      expect(await store.getHighlight(WS, existing.channelId, existing.ts)).toStrictEqual(existing);
      expect(await store.getHighlight(WS, fresh.channelId, fresh.ts)).toBeUndefined();
      expect(await store.getHighlight(WS, invalid.channelId, invalid.ts)).toBeUndefined();
    });

    it("refuses a highlight whose ts is not a string or whose id is not its message's", async () => {
      const numericTs = { ...makeHighlight(), ts: 1700000000.0001 as unknown as string };
      await expectBotError(store.saveHighlights([numericTs]));
      await expectBotError(store.saveHighlights([makeHighlight({ id: "C100/other" })]));
      expect(await store.listHighlights({ workspace: WS, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER })).toEqual(
        [],
      );
    });

    it("returns undefined for an unknown highlight", async () => {
      expect(await store.getHighlight(WS, "C404", "1700000000.000100")).toBeUndefined();
    });
  });
}
