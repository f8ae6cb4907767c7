import { beforeEach, describe, expect, it } from "vitest";
import type { Section } from "../../src/domain/sections.ts";
import { defaultTeamSettings, type TeamSettings } from "../../src/domain/team.ts";
import type { Store } from "../../src/ports/store.ts";
import { type CurrentStore, expectBotError, makeTeam, OTHER_WS, T0, WS } from "./store-fixtures.ts";

/** Team settings, named leases and ping: part of describeStoreContract. */
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

    it("lets exactly one of two racing creations win", async () => {
      const a = makeTeam({ name: "a" });
      const b = makeTeam({ name: "b" });
      const [gotA, gotB] = await Promise.all([store.createTeamIfAbsent(a), store.createTeamIfAbsent(b)]);
      expect(gotA).toStrictEqual(gotB);
      expect(await store.getTeam(WS, "bins")).toStrictEqual(gotA);
    });

    it("keeps unset optional settings undefined and the emoji pairs in order", async () => {
      const defaults = defaultTeamSettings(WS, "Asia/Tokyo", T0);
      expect(defaults.series).toBeUndefined();
      expect(await store.createTeamIfAbsent(defaults)).toStrictEqual(defaults);
      const got = await store.getTeam(WS, defaults.team);
      expect(got).toStrictEqual(defaults);
      expect(got?.reviewChannel).toBeUndefined();
      expect(got?.emoji).toEqual(defaults.emoji);
    });

    it("replaces a team's settings, and creates a team it does not know", async () => {
      await store.createTeamIfAbsent(makeTeam());
      const changed = makeTeam({
        reviewChannel: undefined,
        series: undefined,
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

    it("lists every team of every workspace by workspace, then team", async () => {
      const teams: TeamSettings[] = [
        makeTeam({ workspace: OTHER_WS, team: "default" }),
        makeTeam({ team: "roads" }),
        makeTeam({ team: "bins" }),
      ];
      for (const team of teams) {
        await store.saveTeam(team);
      }
      expect(await store.listTeams()).toStrictEqual([teams[2], teams[1], teams[0]]);
      expect(await store.getTeam(OTHER_WS, "bins")).toBeUndefined();
    });

    it("refuses invalid settings and stores nothing", async () => {
      const badEmoji = makeTeam({ emoji: [["star", "gossip" as Section]] });
      await expectBotError(store.saveTeam(badEmoji));
      await expectBotError(
        store.createTeamIfAbsent(makeTeam({ draftSchedule: { weekday: 8, hour: 0, minute: 0 } })),
      );
      expect(await store.listTeams()).toEqual([]);
    });
  });

  describe("leases", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("is held by one holder until it expires, and extended only by its holder", async () => {
      expect(await store.acquireLease("scheduler", "a", T0, 100)).toBe(true);
      expect(await store.acquireLease("scheduler", "b", T0 + 50, 100)).toBe(false);
      // a extends to T0 + 150.
      expect(await store.acquireLease("scheduler", "a", T0 + 50, 100)).toBe(true);
      expect(await store.acquireLease("scheduler", "b", T0 + 149, 100)).toBe(false);
      // Expired at exactly its end: b takes it.
      expect(await store.acquireLease("scheduler", "b", T0 + 150, 100)).toBe(true);
      expect(await store.acquireLease("scheduler", "a", T0 + 160, 100)).toBe(false);
      expect(await store.acquireLease("other", "a", T0 + 160, 100)).toBe(true);
    });

    it("lets only the holder release it", async () => {
      expect(await store.acquireLease("scheduler", "a", T0, 1_000)).toBe(true);
      await store.releaseLease("scheduler", "b");
      expect(await store.acquireLease("scheduler", "b", T0 + 1, 1_000)).toBe(false);
      await store.releaseLease("scheduler", "a");
      expect(await store.acquireLease("scheduler", "b", T0 + 2, 1_000)).toBe(true);
      await store.releaseLease("nothing", "a");
    });

    it("gives a lease to exactly one of several racing holders", async () => {
      const holders = ["a", "b", "c", "d"];
      const got = await Promise.all(
        holders.map((holder) => store.acquireLease("scheduler", holder, T0, 1_000)),
      );
      expect(got.filter(Boolean)).toHaveLength(1);
    });
  });

  describe("ping", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("answers while open and fails with store.unavailable once closed", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expectBotError(store.ping(), "store.unavailable");
    });
  });
}
