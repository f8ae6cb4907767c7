/**
 * The export reader on three real public Slack exports (see ../shared/data/SOURCES.md), checked
 * against a deliberately naive oracle: read every day file of every folder with plain fs and
 * JSON.parse, and apply the rules written out here, not the reader's helpers.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { slackEmojiAliases } from "../../adapters/emoji/aliases.ts";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import type { Highlight } from "../../src/domain/highlight.ts";
import { parseEmojiOption } from "../../src/domain/sections.ts";
import { type WeekWindow, weekWindow } from "../../src/domain/week.ts";
import { TempExports } from "../unit/slack-export-fixture.ts";

const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const EXPORTS = join(REPO, "../shared/data/slack-exports");
const HAVE_EXPORTS = existsSync(EXPORTS);
if (!HAVE_EXPORTS) {
  console.warn(
    `slack-export-real.e2e: SKIPPED every test: no real Slack exports at ${EXPORTS} ` +
      "(expected folders rcwg-r-contributors, muchimemo-jp and houstondatavis; see ../shared/data/SOURCES.md)",
  );
}

interface Case {
  readonly exportName: "rcwg-r-contributors" | "muchimemo-jp" | "houstondatavis";
  readonly year: number;
  readonly week: number;
  readonly zone: string;
  readonly emoji: readonly string[];
  /** Pinned, so the reader and the oracle cannot drift together unnoticed. */
  readonly expectedCount: number;
  readonly threadReplies: boolean;
}

const CASES: readonly Case[] = [
  // The week of the R Project Sprint 2023: the most reacted-to week of the copied data.
  {
    exportName: "rcwg-r-contributors",
    year: 2023,
    week: 35,
    zone: "America/Chicago",
    emoji: ["+1", "heart", "raised_hands", "partyr", "tada"],
    expectedCount: 69,
    threadReplies: true,
  },
  {
    exportName: "rcwg-r-contributors",
    year: 2023,
    week: 37,
    zone: "Asia/Tokyo",
    emoji: ["partyr", "es-ct", "heart", "raised_hands", "+1"],
    expectedCount: 24,
    threadReplies: true,
  },
  {
    exportName: "muchimemo-jp",
    year: 2022,
    week: 27,
    zone: "Asia/Tokyo",
    emoji: ["+1", "two_hearts", "heart"],
    expectedCount: 15,
    threadReplies: true,
  },
  {
    exportName: "muchimemo-jp",
    year: 2022,
    week: 30,
    zone: "Asia/Tokyo",
    emoji: ["two_hearts", "heart", "agree", "jake", "party_parrot", "+1"],
    expectedCount: 4,
    threadReplies: true,
  },
  {
    exportName: "houstondatavis",
    year: 2016,
    week: 28,
    zone: "America/Chicago",
    emoji: ["+1", "clap"],
    expectedCount: 10,
    threadReplies: false,
  },
  {
    exportName: "houstondatavis",
    year: 2016,
    week: 2,
    zone: "America/Chicago",
    emoji: ["clap", "+1", "tada", "100"],
    expectedCount: 4,
    threadReplies: false,
  },
];

// ---- The oracle: plain fs, plain JSON, the rules spelled out. ----

interface RawReaction {
  name: string;
}
interface RawMessage {
  ts: string;
  subtype?: string;
  text?: string;
  thread_ts?: string;
  reactions?: RawReaction[];
  file?: { reactions?: RawReaction[] };
  comment?: { reactions?: RawReaction[] };
}

const PEOPLE_SUBTYPES = ["thread_broadcast", "file_share", "file_comment", "me_message"];
const ALIASES: Readonly<Record<string, string[]>> = { "+1": ["+1", "thumbsup"], heart: ["heart"] };

