import type { Highlight } from "../domain/highlight.ts";
import type { Revision, Weeknote } from "../domain/weeknote.ts";

/** Counts of what a batch save did. */
export interface SaveHighlightsResult {
  readonly inserted: number;
  readonly updated: number;
}

/** Identifies a weeknote: one team's one week. */
export interface WeeknoteKey {
  readonly workspace: string;
  readonly team: string;
  /** Week key, `2026-W13`. */
  readonly week: string;
}

/** A revision to add; the store numbers it. */
export type NewRevision = Omit<Revision, "number">;

/**
 * Persistence (SPEC §7). Every implementation passes test/contract/store.contract.ts.
 * Writes are atomic: a failed call leaves nothing half-written. Times are UTC epoch ms.
 * Errors are BotError `store.unavailable` (retryable) or `store.conflict`.
 */
export interface Store {
  /**
   * Inserts or replaces highlights, idempotent on (workspace, channelId, ts): saving the same
   * message twice leaves one highlight holding the latest text, section and tags. All or nothing.
   */
  saveHighlights(highlights: readonly Highlight[]): Promise<SaveHighlightsResult>;

  /** Removes the highlight of a message; true when there was one. */
  removeHighlight(workspace: string, channelId: string, ts: string): Promise<boolean>;

  /** One highlight by message identity. */
  getHighlight(workspace: string, channelId: string, ts: string): Promise<Highlight | undefined>;

  /**
   * A workspace's highlights posted in [fromMs, toMs), oldest first (ties by channel, then ts),
   * optionally only from some channel ids.
   */
  listHighlights(query: {
    readonly workspace: string;
    readonly fromMs: number;
    readonly toMs: number;
    readonly channelIds?: readonly string[];
  }): Promise<Highlight[]>;

  /** Creates the draft weeknote with its first revision, or adds a revision to the existing draft. */
  saveDraftRevision(key: WeeknoteKey, revision: NewRevision): Promise<Weeknote>;

  /** A weeknote with all its revisions, oldest first. */
  getWeeknote(key: WeeknoteKey): Promise<Weeknote | undefined>;

  /**
   * Approves or skips a draft as one conditional update: only a `draft` changes, so of two racing
   * decisions exactly one wins; the loser gets `undefined`.
   */
  decideWeeknote(
    key: WeeknoteKey,
    decision: { readonly status: "approved" | "skipped"; readonly by: string; readonly atMs: number },
  ): Promise<Weeknote | undefined>;

  /** A team's weeknotes, newest week first, without revisions other than the latest. */
  listWeeknotes(query: {
    readonly workspace: string;
    readonly team: string;
    readonly limit: number;
  }): Promise<Weeknote[]>;

  close(): Promise<void>;
}
