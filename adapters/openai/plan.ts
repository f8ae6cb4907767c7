/**
 * Builds the LLM requests for one week and, when the week is over the token budget, runs the
 * map-reduce (SPEC §5, case C15): chunks of highlights, each summarised under the budget with the
 * chunk prompt, then merges of the partial documents under the budget with the merge prompt,
 * recursing until one document is left. Tokens are counted before anything is sent.
 *
 * Everything the requests carry passes through here: each text is redacted first (when asked),
 * each highlight is capped at a token limit, and the chat material is fenced between markers
 * that hold a random nonce, one JSON object per line (case C17). The network is not: the caller
 * gives `complete`, which the OpenAI summariser backs with the API and the benchmark with a
 * stand-in.
 */
import { randomBytes } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Highlight } from "../../src/domain/highlight.ts";
import { noteBudgetFor } from "../../src/domain/note-budget.ts";
import { redactPii, redactPiiCounting } from "../../src/domain/redact.ts";
import type { SummariseInput } from "../../src/ports/summariser.ts";
import { dayOf, weekSpan } from "./dates.ts";
import { SummariserError } from "./errors.ts";
import { cleanModelDocument, findUrls, type ModelDocument, RESPONSE_FORMAT } from "./output.ts";
import type { PromptSet } from "./prompts.ts";
import type { ChatMessage, Tokenizer } from "./tokens.ts";

export interface PlannerOptions {
  readonly prompts: PromptSet;
  readonly tokenizer: Tokenizer;
  /** Most tokens one request may send: messages plus the response schema. */
  readonly tokenBudget: number;
  /** Most tokens of one highlight's text; longer texts are cut with a marker. */
  readonly highlightTokenCap: number;
  /** Redact e-mail addresses, phone numbers and NI numbers from every text sent. */
  readonly redact: boolean;
  /** Random fence nonce; injectable for tests. Default: 12 random hex digits. */
  readonly nonce?: () => string;
}

// How the system prompt's {{voice}} reads for a team ("we") and a personal note ("I").
const VOICES = {
  we: 'as the team, in the first person plural: "we", "our"',
  I: 'as one person writing their own note, in the first person singular: "I", "my"',
} as const;

// How the system prompt's {{language}} reads for each note language.
const LANGUAGES = {
  en: "British English, with British spelling",
  cy: "Welsh (Cymraeg), as a Welsh council writes for the public; keep people's names, product names and quotes as they are written",
} as const;

// The system prompt's {{houseStyle}} when the team has none.
const NO_HOUSE_STYLE = "The team has set no house style of its own: follow the rules above.";
// A house style is a few short rules; a longer one is cut to this.
const HOUSE_STYLE_TOKEN_CAP = 800;

/** One request to send: its messages, its token count, and the highlight ids it may cite. */
export interface PlannedRequest {
  readonly kind: "single" | "chunk" | "merge";
  /** 1-based part number among the chunks, or the merge's number within its round. */
  readonly part: number;
  readonly messages: readonly ChatMessage[];
  /** Tokens of the messages and the response schema, by the model's tokenizer. */
  readonly tokens: number;
  /** The ids the answer may cite: the highlights this request covers. */
  readonly highlightIds: ReadonlySet<string>;
}

/** Sends one request and returns the model's document (before cleaning). */
export type Complete = (request: PlannedRequest) => Promise<ModelDocument>;

/** How a week was summarised, for the footer, the logs and the benchmark. */
export interface PlanStats {
  /** Requests sent (chunks + merges, or 1). */
  calls: number;
  /** Tokens of all requests sent, by the model's tokenizer. */
  tokensSent: number;
  /** Largest single request. */
  largestRequest: number;
  /** Chunks the highlights were split into (1 when they fit in one request). */
  parts: number;
  /** Rounds of merging (0 when there was one request). */
  mergeRounds: number;
  /** Highlights whose text was cut at the cap. */
  cutHighlights: number;
  /** Personal details redacted, in all. */
  redactions: number;
  /** Citations of unknown ids, URLs and markup removed from the answers. */
  droppedCitations: number;
  removedUrls: number;
  strippedMarkup: number;
}

// The answer of every request obeys this schema, and the API counts it as input.
const SCHEMA_TEXT = JSON.stringify(RESPONSE_FORMAT.json_schema);
// A previous draft is short; a pasted novel in an edited draft is cut to this.
const PREVIOUS_TOKEN_CAP = 6_000;
// Token counts of separately counted pieces can differ by a token or two where they are joined.
const SEAM_SLACK = 8;
const CUT_MARKER = (omitted: number) =>
  ` [… cut by weeknotes: ${omitted.toLocaleString("en-GB")} more characters not sent]`;

