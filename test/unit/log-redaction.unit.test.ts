import { describe, expect, it } from "vitest";
import { REDACTED, redactContentInText, redactFields } from "../../adapters/logger/redact-content.ts";

// Issue 10 item 12: what the SDKs log at debug keeps ids and outcomes and loses chat content.

describe("redactContentInText", () => {
  it("redacts a Web API response inside a message and keeps ids, types, timestamps and outcomes", () => {
    const line = `http request result: ${JSON.stringify({
      ok: true,
      messages: [
        { type: "message", user: "U0BOB00002", text: "Bins booking went live", ts: "1774346400.000100" },
      ],
      has_more: false,
    })}`;
    const out = redactContentInText(line);
    expect(out).toBe(
      `http request result: {"ok":true,"messages":[{"type":"message","user":"U0BOB00002","text":"${REDACTED}","ts":"1774346400.000100"}],"has_more":false}`,
    );
  });

  it("redacts blocks' nested text, a view's typed values and a short word under an unknown key", () => {
    const body = {
      blocks: [{ type: "rich_text", elements: [{ type: "text", text: "cyber drill" }] }],
      view: { state: { values: { b: { a: { type: "plain_text_input", value: "secret plans" } } } } },
      name: "drill",
    };
    const out = redactContentInText(`ack() response sent (body: ${JSON.stringify(body)})`);
    expect(out).not.toMatch(/cyber|secret plans|drill/);
    expect(out).toContain('"type":"plain_text_input"');
    expect(out.endsWith(")")).toBe(true);
  });

  it("redacts pairs of JSON that is cut off or malformed, and leaves plain text alone", () => {
    expect(redactContentInText('body: {"channel":"C0GENERAL1","text":"Bins booking went')).toBe(
      `body: {"channel":"C0GENERAL1","text":"${REDACTED}`,
    );
    expect(redactContentInText('[x] {"text":"hello", broken')).toBe(`[x] {"text":"${REDACTED}", broken`);
    expect(redactContentInText("apiCall('chat.postMessage') start")).toBe(
      "apiCall('chat.postMessage') start",
    );
  });
});

describe("redactFields", () => {
  it("removes content fields at any depth and JSON inside strings, keeping errors whole", () => {
    const error = new Error("An API error occurred: not_in_channel");
    const out = redactFields({
      correlationId: "a-b",
      text: "Bins booking",
      nested: { blocks: [{ text: "x" }], count: 3 },
      reason: 'got {"text":"Bins booking"}',
      err: error,
    });
    expect(out).toEqual({
      correlationId: "a-b",
      text: REDACTED,
      nested: { blocks: REDACTED, count: 3 },
      reason: `got {"text":"${REDACTED}"}`,
      err: error,
    });
  });
});
