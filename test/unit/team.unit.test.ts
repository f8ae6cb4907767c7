import { describe, expect, it } from "vitest";
import { DEFAULT_EMOJI_SECTIONS } from "../../src/domain/sections.ts";
import {
  DEFAULT_DRAFT_SCHEDULE,
  DEFAULT_TEAM,
  DEFAULT_TEAM_NAME,
  defaultTeamSettings,
  formatDraftSchedule,
  formatSeries,
  parseDraftSchedule,
  parseSeries,
  teamKeyOf,
  voiceOf,
} from "../../src/domain/team.ts";

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

describe("formatDraftSchedule", () => {
  it.each([
    [{ weekday: 5, hour: 14, minute: 0 }, "Friday 14:00"],
    [{ weekday: 1, hour: 9, minute: 5 }, "Monday 09:05"],
    [{ weekday: 7, hour: 0, minute: 30 }, "Sunday 00:30"],
    [{ weekday: 4, hour: 15, minute: 0 }, "Thursday 15:00"],
  ])("%j is %j", (schedule, text) => {
    expect(formatDraftSchedule(schedule)).toBe(text);
  });

  it("writes what parseDraftSchedule reads back", () => {
    for (let weekday = 1; weekday <= 7; weekday++) {
      for (const [hour, minute] of [
        [0, 0],
        [9, 30],
        [23, 59],
      ] as const) {
        const schedule = { weekday, hour, minute };
        expect(parseDraftSchedule(formatDraftSchedule(schedule))).toEqual(schedule);
      }
    }
  });
});

describe("parseSeries", () => {
  it("reads a week and its number", () => {
    expect(parseSeries("2026-w13 = 3.12")).toEqual({ week: "2026-W13", year: 3, number: 12 });
    expect(parseSeries("3.12")).toBeUndefined();
  });

  it("reads a plain count, and refuses a part that is 0 or over six digits", () => {
    expect(parseSeries("2026-W13=42")).toEqual({ week: "2026-W13", number: 42 });
    for (const bad of ["2026-W13=0", "2026-W13=0.0", "2026-W13=0.4", "2026-W13=4.0", "2026-W13=1234567"]) {
      expect(parseSeries(bad), bad).toBeUndefined();
    }
  });

  it("formats a series as the settings forms show it, and reads that back", () => {
    for (const series of [
      { week: "2026-W13", year: 3, number: 12 },
      { week: "2026-W13", number: 42 },
    ]) {
      expect(parseSeries(formatSeries(series))).toEqual(series);
    }
    expect(formatSeries({ week: "2026-W13", number: 42 })).toBe("2026-W13 = 42");
  });
});

describe("teamKeyOf", () => {
  it.each([
    ["Bins service", "bins-service"],
    ["Digital (core)", "digital-core"],
    ["bins", "bins"],
    ["  --Bins--  ", "bins"],
    ["Director's note", "director-s-note"],
    ["ゴミ収集", "ゴミ収集"],
    ["Ｂｉｎｓ ２", "bins-2"],
    ["Ärzte & Pflege", "ärzte-pflege"],
  ])("%j is %j", (name, key) => {
    expect(teamKeyOf(name)).toBe(key);
  });

  it("is undefined when nothing is left", () => {
    expect(teamKeyOf("")).toBeUndefined();
    expect(teamKeyOf("  ")).toBeUndefined();
    expect(teamKeyOf("!!! ???")).toBeUndefined();
    expect(teamKeyOf("🎉")).toBeUndefined();
  });

  it("keeps at most 40 characters and never ends in a dash", () => {
    const key = teamKeyOf(`${"a".repeat(39)} bcd`);
    expect(key).toBe("a".repeat(39));
    expect(teamKeyOf("x".repeat(60))).toBe("x".repeat(40));
  });
});

describe("voiceOf", () => {
  it("is I for a personal team and we for any other", () => {
    expect(voiceOf({ personal: true })).toBe("I");
    expect(voiceOf({ personal: false })).toBe("we");
  });
});

describe("defaultTeamSettings", () => {
  it("is the workspace's first team, reading every conversation, in the team's voice", () => {
    const team = defaultTeamSettings("slack", "T1", "Europe/London", 1_700_000_000_000);
    expect(team).toEqual({
      platform: "slack",
      workspace: "T1",
      team: DEFAULT_TEAM,
      name: DEFAULT_TEAM_NAME,
      sourceChannels: [],
      personal: false,
      members: [],
      reviewChannel: undefined,
      publishChannel: undefined,
      timezone: "Europe/London",
      draftSchedule: DEFAULT_DRAFT_SCHEDULE,
      reminder: undefined,
      approvers: [],
      emoji: Object.entries(DEFAULT_EMOJI_SECTIONS),
      series: undefined,
      includePrivate: false,
      updatedAtMs: 1_700_000_000_000,
    });
    expect(team.team).toBe("default");
    expect(team.draftSchedule).toEqual({ weekday: 5, hour: 14, minute: 0 });
    expect(voiceOf(team)).toBe("we");
  });

  it("takes a key and a name for any other team", () => {
    const team = defaultTeamSettings("teams", "tenant-1", "UTC", 5, {
      key: "bins-service",
      name: "Bins service",
    });
    expect(team.platform).toBe("teams");
    expect(team.workspace).toBe("tenant-1");
    expect(team.team).toBe("bins-service");
    expect(team.name).toBe("Bins service");
  });
});
