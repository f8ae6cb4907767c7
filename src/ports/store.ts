import type { Highlight, Tag } from "../domain/highlight.ts";
import type { Platform, PostedRef } from "../domain/message-ref.ts";
import type { TeamSettings } from "../domain/team.ts";
import type { NewRevision, Weeknote, WeeknoteKey } from "../domain/weeknote.ts";

export type { NewRevision, WeeknoteKey } from "../domain/weeknote.ts";

/**
 * Persistence (SPEC §7), as small role ports: each use case depends on the roles it uses, and a
 * store (SQLite, MongoDB, in memory) implements them all and passes test/contract/store.contract.ts.
 *
 * Common to every method: writes are atomic (a failed call leaves nothing half-written); records
 * are checked with src/domain/records.ts before anything is written; times are UTC epoch ms.
 * Errors are BotError: `store.invalid` (a record that fails its check; nothing written),
 * `store.unavailable` (retryable when the database is busy or unreachable), `store.corrupt` (a
 * stored record that no longer reads back), `store.conflict`, `lease.lost` (a write fenced by a
 * lease that another holder has taken since).
 */

/** Counts of what a batch save did. */
export interface SaveHighlightsResult {
  readonly inserted: number;
  readonly updated: number;
}

/**
 * A lease held: the proof a write of a leased job carries. `token` grows by one each time the
 * lease passes to a holder that did not hold it unexpired (a fencing token), so a holder that lost
 * its lease while paused can be told apart from the one that took it over.
 */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  readonly token: number;
  /** Held until this instant (exclusive), UTC epoch ms. */
  readonly untilMs: number;
}

/** A lease as a write carries it to be fenced: refused unless the lease still has this token. */
export type Fence = Pick<Lease, "name" | "token">;

export interface HighlightQuery {
  readonly workspace: string;
  /** Posted in [fromMs, toMs), UTC epoch ms. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Only from these conversations; all when absent. */
  readonly conversationIds?: readonly string[];
  /**
   * Only the highlights one team may draw on (the "where" rule of selectTeamHighlights): typed
   * highlights whose `team` is `team`, and highlights with no team posted in one of
   * `conversationIds` (in any conversation when that list is empty). Typed highlights of other
   * teams are never returned. All of the workspace's highlights when absent. Applies on top of the
   * query's own `conversationIds`, which still limits both kinds. Lets a store leave rows of other
   * teams unread (a draft per team must not pay for its whole workspace).
   */
  readonly team?: TeamHighlightFilter;
}

/** The team part of a {@link HighlightQuery}: a team id and its source conversations. */
export interface TeamHighlightFilter {
  readonly team: string;
  readonly conversationIds: readonly string[];
}

/** Highlights, one per message or typed text, keyed by (workspace, id). */
export interface HighlightStore {
  /**
   * Inserts or replaces highlights by (workspace, id): saving one twice leaves one highlight
   * holding the latest text, section and tags. All or nothing.
   */
  saveHighlights(highlights: readonly Highlight[]): Promise<SaveHighlightsResult>;

  /** One highlight. */
  getHighlight(workspace: string, id: string): Promise<Highlight | undefined>;

  /** Deletes a highlight; true when there was one. */
  removeHighlight(workspace: string, id: string): Promise<boolean>;

  /** A workspace's highlights posted in the query's window, oldest first (ties by conversation, then id). */
  listHighlights(query: HighlightQuery): Promise<Highlight[]>;

  /**
   * Adds `tag` to highlight `id`, creating it from `content` (whose own tags are ignored) when
   * there is none, and recomputes the section from all its tags (sectionOfTags). One atomic step,
   * so two tags racing on a new message are both kept. A tag already there (same user and
   * reaction) changes nothing.
   * @returns the highlight, or undefined when there was none and no `content` was given.
   * @throws BotError `store.invalid` when `content` is not highlight `id` of `workspace`.
   */
  addTag(workspace: string, id: string, tag: Tag, content?: Highlight): Promise<Highlight | undefined>;

  /**
   * Removes the tag of exactly (user, reaction) — `clap::skin-tone-3` is not `clap`. When no tag
   * is left the highlight is deleted. Atomic.
   * @returns the highlight as it now is, or undefined when it is gone (or never was).
   */
  removeTag(
    workspace: string,
    id: string,
    tag: { readonly user: string; readonly reaction: string },
  ): Promise<Highlight | undefined>;

