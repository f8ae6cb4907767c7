import { describe, expect, it } from "vitest";
import { BotError } from "../../../src/domain/errors.ts";
import type { InboxCommand } from "../../../src/domain/inbox-command.ts";
import { PLATFORMS, type Platform } from "../../../src/domain/message-ref.ts";
import type { DecisionOutcome } from "../../../src/domain/outcomes.ts";
import { weekWindow } from "../../../src/domain/week.ts";
import { ALICE, BOB, GENERAL, REVIEW, refOf, startCore, WS, w13 } from "../../support/core-harness.ts";

const KEY = { workspace: WS, team: "default", week: "2026-W13" };
const WEEK = weekWindow({ year: 2026, week: 13 }, "Europe/London");

/** A core with one team (Alice approves) and a posted draft of 2026-W13. */
async function drafted(platform: Platform) {
  const core = startCore(platform);
  const team = await core.team();
  const ref = refOf(platform, GENERAL, "m1");
  core.chat.hold(ref, { text: "Bins booking went live", authorId: BOB, postedAtMs: w13(10) });
  await core.record({ kind: "tag_added", platform, workspace: WS, ref, user: ALICE, reaction: "star" });
  await core.drain();
  await core.draft(team, WEEK);
  return core;
}

function decision(
  platform: Platform,
  kind: "approve" | "skip",
  user = ALICE,
  revision?: number,
): InboxCommand {
  return {
    kind,
    platform,
    workspace: WS,
    key: KEY,
    user,
    ...(revision === undefined ? {} : { revision }),
    replyTo: { conversationId: REVIEW, userId: user },
  };
}

function outcomes(core: Awaited<ReturnType<typeof drafted>>): DecisionOutcome["kind"][] {
  return core.chat.told.flatMap((t) => (t.notice.kind === "decision" ? [t.notice.outcome.kind] : []));
}

