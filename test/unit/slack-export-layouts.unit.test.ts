/**
 * Issue 10, item 1: export layouts of every Slack plan. Enterprise Grid (`org_users.json`,
 * workspace sub-folders), folders named from a normalised channel name, DMs and group DMs, and
 * parts that cannot be mapped said on stderr. Every export is built here, as a folder and a zip.
 */
import { afterAll, describe, expect, it } from "vitest";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import { runCli } from "../support/run-cli.ts";
import {
  channels,
  EMOJI,
  type ExportFiles,
  message,
  TempExports,
  users,
  WEEK,
} from "./slack-export-fixture.ts";

const temp = new TempExports();
afterAll(() => temp.cleanup());

const by = (user: string, iso: string, text: string) => message(iso, text, { user });

/** An Enterprise Grid org export: org-wide channel at the root, two workspaces each with a #general. */
const GRID: ExportFiles = {
  "org_users.json": users(
    ["U0ALICE001", "alice", "Alice Jones", "Alice"],
    ["U0BOB00002", "bob", "Bob Builder", ""],
  ),
  "channels.json": channels(["C0ORGWIDE1", "announcements"]),
  "announcements/2024-03-05.json": [by("U0ALICE001", "2024-03-05T09:00:00Z", "Org news for <@U0BOB00002>")],
  "acme-design/channels.json": channels(["C0DESIGN01", "general"]),
  "acme-design/general/2024-03-05.json": [by("U0BOB00002", "2024-03-05T10:00:00Z", "Design shipped")],
  "acme-ops/channels.json": channels(["C0OPS00001", "general"]),
  "acme-ops/general/2024-03-06.json": [by("U0ALICE001", "2024-03-06T10:00:00Z", "Ops shipped")],
};

const shape = (result: Awaited<ReturnType<typeof readExportHighlights>>) =>
  result.highlights.map((h) => [h.conversationId, h.conversationName, h.private, h.authorName, h.text]);

const GRID_EXPECTED = [
  ["C0ORGWIDE1", "announcements", false, "Alice", "Org news for @Bob Builder"],
  ["C0DESIGN01", "general", false, "Bob Builder", "Design shipped"],
  ["C0OPS00001", "general", false, "Alice", "Ops shipped"],
];

describe("Enterprise Grid exports", () => {
  it("names people from org_users.json and reads channels in per-workspace folders", async () => {
    const result = await readExportHighlights({ path: await temp.folder(GRID), window: WEEK, emoji: EMOJI });
    expect(shape(result)).toEqual(GRID_EXPECTED);
    expect(result.stats.warnings).toEqual([]);
  });

  it("reads the same from a zip, and from a zip wrapped in one more folder", async () => {
    const zipped = await readExportHighlights({ path: await temp.zip(GRID), window: WEEK, emoji: EMOJI });
    const wrapped = await readExportHighlights({
      path: await temp.zip(GRID, "acme-org-export/"),
      window: WEEK,
      emoji: EMOJI,
    });
    expect(shape(zipped)).toEqual(GRID_EXPECTED);
    expect(shape(wrapped)).toEqual(GRID_EXPECTED);
  });

  it("reads a wrapped unzipped Grid export four levels deep", async () => {
    const outer = await temp.folder(
      Object.fromEntries(Object.entries(GRID).map(([p, c]) => [`org/${p}`, c])),
    );
    const result = await readExportHighlights({ path: outer, window: WEEK, emoji: EMOJI });
    expect(shape(result)).toEqual(GRID_EXPECTED);
  });
});

describe("folders named from a normalised channel name", () => {
  it("matches half-width kana to full-width, and a folder named by name_normalized", async () => {
    const path = await temp.folder({
      "channels.json": [
        { id: "C0KIKAKU01", name: "ｷｶｸ", created: 1 },
        { id: "C0DESIGN01", name: "Design Team", name_normalized: "design-team", created: 1 },
      ],
      "users.json": users(["U_ALICE", "alice", "Alice", ""]),
      "キカク/2024-03-05.json": [message("2024-03-05T10:00:00Z", "企画")],
      "design-team/2024-03-05.json": [message("2024-03-05T11:00:00Z", "Design")],
    });
    const result = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    expect(result.highlights.map((h) => [h.conversationId, h.conversationName, h.private])).toEqual([
      ["C0KIKAKU01", "ｷｶｸ", false],
      ["C0DESIGN01", "Design Team", false],
    ]);
    expect(result.stats.warnings).toEqual([]);
  });
});

describe("DMs and group DMs", () => {
  it("reads dms.json and mpims.json, names them after their members, and keeps them private", async () => {
    const path = await temp.folder({
      "channels.json": channels(["C1", "general"]),
      "users.json": users(
        ["U_ALICE", "alice", "Alice", ""],
        ["U_BOB", "bob", "Bob", ""],
        ["U_CAROL", "carol", "Carol", ""],
      ),
      "dms.json": [{ id: "D0DM000001", created: 1, members: ["U_ALICE", "U_BOB"] }],
      "mpims.json": [
        {
          id: "G0MPIM0001",
          name: "mpdm-alice--bob--carol-1",
          created: 1,
          members: ["U_ALICE", "U_BOB", "U_CAROL"],
        },
      ],
      "D0DM000001/2024-03-05.json": [message("2024-03-05T10:00:00Z", "just us")],
      "mpdm-alice--bob--carol-1/2024-03-05.json": [message("2024-03-05T11:00:00Z", "the three of us")],
    });
    const result = await readExportHighlights({ path, window: WEEK, emoji: EMOJI });
    expect(result.highlights.map((h) => [h.conversationId, h.conversationName, h.private, h.text])).toEqual([
      ["D0DM000001", "dm-alice--bob", true, "just us"],
      ["G0MPIM0001", "mpdm-alice--bob--carol-1", true, "the three of us"],
    ]);
    expect(result.stats.warnings).toEqual([]);
  });
});

describe("parts that cannot be mapped", () => {
  const FILES: ExportFiles = {
    ...GRID,
    "acme-design/general/archive/2024-03-05.json": [message("2024-03-05T12:00:00Z", "too deep")],
    "stray/2024-03-05.json": [message("2024-03-05T13:00:00Z", "no list names me")],
  };

  it("are named in stats.warnings, never silently dropped", async () => {
    const result = await readExportHighlights({ path: await temp.zip(FILES), window: WEEK, emoji: EMOJI });
    expect(result.stats.warnings).toEqual([
      "acme-design/general/archive/2024-03-05.json is not where a Slack export keeps a conversation's day files; not read",
      "folder stray is in no conversation list of the export; read as a conversation of its own",
    ]);
    expect(result.highlights.map((h) => h.text)).toContain("no list names me");
  });

  it("are said on stderr by weeknotes compile", async () => {
    const path = await temp.zip(FILES);
    const { code, stderr } = await runCli([
      "compile",
      "--slack-export",
      path,
      "--week",
      "2024-W10",
      "--tz",
      "UTC",
      "--no-store",
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain(
      "weeknotes: acme-design/general/archive/2024-03-05.json is not where a Slack export keeps a conversation's day files; not read\n",
    );
    expect(stderr).toContain("weeknotes: folder stray is in no conversation list of the export");
  });
});