  /** Replaces a highlight's text after an edit; false when there is no such highlight. */
  updateHighlightText(workspace: string, id: string, text: string): Promise<boolean>;

  /**
   * Deletes these highlights of `workspace` (text, author and tags with them), ignoring ids there
   * is no highlight for; at most 1,000 ids a call. Used by retention (src/app/retention.ts).
   * @returns how many were deleted.
   * @throws BotError `store.invalid` on an empty id or more than 1,000 ids (nothing deleted).
   */
  removeHighlights(workspace: string, ids: readonly string[]): Promise<number>;

  /**
   * "Forget me": deletes every highlight of `workspace` that `user` wrote (authorId), and removes
   * every tag `user` made from the others, recomputing their section (sectionOfTags) and deleting
   * those left with no tag, as removeTag does. One atomic step.
   * @returns how many highlights were deleted and how many of their tags were removed from
   *   highlights that are kept.
   */
  forgetPerson(workspace: string, user: string): Promise<{ highlights: number; tags: number }>;
}

/** Weeknotes and their revisions, keyed by (workspace, team, week). */
export interface WeeknoteStore {
  /**
   * Creates the draft weeknote with its first revision, or adds a revision to the existing draft.
   * With `fence`, only while that lease still has that token, checked in the same atomic step.
   * @throws BotError `weeknote.bad_transition` when the weeknote is approved or skipped;
   *   `lease.lost` when the fence no longer holds.
   */
  saveDraftRevision(key: WeeknoteKey, revision: NewRevision, fence?: Fence): Promise<Weeknote>;

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

  /** A team's weeknotes, newest week first, each with only its latest revision. */
  listWeeknotes(query: {
    readonly workspace: string;
    readonly team: string;
    readonly limit: number;
  }): Promise<Weeknote[]>;

  /**
   * Records where a weeknote's review message was posted (with `fence`: only while it holds).
   * @throws BotError `weeknote.not_found`, `lease.lost`.
   */
  setReviewMessage(key: WeeknoteKey, ref: PostedRef, fence?: Fence): Promise<void>;

  /**
   * Records where an approved weeknote was published.
   * @throws BotError `weeknote.not_found`; `weeknote.bad_transition` when it is not approved.
   */
  setPublished(key: WeeknoteKey, ref: PostedRef): Promise<void>;
}