// Approve, skip, edit, regenerate (SPEC §1 step 3), recorded first and carried out by the inbox.
describe.each(PLATFORMS)("decisions on %s", (platform) => {
  it("approve publishes once and shows who approved; a second click hears it was already approved", async () => {
    const core = await drafted(platform);
    await core.record(decision(platform, "approve"));
    await core.record(decision(platform, "approve"));
    await core.drain();
    expect(outcomes(core)).toEqual(["approved", "already_decided"]);
    expect(core.chat.published).toHaveLength(1);
    const weeknote = await core.store.getWeeknote(KEY);
    expect(weeknote).toMatchObject({ status: "approved", approval: { by: ALICE, revision: 1 } });
    expect(weeknote?.published?.platform).toBe(platform);
    expect(core.chat.reviews.at(-1)?.view.status).toEqual({ kind: "approved", by: ALICE });
  });

  it("only approvers decide; a decision on a revision that is no longer the latest is refused", async () => {
    const core = await drafted(platform);
    await core.record(decision(platform, "approve", BOB));
    await core.record({
      kind: "edit",
      platform,
      workspace: WS,
      key: KEY,
      user: ALICE,
      revision: 1,
      markdown: "# Mine\n\nBy hand.",
      replyTo: { conversationId: REVIEW, userId: ALICE },
    });
    await core.record(decision(platform, "approve", ALICE, 1));
    await core.drain();
    expect(outcomes(core)).toEqual(["not_approver", "edited", "changed"]);
    expect((await core.store.getWeeknote(KEY))?.status).toBe("draft");
  });

  it("an approval cut short after it was stored is carried through when its event is retried", async () => {
    const core = await drafted(platform);
    // The first attempt stored the approval, then the process died before publishing.
    await core.store.decideWeeknote(KEY, { status: "approved", by: ALICE, atMs: core.clock.now() });
    const outcome = await core.useCases.decide.approve({ key: KEY, user: ALICE, resumed: true });
    expect(outcome).toMatchObject({ kind: "approved", published: true });
    expect(core.chat.published).toHaveLength(1);
    // Not a retry: someone clicking again is told it is done, and nothing is posted twice.
    expect(await core.useCases.decide.approve({ key: KEY, user: ALICE })).toMatchObject({
      kind: "already_decided",
    });
    expect(await core.useCases.decide.approve({ key: KEY, user: ALICE, resumed: true })).toMatchObject({
      kind: "approved",
      published: true,
    });
    expect(core.chat.published).toHaveLength(1);
  });

  it("a publish that may pass later is retried by the inbox; one that will not leaves the approval standing", async () => {
    const core = await drafted(platform);
    core.chat.fail("publish", new BotError("platform.unavailable", "down", { retryable: true }));
    const id = await core.record(decision(platform, "approve"));
    await core.drain();
    expect(await core.store.getEvent(WS, id)).toMatchObject({
      status: "pending",
      lastErrorCode: "platform.unavailable",
    });
    core.clock.advance(5_000);
    await core.drain();
    expect(await core.store.getEvent(WS, id)).toMatchObject({ status: "done", attempts: 2 });
    expect(core.chat.published).toHaveLength(1);
    expect(outcomes(core)).toEqual(["approved"]);

    const other = await drafted(platform);
    other.chat.fail("publish", new BotError("platform.not_in_channel", "not invited"));
    await other.record(decision(platform, "approve"));
    await other.drain();
    expect(other.chat.told.at(-1)?.notice).toMatchObject({
      kind: "decision",
      outcome: { kind: "approved", published: false },
    });
    expect((await other.store.getWeeknote(KEY))?.status).toBe("approved");
  });

  it("skip records who skipped and shows it; the note cannot be approved after", async () => {
    const core = await drafted(platform);
    await core.record(decision(platform, "skip", ALICE));
    await core.record(decision(platform, "approve", ALICE));
    await core.drain();
    expect(outcomes(core)).toEqual(["skipped", "already_decided"]);
    expect(core.chat.reviews.at(-1)?.view.status).toEqual({ kind: "skipped", by: ALICE });
    expect(core.chat.published).toEqual([]);
  });

  it("an edit is a human revision kept as written, shown in the review; its retry adds nothing", async () => {
    const core = await drafted(platform);
    core.chat.name(ALICE, "Alice");
    const edit: InboxCommand = {
      kind: "edit",
      platform,
      workspace: WS,
      key: KEY,
      user: ALICE,
      markdown: "# Our week\r\n\r\nWe shipped.",
    };
    const outcome = await core.useCases.decide.edit({
      key: KEY,
      user: ALICE,
      markdown: "# Our week\r\n\r\nWe shipped.",
    });
    expect(outcome).toMatchObject({ kind: "edited", revision: 2 });
    await core.record(edit);
    await core.drain();
    const weeknote = await core.store.getWeeknote(KEY);
    expect(weeknote?.revisions).toHaveLength(2);
    expect(weeknote?.revisions[1]).toMatchObject({
      origin: "human",
      author: ALICE,
      markdown: "# Our week\n\nWe shipped.",
      document: { title: "Our week", footer: "Edited by Alice." },
    });
  });

  it("regenerate makes a new revision with the reason; a second at once is told it is busy", async () => {
    const core = await drafted(platform);
    const busy = await core.store.acquireLease(
      "regenerate:W0WORKSPACE:default:2026-W13",
      "someone-else",
      core.clock.now(),
      60_000,
    );
    expect(busy).toBeDefined();
    expect(await core.useCases.decide.regenerate({ key: KEY, user: ALICE, reason: "shorter" })).toMatchObject(
      {
        kind: "busy",
      },
    );
    core.clock.advance(60_000);
    const outcome = await core.useCases.decide.regenerate({
      key: KEY,
      user: ALICE,
      revision: 1,
      reason: "shorter",
    });
    expect(outcome).toMatchObject({ kind: "regenerated", revision: 2 });
    expect(
      await core.useCases.decide.regenerate({ key: KEY, user: ALICE, revision: 1, reason: "again" }),
    ).toEqual({
      kind: "changed",
      week: "2026-W13",
      revision: 2,
    });
  });

  it("a decision on a week that has no note says so", async () => {
    const core = startCore(platform);
    await core.team();
    expect(await core.useCases.decide.approve({ key: KEY, user: ALICE })).toEqual({
      kind: "not_found",
      week: "2026-W13",
    });
    expect(await core.useCases.decide.editableText({ key: KEY, user: BOB })).toEqual({
      kind: "not_approver",
      week: "2026-W13",
    });
  });
});
