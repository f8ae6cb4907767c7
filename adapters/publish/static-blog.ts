import { stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { asBotError } from "../../src/domain/errors.ts";
import { noteLanguageOf, type TeamSettings } from "../../src/domain/team.ts";
import type { Timers } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { Publisher } from "../../src/ports/publisher.ts";
import type { TeamStore, WeeknoteStore } from "../../src/ports/store.ts";
import { packageVersion } from "../package-root.ts";
import { BLOG_FILE, type BlogTeam, blogFiles, writtenByWeeknotes } from "./blog-files.ts";
import { syncFolder } from "./folder-files.ts";
import { createRetryQueue } from "./retry-queue.ts";

/** Most notes a team's blog holds: years of weekly notes. */
export const BLOG_NOTE_LIMIT = 1_000;

/** Waits before retrying a blog that could not be written (a full disk, a permission), ms. */
export const BLOG_RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000] as const;

export interface StaticBlogDeps {
  /** The blog's folder (BLOG_DIR); each team's blog is `<dir>/<workspace>/<team>/`. */
  readonly dir: string;
  /** Where `dir` is served, ending in `/` (BLOG_URL); undefined: the folder's `file:` URL. */
  readonly baseUrl: string | undefined;
  readonly store: WeeknoteStore & TeamStore;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly retryDelaysMs?: readonly number[];
}

/**
 * A folder name from an id: letters, digits, `_` and `-` kept, anything else (`/`, `.`, `\`) made
 * `_`, so no workspace or team key can name a place outside the blog folder.
 */
export function folderName(id: string): string {
  return id.replace(/[^\p{L}\p{N}_-]/gu, "_") || "_";
}

/** Where a team's blog is, inside the blog folder: `<workspace>/<team>`. */
export function teamBlogPath(workspace: string, team: string): string {
  return join(folderName(workspace), folderName(team));
}

/** The team's settings as its blog names them. */
export function blogTeamOf(team: TeamSettings): BlogTeam {
  return {
    workspace: team.workspace,
    team: team.team,
    name: team.name,
    timezone: team.timezone,
    language: noteLanguageOf(team),
  };
}

/**
 * Writes one team's blog from the store into `folder`: every approved note (see
 * adapters/publish/blog-files.ts), files written atomically, stale ones of ours removed.
 * @returns how many files were written and removed.
 */
export async function writeTeamBlog(
  store: WeeknoteStore,
  team: BlogTeam,
  folder: string,
  baseUrl: string,
  what: string,
): Promise<{ readonly notes: number; readonly written: number; readonly removed: number }> {
  const weeknotes = (
    await store.listWeeknotes({ workspace: team.workspace, team: team.team, limit: BLOG_NOTE_LIMIT })
  ).filter((w) => w.status === "approved");
  if (weeknotes.length === 0 && !(await stat(folder).catch(() => undefined))) {
    // A team with nothing approved gets no folder; one whose notes were all deleted is emptied.
    return { notes: 0, written: 0, removed: 0 };
  }
  const files = blogFiles(team, weeknotes, { baseUrl, generator: `weeknotes ${packageVersion()}` });
  return {
    notes: weeknotes.length,
    ...(await syncFolder(folder, files, BLOG_FILE, what, writtenByWeeknotes)),
  };
}

/**
 * The static blog publisher (BLOG_DIR): on every approval, the approving team's blog is written
 * again from the store, in the background; at start-up every team's is, so approvals made while
 * the process was down or failing are there too. A failure is logged and retried
 * ({@link BLOG_RETRY_DELAYS_MS}); the store is the source, so nothing is lost meanwhile.
 */
export function createStaticBlogPublisher(deps: StaticBlogDeps): Publisher {
  const queue = createRetryQueue({
    name: "blog",
    timers: deps.timers,
    logger: deps.logger,
    delaysMs: deps.retryDelaysMs ?? BLOG_RETRY_DELAYS_MS,
  });
  const rootUrl = deps.baseUrl ?? pathToFileURL(`${trimTrailingSlashes(deps.dir)}/`).href;

  function write(team: TeamSettings): void {
    const path = teamBlogPath(team.workspace, team.team);
    queue.run(path, async () => {
      const blog = blogTeamOf(team);
      // Read again: the settings (name, zone) may have changed since the approval.
      const current = await deps.store.getTeam(team.workspace, team.team);
      const result = await writeTeamBlog(
        deps.store,
        current ? blogTeamOf(current) : blog,
        join(deps.dir, path),
        new URL(`${path.split("/").map(encodeURIComponent).join("/")}/`, rootUrl).href,
        "BLOG_DIR",
      );
      deps.logger.info({ workspace: team.workspace, team: team.team, ...result }, "blog written");
    });
  }

  return {
    approved(note) {
      write(note.team);
    },
    async start() {
      try {
        for (const team of await deps.store.listTeams()) {
          write(team);
        }
      } catch (error) {
        deps.logger.error({ job: "blog", code: asBotError(error).code }, "could not list teams for the blog");
      }
    },
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}

/** `path` without its trailing slashes; one pass from the end. */
function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === "/") {
    end -= 1;
  }
  return path.slice(0, end);
}
