import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import {
  ALICE,
  BOB,
  blocksOf,
  buttonClick,
  buttonsOf,
  GENERAL,
  reactionAdded,
  reviewPost,
  seedWorkspace,
  viewSubmission,
  w13Ts,
} from "../support/slack-scenario.ts";

// Case C16: the review buttons. Edit and Regenerate open their modal at once (the trigger id lasts
// 3 s), a double submission regenerates once, and Skip ends the draft and removes the buttons.

const KEY = { workspace: TEAM, team: "default", week: "2026-W13" };

let t: TestBot;
let value: string;
let reviewTs: string;

beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  const ts = w13Ts(3600);
  t.fake.addMessage(GENERAL, { type: "message", ts, user: BOB, text: "Bins booking went live in beta" });
  await t.event(reactionAdded(ALICE, GENERAL, ts), "Ev0C16TAG01");
  await t.settle();
  await t.command("draft", ALICE);
  await t.settle();
  const review = reviewPost(t.fake);
  value = String(buttonsOf(review).find((b) => b.action_id === "weeknote_edit")?.value);
  reviewTs = String(t.fake.messages(GENERAL).find((m) => m.blocks !== undefined)?.ts);
  t.fake.clearCalls();
});
afterEach(async () => {
  await t.stop();
});

function click(user: string, actionId: string, actionTs: string) {
  return t.interaction(
    buttonClick({
      user,
      actionId,
      value,
      channel: GENERAL,
      messageTs: reviewTs,
      actionTs,
      triggerId: `1111.${actionTs}.abcd`,
    }),
  );
}

describe("the review buttons (C16)", () => {
  it("Edit opens the modal with the draft's Markdown before answering, and saving it updates the review", async () => {
    const markdown = (await t.bot.store.getWeeknote(KEY))?.revisions.at(-1)?.markdown ?? "";
    expect(markdown).toContain("Bins booking went live in beta");

    const result = await click(ALICE, "weeknote_edit", "1774612801.000100");
    expect(result.status).toBe(200);
    // Already called when the click is answered, and the first thing the bot asked of Slack.
    expect(t.fake.calls[0]?.method).toBe("views.open");
    const open = t.fake.calls[0];
    expect(open?.args.trigger_id).toBe("1111.1774612801.000100.abcd");
    const view = open?.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { element: { initial_value: string } }[];
    };
    expect(view.callback_id).toBe("weeknote_edit_modal");
    expect(view.blocks[0]?.element.initial_value).toBe(markdown);

    const submit = await t.interaction(
      viewSubmission({
        user: ALICE,
        callbackId: "weeknote_edit_modal",
        privateMetadata: view.private_metadata,
        values: {
          text: { value: { type: "plain_text_input", value: "# Our week\n\nWe shipped the bins beta." } },
        },
      }),
    );
    expect(submit.status).toBe(200);
    await t.settle();
    const weeknote = await t.bot.store.getWeeknote(KEY);
    expect(weeknote?.revisions).toHaveLength(2);
    expect(weeknote?.revisions[1]).toMatchObject({ origin: "human", author: ALICE });
    const update = t.fake.callsOf("chat.update").at(-1);
    expect(update?.args.ts).toBe(reviewTs);
    expect(JSON.stringify(update?.args.blocks)).toContain("We shipped the bins beta.");
    expect(buttonsOf(update)).toHaveLength(4);
  });

  it("Regenerate opens its modal; two quick submissions make one new revision and update the review", async () => {
    const result = await click(ALICE, "weeknote_regenerate", "1774612701.000200");
    expect(result.status).toBe(200);
    expect(t.fake.calls[0]?.method).toBe("views.open");
    const view = t.fake.calls[0]?.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("weeknote_regenerate_modal");

    const submit = () =>
      t.interaction(
        viewSubmission({
          user: ALICE,
          callbackId: "weeknote_regenerate_modal",
          privateMetadata: view.private_metadata,
          values: { reason: { value: { type: "plain_text_input", value: "shorter" } } },
        }),
      );
    const [first, second] = await Promise.all([submit(), submit()]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await t.settle();
    // And a third, late one, from the same modal (the revision it saw is no longer the latest).
    expect((await submit()).status).toBe(200);
    await t.settle();

    const weeknote = await t.bot.store.getWeeknote(KEY);
    expect(weeknote?.status).toBe("draft");
    expect(weeknote?.revisions).toHaveLength(2);
    const updates = t.fake.callsOf("chat.update");
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args.ts).toBe(reviewTs);
    expect(JSON.stringify(updates[0]?.args.blocks)).toContain("revision 2");
    const newValue = buttonsOf(updates[0]).find((b) => b.action_id === "weeknote_approve")?.value;
    expect(JSON.parse(String(newValue))).toMatchObject({ revision: 2 });
    const told = t.fake.callsOf("chat.postEphemeral").map((c) => String(c.args.text));
    expect(told.filter((text) => /Regenerated/.test(text))).toHaveLength(1);
  });

  it("Skip by a non-approver changes nothing; Skip by an approver marks it skipped and removes the buttons", async () => {
    expect((await click(BOB, "weeknote_skip", "1774612802.000100")).status).toBe(200);
    await t.settle();
    expect((await t.bot.store.getWeeknote(KEY))?.status).toBe("draft");
    expect(t.fake.callsOf("chat.update")).toEqual([]);

    expect((await click(ALICE, "weeknote_skip", "1774612803.000100")).status).toBe(200);
    await t.settle();
    const weeknote = await t.bot.store.getWeeknote(KEY);
    expect(weeknote?.status).toBe("skipped");
    expect(weeknote?.approval).toMatchObject({ by: ALICE });
    const update = t.fake.callsOf("chat.update").at(-1);
    expect(update?.args.ts).toBe(reviewTs);
    expect(buttonsOf(update)).toEqual([]);
    expect(blocksOf(update).some((b) => b.type === "actions")).toBe(false);
    expect(JSON.stringify(update?.args.blocks)).toContain("Skipped by @Alice");
    expect(t.fake.callsOf("chat.postMessage").filter((c) => c.args.blocks !== undefined)).toEqual([]);

    // Approving after the skip is refused.
    await click(ALICE, "weeknote_approve", "1774612804.000100");
    await t.settle();
    expect((await t.bot.store.getWeeknote(KEY))?.status).toBe("skipped");
    expect(
      t.fake.callsOf("chat.postEphemeral").some((c) => /already skipped/.test(String(c.args.text))),
    ).toBe(true);
  });
});
