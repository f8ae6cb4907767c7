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
 */
const EMAIL =
  /[\p{L}\p{N}_][\p{L}\p{N}._%+'!#$&*/=?^~-]*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[\p{L}\p{N}-]{1,59})(?![\p{L}\p{N}-])/gu;

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
  const out = text
    .replace(EMAIL, () => {
      counts.email += 1;
      return "[email]";
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