/** Every (channel name, ts) that should be a highlight, with its raw message. */
function oracle(dir: string, window: WeekWindow, emoji: readonly string[]): Map<string, RawMessage> {
  const names = new Set(emoji.flatMap((name) => ALIASES[name] ?? [name]));
  const listed = JSON.parse(readFileSync(join(dir, "channels.json"), "utf8")) as {
    id: string;
    name: string;
  }[];
  const expected = new Map<string, RawMessage>();
  for (const folder of readdirSync(dir, { withFileTypes: true })) {
    if (!folder.isDirectory()) {
      continue;
    }
    const channel = listed.find((c) => c.name === folder.name || c.id === folder.name);
    const channelName = channel ? channel.name : folder.name;
    for (const file of readdirSync(join(dir, folder.name))) {
      if (!/^\d{4}-\d{2}-\d{2}\.json$/.test(file)) {
        continue;
      }
      const messages = JSON.parse(readFileSync(join(dir, folder.name, file), "utf8")) as RawMessage[];
      for (const m of messages) {
        if (m.subtype !== undefined && !PEOPLE_SUBTYPES.includes(m.subtype)) {
          continue;
        }
        const ms = Number(m.ts) * 1000;
        if (ms < window.startMs || ms >= window.endMs) {
          continue;
        }
        // 2015 exports keep reactions to a shared file on the file, and to a file comment on the comment.
        let reactions = m.reactions ?? [];
        if (m.subtype === "file_share" && reactions.length === 0) {
          reactions = m.file?.reactions ?? [];
        }
        if (m.subtype === "file_comment") {
          reactions = m.comment?.reactions ?? m.reactions ?? [];
        }
        if (reactions.some((r) => names.has(r.name.replace(/::skin-tone-\d$/, "")))) {
          expected.set(`${channelName}\t${m.ts}`, m);
        }
      }
    }
  }
  return expected;
}

const keyOf = (h: Highlight) => `${h.conversationName}\t${h.messageId}`;
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

const temp = new TempExports();
afterAll(() => temp.cleanup());

