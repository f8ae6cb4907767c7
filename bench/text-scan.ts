// bench/text-scan: every function that scans chat text, on 40,000-character adversarial inputs
// (Slack's longest message): unbroken runs of letters, digits, Cyrillic, `<`, `:`, `&`, `)`,
// e-mail-like chains, base64 and more, the same inputs as test/unit/text-linear.unit.test.ts. For
// each function it prints the worst time over all inputs (best of 3 runs each), that time per KB,
// the floor (one linear pass over the same string: a charCodeAt loop, measured in the same run)
// and the ratio to it; and the same function on the same input at twice the length, 80,000
// characters: linear work takes about 2× as long there, quadratic 4×. (Between 4,000 and 40,000
// characters V8's young-generation garbage collector and string builders change regime, so
// a 40k/4k ratio says little; the doubling above 40k does.) Issue 12 asks that no text scan hold
// the event loop for more than about 50 ms.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { slackEmojiAliases, slackEmojiUnicode } from "../adapters/emoji/aliases.ts";
import { splitMrkdwn } from "../adapters/slack/blocks.ts";
import { escapeSlackMrkdwn, escapeSlackText } from "../adapters/slack/escape.ts";
import { decodeSlackText } from "../adapters/slack/mrkdwn.ts";
import { isRtlDominant, linkPieces, showBidiControls, splitLine } from "../adapters/teams/card-text.ts";
import { htmlToText } from "../adapters/teams/html-text.ts";
import { firstGraphemes, graphemesOf } from "../src/domain/graphemes.ts";
import { redactPii } from "../src/domain/redact.ts";
import { EmojiSectionMap, normaliseEmojiName } from "../src/domain/sections.ts";

const LENGTH = 40_000;
const WARM_UP = 4_000;
const DOUBLE = 80_000;