/** One recorded inbox event (a command of src/domain/inbox-command.ts), as stored. */
export interface InboxEvent {
  readonly workspace: string;
  /** The platform's event id (Slack `event_id`), or a unique id made for the command. */
  readonly eventId: string;
  /** The command's kind (`tag_added`, `approve`, …). */
  readonly kind: string;
  /** The command, JSON-safe; checked again when read (parseInboxCommand); never logged. */
  readonly payload: unknown;
  /** Follows the event from its acknowledgement to the worker in the logs. */
  readonly correlationId: string;
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

/** The durable inbox: events recorded before they are acknowledged, then worked by leases. */
export interface InboxStore {
  /**
   * Records an event unless one with the same (workspace, eventId) is already recorded. Durable
   * before it returns: only then may the event be acknowledged.
   */
  recordEvent(event: {
    readonly workspace: string;
    readonly eventId: string;
    readonly kind: string;
    readonly payload: unknown;
    readonly correlationId: string;
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

  /**
   * What is waiting, for /readyz and metrics: the number of pending events received at or before
   * `nowMs` (those waiting out a retry's notBeforeMs included) and the receivedAtMs of the oldest
   * of them (undefined when there are none). Reads only.
   */
  inboxBacklog(nowMs: number): Promise<{ pending: number; oldestReceivedAtMs: number | undefined }>;

  /**
   * Deletes finished (`done` or `failed`) events received before `receivedBeforeMs`; pending ones
   * are never deleted. Measured from receipt because an event's id is kept to recognise the
   * platform's retries of it, and those are timed from the first delivery. A purged event id that
   * arrives again is recorded again, so callers keep events well past the platform's retry window.
   * @returns how many were deleted.
   */
  purgeInbox(receivedBeforeMs: number): Promise<number>;
}

/** Teams' settings, keyed by (workspace, team). */
export interface TeamStore {
  getTeam(workspace: string, team: string): Promise<TeamSettings | undefined>;

  /** Stores `settings` unless the team exists; returns what is stored (the first caller wins). */
  createTeamIfAbsent(settings: TeamSettings): Promise<TeamSettings>;

  /** Replaces a team's settings (or creates the team). */
  saveTeam(settings: TeamSettings): Promise<void>;

  /** The teams of one workspace, or of every workspace; by workspace, then team key. */
  listTeams(workspace?: string): Promise<TeamSettings[]>;
}

/** Named leases with fencing tokens: one holder at a time, for jobs that must run once. */
export interface LeaseStore {
  /**
   * Takes lease `name` for `holder` until nowMs + ttlMs when it is free, expired, or already the
   * holder's and unexpired (then it is extended, keeping its token). A lease that changes holder,
   * or was free or expired, gets the next token.
   * @returns the lease, or undefined when someone else holds it.
   */
  acquireLease(name: string, holder: string, nowMs: number, ttlMs: number): Promise<Lease | undefined>;

  /**
   * Extends a lease its holder still has, until nowMs + ttlMs: only while the lease has this token
   * (nobody took it over since; an expired lease nobody took is still the holder's). Used right
   * before a leased job does something it cannot take back, such as posting a review.
   * @returns the lease, or undefined when it was lost (then nothing changes).
   */
  renewLease(lease: Fence, nowMs: number, ttlMs: number): Promise<Lease | undefined>;

  /**
   * Gives a lease back, only while it still has this token (its holder's own term): it is marked
   * expired, not forgotten, so the next holder gets the next token and a name's tokens never
   * repeat (a forgotten lease would start again at 1 and let a stale token 1 pass a fence). A
   * write fenced by the released token is accepted until someone else takes the lease, as for an
   * expired lease nobody took.
   */
  releaseLease(lease: Fence): Promise<void>;
}

/** A platform installation: how the bot reaches one workspace (SPEC §4, multi-workspace). */
export interface Installation {
  readonly platform: Platform;
  readonly workspace: string;
  readonly installedAtMs: number;
  readonly updatedAtMs: number;
  /** The platform adapter's own data (tokens encrypted by it, bot ids …), JSON-safe; opaque here. */
  readonly data: Readonly<Record<string, unknown>>;
}

export interface InstallationStore {
  /** Stores an installation, replacing the workspace's earlier one whole (installedAtMs included). */
  saveInstallation(installation: Installation): Promise<void>;
  getInstallation(platform: Platform, workspace: string): Promise<Installation | undefined>;
  /** Deletes it (an uninstall); true when there was one. */
  deleteInstallation(platform: Platform, workspace: string): Promise<boolean>;
}

/**
 * A stored conversation reference (Teams: the reference a proactive message needs), persisted so
 * a scheduled draft can be posted by any replica after a restart (SPEC §4).
 */
export interface ConversationReference {
  readonly platform: Platform;
  readonly workspace: string;
  readonly conversationId: string;
  /** The platform's reference, JSON-safe; opaque here. */
  readonly reference: Readonly<Record<string, unknown>>;
  readonly updatedAtMs: number;
}

export interface ConversationReferenceStore {
  /** Stores a reference, replacing the conversation's earlier one. */
  saveConversationReference(reference: ConversationReference): Promise<void>;
  getConversationReference(
    platform: Platform,
    workspace: string,
    conversationId: string,
  ): Promise<ConversationReference | undefined>;
}

/**
 * Named resume points of background readers (the Teams reaction sweep keeps a Microsoft Graph
 * delta link per channel, named `teams-sweep:<workspace>:<channel id>`). Opaque text.
 */
export interface SweepCursorStore {
  /** The cursor saved under `name`, or undefined when none is. */
  getCursor(name: string): Promise<string | undefined>;
  /**
   * Saves `value` under `name`, replacing the earlier one.
   * @throws BotError `store.invalid` on an empty name or value, or updatedAtMs not an integer.
   */
  saveCursor(name: string, value: string, updatedAtMs: number): Promise<void>;
}

/** Every role, plus what the composition root needs to run a store. */
export interface Store
  extends HighlightStore,
    WeeknoteStore,
    InboxStore,
    TeamStore,
    LeaseStore,
    InstallationStore,
    ConversationReferenceStore,
    SweepCursorStore {
  /** Resolves when the database answers (for /readyz). */
  ping(): Promise<void>;
  /** Closes it; safe to call twice. */
  close(): Promise<void>;
}
