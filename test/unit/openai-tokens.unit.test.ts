import { countTokens } from "gpt-tokenizer";
import { beforeAll, describe, expect, it } from "vitest";
import {
  loadTokenizer,
  MAX_RUN,
  pieces,
  type Tokenizer,
  trimBrokenChar,
} from "../../adapters/openai/tokens.ts";

// Issue 12, item 1: gpt-tokenizer's byte-pair merge is quadratic in one unbroken pre-token (1.0 s
// to cap 40,000 letters, 2.8 s for Cyrillic, 1.0 s for spaces). The tokenizer counts and encodes
// in pieces that cut every unbroken run after MAX_RUN characters. These tests run the
// 40,000-character inputs to completion and check values; a quadratic regression takes seconds
// per call here and fails on Vitest's time-out. Nothing is timed.

const N = 40_000; // Slack's longest message, in characters.
const PLAIN = { disallowedSpecial: new Set<string>() };
let tokenizer: Tokenizer;

beforeAll(async () => {
  tokenizer = await loadTokenizer("gpt-4o-mini");
});

/** `unit` repeated to exactly `length` characters. */
function run(unit: string, length = N): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** 40,000 characters of base64 from a fixed pseudo-random sequence (xorshift32). */
function base64(length = N): string {
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

const PROSE = "We launched the new bins form, and (finally) fixed the login bug: thanks Ana! ";

/** 40,000-character adversarial inputs: unbroken runs, chains, and ordinary text for contrast. */
const HOSTILE: Readonly<Record<string, (length?: number) => string>> = {
  letters: (n) => run("a", n),
  digits: (n) => run("1", n),
  cyrillic: (n) => run("я", n),
  ")": (n) => run(")", n),
  "<": (n) => run("<", n),
  ":": (n) => run(":", n),
  "&": (n) => run("&", n),
  spaces: (n) => run(" ", n),
  "line breaks": (n) => run("\n", n),
  "e-mail-like chain": (n) => `${run("a.", (n ?? N) - 1)}@`,
  base64: (n) => base64(n),
  "combining marks": (n) => `a${run("\u0301", (n ?? N) - 1)}`,
  "U+FFFD": (n) => run("\uFFFD", n),
  "emoji (surrogate pairs)": (n) => run("🎉", n),
  "special-token look-alikes": (n) => run("<|endoftext|>", n),
  "URL then )": (n) => `https://x.test/${run(")", (n ?? N) - 15)}`,
  prose: (n) => run(PROSE, n),
};
const inputs = Object.entries(HOSTILE);

/** The longest stretch of `piece` without a change between space and non-space characters. */
function longestRun(piece: string): number {
  let longest = 0;
  let current = 0;
  let previous: boolean | undefined;
  for (const char of piece) {
    const space = /\s/.test(char);
    current = space === previous ? current + char.length : char.length;
    previous = space;
    longest = Math.max(longest, current);
  }
  return longest;
}

describe("pieces", () => {
  it.each(inputs)("%s: joins back to the text, no unbroken run over MAX_RUN, no split pair", (_, make) => {
    const text = make(N);
    const all = [...pieces(text)];
    expect(all.join("")).toBe(text);
    for (const piece of all) {
      expect(longestRun(piece)).toBeLessThanOrEqual(MAX_RUN + 1);
      expect(piece.length).toBeGreaterThan(0);
      expect(/^[\uDC00-\uDFFF]/.test(piece)).toBe(false);
    }
  });

  it("leaves short text whole and cuts ordinary text only where a word starts", () => {
    expect([...pieces("")]).toEqual([]);
    expect([...pieces("We shipped it.")]).toEqual(["We shipped it."]);
    for (const piece of [...pieces(run(PROSE, N))].slice(1)) {
      expect(piece.startsWith(" ")).toBe(true);
    }
  });
});

describe("the tokenizer on 40,000-character adversarial input", () => {
  it.each(inputs)("%s: encodes to as many tokens as it counts, decoding back exactly", (_, make) => {
    const text = make(N);
    const tokens = tokenizer.encode(text);
    expect(tokens.length).toBe(tokenizer.count(text));
    expect(tokenizer.decode(tokens)).toBe(text);
  });

  it.each(inputs)("%s: counts never less than the library counts the whole", (_, make) => {
    // 3,000 characters: the library's whole count is quadratic, but quick at this length.
    const text = make(3_000);
    expect(tokenizer.count(text)).toBeGreaterThanOrEqual(countTokens(text, PLAIN));
  });

  it("counts ordinary text exactly as the library does", () => {
    const text = run(PROSE, N);
    expect(tokenizer.count(text)).toBe(countTokens(text));
    expect(tokenizer.count("chat text with <|endoftext|> in it")).toBe(
      countTokens("chat text with <|endoftext|> in it", PLAIN),
    );
  });

  it.each(["a", "1", "я", ")", " ", "\n", ":"])(
    "counts 40,000 of %j as 200 pieces of MAX_RUN, not as one run",
    (unit) => {
      // The library counts some runs whole differently (40,000 digits: 13,334, not 13,400; spaces:
      // 313, not 400): these values show that the count went piece by piece.
      expect(tokenizer.count(run(unit))).toBe((N / MAX_RUN) * countTokens(run(unit, MAX_RUN), PLAIN));
      expect(tokenizer.encode(run(unit))).toHaveLength(
        (N / MAX_RUN) * countTokens(run(unit, MAX_RUN), PLAIN),
      );
    },
  );

  it.each(inputs)("%s: caps at 200 tokens with the marker, keeping a prefix of the text", (_, make) => {
    const text = make(N);
    const marker = (n: number) => ` [cut ${n}]`;
    const capped = tokenizer.cap(text, 200, marker);
    expect(capped.cut).toBe(true);
    expect(tokenizer.count(capped.text)).toBeLessThanOrEqual(200);
    const match = / \[cut (\d+)\]$/.exec(capped.text);
    expect(match).not.toBeNull();
    const kept = capped.text.slice(0, capped.text.length - (match?.[0].length ?? 0));
    expect(text.startsWith(kept)).toBe(true);
    expect(Number(match?.[1])).toBe(text.length - kept.length);
    // Most of the room is used: the cut is near 200 tokens, not far before.
    expect(tokenizer.count(kept)).toBeGreaterThan(150);
  });

  it.each(inputs)("%s: a text within the cap is kept whole", (_, make) => {
    const text = make(N);
    expect(tokenizer.cap(text, N * 2, (n) => ` [cut ${n}]`)).toEqual({ text, cut: false });
  });
});

describe("trimBrokenChar", () => {
  it("trims the U+FFFD of a split character, never those of the text, on 40,000 of them", () => {
    const fffd = run("\uFFFD");
    expect(trimBrokenChar(fffd, fffd)).toBe(fffd);
    expect(trimBrokenChar(`${fffd}\uFFFD`, `${fffd}я`)).toBe(fffd);
    expect(trimBrokenChar(`abc${fffd}`, `abc${fffd}`)).toBe(`abc${fffd}`);
    expect(trimBrokenChar("abc\uFFFD\uFFFD", "abc🎉")).toBe("abc");
    expect(trimBrokenChar("", "")).toBe("");
  });

  it("keeps a cap of 40,000 U+FFFD made of U+FFFD, not an empty text", () => {
    const capped = tokenizer.cap(run("\uFFFD"), 200, (n) => ` [cut ${n}]`);
    expect(capped.text).toMatch(/^\uFFFD{50,} \[cut \d+\]$/);
  });
});
