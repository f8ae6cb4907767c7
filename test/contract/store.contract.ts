import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotError, type BotErrorCode, isBotError } from "../../src/domain/errors.ts";
import { type Highlight, highlightId, slackTsToMs } from "../../src/domain/highlight.ts";
import type { Section } from "../../src/domain/sections.ts";
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";
import type { NewRevision, Store, WeeknoteKey } from "../../src/ports/store.ts";

const WS = "T0001";
const OTHER_WS = "T0002";
const T0 = 1_700_000_000_000;

/** A valid highlight; `id` and `postedAtMs` follow `channelId` and `ts` unless given. */
export function makeHighlight(overrides: Partial<Highlight> = {}): Highlight {
  const channelId = overrides.channelId ?? "C100";
  const ts = overrides.ts ?? "1700000000.000100";
  return {
    workspace: WS,
    channelName: "general",
    private: false,
    postedAtMs: slackTsToMs(ts),
    authorId: "U1",
    authorName: "Ada",
    text: "Shipped the bins app",
    section: "highlights",
    tags: [{ user: "U2", reaction: "star" }],
    permalink: `https://example.slack.com/archives/${channelId}/p${ts.replace(".", "")}`,
    threadTs: undefined,
    ...overrides,
    id: overrides.id ?? highlightId(channelId, ts),
    channelId,
    ts,
  };
}

/** A valid weeknote document for `week`. */
export function makeDocument(week: string, title = `weeknotes ${week} — bins go digital`): WeeknoteDocument {
  return {
    week,
    title,
    themes: ["bins go digital"],
    intro: "A busy week — 今週は忙しかった.",
    sections: [
      {
        section: "highlights",
        heading: "Highlights",
        items: [{ text: "Bins app shipped 🎉", authors: ["Ada"], highlightIds: ["C100/1700000000.000100"] }],
      },
    ],
    intoNextWeek: [{ text: "Cyber drill", authors: [], highlightIds: [] }],
    footer: "offline summariser v1, 1 highlight",
  };
}

/** A valid revision to add for `week`. */
export function makeRevision(week: string, overrides: Partial<NewRevision> = {}): NewRevision {
  return {
    origin: "offline",
    model: undefined,
    promptVersion: "offline-1",
    highlightIds: ["C100/1700000000.000100"],
    document: makeDocument(week),
    markdown: `# weeknotes ${week}\n\n- Bins app shipped 🎉\n`,
    author: undefined,
    createdAtMs: T0,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected the call to be rejected"),
    (error: unknown) => error,
  );
}

async function expectBotError(promise: Promise<unknown>, code?: BotErrorCode): Promise<BotError> {
  const error = await rejection(promise);
  expect(isBotError(error), `expected a BotError, got ${String(error)}`).toBe(true);
  if (code !== undefined) {
    expect((error as BotError).code).toBe(code);
  }
  return error as BotError;
}

function bytes(text: string): string {
  return Buffer.from(text, "utf8").toString("hex");
}

/**
 * The behaviour every {@link Store} must have (SPEC §7). `open` must return a new, empty store each
 * time it is called (a fresh file, database or collection prefix); each test closes the store it
 * opened.
 */
export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    describe("highlights", () => {
      it("saves the same message idempotently, keeping the latest text, section and tags", async () => {
        const first = makeHighlight({ text: "v1" });
        expect(await store.saveHighlights([first])).toEqual({ inserted: 1, updated: 0 });
        expect(await store.saveHighlights([{ ...first, text: "v2" }])).toEqual({ inserted: 0, updated: 1 });
        const latest = makeHighlight({
          text: "v3",
          section: "thanks",
          tags: [
            { user: "U2", reaction: "clap::skin-tone-3" },
            { user: "U3", reaction: "pray" },
          ],
        });
        expect(await store.saveHighlights([latest])).toEqual({ inserted: 0, updated: 1 });

        const all = await store.listHighlights({ workspace: WS, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER });
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
            tags: [{ user: "U9", reaction: "タグ" }],
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
        expect(
          await store.listHighlights({ workspace: WS, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }),
        ).toEqual([kept]);
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
        expect(
          await store.listHighlights({ workspace: WS, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }),
        ).toEqual([]);
      });

      it("returns undefined for an unknown highlight", async () => {
        expect(await store.getHighlight(WS, "C404", "1700000000.000100")).toBeUndefined();
      });
    });

    describe("weeknotes", () => {
      const key: WeeknoteKey = { workspace: WS, team: "bins", week: "2026-W13" };

      it("goes draft rev 1 → rev 2 → approved, then takes no more revisions", async () => {
        const rev1 = makeRevision(key.week, { createdAtMs: T0 });
        const created = await store.saveDraftRevision(key, rev1);
        expect(created).toStrictEqual({
          ...key,
          status: "draft",
          revisions: [{ ...rev1, number: 1 }],
          approval: undefined,
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

      it("skips a draft without an approval, and then takes no more revisions", async () => {
        await store.saveDraftRevision(key, makeRevision(key.week));
        const skipped = await store.decideWeeknote(key, { status: "skipped", by: "U7", atMs: T0 });
        expect(skipped?.status).toBe("skipped");
        expect(skipped?.approval).toBeUndefined();
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
        await expectBotError(store.saveDraftRevision(key, badDocument));
        const wrongWeek = makeRevision(key.week, { document: makeDocument("2026-W12") });
        await expectBotError(store.saveDraftRevision(key, wrongWeek));
        expect(await store.getWeeknote(key)).toBeUndefined();
      });

      it("returns undefined for an unknown weeknote", async () => {
        expect(await store.getWeeknote(key)).toBeUndefined();
        expect(await store.getWeeknote({ ...key, workspace: OTHER_WS })).toBeUndefined();
        expect(await store.decideWeeknote(key, { status: "approved", by: "U1", atMs: T0 })).toBeUndefined();
      });
    });
  });
}
