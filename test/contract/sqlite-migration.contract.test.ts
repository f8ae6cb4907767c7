import { copyFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS, migrate, schemaVersion } from "../../adapters/sqlite/migrations.ts";
import { openSqliteStore, type SqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { isBotError } from "../../src/domain/errors.ts";
import type { Highlight } from "../../src/domain/highlight.ts";
import { parseInboxCommand } from "../../src/domain/inbox-command.ts";
import type { Revision, Weeknote, WeeknoteDocument } from "../../src/domain/weeknote.ts";
import { tempDatabases, withDb } from "../support/sqlite-files.ts";

// test/fixtures/sqlite-v6/README.md says how the fixture was made; make-v6.ts.txt is what wrote it.
const FIXTURE = fileURLToPath(new URL("../fixtures/sqlite-v6/weeknotes.sqlite", import.meta.url));
const WS = "T0LEGACY01";
const LEASE = "schedule:draft:T0LEGACY01:default:2026-W12";

const databases = tempDatabases("weeknotes-migration-", "weeknotes.sqlite");
afterAll(() => databases.removeAll());
const tempPath = () => databases.path();

const slack = (
  conversationId: string,
  messageId: string,
  overrides: Partial<Highlight> & Pick<Highlight, "text" | "tags">,
): Highlight => ({
  id: `${conversationId}/${messageId}`,
  platform: "slack",
  workspace: WS,
  conversationId,
  conversationName: "bins-digital",
  private: false,
  messageId,
  threadId: undefined,
  postedAtMs: Number(messageId.split(".")[0]) * 1000 + Number(messageId.split(".")[1]?.slice(0, 3)),
  authorId: "U0BOB00002",
  authorName: "Bob",
  section: "highlights",
  permalink: `https://legacy.slack.com/archives/${conversationId}/p${messageId.replace(".", "")}`,
  team: undefined,
  ...overrides,
});

const EXPECTED_HIGHLIGHTS: Highlight[] = [
  slack("C0BINS0001", "1774429948.598322", {
    text: "Shipped the bins app 🎉",
    tags: [{ user: "U0ALICE001", reaction: "star", section: "highlights", via: "reaction" }],
  }),
  slack("C0BINS0001", "1774430000.000100", {
    threadId: "1774429948.598322",
    text: "A reply in the thread",
    section: "thanks",
    tags: [
      { user: "U0ALICE001", reaction: "clap::skin-tone-3", section: "thanks", via: "reaction" },
      { user: "U0BOB00002", reaction: "star", section: "highlights", via: "reaction" },
    ],
  }),
  slack("C0PRIV0001", "1774440000.000200", {
    private: true,
    conversationName: "secret",
    text: "Private news",
    tags: [{ user: "U0ALICE001", reaction: "star", section: "highlights", via: "reaction" }],
  }),
  // Typed with `/weeknotes add`: its made-up ts stays in the id that revisions cite, but it is no message.
  {
    ...slack("C0GENERAL1", "1774450000.123456", {
      conversationName: "general",
      authorId: "U0ALICE001",
      authorName: "Alice",
      text: "Typed: thanks to the contact centre",
      section: "thanks",
      permalink: undefined,
      tags: [{ user: "U0ALICE001", reaction: "add", section: "thanks", via: "command" }],
    }),
    messageId: undefined,
  },
  // Added with the message shortcut: a real message, tagged by a command.
  slack("C0GENERAL1", "1774460000.000300", {
    conversationName: "general",
    text: "Added with the shortcut",
    tags: [{ user: "U0BOB00002", reaction: "add", section: "highlights", via: "command" }],
  }),
  {
    ...slack("D0DM000001", "1774470000.654321", {
      conversationName: "direct message",
      text: "DM typed",
      permalink: undefined,
      tags: [{ user: "U0BOB00002", reaction: "add", section: "highlights", via: "command" }],
    }),
    messageId: undefined,
  },
];

function legacyDocument(week: string): WeeknoteDocument {
  return {
    week,
    title: `weeknotes ${week} — bins go digital`,
    themes: ["bins go digital"],
    intro: "A busy week.",
    sections: [
      {
        section: "highlights",
        heading: "Highlights",
        items: [
          { text: "Bins app shipped 🎉", authors: ["Bob"], highlightIds: ["C0BINS0001/1774429948.598322"] },
        ],
      },
    ],
    intoNextWeek: [{ text: "Cyber drill", authors: [], highlightIds: [] }],
    footer: "offline summariser",
  };
}

function revision(week: string, overrides: Partial<Revision> = {}): Revision {
  return {
    number: 1,
    origin: "offline",
    model: undefined,
    promptVersion: "offline-1",
    highlightIds: ["C0BINS0001/1774429948.598322"],
    document: legacyDocument(week),
    markdown: `# weeknotes ${week}\n\nBins.\n`,
    author: undefined,
    createdAtMs: 1774600000000,
    ...overrides,
  };
}

const key = (week: string) => ({ workspace: WS, team: "default", week });

const EXPECTED_WEEKNOTES: Weeknote[] = [
  {
    ...key("2026-W13"),
    status: "draft",
    revisions: [revision("2026-W13", { origin: "llm", model: "gpt-4o-mini", promptVersion: "abc123" })],
    approval: undefined,
    review: { platform: "slack", conversationId: "C0REVIEW01", messageId: "1775200100.000100" },
    published: undefined,
  },
  {
    ...key("2026-W12"),
    status: "approved",
    revisions: [
      revision("2026-W12"),
      revision("2026-W12", {
        number: 2,
        origin: "human",
        promptVersion: undefined,
        author: "U0ALICE001",
        markdown: "# edited\n\nBy hand.",
      }),
    ],
    approval: { by: "U0ALICE001", revision: 2, atMs: 1774600200000 },
    review: { platform: "slack", conversationId: "C0REVIEW01", messageId: "1774600100.000100" },
    published: { platform: "slack", conversationId: "C0PUBLIC01", messageId: "1774600300.000100" },
  },
  {
    ...key("2026-W11"),
    status: "skipped",
    revisions: [revision("2026-W11")],
    approval: { by: "U0BOB00002", revision: 1, atMs: 1774000000000 },
    review: undefined,
    published: undefined,
  },
];

describe("SQLite migration of a schema 6 database (test/fixtures/sqlite-v6)", () => {
  let path: string;
  const opened: SqliteStore[] = [];
  const open = (): SqliteStore => {
    const store = openSqliteStore({ path });
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    path = await tempPath();
    await copyFile(FIXTURE, path);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  it("starts from schema 6", () => {
    expect(withDb(path, schemaVersion)).toBe(6);
  });

  it("keeps every highlight, with typed text told apart from messages", async () => {
    const store = open();
    const all = await store.listHighlights({ workspace: WS, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER });
    expect(all).toStrictEqual(EXPECTED_HIGHLIGHTS);
    expect(all.map((h) => [h.id, h.messageId])).toEqual([
      ["C0BINS0001/1774429948.598322", "1774429948.598322"],
      ["C0BINS0001/1774430000.000100", "1774430000.000100"],
      ["C0PRIV0001/1774440000.000200", "1774440000.000200"],
      ["C0GENERAL1/1774450000.123456", undefined],
      ["C0GENERAL1/1774460000.000300", "1774460000.000300"],
      ["D0DM000001/1774470000.654321", undefined],
    ]);
    for (const highlight of EXPECTED_HIGHLIGHTS) {
      expect(await store.getHighlight(WS, highlight.id)).toStrictEqual(highlight);
    }
    // Migrated highlights take tags and edits like new ones.
    const tagged = await store.addTag(WS, "C0GENERAL1/1774450000.123456", {
      user: "U0BOB00002",
      reaction: "clap",
      section: "thanks",
      via: "reaction",
    });
    expect(tagged?.tags).toHaveLength(2);
  });

  it("keeps every weeknote with every revision, decision and message", async () => {
    const store = open();
    for (const weeknote of EXPECTED_WEEKNOTES) {
      expect(await store.getWeeknote(key(weeknote.week))).toStrictEqual(weeknote);
    }
    const listed = await store.listWeeknotes({ workspace: WS, team: "default", limit: 10 });
    expect(listed.map((w) => [w.week, w.status, w.revisions.map((r) => r.number)])).toEqual([
      ["2026-W13", "draft", [1]],
      ["2026-W12", "approved", [2]],
      ["2026-W11", "skipped", [1]],
    ]);
  });

  it("gives the team the new settings' defaults", async () => {
    const store = open();
    const expected = {
      platform: "slack",
      workspace: WS,
      team: "default",
      name: "the bins team",
      sourceChannels: [],
      personal: false,
      members: [],
      reviewChannel: "C0REVIEW01",
      publishChannel: "C0PUBLIC01",
      timezone: "Europe/London",
      draftSchedule: { weekday: 5, hour: 14, minute: 0 },
      reminder: undefined,
      approvers: ["U0ALICE001"],
      emoji: [
        ["star", "highlights"],
        ["clap", "thanks"],
      ],
      series: { week: "2026-W13", year: 3, number: 12 },
      includePrivate: false,
      inactive: undefined,
      updatedAtMs: 1774000000000,
    };
    expect(await store.getTeam(WS, "default")).toStrictEqual(expected);
    expect(await store.listTeams(WS)).toStrictEqual([expected]);
  });

  it("turns the pending event into an inbox command that is still claimable, and leaves the done one", async () => {
    const store = open();
    const command = {
      kind: "tag_added",
      platform: "slack",
      workspace: WS,
      ref: { platform: "slack", workspace: WS, conversationId: "C0BINS0001", messageId: "1774480000.000100" },
      user: "U0BOB00002",
      reaction: "star",
    };
    const pending = {
      workspace: WS,
      eventId: "Ev0PEND001",
      kind: "tag_added",
      payload: command,
      correlationId: "Ev0PEND001",
      receivedAtMs: 1774480010000,
      attempts: 0,
      notBeforeMs: 1774480010000,
      status: "pending",
      lastErrorCode: undefined,
    };
    expect(await store.getEvent(WS, "Ev0PEND001")).toStrictEqual(pending);
    expect(parseInboxCommand(command)).toStrictEqual(command);

    expect(await store.getEvent(WS, "Ev0DONE001")).toStrictEqual({
      workspace: WS,
      eventId: "Ev0DONE001",
      kind: "reaction_added",
      payload: {
        kind: "reaction_added",
        user: "U0ALICE001",
        reaction: "star",
        channel: "C0BINS0001",
        ts: "1774429948.598322",
      },
      correlationId: "Ev0DONE001",
      receivedAtMs: 1774429990000,
      attempts: 1,
      notBeforeMs: 1774429990000,
      status: "done",
      lastErrorCode: undefined,
    });

    const claimed = await store.claimEvents({
      nowMs: 1774480010000,
      limit: 10,
      leaseMs: 60_000,
      holder: "new",
    });
    expect(claimed).toStrictEqual([{ ...pending, attempts: 1 }]);
  });

  it("gives the lease token 1, still held by its holder until its end", async () => {
    const store = open();
    const untilMs = 1774600000000 + 8 * 86_400_000;
    expect(await store.acquireLease(LEASE, "new-holder", untilMs - 1, 1_000)).toBeUndefined();
    expect(await store.renewLease({ name: LEASE, token: 1 }, untilMs - 1, 1)).toStrictEqual({
      name: LEASE,
      holder: "old-holder",
      token: 1,
      untilMs,
    });
    expect(await store.acquireLease(LEASE, "new-holder", untilMs, 1_000)).toStrictEqual({
      name: LEASE,
      holder: "new-holder",
      token: 2,
      untilMs: untilMs + 1_000,
    });
  });

  it("leaves the file at the newest schema, and migrates nothing when opened again", async () => {
    await open().close();
    expect(withDb(path, schemaVersion)).toBe(MIGRATIONS.length);
    expect(MIGRATIONS).toHaveLength(10);
    expect(withDb(path, (db) => migrate(db))).toEqual([]);

    const again = open();
    expect(
      await again.listHighlights({ workspace: WS, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }),
    ).toStrictEqual(EXPECTED_HIGHLIGHTS);
    expect(await again.getWeeknote(key("2026-W12"))).toStrictEqual(EXPECTED_WEEKNOTES[1]);
    expect((await again.getEvent(WS, "Ev0PEND001"))?.kind).toBe("tag_added");
    expect(withDb(path, (db) => db.prepare("SELECT COUNT(*) FROM highlights").pluck().get())).toBe(6);
  });
});

describe("SQLite migration of schema 6 inbox events still pending", () => {
  const opened: SqliteStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  // A schema 6 file holding one pending event per payload, keyed by event id.
  async function v6With(payloads: Record<string, unknown>): Promise<SqliteStore> {
    const path = await tempPath();
    withDb(path, (db) => {
      migrate(db, MIGRATIONS.slice(0, 6));
      const insert = db.prepare(`INSERT INTO inbox_events (workspace, event_id, kind, payload, received_at_ms,
        not_before_ms, lease_holder, lease_until_ms) VALUES (?, ?, ?, ?, 5000, 5000, 'old', 9000)`);
      for (const [eventId, payload] of Object.entries(payloads)) {
        const kind = (payload as { kind?: unknown }).kind;
        insert.run(WS, eventId, typeof kind === "string" ? kind : "unknown", JSON.stringify(payload));
      }
    });
    const store = openSqliteStore({ path });
    opened.push(store);
    return store;
  }

  const ref = (messageId: string) => ({ platform: "slack", workspace: WS, conversationId: "C1", messageId });
  const base = { platform: "slack", workspace: WS } as const;

  it("turns every Slack payload into its inbox command", async () => {
    const store = await v6With({
      added: {
        kind: "reaction_added",
        user: "U1",
        reaction: "clap::skin-tone-2",
        channel: "C1",
        ts: "1.000001",
      },
      removed: { kind: "reaction_removed", user: "U1", reaction: "star", channel: "C1", ts: "1.000002" },
      deleted: { kind: "message_deleted", channel: "C1", ts: "1.000003" },
      tombstone: {
        kind: "message_changed",
        channel: "C1",
        ts: "1.000004",
        text: "This message was deleted.",
        previousText: "x",
        edited: false,
        tombstone: true,
      },
      edited: {
        kind: "message_changed",
        channel: "C1",
        ts: "1.000005",
        text: "new words",
        previousText: "old words",
        edited: true,
        tombstone: false,
      },
      shortcut: { kind: "add_message", user: "U2", channel: "C1", ts: "1.000006" },
      reply: { kind: "add_message", user: "U2", channel: "C1", ts: "1.000008", threadTs: "1.000007" },
      typed: {
        kind: "add_text",
        user: "U3",
        userName: "Cai",
        channel: "C1",
        channelName: "bins",
        private: false,
        ts: "5.000123",
        text: "Diolch i'r tîm 🎉",
        section: "thanks",
      },
      bare: {
        kind: "add_text",
        user: "U3",
        channel: "D1",
        private: true,
        ts: "5.000124",
        text: "x",
        section: "tune",
      },
    });
    const expected: Record<string, unknown> = {
      added: { kind: "tag_added", ...base, ref: ref("1.000001"), user: "U1", reaction: "clap::skin-tone-2" },
      removed: { kind: "tag_removed", ...base, ref: ref("1.000002"), user: "U1", reaction: "star" },
      deleted: { kind: "message_deleted", ...base, ref: ref("1.000003") },
      tombstone: { kind: "message_deleted", ...base, ref: ref("1.000004") },
      edited: { kind: "message_edited", ...base, ref: ref("1.000005"), rawText: "new words" },
      shortcut: { kind: "add_message", ...base, ref: ref("1.000006"), user: "U2", section: "highlights" },
      reply: {
        kind: "add_message",
        ...base,
        ref: { ...ref("1.000008"), threadId: "1.000007" },
        user: "U2",
        section: "highlights",
      },
      typed: {
        kind: "add_text",
        ...base,
        highlightId: "typed/legacy-typed",
        conversationId: "C1",
        conversationName: "bins",
        private: false,
        user: "U3",
        userName: "Cai",
        text: "Diolch i'r tîm 🎉",
        section: "thanks",
        postedAtMs: 5000,
      },
      bare: {
        kind: "add_text",
        ...base,
        highlightId: "typed/legacy-bare",
        conversationId: "D1",
        private: true,
        user: "U3",
        text: "x",
        section: "tune",
        postedAtMs: 5000,
      },
    };
    for (const [eventId, command] of Object.entries(expected)) {
      const event = await store.getEvent(WS, eventId);
      expect(event?.payload, eventId).toStrictEqual(command);
      expect(event?.kind, eventId).toBe((command as { kind: string }).kind);
      expect(event?.status, eventId).toBe("pending");
      expect(event?.correlationId, eventId).toBe(eventId);
      expect(parseInboxCommand(event?.payload), eventId).toStrictEqual(command);
    }
    // The old worker's lease is kept: the events are claimed once it has run out, as before.
    expect(await store.claimEvents({ nowMs: 8_999, limit: 100, leaseMs: 1, holder: "new" })).toEqual([]);
    expect(await store.claimEvents({ nowMs: 9_000, limit: 100, leaseMs: 1, holder: "new" })).toHaveLength(9);
  });

  it("finishes an edit that changed no words, and fails what it cannot read, never dropping it", async () => {
    const unfurl = {
      kind: "message_changed",
      channel: "C1",
      ts: "1.000001",
      text: "same",
      previousText: "same",
      edited: true,
      tombstone: false,
    };
    const unreadable = {
      noKind: { user: "U1", channel: "C1", ts: "1.0" },
      unknownKind: { kind: "pin_added", channel: "C1", ts: "1.0" },
      missingTs: { kind: "reaction_added", user: "U1", reaction: "star", channel: "C1" },
      badSection: {
        kind: "add_text",
        user: "U3",
        channel: "C1",
        private: false,
        ts: "5.1",
        text: "hi",
        section: "gossip",
      },
      emptyText: {
        kind: "add_text",
        user: "U3",
        channel: "C1",
        private: false,
        ts: "5.1",
        text: "",
        section: "tune",
      },
      notAnObject: [1, 2, 3],
    };
    const store = await v6With({ unfurl, noText: { ...unfurl, text: undefined }, ...unreadable });

    for (const eventId of ["unfurl", "noText"]) {
      expect(await store.getEvent(WS, eventId), eventId).toMatchObject({
        status: "done",
        lastErrorCode: undefined,
      });
    }
    for (const [eventId, payload] of Object.entries(unreadable)) {
      const event = await store.getEvent(WS, eventId);
      expect(event?.status, eventId).toBe("failed");
      expect(event?.lastErrorCode, eventId).toBe("store.corrupt");
      expect(event?.payload, eventId).toStrictEqual(payload);
    }
    expect(await store.claimEvents({ nowMs: 10_000_000, limit: 100, leaseMs: 1, holder: "new" })).toEqual([]);
  });
});

describe("SQLite migration of schema 6 highlights of every shape", () => {
  it("tells typed text by its tags, renames explicit adds once, and keeps what it cannot read", async () => {
    const path = await tempPath();
    withDb(path, (db) => {
      migrate(db, MIGRATIONS.slice(0, 6));
      const insert = db.prepare(`INSERT INTO highlights (workspace, channel_id, ts, channel_name, private,
        posted_at_ms, author_id, author_name, text, section, tags, permalink, thread_ts)
        VALUES (?, 'C1', ?, 'general', 0, 1000, NULL, 'Ada', 'text', 'highlights', ?, NULL, ?)`);
      const tags = (...reactions: [string, string][]) =>
        JSON.stringify(reactions.map(([user, reaction]) => ({ user, reaction, section: "highlights" })));
      insert.run(WS, "1.000001", "[]", null);
      insert.run(WS, "1.000002", tags(["U1", "add"], ["U2", "add"]), "1.000000");
      insert.run(WS, "1.000003", tags(["U1", "add"], ["U2", "star"]), null);
      insert.run(WS, "1.000004", tags(["U1", "shortcut"], ["U1", "add"], ["U2", "shortcut"]), null);
      insert.run(WS, "1.000005", '{"not":"a list"}', null);
    });
    const store = openSqliteStore({ path });
    try {
      const get = (ts: string) => store.getHighlight(WS, `C1/${ts}`);
      const command = (user: string) => ({ user, reaction: "add", section: "highlights", via: "command" });
      // No tag at all: a message saved in a batch, never typed text.
      expect(await get("1.000001")).toMatchObject({ messageId: "1.000001", tags: [] });
      // Every tag an add: typed text, which has no thread either.
      expect(await get("1.000002")).toMatchObject({
        messageId: undefined,
        threadId: undefined,
        tags: [command("U1"), command("U2")],
      });
      expect(await get("1.000003")).toMatchObject({
        messageId: "1.000003",
        tags: [command("U1"), { user: "U2", reaction: "star", section: "highlights", via: "reaction" }],
      });
      // A shortcut and an add of one user become one command tag.
      expect((await get("1.000004"))?.tags).toStrictEqual([command("U1"), command("U2")]);
      // Kept as it was, so it is reported when read rather than lost in the migration.
      expect(isBotError(await get("1.000005").catch((e: unknown) => e), "store.corrupt")).toBe(true);
    } finally {
      await store.close();
    }
  });
});
