// One measured run in a fresh process, so peak memory (maxRSS) belongs to that run alone.
// Usage: node bin/run-ts.js bench/compile-child.ts compile|baseline PATH
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { slackEmojiAliases } from "../adapters/emoji/aliases.ts";
import { summariseOffline } from "../adapters/offline/offline-summariser.ts";
import { readExportHighlights } from "../adapters/slack-export/read-export.ts";
import { renderMarkdown } from "../src/domain/render-markdown.ts";
import { EmojiSectionMap } from "../src/domain/sections.ts";
import { formatWeekKey, weekWindow } from "../src/domain/week.ts";

const [mode, path] = process.argv.slice(2);
if (!path || (mode !== "compile" && mode !== "baseline")) {
  throw new Error("usage: compile-child.ts compile|baseline PATH");
}
const started = performance.now();
let highlights = 0;
let messagesRead = 0;
if (mode === "compile") {
  const window = weekWindow({ year: 2024, week: 20 }, "Europe/London");
  const result = await readExportHighlights({
    path,
    window,
    emoji: EmojiSectionMap.defaults(slackEmojiAliases()),
  });
  const doc = summariseOffline({
    week: formatWeekKey(window.key),
    teamName: "bench",
    highlights: result.highlights,
  });
  renderMarkdown(doc);
  highlights = result.highlights.length;
  messagesRead = result.stats.messagesRead;
} else {
  // The floor: read and parse every day file of every channel, as fast as Node can, with
  // synchronous reads (no promise or thread-pool round trip per file) and JSON.parse, nothing else.
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const file of readdirSync(join(path, entry.name))) {
      const messages = JSON.parse(readFileSync(join(path, entry.name, file), "utf8")) as unknown[];
      messagesRead += messages.length;
    }
  }
}
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({ mode, ms, highlights, messagesRead, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
