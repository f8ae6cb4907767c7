/**
 * Token counting with gpt-tokenizer (a port of OpenAI's tiktoken), in the encoding of the model:
 * `cl100k_base` for the GPT-4 and GPT-3.5 families, `o200k_base` for GPT-4o, GPT-4.1, GPT-5, the
 * o-series and every model the library does not know (Azure deployment names, compatible servers).
 * Text is counted as plain text: special-token look-alikes such as `<|endoftext|>` typed in chat
 * count as ordinary characters instead of making the tokenizer throw.
 *
 * The library's byte-pair merge is quadratic in the length of one pre-token: 40,000 unbroken
 * letters took 1.0 s, Cyrillic 2.8 s, spaces 1.0 s (issue 12). So text is counted and encoded in
 * {@link pieces} that cut every unbroken run (of non-space or of space characters) after
 * {@link MAX_RUN} characters: each piece costs at most a few hundred characters' merging. A cut
 * inside a run splits at most a token in two, so a count can only be higher than the library's
 * count of the whole, never lower (checked in test/unit/openai-tokens.unit.test.ts).
 * Tokens of the pieces, concatenated, decode back to exactly the text.
 */
import { GptEncoding } from "gpt-tokenizer/GptEncoding";
import { modelToEncodingMap } from "gpt-tokenizer/mapping";
import { resolveEncodingAsync } from "gpt-tokenizer/resolveEncodingAsync";

export type TokenEncoding = "o200k_base" | "cl100k_base";

/** One chat message as the API receives it. */
export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

export interface Tokenizer {
  readonly encoding: TokenEncoding;
  /** Tokens in `text`. */
  count(text: string): number;
  /** The tokens of `text`, piece by piece as they are counted: as many as {@link count} says. */
  encode(text: string): number[];
  /** The text of `tokens` (U+FFFD where they end inside a character). */
  decode(tokens: readonly number[]): string;
  /**
   * Tokens of a chat request's messages as the API bills them: each message's content and role
   * plus 3 tokens of framing, plus 3 that prime the reply (OpenAI cookbook, "How to count tokens
   * with tiktoken", for the gpt-4o and gpt-4 families).
   */
  countChat(messages: readonly ChatMessage[]): number;
  /**
   * `text` cut to at most `max` tokens, with `marker(omittedChars)` appended (and counted within
   * `max`) when anything was cut; the whole text is never encoded when it is far over.
   */
  cap(text: string, max: number, marker: (omittedChars: number) => string): { text: string; cut: boolean };
}

// Plain text: special tokens are neither allowed nor rejected, just encoded as characters.
const PLAIN = { disallowedSpecial: new Set<string>() };
/** Longest unbroken run (of non-space or of space characters) handed to the tokenizer in one piece. */
export const MAX_RUN = 200;
/** A piece also ends at the next word start after this many characters, so `cap` encodes little more than it keeps. */
const PIECE_TARGET = 2_000;

/**
 * `text` cut into consecutive pieces that join back to it: within any unbroken run longer than
 * {@link MAX_RUN}, a cut every {@link MAX_RUN} characters; and, once a piece is
 * {@link PIECE_TARGET} long, a cut where the next run of spaces starts (where the tokenizer's own
 * pre-tokens start anyway, so ordinary text counts exactly as a whole). Never between the two
 * halves of a surrogate pair. One pass, linear in the length.
 */
export function* pieces(text: string): Generator<string, void, undefined> {
  let start = 0;
  let runStart = 0;
  let previousSpace = text.length > 0 && isSpace(text.charCodeAt(0));
  for (let i = 1; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const space = isSpace(code);
    if (space !== previousSpace) {
      previousSpace = space;
      runStart = i;
      if (space && i - start >= PIECE_TARGET) {
        yield text.slice(start, i);
        start = i;
      }
    } else if (i - runStart >= MAX_RUN && !(code >= 0xdc00 && code <= 0xdfff)) {
      yield text.slice(start, i);
      start = i;
      runStart = i;
    }
  }
  if (start < text.length) {
    yield text.slice(start);
  }
}

