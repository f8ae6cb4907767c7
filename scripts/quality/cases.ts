import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is scripts/quality/cases.ts). */
export const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
/** The shared real exports (../shared/data/SOURCES.md), next to the repository. */
export const SHARED_EXPORTS = join(REPO, "../shared/data/slack-exports");

/** One note the quality report compiles: one export, one week, in one zone, tagged by `emoji`. */
export interface QualityCase {
  /** Short name for tables: `example 2026-W13`. */
  readonly name: string;
  /** The export folder. */
  readonly export: string;
  /** Week key, `2026-W13`. */
  readonly week: string;
  /** IANA zone of the week. */
  readonly zone: string;
  /** The `--emoji` list; undefined: the CLI's default map. */
  readonly emoji: string | undefined;
}

/**
 * The example export's week (examples/README.md) and the tagged weeks of the shared real exports:
 * the weeks and emoji test/e2e/slack-export-real.e2e.test.ts pins (chosen in SOURCES.md's notes as
 * each export's most reacted-to weeks, none of which uses `:star:`).
 */
export function qualityCases(): QualityCase[] {
  const example: QualityCase = {
    name: "example 2026-W13",
    export: join(REPO, "examples/slack-export"),
    week: "2026-W13",
    zone: "Europe/London",
    emoji: undefined,
  };
  const real = (folder: string, week: string, zone: string, emoji: readonly string[]): QualityCase => ({
    name: `${folder} ${week}`,
    export: join(SHARED_EXPORTS, folder),
    week,
    zone,
    emoji: emoji.join(","),
  });
  const shared = [
    real("rcwg-r-contributors", "2023-W35", "America/Chicago", [
      "+1",
      "heart",
      "raised_hands",
      "partyr",
      "tada",
    ]),
    real("rcwg-r-contributors", "2023-W37", "Asia/Tokyo", ["partyr", "es-ct", "heart", "raised_hands", "+1"]),
    real("muchimemo-jp", "2022-W27", "Asia/Tokyo", ["+1", "two_hearts", "heart"]),
    real("muchimemo-jp", "2022-W30", "Asia/Tokyo", [
      "two_hearts",
      "heart",
      "agree",
      "jake",
      "party_parrot",
      "+1",
    ]),
    real("houstondatavis", "2016-W28", "America/Chicago", ["+1", "clap"]),
    real("houstondatavis", "2016-W02", "America/Chicago", ["clap", "+1", "tada", "100"]),
  ];
  return [example, ...shared.filter((c) => existsSync(c.export))];
}

/** Whether the shared exports are there (they are outside the repository). */
export function haveSharedExports(): boolean {
  return existsSync(SHARED_EXPORTS);
}

/**
 * Every week of `c`'s export that has highlights for `c`'s emoji in `c`'s zone, as cases (the
 * wider sweep of `npm run quality -- --all-weeks`), oldest first.
 */
export async function everyTaggedWeek(c: QualityCase): Promise<QualityCase[]> {
  const { readExportHighlights } = await import("../../adapters/slack-export/read-export.ts");
  const { slackEmojiAliases } = await import("../../adapters/emoji/aliases.ts");
  const { EmojiSectionMap, parseEmojiOption } = await import("../../src/domain/sections.ts");
  const { formatWeekKey, weekOf } = await import("../../src/domain/week.ts");
  const aliases = slackEmojiAliases();
  const read = await readExportHighlights({
    path: c.export,
    // Every day file: the reader reads those dated near the window.
    window: {
      key: { year: 2000, week: 1 },
      zone: c.zone,
      startMs: Date.UTC(2000, 0, 1),
      endMs: Date.UTC(2100, 0, 1),
    },
    emoji: c.emoji === undefined ? EmojiSectionMap.defaults(aliases) : parseEmojiOption(c.emoji, aliases),
  });
  const weeks = [...new Set(read.highlights.map((h) => formatWeekKey(weekOf(h.postedAtMs, c.zone))))].sort();
  const folder = c.name.split(" ")[0] ?? c.name;
  return weeks.map((week) => ({ ...c, name: `${folder} ${week}`, week }));
}
