import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { TEAM_LIST_SQL } from "../../adapters/sqlite/highlights.ts";
import { MIGRATIONS, migrate, schemaVersion } from "../../adapters/sqlite/migrations.ts";
import { openSqliteStore, type SqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { isBotError } from "../../src/domain/errors.ts";
import { tempDatabases, withDb } from "../support/sqlite-files.ts";
import { makeHighlight, makeTypedHighlight, T0, WS } from "./store-fixtures.ts";

// A team's draft lists only its own highlights (HighlightQuery.team): on SQLite through the two
// partial indexes of schema 9, never parsing (or reading) the rows of other teams and conversations.

const databases = tempDatabases("weeknotes-by-team-", "weeknotes.db");
afterAll(() => databases.removeAll());
const tempPath = () => databases.path();

const WEEK = { fromMs: T0, toMs: T0 + 7 * 86_400_000 };

describe("SQLite team listing: query plans", () => {
  // The lines of the plan that read the highlights table.
  const reads = (sql: string): string[] =>
    withDb(":memory:", (db) => {
      migrate(db);
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({
        workspace: WS,
        ...WEEK,
        team: "bins",
        conversations: null,
        ...(sql === TEAM_LIST_SQL.sources ? { sources: '["C1","C2"]' } : {}),
      }) as { detail: string }[];
      return plan.map((row) => row.detail).filter((detail) => / highlights\b/.test(detail));
    });

  it("seeks typed text by team and the rest by source conversation, scanning nothing", () => {
    expect(reads(TEAM_LIST_SQL.sources)).toEqual([
      "SEARCH highlights USING INDEX highlights_typed_by_team (workspace=? AND team=? AND posted_at_ms>? AND posted_at_ms<?)",
      "SEARCH highlights USING INDEX highlights_untyped_by_conversation (workspace=? AND conversation_id=? AND posted_at_ms>? AND posted_at_ms<?)",
    ]);
  });

  it("with no sources, seeks typed text by team and reads the week by time for the rest", () => {
    expect(reads(TEAM_LIST_SQL.everywhere)).toEqual([
      "SEARCH highlights USING INDEX highlights_typed_by_team (workspace=? AND team=? AND posted_at_ms>? AND posted_at_ms<?)",
      "SEARCH highlights USING INDEX highlights_by_time (workspace=? AND posted_at_ms>? AND posted_at_ms<?)",
    ]);
  });
});

describe("SQLite team listing: rows of other teams are never parsed", () => {
  let path: string;
  let store: SqliteStore | undefined;
  beforeEach(async () => {
    path = await tempPath();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it("lists a team's highlights even when every other team's and conversation's row is unreadable", async () => {
    store = openSqliteStore({ path });
    const mine = makeHighlight({ conversationId: "C1", messageId: "1700000001.000001" });
    const typedMine = makeTypedHighlight({ id: "typed/bins", conversationId: "C9", postedAtMs: T0 + 5 });
    const otherChannel = makeHighlight({ conversationId: "C3", messageId: "1700000002.000001" });
    const otherTeam = makeTypedHighlight({ id: "typed/roads", team: "roads", conversationId: "C1" });
    await store.saveHighlights([mine, typedMine, otherChannel, otherTeam]);
    // A section no store writes: reading either row back is store.corrupt.
    withDb(path, (db) =>
      db.exec(`UPDATE highlights SET section = 'gossip' WHERE id IN ('C3/1700000002.000001', 'typed/roads')`),
    );

    const whole = await store.listHighlights({ workspace: WS, ...WEEK }).catch((e: unknown) => e);
    expect(isBotError(whole, "store.corrupt")).toBe(true);
    expect(
      await store.listHighlights({
        workspace: WS,
        ...WEEK,
        team: { team: "bins", conversationIds: ["C1", "C2"] },
      }),
    ).toStrictEqual([typedMine, mine]);
    // With no sources every untyped row is the team's, so only the other team's typed row stays unread.
    withDb(path, (db) =>
      db.exec(`UPDATE highlights SET section = 'highlights' WHERE id = 'C3/1700000002.000001'`),
    );
    expect(
      await store.listHighlights({ workspace: WS, ...WEEK, team: { team: "bins", conversationIds: [] } }),
    ).toStrictEqual([typedMine, mine, otherChannel]);
  });
});

describe("SQLite migration to schema 9 (highlights by team and by conversation)", () => {
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it("upgrades a schema 8 file, keeping its highlights and listing them by team", async () => {
    const path = await tempPath();
    withDb(path, (db) => {
      migrate(db, MIGRATIONS.slice(0, 8));
      const insert = db.prepare(`INSERT INTO highlights (workspace, id, platform, conversation_id,
        conversation_name, private, message_id, thread_id, posted_at_ms, author_id, author_name, text,
        section, tags, permalink, team)
        VALUES (?, ?, 'slack', ?, 'general', 0, ?, NULL, ?, 'U1', 'Ada', ?, 'highlights', ?, NULL, ?)`);
      const star = JSON.stringify([{ user: "U2", reaction: "star", section: "highlights", via: "reaction" }]);
      const add = JSON.stringify([{ user: "U1", reaction: "add", section: "highlights", via: "command" }]);
      insert.run(WS, "C1/1700000000.000100", "C1", "1700000000.000100", T0 + 100, "in C1", star, null);
      insert.run(WS, "C3/1700000000.000200", "C3", "1700000000.000200", T0 + 200, "in C3", star, null);
      insert.run(WS, "typed/bins", "C9", null, T0 + 300, "typed for bins", add, "bins");
      insert.run(WS, "typed/roads", "C1", null, T0 + 400, "typed for roads", add, "roads");
    });
    expect(withDb(path, schemaVersion)).toBe(8);

    store = openSqliteStore({ path });
    expect(withDb(path, schemaVersion)).toBe(10);
    expect(MIGRATIONS).toHaveLength(10);
    expect(
      withDb(path, (db) =>
        db
          .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'highlights_%' ORDER BY name",
          )
          .all(),
      ),
    ).toEqual([
      {
        name: "highlights_by_time",
        sql: "CREATE INDEX highlights_by_time ON highlights (workspace, posted_at_ms, conversation_id, id)",
      },
      {
        name: "highlights_typed_by_team",
        sql: "CREATE INDEX highlights_typed_by_team ON highlights (workspace, team, posted_at_ms)\n  WHERE team IS NOT NULL",
      },
      {
        name: "highlights_untyped_by_conversation",
        sql: "CREATE INDEX highlights_untyped_by_conversation ON highlights (workspace, conversation_id, posted_at_ms)\n  WHERE team IS NULL",
      },
    ]);
    const ids = async (query: Partial<Parameters<SqliteStore["listHighlights"]>[0]> = {}) =>
      (await store?.listHighlights({ workspace: WS, ...WEEK, ...query }))?.map((h) => [h.id, h.team, h.text]);
    expect(await ids()).toEqual([
      ["C1/1700000000.000100", undefined, "in C1"],
      ["C3/1700000000.000200", undefined, "in C3"],
      ["typed/bins", "bins", "typed for bins"],
      ["typed/roads", "roads", "typed for roads"],
    ]);
    expect(await ids({ team: { team: "bins", conversationIds: ["C1"] } })).toEqual([
      ["C1/1700000000.000100", undefined, "in C1"],
      ["typed/bins", "bins", "typed for bins"],
    ]);
    expect(await ids({ team: { team: "roads", conversationIds: ["C3"] } })).toEqual([
      ["C3/1700000000.000200", undefined, "in C3"],
      ["typed/roads", "roads", "typed for roads"],
    ]);
  });
});
