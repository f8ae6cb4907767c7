import { describe, expect, it } from "vitest";
import { parseDraftSchedule, parseSeries } from "../../src/domain/team.ts";

describe("parseDraftSchedule", () => {
  it.each([
    ["Friday 14:00", { weekday: 5, hour: 14, minute: 0 }],
    ["fri 9:30", { weekday: 5, hour: 9, minute: 30 }],
    ["Thursday 15", { weekday: 4, hour: 15, minute: 0 }],
    ["SUNDAY 01:30", { weekday: 7, hour: 1, minute: 30 }],
  ])("%j", (text, expected) => {
    expect(parseDraftSchedule(text)).toEqual(expected);
  });

  it.each(["", "Funday 14:00", "Friday 25:00", "Friday 14:61", "14:00"])("refuses %j", (text) => {
    expect(parseDraftSchedule(text)).toBeUndefined();
  });
});

describe("parseSeries", () => {
  it("reads a week and its number", () => {
    expect(parseSeries("2026-w13 = 3.12")).toEqual({ week: "2026-W13", year: 3, number: 12 });
    expect(parseSeries("3.12")).toBeUndefined();
  });
});
