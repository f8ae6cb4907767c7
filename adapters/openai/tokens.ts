/**
 * Token counting with gpt-tokenizer (a port of OpenAI's tiktoken), in the encoding of the model:
 * `cl100k_base` for the GPT-4 and GPT-3.5 families, `o200k_base` for GPT-4o, GPT-4.1, GPT-5, the
 * o-series and every model the library does not know (Azure deployment names, compatible servers).
 * Text is counted as plain text: special-token look-alikes such as `<|endoftext|>` typed in chat
 * count as ordinary characters instead of making the tokenizer throw.
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
// Roughly how many characters a token can hold; only bounds how much of a long text is encoded.
const CHARS_PER_TOKEN_BOUND = 16;

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

function makeTokenizer(encoding: TokenEncoding, api: GptEncoding): Tokenizer {
  const count = (text: string) => api.countTokens(text, PLAIN);
  return {
    encoding,
    count,
    countChat(messages) {
      let total = 3;
      for (const message of messages) {
        total += 3 + count(message.role) + count(message.content);
      }
      return total;
    },
    cap(text, max, marker) {
      if (api.isWithinTokenLimit(text, max, PLAIN) !== false) {
        return { text, cut: false };
      }
      // Encode only a prefix that surely holds more than `max` tokens, not a 600 KB paste.
      const head = text.slice(0, max * CHARS_PER_TOKEN_BOUND);
      let tokens = api.encode(head, PLAIN);
      if (tokens.length <= max) {
        tokens = api.encode(text, PLAIN);
      }
      // Leave room for the marker (its number is at most text.length) and for a token or two
      // that may merge at the seam; widen the slack until the result fits.
      const room = max - count(marker(text.length));
      for (let slack = 1; slack <= 64 && room - slack > 0; slack *= 2) {
        const kept = trimBrokenChar(api.decode(tokens.slice(0, room - slack)));
        const candidate = `${kept}${marker(text.length - kept.length)}`;
        if (count(candidate) <= max) {
          return { text: candidate, cut: true };
        }
      }
      return { text: marker(text.length).slice(0, max), cut: true };
    },
  };
}

// A token boundary can fall inside a multi-byte character; its half decodes as U+FFFD.
function trimBrokenChar(text: string): string {
  return text.replace(/\uFFFD+$/u, "");
}
