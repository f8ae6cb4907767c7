/**
 * Redaction of personal details from chat text before it leaves the process (SPEC §5 "Safety"):
 * e-mail addresses, UK phone numbers and National Insurance numbers become `[email]`, `[phone]`
 * and `[NI number]`. Pure, no I/O, no library: the patterns are written out and documented here.
 *
 * Why no library: the well-kept e-mail regex package (email-regex-safe) needs the native `re2`
 * module, and the small one (email-regex) also matches `a@b` with no dot, which redacts more
 * than addresses. The domain may import only pure libraries (SPEC §3), and a pattern taken
 * from the WHATWG definition is enough.
 *
 * Redaction errs on the side of privacy, but it does not touch dates (`2026-03-27`, `27/03/2026`),
 * Slack timestamps (`1700000000.000100`), years, money (`£1,250,000.00`) or ids that contain
 * digits (`C0GENERAL1`, `INV-0207946000`).
 *
 * Linear time on any input: chat text may be a 40,000-character paste of anything, and redaction
 * runs on the event loop. No pattern here has an unbounded quantifier that could be retried from
 * every start position (test/unit/text-linear.unit.test.ts checks them with scslre's analysis),
 * and e-mail addresses are found from their `@` (see {@link replaceEmails}) rather than by a
 * pattern scanning each run of letters from each of its letters, which was quadratic (8 s on
 * 50,000 letters). Figures per KB in BENCHMARKS.md (bench/text-scan).
 */

/**
 * E-mail addresses: the WHATWG HTML "valid e-mail address" production
 * (html.spec.whatwg.org/multipage/input.html#valid-e-mail-address), adapted for finding
 * addresses inside running text:
 * - letters and digits may be any script (`\p{L}\p{N}`), so internationalised addresses count;
 * - the local part starts with a letter, digit or `_`, so punctuation before an address (`(`, `'`,
 *   `:` of `mailto:`) stays outside it, and `|` `{` `}` `` ` `` are left out, since Slack markup
 *   (`<mailto:a@b.uk|a@b.uk>`) uses `|`;
 * - the domain needs a dot and ends in a top-level label of 2–63 letters (or `xn--` punycode), so
 *   `@here`, `user@localhost` and a sentence-ending `.` are not taken.
 *
 * As one pattern: `LOCAL_START LOCAL_CHAR* @ DOMAIN`, leftmost-first, each match as long as it can
 * be. It is applied in two parts (see {@link replaceEmails}): the local part by a walk to the left
 * from each `@` over {@link LOCAL_CHAR}s, the domain by {@link DOMAIN}, anchored just after the `@`.
 */
/** One character of an e-mail local part. */
const LOCAL_CHAR = /^[\p{L}\p{N}._%+'!#$&*/=?^~-]$/u;
/** A character that may start an e-mail local part. */
const LOCAL_START = /^[\p{L}\p{N}_]$/u;
/** The domain of an e-mail address, matched only where it starts (sticky): just after an `@`. */
const DOMAIN =
  /(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[\p{L}\p{N}-]{1,59})(?![\p{L}\p{N}-])/uy;

/**
 * UK phone numbers, landline and mobile, in the forms people type (Ofcom's National Telephone
 * Numbering Plan): a trunk `0`, or `+44` / `0044` with an optional `(0)`, then the 9 or 10 digits of
 * the national number, grouped by single spaces or hyphens, with the area code optionally in
 * brackets: `020 7946 0000`, `(0161) 496 0000`, `+44 (0)7700 900123`, `07700-900-123`, `+447700900123`.
 * The match is then checked by {@link isUkNumber}. It must not follow a letter, digit, `.`, `/`,
 * `-`, `_` or `+`, and must not run on into more digits (directly, after a `.`, or after one space
 * or hyphen), so it never takes part of a longer number, a decimal, a date or a Slack ts.
 */
const PHONE =
  /(?<![\p{L}\p{N}./+\-_])(?:(?:\+|00)44[ -]?(?:\(0\)[ -]?)?|\(0|0)[1-9](?:(?:[ -]|\)[ -]?)?\d){8,9}(?![\p{N}])(?!\.\d)(?![ -]\d)/gu;

/**
 * A phone-shaped match is a UK number when its national number (the digits after the trunk `0` or
 * `44`) has the length its first digit calls for: 01 geographic numbers 9 or 10 digits, 08 (0800,
 * 0808 freephone and others) 9 or 10, and 02, 03, 05, 07 and 09 numbers 10 digits.
 */
function isUkNumber(match: string): boolean {
  const digits = match.replace(/\D/g, "");
  const national = digits.startsWith("0044")
    ? digits.slice(4)
    : digits.startsWith("44") && match.trimStart().startsWith("+")
      ? digits.slice(2)
      : digits.slice(1);
  // `+44 (0)20…` leaves the bracketed 0 in front of the national number.
  const nsn = match.includes("(0)") ? national.replace(/^0/, "") : national;
  const first = nsn.charAt(0);
  if (first === "1" || first === "8") {
    return nsn.length === 9 || nsn.length === 10;
  }
  return ["2", "3", "5", "7", "9"].includes(first) && nsn.length === 10;
}

/**
 * National Insurance numbers, HMRC's format (National Insurance Manual NIM39110): two prefix
 * letters, six digits, a suffix letter A–D, written together or in pairs (`AB 12 34 56 C`). The
 * first letter is not D, F, I, Q, U or V; the second is not D, F, I, O, Q, U or V; the prefixes
 * BG, GB, KN, NK, NT, TN and ZZ are never issued. Lower case is accepted too.
 */
const NI_NUMBER =
  /(?<![\p{L}\p{N}])(?!(?:BG|GB|KN|NK|NT|TN|ZZ)[ ]?\d)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\p{L}\p{N}])/giu;

