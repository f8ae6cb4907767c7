import { describe, expect, it } from "vitest";
import {
  createOfflineSummariser,
  READ_SLICE,
  summariseOffline,
  TOP_READ,
} from "../../adapters/offline/offline-summariser.ts";
import type { SummariseInput } from "../../src/ports/summariser.ts";
import { makeHighlight } from "../support/highlights.ts";

// Issue 9 in the bot: a big week must not hold the event loop for the whole summary, and the
// language model loads at start (prepare), not at the first draft. Timings are in
// scripts/offline-event-loop.ts and BENCHMARKS.md; here, that the loop turns and the note is the same.

const NOUNS = ["form", "map", "search", "banner", "survey", "page", "feed", "index", "report", "guide"];
const PLACES = [
  "Eastmoor",
  "Westhill",
  "Northgate",
  "Southbank",
  "Kerbside",
  "Tamar",
  "Ashby",
  "Brook",
  "Cliff",
  "Dale",
];
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

const input: SummariseInput = {
  week: "2026-W13",
  teamName: "Digital team",
  teamKey: "T1/default",
  voice: "we",
  timezone: "Europe/London",
  highlights: Array.from({ length: 100 }, (_, i) =>
    makeHighlight({
      id: `C1/${1774800000 + i}.000100`,
      postedAtMs: Date.parse("2026-03-23T09:00:00Z") + i * 600_000,
      authorName: `Person ${i % 7}`,
      // Distinct messages (no two repeat each other), so every one is a candidate.
      text: `Team ${i} shipped the ${NOUNS[i % 10]} for ${PLACES[Math.floor(i / 10)]} on ${DAYS[i % 5]}.`,
    }),
  ),
};

/** How many turns a setImmediate ticker gets while `work` runs. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (running) {
      turns += 1;
      setImmediate(tick);
    }
  };
  setImmediate(tick);
  await work();
  running = false;
  return turns;
}

describe("the offline summariser in the bot", () => {
  it("lets the event loop turn at least once every READ_SLICE highlights, and writes the same note", async () => {
    const summariser = createOfflineSummariser();
    await summariser.prepare();
    let result: Awaited<ReturnType<typeof summariser.summarise>> | undefined;
    const turns = await turnsDuring(async () => {
      result = await summariser.summarise(input);
    });
    expect(READ_SLICE).toBe(10);
    expect(TOP_READ).toBe(60);
    // 100 highlights, the best 60 read with wink-nlp: a turn after each of the 5 slices after the
    // first, and one before writing.
    expect(turns).toBeGreaterThanOrEqual(6);
    // Reading all 100 would take 10 turns: the 40 the cheap rank puts last are never read.
    expect(turns).toBeLessThan(10);
    expect(result?.document).toEqual(summariseOffline(input));
    // The synchronous function gives the loop no turn at all: what the bot did before.
    expect(await turnsDuring(async () => summariseOffline(input))).toBe(0);
  });

  it("loads its language model in prepare(), which resolves and can be called again", async () => {
    const summariser = createOfflineSummariser();
    await expect(summariser.prepare()).resolves.toBeUndefined();
    await expect(summariser.prepare()).resolves.toBeUndefined();
  });
});
