import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { completion, type FakeOpenAiRequest, startFakeOpenAi } from "../support/fake-openai.ts";
import type { FakeSlackCall } from "../support/fake-slack-api.ts";
import {
  ALICE,
  BOB,
  buttonClick,
  buttonsOf,
  GENERAL,
  reactionAdded,
  reviewPost,
  seedWorkspace,
  w13Ts,
} from "../support/slack-scenario.ts";

// Case C7: text comes in as Slack markup and goes out escaped once. What is stored (and would be
// given to an LLM) is decoded with names resolved; what is posted can neither ping nor broadcast.

const AS_SLACK_DELIVERS =
  "R&amp;D &lt;3 <@U0BOB00002> fixed <https://example.com/pr/7?a=1&amp;b=2|PR #7> in <#C0GENERAL1|general> <!here>";
const DECODED = "R&D <3 @Bob fixed PR #7 (https://example.com/pr/7?a=1&b=2) in #general @here";
const TS = w13Ts(3600);

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  t.fake.addMessage(GENERAL, { type: "message", ts: TS, user: BOB, text: AS_SLACK_DELIVERS });
});
afterEach(async () => {
  await t.stop();
});

/** Every mrkdwn/plain string a posted or updated message carries: `text` and each block text. */
function postedTexts(calls: readonly FakeSlackCall[]): string[] {
  const texts: string[] = [];
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === "string") {
      if (key === "text") {
        texts.push(value);
      }
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item);
    } else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  for (const call of calls) {
    walk(call.args.text, "text");
    walk(call.args.blocks);
  }
  return texts;
}