describe.skipIf(!HAVE_EXPORTS)("readExportHighlights on real Slack exports", () => {
  for (const c of CASES) {
    const label = `${c.exportName} ${c.year}-W${String(c.week).padStart(2, "0")} ${c.zone} :${c.emoji.join(": :")}:`;
    it(`finds exactly the oracle's highlights: ${label}`, async () => {
      const dir = join(EXPORTS, c.exportName);
      const window = weekWindow({ year: c.year, week: c.week }, c.zone);
      const emoji = parseEmojiOption(c.emoji.join(","), slackEmojiAliases());
      const result = await readExportHighlights({ path: dir, window, emoji });
      const expected = oracle(dir, window, c.emoji);

      const got = result.highlights.map(keyOf);
      expect(new Set(got).size).toBe(got.length);
      expect([...got].sort()).toEqual([...expected.keys()].sort());
      expect(got.length).toBe(c.expectedCount);

      const replies = result.highlights.filter((h) => h.threadId !== undefined);
      expect(replies.length > 0).toBe(c.threadReplies);
      for (const h of result.highlights) {
        const raw = expected.get(keyOf(h));
        expect(h.threadId).toBe(
          raw?.thread_ts !== undefined && raw.thread_ts !== raw.ts ? raw.thread_ts : undefined,
        );
        expect(h.postedAtMs).toBeGreaterThanOrEqual(window.startMs);
        expect(h.postedAtMs).toBeLessThan(window.endMs);
        expect(h.permalink).toBeUndefined();
        expect(h.private).toBe(false);
        expect(h.tags.length).toBeGreaterThan(0);
        // Text without markup comes out exactly as written; around emoji codes (which become
        // Unicode) every other piece of the text is kept as written.
        if (raw?.text && raw.subtype === undefined && !/[<>&]/.test(raw.text)) {
          expectSameAroundEmoji(h.text, raw.text);
        }
      }
      // Sorted by time.
      const times = result.highlights.map((h) => h.postedAtMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));

      // Real exports hold nothing the reader has to skip, and the dates span every day file.
      expect(result.stats.skipped).toEqual({ entries: 0, files: 0 });
      const dates = dayFileNames(dir).sort();
      expect(result.stats.days).toEqual({ first: dates[0]?.slice(0, 10), last: dates.at(-1)?.slice(0, 10) });
    });
  }

  it("muchimemo-jp: names id-named folders from channels.json and keeps Japanese intact", async () => {
    const dir = join(EXPORTS, "muchimemo-jp");
    const window = weekWindow({ year: 2022, week: 27 }, "Asia/Tokyo");
    const emoji = parseEmojiOption("+1,two_hearts,heart", slackEmojiAliases());
    const result = await readExportHighlights({ path: dir, window, emoji });
    const expected = oracle(dir, window, ["+1", "two_hearts", "heart"]);
    expect(result.workspace).toBe("T014MVD863E");
    for (const h of result.highlights) {
      expect(h.conversationId).toMatch(/^C0/);
      expect(h.conversationName).toMatch(JAPANESE);
    }
    expect(result.channels.map((c) => c.name)).toContain("雑談");
    const plainJapanese = result.highlights.filter((h) => {
      const raw = expected.get(keyOf(h))?.text ?? "";
      return JAPANESE.test(raw) && !/[<>&]/.test(raw);
    });
    expect(plainJapanese.length).toBeGreaterThan(5);
    for (const h of plainJapanese) {
      expectSameAroundEmoji(h.text, expected.get(keyOf(h))?.text ?? "");
      expect(h.authorName).not.toMatch(/^U0/);
    }

    // Only 雑談, by its Japanese name.
    const one = await readExportHighlights({ path: dir, window, emoji, channels: ["雑談"] });
    expect(one.highlights.map(keyOf).sort()).toEqual(
      [...expected.keys()].filter((k) => k.startsWith("雑談\t")).sort(),
    );
    expect(one.stats.filesRead).toBeLessThan(result.stats.filesRead);
  });

  it("muchimemo-jp: a zip of the export, wrapped in one folder, reads the same as the folder", async () => {
    const dir = join(EXPORTS, "muchimemo-jp");
    const window = weekWindow({ year: 2022, week: 27 }, "Asia/Tokyo");
    const emoji = parseEmojiOption("+1,two_hearts,heart", slackEmojiAliases());
    const fromFolder = await readExportHighlights({ path: dir, window, emoji });
    const zip = await temp.zipFolder(dir, "muchimemo-export/");
    const fromZip = await readExportHighlights({ path: zip, window, emoji });
    expect(fromZip).toEqual(fromFolder);
  });

  it("houstondatavis: legacy <@U…|name> mentions come out readable", async () => {
    const dir = join(EXPORTS, "houstondatavis");
    const seen: string[] = [];
    for (const c of CASES.filter((x) => x.exportName === "houstondatavis")) {
      const window = weekWindow({ year: c.year, week: c.week }, c.zone);
      const emoji = parseEmojiOption(c.emoji.join(","), slackEmojiAliases());
      const result = await readExportHighlights({ path: dir, window, emoji });
      const expected = oracle(dir, window, c.emoji);
      expect(result.workspace).toBe("T061A2UFL");
      for (const h of result.highlights) {
        expect(h.messageId).toMatch(/^\d{10}\.\d{6}$/);
        const raw = expected.get(keyOf(h))?.text ?? "";
        if (/<@U[A-Z0-9]+\|[^>]+>/.test(raw)) {
          seen.push(h.text);
          expect(h.text).not.toContain("<@");
          expect(h.text).toMatch(/@\w/);
        }
      }
    }
    expect(seen.length).toBeGreaterThan(0);
  });

  it("reads only the day files near the week", async () => {
    const dir = join(EXPORTS, "rcwg-r-contributors");
    const all = dayFileNames(dir);
    const window = weekWindow({ year: 2023, week: 35 }, "America/Chicago");
    const result = await readExportHighlights({ path: dir, window, emoji: parseEmojiOption("tada") });
    expect(result.stats.filesRead).toBeGreaterThan(0);
    expect(result.stats.filesRead).toBeLessThan(all.length / 2);
  });
});

/** The names of the day files in every folder of an export folder, with plain fs. */
function dayFileNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(dir, d.name)).filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f)));
}

const SHORTCODE = /:[a-z0-9_+'-]+:(?::skin-tone-[2-6]:)?/g;

/** `actual` equals `raw` when raw has no emoji codes; otherwise holds raw's other pieces, in order. */
function expectSameAroundEmoji(actual: string, raw: string): void {
  if (raw.match(SHORTCODE) === null) {
    expect(actual).toBe(raw);
    return;
  }
  let from = 0;
  for (const piece of raw.split(SHORTCODE)) {
    const at = actual.indexOf(piece, from);
    expect(at, `"${piece}" kept in "${actual}"`).toBeGreaterThanOrEqual(0);
    from = at + piece.length;
  }
}
