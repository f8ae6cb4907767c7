// bench/summarise: what the OpenAI summariser would send for weeks of 10 to 10,000 highlights, with
// no network. For each week the real request planner (prompt files, fencing, per-highlight cap,
// gpt-tokenizer counts, map-reduce) plans the requests; a stand-in model answers each one so that
// the merges can be planned too. Two plans to compare with: the naive one (every highlight, whole,
// in one request: does it fit the context?) and the true floor for the tokens sent, the same
// highlights as the planner cuts them (per-highlight cap) in one request, no budget: what
// map-reduce costs on top of sending each highlight once. The offline summariser is timed on the
// same weeks.
//
// The stand-in answers like a model held to a bounded answer: one short item per highlight (or per
// item of the partial weeknotes it merges), at most 40 items, about 1,500 tokens. A real model
// writes fewer, longer items; the calls and the tokens sent depend on the budget, not on that.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { summariseOffline } from "../adapters/offline/offline-summariser.ts";
import type { ModelDocument } from "../adapters/openai/output.ts";
import { type PlannedRequest, RequestPlanner } from "../adapters/openai/plan.ts";
import { loadPrompts } from "../adapters/openai/prompts.ts";
import { loadTokenizer } from "../adapters/openai/tokens.ts";
import type { Highlight } from "../src/domain/highlight.ts";
import { highlightIdOf } from "../src/domain/message-ref.ts";
import type { Section } from "../src/domain/sections.ts";
import type { SummariseInput } from "../src/ports/summariser.ts";

const SIZES = [10, 100, 1_000, 10_000];
const MODEL = "gpt-4o-mini";
/** The defaults proposed for OPENAI_TOKEN_BUDGET and OPENAI_HIGHLIGHT_TOKEN_CAP. */
const TOKEN_BUDGET = 100_000;
const HIGHLIGHT_TOKEN_CAP = 1_000;
/** gpt-4o-mini's context window: a single request over it gets 400 context_length_exceeded. */
const CONTEXT = 128_000;

interface Row {
  highlights: number;
  inputChars: number;
  naiveTokens: number;
  /** One request of every highlight cut at the per-highlight cap (no budget): the floor. */
  cappedTokens: number;
  calls: number;
  chunks: number;
  merges: number;
  mapReduceTokens: number;
  largestRequest: number;
  cut: number;
  planMs: number;
  offlineMs: number;
}

export async function benchSummarise(): Promise<Row[]> {
  const tokenizer = await loadTokenizer(MODEL);
  const prompts = loadPrompts({ dir: resolve("prompts") });
  const rows: Row[] = [];
  for (const size of SIZES) {
    const input = generateWeek(size);
    const naive = new RequestPlanner(input, {
      prompts,
      tokenizer,
      tokenBudget: Number.MAX_SAFE_INTEGER,
      highlightTokenCap: Number.MAX_SAFE_INTEGER,
      redact: false,
      nonce: () => "0123456789ab",
    }).singleRequest();
    const capped = new RequestPlanner(input, {
      prompts,
      tokenizer,
      tokenBudget: Number.MAX_SAFE_INTEGER,
      highlightTokenCap: HIGHLIGHT_TOKEN_CAP,
      redact: false,
      nonce: () => "0123456789ab",
    }).singleRequest();

    const started = performance.now();
    const planner = new RequestPlanner(input, {
      prompts,
      tokenizer,
      tokenBudget: TOKEN_BUDGET,
      highlightTokenCap: HIGHLIGHT_TOKEN_CAP,
      redact: false,
      nonce: () => "0123456789ab",
    });
    const kinds: string[] = [];
    await planner.run(async (request) => {
      kinds.push(request.kind);
      return standIn(request);
    });
    const planMs = performance.now() - started;

    rows.push({
      highlights: size,
      inputChars: input.highlights.reduce((sum, h) => sum + h.text.length, 0),
      naiveTokens: naive.tokens,
      cappedTokens: capped.tokens,
      calls: planner.stats.calls,
      chunks: kinds.filter((k) => k === "chunk" || k === "single").length,
      merges: kinds.filter((k) => k === "merge").length,
      mapReduceTokens: planner.stats.tokensSent,
      largestRequest: planner.stats.largestRequest,
      cut: planner.stats.cutHighlights,
      planMs,
      offlineMs: bestOf(3, () => summariseOffline(input)),
    });
  }
  print(rows);
  return rows;
}

function print(rows: readonly Row[]): void {
  const n = (x: number) => Math.round(x).toLocaleString("en-GB");
  console.log(
    `bench/summarise — requests planned for ${MODEL} (budget ${n(TOKEN_BUDGET)} tokens a request, highlight cap ${n(HIGHLIGHT_TOKEN_CAP)}, context ${n(CONTEXT)})`,
  );
  console.log(
    "| highlights | input chars | all at once: tokens (fits?) | all at once, capped: tokens | map-reduce: calls (chunks + merges) | map-reduce: tokens sent | largest request | highlights cut | tokens sent / capped all at once | plan (ms) | offline summariser (ms) |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    const fits = r.naiveTokens <= CONTEXT ? "yes" : "no";
    console.log(
      `| ${n(r.highlights)} | ${n(r.inputChars)} | ${n(r.naiveTokens)} (${fits}) | ${n(r.cappedTokens)} | ${r.calls} (${r.chunks} + ${r.merges}) | ${n(r.mapReduceTokens)} | ${n(r.largestRequest)} | ${r.cut} | ${(r.mapReduceTokens / r.cappedTokens).toFixed(3)} | ${r.planMs.toFixed(0)} | ${r.offlineMs.toFixed(1)} |`,
    );
  }
  const largest = rows.at(-1);
  if (largest) {
    console.log(
      `ratio at ${n(largest.highlights)} highlights: all at once would be ${(largest.naiveTokens / CONTEXT).toFixed(1)}× the model's context in one request; map-reduce sends ${(largest.mapReduceTokens / largest.cappedTokens).toFixed(3)}× the tokens of the capped single request (the floor: each highlight once, cut as the planner cuts it) in ${largest.calls} requests of at most ${n(largest.largestRequest)} (${(largest.largestRequest / CONTEXT).toFixed(2)}× the context).`,
    );
  }
}