describe("decoding in, escaping out (C7)", () => {
  it("stores the decoded text; the review, its update and the published note never ping or double-escape", async () => {
    expect((await t.event(reactionAdded(ALICE, GENERAL, TS), "Ev0C7TAG001")).status).toBe(200);
    await t.settle();
    const stored = await t.bot.store.getHighlight(TEAM, `${GENERAL}/${TS}`);
    expect(stored?.text).toBe(DECODED);
    expect(stored?.authorName).toBe("Bob");

    await t.command("draft", ALICE);
    await t.settle();
    const review = reviewPost(t.fake);
    expect(review).toBeDefined();
    const weeknote = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
    // The summariser was given the decoded text: the draft's prose quotes it, not Slack's markup,
    // with chat furniture cleaned (issue 9): the mention is a name, the broadcast and the link are
    // gone, `#general` reads as `general`, and `PR #7` keeps its number.
    const document = weeknote?.revisions[0]?.document;
    expect(document?.title).toBe("weeknotes 2026-W13 — R&D <3 Bob fixed PR");
    expect(document?.sections.flatMap((s) => (s.paragraphs ?? []).map((p) => p.text))).toEqual([
      "On Monday, Bob wrote: R&D <3 Bob fixed PR #7 in general.",
    ]);
    expect(document?.leftOut).toEqual([]);

    const approve = buttonsOf(review).find((b) => b.action_id === "weeknote_approve");
    const reviewTs = String(t.fake.messages(GENERAL).find((m) => m.blocks !== undefined)?.ts);
    await t.interaction(
      buttonClick({
        user: ALICE,
        actionId: "weeknote_approve",
        value: approve?.value,
        channel: GENERAL,
        messageTs: reviewTs,
        actionTs: "1774612800.000200",
      }),
    );
    await t.settle();
    expect(
      (await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" }))?.status,
    ).toBe("approved");

    const posted = [...t.fake.callsOf("chat.postMessage"), ...t.fake.callsOf("chat.update")];
    const notes = posted.filter((c) => c.args.blocks !== undefined);
    expect(notes.length).toBeGreaterThanOrEqual(3); // review, its update, the published note
    const texts = postedTexts(posted);
    const all = texts.join("\n");
    // Escaped once, in the review, its update and the published note alike.
    expect(all.split("*weeknotes 2026-W13 — R&amp;D &lt;3 Bob fixed PR*")).toHaveLength(4);
    expect(all.split("Bob wrote: R&amp;D &lt;3 Bob fixed PR #7 in general.")).toHaveLength(4);
    // The broadcast is neither markup nor text: a note never asks anyone to be notified.
    expect(all).not.toMatch(/@(here|channel|everyone)/);
    for (const text of texts) {
      expect(text).not.toMatch(/<!(here|channel|everyone|subteam)/);
      expect(text).not.toMatch(/<@[UW]/);
      expect(text).not.toMatch(/<#[CG]/);
      expect(text).not.toContain("&amp;amp;");
      expect(text).not.toContain("&amp;lt;");
      // `&` only ever starts one of the three entities; `<…>` only ever a link built by code.
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
      for (const [token] of text.matchAll(/<[^>]*>/g)) {
        expect(token).toMatch(/^<https?:\/\/[^\s<>|]+>$/);
      }
    }
  });

  it("an LLM's note quoting the message whole keeps its link, escaped once in a link we built, and never pings", async () => {
    // The offline prose drops links and broadcasts (issue 9); a model may quote both.
    const openai = await startFakeOpenAi();
    try {
      openai.script((request: FakeOpenAiRequest) => {
        const user = request.body?.messages.find((m) => m.role === "user")?.content ?? "";
        const line = user.split("\n").find((l) => l.startsWith("{") && l.includes('"id"')) ?? "{}";
        const { id, text } = JSON.parse(line) as { id: string; text: string };
        return completion({
          themes: ["research and development"],
          intro: "This week we fixed things.",
          sections: [
            {
              section: "highlights",
              heading: "Fixes",
              paragraphs: [{ text, highlightIds: [id] }],
              items: [],
            },
          ],
          intoNextWeek: [],
          thanks: null,
          tune: null,
        });
      });
      await t.stop();
      t = await startTestBot({ env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: openai.url } });
      seedWorkspace(t.fake);
      t.fake.addMessage(GENERAL, { type: "message", ts: TS, user: BOB, text: AS_SLACK_DELIVERS });
      expect((await t.event(reactionAdded(ALICE, GENERAL, TS), "Ev0C7TAG002")).status).toBe(200);
      await t.settle();
      await t.command("draft", ALICE);
      await t.settle();
      const weeknote = await t.bot.store.getWeeknote({ workspace: TEAM, team: "default", week: "2026-W13" });
      expect(weeknote?.revisions[0]?.origin).toBe("llm");
      const texts = postedTexts(t.fake.callsOf("chat.postMessage"));
      const all = texts.join("\n");
      for (const text of texts) {
        expect(text).not.toMatch(/<!(here|channel|everyone|subteam)/);
        expect(text).not.toMatch(/<@[UW]/);
        expect(text).not.toContain("&amp;amp;");
        expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
        for (const [token] of text.matchAll(/<[^>]*>/g)) {
          expect(token).toMatch(/^<https?:\/\/[^\s<>|]+>$/);
        }
      }
      // The link in the note is the URL itself, escaped once inside a link we built.
      expect(all).toContain("<https://example.com/pr/7?a=1&amp;b=2>");
      // Bare `@here` is a word once the model's text is cleaned (adapters/openai/output.ts).
      expect(all).toContain(
        "*Fixes.* R&amp;D &lt;3 @Bob fixed PR #7 (<https://example.com/pr/7?a=1&amp;b=2>) in #general here",
      );
    } finally {
      await openai.close();
    }
  });

  it("a mention asking for a broadcast is answered without one", async () => {
    const mention = {
      type: "app_mention",
      user: ALICE,
      text: "<@U0BOT00001> week <!channel>",
      ts: "1774612700.000100",
      channel: GENERAL,
      event_ts: "1774612700.000100",
    };
    expect((await t.event(mention, "Ev0C7MENT01")).status).toBe(200);
    await t.settle();
    const answer = t.fake.callsOf("chat.postMessage").at(-1);
    expect(answer?.args.thread_ts).toBe("1774612700.000100");
    for (const text of postedTexts(t.fake.callsOf("chat.postMessage"))) {
      expect(text).not.toMatch(/<!(here|channel|everyone)/);
      expect(text).not.toContain("&amp;amp;");
    }
  });
});
