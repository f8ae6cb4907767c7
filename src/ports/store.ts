import type { Highlight, Tag } from "../domain/highlight.ts";
import type { TeamSettings } from "../domain/team.ts";
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

/** A message's identity on its platform. */
export interface MessageKey {
  readonly workspace: string;
  readonly channelId: string;
  /** Exactly as the platform gave it. */
  readonly ts: string;
}

/** Where a message the bot posted lives, to update it later. */
export interface PostedRef {
  readonly channel: string;
  readonly ts: string;
}

/** One incoming platform event, recorded before it is acknowledged (the inbox). */
export interface InboxEvent {
  readonly workspace: string;
  /** The platform's event id (Slack `event_id`), or a made-up unique id for commands. */
  readonly eventId: string;
  /** What it is: `reaction_added`, `reaction_removed`, `message_changed`, `message_deleted`, … */
  readonly kind: string;
  /** The event, JSON-safe; never logged. */
  readonly payload: unknown;
  readonly receivedAtMs: number;
  /** How many times a worker has claimed it. */
  readonly attempts: number;
  /** Not to be worked on before this time (a rate limit's Retry-After). */
  readonly notBeforeMs: number;
  readonly status: "pending" | "done" | "failed";
  /** The BotError code of the last failure; never message text. */
  readonly lastErrorCode: string | undefined;
}

export type InboxOutcome =
  | { readonly status: "done" }
  | { readonly status: "failed"; readonly errorCode: string }
  | { readonly status: "retry"; readonly notBeforeMs: number; readonly errorCode: string };

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
    decision: {
      readonly status: "approved" | "skipped";
      readonly by: string;
      readonly atMs: number;
      /** When given, the decision applies only if this is still the latest revision. */
      readonly revision?: number;
    },
  ): Promise<Weeknote | undefined>;

  /** A team's weeknotes, newest week first, without revisions other than the latest. */
  listWeeknotes(query: {
    readonly workspace: string;
    readonly team: string;
    readonly limit: number;
  }): Promise<Weeknote[]>;

  /**
   * Adds `tag` to a message's highlight, creating the highlight from `content` when there is none
   * (its own tags are ignored), and recomputes the section from all tags (sectionOfTags). One
   * atomic step, so two reactions racing on a new message keep both tags. Adding a tag the
   * highlight already has changes nothing.
   * @returns the highlight, or undefined when there was none and no `content` was given.
   */
  addTag(key: MessageKey, tag: Tag, content?: Highlight): Promise<Highlight | undefined>;

  /**
   * Removes the tag of exactly (user, reaction) — `clap::skin-tone-3` is not `clap`. When no tag
   * is left the highlight is deleted. Atomic.
   * @returns the highlight as it now is, or undefined when it is gone (or never was).
   */
  removeTag(
    key: MessageKey,
    tag: { readonly user: string; readonly reaction: string },
  ): Promise<Highlight | undefined>;

  /** Replaces a highlight's text after an edit; false when the message has no highlight. */
  updateHighlightText(key: MessageKey, text: string): Promise<boolean>;

  /** Records where a weeknote's review message was posted. */
  setReviewMessage(key: WeeknoteKey, ref: PostedRef): Promise<void>;

  /** Records where an approved weeknote was published. */
  setPublished(key: WeeknoteKey, ref: PostedRef): Promise<void>;

  /**
   * Records an incoming event unless one with the same (workspace, eventId) is already recorded.
   * Durable before it returns: only then may the event be acknowledged.
   */
  recordEvent(event: {
    readonly workspace: string;
    readonly eventId: string;
    readonly kind: string;
    readonly payload: unknown;
    readonly receivedAtMs: number;
  }): Promise<"recorded" | "duplicate">;

  /**
   * Claims up to `limit` pending events due at `nowMs` (notBeforeMs <= nowMs) and not leased by
   * another worker, oldest first, leasing them to `holder` until nowMs + leaseMs and counting an
   * attempt. A worker that dies leaves its lease to expire, and the event is claimed again.
   */
  claimEvents(query: {
    readonly nowMs: number;
    readonly limit: number;
    readonly leaseMs: number;
    readonly holder: string;
  }): Promise<InboxEvent[]>;

  /** Ends a claimed event's attempt: done, failed for good, or to retry from notBeforeMs. */
  finishEvent(workspace: string, eventId: string, outcome: InboxOutcome): Promise<void>;

  /** One event by id, for tests and operators. */
  getEvent(workspace: string, eventId: string): Promise<InboxEvent | undefined>;

  /** A team's settings. */
  getTeam(workspace: string, team: string): Promise<TeamSettings | undefined>;

  /** Stores `settings` unless the team exists; returns what is stored (the first caller wins). */
  createTeamIfAbsent(settings: TeamSettings): Promise<TeamSettings>;

  /** Replaces a team's settings. */
  saveTeam(settings: TeamSettings): Promise<void>;

  /** Every team of every workspace. */
  listTeams(): Promise<TeamSettings[]>;

  /**
   * Takes the named lease for `holder` until nowMs + ttlMs when it is free, expired, or already
   * the holder's (then it is extended). False when someone else holds it.
   */
  acquireLease(name: string, holder: string, nowMs: number, ttlMs: number): Promise<boolean>;

  /** Gives a lease back; only its holder can. */
  releaseLease(name: string, holder: string): Promise<void>;

  /** Resolves when the database answers (for /readyz). */
  ping(): Promise<void>;

  close(): Promise<void>;
}
