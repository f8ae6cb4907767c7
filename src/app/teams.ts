import type { Platform } from "../domain/message-ref.ts";
import type { TeamProblem } from "../domain/outcomes.ts";
import { type EmojiAliases, EmojiSectionMap, type Section } from "../domain/sections.ts";
import {
  DEFAULT_TEAM,
  defaultTeamSettings,
  type TeamInactive,
  type TeamSettings,
  teamKeyOf,
} from "../domain/team.ts";
import type { Clock } from "../ports/clock.ts";
import type { TeamStore } from "../ports/store.ts";

export interface TeamDirectoryDeps {
  readonly store: TeamStore;
  readonly clock: Clock;
  readonly aliases: EmojiAliases;
  /** IANA zone for teams nobody configured (env DEFAULT_TIMEZONE). */
  readonly defaultTimezone: string;
  /** Called after a team was created or its settings saved (the schedule re-reads them). */
  readonly onChange?: () => void;
}

/** Where a request was made, and which team it named, if any. */
export interface TeamRequest {
  readonly platform: Platform;
  readonly workspace: string;
  /** The conversation the request was typed in, when there is one. */
  readonly conversationId?: string | undefined;
  /** A team named in the request: its key or its display name (case-insensitive). */
  readonly name?: string | undefined;
}

export type TeamChoice = { readonly kind: "team"; readonly team: TeamSettings } | TeamProblem;

/** A new team made from chat. */
export interface NewTeam {
  readonly platform: Platform;
  readonly workspace: string;
  readonly name: string;
  readonly personal: boolean;
  /** Who made it: its first approver (and its member, for a personal team). */
  readonly user: string;
  /** Where it was made: its review and publish channel until changed. */
  readonly conversationId: string;
}

/**
 * The weeknotes teams of each workspace (SPEC §2: a workspace holds several). Settings are read
 * fresh on every call, so changes made in chat take effect without a restart. A workspace with no
 * team works with the default team's defaults until someone claims or configures it.
 */
export interface TeamDirectory {
  /**
   * The team a request is about: the team it names (by key, else by display name; `default` is
   * the default team even before anyone stored it); else the team whose review channel it was
   * made in; else the workspace's only team; else, in a workspace with no team yet, the default
   * team with its defaults (not stored).
   * @returns the team, or the problem: `unknown_team` (a name no team has), `which_team`
   *   (several teams could be meant: none named and several or none reviewing here, or a display
   *   name several teams share).
   */
  resolve(request: TeamRequest): Promise<TeamChoice>;

  /** One team's settings. */
  get(workspace: string, team: string): Promise<TeamSettings | undefined>;

  /** A workspace's teams, the default team first, then by key. */
  list(workspace: string): Promise<TeamSettings[]>;

  /** Every team of every workspace (for the schedule). */
  all(): Promise<TeamSettings[]>;

  /**
   * The first person to draft or configure a team that has no approver becomes its approver, and
   * that conversation its review and publish channel, until someone changes them. A team that has
   * approvers and a review channel is returned as it is. Stores the team when it was not stored.
   */
  claim(team: TeamSettings, user: string, conversationId: string): Promise<TeamSettings>;

  /**
   * Creates a team from chat unless one with the same key exists (then that one is returned with
   * `existed`). A personal team counts only its maker's tags and speaks as "I".
   * @returns undefined when the name has no letters or digits to make a key of.
   */
  create(team: NewTeam): Promise<{ readonly team: TeamSettings; readonly existed: boolean } | undefined>;

  /** Replaces a team's settings (stamping updatedAtMs). */
  save(settings: TeamSettings): Promise<void>;

  /**
   * Marks a team whose posts the platform refuses for good (TeamSettings.inactive): the schedule
   * leaves it alone instead of failing every minute. Reads the team afresh; no-op when it is gone.
   */
  markInactive(workspace: string, team: string, reason: TeamInactive["reason"]): Promise<void>;

  /**
   * The bot heard from `conversationId` again (installed there, spoken to): the teams reviewing
   * there that were marked inactive are active again.
   * @returns the teams made active.
   */
  reactivate(platform: Platform, workspace: string, conversationId: string): Promise<TeamSettings[]>;

  /**
   * The section a reaction files under when it is captured: by the first team of the workspace
   * (the default team first) whose emoji map knows it, or by the default map when the workspace
   * has no team. Undefined: no team tags with it, so it is not captured.
   */
  sectionOfReaction(platform: Platform, workspace: string, reaction: string): Promise<Section | undefined>;
}

