import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_PEOPLE, TEST_TEAM, TEST_TENANT_ID } from "../support/bot-framework/index.ts";
import {
  ACTIVITY_MESSAGE,
  ADAPTIVE_CARD,
  actionData,
  cardOf,
  cardText,
  type DraftUnderReview,
  draftForReview,
  executeActions,
  invokeAnswer,
  messageText,
  postsOf,
  recordedCommands,
  settle,
} from "../support/teams-cards.ts";
import { startTeamsBot, type TeamsTestBot } from "../support/teams-harness.ts";

// The review card's decisions through the real server (CASES C11): one decision however many
// clicks, the invoke answered with the card as it now stands, the posted card updated by the id
// the bot stored, and only approvers acting.

const { alice, bob } = DEFAULT_PEOPLE;
const CHANNEL = TEST_TEAM.channelId;

let t: TeamsTestBot;
beforeEach(async () => {
  // Tuesday of 2026-W13, 10:15 in London.
  t = await startTeamsBot({ now: "2026-03-24T10:15:00Z" });
});
afterEach(async () => {
  await t.stop();
});

async function makeApprover(person: { aadObjectId: string }): Promise<void> {
  const team = await t.bot.store.getTeam(TEST_TENANT_ID, "default");
  if (!team) throw new Error("no team");
  await t.bot.store.saveTeam({ ...team, approvers: [...team.approvers, person.aadObjectId] });
}

/** The weeknote's card publications (a note card, not the review card) since `from`. */
function publications(from: number) {
  return postsOf(t)
    .filter((c) => t.bf.connector.calls.indexOf(c) >= from)
    .filter((c) => messageText(c.body).includes("Weeknote of"));
}

describe("double clicks and racing approvers", () => {
  let draft: DraftUnderReview;
  beforeEach(async () => {
    draft = await draftForReview(t);
  });

  it.each([
    ["the same approver clicking twice", [alice, alice]],
    ["two approvers clicking at once", [alice, bob]],
  ] as const)("%s publishes once and leaves one approval", async (_, people) => {
    await makeApprover(bob);
    const data = actionData(draft.card, "approve");
    const before = t.bf.connector.calls.length;
    const clicks = await Promise.all(
      people.map((from) => t.post(t.teams.cardAction(draft.reviewId, data, { from }))),
    );
    await settle(t);

    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    const answers = clicks.map((c) => invokeAnswer(c.json));
    // Both see the decided card, with no button left: one says who approved, the other that the
    // note was already approved.
    for (const answer of answers) {
      expect(answer).toMatchObject({ statusCode: 200, type: ADAPTIVE_CARD });
      expect(executeActions(answer.value)).toEqual([]);
    }
    const texts = answers.map((a) => cardText(a.value));
    const winner = texts.findIndex((text) => /Approved by (Alice|Bob) Example\./.test(text));
    expect(winner).toBeGreaterThanOrEqual(0);
    expect(texts[1 - winner]).toContain("The 2026-W13 note was already approved.");

    const weeknote = await t.bot.store.getWeeknote(draft.key);
    expect(weeknote?.status).toBe("approved");
    expect(weeknote?.approval?.by).toBe(people[winner]?.aadObjectId);
    expect(texts[winner]).toContain(`Approved by ${people[winner]?.name}.`);
    // Published once, and the review card updated once, in place.
    expect(publications(before)).toHaveLength(1);
    const updates = t.bf.connector.calls.slice(before).filter((c) => c.operation === "updateActivity");
    expect(updates.map((u) => u.activityId)).toEqual([draft.reviewId]);
    expect(executeActions(t.bf.connector.activity(draft.reviewId))).toEqual([]);
  });
});