interface Line {
  readonly id: string;
  readonly text: string;
  readonly tokens: number;
}

// Passed by RequestPlanner.create so that the constructor leaves the preparation to it.
const DEFERRED: unique symbol = Symbol("deferred");

/** The request planner of one week. */
export class RequestPlanner {
  readonly stats: PlanStats = {
    calls: 0,
    tokensSent: 0,
    largestRequest: 0,
    parts: 0,
    mergeRounds: 0,
    cutHighlights: 0,
    redactions: 0,
    droppedCitations: 0,
    removedUrls: 0,
    strippedMarkup: 0,
  };
  /** URLs in the text sent: the only ones an answer may contain. */
  readonly allowedUrls = new Set<string>();
  readonly allIds: ReadonlySet<string>;
  /** Authors' display names by user id, as sent (redacted when asked). */
  readonly userNames = new Map<string, string>();

  private readonly options: PlannerOptions;
  private readonly input: SummariseInput;
  private fence = { dataStart: "", dataEnd: "" };
  private teamName = "";
  private houseStyle = NO_HOUSE_STYLE;
  private previousWeek = "";
  private weekDates = "";
  private schemaTokens = 0;
  private regeneration = { text: "", tokens: 0 };
  private lines: readonly Line[] = [];

  /**
   * The planner of one week, every highlight redacted and capped before it returns: one
   * synchronous stretch (for benchmarks and tests). The bot uses {@link RequestPlanner.create},
   * which lets the event loop run between highlights.
   */
  constructor(input: SummariseInput, options: PlannerOptions);
  /** @internal with {@link DEFERRED}: the highlights are prepared by {@link RequestPlanner.create}. */
  constructor(input: SummariseInput, options: PlannerOptions, deferred: typeof DEFERRED);
  constructor(input: SummariseInput, options: PlannerOptions, deferred?: typeof DEFERRED) {
    this.options = options;
    this.input = input;
    this.allIds = new Set(input.highlights.map((h) => h.id));
    if (deferred !== DEFERRED) {
      for (const _step of this.prepare()) {
        // Run to the end without yielding.
      }
    }
  }

  /**
   * The planner of one week, as the constructor makes it, but yielding to the event loop (a
   * `setImmediate` turn) after each highlight is redacted and after each is capped: three
   * 40,000-character pastes held the loop for 100–160 ms in one constructor (issue 12).
   */
  static async create(input: SummariseInput, options: PlannerOptions): Promise<RequestPlanner> {
    const planner = new RequestPlanner(input, options, DEFERRED);
    for (const _step of planner.prepare()) {
      await nextTurn();
    }
    return planner;
  }

  /** Redacts, fences and caps the week's texts, one highlight per step. */
  private *prepare(): Generator<void, void, undefined> {
    const { input, options } = this;
    for (const h of input.highlights) {
      if (h.authorId !== undefined) {
        this.userNames.set(h.authorId.toUpperCase(), options.redact ? redactPii(h.authorName) : h.authorName);
      }
    }
    this.teamName = this.scrub(input.teamName);
    this.weekDates = weekSpan(input.week, input.timezone, input.language);
    this.schemaTokens = options.tokenizer.count(SCHEMA_TEXT);
    const rawLines: ReturnType<RequestPlanner["scrubHighlight"]>[] = [];
    for (const h of input.highlights) {
      yield;
      rawLines.push(this.scrubHighlight(h));
    }
    const style = [options.prompts.houseStyle, input.houseStyle?.trim()].filter(Boolean).join("\n\n");
    const plans = (input.previousIntoNextWeek ?? []).map((plan) => this.scrub(plan)).filter(Boolean);
    this.fence = makeFence(options.nonce ?? randomNonce, [
      ...rawLines.map((l) => l.text),
      input.previous?.markdown ?? "",
      input.previous?.reason ?? "",
      style,
      ...plans,
    ]);
    yield;
    this.houseStyle = style ? this.buildHouseStyle(style) : NO_HOUSE_STYLE;
    this.previousWeek =
      plans.length === 0
        ? ""
        : options.prompts.fill("previous", {
            plans: plans.map((plan) => JSON.stringify(plan)).join("\n"),
            ...this.fence,
          });
    this.regeneration = this.buildRegeneration();
    const room = this.options.tokenBudget - this.countMessages(this.fillChunk([], 9999, 9999)) - SEAM_SLACK;
    const lines: Line[] = [];
    for (const raw of rawLines) {
      yield;
      lines.push(this.capLine(raw, room));
    }
    this.lines = lines;
  }

