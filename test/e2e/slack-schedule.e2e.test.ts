import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { type FakeSlackApi, startFakeSlackApi } from "../support/fake-slack-api.ts";

const ALICE = "U0ALICE001";
const GENERAL = "C0GENERAL1";
const REVIEW = "C0REVIEW01";

let bots: TestBot[] = [];
let fake: FakeSlackApi | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  for (const bot of bots) await bot.stop();
  bots = [];
  await fake?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the weekly draft, wired into the bot", () => {
  it("drafts at start-up a week whose draft time passed while the bot was down, once", async () => {
    fake = await startFakeSlackApi({ teamId: TEAM, botUserId: "U0BOT00001" });
    dataDir = await mkdtemp(join(tmpdir(), "weeknotes-schedule-"));
    fake.addChannel({ id: GENERAL, name: "general" });
    fake.addChannel({ id: REVIEW, name: "weeknotes-review" });
    fake.addUser({ id: ALICE, name: "alice", profile: { display_name: "Alice" } });
    fake.addMessage(GENERAL, {
      type: "message",
      ts: "1774346400.000100",
      user: ALICE,
      text: "Bins beta is live",
    });

    // Wednesday of 2026-W13: tag a message and set the team up; no draft yet.
    const first = await startTestBot({ now: "2026-03-25T10:00:00Z", dataDir, fake });
    bots.push(first);
    await first.event(
      {
        type: "reaction_added",
        user: ALICE,
        reaction: "star",
        item: { type: "message", channel: GENERAL, ts: "1774346400.000100" },
      },
      "Ev0SCHED001",
    );
    await first.settle();
    const team = await first.bot.store.getTeam(TEAM, "default");
    expect(team).toBeUndefined();
    await first.command("config", ALICE, REVIEW);
    await first.settle();
    expect((await first.bot.store.getTeam(TEAM, "default"))?.reviewChannel).toBe(REVIEW);
    await first.bot.stop();
    bots = [];

    // The bot comes back on Friday 16:00, after the 14:00 draft time: the catch-up drafts once.
    for (const _ of [1, 2]) {
      const again = await startTestBot({ now: "2026-03-27T16:00:00Z", dataDir, fake, schedule: true });
      bots.push(again);
      for (
        let i = 0;
        i < 100 &&
        !(await again.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" }));
        i += 1
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await again.settle();
      await again.bot.stop();
      bots = [];
    }
    const reviews = fake
      .callsOf("chat.postMessage")
      .filter((c) => c.args.channel === REVIEW && c.args.blocks);
    expect(reviews).toHaveLength(1);
  });
});
