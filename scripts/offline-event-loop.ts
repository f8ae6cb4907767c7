/**
 * How long the offline summariser holds the event loop (issue 9, in the bot): the language model's
 * load, and the longest stretch without a turn of the loop while a big week is summarised, for the
 * old synchronous path (summariseOffline in one go) and the bot's path (prepare() at start, then
 * summarise(), which reads highlights in slices of READ_SLICE between macrotasks). Run:
 *
 *   npx tsx scripts/offline-event-loop.ts [highlights=400]
 *
 * The floor is the loop's own turn with nothing to do (a ticker of setImmediate), printed too.
 */
import { performance } from "node:perf_hooks";
import {
  createOfflineSummariser,
  READ_SLICE,
  summariseOffline,
} from "../adapters/offline/offline-summariser.ts";
import type { SummariseInput } from "../src/ports/summariser.ts";
import { makeHighlight } from "../test/support/highlights.ts";

const count = Number(process.argv[2] ?? 400);
const SUBJECTS = [
  "bin booking",
  "the parking permit form",
  "the accessibility audit",
  "council tax reminders",
];
const input: SummariseInput = {
  week: "2026-W13",
  teamName: "Digital team",
  teamKey: "T1/default",
  voice: "we",
  timezone: "Europe/London",
  highlights: Array.from({ length: count }, (_, i) =>
    makeHighlight({
      id: `C1/${1774800000 + i}.000100`,
      postedAtMs: Date.parse("2026-03-23T09:00:00Z") + i * 600_000,
      authorName: `Person ${i % 37}`,
      text: `We shipped step ${i} of ${SUBJECTS[i % SUBJECTS.length]} today. Residents in ward ${i % 19} tried it and told us what they needed next, so we changed the wording.`,
    }),
  ),
};

/** Runs `work` while a setImmediate ticker records the longest gap between its turns, in ms. */
async function longestGap(work: () => Promise<unknown>): Promise<{ totalMs: number; longestMs: number }> {
  let longest = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) {
      setImmediate(tick);
    }
  };
  setImmediate(tick);
  const start = performance.now();
  await work();
  const totalMs = performance.now() - start;
  running = false;
  tick();
  return { totalMs, longestMs: longest };
}

const fmt = (ms: number) => ms.toFixed(0).padStart(6);
const floor = await longestGap(() => new Promise((resolve) => setTimeout(resolve, 200)));
const summariser = createOfflineSummariser();
// The model's load, as the bot now does it at start (before listening) and as the first summary did.
const load = await longestGap(() => summariser.prepare());
const sync = await longestGap(async () => summariseOffline(input));
const sliced = await longestGap(() => summariser.summarise(input));
process.stdout.write(
  [
    `highlights: ${count}, slice: ${READ_SLICE}`,
    "| what | total (ms) | longest loop hold (ms) |",
    "|---|--:|--:|",
    `| idle loop (floor) | ${fmt(floor.totalMs)} | ${fmt(floor.longestMs)} |`,
    `| prepare(): model load, at start-up | ${fmt(load.totalMs)} | ${fmt(load.longestMs)} |`,
    `| summariseOffline, one synchronous call (before) | ${fmt(sync.totalMs)} | ${fmt(sync.longestMs)} |`,
    `| summarise(), read in slices (after) | ${fmt(sliced.totalMs)} | ${fmt(sliced.longestMs)} |`,
    "",
  ].join("\n"),
);
