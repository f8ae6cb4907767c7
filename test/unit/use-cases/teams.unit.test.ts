import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../../adapters/memory/memory-store.ts";
import { PLATFORMS } from "../../../src/domain/message-ref.ts";
import { ALICE, BINS, BINS_REVIEW, BOB, GENERAL, REVIEW, startCore, WS } from "../../support/core-harness.ts";

// Several weeknotes teams in one workspace (SPEC §2), on every platform.
describe.each(PLATFORMS)("teams on %s", (platform) => {
  const request = (conversationId?: string, name?: string) => ({
    platform,
    workspace: WS,
    conversationId,
    name,
  });

  it("a workspace with no team works with the default team's defaults, stored by nobody yet", async () => {
    const { useCases, store } = startCore(platform);
    const choice = await useCases.teams.resolve(request(GENERAL));
    expect(choice).toMatchObject({ kind: "team", team: { team: "default", platform, approvers: [] } });
    expect(await store.listTeams(WS)).toEqual([]);
  });

  it("chooses the named team, else the team reviewing in the conversation, else the only team", async () => {
    const core = startCore(platform);
    await core.team();
    const only = await core.useCases.teams.resolve(request(GENERAL));
    expect(only).toMatchObject({ kind: "team", team: { team: "default" } });

    await core.team({ team: "bins", name: "Bins service", reviewChannel: BINS_REVIEW });
    expect(await core.useCases.teams.resolve(request(BINS_REVIEW))).toMatchObject({ team: { team: "bins" } });
    expect(await core.useCases.teams.resolve(request(REVIEW))).toMatchObject({ team: { team: "default" } });
    expect(await core.useCases.teams.resolve(request(GENERAL, "bins"))).toMatchObject({
      team: { team: "bins" },
    });
    expect(await core.useCases.teams.resolve(request(GENERAL, "BINS SERVICE"))).toMatchObject({
      team: { team: "bins" },
    });
    expect(await core.useCases.teams.resolve(request(GENERAL))).toEqual({
      kind: "which_team",
      teams: ["default", "bins"],
    });
    expect(await core.useCases.teams.resolve(request(GENERAL, "roads"))).toEqual({
      kind: "unknown_team",
      name: "roads",
      teams: ["default", "bins"],
    });
  });

  it("a key wins over a display name; a shared name or a shared review channel asks which team", async () => {
    const core = startCore(platform);
    await core.team({ team: "tada", name: "Tada" });
    await core.team({ team: "bins", name: "tada", reviewChannel: BINS_REVIEW });
    await core.team({ team: "roads", name: "Roads", reviewChannel: BINS_REVIEW });
    await core.team({ team: "parks", name: "Roads", reviewChannel: BINS });
    const resolve = (conversationId: string | undefined, name?: string) =>
      core.useCases.teams.resolve(request(conversationId, name));
    expect(await resolve(GENERAL, "tada")).toMatchObject({ kind: "team", team: { team: "tada" } });
    expect(await resolve(GENERAL, "Roads")).toMatchObject({ kind: "team", team: { team: "roads" } });
    expect(await resolve(GENERAL, "ROADS ")).toMatchObject({ kind: "team", team: { team: "roads" } });
    expect(await resolve(BINS_REVIEW)).toEqual({ kind: "which_team", teams: ["bins", "roads"] });
    expect(await resolve(BINS)).toMatchObject({ kind: "team", team: { team: "parks" } });
    // The default team answers to its name before anyone stored it, whatever other teams exist.
    expect(await resolve(GENERAL, "default")).toMatchObject({ kind: "team", team: { team: "default" } });
  });

  it("text typed in a personal note's review channel is the note's only when its writer typed it", async () => {
    const core = startCore(platform);
    await core.team({
      team: "mine",
      name: "My note",
      personal: true,
      members: [BOB],
      approvers: [BOB],
      reviewChannel: BINS,
    });
    const typed = (highlightId: string, user: string) =>
      core.record({
        kind: "add_text",
        platform,
        workspace: WS,
        highlightId,
        conversationId: BINS,
        private: false,
        user,
        text: "Typed in the note's channel",
        section: "highlights",
        postedAtMs: core.clock.now(),
      });
    await typed("typed/by-bob", BOB);
    await typed("typed/by-alice", ALICE);
    await core.drain();
    expect((await core.store.getHighlight(WS, "typed/by-bob"))?.team).toBe("mine");
    expect((await core.store.getHighlight(WS, "typed/by-alice"))?.team).toBeUndefined();
  });

  it("the first person to draft claims the default team; a later one changes nothing", async () => {
    const core = startCore(platform);
    const first = await core.useCases.requestDraft.authorize({
      platform,
      workspace: WS,
      conversationId: GENERAL,
      user: ALICE,
    });
    expect(first).toMatchObject({ kind: "ok", team: { approvers: [ALICE], reviewChannel: GENERAL } });
    const second = await core.useCases.requestDraft.authorize({
      platform,
      workspace: WS,
      conversationId: BINS,
      user: BOB,
    });
    expect(second).toEqual({ kind: "team_problem", problem: { kind: "not_approver", team: "default" } });
    expect((await core.store.getTeam(WS, "default"))?.reviewChannel).toBe(GENERAL);
  });

  it("asking again once a team is claimed writes nothing: it runs while the platform waits", async () => {
    const memory = createMemoryStore();
    const writes: string[] = [];
    // Counts the team writes the use cases make; everything else goes to the store as it is.
    const store = new Proxy(memory, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (name === "saveTeam" || name === "createTeamIfAbsent") writes.push(String(name));
          return value.apply(target, args);
        };
      },
    });
    const core = startCore(platform, { store });
    const ask = () =>
      core.useCases.requestDraft.authorize({ platform, workspace: WS, conversationId: GENERAL, user: ALICE });
    expect(await ask()).toMatchObject({ kind: "ok" });
    expect(writes).toEqual(["createTeamIfAbsent"]);
    expect(await ask()).toMatchObject({ kind: "ok", team: { approvers: [ALICE] } });
    expect(writes).toEqual(["createTeamIfAbsent"]);
  });

  it("a team made from chat reviews where it was made; a personal one counts its maker's tags", async () => {
    const core = startCore(platform);
    await core.record({
      kind: "create_team",
      platform,
      workspace: WS,
      name: "Director's note",
      personal: true,
      user: BOB,
      conversationId: BINS,
      replyTo: { conversationId: BINS, userId: BOB },
    });
    await core.drain();
    const team = await core.store.getTeam(WS, "director-s-note");
    expect(team).toMatchObject({
      platform,
      name: "Director's note",
      personal: true,
      members: [BOB],
      approvers: [BOB],
      reviewChannel: BINS,
      publishChannel: BINS,
      sourceChannels: [],
    });
    expect(core.chat.told[0]?.notice).toMatchObject({ kind: "team_created", existed: false });

    await core.record({
      kind: "create_team",
      platform,
      workspace: WS,
      name: "director's NOTE",
      personal: false,
      user: ALICE,
      conversationId: GENERAL,
      replyTo: { conversationId: GENERAL, userId: ALICE },
    });
    await core.drain();
    expect(core.chat.told[1]?.notice).toMatchObject({ kind: "team_created", existed: true });
    expect((await core.store.getTeam(WS, "director-s-note"))?.approvers).toEqual([BOB]);
  });

  it("an approver's checked settings are saved; clearing a series or reminder removes it", async () => {
    const core = startCore(platform);
    const team = await core.team({
      series: { week: "2026-W13", year: 3, number: 12 },
      reminder: { weekday: 4, hour: 15, minute: 0 },
    });
    const form = {
      name: "Digital team",
      timezone: "Europe/Dublin",
      schedule: "Thursday 16:30",
      reminder: "",
      approvers: [ALICE, BOB],
      emoji: "star=highlights, pizza=thanks",
      series: "",
      sourceChannels: [GENERAL, BINS],
    };
    expect(core.useCases.configure.check(team, BOB, form)).toEqual({
      kind: "problems",
      problems: { name: { problem: "not_approver" } },
    });
    const bad = core.useCases.configure.check(team, ALICE, {
      ...form,
      timezone: "Mars/Olympus",
      schedule: "someday",
      approvers: [],
      series: "soon",
    });
    expect(bad).toMatchObject({
      kind: "problems",
      problems: {
        timezone: { problem: "bad_timezone" },
        schedule: { problem: "bad_schedule" },
        approvers: { problem: "no_approvers" },
        series: { problem: "bad_series" },
      },
    });
    const checked = core.useCases.configure.check(team, ALICE, form);
    if (checked.kind !== "ok") throw new Error("expected the form to pass");
    await core.record({
      kind: "configure_team",
      platform,
      workspace: WS,
      team: "default",
      user: ALICE,
      change: checked.change,
      replyTo: { conversationId: REVIEW, userId: ALICE },
    });
    await core.drain();
    expect(await core.store.getTeam(WS, "default")).toMatchObject({
      name: "Digital team",
      timezone: "Europe/Dublin",
      draftSchedule: { weekday: 4, hour: 16, minute: 30 },
      reminder: undefined,
      series: undefined,
      approvers: [ALICE, BOB],
      sourceChannels: [GENERAL, BINS],
      emoji: [
        ["star", "highlights"],
        ["pizza", "thanks"],
      ],
    });
    expect(core.chat.told.at(-1)?.notice).toMatchObject({ kind: "settings_saved" });
  });
});