export function createTeamDirectory(deps: TeamDirectoryDeps): TeamDirectory {
  const defaults = (platform: Platform, workspace: string) =>
    defaultTeamSettings(platform, workspace, deps.defaultTimezone, deps.clock.now());

  async function list(workspace: string): Promise<TeamSettings[]> {
    // The default team first: it is the workspace's team until others are made.
    return (await deps.store.listTeams(workspace)).sort(
      (a, b) =>
        Number(b.team === DEFAULT_TEAM) - Number(a.team === DEFAULT_TEAM) || a.team.localeCompare(b.team),
    );
  }

  async function save(settings: TeamSettings): Promise<void> {
    await deps.store.saveTeam({ ...settings, updatedAtMs: deps.clock.now() });
    deps.onChange?.();
  }

  return {
    async resolve(request) {
      const teams = await list(request.workspace);
      const keys = teams.map((t) => t.team);
      if (request.name !== undefined) {
        const wanted = request.name.trim().toLowerCase();
        const key = teamKeyOf(request.name);
        // A key names one team; a display name may be shared, and a key always wins over it.
        const byKey = teams.find((t) => t.team === wanted) ?? teams.find((t) => t.team === key);
        if (byKey) {
          return { kind: "team", team: byKey };
        }
        const byName = teams.filter((t) => t.name.trim().toLowerCase() === wanted);
        const [named, ...alike] = byName;
        if (named && alike.length === 0) {
          return { kind: "team", team: named };
        }
        if (named) {
          return { kind: "which_team", teams: byName.map((t) => t.team) };
        }
        // The default team works before anyone stores it, whatever other teams exist.
        if (key === DEFAULT_TEAM) {
          return { kind: "team", team: defaults(request.platform, request.workspace) };
        }
        return { kind: "unknown_team", name: request.name, teams: keys };
      }
      const reviewing = teams.filter(
        (t) => request.conversationId !== undefined && t.reviewChannel === request.conversationId,
      );
      const [here, ...alsoHere] = reviewing;
      if (here && alsoHere.length === 0) {
        return { kind: "team", team: here };
      }
      if (here) {
        // Several teams review in this conversation: guessing would act on the wrong one.
        return { kind: "which_team", teams: reviewing.map((t) => t.team) };
      }
      const [only, ...others] = teams;
      if (only === undefined) {
        return { kind: "team", team: defaults(request.platform, request.workspace) };
      }
      if (others.length === 0) {
        return { kind: "team", team: only };
      }
      return { kind: "which_team", teams: keys };
    },

    get: (workspace, team) => deps.store.getTeam(workspace, team),
    list,
    all: () => deps.store.listTeams(),

    async claim(team, user, conversationId) {
      // A team with approvers and a review channel has been claimed: nothing to write (this runs
      // while the platform waits, on every draft request and settings opening).
      if (team.approvers.length > 0 && team.reviewChannel) {
        return team;
      }
      const stored = await deps.store.createTeamIfAbsent({
        ...team,
        approvers: team.approvers.length > 0 ? team.approvers : [user],
        reviewChannel: team.reviewChannel ?? conversationId,
        publishChannel: team.publishChannel ?? team.reviewChannel ?? conversationId,
        updatedAtMs: deps.clock.now(),
      });
      deps.onChange?.();
      if (stored.approvers.length > 0 && stored.reviewChannel) {
        return stored;
      }
      const completed: TeamSettings = {
        ...stored,
        approvers: stored.approvers.length > 0 ? stored.approvers : [user],
        reviewChannel: stored.reviewChannel ?? conversationId,
        publishChannel: stored.publishChannel ?? stored.reviewChannel ?? conversationId,
      };
      await save(completed);
      return completed;
    },

    async create(request) {
      const key = teamKeyOf(request.name);
      if (key === undefined) {
        return undefined;
      }
      const before = await deps.store.getTeam(request.workspace, key);
      if (before) {
        return { team: before, existed: true };
      }
      const fresh: TeamSettings = {
        ...defaultTeamSettings(request.platform, request.workspace, deps.defaultTimezone, deps.clock.now(), {
          key,
          name: request.name.trim(),
        }),
        personal: request.personal,
        members: request.personal ? [request.user] : [],
        approvers: [request.user],
        reviewChannel: request.conversationId,
        publishChannel: request.conversationId,
      };
      const stored = await deps.store.createTeamIfAbsent(fresh);
      deps.onChange?.();
      return { team: stored, existed: false };
    },

    save,

    async markInactive(workspace, key, reason) {
      const team = await deps.store.getTeam(workspace, key);
      if (team && team.inactive?.reason !== reason) {
        await save({ ...team, inactive: { reason, sinceMs: deps.clock.now() } });
      }
    },

    async reactivate(platform, workspace, conversationId) {
      const inactive = (await list(workspace)).filter(
        (t) => t.platform === platform && t.inactive !== undefined && t.reviewChannel === conversationId,
      );
      for (const team of inactive) {
        await save({ ...team, inactive: undefined });
      }
      return inactive.map((team) => ({ ...team, inactive: undefined }));
    },

    async sectionOfReaction(platform, workspace, reaction) {
      const teams = await list(workspace);
      const maps = teams.length > 0 ? teams : [defaults(platform, workspace)];
      // The workspace's custom aliases too (`wn` → star), for the reaction and the map alike.
      const aliases = (await deps.aliases.forWorkspace?.(platform, workspace, [reaction])) ?? deps.aliases;
      for (const team of maps) {
        const section = new EmojiSectionMap(team.emoji, aliases).sectionOf(reaction);
        if (section !== undefined) {
          return section;
        }
      }
      return undefined;
    },
  };
}
