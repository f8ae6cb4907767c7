import { describe, expect, it } from "vitest";
import { PLATFORMS } from "../../../src/domain/message-ref.ts";
import { weekWindow } from "../../../src/domain/week.ts";
import {
  ALICE,
  BINS,
  BINS_REVIEW,
  BOB,
  CAROL,
  GENERAL,
  REVIEW,
  refOf,
  startCore,
  WS,
  w13,
} from "../../support/core-harness.ts";

const W13 = { workspace: WS, team: "default", week: "2026-W13" };

// Drafting (SPEC §1 step 2): each team's draft selects from the workspace's highlights.
describe.each(PLATFORMS)("drafts on %s", (platform) => {
  async function tag(
    core: ReturnType<typeof startCore>,
    conversationId: string,
    id: string,
    text: string,
    user = ALICE,
  ) {
    const ref = refOf(platform, conversationId, id);
    core.chat.hold(ref, { text, authorId: BOB, postedAtMs: w13(10) });
    await core.record({ kind: "tag_added", platform, workspace: WS, ref, user, reaction: "star" });
  }

  it("two teams with different source channels get different drafts of the same week", async () => {
    const core = startCore(platform);
    await core.team({ sourceChannels: [GENERAL] });
    await core.team({
      team: "bins",
      name: "Bins service",
      reviewChannel: BINS_REVIEW,
      publishChannel: BINS_REVIEW,
      sourceChannels: [BINS],
    });
    await tag(core, GENERAL, "g1", "Forms beta opened to everyone");
    await tag(core, BINS, "b1", "Bins booking went live");
    await core.drain();

    for (const team of ["default", "bins"]) {
      await core.record({
        kind: "request_draft",
        platform,
        workspace: WS,
        team,
        user: ALICE,
        replyTo: { conversationId: REVIEW, userId: ALICE },
      });
    }
    await core.record({
      kind: "request_draft",
      platform,
      workspace: WS,
      team: "bins",
      user: CAROL,
      replyTo: { conversationId: BINS_REVIEW, userId: CAROL },
    });
    await core.drain();
    const posts = core.chat.reviews.filter((r) => r.kind === "post");
    expect(posts.map((p) => [p.view.team.team, p.ref.conversationId])).toEqual([
      ["default", REVIEW],
      ["bins", BINS_REVIEW],
    ]);
    const texts = posts.map((p) => p.view.revision.markdown);
    expect(texts[0]).toContain("Forms beta opened to everyone");
    expect(texts[0]).not.toContain("Bins booking");
    expect(texts[1]).toContain("Bins booking went live");
    expect(texts[1]).not.toContain("Forms beta");
    expect(posts.map((p) => p.view.revision.highlightIds)).toEqual([[`${GENERAL}/g1`], [`${BINS}/b1`]]);
    // Carol is not an approver of the bins team: she hears so and nothing is drafted for her.
    expect(core.chat.told.map((t) => t.notice)).toEqual([
      expect.objectContaining({ kind: "draft", outcome: expect.objectContaining({ kind: "posted" }) }),
      expect.objectContaining({ kind: "draft", outcome: expect.objectContaining({ kind: "posted" }) }),
      { kind: "team_problem", problem: { kind: "not_approver", team: "bins" } },
    ]);
  });

  it("a personal team's draft holds only what its member tagged, and speaks as I", async () => {
    const core = startCore(platform);
    await core.team({ team: "me", name: "My note", personal: true, members: [ALICE], approvers: [ALICE] });
    await tag(core, GENERAL, "a1", "Met the bins supplier", ALICE);
    await tag(core, GENERAL, "b1", "Someone else's news", BOB);
    await core.drain();
    const team = await core.store.getTeam(WS, "me");
    if (!team) throw new Error("no team");
    const outcome = await core.draft(team, weekWindow({ year: 2026, week: 13 }, "Europe/London"));
    expect(outcome.kind).toBe("posted");
    if (outcome.kind !== "posted") return;
    expect(outcome.revision.highlightIds).toEqual([`${GENERAL}/a1`]);
    expect(outcome.revision.markdown).toContain("This week I tagged");
    expect(outcome.revision.markdown).not.toContain("Someone else's news");
  });

  it("drafting again updates the review in place; a new review channel gets the draft and the old one loses its buttons", async () => {
    const core = startCore(platform);
    const team = await core.team();
    await tag(core, GENERAL, "g1", "First thing");
    await core.drain();
    const week = weekWindow({ year: 2026, week: 13 }, "Europe/London");
    await core.draft(team, week);
    await tag(core, GENERAL, "g2", "Second thing");
    await core.drain();
    await core.draft(team, week);
    expect(core.chat.reviews.map((r) => r.kind)).toEqual(["post", "update"]);

    const moved = { ...team, reviewChannel: BINS_REVIEW };
    await core.draft(moved, week);
    expect(core.chat.reviews.slice(2).map((r) => [r.kind, r.ref.conversationId, r.view.status.kind])).toEqual(
      [
        ["post", BINS_REVIEW, "open"],
        ["update", REVIEW, "moved"],
      ],
    );
    expect((await core.store.getWeeknote(W13))?.review?.conversationId).toBe(BINS_REVIEW);
  });

  it("a draft under a lease another process has taken over stores and posts nothing", async () => {
    const core = startCore(platform);
    const team = await core.team();
    await tag(core, GENERAL, "g1", "First thing");
    await core.drain();
    const mine = await core.store.acquireLease("job", "me", core.clock.now(), 1000);
    if (!mine) throw new Error("no lease");
    core.clock.advance(2000);
    expect(await core.store.acquireLease("job", "them", core.clock.now(), 1000)).toMatchObject({
      token: mine.token + 1,
    });
    const outcome = await core.draft(team, weekWindow({ year: 2026, week: 13 }, "Europe/London"), {
      lease: { fence: mine, renew: async () => true },
    });
    expect(outcome).toEqual({ kind: "taken_over", week: "2026-W13" });
    expect(await core.store.getWeeknote(W13)).toBeUndefined();
    expect(core.chat.reviews).toEqual([]);
  });

  it("an empty week, a decided week and a team with no review channel draft nothing", async () => {
    const core = startCore(platform);
    const team = await core.team();
    const week = weekWindow({ year: 2026, week: 13 }, "Europe/London");
    expect(await core.draft(team, week)).toEqual({ kind: "empty", week: "2026-W13" });
    expect(await core.draft({ ...team, reviewChannel: undefined }, week)).toEqual({
      kind: "no_review_channel",
      week: "2026-W13",
    });
    await tag(core, GENERAL, "g1", "First thing");
    await core.drain();
    await core.draft(team, week);
    await core.store.decideWeeknote(W13, { status: "skipped", by: ALICE, atMs: core.clock.now() });
    expect(await core.draft(team, week)).toEqual({ kind: "decided", week: "2026-W13", status: "skipped" });
  });
});
