import type { Platform } from "../../src/domain/message-ref.ts";
import { type EmojiAliases, normaliseEmojiName } from "../../src/domain/sections.ts";
import type { Logger } from "../../src/ports/logger.ts";

/** A workspace's custom emoji as Slack's `emoji.list` gives them: name → image URL or `alias:<name>`. */
export type CustomEmoji = Readonly<Record<string, string>>;

export interface WorkspaceEmojiOptions {
  /** The standard aliases (`thumbsup` → `+1`), applied after a custom alias is followed. */
  readonly base: EmojiAliases;
  /** Whether a name is a standard emoji (so a reaction with it never asks Slack for the list). */
  readonly isStandard: (name: string) => boolean;
  /** The workspace's `emoji.list` (needs the `emoji:read` scope). A failure keeps what is cached. */
  readonly list: (workspace: string) => Promise<CustomEmoji>;
  /** UTC epoch ms. */
  readonly now: () => number;
  readonly logger: Logger;
  /** The least time between two reads of one workspace's list, ms; default 60 s (emoji.list is Tier 2). */
  readonly minRefreshMs?: number;
  /** How long a list is trusted before it is read again on the next reaction, ms; default 1 hour. */
  readonly ttlMs?: number;
  /** Aliases followed at most; default 5 (a loop `a` → `b` → `a` stops there). */
  readonly maxHops?: number;
}

/** Emoji aliases that also know each Slack workspace's custom aliases (`wn` → `alias:star` → `star`). */
export interface WorkspaceEmojiAliases extends EmojiAliases {
  forWorkspace(platform: Platform, workspace: string, names: readonly string[]): Promise<EmojiAliases>;
}

interface Entry {
  emoji: CustomEmoji;
  readAtMs: number;
  refreshing: Promise<void> | undefined;
}

/**
 * The standard aliases, plus per-workspace custom aliases from Slack's `emoji.list`
 * (https://docs.slack.dev/reference/methods/emoji.list): cached per workspace; read when a
 * reaction names an emoji that is not standard and either not in the cached list (a new custom
 * emoji) or the list is older than `ttlMs` — at most once per `minRefreshMs` per workspace, one
 * read at a time. Standard names never cause a read. An alias is followed up to `maxHops` times; a loop or a longer chain leaves the name as
 * it is (so it matches no chosen emoji). Names are compared after {@link normaliseEmojiName}, as
 * every other comparison of emoji names is. Other platforms get the standard aliases.
 */
export function createWorkspaceEmojiAliases(options: WorkspaceEmojiOptions): WorkspaceEmojiAliases {
  const minRefreshMs = options.minRefreshMs ?? 60_000;
  const ttlMs = options.ttlMs ?? 3_600_000;
  const maxHops = options.maxHops ?? 5;
  const { base, logger } = options;
  const cache = new Map<string, Entry>();

  function resolve(emoji: CustomEmoji, name: string): string {
    const seen = new Set([name]);
    let current = name;
    for (let hop = 0; hop < maxHops; hop += 1) {
      const value = Object.hasOwn(emoji, current) ? emoji[current] : undefined;
      if (value === undefined || !value.startsWith("alias:")) {
        return base.canonical(current);
      }
      const next = normaliseEmojiName(value.slice("alias:".length));
      if (seen.has(next)) {
        logger.warn({ emoji: name, hops: hop + 1 }, "custom emoji aliases loop; the name is taken as it is");
        return name;
      }
      seen.add(next);
      current = next;
    }
    const last = Object.hasOwn(emoji, current) ? emoji[current] : undefined;
    if (last?.startsWith("alias:")) {
      logger.warn(
        { emoji: name, hops: maxHops },
        "custom emoji alias chain too long; the name is taken as it is",
      );
      return name;
    }
    return base.canonical(current);
  }

  function aliasesOf(emoji: CustomEmoji): EmojiAliases {
    return { canonical: (name) => resolve(emoji, name) };
  }

  async function refresh(workspace: string, entry: Entry): Promise<void> {
    entry.refreshing ??= (async () => {
      entry.readAtMs = options.now();
      try {
        entry.emoji = await options.list(workspace);
      } catch (error) {
        logger.warn(
          { workspace, error: error instanceof Error ? error.message : String(error) },
          "emoji.list failed; custom emoji aliases stay as last read",
        );
      } finally {
        entry.refreshing = undefined;
      }
    })();
    await entry.refreshing;
  }

  return {
    canonical: (name) => base.canonical(name),
    async forWorkspace(platform, workspace, names) {
      if (platform !== "slack") {
        return base;
      }
      let entry = cache.get(workspace);
      if (entry === undefined) {
        entry = { emoji: {}, readAtMs: Number.NEGATIVE_INFINITY, refreshing: undefined };
        cache.set(workspace, entry);
      }
      const current = entry;
      // Standard names need no list; a custom one does when it is new or the list is old.
      const custom = names.map((raw) => normaliseEmojiName(raw)).filter((name) => !options.isStandard(name));
      const unknown = custom.some((name) => !Object.hasOwn(current.emoji, name));
      const age = options.now() - current.readAtMs;
      if (current.refreshing) {
        await current.refreshing;
      } else if (custom.length > 0 && (unknown || age >= ttlMs) && age >= minRefreshMs) {
        await refresh(workspace, current);
      }
      return aliasesOf(current.emoji);
    },
  };
}
