import { createHmac } from "node:crypto";

/** The two headers Slack signs a request with. */
export interface SlackSignatureHeaders {
  "x-slack-signature": string;
  "x-slack-request-timestamp": string;
}

/**
 * Signs a body the way Slack does ("Verifying requests from Slack"): HMAC-SHA256, keyed with the
 * signing secret, over `v0:{timestamp}:{body}`, hex-encoded and prefixed `v0=`. Written from the
 * documentation rather than with Bolt, so the tests check Bolt's verifier against an independent
 * signer. `timestampSeconds` is Unix seconds: take it from the test's fake clock.
 */
export function signSlackRequest(
  body: string,
  secret: string,
  timestampSeconds: number,
): SlackSignatureHeaders {
  const timestamp = String(timestampSeconds);
  const digest = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`, "utf8").digest("hex");
  return { "x-slack-signature": `v0=${digest}`, "x-slack-request-timestamp": timestamp };
}

export interface SignedPostOptions {
  /** The signing secret; omit with `unsigned: true`. */
  secret: string;
  /** Unix seconds put in `X-Slack-Request-Timestamp` and the signature. */
  timestampSeconds: number;
  /** Extra headers, e.g. `x-slack-retry-num`; these override the signed ones when they clash. */
  headers?: Record<string, string>;
  /** Send no signature headers at all. */
  unsigned?: boolean;
  /** Sign this text instead of the body sent (to send bytes the signature does not cover). */
  signedBody?: string;
}

export interface PostResult {
  status: number;
  body: string;
  headers: Headers;
}

/** POSTs `body` as is with the given content type and Slack signature headers; returns status and text. */
export async function postSigned(
  url: string,
  body: string,
  contentType: string,
  options: SignedPostOptions,
): Promise<PostResult> {
  const signature = options.unsigned
    ? {}
    : signSlackRequest(options.signedBody ?? body, options.secret, options.timestampSeconds);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": contentType, ...signature, ...options.headers },
    body,
  });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** POSTs an Events API envelope (`event_callback`, `url_verification`) as JSON. A string is sent verbatim. */
export function postSlackEvent(url: string, envelope: object | string, options: SignedPostOptions) {
  const body = typeof envelope === "string" ? envelope : JSON.stringify(envelope);
  return postSigned(url, body, "application/json", options);
}

/** POSTs a slash command as Slack does: its fields form-encoded (`command=/weeknotes&text=…`). */
export function postSlackCommand(url: string, fields: Record<string, string>, options: SignedPostOptions) {
  return postSigned(
    url,
    new URLSearchParams(fields).toString(),
    "application/x-www-form-urlencoded",
    options,
  );
}

/** POSTs an interaction (block action, shortcut, view submission) as Slack does: `payload=` + JSON, form-encoded. */
export function postSlackInteraction(url: string, payload: object, options: SignedPostOptions) {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(url, body, "application/x-www-form-urlencoded", options);
}
