import { describe, expect, it } from "vitest";
import { BotError } from "../../../src/domain/errors.ts";
import { PLATFORMS } from "../../../src/domain/message-ref.ts";
import { ALICE, BINS, BOB, GENERAL, REVIEW, refOf, startCore, WS, w13 } from "../../support/core-harness.ts";

// Capture (SPEC §1 step 1) through the inbox, on every platform: the same commands, the same store.
describe.each(PLATFORMS)("capture on %s", (platform) => {
  const ref = (messageId: string, conversationId = GENERAL) => refOf(platform, conversationId, messageId);
  const tagAdded = (messageId: string, user = ALICE, reaction = "star") =>
    ({ kind: "tag_added", platform, workspace: WS, ref: ref(messageId), user, reaction }) as const;

  it("a tag fetches the message once and stores it as a highlight; more tags add to it", async () => {
    const core = startCore(platform);
    core.chat.name(BOB, "Bob");
    core.chat.describe(GENERAL, { name: "general", private: false });
    core.chat.hold(ref("m1"), { text: "Bins booking went live", authorId: BOB, postedAtMs: w13(10) });
    await core.record(tagAdded("m1"));
    await core.record(tagAdded("m1", BOB, "clap::skin-tone-3"));
    await core.drain();

    const highlight = await core.store.getHighlight(WS, `${GENERAL}/m1`);
    expect(highlight).toMatchObject({
      platform,
      conversationId: GENERAL,
      conversationName: "general",
      messageId: "m1",
      authorName: "Bob",
      text: "Bins booking went live",
      postedAtMs: w13(10),
      section: "highlights",
      team: undefined,
    });
    expect(highlight?.tags).toEqual([
      { user: ALICE, reaction: "star", section: "highlights", via: "reaction" },
      { user: BOB, reaction: "clap::skin-tone-3", section: "thanks", via: "reaction" },
    ]);
    expect(core.chat.calls.filter((c) => c.method === "fetchMessage")).toHaveLength(1);
  });

  it("a reaction no team's emoji map knows is not captured, and nothing is fetched", async () => {
    const core = startCore(platform);
    core.chat.hold(ref("m1"), { text: "Lunch?", postedAtMs: w13(10) });
    await core.record(tagAdded("m1", ALICE, "pizza"));
    await core.drain();
    expect(await core.store.getHighlight(WS, `${GENERAL}/m1`)).toBeUndefined();
    expect(core.chat.calls.some((c) => c.method === "fetchMessage")).toBe(false);
  });

  it("a team's own emoji map decides what is captured", async () => {
    const core = startCore(platform);
    await core.team({ emoji: [["pizza", "thanks"]] });
    core.chat.hold(ref("m1"), { text: "Pizza for the team", postedAtMs: w13(10) });
    core.chat.hold(ref("m2"), { text: "A star message", postedAtMs: w13(11) });
    await core.record(tagAdded("m1", ALICE, "pizza"));
    await core.record(tagAdded("m2", ALICE, "star"));
    await core.drain();
    expect((await core.store.getHighlight(WS, `${GENERAL}/m1`))?.section).toBe("thanks");
    expect(await core.store.getHighlight(WS, `${GENERAL}/m2`)).toBeUndefined();
  });

  it("a message posted by a bot is never a highlight", async () => {
    const core = startCore(platform);
    core.chat.hold(ref("m1"), { text: "Deploy finished", postedAtMs: w13(10), fromBot: true });
    await core.record(tagAdded("m1"));
    await core.drain();
    expect(await core.store.getHighlight(WS, `${GENERAL}/m1`)).toBeUndefined();
  });

  it("removing the last tag removes the highlight; an edit updates it; a delete removes it", async () => {
    const core = startCore(platform);
    for (const id of ["m1", "m2"]) {
      core.chat.hold(ref(id), { text: `Message ${id}`, postedAtMs: w13(10) });
      await core.record(tagAdded(id));
    }
    await core.record({
      kind: "tag_removed",
      platform,
      workspace: WS,
      ref: ref("m1"),
      user: ALICE,
      reaction: "star",
    });
    await core.record({
      kind: "message_edited",
      platform,
      workspace: WS,
      ref: ref("m2"),
      rawText: "Edited words",
    });
    await core.drain();
    expect(await core.store.getHighlight(WS, `${GENERAL}/m1`)).toBeUndefined();
    expect((await core.store.getHighlight(WS, `${GENERAL}/m2`))?.text).toBe("Edited words");

    await core.record({ kind: "message_deleted", platform, workspace: WS, ref: ref("m2") });
    await core.drain();
    expect(await core.store.getHighlight(WS, `${GENERAL}/m2`)).toBeUndefined();
  });

  it("an edit of a message that is not a highlight stores nothing", async () => {
    const core = startCore(platform);
    await core.record({ kind: "message_edited", platform, workspace: WS, ref: ref("m9"), rawText: "Hello" });
    await core.drain();
    expect(
      await core.store.listHighlights({ workspace: WS, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }),
    ).toEqual([]);
  });

  it("'Add to weeknotes' with the message handed over stores it without fetching", async () => {
    const core = startCore(platform);
    await core.record({
      kind: "add_message",
      platform,
      workspace: WS,
      ref: ref("m1"),
      user: ALICE,
      section: "coming_up",
      content: {
        rawText: "Show and tell on Thursday",
        authorId: BOB,
        authorName: "Bob",
        postedAtMs: w13(9),
        fromBot: false,
      },
      replyTo: { conversationId: GENERAL, userId: ALICE },
    });
    await core.drain();
    expect(await core.store.getHighlight(WS, `${GENERAL}/m1`)).toMatchObject({
      text: "Show and tell on Thursday",
      authorName: "Bob",
      section: "coming_up",
      tags: [{ user: ALICE, reaction: "add", section: "coming_up", via: "command" }],
    });
    expect(core.chat.calls.some((c) => c.method === "fetchMessage")).toBe(false);
    expect(core.chat.told).toEqual([
      {
        workspace: WS,
        to: { conversationId: GENERAL, userId: ALICE },
        notice: { kind: "highlight_added", section: "coming_up" },
      },
    ]);
  });

  it("typed text gets its own unique id, and goes to the team reviewing where it was typed", async () => {
    const core = startCore(platform);
    await core.team();
    await core.team({ team: "bins", name: "Bins service", reviewChannel: BINS, publishChannel: BINS });
    core.chat.name(ALICE, "Alice");
    const typed = (highlightId: string, conversationId: string, team?: string) =>
      ({
        kind: "add_text",
        platform,
        workspace: WS,
        highlightId,
        conversationId,
        private: false,
        user: ALICE,
        text: "Thanks to the contact centre",
        section: "thanks",
        postedAtMs: w13(30),
        ...(team ? { team } : {}),
      }) as const;
    await core.record(typed("typed/one", BINS));
    await core.record(typed("typed/two", GENERAL));
    await core.record(typed("typed/three", GENERAL, "Bins service"));
    await core.drain();
    expect(await core.store.getHighlight(WS, "typed/one")).toMatchObject({
      messageId: undefined,
      team: "bins",
      authorName: "Alice",
      section: "thanks",
      postedAtMs: w13(30),
    });
    expect((await core.store.getHighlight(WS, "typed/two"))?.team).toBeUndefined();
    expect((await core.store.getHighlight(WS, "typed/three"))?.team).toBe("bins");
    expect(REVIEW).not.toBe(BINS);
  });

  it("a message the bot cannot read fails for good and the tagger hears how to fix it", async () => {
    const core = startCore(platform);
    core.chat.fail("fetchMessage", new BotError("platform.not_in_channel", "not in channel"));
    const id = await core.record(tagAdded("m1"));
    await core.drain();
    expect((await core.store.getEvent(WS, id))?.status).toBe("failed");
    expect(core.chat.told).toEqual([
      { workspace: WS, to: { conversationId: GENERAL, userId: ALICE }, notice: { kind: "invite_needed" } },
    ]);
  });

  it("a rate limit pauses every fetch of the workspace as long as the platform said", async () => {
    const core = startCore(platform);
    core.chat.fail(
      "fetchMessage",
      new BotError("platform.rate_limited", "slow down", { retryable: true, retryAfterMs: 60_000 }),
    );
    core.chat.hold(ref("m1"), { text: "One", postedAtMs: w13(10) });
    core.chat.hold(ref("m2"), { text: "Two", postedAtMs: w13(11) });
    const first = await core.record(tagAdded("m1"));
    const second = await core.record(tagAdded("m2"));
    await core.drain();
    const fetches = () => core.chat.calls.filter((c) => c.method === "fetchMessage").length;
    expect(fetches()).toBe(1);
    for (const id of [first, second]) {
      expect(await core.store.getEvent(WS, id)).toMatchObject({
        status: "pending",
        lastErrorCode: "platform.rate_limited",
        notBeforeMs: core.clock.now() + 60_000,
      });
    }
    core.clock.advance(60_000);
    await core.drain();
    expect(fetches()).toBe(3);
    expect(await core.store.getHighlight(WS, `${GENERAL}/m2`)).toBeDefined();
  });
});
