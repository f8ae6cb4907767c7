import { BotError } from "../domain/errors.ts";
import type { Highlight } from "../domain/highlight.ts";
import type { Platform } from "../domain/message-ref.ts";
import type { TeamSettings } from "../domain/team.ts";
import { formatWeekKey, windowOf } from "../domain/week.ts";
import type { Weeknote } from "../domain/weeknote.ts";
import type { Clock } from "../ports/clock.ts";
import { type TeamHighlightSource, teamHighlights } from "./draft-weeknote.ts";
import type { TeamDirectory } from "./teams.ts";

/** What a person's home view (Slack's App Home) shows. */
export interface HomeView {
  readonly team: TeamSettings;
  /** This week's key in the team's zone, `2026-W13`. */
  readonly week: string;
  /** The team's highlights of this week so far, oldest first. */
  readonly highlights: readonly Highlight[];
  /** The team's recent notes, newest first, each with its latest revision only. */
  readonly notes: readonly Weeknote[];
}

/** The home view query (SPEC §4): read-only. */
export interface HomeQuery {
  /**
   * The view of the team the person belongs to: the first team that has them as a member or an
   * approver, else the workspace's first team (the default team's defaults when it has none).
   */
  forUser(platform: Platform, workspace: string, user: string): Promise<HomeView>;
}

const RECENT = 10;

export function createHomeQuery(
  deps: TeamHighlightSource & { readonly teams: TeamDirectory; readonly clock: Clock },
): HomeQuery {
  return {
    async forUser(platform, workspace, user) {
      const teams = await deps.teams.list(workspace);
      const mine = teams.find((t) => t.members.includes(user) || t.approvers.includes(user));
      let chosen = mine ?? teams[0];
      if (!chosen) {
        // With no team yet, resolve gives the default team's defaults.
        const fallback = await deps.teams.resolve({ platform, workspace });
        if (fallback.kind !== "team") {
          throw new BotError("input.unknown_team", "The workspace has no team to show");
        }
        chosen = fallback.team;
      }
      const window = windowOf(deps.clock.now(), chosen.timezone);
      return {
        team: chosen,
        week: formatWeekKey(window.key),
        highlights: await teamHighlights(deps, chosen, window),
        notes: await deps.weeknotes.listWeeknotes({ workspace, team: chosen.team, limit: RECENT }),
      };
    },
  };
}
