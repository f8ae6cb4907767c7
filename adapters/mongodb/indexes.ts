import type { CreateIndexesOptions, Db, IndexSpecification } from "mongodb";
import { BotError } from "../../src/domain/errors.ts";
import { isDuplicateKey } from "./errors.ts";

/** The collections of the store, by role; each name gets the store's prefix. */
export const COLLECTIONS = {
  highlights: "highlights",
  weeknotes: "weeknotes",
  inbox: "inbox_events",
  teams: "teams",
  leases: "leases",
  installations: "installations",
  references: "conversation_references",
  cursors: "sweep_cursors",
  meta: "meta",
} as const;
export type CollectionRole = keyof typeof COLLECTIONS;

/** One index the store needs: its collection, keys and options (a name always). */
export interface IndexSpec {
  readonly collection: CollectionRole;
  readonly keys: IndexSpecification & Record<string, 1 | -1>;
  readonly options: CreateIndexesOptions & { readonly name: string };
}

/**
 * The version of {@link INDEXES}: raised whenever an index is added, changed or dropped, and kept
 * in the `meta` collection (`{_id: "schema", version}`) once every index exists. A store that finds
 * a version above this refuses to start (a newer weeknotes set the database up), as the SQLite
 * store does with a newer schema.
 */
export const INDEX_VERSION = 2;

/**
 * Every index, created at start-up by {@link ensureIndexes}. The unique indexes are what make each
 * write idempotent: a second insert of the same key fails with E11000 and is read as "already
 * there" or "someone else won".
 */
export const INDEXES: readonly IndexSpec[] = [
  {
    collection: "highlights",
    keys: { workspace: 1, id: 1 },
    options: { name: "highlight_key", unique: true },
  },
  {
    collection: "highlights",
    keys: { workspace: 1, postedAtMs: 1, conversationId: 1, id: 1 },
    options: { name: "highlights_by_time" },
  },
  // One team's draft (HighlightQuery.team): each $or branch, typed text by team and the rest
  // (team null) by conversation, seeks its own keys instead of reading the workspace's whole week.
  // Version 2.
  {
    collection: "highlights",
    keys: { workspace: 1, team: 1, conversationId: 1, postedAtMs: 1 },
    options: { name: "highlights_by_team" },
  },
  // "Forget me" finds a person's highlights and tags without a scan of the workspace.
  {
    collection: "highlights",
    keys: { workspace: 1, authorId: 1 },
    options: { name: "highlights_by_author" },
  },
  {
    collection: "highlights",
    keys: { workspace: 1, "tags.user": 1 },
    options: { name: "highlights_by_tagger" },
  },
  {
    collection: "weeknotes",
    keys: { workspace: 1, team: 1, week: 1 },
    options: { name: "weeknote_key", unique: true },
  },
  {
    collection: "inbox",
    keys: { workspace: 1, eventId: 1 },
    options: { name: "event_key", unique: true },
  },
  // Claims: pending events by time received.
  {
    collection: "inbox",
    keys: { status: 1, receivedAtMs: 1, seq: 1 },
    options: { name: "inbox_due" },
  },
  // A finished event is deleted by the server once `purgeAt` has passed (a Date set when it is
  // finished: receivedAtMs + the store's inboxKeepMs); pending events have no `purgeAt` and stay.
  // purgeInbox does the same on demand; this is the backstop when the daily job does not run.
  {
    collection: "inbox",
    keys: { purgeAt: 1 },
    options: { name: "inbox_purge_ttl", expireAfterSeconds: 0 },
  },
  { collection: "teams", keys: { workspace: 1, team: 1 }, options: { name: "team_key", unique: true } },
  // No TTL on leases: a lease given back or expired must stay, so its tokens never start again at 1.
  { collection: "leases", keys: { name: 1 }, options: { name: "lease_key", unique: true } },
  {
    collection: "installations",
    keys: { platform: 1, workspace: 1 },
    options: { name: "installation_key", unique: true },
  },
  {
    collection: "references",
    keys: { platform: 1, workspace: 1, conversationId: 1 },
    options: { name: "reference_key", unique: true },
  },
  { collection: "cursors", keys: { name: 1 }, options: { name: "cursor_key", unique: true } },
];

/** The `meta` document holding the index version. */
export interface SchemaDocument {
  _id: "schema";
  version: number;
}

/**
 * Creates every index in {@link INDEXES} (createIndex leaves one that exists with the same keys and
 * options as it is) and records {@link INDEX_VERSION}.
 * @throws BotError `store.unavailable` when the database was set up by a newer weeknotes; driver
 *   errors as they come (the caller translates them).
 */
export async function ensureIndexes(db: Db, name: (role: CollectionRole) => string): Promise<void> {
  const meta = db.collection<SchemaDocument>(name("meta"));
  const stored = await meta.findOne({ _id: "schema" });
  if (stored !== null && stored.version > INDEX_VERSION) {
    throw new BotError(
      "store.unavailable",
      `The MongoDB database was set up by a newer weeknotes (index version ${stored.version}, this one knows ${INDEX_VERSION})`,
      { hint: "Run the newer weeknotes, or point MONGODB_URI at another database" },
    );
  }
  // Always run: createIndex is a no-op for an index that exists as specified, and this puts back
  // one that was dropped by hand.
  for (const index of INDEXES) {
    await db.collection(name(index.collection)).createIndex(index.keys, index.options);
  }
  const record = () =>
    meta.updateOne({ _id: "schema" }, { $max: { version: INDEX_VERSION } }, { upsert: true });
  try {
    await record();
  } catch (error) {
    // Two replicas starting at once may both insert it; the second then updates the first's.
    if (!isDuplicateKey(error)) throw error;
    await record();
  }
}
