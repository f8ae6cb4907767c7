import { afterEach, describe, expect, it } from "vitest";
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import {
  completion,
  type FakeOpenAiRequest,
  type FakeReply,
  startFakeOpenAi,
} from "../support/fake-openai.ts";
import type { FakeSlackCall } from "../support/fake-slack-api.ts";
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
  w13Ts,
} from "../support/slack-scenario.ts";

// Case C8 in the loop: a busy week (one 40,000-character message and 60 long ones) is drafted,
// posted for review and published within Block Kit's limits, and nothing is lost: every highlight
// is cited or listed in `leftOut` with why, and the note says how many it leaves out (issue 9).
// A note too long for one message (an LLM's, here) continues in thread replies, and is never
// opened in Slack's 3,000-character editor.

const HUGE_TS = w13Ts(600);
const HUGE = (() => {
  let text = "Incident log of the bins outage:";
  for (let line = 1; text.length < 40_000; line += 1) {
    text += `\nline ${line}: retried the booking API, 503 again, escalated to the supplier & waited`;
  }
  return text.slice(0, 40_000);
})();
const ITEMS = Array.from({ length: 60 }, (_, i) => ({
  ts: w13Ts(3600 + i * 60, i + 1),
  text: `Item ${i + 1}: ${"the accessibility audit and the forms beta moved on ".repeat(6).trim()}`,
}));

let t: TestBot;
let closeOpenAi: (() => Promise<void>) | undefined;
async function startWeek(env?: Record<string, string>): Promise<void> {
  t = await startTestBot(env ? { env } : {});
  seedWorkspace(t.fake);
  t.fake.addMessage(GENERAL, { type: "message", ts: HUGE_TS, user: BOB, text: HUGE });
  for (const item of ITEMS) {
    t.fake.addMessage(GENERAL, { type: "message", user: ALICE, ...item });
  }
}
afterEach(async () => {
  await t.stop();
  await closeOpenAi?.();
  closeOpenAi = undefined;
});

/**
 * A model that writes long: one paragraph per highlight in the request, quoting the message whole
 * and citing its id (as echoDocument does, without its 40-character cut).
 */
function longAnswer(request: FakeOpenAiRequest): FakeReply {
  const user = request.body?.messages.find((m) => m.role === "user")?.content ?? "";
  const paragraphs: { text: string; highlightIds: string[] }[] = [];
  for (const line of user.split("\n")) {
    if (line.startsWith("{")) {
      const value = JSON.parse(line) as { id?: unknown; text?: unknown; author?: unknown };
      if (typeof value.id === "string" && typeof value.text === "string") {
        paragraphs.push({ text: `${String(value.author)} wrote: ${value.text}`, highlightIds: [value.id] });
      }
    }
  }
  return completion({
    themes: ["accessibility audit", "forms beta"],
    intro: "This week we kept going.",
    sections: [{ section: "highlights", heading: "What we did", paragraphs, items: [] }],
    intoNextWeek: [],
    thanks: null,
    tune: null,
  });
}

/** Every id the note cites: its paragraphs, items, "Into next week…" and the tune. */
function citedIds(document: WeeknoteDocument | undefined): string[] {
  if (!document) {
    return [];
  }
  return [
    ...document.sections.flatMap((s) => [
      ...(s.paragraphs ?? []).flatMap((p) => p.highlightIds),
      ...s.items.flatMap((i) => i.highlightIds),
    ]),
    ...document.intoNextWeek.flatMap((i) => i.highlightIds),
    ...(document.tune?.highlightIds ?? []),
  ];
}

/**
 * One posted message against Slack's documented limits, written out here (not the renderer's
 * constants): the fake refuses a call that breaks them, and this says which message it was.
 */
function checkLimits(call: FakeSlackCall): void {
  expect(call.error).toBeUndefined();
  const blocks = blocksOf(call);
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const block of blocks) {
    if (block.type === "section") {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    }
    if (block.type === "header") {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(150);
    }
    if (block.type === "context") {
      expect(block.elements?.length ?? 0).toBeLessThanOrEqual(10);
    }
    for (const element of block.elements ?? []) {
      expect(String(element.value ?? "").length).toBeLessThanOrEqual(2000);
    }
  }
  expect(String(call.args.text ?? "").length).toBeLessThanOrEqual(40_000);
}