  /** The one request with every highlight, as it would be sent when it fits (the "all at once" plan). */
  singleRequest(): PlannedRequest {
    return this.request("single", 1, this.allIds, this.fillUser(this.lines));
  }

  /**
   * Summarises the week: one request when it fits the budget, else chunks and merges. Each answer
   * is cleaned against what its request covered before it is used.
   * @throws SummariserError `summariser.too_large` when the budget cannot hold the pieces;
   *   whatever `complete` throws.
   */
  async run(complete: Complete): Promise<ModelDocument> {
    const single = this.singleRequest();
    if (single.tokens <= this.options.tokenBudget) {
      this.stats.parts = 1;
      return this.send(complete, single);
    }
    const chunks = this.chunkRequests();
    this.stats.parts = chunks.length;
    const parts: ModelDocument[] = [];
    for (const chunk of chunks) {
      parts.push(await this.send(complete, chunk));
    }
    return parts.length === 1 && parts[0] ? parts[0] : this.merge(complete, parts);
  }

  /** The chunk requests: the highlights in order, split so that each request is within the budget. */
  chunkRequests(): PlannedRequest[] {
    const budget = this.options.tokenBudget;
    // The fixed part of a chunk request, with the widest part numbers it could carry.
    const fixed = this.countMessages(this.fillChunk([], 9999, 9999)) + SEAM_SLACK;
    const groups: Line[][] = [];
    let current: Line[] = [];
    let used = fixed;
    for (const line of this.lines) {
      const cost = line.tokens + 1;
      if (current.length > 0 && used + cost > budget) {
        groups.push(current);
        current = [];
        used = fixed;
      }
      if (fixed + cost > budget) {
        throw tooLarge(`A highlight needs ${cost} tokens but a chunk request has room for ${budget - fixed}`);
      }
      current.push(line);
      used += cost;
    }
    if (current.length > 0) {
      groups.push(current);
    }
    // Check each request as it will be sent; move highlights on where a seam tipped one over.
    const requests: PlannedRequest[] = [];
    for (let i = 0; i < groups.length; i += 1) {
      const group = groups[i] ?? [];
      let request = this.chunkRequest(group, i + 1, groups.length);
      while (request.tokens > budget && group.length > 1) {
        const moved = group.pop();
        if (moved) {
          if (i + 1 === groups.length) {
            groups.push([]);
          }
          groups[i + 1]?.unshift(moved);
        }
        request = this.chunkRequest(group, i + 1, groups.length);
      }
      if (request.tokens > budget) {
        throw tooLarge(`Chunk ${i + 1} needs ${request.tokens} tokens, over the budget of ${budget}`);
      }
      requests.push(request);
    }
    // Part counts were filled as the list grew; refill so each says the final count.
    return requests.map((_request, i) => this.chunkRequest(groups[i] ?? [], i + 1, requests.length));
  }

  private chunkRequest(group: readonly Line[], part: number, count: number): PlannedRequest {
    return this.request("chunk", part, new Set(group.map((l) => l.id)), this.fillChunk(group, part, count));
  }

  /** Merges partial documents until one is left, each merge request within the budget. */
  private async merge(complete: Complete, parts: readonly ModelDocument[]): Promise<ModelDocument> {
    let level = parts.map((doc) => this.partLine(doc));
    for (;;) {
      const groups = this.mergeGroups(level);
      if (groups.length > 1 && groups.length >= level.length) {
        throw tooLarge("Partial weeknotes are too large to merge within the token budget");
      }
      this.stats.mergeRounds += 1;
      const final = groups.length === 1;
      const next: Line[] = [];
      for (let i = 0; i < groups.length; i += 1) {
        const request = this.request("merge", i + 1, this.allIds, this.fillMerge(groups[i] ?? [], final));
        const merged = await this.send(complete, request);
        if (final) {
          return merged;
        }
        next.push(this.partLine(merged));
      }
      level = next;
    }
  }

