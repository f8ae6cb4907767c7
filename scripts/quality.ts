/**
 * `npm run quality`: compiles the example export's week and the tagged weeks of every shared real
 * export (../shared/data/slack-exports, see SOURCES.md) through `weeknotes compile` (offline
 * summariser, nothing stored) and prints, per note, the figures of issue 9 item 6 as a Markdown
 * table, then what breaks the limits. Exits 1 when any note breaks one, so CI can run it.
 *
 *   npm run quality                 # the table and the problems
 *   npm run quality -- --show NAME  # also print the Markdown of the notes whose name contains NAME
 *   npm run quality -- --all-weeks  # every week with highlights of each export, not only the tagged ones
 */
import { everyTaggedWeek, type QualityCase, qualityCases } from "./quality/cases.ts";
import { compileCase } from "./quality/compile-case.ts";
import { measureNote, type NoteQuality, QUALITY_LIMITS, qualityProblems } from "./quality/measure.ts";

const args = process.argv.slice(2);
const showIndex = args.indexOf("--show");
const show = showIndex >= 0 ? args[showIndex + 1] : undefined;

const rows: string[] = [
  "| note | highlights | lines | words | FK grade | markup | md escapes | junk | channel themes | cited | left out | missing |",
  "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
];
const problems: string[] = [];
let cases: QualityCase[] = qualityCases();
if (args.includes("--all-weeks")) {
  // One emoji set and zone per export (its first tagged case), every week that has highlights.
  const firsts = cases.filter((c, i) => cases.findIndex((d) => d.export === c.export) === i);
  cases = (await Promise.all(firsts.map(everyTaggedWeek))).flat();
}
for (const c of cases) {
  const note = await compileCase(c);
  const q: NoteQuality = measureNote(note);
  rows.push(
    `| ${c.name} | ${q.highlights} | ${q.lines} | ${q.words} | ${q.fkGrade === undefined ? "n/a" : q.fkGrade.toFixed(1)} | ${q.markup.length} | ${q.markdownEscapes} | ${q.junk.length} | ${q.channelThemes.length} | ${q.cited} | ${q.leftOut} | ${q.missing.length} |`,
  );
  for (const problem of qualityProblems(q)) {
    problems.push(`- ${c.name}: ${problem}`);
  }
  if (show !== undefined && c.name.includes(show)) {
    process.stderr.write(`\n----- ${c.name} -----\n${note.markdown}\n`);
  }
}
process.stdout.write(`${rows.join("\n")}\n\n`);
process.stdout.write(
  `Limits: no leftover markup, no junk, no channel-name theme, every highlight cited or left out, at most ${QUALITY_LIMITS.lines} lines and ${QUALITY_LIMITS.words} words, FK grade at most ${QUALITY_LIMITS.fkGrade}.\n`,
);
if (problems.length > 0) {
  process.stdout.write(`\n${problems.length} problems:\n${problems.join("\n")}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write("\nEvery note keeps every limit.\n");
}