describe("CASES C11: the approval card in Teams' terms", () => {
  it("approve answers the decided card and updates the stored id even when replyToId differs; a like stores nothing; a later regenerate is refused", async () => {
    const draft = await draftForReview(t);
    await makeApprover(bob);
    const X = draft.reviewId;
    const before = t.bf.connector.calls.length;

    // (2) Alice approves; her client names another message (msteams-docs#6139; botbuilder-js#3159 "-1").
    const click = t.teams.cardAction(X, actionData(draft.card, "approve"), {
      from: alice,
      rootId: "1700000000999",
    });
    click.replyToId = "-1";
    const approved = await t.post(click);
    expect(approved.status).toBe(200);
    const answer = invokeAnswer(approved.json);
    expect(answer.statusCode).toBe(200);
    expect(answer.type).toBe("application/vnd.microsoft.card.adaptive");
    expect((answer.value as { type?: unknown }).type).toBe("AdaptiveCard");
    expect(executeActions(answer.value)).toEqual([]);
    expect(cardText(answer.value)).toContain("Approved by Alice Example.");
    await settle(t);
    const updates = t.bf.connector.calls.slice(before).filter((c) => c.operation === "updateActivity");
    expect(updates.map((u) => [u.conversationId, u.activityId])).toEqual([[CHANNEL, X]]);
    expect(executeActions(t.bf.connector.activity(X))).toEqual([]);
    expect(cardText(cardOf(t.bf.connector.activity(X)))).toContain("Approved by Alice Example.");

    // (3) Bob likes the card: the bot's own message is never a highlight.
    const highlightsBefore = await t.bot.store.listHighlights({
      workspace: TEST_TENANT_ID,
      fromMs: 0,
      toMs: Date.parse("2027-01-01"),
    });
    const commands = recordedCommands(t);
    const liked = await t.post(t.teams.messageReaction(X, "like", { from: bob }));
    expect(liked.status).toBe(200);
    await settle(t);
    expect(
      await t.bot.store.listHighlights({
        workspace: TEST_TENANT_ID,
        fromMs: 0,
        toMs: Date.parse("2027-01-01"),
      }),
    ).toEqual(highlightsBefore);
    expect(recordedCommands(t)).toBe(commands);

    // (4) Bob asks for a regeneration from the card he still sees: already approved, nothing made.
    const revisions = (await t.bot.store.getWeeknote(draft.key))?.revisions.length;
    const afterLike = t.bf.connector.calls.length;
    const regenerate = await t.post(
      t.teams.cardAction(X, { ...actionData(draft.card, "regenerate"), reason: "shorter" }, { from: bob }),
    );
    expect(regenerate.status).toBe(200);
    const refused = invokeAnswer(regenerate.json);
    expect(refused.type).toBe(ADAPTIVE_CARD);
    expect(cardText(refused.value)).toContain("The 2026-W13 note was already approved.");
    expect(executeActions(refused.value)).toEqual([]);
    await settle(t);
    const weeknote = await t.bot.store.getWeeknote(draft.key);
    expect(weeknote?.revisions).toHaveLength(revisions ?? -1);
    expect(weeknote).toMatchObject({ status: "approved", approval: { by: alice.aadObjectId } });
    expect(t.bf.connector.calls.slice(afterLike).filter((c) => c.operation !== "unknown")).toEqual([]);
  });
});

describe("only approvers act; edit, regenerate and skip", () => {
  it("a non-approver's click is answered with a message and changes nothing", async () => {
    const draft = await draftForReview(t);
    for (const verb of ["approve", "skip", "regenerate"]) {
      const before = t.bf.connector.calls.length;
      const clicked = await t.post(
        t.teams.cardAction(draft.reviewId, actionData(draft.card, verb), { from: bob }),
      );
      expect(clicked.status).toBe(200);
      expect(invokeAnswer(clicked.json)).toEqual({
        statusCode: 200,
        type: ACTIVITY_MESSAGE,
        value:
          "Only the team's approvers can decide on drafts. Ask an approver; one of them can add you in the team's settings.",
      });
      await settle(t);
      expect(t.bf.connector.calls.slice(before)).toEqual([]);
    }
    const weeknote = await t.bot.store.getWeeknote(draft.key);
    expect(weeknote?.status).toBe("draft");
    expect(weeknote?.revisions).toHaveLength(1);
    expect(executeActions(t.bf.connector.activity(draft.reviewId)).length).toBeGreaterThan(0);
  });

  it("Edit saves the person's text as a revision and updates the card in place; Regenerate with a reason makes another; Skip skips", async () => {
    const draft = await draftForReview(t);
    const X = draft.reviewId;

    // Edit: the Markdown box's text merged into the Save action's data, as Teams sends it.
    let before = t.bf.connector.calls.length;
    const markdown = "# 3.12 — bins go digital\n\nWe shipped the bins booking beta.";
    const edited = await t.post(
      t.teams.cardAction(X, { ...actionData(draft.card, "edit"), markdown }, { from: alice }),
    );
    const editAnswer = invokeAnswer(edited.json);
    expect(editAnswer.type).toBe(ADAPTIVE_CARD);
    expect(cardText(editAnswer.value)).toContain("We shipped the bins booking beta.");
    await settle(t);
    let weeknote = await t.bot.store.getWeeknote(draft.key);
    expect(weeknote?.revisions.map((r) => [r.number, r.origin, r.author])).toEqual([
      [1, "offline", undefined],
      [2, "human", alice.aadObjectId],
    ]);
    expect(weeknote?.revisions[1]?.markdown).toBe(markdown);
    let updates = t.bf.connector.calls.slice(before).filter((c) => c.operation === "updateActivity");
    expect(updates.map((u) => u.activityId)).toEqual([X]);
    expect(postsOf(t).filter((c) => t.bf.connector.calls.indexOf(c) >= before)).toEqual([]);
    const card2 = cardOf(t.bf.connector.activity(X));
    expect(cardText(card2)).toContain("We shipped the bins booking beta.");
    // The updated card still decides, on the new revision.
    expect(actionData(card2, "approve")).toMatchObject({ revision: 2 });

    // Regenerate with a reason.
    before = t.bf.connector.calls.length;
    const regenerated = await t.post(
      t.teams.cardAction(X, { ...actionData(card2, "regenerate"), reason: "shorter" }, { from: alice }),
    );
    expect(invokeAnswer(regenerated.json).type).toBe(ADAPTIVE_CARD);
    await settle(t);
    weeknote = await t.bot.store.getWeeknote(draft.key);
    expect(weeknote?.revisions.map((r) => [r.number, r.origin])).toEqual([
      [1, "offline"],
      [2, "human"],
      [3, "offline"],
    ]);
    updates = t.bf.connector.calls.slice(before).filter((c) => c.operation === "updateActivity");
    expect(updates.map((u) => u.activityId)).toEqual([X]);
    const card3 = cardOf(t.bf.connector.activity(X));
    expect(actionData(card3, "skip")).toMatchObject({ revision: 3 });

    // A click on the older card (revision 2) after the regeneration changes nothing.
    // The clicker is told why in words (the posted card already shows revision 3).
    const stale = await t.post(t.teams.cardAction(X, actionData(card2, "approve"), { from: alice }));
    expect(invokeAnswer(stale.json)).toEqual({
      statusCode: 200,
      type: ACTIVITY_MESSAGE,
      value: "The 2026-W13 draft changed since you saw it (now revision 3): look at it first.",
    });
    await settle(t);
    expect((await t.bot.store.getWeeknote(draft.key))?.status).toBe("draft");

    // Skip.
    before = t.bf.connector.calls.length;
    const skipped = await t.post(t.teams.cardAction(X, actionData(card3, "skip"), { from: alice }));
    const skipAnswer = invokeAnswer(skipped.json);
    expect(skipAnswer.type).toBe(ADAPTIVE_CARD);
    expect(executeActions(skipAnswer.value)).toEqual([]);
    expect(cardText(skipAnswer.value)).toContain("Skipped by Alice Example.");
    await settle(t);
    expect(await t.bot.store.getWeeknote(draft.key)).toMatchObject({
      status: "skipped",
      approval: { by: alice.aadObjectId },
    });
    expect(t.bf.connector.calls.slice(before).map((c) => [c.operation, c.activityId])).toEqual([
      ["updateActivity", X],
    ]);
    expect(executeActions(t.bf.connector.activity(X))).toEqual([]);
  });
});

