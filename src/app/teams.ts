import { DEFAULT_TEAM, defaultTeamSettings, type TeamSettings } from "../domain/team.ts";
import type { Clock } from "../ports/clock.ts";
import type { Store } from "../ports/store.ts";

export interface TeamDirectoryDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** IANA zone for teams nobody configured (env DEFAULT_TIMEZONE). */
  readonly defaultTimezone: string;
}

/**
 * A workspace's weeknotes team. Settings are read fresh on every call, so changes made in chat
 * take effect without a restart. A team works with defaults before anyone configures it.
 */
export function createTeamDirectory(deps: TeamDirectoryDeps) {
  return {
    /** The stored settings, or the defaults when nobody has configured the team yet. */
    async settingsFor(workspace: string): Promise<TeamSettings> {
      return (
        (await deps.store.getTeam(workspace, DEFAULT_TEAM)) ??
        defaultTeamSettings(workspace, deps.defaultTimezone, deps.clock.now())
      );
    },

    /**
     * The first person to draft or configure a team becomes its approver, and that channel its
     * review and publish channel, until someone changes them. Later callers change nothing.
     */
    async claim(workspace: string, userId: string, channelId: string): Promise<TeamSettings> {
      const base = defaultTeamSettings(workspace, deps.defaultTimezone, deps.clock.now());
      const stored = await deps.store.createTeamIfAbsent({
        ...base,
        approvers: [userId],
        reviewChannel: channelId,
        publishChannel: channelId,
      });
      if (stored.approvers.length > 0 && stored.reviewChannel) {
        return stored;
      }
      const completed: TeamSettings = {
        ...stored,
        approvers: stored.approvers.length > 0 ? stored.approvers : [userId],
        reviewChannel: stored.reviewChannel ?? channelId,
        publishChannel: stored.publishChannel ?? stored.reviewChannel ?? channelId,
        updatedAtMs: deps.clock.now(),
      };
      await deps.store.saveTeam(completed);
      return completed;
    },

    async save(settings: TeamSettings): Promise<void> {
      await deps.store.saveTeam({ ...settings, updatedAtMs: deps.clock.now() });
    },
  };
}

export type TeamDirectory = ReturnType<typeof createTeamDirectory>;
