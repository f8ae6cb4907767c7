import { describe, expect, it } from "vitest";
import { highlightId, slackTsToMs } from "../../src/domain/highlight.ts";

describe("slackTsToMs", () => {
  it("reads the digits exactly, without float rounding", () => {
    expect(slackTsToMs("1700000000.000100")).toBe(1_700_000_000_000);
    expect(slackTsToMs("1774777339.920985")).toBe(1_774_777_339_920);
    expect(slackTsToMs("1700000000.999999")).toBe(1_700_000_000_999);
    expect(slackTsToMs("1460419262.000017")).toBe(1_460_419_262_000);
    expect(slackTsToMs("1460419262")).toBe(1_460_419_262_000);
    expect(slackTsToMs("1460419262.5")).toBe(1_460_419_262_500);
  });

  it("is NaN for anything else", () => {
    expect(slackTsToMs("")).toBeNaN();
    expect(slackTsToMs("abc")).toBeNaN();
    expect(slackTsToMs("-1.000000")).toBeNaN();
  });
});

describe("highlightId", () => {
  it("is the channel and the ts as given", () => {
    expect(highlightId("C0GENERAL1", "1700000000.000100")).toBe("C0GENERAL1/1700000000.000100");
  });
});