/** What {@link redactPii} found, by kind. */
export interface RedactionCounts {
  email: number;
  phone: number;
  niNumber: number;
}

/**
 * `text` with e-mail addresses, UK phone numbers and National Insurance numbers replaced by
 * `[email]`, `[phone]` and `[NI number]`. E-mail addresses go first, so digits inside an address
 * are not taken for a phone number.
 */
export function redactPii(text: string): string {
  return redactPiiCounting(text).text;
}

/** {@link redactPii}, also saying how many of each kind it replaced. */
export function redactPiiCounting(text: string): { text: string; counts: RedactionCounts } {
  const counts: RedactionCounts = { email: 0, phone: 0, niNumber: 0 };
  const out = replaceEmails(text, () => {
    counts.email += 1;
  })
    .replace(NI_NUMBER, () => {
      counts.niNumber += 1;
      return "[NI number]";
    })
    .replace(PHONE, (match) => {
      if (!isUkNumber(match)) {
        return match;
      }
      counts.phone += 1;
      return "[phone]";
    });
  return { text: out, counts };
}

/**
 * `text` with each e-mail address (see the pattern above {@link LOCAL_CHAR}) replaced by
 * `[email]`, calling `onReplace` once for each. From each `@`, the walk to the left takes the
 * local part back to the first character that may start one, stopping at a character that cannot
 * be in a local part, at the previous `@` or at the end of the previous address; {@link DOMAIN}
 * is tried once, after the `@`. Each character is walked over at most once and each domain is
 * tried from one place only (a domain never holds an `@`), so the time is linear in the length of
 * `text`: at most a few steps per character whatever the text is.
 */
function replaceEmails(text: string, onReplace: () => void): string {
  let out = "";
  let last = 0;
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    const start = localPartStart(text, at, last);
    if (start === undefined) {
      continue;
    }
    DOMAIN.lastIndex = at + 1;
    const domain = DOMAIN.exec(text);
    if (domain === null) {
      continue;
    }
    out += `${text.slice(last, start)}[email]`;
    last = at + 1 + domain[0].length;
    onReplace();
  }
  return out + text.slice(last);
}

/**
 * Where the local part before the `@` at `at` starts: the leftmost character that may start one
 * in the run of local-part characters just before `at` that begins at or after `floor`; undefined
 * when that run holds none (or is empty).
 */
function localPartStart(text: string, at: number, floor: number): number | undefined {
  let start: number | undefined;
  let index = at;
  while (index > floor) {
    const char = codePointBefore(text, index);
    if (!LOCAL_CHAR.test(char)) {
      break;
    }
    index -= char.length;
    if (LOCAL_START.test(char)) {
      start = index;
    }
  }
  return start;
}

/** The code point that ends just before `index` (a surrogate pair counts as one). */
function codePointBefore(text: string, index: number): string {
  const low = text.charCodeAt(index - 1);
  if (index >= 2 && low >= 0xdc00 && low <= 0xdfff) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) {
      return text.slice(index - 2, index);
    }
  }
  return text.slice(index - 1, index);
}