describe("Teams' limits", () => {
  it("a 40,000-character edit (RTL, emoji, zero-width) is posted, published and answered in cards within the limits, never cut", async () => {
    const draft = await draftForReview(t);
    const paragraphs = Array.from(
      { length: 40 },
      (_, i) =>
        `Paragraph ${i + 1}: ${"bins ".repeat(190)}שלום עולם مرحبا 🎉👩🏽‍💻 zero\u200bwidth end-${i + 1}.`,
    );
    const markdown = `# A very long week\n\n${paragraphs.join("\n\n")}`;
    expect(markdown.length).toBeGreaterThan(40_000);
    const edited = await t.post(
      t.teams.cardAction(draft.reviewId, { ...actionData(draft.card, "edit"), markdown }, { from: alice }),
    );
    expect(edited.status).toBe(200);
    await settle(t);
    const card = cardOf(t.bf.connector.activity(draft.reviewId));
    const beforeApproval = t.bf.connector.calls.length;
    const approved = await t.post(
      t.teams.cardAction(draft.reviewId, actionData(card, "approve"), { from: alice }),
    );
    expect(invokeAnswer(approved.json).type).toBe(ADAPTIVE_CARD);
    await settle(t);
    expect((await t.bot.store.getWeeknote(draft.key))?.status).toBe("approved");

    const before = t.bf.connector.calls.length;
    const asked = await t.post(t.teams.channelMention("last week", { from: bob }));
    expect(asked.status).toBe(200);
    await settle(t);

    expect(t.bf.connector.limitRefusals).toEqual([]);
    // Approving posts the note to the publish channel (this one) and nothing else.
    const published = postsOf(t).filter((c) => {
      const at = t.bf.connector.calls.indexOf(c);
      return at >= beforeApproval && at < before;
    });
    expect(published.map((c) => messageText(c.body)).join("\n")).toContain(
      "Weeknote of the team for 2026-W13",
    );
    const answered = t.bf.connector.calls.slice(before).filter((c) => c.operation === "replyToActivity");
    for (const parts of [published, answered]) {
      expect(parts.length).toBeGreaterThan(1);
      const text = parts.map((c) => messageText(c.body)).join("\n");
      for (let i = 1; i <= paragraphs.length; i += 1) {
        expect(text).toContain(`end-${i}.`);
      }
    }
  });
});
