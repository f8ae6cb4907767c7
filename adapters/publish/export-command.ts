import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command, Option } from "commander";
import type { CliIo } from "../../src/cli.ts";
import { BotError } from "../../src/domain/errors.ts";
import { type TeamSettings, teamKeyOf } from "../../src/domain/team.ts";
import type { TeamStore } from "../../src/ports/store.ts";
import { refuseOverwrite } from "../fs/safe-paths.ts";
import { packageVersion } from "../package-root.ts";
import { openSqliteStore } from "../sqlite/sqlite-store.ts";
import { BLOG_FILE, type BlogFile, blogFiles, writtenByWeeknotes } from "./blog-files.ts";
import { syncFolder } from "./folder-files.ts";
import { BLOG_NOTE_LIMIT, blogTeamOf } from "./static-blog.ts";

/** What `weeknotes export --format` writes: each note's Markdown, each note's page and the index, the feed. */
export const EXPORT_FORMATS = ["md", "html", "atom"] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

const FORMAT_FILES: Record<ExportFormat, RegExp> = {
  md: /^\d{4}-W\d{2}\.md$/,
  html: /^(?:\d{4}-W\d{2}\.html|index\.html)$/,
  atom: /^atom\.xml$/,
};

interface ExportOptions {
  format?: ExportFormat;
  out: string;
  team?: string;
  workspace?: string;
  dataDir?: string;
  baseUrl?: string;
}

/**
 * `weeknotes export`: one team's approved notes from the store, as the static blog (BLOG_DIR)
 * writes them: `<week>.md` with front matter, `<week>.html` and `index.html`, `atom.xml`.
 */
export function exportCommand(io: CliIo): Command {
  return new Command("export")
    .description("Write a team's approved weeknotes from the store as a static blog: Markdown, HTML, Atom.")
    .addOption(
      new Option(
        "--format <format>",
        "only md (Markdown files), html (pages and index) or atom (the feed)",
      ).choices(EXPORT_FORMATS),
    )
    .requiredOption(
      "--out <dir>",
      "the folder to write (made if missing; the notes' files in it are replaced)",
    )
    .option("--team <name>", "the team, by name or key (default: the only team in the store)")
    .option(
      "--workspace <id>",
      "the team's workspace id (T… or a tenant id), when two workspaces have the team",
    )
    .option("--data-dir <dir>", "where the SQLite database lives (env DATA_DIR, else ./data)")
    .option(
      "--base-url <url>",
      "where --out will be served, for the feed's links (default: the folder's file: URL)",
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action(async (options: ExportOptions) => {
      await exportNotes(options, io);
    });
}

async function exportNotes(options: ExportOptions, io: CliIo): Promise<void> {
  if (!options.out.trim()) {
    throw new BotError("input.bad_option", "--out is empty", {
      hint: "Give the folder to write the blog to",
    });
  }
  const baseUrl = baseUrlOption(options.baseUrl, options.out);
  const dir = options.dataDir ?? (io.env.DATA_DIR || "./data");
  const where =
    options.dataDir !== undefined
      ? `--data-dir ${options.dataDir}`
      : io.env.DATA_DIR
        ? "DATA_DIR"
        : `the default data folder ${resolve(dir)} (DATA_DIR is not set)`;
  const database = join(resolve(dir), "weeknotes.sqlite");
  if (!(await stat(database).catch(() => undefined))?.isFile()) {
    // Opening would make an empty database: say where we looked instead.
    throw new BotError("input.not_found", `There is no weeknotes database in ${where}`, {
      hint: "Give --data-dir the folder the bot (or weeknotes compile) keeps weeknotes.sqlite in",
    });
  }
  // The blog beside the database would mix published files with private data.
  await refuseOverwrite(options.out, "--out", [{ path: resolve(dir), kind: "tree" }]);
  const store = openSqliteStore({ path: database });
  try {
    const team = await chooseTeam(store, options.team, options.workspace);
    const notes = (
      await store.listWeeknotes({ workspace: team.workspace, team: team.team, limit: BLOG_NOTE_LIMIT })
    ).filter((w) => w.status === "approved");
    const all = blogFiles(blogTeamOf(team), notes, { baseUrl, generator: `weeknotes ${packageVersion()}` });
    const ours = options.format === undefined ? BLOG_FILE : FORMAT_FILES[options.format];
    const files: BlogFile[] = all.filter((f) => ours.test(f.path));
    const result = await syncFolder(options.out, files, ours, `--out ${options.out}`, writtenByWeeknotes);
    io.stdout(
      `Wrote ${plural(notes.length, "approved note")} of ${team.name} to ${options.out} (${plural(result.written, "file")} written, ${result.removed} removed).\n`,
    );
  } finally {
    await store.close();
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function baseUrlOption(value: string | undefined, out: string): string {
  if (value === undefined) {
    return pathToFileURL(`${resolve(out)}/`).href;
  }
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new BotError("input.bad_option", "--base-url is not an http:// or https:// URL", {
      hint: "Give the address the folder will be served at, such as https://example.org/weeknotes/",
    });
  }
  return value.endsWith("/") ? value : `${value}/`;
}

/**
 * The team `--team` (and `--workspace`) name among the store's teams.
 * @throws BotError `input.unknown_team` when none or several match, listing the teams there are.
 */
async function chooseTeam(
  store: TeamStore,
  name: string | undefined,
  workspace: string | undefined,
): Promise<TeamSettings> {
  const teams = (await store.listTeams(workspace)).sort(
    (a, b) => a.workspace.localeCompare(b.workspace) || a.team.localeCompare(b.team),
  );
  const key = name === undefined ? undefined : teamKeyOf(name);
  const matching =
    name === undefined ? teams : teams.filter((t) => t.team === key || t.name.trim() === name.trim());
  const known = teams.map((t) => `${t.name} (${t.team}, workspace ${t.workspace})`).join("; ");
  if (matching.length === 1 && matching[0]) {
    return matching[0];
  }
  if (matching.length === 0) {
    throw new BotError(
      "input.unknown_team",
      name === undefined
        ? `The store has no team with notes to export${workspace === undefined ? "" : ` in workspace ${workspace}`}`
        : `The store has no team called ${name}${workspace === undefined ? "" : ` in workspace ${workspace}`}`,
      {
        hint:
          teams.length > 0
            ? `Give --team one of: ${known}`
            : "Only approved notes are exported: weeknotes compile saves drafts, and a team's drafts are approved in Slack or Teams",
      },
    );
  }
  throw new BotError(
    "input.unknown_team",
    name === undefined ? "The store has several teams" : `${name} names several teams`,
    {
      hint: `Give --team${name === undefined ? "" : " and --workspace"} to choose one of: ${known}`,
    },
  );
}
