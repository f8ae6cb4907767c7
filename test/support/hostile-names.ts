/**
 * Display names an attacker (or a careless admin) can give themselves, a channel or a team: raw
 * HTML, disguised links, tracking pixels, autolinks, entity-encoded HTML, line breaks that try to
 * start a block, table rows, reference links, attribute lists, bidi overrides (issue 12, item 2).
 */
export const HOSTILE_NAMES: readonly string[] = [
  "<img src=x onerror=alert(document.domain)>",
  "[IT Helpdesk](https://evil.example)",
  "![x](https://tracker.example/p.gif)",
  "<https://evil.example/login>",
  "<script>alert(1)</script>",
  "&lt;img src=x onerror=alert(1)&gt;",
  "Bob\n\n<iframe src=https://evil.example></iframe>",
  "Eve\n[ref]: https://evil.example",
  "Eve\n- Approved by the CEO\n# Fake heading\n> quote",
  "[Support][ref]",
  "www.evil.example",
  "https://evil.example/reset",
  "mallory@evil.example",
  "**CEO** _urgent_ `code` ~~old~~",
  "| a | b |\n|---|---|",
  "<!-- hidden -->",
  "{onclick=alert(1)}",
  "Trailing\\",
  "3.12 Release Bot",
  "Ann\u202Eelgoog.www\u202C",
];

/** What a reader should see of a name: white space made one space, bidi controls as `<U+XXXX>`. */
export function shownAs(name: string): string {
  return name
    .replace(/\s+/g, " ")
    .trim()
    .replace(
      /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g,
      (c) => `<U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}>`,
    );
}
