import { describe, expect, it } from "vitest";
import { slackMessageRef, slackTsToMs } from "../../adapters/slack/ids.ts";
import { highlightIdOf } from "../../src/domain/message-ref.ts";

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
    expect(slackTsToMs("1700000000.0000001")).toBeNaN();
  });
});

describe("slackMessageRef", () => {
  it("is the team, the channel and the ts exactly as Slack gave them", () => {
    expect(slackMessageRef("T0WORKSPACE", "C0GENERAL1", "1700000000.000100")).toEqual({
      platform: "slack",
      workspace: "T0WORKSPACE",
      conversationId: "C0GENERAL1",
      messageId: "1700000000.000100",
    });
  });

  it("keeps a reply's thread_ts as its thread", () => {
    expect(slackMessageRef("T0WORKSPACE", "C0GENERAL1", "1700000005.000200", "1700000000.000100")).toEqual({
      platform: "slack",
      workspace: "T0WORKSPACE",
      conversationId: "C0GENERAL1",
      messageId: "1700000005.000200",
      threadId: "1700000000.000100",
    });
  });

  it("leaves out a parent's own thread_ts, which equals its ts", () => {
    const ref = slackMessageRef("T0WORKSPACE", "C0GENERAL1", "1700000000.000100", "1700000000.000100");
    expect(ref.threadId).toBeUndefined();
    expect("threadId" in ref).toBe(false);
  });
});

describe("slackMessageRef and highlightIdOf", () => {
  it("give a Slack message the highlight id <channel>/<ts>, reply or not", () => {
    expect(highlightIdOf(slackMessageRef("T1", "C0GENERAL1", "1700000000.000100"))).toBe(
      "C0GENERAL1/1700000000.000100",
    );
    expect(highlightIdOf(slackMessageRef("T1", "C0GENERAL1", "1700000005.000200", "1700000000.000100"))).toBe(
      "C0GENERAL1/1700000005.000200",
    );
  });
});
