import { randomUUID } from "node:crypto";
import {
  type ClientSession,
  type Collection,
  type Db,
  type Document,
  MongoClient,
  ReadConcern,
  type TransactionOptions,
  type UpdateFilter,
  WriteConcern,
} from "mongodb";
import { z } from "zod";
import { BotError } from "../../src/domain/errors.ts";
import { type Highlight, isSameTag, sectionOfTags, type Tag } from "../../src/domain/highlight.ts";
import type { Platform, PostedRef } from "../../src/domain/message-ref.ts";
import {
  ConversationReferenceRecord,
  checkJson,
  checkNewRevision,
  checkRecord,
  DecisionRecord,
  FenceRecord,
  HighlightQueryRecord,
  HighlightRecord,
  InboxClaimRecord,
  InboxOutcomeRecord,
  InstallationRecord,
  LeaseRequestRecord,
  NewInboxEventRecord,
  PostedRefRecord,
  TagRecord,
  TeamSettingsRecord,
  WeeknoteKeyRecord,
  WeeknoteQueryRecord,
} from "../../src/domain/records.ts";
import { EpochMsRecord, HighlightIdsRecord, PersonRecord } from "../../src/domain/retention-records.ts";
import { SECTIONS } from "../../src/domain/sections.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import { parseWeeknoteDocument, type Weeknote } from "../../src/domain/weeknote.ts";
import type {
  ConversationReference,
  Fence,
  HighlightQuery,
  InboxEvent,
  InboxOutcome,
  InboxStore,
  Installation,
  Lease,
  NewRevision,
  SaveHighlightsResult,
  Store,
  WeeknoteKey,
  WeeknoteStore,
} from "../../src/ports/store.ts";
import {
  CursorDocSchema,
  copyTag,
  fromEventDoc,
  fromHighlightDoc,
  fromInstallationDoc,
  fromLeaseDoc,
  fromReferenceDoc,
  fromTeamDoc,
  fromWeeknoteDoc,
  type HighlightDoc,
  parseStored,
  type RevisionDoc,
  toHighlightDoc,
  type WeeknoteDoc,
  withoutRev,
} from "./documents.ts";
import { isDuplicateKey, translating } from "./errors.ts";
import { COLLECTIONS, type CollectionRole, ensureIndexes } from "./indexes.ts";

/** Where and how to open the MongoDB store. */
export interface MongoStoreOptions {
  /** A `mongodb://` or `mongodb+srv://` connection string; a replica set (transactions need one). Never logged. */
  readonly uri: string;
  /** The database; default the one the URI names, else `weeknotes`. */
  readonly dbName?: string;
  /** Put before every collection name, so several stores (test runs) can share a database. Default none. */
  readonly collectionPrefix?: string;
  /**
   * How long after it was received a finished inbox event may be deleted by the server's TTL
   * monitor, ms (a backstop for the daily purge). Default 7 days.
   */
  readonly inboxKeepMs?: number;
  /** How long an operation waits for a usable server before failing as unavailable, ms. Default 10 000. */
  readonly serverSelectionTimeoutMs?: number;
}

const DAY_MS = 86_400_000;
// See adapters/sqlite/leases.ts: a lease given back stays, expired since forever, so tokens keep counting.
const RELEASED_UNTIL_MS = Number.MIN_SAFE_INTEGER;
const RenewRecord = LeaseRequestRecord.pick({ nowMs: true, ttlMs: true });
const CursorRecord = z.object({
  name: z.string().min(1),
  value: z.string().min(1),
  updatedAtMs: z.number().int(),
});
/** How often a read-modify-write of one highlight is tried when another write got in between. */
const MAX_OPTIMISTIC_TRIES = 20;

/**
 * Connects to MongoDB, creates the indexes (see indexes.ts) and returns the store.
 * @throws BotError `store.unavailable` (retryable) when no server answers within the server
 *   selection time-out; `store.unavailable` when the server is standalone (not a replica set) or
 *   the database was set up by a newer weeknotes.
 */