/** White space as the tokenizer's `\s` sees it. */
function isSpace(code: number): boolean {
  if (code < 0x80) {
    return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  }
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** The encoding of `model`; `o200k_base` for models the library does not list. */
export function encodingForModel(model: string): TokenEncoding {
  const known = (modelToEncodingMap as Readonly<Record<string, string | undefined>>)[model];
  // Dated snapshots (`gpt-4-0613`) are listed; fine-tunes (`ft:gpt-4-0613:org::id`) name their base.
  const base =
    known ??
    (modelToEncodingMap as Readonly<Record<string, string | undefined>>)[
      model.replace(/^ft:/, "").split(":")[0] ?? ""
    ];
  return base === "cl100k_base" ? "cl100k_base" : "o200k_base";
}

const cache = new Map<TokenEncoding, Promise<Tokenizer>>();

/** The tokenizer of `model`'s encoding, loaded once per process (the o200k table is 2.4 MB). */
export function loadTokenizer(model: string): Promise<Tokenizer> {
  const encoding = encodingForModel(model);
  let tokenizer = cache.get(encoding);
  if (!tokenizer) {
    tokenizer = resolveEncodingAsync(encoding).then(
      (ranks) =>
        makeTokenizer(
          encoding,
          GptEncoding.getEncodingApi(encoding, () => ranks),
        ),
      (error: unknown) => {
        // Not cached: the next draft tries to load it again.
        cache.delete(encoding);
        throw error;
      },
    );
    cache.set(encoding, tokenizer);
  }
  return tokenizer;
}

/**
 * Runs the tokenizer once over long runs of the kinds chat pastes hold (letters, Cyrillic, digits,
 * brackets, spaces, base64-like text), so that the engine compiles its hot paths at start-up: the
 * first draft's first caps otherwise held the event loop for 40–60 ms each (issue 12). About 60 ms.
 */
export function warmUp(tokenizer: Tokenizer): void {
  let base64Like = "";
  for (let i = 0; i < 1_000; i += 1) {
    base64Like += "AbQz09+/xY7mKp3W"[(i * 7 + (i >> 3)) % 16];
  }
  const sample = [
    "We shipped the bins form (finally): thanks Ana! https://x.test/a_(b)?c=1",
    "a".repeat(1_000),
    "я".repeat(1_000),
    "1".repeat(500),
    ")".repeat(500),
    " ".repeat(300),
    "\n".repeat(300),
    base64Like,
  ].join(" ");
  for (let round = 0; round < 3; round += 1) {
    tokenizer.cap(sample, 100, (omitted) => ` [${omitted}]`);
    tokenizer.count(sample);
  }
}

function makeTokenizer(encoding: TokenEncoding, api: GptEncoding): Tokenizer {
  const count = (text: string) => {
    let total = 0;
    for (const piece of pieces(text)) {
      total += api.countTokens(piece, PLAIN);
    }
    return total;
  };
  /** The tokens of `text`'s first pieces, stopping once more than `limit` are encoded; all of them when it fits. */
  const encodePast = (text: string, limit: number): number[] => {
    const tokens: number[] = [];
    for (const piece of pieces(text)) {
      for (const token of api.encode(piece, PLAIN)) {
        tokens.push(token);
      }
      if (tokens.length > limit) {
        break;
      }
    }
    return tokens;
  };
  return {
    encoding,
    count,
    encode: (text) => encodePast(text, Number.POSITIVE_INFINITY),
    decode: (tokens) => api.decode(tokens),
    countChat(messages) {
      let total = 3;
      for (const message of messages) {
        total += 3 + count(message.role) + count(message.content);
      }
      return total;
    },
    cap(text, max, marker) {
      // Encode only the pieces that take it past `max` tokens, not a 600 KB paste.
      const tokens = encodePast(text, max);
      if (tokens.length <= max) {
        return { text, cut: false };
      }
      // Leave room for the marker (its number is at most text.length) and for a token or two
      // that may merge at the seam; widen the slack until the result fits.
      const room = max - count(marker(text.length));
      for (let slack = 1; slack <= 64 && room - slack > 0; slack *= 2) {
        const kept = trimBrokenChar(api.decode(tokens.slice(0, room - slack)), text);
        const candidate = `${kept}${marker(text.length - kept.length)}`;
        if (count(candidate) <= max) {
          return { text: candidate, cut: true };
        }
      }
      return { text: marker(text.length).slice(0, max), cut: true };
    },
  };
}

/**
 * `decoded` (the text of a prefix of `text`'s tokens) without the U+FFFD that a token boundary
 * inside a multi-byte character decodes to: at most three, one per byte of the split character.
 * U+FFFD that are in the text itself are kept. A loop from the end, not /\uFFFD+$/u, which retries
 * from every U+FFFD of a long run (quadratic).
 */
export function trimBrokenChar(decoded: string, text: string): string {
  let end = decoded.length;
  for (let trimmed = 0; trimmed < 3 && end > 0 && decoded.charCodeAt(end - 1) === 0xfffd; trimmed += 1) {
    if (text.startsWith(decoded.slice(0, end))) {
      break;
    }
    end -= 1;
  }
  return decoded.slice(0, end);
}
