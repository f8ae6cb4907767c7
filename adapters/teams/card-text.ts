/**
 * Text rules for what we put on Adaptive Cards in Teams: how big a payload is, how chat text is
 * shown (bidi controls made visible, URLs as links we build), which way a note reads, and how a
 * long line is split without losing a character. Pure functions.
 */

import { graphemesOf } from "../../src/domain/graphemes.ts";

/**
 * Bytes a JSON payload takes, counted both ways Teams could count it: two bytes per UTF-16 code
 * unit ("The bot message size limit includes the entire message payload encoded as UTF-16",
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages) and
 * UTF-8 on the wire; the larger of the two. Linear in the JSON's length.
 */
export function payloadBytes(value: unknown): number {
  return textBytes(JSON.stringify(value) ?? "");
}

/** Bytes of a string by the same rule as payloadBytes: max(2 × UTF-16 units, UTF-8 bytes). */
export function textBytes(text: string): number {
  return Math.max(2 * text.length, Buffer.byteLength(text, "utf8"));
}

// U+202A–U+202E (embeddings, overrides), U+2066–U+2069 (isolates), U+200E/U+200F (marks) and
// U+061C (Arabic letter mark): characters that reorder what is shown around them
// (CVE-2021-42574 "Trojan Source"). Chat text shows them as visible `<U+202E>` instead.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/** Chat text with each bidi control character shown as `<U+XXXX>`; nothing else changes. */
export function showBidiControls(text: string): string {
  return text.replace(
    BIDI_CONTROLS,
    (c) => `<U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}>`,
  );
}

// Letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic,
// Adlam…) against every other letter. Strong bidi classes R/AL are what matters; the scripts
// that carry them are listed, as JavaScript has no \p{Bidi_Class}.
const RTL_LETTER =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Mende_Kikakui}\p{Script=Imperial_Aramaic}\p{Script=Phoenician}\p{Script=Yezidi}]/u;
const LETTER = /\p{L}/u;

/**
 * Whether `texts` read right to left: letters of right-to-left scripts (Hebrew, Arabic…)
 * outnumber all other letters. Digits, punctuation and emoji count for neither.
 */
export function isRtlDominant(texts: Iterable<string>): boolean {
  let rtl = 0;
  let ltr = 0;
  for (const text of texts) {
    for (const char of text) {
      if (RTL_LETTER.test(char)) {
        rtl += 1;
      } else if (LETTER.test(char)) {
        ltr += 1;
      }
    }
  }
  return rtl > ltr;
}

/** One piece of a line of chat text: plain words, or a URL that is a link we built. */
export type TextPiece = { readonly text: string; readonly url?: string };

// A bare http(s) URL; `<`, `>`, `|`, quotes and whitespace end it (as in adapters/slack/escape.ts).
const URL_IN_TEXT = /https?:\/\/[^\s<>|"]+/g;
// Longer URLs stay text: a link's title and target are both in the card, so each counts twice.
const MAX_LINK_LENGTH = 1000;

/**
 * Splits text into plain pieces and link pieces. Each bare `http(s)://` URL becomes a piece with
 * `url` (shown as the URL itself: no disguised labels), trailing sentence punctuation and an
 * unbalanced `)` staying outside it. The pieces' texts join back to `text`.
 */
export function linkPieces(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = trimUrl(match[0]);
    if (url.length <= "https://".length || url.length > MAX_LINK_LENGTH || !URL.canParse(url)) {
      continue;
    }
    if (match.index > last) {
      pieces.push({ text: text.slice(last, match.index) });
    }
    pieces.push({ text: url, url });
    last = match.index + url.length;
  }
  if (last < text.length) {
    pieces.push({ text: text.slice(last) });
  }
  return pieces;
}

function trimUrl(candidate: string): string {
  let url = candidate;
  const opens = count(url, "(");
  let closes = count(url, ")");
  for (;;) {
    const lastChar = url.at(-1);
    if (lastChar === undefined) {
      return url;
    }
    if (".,;:!?'*_~".includes(lastChar)) {
      url = url.slice(0, -1);
    } else if (lastChar === ")" && opens < closes) {
      url = url.slice(0, -1);
      closes -= 1;
    } else {
      return url;
    }
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) {
    if (c === char) {
      n += 1;
    }
  }
  return n;
}

/**
 * Splits a line into consecutive pieces of at most `maxBytes` (by {@link textBytes} of their JSON
 * string form, so escaping is counted): after a space where it can, else between graphemes (an
 * emoji with its modifiers or a ZWJ sequence stays whole), a `<U+XXXX>` marker never split. The
 * pieces join back to `line` exactly. A single grapheme longer than `maxBytes` (thousands of
 * combining marks) is cut between code points.
 */
export function splitLine(line: string, maxBytes: number): string[] {
  if (jsonTextBytes(line) <= maxBytes) {
    return [line];
  }
  const pieces: string[] = [];
  let current = "";
  let currentBytes = 0;
  for (const word of wordsOf(line)) {
    const bytes = jsonTextBytes(word);
    if (bytes > maxBytes) {
      for (const atom of atomsOf(word, maxBytes)) {
        const atomBytes = jsonTextBytes(atom);
        if (current !== "" && currentBytes + atomBytes > maxBytes) {
          pieces.push(current);
          current = "";
          currentBytes = 0;
        }
        current += atom;
        currentBytes += atomBytes;
      }
      continue;
    }
    if (current !== "" && currentBytes + bytes > maxBytes) {
      pieces.push(current);
      current = "";
      currentBytes = 0;
    }
    current += word;
    currentBytes += bytes;
  }
  if (current !== "") {
    pieces.push(current);
  }
  return pieces;
}

/** Whether JSON.stringify escapes something in `text`: quotes, backslashes, controls, surrogates. */
function needsJsonEscape(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      return true;
    }
  }
  return false;
}

/**
 * Bytes of a string inside JSON (escapes counted, quotes not). Serialising only the strings that
 * have something to escape keeps a 40,000-character line's split within a few milliseconds.
 */
function jsonTextBytes(text: string): number {
  return needsJsonEscape(text) ? textBytes(JSON.stringify(text)) - 4 : textBytes(text);
}

/** Words with the spaces that follow them: `a b  c` → `a `, `b  `, `c`. */
function* wordsOf(line: string): Generator<string> {
  let start = 0;
  let inSpace = false;
  for (let i = 0; i < line.length; i++) {
    const space = line.charCodeAt(i) === 32;
    if (!space && inSpace) {
      yield line.slice(start, i);
      start = i;
    }
    inSpace = space;
  }
  if (start < line.length) {
    yield line.slice(start);
  }
}

const MARKER = /<U\+[0-9A-F]{4,6}>/g;

function* atomsOf(word: string, maxBytes: number): Generator<string> {
  let last = 0;
  for (const match of word.matchAll(MARKER)) {
    yield* graphemeAtoms(word.slice(last, match.index), maxBytes);
    yield match[0];
    last = match.index + match[0].length;
  }
  yield* graphemeAtoms(word.slice(last), maxBytes);
}

function* graphemeAtoms(text: string, maxBytes: number): Generator<string> {
  for (const grapheme of graphemesOf(text)) {
    yield* jsonTextBytes(grapheme) <= maxBytes ? [grapheme] : Array.from(grapheme);
  }
}
