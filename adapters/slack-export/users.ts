import { z } from "zod";

const text = z.string().optional().catch(undefined);

/** One entry of `users.json` (only the fields used; unknown or mistyped fields are ignored). */
const UsersJsonEntry = z.object({
  id: z.string(),
  team_id: text,
  name: text,
  real_name: text,
  profile: z.object({ display_name: text, real_name: text }).optional().catch(undefined),
});

/** The `user_profile` a modern export copies into each message: the author as they were then. */
export const MessageProfile = z.object({ display_name: text, real_name: text, name: text });
export type MessageProfile = z.infer<typeof MessageProfile>;

/**
 * Names of the export's people, for attribution and for `<@U…>` mentions.
 * Order of trust: `users.json` (display name, else real name, else handle), then the `user_profile`
 * of messages read so far (display name, else real name, else handle). Callers fall back to the id.
 */
export class UserDirectory {
  private readonly listed = new Map<string, { name: string | undefined; handle: string | undefined }>();
  private readonly fromMessages = new Map<string, string>();
  private readonly teams = new Map<string, number>();

  /**
   * Builds the directory from the parsed `users.json` (an export without one: `new UserDirectory()`).
   * @returns undefined when `data` is not an array, so the caller can name the bad file.
   */
  static fromUsersJson(data: unknown): UserDirectory | undefined {
    const directory = new UserDirectory();
    return directory.addUsersJson(data) ? directory : undefined;
  }

  /**
   * Adds the people of another parsed user list (`org_users.json` of an Enterprise Grid export, a
   * workspace folder's `users.json`); a person already listed keeps the name first read.
   * @returns false when `data` is not an array, so the caller can name the bad file.
   */
  addUsersJson(data: unknown): boolean {
    if (!Array.isArray(data)) {
      return false;
    }
    for (const item of data) {
      const parsed = UsersJsonEntry.safeParse(item);
      if (!parsed.success) {
        continue;
      }
      const user = parsed.data;
      const name = firstNonEmpty(
        user.profile?.display_name,
        user.profile?.real_name,
        user.real_name,
        user.name,
      );
      if (this.listed.has(user.id)) {
        continue;
      }
      this.listed.set(user.id, { name, handle: firstNonEmpty(user.name) });
      if (user.team_id) {
        this.teams.set(user.team_id, (this.teams.get(user.team_id) ?? 0) + 1);
      }
    }
    return true;
  }

  /** Remembers the name a message's `user_profile` gives its author, for users `users.json` lacks. */
  learn(userId: string, profile: MessageProfile | undefined): void {
    if (!profile || this.fromMessages.has(userId)) {
      return;
    }
    const name = firstNonEmpty(profile.display_name, profile.real_name, profile.name);
    if (name !== undefined) {
      this.fromMessages.set(userId, name);
    }
  }

  /** The name to show for `userId`, or undefined when the export never names them. */
  displayName(userId: string): string | undefined {
    return this.listed.get(userId)?.name ?? this.fromMessages.get(userId);
  }

  /** The user's handle (`users.json` `name`, such as `jane.doe`), for naming DMs. */
  handle(userId: string): string | undefined {
    return this.listed.get(userId)?.handle;
  }

  /** The team id most users in `users.json` belong to (`T…`), if it lists any. */
  teamId(): string | undefined {
    let best: [string, number] | undefined;
    for (const entry of this.teams) {
      if (best === undefined || entry[1] > best[1]) {
        best = entry;
      }
    }
    return best?.[0];
  }
}

/** The first argument that holds more than whitespace, trimmed. */
export function firstNonEmpty(...values: (string | undefined)[]): string | undefined {
  for (const value of values) {
    const trimmed = value?.trim();
    if (trimmed) {
      return trimmed;
    }
  }
  return undefined;
}
