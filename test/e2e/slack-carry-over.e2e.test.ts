import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";

const ALICE = "U0ALICE001";
const GENERAL = "C0GENERAL1";
const W13_EARLY = "1774346400.000100"; // Tue 24 Mar 2026
const W13_LATE = "1774432800.000200"; // Wed 25 Mar 2026, tagged only after W13 was approved
const W14 = "1774951200.000300"; // Tue 31 Mar 2026

function star(ts: string) {
  return {
    type: "reaction_added",
    user: ALICE,
    reaction: "star",
    item: { type: "message", channel: GENERAL, ts },
  };
}

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot({ now: "2026-03-27T12:00:00Z" });
  t.fake.addChannel({ id: GENERAL, name: "general" });
  t.fake.addUser({ id: ALICE, name: "alice", profile: { display_name: "Alice" } });
  t.fake.addMessage(GENERAL, { type: "message", ts: W13_EARLY, user: ALICE, text: "Bins beta live" });
  t.fake.addMessage(GENERAL, { type: "message", ts: W13_LATE, user: ALICE, text: "Audit retest passed" });
  t.fake.addMessage(GENERAL, { type: "message", ts: W14, user: ALICE, text: "Show and tell done" });
});
afterEach(async () => {
  await t.stop();
});

describe("a highlight tagged after its week's note was decided", () => {
  it("goes into the next week's draft, once", async () => {
    await t.event(star(W13_EARLY), "Ev0CARRY001");
    await t.settle();
    await t.command("draft", ALICE);
    await t.settle();
    const w13 = { workspace: TEAM, team: "default", week: "2026-W13" };
    await t.bot.store.decideWeeknote(w13, { status: "approved", by: ALICE, atMs: t.clock.now() });

    // Friday evening, after approval: someone stars another W13 message.
    t.clock.set("2026-03-27T18:00:00Z");
    await t.event(star(W13_LATE), "Ev0CARRY002");
    await t.settle();

    // Next week.
    t.clock.set("2026-04-01T10:00:00Z");
    await t.event(star(W14), "Ev0CARRY003");
    await t.settle();
    await t.command("draft", ALICE);
    await t.settle();
    const w14 = await t.bot.store.getWeeknote({ ...w13, week: "2026-W14" });
    expect([...(w14?.revisions.at(-1)?.highlightIds ?? [])].sort()).toEqual(
      [`${GENERAL}/${W13_LATE}`, `${GENERAL}/${W14}`].sort(),
    );

    // Once carried and approved, it is not carried again.
    await t.bot.store.decideWeeknote(
      { ...w13, week: "2026-W14" },
      { status: "approved", by: ALICE, atMs: t.clock.now() },
    );
    t.clock.set("2026-04-08T10:00:00Z");
    await t.command("draft", ALICE);
    await t.settle();
    expect(await t.bot.store.getWeeknote({ ...w13, week: "2026-W15" })).toBeUndefined();
    // The approved W13 note still cites only what it was approved with.
    expect((await t.bot.store.getWeeknote(w13))?.revisions.at(-1)?.highlightIds).toEqual([
      `${GENERAL}/${W13_EARLY}`,
    ]);
  });
});