  private mergeGroups(level: readonly Line[]): Line[][] {
    const budget = this.options.tokenBudget;
    const fixed = this.countMessages(this.fillMerge([], true)) + SEAM_SLACK;
    const groups: Line[][] = [];
    let current: Line[] = [];
    let used = fixed;
    for (const line of level) {
      const cost = line.tokens + 1;
      if (fixed + cost > budget) {
        throw tooLarge(
          `A partial weeknote needs ${cost} tokens but a merge request has room for ${budget - fixed}`,
        );
      }
      if (current.length > 0 && used + cost > budget) {
        groups.push(current);
        current = [];
        used = fixed;
      }
      current.push(line);
      used += cost;
    }
    if (current.length > 0) {
      groups.push(current);
    }
    return groups;
  }

  private async send(complete: Complete, request: PlannedRequest): Promise<ModelDocument> {
    this.stats.calls += 1;
    this.stats.tokensSent += request.tokens;
    this.stats.largestRequest = Math.max(this.stats.largestRequest, request.tokens);
    const answer = await complete(request);
    const { document, report } = cleanModelDocument(answer, {
      highlightIds: request.highlightIds,
      allowedUrls: this.allowedUrls,
      userNames: this.userNames,
    });
    this.stats.droppedCitations += report.droppedCitations;
    this.stats.removedUrls += report.removedUrls;
    this.stats.strippedMarkup += report.strippedMarkup;
    return document;
  }

  // --- Message building ----------------------------------------------------------------------

  private request(
    kind: PlannedRequest["kind"],
    part: number,
    highlightIds: ReadonlySet<string>,
    messages: readonly ChatMessage[],
  ): PlannedRequest {
    return { kind, part, messages, tokens: this.countMessages(messages), highlightIds };
  }

  private countMessages(messages: readonly ChatMessage[]): number {
    return this.options.tokenizer.countChat(messages) + this.schemaTokens;
  }

  private system(): ChatMessage {
    return {
      role: "system",
      content: this.options.prompts.fill("system", {
        teamName: this.teamName,
        voice: VOICES[this.input.voice ?? "we"],
        language: LANGUAGES[this.input.language ?? "en"],
        houseStyle: this.houseStyle,
        ...this.fence,
      }),
    };
  }

  /** Most words of the whole note: the input's, else the default budget for the week's size. */
  get wordBudget(): number {
    return this.input.wordBudget ?? noteBudgetFor(this.input.highlights.length).words;
  }

  private fillUser(lines: readonly Line[]): ChatMessage[] {
    const user = this.options.prompts.fill("user", {
      teamName: this.teamName,
      week: this.input.week,
      weekDates: this.weekDates,
      wordBudget: String(this.wordBudget),
      highlightCount: String(lines.length),
      highlights: lines.map((l) => l.text).join("\n"),
      previousWeek: this.previousWeek,
      regeneration: this.regeneration.text,
      ...this.fence,
    });
    return [this.system(), { role: "user", content: user }];
  }

  private fillChunk(lines: readonly Line[], part: number, count: number): ChatMessage[] {
    // A part keeps more than the note's budget: the merge weaves the parts and cuts to the budget.
    const share = Math.ceil(this.wordBudget * 1.5);
    const user = this.options.prompts.fill("chunk", {
      teamName: this.teamName,
      week: this.input.week,
      weekDates: this.weekDates,
      wordBudget: String(share),
      partNumber: String(part),
      partCount: String(count),
      highlightCount: String(lines.length),
      highlights: lines.map((l) => l.text).join("\n"),
      ...this.fence,
    });
    return [this.system(), { role: "user", content: user }];
  }

  private fillMerge(parts: readonly Line[], final: boolean): ChatMessage[] {
    const user = this.options.prompts.fill("merge", {
      teamName: this.teamName,
      week: this.input.week,
      weekDates: this.weekDates,
      wordBudget: String(final ? this.wordBudget : Math.ceil(this.wordBudget * 1.5)),
      highlightCount: String(this.input.highlights.length),
      partCount: String(parts.length),
      parts: parts.map((l) => l.text).join("\n"),
      // Last week's plans and the approver's reason shape the final draft, not the intermediate merges.
      previousWeek: final ? this.previousWeek : "",
      regeneration: final ? this.regeneration.text : "",
      ...this.fence,
    });
    return [this.system(), { role: "user", content: user }];
  }

