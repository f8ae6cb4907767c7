import { createHmac, timingSafeEqual } from "node:crypto";

/** The header that carries a delivery's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = "x-weeknotes-signature";
/** How old a signed timestamp a receiver should accept, seconds (5 minutes, as Slack's own rule). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * The signature header's value for `body` sent at `timestampSeconds`: `t=<timestamp>,v1=<hex>`,
 * where hex is HMAC-SHA256 keyed with `secret` over the UTF-8 bytes of `<timestamp>.<body>` (the
 * same scheme as Stripe's and Slack's signatures, so receivers know how to check it: README,
 * "Webhook").
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`, "utf8").digest("hex");
  return `t=${timestampSeconds},v1=${mac}`;
}

/**
 * Checks a signature header as a receiver should: the header parses, its timestamp is within
 * `toleranceSeconds` of `nowSeconds` (refusing replays of old deliveries), and one of its `v1`
 * values is the HMAC of `<t>.<body>` (compared in constant time). `body` must be the raw request
 * body, before any JSON parsing.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  const parts = header.split(",").map((part) => part.trim().split("="));
  const timestamp = Number(parts.find(([key]) => key === "t")?.[1]);
  if (!Number.isSafeInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    return false;
  }
  const expected = Buffer.from(signWebhook(secret, timestamp, body).split("v1=")[1] ?? "", "hex");
  return parts
    .filter(([key, value]) => key === "v1" && value !== undefined && /^[0-9a-f]{64}$/.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value ?? "", "hex"), expected));
}
