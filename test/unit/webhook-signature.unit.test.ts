import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhookSignature } from "../../adapters/publish/webhook-signature.ts";

const SECRET = "0123456789abcdef0123456789abcdef";
const BODY = '{"type":"weeknote.approved","week":"2026-W13","title":"Bins — ü"}';

describe("the webhook signature", () => {
  it("is t=<seconds>,v1=<hex HMAC-SHA256 of `<t>.<body>`>", () => {
    const mac = createHmac("sha256", SECRET).update(`1774612800.${BODY}`, "utf8").digest("hex");
    expect(signWebhook(SECRET, 1774612800, BODY)).toBe(`t=1774612800,v1=${mac}`);
  });

  it("verifies only the same body, secret and a recent timestamp", () => {
    const header = signWebhook(SECRET, 1774612800, BODY);
    expect(verifyWebhookSignature(SECRET, header, BODY, 1774612800 + 299)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, BODY, 1774612800 - 299)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, BODY, 1774612800 + 301)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, `${BODY}\n`, 1774612800)).toBe(false);
    expect(verifyWebhookSignature(`${SECRET}x`, header, BODY, 1774612800)).toBe(false);
    expect(
      verifyWebhookSignature(SECRET, header.replace("t=1774612800", "t=1774612801"), BODY, 1774612800),
    ).toBe(false);
    expect(verifyWebhookSignature(SECRET, undefined, BODY, 1774612800)).toBe(false);
    expect(verifyWebhookSignature(SECRET, "t=1774612800,v1=zz", BODY, 1774612800)).toBe(false);
    expect(verifyWebhookSignature(SECRET, "garbage", BODY, 1774612800)).toBe(false);
  });
});
