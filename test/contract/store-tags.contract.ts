import { beforeEach, describe, expect, it } from "vitest";
import type { Tag } from "../../src/domain/highlight.ts";
import type { Store } from "../../src/ports/store.ts";
import {
  ALL_TIME,
  type CurrentStore,
  commandTag,
  expectBotError,
  makeHighlight,
  makeTypedHighlight,
  OTHER_WS,
  reactionTag,
  WS,
} from "./store-fixtures.ts";

const star = (user: string): Tag => reactionTag(user, "star", "highlights");
const clap = (user: string): Tag => reactionTag(user, "clap", "thanks");

/** Live tagging: addTag, removeTag and updateHighlightText. Part of describeStoreContract. */
export function tagContract(current: CurrentStore): void {
  describe("tags", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    const content = makeHighlight({
      section: "challenges",
      tags: [reactionTag("U9", "warning", "challenges")],
    });
    const id = content.id;

    it("creates a highlight from content, ignoring its tags and filing it by the tag", async () => {
      const created = await store.addTag(WS, id, clap("U1"), content);
      const expected = { ...content, section: "thanks", tags: [clap("U1")] };
      expect(created).toStrictEqual(expected);
      expect(await store.getHighlight(WS, id)).toStrictEqual(expected);
      expect(await store.getHighlight(OTHER_WS, id)).toBeUndefined();
    });

    it("creates typed text from content with a command tag", async () => {
      const typed = makeTypedHighlight({ tags: [] });
      const created = await store.addTag(WS, typed.id, commandTag("U1", "thanks"), typed);
      expect(created).toStrictEqual({ ...typed, tags: [commandTag("U1", "thanks")] });
      expect(await store.getHighlight(WS, typed.id)).toStrictEqual(created);
    });

    it("returns undefined and stores nothing when there is no highlight and no content", async () => {
      expect(await store.addTag(WS, id, star("U1"))).toBeUndefined();
      expect(await store.listHighlights({ workspace: WS, ...ALL_TIME })).toEqual([]);
    });

    it("keeps both tags of two users tagging a new message", async () => {
      await store.addTag(WS, id, star("U1"), content);
      const second = await store.addTag(WS, id, star("U2"), content);
      expect(second?.tags).toStrictEqual([star("U1"), star("U2")]);
      expect((await store.getHighlight(WS, id))?.tags).toStrictEqual([star("U1"), star("U2")]);
    });

    it("keeps every tag of reactions racing on a new message", async () => {
      const users = ["U1", "U2", "U3", "U4"];
      await Promise.all(users.map((user) => store.addTag(WS, id, star(user), content)));
      const got = await store.getHighlight(WS, id);
      expect(got?.tags.map((t) => t.user).sort()).toEqual(users);
      expect(await store.listHighlights({ workspace: WS, ...ALL_TIME })).toHaveLength(1);
    });

    it("changes nothing when the same tag is added twice", async () => {
      const first = await store.addTag(WS, id, star("U1"), content);
      const again = await store.addTag(WS, id, star("U1"), { ...content, text: "other text" });
      expect(again).toStrictEqual(first);
      expect(await store.getHighlight(WS, id)).toStrictEqual(first);
    });

    it("tells a tag by user and reaction: an explicit add and a reaction of one user are two tags", async () => {
      await store.addTag(WS, id, commandTag("U1"), content);
      const both = await store.addTag(WS, id, star("U1"));
      expect(both?.tags).toStrictEqual([commandTag("U1"), star("U1")]);
      const left = await store.removeTag(WS, id, { user: "U1", reaction: "add" });
      expect(left?.tags).toStrictEqual([star("U1")]);
    });

    it("moves the section when thanks tags outvote highlights tags, and back", async () => {
      expect((await store.addTag(WS, id, star("U1"), content))?.section).toBe("highlights");
      // One each: a tie goes to highlights, the earlier section.
      expect((await store.addTag(WS, id, clap("U2")))?.section).toBe("highlights");
      const outvoted = await store.addTag(WS, id, reactionTag("U3", "pray", "thanks"));
      expect(outvoted?.section).toBe("thanks");
      expect((await store.getHighlight(WS, id))?.section).toBe("thanks");
      expect((await store.removeTag(WS, id, { user: "U2", reaction: "clap" }))?.section).toBe("highlights");
    });

    it("breaks ties by the order of SECTIONS, not by which tag came first", async () => {
      await store.addTag(WS, id, reactionTag("U1", "notes", "tune"), content);
      const tied = await store.addTag(WS, id, reactionTag("U2", "construction", "challenges"));
      expect(tied?.section).toBe("challenges");
    });

    it("removes exactly one user's raw reaction, keeping another's plain one (C6)", async () => {
      const toned = reactionTag("U1", "raised_hands::skin-tone-4", "thanks");
      const plain = reactionTag("U2", "raised_hands", "thanks");
      await store.addTag(WS, id, toned, content);
      await store.addTag(WS, id, plain);

      // Neither the plain name for U1 nor the toned name for U2 is a tag anyone has.
      expect((await store.removeTag(WS, id, { user: "U1", reaction: "raised_hands" }))?.tags).toStrictEqual([
        toned,
        plain,
      ]);
      expect(
        (await store.removeTag(WS, id, { user: "U2", reaction: "raised_hands::skin-tone-4" }))?.tags,
      ).toStrictEqual([toned, plain]);

      const after = await store.removeTag(WS, id, { user: "U1", reaction: "raised_hands::skin-tone-4" });
      expect(after?.tags).toStrictEqual([plain]);
      expect((await store.getHighlight(WS, id))?.tags).toStrictEqual([plain]);
    });

    it("deletes the highlight with its last tag", async () => {
      await store.addTag(WS, id, star("U1"), content);
      expect(await store.removeTag(WS, id, { user: "U1", reaction: "star" })).toBeUndefined();
      expect(await store.getHighlight(WS, id)).toBeUndefined();
      expect(await store.removeTag(WS, id, { user: "U1", reaction: "star" })).toBeUndefined();
      // A new tag then needs content again.
      expect(await store.addTag(WS, id, star("U1"))).toBeUndefined();
    });

    it("recomputes the section of a highlight saved in a batch when it is tagged", async () => {
      const saved = makeHighlight({ tags: [star("U1"), clap("U2")] });
      await store.saveHighlights([saved]);
      const tagged = await store.addTag(WS, saved.id, clap("U3"));
      expect(tagged).toStrictEqual({
        ...saved,
        section: "thanks",
        tags: [star("U1"), clap("U2"), clap("U3")],
      });
    });

    it("replaces a highlight's text, false when there is none", async () => {
      await store.addTag(WS, id, star("U1"), content);
      expect(await store.updateHighlightText(WS, id, "edited — 編集済み 👩‍💻")).toBe(true);
      expect(await store.getHighlight(WS, id)).toStrictEqual({
        ...content,
        section: "highlights",
        tags: [star("U1")],
        text: "edited — 編集済み 👩‍💻",
      });
      expect(await store.updateHighlightText(WS, "C100/1.000001", "x")).toBe(false);
      expect(await store.updateHighlightText(OTHER_WS, id, "x")).toBe(false);
    });

    it("refuses content that is not the highlight named, or a tag with an unknown section or via", async () => {
      const other = makeHighlight({ messageId: "1.000001" });
      await expectBotError(store.addTag(WS, id, star("U1"), other), "store.invalid");
      await expectBotError(store.addTag(OTHER_WS, id, star("U1"), content), "store.invalid");
      await expectBotError(
        store.addTag(WS, id, { user: "U1", reaction: "x", section: "gossip" } as unknown as Tag, content),
        "store.invalid",
      );
      await expectBotError(
        store.addTag(WS, id, { ...star("U1"), via: "telepathy" } as unknown as Tag, content),
        "store.invalid",
      );
      expect(await store.getHighlight(WS, id)).toBeUndefined();
      expect(await store.getHighlight(WS, other.id)).toBeUndefined();
    });
  });
}