export async function openMongoStore(options: MongoStoreOptions): Promise<MongoStore> {
  const client = new MongoClient(options.uri, {
    // Majority on both sides: a write acknowledged here survives a failover, and a read never
    // sees a write that a failover could roll back (SPEC §7).
    writeConcern: { w: "majority" },
    readConcern: { level: "majority" },
    retryWrites: true,
    retryReads: true,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000,
    appName: "weeknotes",
  });
  try {
    await translating("connect to MongoDB", () => client.connect());
    const db = client.db(options.dbName);
    // Transactions (several documents, fenced writes) need a replica set or a sharded cluster:
    // refuse a standalone server now rather than at the first draft. `hello` names the set in
    // `setName`; mongos answers `msg: "isdbgrid"`.
    const hello = await translating("ask MongoDB what it is", () => db.admin().command({ hello: 1 }));
    if (typeof hello.setName !== "string" && hello.msg !== "isdbgrid") {
      throw new BotError(
        "store.unavailable",
        "MongoDB is a standalone server; weeknotes needs a replica set",
        {
          hint: "Start mongod with --replSet and run rs.initiate() (a one-node replica set will do)",
        },
      );
    }
    const store = new MongoStore(
      client,
      db,
      options.collectionPrefix ?? "",
      options.inboxKeepMs ?? 7 * DAY_MS,
    );
    await translating("create the MongoDB indexes", () =>
      ensureIndexes(db, (role) => store.collectionName(role)),
    );
    return store;
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

/**
 * The {@link Store} on MongoDB (SPEC §7): one collection per role (indexes.ts), majority write and
 * read concern, unique indexes making each write idempotent. How each method stays atomic:
 * - one document, one conditional update (decideWeeknote, leases, claims, finishing events);
 * - a read-modify-write of one highlight's tags carries the document's write mark `rev` (a new
 *   random value on every write) in its filter, and is tried again when another write got in between; an insert that meets E11000
 *   lost a race and reads what the winner wrote;
 * - several documents, or a write fenced by a lease: a transaction (snapshot read concern,
 *   majority write concern). A fenced write updates the lease document, filtered on its token,
 *   inside the transaction: a lease taken over concurrently makes one of the two transactions
 *   fail with a write conflict (retried by the driver), so the token is checked in the same write.
 * Every method may throw BotError `store.invalid` (before writing), `store.unavailable` (retryable
 * for network errors, elections, NotWritablePrimary; see errors.ts), `store.corrupt` (a document
 * that does not read back), `store.conflict`, `lease.lost`, `weeknote.bad_transition`,
 * `weeknote.not_found`, as the port says. All times are UTC epoch ms.
 */
export class MongoStore implements Store {
  private readonly client: MongoClient;
  private readonly prefix: string;
  private readonly inboxKeepMs: number;
  private readonly highlights: Collection<Document>;
  private readonly weeknotes: Collection<Document>;
  private readonly inbox: Collection<Document>;
  private readonly teams: Collection<Document>;
  private readonly leases: Collection<Document>;
  private readonly installations: Collection<Document>;
  private readonly references: Collection<Document>;
  private readonly cursors: Collection<Document>;
  private readonly db: Db;
  private seq = 0;
  private closed = false;

  /** Use {@link openMongoStore}, which also creates the indexes. */
  constructor(client: MongoClient, db: Db, prefix: string, inboxKeepMs: number) {
    this.client = client;
    this.db = db;
    this.prefix = prefix;
    this.inboxKeepMs = inboxKeepMs;
    const c = (role: CollectionRole) => db.collection(this.collectionName(role));
    this.highlights = c("highlights");
    this.weeknotes = c("weeknotes");
    this.inbox = c("inbox");
    this.teams = c("teams");
    this.leases = c("leases");
    this.installations = c("installations");
    this.references = c("references");
    this.cursors = c("cursors");
  }

  /** The collection name of a role, with this store's prefix. */
  collectionName(role: CollectionRole): string {
    return `${this.prefix}${COLLECTIONS[role]}`;
  }

  // --- highlights

  async saveHighlights(highlights: readonly Highlight[]): Promise<SaveHighlightsResult> {
    const checked = highlights.map((h, i) => checkRecord(HighlightRecord, h, `highlight #${i}`));
    if (checked.length === 0) {
      return { inserted: 0, updated: 0 };
    }
    return this.run("save highlights", () =>
      this.transaction(async (session) => {
        const result = await this.highlights.bulkWrite(
          checked.map((h) => ({
            replaceOne: {
              filter: { workspace: h.workspace, id: h.id },
              replacement: { ...toHighlightDoc(h, h.tags, h.section, randomUUID()) },
              upsert: true,
            },
          })),
          { session, ordered: true },
        );
        return { inserted: result.upsertedCount, updated: checked.length - result.upsertedCount };
      }),
    );
  }

  async getHighlight(workspace: string, id: string): Promise<Highlight | undefined> {
    return this.run("read a highlight", async () => {
      const raw = await this.highlights.findOne({ workspace, id }, { projection: { _id: 0 } });
      return raw === null ? undefined : withoutRev(fromHighlightDoc(raw));
    });
  }

  async removeHighlight(workspace: string, id: string): Promise<boolean> {
    return this.run("remove a highlight", async () => {
      return (await this.highlights.deleteOne({ workspace, id })).deletedCount > 0;
    });
  }

  async listHighlights(query: HighlightQuery): Promise<Highlight[]> {
    checkRecord(HighlightQueryRecord, query, "highlight query");
    return this.run("list highlights", async () => {
      const filter: Document = {
        workspace: query.workspace,
        postedAtMs: { $gte: query.fromMs, $lt: query.toMs },
      };
      if (query.conversationIds !== undefined) {
        filter.conversationId = { $in: [...query.conversationIds] };
      }
      if (query.team !== undefined) {
        // HighlightQuery.team; `team` is stored null on untyped highlights (documents.ts). The
        // branch's conversationId is its own key, so the query's outer one still applies as well.
        const untyped: Document = { team: null };
        if (query.team.conversationIds.length > 0) {
          untyped.conversationId = { $in: [...query.team.conversationIds] };
        }
        filter.$or = [{ team: query.team.team }, untyped];
      }
      const docs = await this.highlights
        .find(filter, { projection: { _id: 0 } })
        .sort({ postedAtMs: 1, conversationId: 1, id: 1 })
        .toArray();
      return docs.map((raw) => withoutRev(fromHighlightDoc(raw)));
    });
  }

  async addTag(workspace: string, id: string, tag: Tag, content?: Highlight): Promise<Highlight | undefined> {
    const checkedTag = copyTag(checkRecord(TagRecord, tag, "tag"));
    const base = content === undefined ? undefined : checkRecord(HighlightRecord, content, "highlight");
    if (base !== undefined && (base.workspace !== workspace || base.id !== id)) {
      throw new BotError("store.invalid", "Refusing to add a tag: the highlight given is not the one named");
    }
    return this.run("add a tag", () =>
      this.optimistic(workspace, id, async (current) => {
        if (current === undefined) {
          if (base === undefined) {
            return { done: undefined };
          }
          const section = sectionOfTags([checkedTag], SECTIONS) ?? base.section;
          const doc = toHighlightDoc(base, [checkedTag], section, randomUUID());
          try {
            await this.highlights.insertOne({ ...doc });
          } catch (error) {
            // Someone else created it first: add the tag to theirs.
            if (isDuplicateKey(error)) return "again";
            throw error;
          }
          return { done: withoutRev(fromHighlightDoc(doc)) };
        }
        if (current.tags.some((t) => isSameTag(t, checkedTag))) {
          return { done: withoutRev(current) };
        }
        return this.writeTags(current, [...current.tags, checkedTag]);
      }),
    );
  }

  async removeTag(
    workspace: string,
    id: string,
    tag: { readonly user: string; readonly reaction: string },
  ): Promise<Highlight | undefined> {
    return this.run("remove a tag", () =>
      this.optimistic(workspace, id, async (current) => {
        if (current === undefined) {
          return { done: undefined };
        }
        const kept = current.tags.filter((t) => !isSameTag(t, tag));
        if (kept.length === current.tags.length) {
          return { done: withoutRev(current) };
        }
        if (kept.length === 0) {
          const deleted = await this.highlights.deleteOne({ workspace, id, rev: current.rev });
          return deleted.deletedCount > 0 ? { done: undefined } : "again";
        }
        return this.writeTags(current, kept);
      }),
    );
  }

  async updateHighlightText(workspace: string, id: string, text: string): Promise<boolean> {
    checkRecord(z.string(), text, "highlight text");
    return this.run("update a highlight's text", async () => {
      const result = await this.highlights.updateOne(
        { workspace, id },
        { $set: { text, rev: randomUUID() } },
      );
      return result.matchedCount > 0;
    });
  }

  async removeHighlights(workspace: string, ids: readonly string[]): Promise<number> {
    checkRecord(HighlightIdsRecord, { workspace, ids }, "highlight ids");
    if (ids.length === 0) {
      return 0;
    }
    return this.run("remove highlights", async () => {
      return (await this.highlights.deleteMany({ workspace, id: { $in: [...ids] } })).deletedCount;
    });
  }

  async forgetPerson(workspace: string, user: string): Promise<{ highlights: number; tags: number }> {
    checkRecord(PersonRecord, { workspace, user }, "person");
    return this.run("forget a person", () =>
      this.transaction(async (session) => {
        let highlights = (await this.highlights.deleteMany({ workspace, authorId: user }, { session }))
          .deletedCount;
        let tags = 0;
        const tagged = await this.highlights
          .find({ workspace, "tags.user": user }, { session, projection: { _id: 0 } })
          .toArray();
        for (const raw of tagged) {
          const current = fromHighlightDoc(raw);
          const kept = current.tags.filter((t) => t.user !== user);
          if (kept.length === 0) {
            highlights += (await this.highlights.deleteOne({ workspace, id: current.id }, { session }))
              .deletedCount;
          } else {
            tags += current.tags.length - kept.length;
            const section = sectionOfTags(kept, SECTIONS) ?? current.section;
            await this.highlights.updateOne(
              { workspace, id: current.id },
              { $set: { tags: kept.map(copyTag), section, rev: randomUUID() } },
              { session },
            );
          }
        }
        return { highlights, tags };
      }),
    );
  }

  // --- weeknotes

  async saveDraftRevision(key: WeeknoteKey, revision: NewRevision, fence?: Fence): Promise<Weeknote> {
    checkRecord(WeeknoteKeyRecord, key, "weeknote key");
    checkNewRevision(revision, key.week);
    if (fence !== undefined) {
      checkRecord(FenceRecord, fence, "lease");
    }
    const documentJson = JSON.stringify(parseWeeknoteDocument(revision.document));
    const filter = { workspace: key.workspace, team: key.team, week: key.week };
    return this.run("save a weeknote revision", () =>
      this.againOnDuplicate(() =>
        this.transaction(async (session) => {
          if (fence !== undefined) {
            await this.fenced(fence, session);
          }
          const existing = await this.weeknotes.findOne(filter, { session, projection: { _id: 0 } });
          const current = existing === null ? undefined : fromWeeknoteDoc(existing);
          if (current !== undefined && current.status !== "draft") {
            throw new BotError(
              "weeknote.bad_transition",
              `Cannot add a revision to a weeknote that is already ${current.status}`,
              { hint: "Only a draft weeknote can be edited or regenerated" },
            );
          }
          const number = (current?.revisions.length ?? 0) + 1;
          const stored: RevisionDoc = {
            number,
            origin: revision.origin,
            model: revision.model ?? null,
            promptVersion: revision.promptVersion ?? null,
            highlightIds: [...revision.highlightIds],
            documentJson,
            markdown: revision.markdown,
            author: revision.author ?? null,
            createdAtMs: revision.createdAtMs,
          };
          if (current === undefined) {
            const doc: WeeknoteDoc = {
              ...filter,
              status: "draft",
              revisions: [stored],
              revisionCount: 1,
              approval: null,
              review: null,
              published: null,
            };
            // A concurrent first draft that committed first makes this E11000: againOnDuplicate
            // runs the transaction again, which then adds revision 2 to it.
            await this.weeknotes.insertOne({ ...doc }, { session });
          } else {
            const pushed = await this.weeknotes.updateOne(
              { ...filter, status: "draft", revisionCount: number - 1 },
              // The driver's PushOperator type cannot name a field of a plain Document schema.
              {
                $push: { revisions: stored },
                $set: { revisionCount: number },
              } as unknown as UpdateFilter<Document>,
              { session },
            );
            if (pushed.matchedCount === 0) {
              // Not expected inside a snapshot transaction (a concurrent write is a write conflict).
              throw new BotError("store.unavailable", "A weeknote changed while a revision was added", {
                retryable: true,
              });
            }
          }
          const saved = await this.weeknotes.findOne(filter, { session, projection: { _id: 0 } });
          if (saved === null) {
            throw new BotError("store.corrupt", "A weeknote just written cannot be read back");
          }
          return fromWeeknoteDoc(saved);
        }),
      ),
    );
  }

  async getWeeknote(key: WeeknoteKey): Promise<Weeknote | undefined> {
    return this.run("read a weeknote", async () => {
      const raw = await this.weeknotes.findOne(
        { workspace: key.workspace, team: key.team, week: key.week },
        { projection: { _id: 0 } },
      );
      return raw === null ? undefined : fromWeeknoteDoc(raw);
    });
  }

  async decideWeeknote(
    key: WeeknoteKey,
    decision: Parameters<WeeknoteStore["decideWeeknote"]>[1],
  ): Promise<Weeknote | undefined> {
    checkRecord(WeeknoteKeyRecord, key, "weeknote key");
    checkRecord(DecisionRecord, decision, "decision");
    return this.run("decide a weeknote", async () => {
      const filter: Document = { workspace: key.workspace, team: key.team, week: key.week, status: "draft" };
      if (decision.revision !== undefined) {
        filter.revisionCount = decision.revision;
      }
      // One conditional update: of two racing decisions only one still finds a draft.
      const updated = await this.weeknotes.findOneAndUpdate(
        filter,
        [
          {
            $set: {
              // Values as $literal: in a pipeline a string starting with "$" would name a field.
              status: { $literal: decision.status },
              approval: {
                by: { $literal: decision.by },
                revision: "$revisionCount",
                atMs: { $literal: decision.atMs },
              },
            },
          },
        ],
        { returnDocument: "after", projection: { _id: 0 } },
      );
      return updated === null ? undefined : fromWeeknoteDoc(updated);
    });
  }

  async listWeeknotes(query: Parameters<WeeknoteStore["listWeeknotes"]>[0]): Promise<Weeknote[]> {
    checkRecord(WeeknoteQueryRecord, query, "weeknote query");
    if (query.limit === 0) {
      return [];
    }
    return this.run("list weeknotes", async () => {
      const docs = await this.weeknotes
        .find(
          { workspace: query.workspace, team: query.team },
          { projection: { _id: 0, revisions: { $slice: -1 } } },
        )
        .sort({ week: -1 })
        .limit(query.limit)
        .toArray();
      return docs.map(fromWeeknoteDoc);
    });
  }

  async setReviewMessage(key: WeeknoteKey, ref: PostedRef, fence?: Fence): Promise<void> {
    const checked = checkRecord(PostedRefRecord, ref, "review message");
    if (fence !== undefined) {
      checkRecord(FenceRecord, fence, "lease");
    }
    const review = {
      platform: checked.platform,
      conversationId: checked.conversationId,
      messageId: checked.messageId,
    };
    const filter = { workspace: key.workspace, team: key.team, week: key.week };
    await this.run("record a review message", async () => {
      const write = async (session?: ClientSession) => {
        const result = await this.weeknotes.updateOne(
          filter,
          { $set: { review } },
          session ? { session } : {},
        );
        if (result.matchedCount === 0) {
          throw notFound(key);
        }
      };
      if (fence === undefined) {
        await write();
      } else {
        await this.transaction(async (session) => {
          await this.fenced(fence, session);
          await write(session);
        });
      }
    });
  }

  async setPublished(key: WeeknoteKey, ref: PostedRef): Promise<void> {
    const checked = checkRecord(PostedRefRecord, ref, "published message");
    const published = {
      platform: checked.platform,
      conversationId: checked.conversationId,
      messageId: checked.messageId,
    };
    const filter = { workspace: key.workspace, team: key.team, week: key.week };
    await this.run("record a published weeknote", async () => {
      const result = await this.weeknotes.updateOne(
        { ...filter, status: "approved" },
        { $set: { published } },
      );
      if (result.matchedCount > 0) {
        return;
      }
      // A weeknote's status only ever leaves `draft`, so this read tells the two refusals apart.
      const current = await this.weeknotes.findOne(filter, { projection: { status: 1 } });
      if (current === null) {
        throw notFound(key);
      }
      throw new BotError(
        "weeknote.bad_transition",
        `Cannot publish a weeknote that is ${String(current.status)}`,
        {
          hint: "Approve the draft first",
        },
      );
    });
  }

  // --- inbox

  async recordEvent(event: Parameters<InboxStore["recordEvent"]>[0]): Promise<"recorded" | "duplicate"> {
    checkRecord(NewInboxEventRecord, event, "inbox event");
    const payloadJson = checkJson(event.payload, "an inbox event payload");
    return this.run("record an event", async () => {
      try {
        await this.inbox.insertOne({
          workspace: event.workspace,
          eventId: event.eventId,
          kind: event.kind,
          payloadJson,
          correlationId: event.correlationId,
          receivedAtMs: event.receivedAtMs,
          seq: this.seq++,
          attempts: 0,
          notBeforeMs: event.receivedAtMs,
          status: "pending",
          lastErrorCode: null,
          leaseHolder: null,
          leaseUntilMs: null,
        });
        return "recorded";
      } catch (error) {
        // The unique (workspace, eventId) index: this event is already recorded.
        if (isDuplicateKey(error)) return "duplicate";
        throw error;
      }
    });
  }

  async claimEvents(query: Parameters<InboxStore["claimEvents"]>[0]): Promise<InboxEvent[]> {
    checkRecord(InboxClaimRecord, query, "inbox claim");
    return this.run("claim events", async () => {
      const claimed: InboxEvent[] = [];
      // One event per conditional update: two workers never both match the same unleased event.
      while (claimed.length < query.limit) {
        const raw = await this.inbox.findOneAndUpdate(
          {
            status: "pending",
            notBeforeMs: { $lte: query.nowMs },
            $or: [{ leaseUntilMs: null }, { leaseUntilMs: { $lte: query.nowMs } }],
          },
          {
            $set: { leaseHolder: query.holder, leaseUntilMs: query.nowMs + query.leaseMs },
            $inc: { attempts: 1 },
          },
          { sort: { receivedAtMs: 1, seq: 1, _id: 1 }, returnDocument: "after", projection: { _id: 0 } },
        );
        if (raw === null) break;
        claimed.push(fromEventDoc(raw));
      }
      return claimed;
    });
  }

  async finishEvent(workspace: string, eventId: string, outcome: InboxOutcome): Promise<void> {
    const checked = checkRecord(InboxOutcomeRecord, outcome, "inbox outcome");
    await this.run("finish an event", async () => {
      const filter = { workspace, eventId, status: "pending" };
      const clearLease = { leaseHolder: null, leaseUntilMs: null };
      if (checked.status === "retry") {
        await this.inbox.updateOne(filter, {
          $set: { ...clearLease, notBeforeMs: checked.notBeforeMs, lastErrorCode: checked.errorCode },
        });
        return;
      }
      const purgeAt = (receivedAtMs: number) => new Date(receivedAtMs + this.inboxKeepMs);
      await this.inbox.updateOne(filter, [
        {
          $set: {
            ...clearLease,
            // Values as $literal: in a pipeline a string starting with "$" would name a field.
            status: { $literal: checked.status },
            ...(checked.status === "failed" ? { lastErrorCode: { $literal: checked.errorCode } } : {}),
            // Read by the TTL index; computed from the event's own receivedAtMs.
            purgeAt: { $add: [purgeAt(0), "$receivedAtMs"] },
          },
        },
      ]);
    });
  }

  async getEvent(workspace: string, eventId: string): Promise<InboxEvent | undefined> {
    return this.run("read an event", async () => {
      const raw = await this.inbox.findOne({ workspace, eventId }, { projection: { _id: 0 } });
      return raw === null ? undefined : fromEventDoc(raw);
    });
  }

  async inboxBacklog(nowMs: number): Promise<{ pending: number; oldestReceivedAtMs: number | undefined }> {
    checkRecord(EpochMsRecord, nowMs, "time");
    return this.run("read the inbox backlog", async () => {
      const filter = { status: "pending", receivedAtMs: { $lte: nowMs } };
      const pending = await this.inbox.countDocuments(filter);
      const oldest = await this.inbox.findOne(filter, {
        sort: { receivedAtMs: 1 },
        projection: { _id: 0, receivedAtMs: 1 },
      });
      const oldestReceivedAtMs =
        oldest === null ? undefined : parseStored(z.number().int(), oldest.receivedAtMs, "inbox event");
      return { pending, oldestReceivedAtMs };
    });
  }

  async purgeInbox(receivedBeforeMs: number): Promise<number> {
    checkRecord(EpochMsRecord, receivedBeforeMs, "time");
    return this.run("purge the inbox", async () => {
      const result = await this.inbox.deleteMany({
        status: { $in: ["done", "failed"] },
        receivedAtMs: { $lt: receivedBeforeMs },
      });
      return result.deletedCount;
    });
  }

  // --- teams

  async getTeam(workspace: string, team: string): Promise<TeamSettings | undefined> {
    return this.run("read a team", async () => {
      const raw = await this.teams.findOne({ workspace, team }, { projection: { _id: 0 } });
      return raw === null ? undefined : fromTeamDoc(raw);
    });
  }

  async createTeamIfAbsent(settings: TeamSettings): Promise<TeamSettings> {
    const doc = teamDoc(settings);
    return this.run("create a team", async () => {
      try {
        await this.teams.insertOne({ ...doc });
      } catch (error) {
        // The unique (workspace, team) index: someone else created it first, and theirs stands.
        if (!isDuplicateKey(error)) throw error;
      }
      const raw = await this.teams.findOne(
        { workspace: doc.workspace, team: doc.team },
        { projection: { _id: 0 } },
      );
      if (raw === null) {
        throw new BotError("store.corrupt", "A team just inserted cannot be read back");
      }
      return fromTeamDoc(raw);
    });
  }

  async saveTeam(settings: TeamSettings): Promise<void> {
    const doc = teamDoc(settings);
    await this.run("save a team", () =>
      this.upsert(this.teams, { workspace: doc.workspace, team: doc.team }, doc),
    );
  }

  async listTeams(workspace?: string): Promise<TeamSettings[]> {
    return this.run("list teams", async () => {
      const docs = await this.teams
        .find(workspace === undefined ? {} : { workspace }, { projection: { _id: 0 } })
        .sort({ workspace: 1, team: 1 })
        .toArray();
      return docs.map(fromTeamDoc);
    });
  }

  // --- leases

  async acquireLease(name: string, holder: string, nowMs: number, ttlMs: number): Promise<Lease | undefined> {
    checkRecord(LeaseRequestRecord, { name, holder, nowMs, ttlMs }, "lease request");
    const untilMs = nowMs + ttlMs;
    return this.run("acquire a lease", async () => {
      const after = { returnDocument: "after", projection: { _id: 0 } } as const;
      // The holder's own unexpired lease: extended, same token.
      const extended = await this.leases.findOneAndUpdate(
        { name, holder, untilMs: { $gt: nowMs } },
        { $set: { untilMs } },
        after,
      );
      if (extended !== null) return fromLeaseDoc(extended);
      // An expired (or given back) lease, whoever held it: taken with the next token.
      const taken = await this.leases.findOneAndUpdate(
        { name, untilMs: { $lte: nowMs } },
        { $set: { holder, untilMs }, $inc: { token: 1 } },
        after,
      );
      if (taken !== null) return fromLeaseDoc(taken);
      try {
        await this.leases.insertOne({ name, holder, token: 1, untilMs });
        return { name, holder, token: 1, untilMs };
      } catch (error) {
        // The unique name index: someone else holds it, or took it first just now.
        if (isDuplicateKey(error)) return undefined;
        throw error;
      }
    });
  }

  async renewLease(lease: Fence, nowMs: number, ttlMs: number): Promise<Lease | undefined> {
    checkRecord(FenceRecord, lease, "lease");
    checkRecord(RenewRecord, { nowMs, ttlMs }, "lease renewal");
    return this.run("renew a lease", async () => {
      const renewed = await this.leases.findOneAndUpdate(
        { name: lease.name, token: lease.token },
        { $set: { untilMs: nowMs + ttlMs } },
        { returnDocument: "after", projection: { _id: 0 } },
      );
      return renewed === null ? undefined : fromLeaseDoc(renewed);
    });
  }

  async releaseLease(lease: Fence): Promise<void> {
    checkRecord(FenceRecord, lease, "lease");
    await this.run("release a lease", async () => {
      await this.leases.updateOne(
        { name: lease.name, token: lease.token },
        { $set: { untilMs: RELEASED_UNTIL_MS } },
      );
    });
  }

  // --- installations, conversation references, cursors

  async saveInstallation(installation: Installation): Promise<void> {
    const checked = checkRecord(InstallationRecord, installation, "installation");
    const doc = {
      platform: checked.platform,
      workspace: checked.workspace,
      installedAtMs: checked.installedAtMs,
      updatedAtMs: checked.updatedAtMs,
      dataJson: checkJson(checked.data, "installation data"),
    };
    await this.run("save an installation", () =>
      this.upsert(this.installations, { platform: doc.platform, workspace: doc.workspace }, doc),
    );
  }

  async getInstallation(platform: Platform, workspace: string): Promise<Installation | undefined> {
    return this.run("read an installation", async () => {
      const raw = await this.installations.findOne({ platform, workspace }, { projection: { _id: 0 } });
      return raw === null ? undefined : fromInstallationDoc(raw);
    });
  }

  async deleteInstallation(platform: Platform, workspace: string): Promise<boolean> {
    return this.run("delete an installation", async () => {
      return (await this.installations.deleteOne({ platform, workspace })).deletedCount > 0;
    });
  }

  async saveConversationReference(reference: ConversationReference): Promise<void> {
    const checked = checkRecord(ConversationReferenceRecord, reference, "conversation reference");
    const doc = {
      platform: checked.platform,
      workspace: checked.workspace,
      conversationId: checked.conversationId,
      referenceJson: checkJson(checked.reference, "a conversation reference"),
      updatedAtMs: checked.updatedAtMs,
    };
    await this.run("save a conversation reference", () =>
      this.upsert(
        this.references,
        { platform: doc.platform, workspace: doc.workspace, conversationId: doc.conversationId },
        doc,
      ),
    );
  }

  async getConversationReference(
    platform: Platform,
    workspace: string,
    conversationId: string,
  ): Promise<ConversationReference | undefined> {
    return this.run("read a conversation reference", async () => {
      const raw = await this.references.findOne(
        { platform, workspace, conversationId },
        { projection: { _id: 0 } },
      );
      return raw === null ? undefined : fromReferenceDoc(raw);
    });
  }

  async getCursor(name: string): Promise<string | undefined> {
    return this.run("read a sweep cursor", async () => {
      const raw = await this.cursors.findOne({ name }, { projection: { _id: 0 } });
      return raw === null ? undefined : parseStored(CursorDocSchema, raw, "sweep cursor").value;
    });
  }

  async saveCursor(name: string, value: string, updatedAtMs: number): Promise<void> {
    checkRecord(CursorRecord, { name, value, updatedAtMs }, "sweep cursor");
    await this.run("save a sweep cursor", () =>
      this.upsert(this.cursors, { name }, { name, value, updatedAtMs }),
    );
  }

  // --- running

  /** Runs the `ping` command. @throws BotError `store.unavailable` when closed or unreachable. */
  async ping(): Promise<void> {
    await this.run("reach the database", () => this.db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.client.close();
    }
  }

  /** Every operation goes through here, so driver errors leave the store only as BotErrors. */
  private async run<T>(action: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new BotError("store.unavailable", `Cannot ${action}: the store is closed`);
    }
    return translating(action, work);
  }

  /** Runs `work` in a transaction (snapshot reads, majority writes), retried by the driver on transient errors. */
  private transaction<T>(work: (session: ClientSession) => Promise<T>): Promise<T> {
    const options: TransactionOptions = {
      readConcern: new ReadConcern("snapshot"),
      writeConcern: new WriteConcern("majority"),
    };
    return this.client.withSession((session) => session.withTransaction(() => work(session), options));
  }

  /**
   * Checks a fence inside a transaction by writing to the lease document, filtered on its token:
   * a concurrent takeover then conflicts with this transaction instead of slipping past a read.
   * @throws BotError `lease.lost` unless lease `fence.name` still has `fence.token`.
   */
  private async fenced(fence: Fence, session: ClientSession): Promise<void> {
    const result = await this.leases.updateOne(
      { name: fence.name, token: fence.token },
      { $inc: { fencedWrites: 1 } },
      { session },
    );
    if (result.matchedCount === 0) {
      throw new BotError("lease.lost", `Lease ${fence.name} has passed to another holder`, {
        hint: "Another replica took this job over; it will finish it",
      });
    }
  }

  /** Runs `work` once more when it failed with E11000 (it lost a race to insert; now it finds the winner's). */
  private async againOnDuplicate<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return work();
    }
  }

  /**
   * Replaces the document `filter` names with `doc`, inserting it when missing. Two upserts of a
   * new key at once may make one fail with E11000; it is tried once more, and then finds the
   * other's document to replace.
   */
  private async upsert(collection: Collection<Document>, filter: Document, doc: Document): Promise<void> {
    await this.againOnDuplicate(() => collection.replaceOne(filter, { ...doc }, { upsert: true }));
  }

  /**
   * A read-modify-write of one highlight: `step` sees it as it is (with its write mark), and
   * either finishes (`{done}`) or says its conditional write found the highlight changed
   * (`"again"`), and is run again on a fresh read.
   * @throws BotError `store.unavailable` (retryable) when other writes keep getting in between.
   */
  private async optimistic<T>(
    workspace: string,
    id: string,
    step: (current: (Highlight & { readonly rev: string }) | undefined) => Promise<{ done: T } | "again">,
  ): Promise<T> {
    for (let i = 0; i < MAX_OPTIMISTIC_TRIES; i++) {
      const raw = await this.highlights.findOne({ workspace, id }, { projection: { _id: 0 } });
      const result = await step(raw === null ? undefined : fromHighlightDoc(raw));
      if (result !== "again") return result.done;
    }
    throw new BotError("store.unavailable", "A highlight kept changing while its tags were written", {
      retryable: true,
    });
  }

  /** Writes `current` with `tags` if nobody wrote it since it was read; refiles it with sectionOfTags. */
  private async writeTags(
    current: Highlight & { readonly rev: string },
    tags: readonly Tag[],
  ): Promise<{ done: Highlight } | "again"> {
    const section = sectionOfTags(tags, SECTIONS) ?? current.section;
    const next: HighlightDoc = toHighlightDoc(current, tags, section, randomUUID());
    const result = await this.highlights.updateOne(
      { workspace: current.workspace, id: current.id, rev: current.rev },
      { $set: { tags: next.tags, section, rev: next.rev } },
    );
    return result.matchedCount > 0 ? { done: withoutRev(fromHighlightDoc(next)) } : "again";
  }
}

function teamDoc(settings: TeamSettings) {
  const checked = checkRecord(TeamSettingsRecord, settings, "team settings");
  const { workspace, team, ...rest } = checked;
  return { workspace, team, settingsJson: JSON.stringify({ workspace, team, ...rest }) };
}

function notFound(key: WeeknoteKey): BotError {
  return new BotError("weeknote.not_found", `There is no ${key.team} weeknote for ${key.week}`);
}
