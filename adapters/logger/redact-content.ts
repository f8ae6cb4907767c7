/**
 * Keeping chat content out of logs (issue 10 item 12). At `LOG_LEVEL=debug` the Slack SDKs log
 * whole Web API requests and responses, event bodies and Socket Mode frames as JSON inside their
 * message strings (`http request result: {…}`, `Received a message on the WebSocket: {…}`,
 * `ack() response sent (body: {…})`), message text included. Debug logs stay useful: method
 * names, `ok`/`error`, ids, timestamps, types, numbers and booleans are kept; any other string in
 * that JSON is replaced by {@link REDACTED}. Pure functions, linear in the text's length.
 */

/** What a removed value is written as. */
export const REDACTED = "[redacted]";

/**
 * Keys whose short string values are metadata, not content: Slack's ids, timestamps, types,
 * method and error names (https://docs.slack.dev/reference/objects/message-object, the Events
 * API envelope, Web API responses).
 */
const KEEP_KEYS = new Set([
  "type",
  "subtype",
  "error",
  "needed",
  "provided",
  "warning",
  "method",
  "ts",
  "thread_ts",
  "event_ts",
  "message_ts",
  "action_ts",
  "latest",
  "oldest",
  "channel",
  "channel_id",
  "channel_type",
  "user",
  "user_id",
  "team",
  "team_id",
  "enterprise_id",
  "app_id",
  "api_app_id",
  "bot_id",
  "event_id",
  "envelope_id",
  "id",
  "action_id",
  "block_id",
  "callback_id",
  "view_id",
  "trigger_id",
  "response_type",
  "reaction",
  "command",
  "next_cursor",
  "request_id",
  "status",
  "code",
  "retry_reason",
  "accepts_response_payload",
  "content-type",
]);

/** Longest kept metadata value; a longer one is not an id. */
const MAX_KEPT_LENGTH = 80;

/** An id or a timestamp under any key: `U0ALICE001`, `C0GENERAL1`, `1774346400.000100`. */
const ID_LIKE = /^(?:[A-Z][A-Z0-9]{5,40}|\d{6,12}(?:\.\d{1,9})?)$/;

/**
 * `value` (parsed JSON) with every string that is not metadata replaced by {@link REDACTED}:
 * under a {@link KEEP_KEYS} key a value up to 80 characters is kept, under any key an id or a
 * timestamp is kept. Numbers, booleans and null are kept. Depth is bounded by the input's.
 */
export function redactJson(value: unknown, key?: string): unknown {
  if (typeof value === "string") {
    if (key !== undefined && KEEP_KEYS.has(key) && value.length <= MAX_KEPT_LENGTH) return value;
    return ID_LIKE.test(value) ? value : REDACTED;
  }
  if (Array.isArray(value)) return value.map((item) => redactJson(item, key));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactJson(v, k);
    return out;
  }
  return value;
}

/**
 * `text` with each JSON object or array inside it redacted ({@link redactJson}); text around them
 * is kept. A `{`/`[` that opens no parseable JSON is kept, but a `"key":"value"` pair after it is
 * still redacted as JSON would be, so half-written or cut-off JSON leaks nothing either.
 */
export function redactContentInText(text: string): string {
  if (!text.includes("{") && !text.includes("[")) return text;
  let out = "";
  let from = 0;
  let at = nextOpening(text, 0);
  while (at >= 0) {
    const end = matchingEnd(text, at);
    if (end < 0) break;
    const segment = text.slice(at, end + 1);
    let parsed: unknown;
    let ok = true;
    try {
      parsed = JSON.parse(segment);
    } catch {
      ok = false;
    }
    if (ok && parsed !== null && typeof parsed === "object") {
      out += text.slice(from, at) + JSON.stringify(redactJson(parsed));
      from = end + 1;
      at = nextOpening(text, from);
    } else {
      at = nextOpening(text, at + 1);
    }
  }
  return out + redactPairs(text.slice(from));
}

// `"key":"string"` (JSON-escaped string); the value is replaced unless {@link redactJson} keeps it.
const STRING_PAIR = /"((?:[^"\\]|\\.){0,64})"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
// A string still open at the end of the text: cut-off JSON.
const OPEN_STRING_PAIR = /"((?:[^"\\]|\\.){0,64})"\s*:\s*"((?:[^"\\]|\\.)*)$/;

function redactPairs(text: string): string {
  if (!text.includes('"')) return text;
  const keep = (key: string, value: string) => redactJson(value, key) === value;
  return text
    .replace(STRING_PAIR, (whole, key: string, value: string) =>
      keep(key, value) ? whole : `"${key}":"${REDACTED}"`,
    )
    .replace(OPEN_STRING_PAIR, (whole, key: string, value: string) =>
      keep(key, value) ? whole : `"${key}":"${REDACTED}`,
    );
}

function nextOpening(text: string, from: number): number {
  const brace = text.indexOf("{", from);
  const bracket = text.indexOf("[", from);
  if (brace < 0) return bracket;
  if (bracket < 0) return brace;
  return Math.min(brace, bracket);
}

/** Index of the bracket closing the one at `start`, skipping JSON strings; -1 when none. */
function matchingEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth += 1;
    else if (c === "}" || c === "]") {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Field names that hold chat content wherever they appear in a log call's fields. */
const CONTENT_FIELDS = new Set([
  "text",
  "fallback",
  "pretext",
  "title",
  "blocks",
  "attachments",
  "markdown",
  "body",
  "payload",
  "rawText",
  "content",
]);

const MAX_FIELD_DEPTH = 6;

/**
 * A log call's fields with chat content removed: values of {@link CONTENT_FIELDS} (at any depth
 * down to 6) become {@link REDACTED}, and JSON inside a string value is redacted as in
 * {@link redactContentInText}. Errors are kept as they are for the logger's error serialiser.
 */
export function redactFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = CONTENT_FIELDS.has(key) && value !== undefined ? REDACTED : redactField(value, depth);
  }
  return out;
}

function redactField(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactContentInText(value);
  if (value instanceof Error || value === null || typeof value !== "object" || depth >= MAX_FIELD_DEPTH) {
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => redactField(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return redactFields(value as Record<string, unknown>, depth + 1);
}
