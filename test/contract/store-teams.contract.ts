import { beforeEach, describe, expect, it } from "vitest";
import type { Section } from "../../src/domain/sections.ts";
import { defaultTeamSettings, type TeamSettings } from "../../src/domain/team.ts";
import type { Store } from "../../src/ports/store.ts";
import { type CurrentStore, expectBotError, makeTeam, OTHER_WS, T0, WS } from "./store-fixtures.ts";

/** Team settings and ping: part of describeStoreContract. */
export function teamContract(current: CurrentStore): void {
  describe("teams", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("creates a team once: the first caller's settings win", async () => {
      expect(await store.getTeam(WS, "bins")).toBeUndefined();
      const first = makeTeam();
      expect(await store.createTeamIfAbsent(first)).toStrictEqual(first);
      const second = makeTeam({ name: "someone else's", approvers: ["U9"], updatedAtMs: T0 + 1 });
      expect(await store.createTeamIfAbsent(second)).toStrictEqual(first);
      expect(await store.getTeam(WS, "bins")).toStrictEqual(first);
    });

    it("keeps a team marked inactive, and clears the mark", async () => {
      const blocked = makeTeam({ platform: "teams", inactive: { reason: "blocked", sinceMs: T0 + 5 } });
      await store.saveTeam(blocked);
      expect(await store.getTeam(WS, "bins")).toStrictEqual(blocked);
      await store.saveTeam({ ...blocked, inactive: undefined });
      expect((await store.getTeam(WS, "bins"))?.inactive).toBeUndefined();
    });

    it("lets exactly one of two racing creations win", async () => {
      const a = makeTeam({ name: "a" });
      const b = makeTeam({ name: "b" });
      const [gotA, gotB] = await Promise.all([store.createTeamIfAbsent(a), store.createTeamIfAbsent(b)]);
      expect(gotA).toStrictEqual(gotB);
      expect(await store.getTeam(WS, "bins")).toStrictEqual(gotA);
    });

    it("keeps unset optional settings undefined and the emoji pairs in order", async () => {
      const defaults = defaultTeamSettings("slack", WS, "Asia/Tokyo", T0);
      expect(defaults.series).toBeUndefined();
      expect(defaults.reminder).toBeUndefined();
      expect(await store.createTeamIfAbsent(defaults)).toStrictEqual(defaults);
      const got = await store.getTeam(WS, defaults.team);
      expect(got).toStrictEqual(defaults);
      expect(got?.reviewChannel).toBeUndefined();
      expect(got?.emoji).toEqual(defaults.emoji);
    });

    it("keeps a personal Teams team with its members, sources and reminder", async () => {
      const personal = makeTeam({
        platform: "teams",
        workspace: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        team: "director",
        personal: true,
        members: ["29:1user", "29:2user"],
        sourceChannels: ["19:abc@thread.tacv2"],
        reminder: { weekday: 4, hour: 9, minute: 5 },
      });
      await store.saveTeam(personal);
      expect(await store.getTeam(personal.workspace, "director")).toStrictEqual(personal);
    });

    it("replaces a team's settings, and creates a team it does not know", async () => {
      await store.createTeamIfAbsent(makeTeam());
      const changed = makeTeam({
        reviewChannel: undefined,
        publishChannel: undefined,
        reminder: undefined,
        series: undefined,
        sourceChannels: [],
        approvers: [],
        emoji: [["crystal_ball", "coming_up"]],
        includePrivate: true,
        updatedAtMs: T0 + 60_000,
      });
      await store.saveTeam(changed);
      expect(await store.getTeam(WS, "bins")).toStrictEqual(changed);
      const roads = makeTeam({ team: "roads" });
      await store.saveTeam(roads);
      expect(await store.getTeam(WS, "roads")).toStrictEqual(roads);
    });

    it("lists the teams of every workspace, or of one, by workspace then team", async () => {
      const teams: TeamSettings[] = [
        makeTeam({ workspace: OTHER_WS, team: "default" }),
        makeTeam({ team: "roads" }),
        makeTeam({ team: "bins" }),
        makeTeam({ workspace: "T0000", team: "zeta" }),
      ];
      for (const team of teams) {
        await store.saveTeam(team);
      }
      expect(await store.listTeams()).toStrictEqual([teams[3], teams[2], teams[1], teams[0]]);
      expect(await store.listTeams(WS)).toStrictEqual([teams[2], teams[1]]);
      expect(await store.listTeams(OTHER_WS)).toStrictEqual([teams[0]]);
      expect(await store.listTeams("T9999")).toEqual([]);
      expect(await store.getTeam(OTHER_WS, "bins")).toBeUndefined();
    });

    it("refuses invalid settings and stores nothing", async () => {
      const badEmoji = makeTeam({ emoji: [["star", "gossip" as Section]] });
      await expectBotError(store.saveTeam(badEmoji), "store.invalid");
      await expectBotError(
        store.createTeamIfAbsent(makeTeam({ draftSchedule: { weekday: 8, hour: 0, minute: 0 } })),
        "store.invalid",
      );
      await expectBotError(
        store.saveTeam(makeTeam({ reminder: { weekday: 1, hour: 24, minute: 0 } })),
        "store.invalid",
      );
      expect(await store.listTeams()).toEqual([]);
    });
  });

  describe("ping and close", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("answers while open and fails with store.unavailable once closed", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expectBotError(store.ping(), "store.unavailable");
    });

    it("refuses every call after close with store.unavailable, and closes twice", async () => {
      await store.close();
      await store.close();
      await expectBotError(
        store.getWeeknote({ workspace: WS, team: "bins", week: "2026-W13" }),
        "store.unavailable",
      );
      await expectBotError(store.listTeams(), "store.unavailable");
      await expectBotError(store.acquireLease("x", "a", T0, 1), "store.unavailable");
      await expectBotError(store.getInstallation("slack", WS), "store.unavailable");
    });
  });
}
