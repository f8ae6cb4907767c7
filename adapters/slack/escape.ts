/**
 * Escaping of text we post to Slack, after Slack's "Formatting text for app surfaces" docs
 * (https://docs.slack.dev/messaging/formatting-message-text#escaping): `&`, `<` and `>` are
 * Slack's control characters and are sent as `&amp;` `&lt;` `&gt;`; nothing else is entity-encoded
 * (an over-escaped `'` shows as `&#39;` in Slack, tryfabric/mack#21).
 *
 * Escaping happens exactly once, where blocks and message texts are built (adapters/slack/blocks.ts
 * and slack-chat.ts). Everything that reaches those builders is plain text: decoded chat text, an
 * LLM's output, our own words. So `<!here>` in a highlight or in an LLM answer arrives as
 * `&lt;!here&gt;` and shows as typed, instead of pinging a channel (CASES C7, C17).
 */

const ENTITY: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Plain text → Slack text that shows exactly as written: `&` `<` `>` become `&amp;` `&lt;` `&gt;`,
 * nothing else changes. Not idempotent by design: `&amp;` in the input is text someone typed and
 * becomes `&amp;amp;`, so callers escape once, at the point of building a message.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITY[c] ?? c);
}

// A bare http(s) URL in plain text. `<`, `>`, `|` and quotes end it: none can be inside a Slack link.
const URL_IN_TEXT = /https?:\/\/[^\s<>|"]+/g;
// Longer URLs stay plain text, so that a link is always short enough to sit inside one block.
const MAX_LINK_LENGTH = 1000;

/**
 * Plain text → escaped mrkdwn in which each bare `http(s)://` URL is a link built by code, `<url>`,
 * showing the URL itself (no disguised labels). Used with `verbatim: true` text objects, where
 * Slack turns nothing into a link or mention by itself, so the only live markup in what we post is
 * what this function wrote. Trailing sentence punctuation and an unbalanced `)` stay outside the
 * link: `(see https://x.test/a).` links `https://x.test/a`.
 */
export function escapeSlackMrkdwn(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = trimUrl(match[0]);
    if (url.length <= "https://".length || url.length > MAX_LINK_LENGTH) {
      continue;
    }
    out += escapeSlackText(text.slice(last, match.index));
    out += `<${escapeSlackText(url)}>`;
    last = match.index + url.length;
  }
  return out + escapeSlackText(text.slice(last));
}

function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const lastChar = url.at(-1);
    if (lastChar === undefined) {
      return url;
    }
    if (".,;:!?'*_~".includes(lastChar)) {
      url = url.slice(0, -1);
    } else if (lastChar === ")" && count(url, "(") < count(url, ")")) {
      url = url.slice(0, -1);
    } else {
      return url;
    }
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