/** `unit` repeated to exactly `length` characters. */
function run(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** `length` characters of base64 from a fixed pseudo-random sequence (xorshift32). */
function base64(length: number): string {
  const bytes = Buffer.alloc(length);
  let x = 2_463_534_242;
  for (let i = 0; i < length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes.toString("base64").slice(0, length);
}

/** The adversarial inputs at `length` characters, plus ordinary prose to compare with. */
function inputs(length: number): Record<string, string> {
  return {
    prose: run(
      "Shipped the bins booking form :tada: thanks <@U0ALICE01> & team, see https://x.test/a. ",
      length,
    ),
    letters: run("a", length),
    digits: run("1", length),
    cyrillic: run("я", length),
    "<": run("<", length),
    ":": run(":", length),
    "&": run("&", length),
    ")": run(")", length),
    "a.a.a…@": `${run("a.", length - 1)}@`,
    "a@a.a@a.": run("a@a.", length),
    base64: base64(length),
    spaces: run(" ", length),
    "<a": run("<a", length),
    ":a": run(":a", length),
    "&amp;": run("&amp;", length),
    "+44": run("+44", length),
    "0 0 0": run("0 ", length),
    "combining marks": `a${run("\u0301", length - 1)}`,
    "ZWJ emoji": run("👩‍💻", length),
    "U+FFFD": run("\uFFFD", length),
    "URL then )": `https://x.test/${run(")", length - 15)}`,
  };
}

const aliases = slackEmojiAliases();
const emojiMap = EmojiSectionMap.defaults(aliases);
const names = { userName: () => "Alice", channelName: () => "general", emoji: slackEmojiUnicode() };

/** The functions, each on plain chat text (splitMrkdwn on the escaped text it is given in use). */
const FUNCTIONS: readonly [string, (text: string) => unknown][] = [
  ["redactPii (src/domain/redact.ts)", redactPii],
  ["decodeSlackText (adapters/slack/mrkdwn.ts)", (text) => decodeSlackText(text, names)],
  ["escapeSlackText (adapters/slack/escape.ts)", escapeSlackText],
  ["escapeSlackMrkdwn (adapters/slack/escape.ts)", escapeSlackMrkdwn],
  ["splitMrkdwn, 3,000 (adapters/slack/blocks.ts)", (text) => splitMrkdwn(escapeSlackMrkdwn(text), 3000)],
  [
    "graphemesOf, whole walk (src/domain/graphemes.ts)",
    (text) => {
      let n = 0;
      for (const _ of graphemesOf(text)) n += 1;
      return n;
    },
  ],
  ["firstGraphemes, 200 (src/domain/graphemes.ts)", (text) => firstGraphemes(text, 200)],
  [
    "normaliseEmojiName + sectionOf (src/domain/sections.ts)",
    (text) => emojiMap.sectionOf(normaliseEmojiName(text)),
  ],
  [
    "emoji alias + Unicode lookup (adapters/emoji/aliases.ts)",
    (text) => names.emoji(aliases.canonical(text), 3),
  ],
  ["htmlToText (adapters/teams/html-text.ts)", htmlToText],
  ["showBidiControls (adapters/teams/card-text.ts)", showBidiControls],
  ["isRtlDominant (adapters/teams/card-text.ts)", (text) => isRtlDominant([text])],
  ["linkPieces (adapters/teams/card-text.ts)", linkPieces],
  ["splitLine, 2,000 bytes (adapters/teams/card-text.ts)", (text) => splitLine(text, 2000)],
];

/** The floor: one linear pass over the string, reading every code unit. */
function linearPass(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i += 1) {
    sum = (sum + text.charCodeAt(i)) | 0;
  }
  return sum;
}

function bestOf(times: number, work: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

export interface TextScanRow {
  readonly name: string;
  readonly worstInput: string;
  readonly worstMs: number;
  readonly msPerKb: number;
  readonly floorMs: number;
  readonly ratio: number;
  readonly doubleMs: number;
  readonly growth: number;
}

export async function benchTextScan(): Promise<TextScanRow[]> {
  const large = inputs(LENGTH);
  const small = inputs(WARM_UP);
  const double = inputs(DOUBLE);
  const rows: TextScanRow[] = [];
  for (const [name, scan] of FUNCTIONS) {
    let worst = { input: "", ms: -1 };
    for (const [input, text] of Object.entries(large)) {
      // Warm up on the short input, then once on this one, so the best of 5 is steady work.
      scan(small[input] ?? "");
      scan(text);
      const ms = bestOf(5, () => scan(text));
      if (ms > worst.ms) worst = { input, ms };
    }
    const text = large[worst.input] ?? "";
    const floorMs = bestOf(20, () => linearPass(text));
    scan(double[worst.input] ?? "");
    const doubleMs = bestOf(5, () => scan(double[worst.input] ?? ""));
    rows.push({
      name,
      worstInput: worst.input,
      worstMs: worst.ms,
      msPerKb: worst.ms / (LENGTH / 1000),
      floorMs,
      ratio: worst.ms / floorMs,
      doubleMs,
      growth: doubleMs / Math.max(worst.ms, 0.001),
    });
  }

  console.log(
    `\nbench/text-scan: ${Object.keys(large).length} inputs of ${LENGTH.toLocaleString("en-GB")} characters, worst of each function (best of 5)\n`,
  );
  console.log(
    "| function | worst input | worst (ms) | ms per KB | floor: one pass (ms) | worst / floor | same input at 80,000 (ms) | 80k / 40k |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.worstInput} | ${r.worstMs.toFixed(2)} | ${r.msPerKb.toFixed(3)} | ${r.floorMs.toFixed(3)} | ${Math.round(r.ratio).toLocaleString("en-GB")}× | ${r.doubleMs.toFixed(2)} | ${r.growth.toFixed(1)} |`,
    );
  }
  const over = rows.filter((r) => r.worstMs > 50);
  console.log(
    over.length === 0
      ? "\nEvery function stays under 50 ms on every 40,000-character input."
      : `\nOver 50 ms: ${over.map((r) => `${r.name} (${r.worstInput}, ${r.worstMs.toFixed(0)} ms)`).join("; ")}`,
  );
  return rows;
}

// `node bin/run-ts.js bench/text-scan.ts` runs it on its own; bench/run.ts imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await benchTextScan();
}