describe("a busy week within Block Kit's limits (C8)", () => {
  it("drafts, posts and publishes 61 highlights, one of 40,000 characters, losing nothing", async () => {
    await startWeek();
    for (const [i, ts] of [HUGE_TS, ...ITEMS.map((item) => item.ts)].entries()) {
      expect(
        (await t.event(reactionAdded(BOB, GENERAL, ts), `Ev0C8TAG${String(i).padStart(3, "0")}`)).status,
      ).toBe(200);
    }
    await t.settle();
    const huge = await t.bot.store.getHighlight(TEAM, `${GENERAL}/${HUGE_TS}`);
    expect(huge?.text).toBe(HUGE);

    await t.command("draft", ALICE);
    await t.settle();
    const weeknote = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    const revision = weeknote?.revisions.at(-1);
    expect(new Set(revision?.highlightIds)).toEqual(
      new Set([HUGE_TS, ...ITEMS.map((item) => item.ts)].map((ts) => `${GENERAL}/${ts}`)),
    );

    // Nothing lost: every highlight is cited by the prose or left out with why, each once. The
    // offline note fits its budget: it quotes the 40,000-character message's opening, cut where a
    // line (a sentence) ends, and leaves out the 60 items, 59 of them repeats of the first.
    const document = revision?.document;
    const all = [HUGE_TS, ...ITEMS.map((item) => item.ts)].map((ts) => `${GENERAL}/${ts}`);
    const itemId = (n: number) => `${GENERAL}/${ITEMS[n - 1]?.ts}`;
    expect(citedIds(document)).toEqual([`${GENERAL}/${HUGE_TS}`]);
    expect(document?.leftOut).toEqual([
      { highlightId: itemId(1), reason: "over_budget" },
      ...ITEMS.slice(1).map((_, i) => ({
        highlightId: itemId(i + 2),
        reason: "duplicate",
        duplicateOf: itemId(1),
      })),
    ]);
    expect([...citedIds(document), ...(document?.leftOut ?? []).map((l) => l.highlightId)].sort()).toEqual(
      [...all].sort(),
    );
    // Its most salient whole sentence (figures, what was done), not its heading.
    const quote =
      "On Monday, Bob wrote: Line 1: retried the booking API, 503 again, escalated to the supplier & waited.";
    expect(document?.sections.flatMap((s) => (s.paragraphs ?? []).map((p) => p.text))).toEqual([quote]);
    expect(
      HUGE.startsWith(
        "Incident log of the bins outage:\nline 1: retried the booking API, 503 again, escalated to the supplier & waited\nline 2:",
      ),
    ).toBe(true);
    // …and says so: the intro counts what is left out, the footer what is cited.
    expect(document?.intro).toBe(
      "This week we tagged 61 highlights from 2 people. Another 60 tagged highlights are not in this note.",
    );
    expect(document?.footer).toMatch(/cites 1 of 61\.$/);

    const review = reviewPost(t.fake);
    expect(review).toBeDefined();
    const reviewRef = t.fake.messages(GENERAL).find((m) => buttonsOf({ args: m } as never).length > 0);
    // The note fits one message: no thread replies.
    expect(t.fake.callsOf("chat.postMessage").filter((c) => c.args.thread_ts === reviewRef?.ts)).toEqual([]);
    checkLimits(review as FakeSlackCall);
    const shown = blocksOf(review as FakeSlackCall)
      .map((b) => b.text?.text ?? "")
      .join("\n");
    expect(shown).toContain(
      "On Monday, Bob wrote: Line 1: retried the booking API, 503 again, escalated to the supplier &amp; waited.",
    );
    expect(shown).toContain("Another 60 tagged highlights are not in this note.");
    expect(shown).toContain("cites 1 of 61.");

    const approve = buttonsOf(review).find((b) => b.action_id === "weeknote_approve");
    await t.interaction(
      buttonClick({
        user: ALICE,
        actionId: "weeknote_approve",
        value: approve?.value,
        channel: GENERAL,
        messageTs: String(reviewRef?.ts),
        actionTs: "1774612800.000300",
      }),
    );
    await t.settle();
    const approved = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    expect(approved?.status).toBe("approved");
    const publishedTs = approved?.published?.messageId;
    const published = t.fake
      .callsOf("chat.postMessage")
      .filter(
        (c) =>
          c.args.thread_ts === publishedTs ||
          (c.args.blocks && buttonsOf(c).length === 0 && !c.args.thread_ts),
      );
    expect(published).toHaveLength(1);
    for (const call of [...t.fake.callsOf("chat.postMessage"), ...t.fake.callsOf("chat.update")]) {
      if (call.args.blocks !== undefined) {
        checkLimits(call);
      }
    }
    const publishedText = published.flatMap((c) => blocksOf(c).map((b) => b.text?.text ?? "")).join("\n");
    expect(publishedText).toContain("escalated to the supplier &amp; waited.");
    expect(publishedText).toContain("Another 60 tagged highlights are not in this note.");
    expect(publishedText).toContain("cites 1 of 61.");
    expect(t.logger.entries.filter((e) => e.level === "error")).toEqual([]);
    // Nothing was refused on the way: every part of the review and of the note was within limits.
    expect(t.fake.limitRefusals()).toEqual([]);
  });

  it("will not open Slack's 3,000-character editor on a longer draft, so nothing is lost", async () => {
    // The offline note now fits its budget, well under 3,000 characters; a model that writes long
    // does not: it quotes each of the 60 messages whole.
    const openai = await startFakeOpenAi();
    closeOpenAi = () => openai.close();
    openai.script(...Array.from({ length: 8 }, () => longAnswer));
    await startWeek({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: openai.url });
    for (const [i, item] of ITEMS.entries()) {
      await t.event(reactionAdded(ALICE, GENERAL, item.ts), `Ev0EDITLONG${String(i).padStart(2, "0")}`);
    }
    await t.settle();
    await t.command("draft", ALICE);
    await t.settle();
    const draft = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    const revision = draft?.revisions[0];
    expect(revision?.origin).toBe("llm");
    expect(revision?.document.leftOut).toEqual([]);
    expect(new Set(citedIds(revision?.document))).toEqual(
      new Set(ITEMS.map((item) => `${GENERAL}/${item.ts}`)),
    );
    expect(revision?.markdown.length ?? 0).toBeGreaterThan(3000);
    const review = reviewPost(t.fake);
    // The long note is posted within Block Kit's limits, the rest in thread replies, all of it.
    const replies = t.fake
      .callsOf("chat.postMessage")
      .filter((c) => c.args.thread_ts === draft?.review?.messageId);
    expect(replies.length).toBeGreaterThan(0);
    const reviewParts = [review as FakeSlackCall, ...replies];
    for (const call of reviewParts) {
      checkLimits(call);
    }
    const shown = reviewParts.flatMap((c) => blocksOf(c).map((b) => b.text?.text ?? "")).join("\n");
    for (let i = 1; i <= 60; i += 1) {
      expect(shown).toContain(
        `Item ${i}: ${"the accessibility audit and the forms beta moved on ".repeat(6).trim()}`,
      );
    }
    const edit = buttonsOf(review).find((b) => b.action_id === "weeknote_edit");
    const click = await t.interaction(
      buttonClick({
        user: ALICE,
        actionId: "weeknote_edit",
        value: edit?.value,
        channel: GENERAL,
        // The review message's ts, as the draft stores it (a postMessage call has none in its args).
        messageTs: String(
          (await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" }))?.review
            ?.messageId,
        ),
        actionTs: "1774612900.000100",
      }),
    );
    expect(click.status).toBe(200);
    await t.settle();
    expect(t.fake.callsOf("views.open")).toHaveLength(0);
    const told = t.fake.callsOf("chat.postEphemeral").map((c) => String(c.args.text));
    expect(told.some((text) => /longer than Slack(&#39;|')s 3,000-character text box/.test(text))).toBe(true);
    const weeknote = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    expect(weeknote?.revisions).toHaveLength(1);
    expect(t.logger.entries.filter((e) => e.level === "error")).toEqual([]);
    expect(t.fake.limitRefusals()).toEqual([]);
  });
});
