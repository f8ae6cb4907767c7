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
 *
 * Both functions run in time linear in the text's length whatever it holds (40,000 `)` after a URL
 * included): see test/unit/text-linear.unit.test.ts and bench/text-scan.
 */

/**
 * Plain text → Slack text that shows exactly as written: `&` `<` `>` become `&amp;` `&lt;` `&gt;`,
 * nothing else changes. Not idempotent by design: `&amp;` in the input is text someone typed and
 * becomes `&amp;amp;`, so callers escape once, at the point of building a message.
 */
export function escapeSlackText(text: string): string {
  // Three plain replacements, `&` first so the entities written after it stay whole: each is one
  // linear pass and, unlike one pattern with a callback per match, stays fast on 40,000 `&`.
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
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

/**
 * `candidate` without trailing sentence punctuation and without each trailing `)` that has no `(`
 * to close inside the URL. The brackets are counted once, and the end moves left one character per
 * step: linear in the candidate's length, however many `)` or `.` it ends with.
 */
function trimUrl(candidate: string): string {
  let opens = 0;
  let closes = 0;
  for (let i = 0; i < candidate.length; i++) {
    const code = candidate.charCodeAt(i);
    if (code === 0x28) {
      opens += 1;
    } else if (code === 0x29) {
      closes += 1;
    }
  }
  let end = candidate.length;
  while (end > 0) {
    const lastChar = candidate.charAt(end - 1);
    if (".,;:!?'*_~".includes(lastChar)) {
      end -= 1;
    } else if (lastChar === ")" && opens < closes) {
      end -= 1;
      closes -= 1;
    } else {
      break;
    }
  }
  return candidate.slice(0, end);
}
