import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../adapters/memory/memory-store.ts";
import { teamHighlights } from "../../src/app/draft-weeknote.ts";
import { EmojiSectionMap, NO_ALIASES } from "../../src/domain/sections.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import { selectTeamHighlights } from "../../src/domain/team-highlights.ts";
import { weekOf, weekWindow } from "../../src/domain/week.ts";
import type { HighlightQuery, Store } from "../../src/ports/store.ts";
import {
  commandTag,
  makeHighlight,
  makeTeam,
  makeTypedHighlight,
  reactionTag,
  T0,
  WS,
} from "../contract/store-fixtures.ts";

// A team's draft asks the store for its own highlights only (HighlightQuery.team), so that one
// team's draft does not read the whole workspace's week; what it gets is what the domain rule
// alone would select.

const WINDOW = weekWindow(weekOf(T0, "Europe/London"), "Europe/London");

async function seeded(): Promise<Store> {
  const store = createMemoryStore();
  const msg = (conversationId: string, n: number, more = {}) =>
    makeHighlight({ conversationId, messageId: `1700000000.00000${n}`, postedAtMs: T0 + n, ...more });
  await store.saveHighlights([
    msg("C1", 1),
    msg("C3", 2),
    msg("C1", 3, { private: true }),
    msg("C1", 4, { tags: [reactionTag("U9", "clap", "thanks")] }),
    makeTypedHighlight({ id: "typed/bins-c9", conversationId: "C9", postedAtMs: T0 + 5 }),
    makeTypedHighlight({ id: "typed/roads-c1", team: "roads", conversationId: "C1", postedAtMs: T0 + 6 }),
    makeTypedHighlight({
      id: "typed/bins-u9",
      conversationId: "C1",
      postedAtMs: T0 + 7,
      tags: [commandTag("U9", "thanks")],
    }),
  ]);
  return store;
}

// The store, recording every listHighlights query (a hand-written wrapper, no module mocking).
function recording(store: Store): { store: Store; queries: HighlightQuery[] } {
  const queries: HighlightQuery[] = [];
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      if (property === "listHighlights") {
        return (query: HighlightQuery) => {
          queries.push(query);
          return target.listHighlights(query);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: wrapped, queries };
}

async function draftIds(store: Store, team: TeamSettings): Promise<string[]> {
  return (
    await teamHighlights({ highlights: store, weeknotes: store, aliases: NO_ALIASES }, team, WINDOW)
  ).map((h) => h.id);
}

describe("teamHighlights asks the store for the team's own highlights", () => {
  it("passes the team and its source channels with the week", async () => {
    const { store, queries } = recording(await seeded());
    const bins = makeTeam({ sourceChannels: ["C1", "C2"] });
    expect(await draftIds(store, bins)).toEqual([
      "C1/1700000000.000001",
      "C1/1700000000.000004",
      "typed/bins-c9",
      "typed/bins-u9",
    ]);
    expect(queries).toEqual([
      {
        workspace: WS,
        fromMs: WINDOW.startMs,
        toMs: WINDOW.endMs,
        team: { team: "bins", conversationIds: ["C1", "C2"] },
      },
    ]);
  });

  it("selects what the domain rule alone selects from the whole workspace", async () => {
    const store = await seeded();
    const whole = await store.listHighlights({ workspace: WS, fromMs: WINDOW.startMs, toMs: WINDOW.endMs });
    const teams = [
      makeTeam({ sourceChannels: ["C1", "C2"] }),
      makeTeam({ sourceChannels: [] }),
      makeTeam({ sourceChannels: ["C3"], includePrivate: true }),
      makeTeam({ sourceChannels: ["C1"], includePrivate: true, personal: true, members: ["U9"] }),
      makeTeam({ team: "roads", sourceChannels: ["C3"] }),
    ];
    const expected = [
      ["C1/1700000000.000001", "C1/1700000000.000004", "typed/bins-c9", "typed/bins-u9"],
      [
        "C1/1700000000.000001",
        "C3/1700000000.000002",
        "C1/1700000000.000004",
        "typed/bins-c9",
        "typed/bins-u9",
      ],
      ["C3/1700000000.000002", "typed/bins-c9", "typed/bins-u9"],
      ["C1/1700000000.000004", "typed/bins-u9"],
      ["C3/1700000000.000002", "typed/roads-c1"],
    ];
    for (const [i, team] of teams.entries()) {
      const byRule = selectTeamHighlights(team, whole, new EmojiSectionMap(team.emoji, NO_ALIASES));
      expect(byRule.map((h) => h.id)).toEqual(expected[i]);
      expect(await draftIds(store, team)).toEqual(expected[i]);
    }
  });
});
