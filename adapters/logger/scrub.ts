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
    .filter(([name, value]) => value.length >= (secretNames.has(name) ? 1 : SHORTEST_MASKED))
    .sort((a, b) => b[1].length - a[1].length);
  let out = text;
  for (const [name, value] of masked) {
    out = out.replaceAll(value, `<${name}>`);
  }
  return withoutUrlCredentials(out);
}