// --- The stand-in model ----------------------------------------------------------------------

function standIn(request: PlannedRequest): ModelDocument {
  const user = request.messages.find((m) => m.role === "user")?.content ?? "";
  const items: ModelDocument["intoNextWeek"] = [];
  for (const line of user.split("\n")) {
    if (!line.startsWith("{") || items.length >= 40) {
      continue;
    }
    const value = JSON.parse(line) as {
      id?: string;
      text?: string;
      author?: string;
      sections?: { items: ModelDocument["intoNextWeek"] }[];
    };
    if (value.id && value.text !== undefined) {
      items.push({ text: value.text.slice(0, 120), authors: [value.author ?? ""], highlightIds: [value.id] });
    } else if (value.sections) {
      items.push(...value.sections.flatMap((s) => s.items));
    }
  }
  return {
    themes: ["service changes", "the budget round"],
    intro: "A busy week across the team.",
    sections: [{ section: "highlights", heading: "What we did", paragraphs: [], items: items.slice(0, 40) }],
    intoNextWeek: [],
    thanks: null,
    tune: null,
  };
}

// --- Generated weeks -------------------------------------------------------------------------

const WORDS =
  "we the council residents service form booking bins permits parking housing repairs tenants budget finance cyber drill runbook accessibility audit user research prototype discovery alpha beta live assessment GOV.UK notify pay design system content designer developer delivery manager product owner stakeholders sprint retro show and tell backlog roadmap procurement contract data dashboard migration cloud hosting security patch incident outage recovery library school admissions council tax benefits social care planning application licensing waste recycling collection route app portal login accounts identity verification feedback survey interviews workshop training onboarding handover".split(
    " ",
  );
const SECTIONS: readonly [Section, number][] = [
  ["highlights", 0.7],
  ["thanks", 0.1],
  ["coming_up", 0.1],
  ["challenges", 0.08],
  ["tune", 0.02],
];
const PEOPLE = ["Alice", "Bob", "Carys", "Dev", "Efua", "Finn", "Gwen", "Hamid", "Isla", "Jon"];

/** A deterministic week of `n` highlights: mostly chat-length messages, a few long ones, rare pastes. */
export function generateWeek(n: number): SummariseInput {
  const random = mulberry32(n);
  const start = Date.UTC(2026, 2, 23, 8);
  const highlights: Highlight[] = [];
  for (let i = 0; i < n; i += 1) {
    const roll = random();
    const length =
      roll < 0.7
        ? 40 + random() * 160
        : roll < 0.95
          ? 200 + random() * 800
          : roll < 0.999
            ? 1_000 + random() * 3_000
            : 50_000;
    const words: string[] = [];
    let chars = 0;
    while (chars < length) {
      const word = WORDS[Math.floor(random() * WORDS.length)] ?? "we";
      words.push(word);
      chars += word.length + 1;
    }
    if (random() < 0.05) {
      words.push(`https://example.gov.uk/item/${i}`);
    }
    const channel = `team-${Math.floor(random() * 12)}`;
    const ts = `${Math.floor(start / 1000) + i * 30}.${String(i % 1_000_000).padStart(6, "0")}`;
    const section = pickSection(random());
    const author = PEOPLE[Math.floor(random() * PEOPLE.length)] ?? "Alice";
    const conversationId = `C${channel.toUpperCase().replace("-", "")}`;
    highlights.push({
      id: highlightIdOf({ conversationId, messageId: ts }),
      platform: "slack",
      workspace: "T0WEEK0001",
      conversationId,
      conversationName: channel,
      private: false,
      messageId: ts,
      threadId: undefined,
      postedAtMs: start + i * 30_000,
      authorId: `U0${author.toUpperCase()}`,
      authorName: author,
      text: words.join(" ").slice(0, Math.round(length)),
      section,
      tags: [{ user: "U0BOT00002", reaction: "star", section, via: "reaction" }],
      permalink: undefined,
      team: undefined,
    });
  }
  return { week: "2026-W13", teamName: "Digital team", highlights, seriesNumber: "3.12" };
}

function pickSection(roll: number): Section {
  let left = roll;
  for (const [section, share] of SECTIONS) {
    left -= share;
    if (left < 0) {
      return section;
    }
  }
  return "highlights";
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function bestOf(times: number, run: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i += 1) {
    const t = performance.now();
    run();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

// `node bin/run-ts.js bench/summarise.ts` runs it on its own; bench/run.ts imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await benchSummarise();
}
