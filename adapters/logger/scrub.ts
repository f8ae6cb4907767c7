/**
 * Scrubbing secrets out of text that is about to be written where people read it: log lines and
 * the CLI's error lines. Two rules (the project's, issue 12; see src/config.ts, "What is never
 * printed"):
 * - a URL is written without its credentials: `https://user:password@host/` → `https://host/`;
 * - the value of a setting is never written back: where one appears it is replaced by the
 *   setting's name in angle brackets (`<SLACK_BOT_TOKEN>`).
 * Pure functions; each runs in time linear in the text's length.
 */

// `scheme://` then the user-info part up to its last `@`, which ends the authority's user info
// (WHATWG URL). The user info stops at whitespace, `/`, `?`, `#`, a `"` or a backslash (in a JSON
// log line a quote inside it is written `\"`, so a backslash takes the character after it along).
// The scheme is bounded (RFC 3986 names are short), so no start position rescans a long run.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)(?:[^\s/?#"\\]|\\.)*@/gi;

/** `text` with the `user:password@` part of every URL in it removed. */
export function withoutUrlCredentials(text: string): string {
  return text.includes("@") ? text.replace(URL_CREDENTIALS, "$1") : text;
}

/** Settings shorter than this are not looked for, unless they are secrets: too likely to be a word. */
const SHORTEST_MASKED = 8;

/**
 * `text` with every occurrence of a setting's value replaced by `<NAME>` (longest values first, so
 * a value inside another is not half-replaced), then without URL credentials
 * ({@link withoutUrlCredentials}). `settings` are (name, value) pairs as given; a value of a name in
 * `secretNames` is always looked for, any other only from {@link SHORTEST_MASKED} characters (a
 * token pasted into `LOG_LEVEL` is long; `info` could be part of a word).
 */
export function maskSettingValues(
  text: string,
  settings: Iterable<readonly [name: string, value: string | undefined]>,
  secretNames: ReadonlySet<string> = new Set(),
): string {
  const masked = [...settings]
    .map(([name, value]) => [name, value?.trim() ?? ""] as const)
    .filter(([name, value]) =>
      secretNames.has(name)
        ? value.length > 0
        : // A plain word (`SingleTenant`, `info`) is a setting's ordinary value, not a pasted secret.
          value.length >= SHORTEST_MASKED && !/^[A-Za-z]+$/.test(value),
    )
    .sort((a, b) => b[1].length - a[1].length);
  let out = text;
  for (const [name, value] of masked) {
    out = replaceStandalone(out, value, `<${name}>`);
  }
  return withoutUrlCredentials(out);
}

const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);

/**
 * Replaces each occurrence of `value` that is not part of a longer word: a short secret (`e`)
 * inside "problem" is neither hidden there (mangling the sentence) nor revealed by where it was.
 */
function replaceStandalone(text: string, value: string, by: string): string {
  let out = "";
  let from = 0;
  for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
    if (at < from) {
      continue;
    }
    const before = text[at - 1];
    const after = text[at + value.length];
    const joinsBefore = isWordChar(before) && isWordChar(value[0]);
    const joinsAfter = isWordChar(after) && isWordChar(value[value.length - 1]);
    if (!joinsBefore && !joinsAfter) {
      out += text.slice(from, at) + by;
      from = at + value.length;
    }
  }
  return out + text.slice(from);
}
