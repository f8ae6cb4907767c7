import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { defaultTeamSettings } from "../../src/domain/team.ts";
import { inboxEvent } from "../support/sqlite-inbox.ts";

// Capture asks for its workspace's teams on every reaction: the list is read once per version of
// the teams table, and never older than the database.

let dir: string;
const opened: SqliteStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-team-lists-"));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(): { store: SqliteStore; path: string } {
  const path = join(dir, "weeknotes.db");
  const store = openSqliteStore({ path });
  opened.push(store);
  return { store, path };
}

describe("SQLite teams: one read per version of the teams table", () => {
  const team = (key: string, name: string) => ({
    ...defaultTeamSettings("slack", "T0001", "Europe/London", 0),
    team: key,
    name,
  });

  it("another connection's team write is seen by the next list", async () => {
    const { store, path } = open();
    await store.createTeamIfAbsent(team("alpha", "Alpha"));
    expect((await store.listTeams("T0001")).map((t) => t.name)).toEqual(["Alpha"]);
    const other = openSqliteStore({ path });
    opened.push(other);
    await other.createTeamIfAbsent(team("beta", "Beta"));
    expect((await store.listTeams("T0001")).map((t) => t.name)).toEqual(["Alpha", "Beta"]);
    await other.saveTeam(team("alpha", "Alpha renamed"));
    expect((await store.listTeams("T0001")).map((t) => t.name)).toEqual(["Alpha renamed", "Beta"]);
    expect((await store.listTeams()).map((t) => t.name)).toEqual(["Alpha renamed", "Beta"]);
  });

  it("its own writes are seen at once, and each caller gets an array of its own", async () => {
    const { store } = open();
    await store.createTeamIfAbsent(team("alpha", "Alpha"));
    const first = await store.listTeams("T0001");
    first.pop();
    expect((await store.listTeams("T0001")).map((t) => t.name)).toEqual(["Alpha"]);
    await store.saveTeam(team("alpha", "Alpha renamed"));
    expect((await store.listTeams("T0001")).map((t) => t.name)).toEqual(["Alpha renamed"]);
    expect((await store.listTeams("T0002")).map((t) => t.name)).toEqual([]);
  });

  it("recorded events, written by a connection of their own, leave the lists be", async () => {
    const { store } = open();
    await store.createTeamIfAbsent(team("alpha", "Alpha"));
    const [before] = await store.listTeams("T0001");
    expect(await store.recordEvent(inboxEvent(1))).toBe("recorded");
    const [after] = await store.listTeams("T0001");
    // The same frozen settings object: not read and parsed again.
    expect(after).toBe(before);
    expect(after?.name).toBe("Alpha");
  });
});
