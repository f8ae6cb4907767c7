import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/domain/command.ts";

describe("parseCommand", () => {
  it.each([
    ["add Shipped the bins beta", { kind: "add", section: "highlights", text: "Shipped the bins beta" }],
    ["add thanks: Jo for the phones", { kind: "add", section: "thanks", text: "Jo for the phones" }],
    ["ADD coming_up:  show and tell", { kind: "add", section: "coming_up", text: "show and tell" }],
    ["add note: keep the colon", { kind: "add", section: "highlights", text: "note: keep the colon" }],
    ["draft", { kind: "draft" }],
    ["last", { kind: "last" }],
    ["last week", { kind: "last" }],
    ["Last Week", { kind: "last" }],
    ["week 2026-W12", { kind: "week", week: "2026-W12" }],
    ["list", { kind: "list" }],
    ["config", { kind: "config" }],
    ["", { kind: "help", unknown: undefined }],
    ["help", { kind: "help", unknown: undefined }],
    ["dance", { kind: "help", unknown: "dance" }],
    ["add", { kind: "help", unknown: "add" }],
    ["week", { kind: "help", unknown: "week" }],
  ])("%j", (input, expected) => {
    expect(parseCommand(input)).toEqual(expected);
  });

  it("keeps the added text exactly, Unicode and line breaks included", () => {
    const text = "今週は 👩🏽‍💻\nsecond line & <b>";
    expect(parseCommand(`add ${text}`)).toEqual({ kind: "add", section: "highlights", text });
  });
});
