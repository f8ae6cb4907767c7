import { beforeEach, describe, expect, it } from "vitest";
import type { Tag } from "../../src/domain/highlight.ts";
import type { MessageKey, Store } from "../../src/ports/store.ts";
import {
  ALL_TIME,
  type CurrentStore,
  expectBotError,
  makeHighlight,
  OTHER_WS,
  WS,
} from "./store-fixtures.ts";

const star = (user: string): Tag => ({ user, reaction: "star", section: "highlights" });
const clap = (user: string): Tag => ({ user, reaction: "clap", section: "thanks" });

/** Live tagging: addTag, removeTag and updateHighlightText. Part of describeStoreContract. */
export function tagContract(current: CurrentStore): void {
  describe("tags", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    const content = makeHighlight({
      section: "challenges",
      tags: [{ user: "U9", reaction: "warning", section: "challenges" }],
    });
    const key: MessageKey = { workspace: WS, channelId: content.channelId, ts: content.ts };

    it("creates a highlight from content, ignoring its tags and filing it by the tag", async () => {
      const created = await store.addTag(key, clap("U1"), content);
      const expected = { ...content, section: "thanks", tags: [clap("U1")] };
      expect(created).toStrictEqual(expected);
      expect(await store.getHighlight(WS, key.channelId, key.ts)).toStrictEqual(expected);
      expect(await store.getHighlight(OTHER_WS, key.channelId, key.ts)).toBeUndefined();
    });

    it("returns undefined and stores nothing when there is no highlight and no content", async () => {
      expect(await store.addTag(key, star("U1"))).toBeUndefined();
      expect(await store.listHighlights({ workspace: WS, ...ALL_TIME })).toEqual([]);
    });

    it("keeps both tags of two users tagging a new message", async () => {
      await store.addTag(key, star("U1"), content);
      const second = await store.addTag(key, star("U2"), content);
      expect(second?.tags).toStrictEqual([star("U1"), star("U2")]);
      expect((await store.getHighlight(WS, key.channelId, key.ts))?.tags).toStrictEqual([
        star("U1"),
        star("U2"),
      ]);
    });

    it("keeps every tag of reactions racing on a new message", async () => {
      const users = ["U1", "U2", "U3", "U4"];
      await Promise.all(users.map((user) => store.addTag(key, star(user), content)));
      const got = await store.getHighlight(WS, key.channelId, key.ts);
      expect(got?.tags.map((t) => t.user).sort()).toEqual(users);
      expect(await store.listHighlights({ workspace: WS, ...ALL_TIME })).toHaveLength(1);
    });

    it("changes nothing when the same tag is added twice", async () => {
      const first = await store.addTag(key, star("U1"), content);
      const again = await store.addTag(key, star("U1"), { ...content, text: "other text" });
      expect(again).toStrictEqual(first);
      expect(await store.getHighlight(WS, key.channelId, key.ts)).toStrictEqual(first);
    });

    it("moves the section when thanks tags outvote highlights tags, and back", async () => {
      expect((await store.addTag(key, star("U1"), content))?.section).toBe("highlights");
      // One each: a tie goes to highlights, the earlier section.
      expect((await store.addTag(key, clap("U2")))?.section).toBe("highlights");
      const outvoted = await store.addTag(key, { user: "U3", reaction: "pray", section: "thanks" });
      expect(outvoted?.section).toBe("thanks");
      expect((await store.getHighlight(WS, key.channelId, key.ts))?.section).toBe("thanks");
      expect((await store.removeTag(key, { user: "U2", reaction: "clap" }))?.section).toBe("highlights");
    });

    it("breaks ties by the order of SECTIONS, not by which tag came first", async () => {
      await store.addTag(key, { user: "U1", reaction: "notes", section: "tune" }, content);
      const tied = await store.addTag(key, { user: "U2", reaction: "construction", section: "challenges" });
      expect(tied?.section).toBe("challenges");
    });

    it("removes exactly one user's raw reaction, keeping another's plain one (C6)", async () => {
      const toned: Tag = { user: "U1", reaction: "raised_hands::skin-tone-4", section: "thanks" };
      const plain: Tag = { user: "U2", reaction: "raised_hands", section: "thanks" };
      await store.addTag(key, toned, content);
      await store.addTag(key, plain);

      // Neither the plain name for U1 nor the toned name for U2 is a tag anyone has.
      expect((await store.removeTag(key, { user: "U1", reaction: "raised_hands" }))?.tags).toStrictEqual([
        toned,
        plain,
      ]);
      expect(
        (await store.removeTag(key, { user: "U2", reaction: "raised_hands::skin-tone-4" }))?.tags,
      ).toStrictEqual([toned, plain]);

      const after = await store.removeTag(key, { user: "U1", reaction: "raised_hands::skin-tone-4" });
      expect(after?.tags).toStrictEqual([plain]);
      expect((await store.getHighlight(WS, key.channelId, key.ts))?.tags).toStrictEqual([plain]);
    });

    it("deletes the highlight with its last tag", async () => {
      await store.addTag(key, star("U1"), content);
      expect(await store.removeTag(key, { user: "U1", reaction: "star" })).toBeUndefined();
      expect(await store.getHighlight(WS, key.channelId, key.ts)).toBeUndefined();
      expect(await store.removeTag(key, { user: "U1", reaction: "star" })).toBeUndefined();
      // A new tag then needs content again.
      expect(await store.addTag(key, star("U1"))).toBeUndefined();
    });

    it("recomputes the section of a highlight saved in a batch when it is tagged", async () => {
      const saved = makeHighlight({ tags: [star("U1"), clap("U2")] });
      await store.saveHighlights([saved]);
      const tagged = await store.addTag(key, clap("U3"));
      expect(tagged).toStrictEqual({
        ...saved,
        section: "thanks",
        tags: [star("U1"), clap("U2"), clap("U3")],
      });
    });

    it("replaces a highlight's text, false when there is none", async () => {
      await store.addTag(key, star("U1"), content);
      expect(await store.updateHighlightText(key, "edited — 編集済み 👩‍💻")).toBe(true);
      const got = await store.getHighlight(WS, key.channelId, key.ts);
      expect(got).toStrictEqual({
        ...content,
        section: "highlights",
        tags: [star("U1")],
        text: "edited — 編集済み 👩‍💻",
      });
      expect(await store.updateHighlightText({ ...key, ts: "1.000001" }, "x")).toBe(false);
      expect(await store.updateHighlightText({ ...key, workspace: OTHER_WS }, "x")).toBe(false);
    });

    it("refuses content of another message or a tag with an unknown section", async () => {
      await expectBotError(
        store.addTag(key, star("U1"), { ...content, ...makeHighlight({ ts: "1.000001" }) }),
      );
      await expectBotError(
        store.addTag(key, { user: "U1", reaction: "x", section: "gossip" } as unknown as Tag, content),
      );
      expect(await store.getHighlight(WS, key.channelId, key.ts)).toBeUndefined();
    });
  });
}
