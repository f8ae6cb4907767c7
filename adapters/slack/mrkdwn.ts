/**
 * Decoding of Slack's message markup ("mrkdwn") into plain text for summarising and display.
 * Rules follow Slack's "Formatting text for app surfaces" docs: only `&`, `<` and `>` are escaped
 * (as `&amp;` `&lt;` `&gt;`), and `<…>` holds mentions, channel links, special mentions and URLs.
 *
 * Linear time on any input: each pattern here can only start at a `<`, `&` or `:` and never scans
 * past the next one, so a 40,000-character run of any of them is read once (checked with scslre
 * in test/unit/text-linear.unit.test.ts; figures in bench/text-scan).
 */

/** Looks names up for mentions; both return undefined when the id is unknown. */
export interface SlackNameLookup {
  userName(userId: string): string | undefined;
  channelName(channelId: string): string | undefined;
  /**
   * The Unicode of a standard emoji short name (`tada` → 🎉), with a Slack skin tone 2–6 when
   * given; undefined for custom and unknown emoji, which stay as `:name:`.
   */
  emoji?(name: string, skinTone: number | undefined): string | undefined;
}

const TOKEN = /<([^<>]*)>/g;
// `:tada:` and `:wave::skin-tone-3:` as Slack writes emoji inside message text.
const SHORTCODE = /:([a-z0-9_+'-]+):(?::skin-tone-([2-6]):)?/g;

/** `&amp;` `&lt;` `&gt;` back to `&` `<` `>`, in one pass so `&amp;lt;` becomes `&lt;`, not `<`. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) =>
    name === "amp" ? "&" : name === "lt" ? "<" : ">",
  );
}

/**
 * Slack markup → plain text, Unicode untouched:
 * `<@U1>` and legacy `<@U1|name>` → `@Display Name`; `<#C1|general>` → `#general`;
 * `<https://x|label>` → `label (https://x)`; `<https://x>` → `https://x`; `<mailto:a@b|a@b>` → `a@b`;
 * `<!here>`, `<!channel>`, `<!everyone>` → `@here`… as inert words; `<!subteam^S1|@team>` → `@team`;
 * an empty label (`<#C1|>`) counts as none, and an id nobody can name shows as the id (`#C1`);
 * `<!date^…|fallback>` → `fallback`; entities decoded last.
 */
export function decodeSlackText(text: string, names: SlackNameLookup): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    out += decodePlain(text.slice(last, match.index), names);
    out += decodeToken(match[1] ?? "", names);
    last = match.index + match[0].length;
  }
  return out + decodePlain(text.slice(last), names);
}

// Emoji are replaced only outside `<…>`, so a URL holding `:name:` is never touched.
function decodePlain(text: string, names: SlackNameLookup): string {
  const decoded = decodeSlackEntities(text);
  const emoji = names.emoji?.bind(names);
  if (!emoji) {
    return decoded;
  }
  return decoded.replace(
    SHORTCODE,
    (whole, name: string, tone: string | undefined) =>
      emoji(name, tone === undefined ? undefined : Number(tone)) ?? whole,
  );
}

function decodeToken(body: string, names: SlackNameLookup): string {
  const bar = body.indexOf("|");
  const target = bar === -1 ? body : body.slice(0, bar);
  // An empty label (`<#C0GENERAL1|>`, as exports hold) is no label: the name is looked up instead.
  const label = bar === -1 || bar === body.length - 1 ? undefined : decodeSlackEntities(body.slice(bar + 1));
  const sigil = target.charAt(0);
  if (sigil === "@") {
    const id = target.slice(1);
    return `@${names.userName(id) || label?.replace(/^@/, "") || id}`;
  }
  if (sigil === "#") {
    const id = target.slice(1);
    return `#${names.channelName(id) || label?.replace(/^#/, "") || id}`;
  }
  if (sigil === "!") {
    return decodeSpecial(target.slice(1), label);
  }
  const url = decodeSlackEntities(target);
  if (url.startsWith("mailto:")) {
    return label ?? url.slice("mailto:".length);
  }
  if (label === undefined || label === url || label === url.replace(/^https?:\/\//, "")) {
    return url;
  }
  return `${label} (${url})`;
}

function decodeSpecial(command: string, label: string | undefined): string {
  const [name = ""] = command.split("^");
  switch (name) {
    case "here":
    case "channel":
    case "everyone":
      return `@${name}`;
    case "subteam":
      return label ? `@${label.replace(/^@/, "")}` : "@group";
    default:
      // `<!date^…|fallback>` and anything Slack adds later: its fallback text, else nothing loud.
      return label ?? "";
  }
}

/** Slack markup that would ping or broadcast if posted back as it is (`<!here>`, `<@U…>`…). */
export function hasBroadcast(text: string): boolean {
  return /<!(here|channel|everyone|subteam\^)/.test(text);
}