  private buildRegeneration(): { text: string; tokens: number } {
    const previous = this.input.previous;
    if (!previous) {
      return { text: "", tokens: 0 };
    }
    const capped = this.options.tokenizer.cap(this.scrub(previous.markdown), PREVIOUS_TOKEN_CAP, CUT_MARKER);
    const reason = previous.reason?.trim() ? JSON.stringify(this.scrub(previous.reason.trim())) : "not given";
    const text = this.options.prompts.fill("regenerate", {
      reason,
      previous: JSON.stringify({ previousDraft: capped.text }),
      ...this.fence,
    });
    return { text, tokens: this.options.tokenizer.count(text) };
  }

  /**
   * The team's house style as the system prompt's rules, fenced with the data's nonce under the
   * team's own markers: instructions from the team's approvers, told apart from chat text.
   */
  private buildHouseStyle(style: string): string {
    const capped = this.options.tokenizer.cap(this.scrub(style), HOUSE_STYLE_TOKEN_CAP, CUT_MARKER);
    const nonce = this.fence.dataStart.slice("<<<WEEKNOTES_DATA ".length, -">>>".length);
    return this.options.prompts.fill("style", {
      teamName: this.teamName,
      styleStart: `<<<TEAM_HOUSE_STYLE ${nonce}>>>`,
      rules: capped.text,
      styleEnd: `<<<END_TEAM_HOUSE_STYLE ${nonce}>>>`,
    });
  }

  // --- Highlights ----------------------------------------------------------------------------

  /** One highlight as the JSON line that is sent (text not yet capped), redacted when asked. */
  private scrubHighlight(h: Highlight): { id: string; head: Record<string, string>; text: string } {
    return {
      id: h.id,
      head: {
        id: h.id,
        day: dayOf(h.postedAtMs, this.input.timezone, this.input.language),
        section: h.section,
        author: this.scrub(h.authorName),
        channel: this.scrub(h.conversationName),
      },
      text: this.scrub(h.text),
    };
  }

  /**
   * Caps a highlight's text so that its line fits both the cap and an empty chunk request (`room`
   * tokens), and notes the URLs it sends.
   */
  private capLine(
    { id, head, text }: { id: string; head: Record<string, string>; text: string },
    room: number,
  ): Line {
    const { tokenizer, highlightTokenCap, tokenBudget } = this.options;
    const frame = tokenizer.count(JSON.stringify({ ...head, text: "" })) + 2;
    const cap = Math.min(highlightTokenCap, room - frame - 1);
    if (cap < 16) {
      throw tooLarge(`The token budget of ${tokenBudget} leaves no room for a highlight`);
    }
    const capped = tokenizer.cap(text, cap, CUT_MARKER);
    if (capped.cut) {
      this.stats.cutHighlights += 1;
    }
    for (const url of findUrls(capped.text)) {
      this.allowedUrls.add(url);
    }
    const line = JSON.stringify({ ...head, text: capped.text });
    return { id, text: line, tokens: tokenizer.count(line) };
  }

  /** A partial document as one JSON line for a merge request, its texts redacted when asked. */
  private partLine(doc: ModelDocument): Line {
    const text = JSON.stringify(mapStrings(doc, (s) => this.scrub(s)));
    return { id: "", text, tokens: this.options.tokenizer.count(text) };
  }

  private scrub(text: string): string {
    if (!this.options.redact) {
      return text;
    }
    const { text: out, counts } = redactPiiCounting(text);
    this.stats.redactions += counts.email + counts.phone + counts.niNumber;
    return out;
  }
}

/** Fence lines around the chat material, with a nonce that none of the material contains. */
function makeFence(nonce: () => string, material: readonly string[]): { dataStart: string; dataEnd: string } {
  for (;;) {
    const n = nonce();
    if (!material.some((text) => text.includes(n))) {
      return { dataStart: `<<<WEEKNOTES_DATA ${n}>>>`, dataEnd: `<<<END_WEEKNOTES_DATA ${n}>>>` };
    }
  }
}

function randomNonce(): string {
  return randomBytes(6).toString("hex");
}

function tooLarge(message: string): SummariserError {
  return new SummariserError("summariser.too_large", message, {
    policy: "never",
    hint: "Raise OPENAI_TOKEN_BUDGET or lower OPENAI_HIGHLIGHT_TOKEN_CAP",
  });
}

function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === "string") {
    return f(value) as T;
  }
  if (Array.isArray(value)) {
    return value.map((v) => mapStrings(v, f)) as T;
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)])) as T;
  }
  return value;
}
