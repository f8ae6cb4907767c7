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
    ["last weeknote", { kind: "last" }],
    ["week 2026-W12", { kind: "week", week: "2026-W12" }],
    ["list", { kind: "list" }],
    ["config", { kind: "config" }],
    ["settings", { kind: "config" }],
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

describe("parseCommand: a team named in the request", () => {
  it.each([
    ["draft bins", { kind: "draft", team: "bins" }],
    ["DRAFT Bins", { kind: "draft", team: "Bins" }],
    ["last bins", { kind: "last", team: "bins" }],
    ["last week bins", { kind: "last", team: "bins" }],
    ["Last Weeks bins", { kind: "last", team: "bins" }],
    ["week 2026-W12 bins", { kind: "week", week: "2026-W12", team: "bins" }],
    ["list bins", { kind: "list", team: "bins" }],
    ["config bins", { kind: "config", team: "bins" }],
    ["settings bins", { kind: "config", team: "bins" }],
    ["draft   bins  ", { kind: "draft", team: "bins" }],
    ["list ゴミ収集", { kind: "list", team: "ゴミ収集" }],
  ])("%j", (input, expected) => {
    expect(parseCommand(input)).toEqual(expected);
  });

  it.each([
    "draft bins service",
    "last bins service",
    "last week bins service",
    "week 2026-W12 bins service",
    "list bins service",
    "config bins service",
  ])("gives help for a multi-word team name: %j", (input) => {
    expect(parseCommand(input)).toEqual({ kind: "help", unknown: input });
  });

  it("gives help with the trimmed text as what was not understood", () => {
    expect(parseCommand("  draft Bins Service  ")).toEqual({ kind: "help", unknown: "draft Bins Service" });
  });
});

describe("parseCommand: new teams", () => {
  it.each([
    ["new Bins service", { kind: "new_team", name: "Bins service", personal: false }],
    ["new team Bins service", { kind: "new_team", name: "Bins service", personal: false }],
    ["New Team Digital", { kind: "new_team", name: "Digital", personal: false }],
    ["create Digital (core)", { kind: "new_team", name: "Digital (core)", personal: false }],
    ["new personal team My note", { kind: "new_team", name: "My note", personal: true }],
    ["new personal My note", { kind: "new_team", name: "My note", personal: true }],
    ["NEW PERSONAL Director's note", { kind: "new_team", name: "Director's note", personal: true }],
    ["new ゴミ 収集", { kind: "new_team", name: "ゴミ 収集", personal: false }],
  ])("%j", (input, expected) => {
    expect(parseCommand(input)).toEqual(expected);
  });

  it.each(["new", "new team", "new personal", "new personal team", "create"])(
    "gives help without a name: %j",
    (input) => {
      expect(parseCommand(input)).toEqual({ kind: "help", unknown: input });
    },
  );
});
