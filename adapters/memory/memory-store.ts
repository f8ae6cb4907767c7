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
import { postedForTeam } from "../../src/domain/team-highlights.ts";
import { parseWeeknoteDocument, type Revision, type Weeknote } from "../../src/domain/weeknote.ts";
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
import { compareText, copyHighlight, copyTag, copyTeam } from "./copies.ts";

/**
 * A {@link Store} in process memory, for fast use-case tests: the same behaviour as the SQLite
 * store (test/contract runs both), with nothing kept after the process ends. Records are checked
 * with src/domain/records.ts (`store.invalid`) and copied in and out; JSON-shaped data (revision
 * documents, payloads, installation data, references) is kept as JSON text, as SQLite keeps it.
 * Every method does all its work synchronously, so each is atomic. After close every method
 * rejects with `store.unavailable`; closing twice is harmless.
 */
export function createMemoryStore(): Store {
  return new MemoryStore();
}

const RenewRecord = LeaseRequestRecord.pick({ nowMs: true, ttlMs: true });

// See adapters/sqlite/cursors.ts.
const CursorRecord = z.object({
  name: z.string().min(1),
  value: z.string().min(1),
  updatedAtMs: z.number().int(),
});

// See adapters/sqlite/leases.ts: a lease given back stays, expired, so tokens keep counting up.
const RELEASED_UNTIL_MS = Number.MIN_SAFE_INTEGER;

interface StoredRevision extends Omit<Revision, "document"> {
  readonly documentJson: string;
}

interface StoredWeeknote {
  readonly key: WeeknoteKey;
  status: Weeknote["status"];
  readonly revisions: StoredRevision[];
  approval: Weeknote["approval"];
  review: PostedRef | undefined;
  published: PostedRef | undefined;
}

interface StoredEvent extends Omit<InboxEvent, "payload"> {
  /** Recording order, for claims of events received at the same instant. */
  readonly seq: number;
  readonly payloadJson: string;
  readonly leaseUntilMs: number | undefined;
}

type StoredInstallation = Omit<Installation, "data"> & { readonly dataJson: string };
type StoredReference = Omit<ConversationReference, "reference"> & { readonly referenceJson: string };

/** Map keys of several parts; JSON so that no separator can be confused with a part. */
const keyOf = (...parts: readonly string[]): string => JSON.stringify(parts);

class MemoryStore implements Store {
  private closed = false;
  private seq = 0;
  private readonly highlights = new Map<string, Highlight>();
  private readonly weeknotes = new Map<string, StoredWeeknote>();
  private readonly events = new Map<string, StoredEvent>();
  private readonly teams = new Map<string, TeamSettings>();
  private readonly leases = new Map<string, Lease>();
  private readonly installations = new Map<string, StoredInstallation>();
  private readonly references = new Map<string, StoredReference>();
  private readonly cursors = new Map<string, string>();

  // --- highlights

  async saveHighlights(highlights: readonly Highlight[]): Promise<SaveHighlightsResult> {
    this.assertOpen();
    const checked = highlights.map((h, i) =>
      copyHighlight(checkRecord(HighlightRecord, h, `highlight #${i}`)),
    );
    let inserted = 0;
    for (const h of checked) {
      const key = keyOf(h.workspace, h.id);
      inserted += this.highlights.has(key) ? 0 : 1;
      this.highlights.set(key, h);
    }
    return { inserted, updated: checked.length - inserted };
  }

  async getHighlight(workspace: string, id: string): Promise<Highlight | undefined> {
    this.assertOpen();
    return this.readHighlight(workspace, id);
  }

  async removeHighlight(workspace: string, id: string): Promise<boolean> {
    this.assertOpen();
    return this.highlights.delete(keyOf(workspace, id));
  }

  async listHighlights(query: HighlightQuery): Promise<Highlight[]> {
    this.assertOpen();
    checkRecord(HighlightQueryRecord, query, "highlight query");
    const conversations = query.conversationIds === undefined ? undefined : new Set(query.conversationIds);
    const team = query.team;
    const sources = new Set(team?.conversationIds);
    const isTeams = (h: Highlight): boolean => team === undefined || postedForTeam(h, team.team, sources);
    return [...this.highlights.values()]
      .filter(
        (h) =>
          h.workspace === query.workspace &&
          h.postedAtMs >= query.fromMs &&
          h.postedAtMs < query.toMs &&
          (conversations === undefined || conversations.has(h.conversationId)) &&
          isTeams(h),
      )
      .sort(
        (a, b) =>
          a.postedAtMs - b.postedAtMs ||
          compareText(a.conversationId, b.conversationId) ||
          compareText(a.id, b.id),
      )
      .map((h) => copyHighlight(h));
  }

  async addTag(workspace: string, id: string, tag: Tag, content?: Highlight): Promise<Highlight | undefined> {
    this.assertOpen();
    const checkedTag = copyTag(checkRecord(TagRecord, tag, "tag"));
    const base =
      content === undefined
        ? undefined
        : copyHighlight(checkRecord(HighlightRecord, content, "highlight"), []);
    if (base !== undefined && (base.workspace !== workspace || base.id !== id)) {
      throw new BotError("store.invalid", "Refusing to add a tag: the highlight given is not the one named");
    }
    const current = this.highlights.get(keyOf(workspace, id)) ?? base;
    if (current === undefined) {
      return undefined;
    }
    if (current.tags.some((t) => isSameTag(t, checkedTag))) {
      return copyHighlight(current);
    }
    return this.writeTags(current, [...current.tags, checkedTag]);
  }

  async removeTag(
    workspace: string,
    id: string,
    tag: { readonly user: string; readonly reaction: string },
  ): Promise<Highlight | undefined> {
    this.assertOpen();
    const current = this.highlights.get(keyOf(workspace, id));
    if (current === undefined) {
      return undefined;
    }
    const kept = current.tags.filter((t) => !isSameTag(t, tag));
    if (kept.length === current.tags.length) {
      return copyHighlight(current);
    }
    if (kept.length === 0) {
      this.highlights.delete(keyOf(workspace, id));
      return undefined;
    }
    return this.writeTags(current, kept);
  }

  async updateHighlightText(workspace: string, id: string, text: string): Promise<boolean> {
    this.assertOpen();
    checkRecord(z.string(), text, "highlight text");
    const key = keyOf(workspace, id);
    const current = this.highlights.get(key);
    if (current === undefined) {
      return false;
    }
    this.highlights.set(key, { ...current, text });
    return true;
  }

  async removeHighlights(workspace: string, ids: readonly string[]): Promise<number> {
    this.assertOpen();
    checkRecord(HighlightIdsRecord, { workspace, ids }, "highlight ids");
    let deleted = 0;
    for (const id of new Set(ids)) {
      deleted += this.highlights.delete(keyOf(workspace, id)) ? 1 : 0;
    }
    return deleted;
  }

  async forgetPerson(workspace: string, user: string): Promise<{ highlights: number; tags: number }> {
    this.assertOpen();
    checkRecord(PersonRecord, { workspace, user }, "person");
    let highlights = 0;
    let tags = 0;
    for (const [key, h] of [...this.highlights]) {
      if (h.workspace !== workspace) {
        continue;
      }
      const kept = h.tags.filter((t) => t.user !== user);
      if (h.authorId === user || kept.length === 0) {
        this.highlights.delete(key);
        highlights += 1;
      } else if (kept.length < h.tags.length) {
        tags += h.tags.length - kept.length;
        this.writeTags(h, kept);
      }
    }
    return { highlights, tags };
  }

  // --- weeknotes

  async saveDraftRevision(key: WeeknoteKey, revision: NewRevision, fence?: Fence): Promise<Weeknote> {
    this.assertOpen();
    checkRecord(WeeknoteKeyRecord, key, "weeknote key");
    checkNewRevision(revision, key.week);
    if (fence !== undefined) {
      this.assertHeld(fence);
    }
    const mapKey = keyOf(key.workspace, key.team, key.week);
    const existing = this.weeknotes.get(mapKey);
    if (existing !== undefined && existing.status !== "draft") {
      throw new BotError(
        "weeknote.bad_transition",
        `Cannot add a revision to a weeknote that is already ${existing.status}`,
        { hint: "Only a draft weeknote can be edited or regenerated" },
      );
    }
    const weeknote: StoredWeeknote = existing ?? {
      key: { workspace: key.workspace, team: key.team, week: key.week },
      status: "draft",
      revisions: [],
      approval: undefined,
      review: undefined,
      published: undefined,
    };
    weeknote.revisions.push({
      number: weeknote.revisions.length + 1,
      origin: revision.origin,
      model: revision.model,
      promptVersion: revision.promptVersion,
      highlightIds: [...revision.highlightIds],
      documentJson: JSON.stringify(parseWeeknoteDocument(revision.document)),
      markdown: revision.markdown,
      author: revision.author,
      createdAtMs: revision.createdAtMs,
    });
    this.weeknotes.set(mapKey, weeknote);
    return toWeeknote(weeknote, weeknote.revisions);
  }

  async getWeeknote(key: WeeknoteKey): Promise<Weeknote | undefined> {
    this.assertOpen();
    const weeknote = this.weeknotes.get(keyOf(key.workspace, key.team, key.week));
    return weeknote === undefined ? undefined : toWeeknote(weeknote, weeknote.revisions);
  }

  async decideWeeknote(
    key: WeeknoteKey,
    decision: Parameters<WeeknoteStore["decideWeeknote"]>[1],
  ): Promise<Weeknote | undefined> {
    this.assertOpen();
    checkRecord(WeeknoteKeyRecord, key, "weeknote key");
    checkRecord(DecisionRecord, decision, "decision");
    const weeknote = this.weeknotes.get(keyOf(key.workspace, key.team, key.week));
    const latest = weeknote?.revisions.length ?? 0;
    if (
      weeknote === undefined ||
      weeknote.status !== "draft" ||
      (decision.revision !== undefined && decision.revision !== latest)
    ) {
      return undefined;
    }
    weeknote.status = decision.status;
    weeknote.approval = { by: decision.by, revision: latest, atMs: decision.atMs };
    return toWeeknote(weeknote, weeknote.revisions);
  }

  async listWeeknotes(query: Parameters<WeeknoteStore["listWeeknotes"]>[0]): Promise<Weeknote[]> {
    this.assertOpen();
    checkRecord(WeeknoteQueryRecord, query, "weeknote query");
    return [...this.weeknotes.values()]
      .filter((w) => w.key.workspace === query.workspace && w.key.team === query.team)
      .sort((a, b) => compareText(b.key.week, a.key.week))
      .slice(0, query.limit)
      .map((w) => toWeeknote(w, w.revisions.slice(-1)));
  }

  async setReviewMessage(key: WeeknoteKey, ref: PostedRef, fence?: Fence): Promise<void> {
    this.assertOpen();
    const checked = checkRecord(PostedRefRecord, ref, "review message");
    if (fence !== undefined) {
      this.assertHeld(fence);
    }
    this.existingWeeknote(key).review = copyRef(checked);
  }

  async setPublished(key: WeeknoteKey, ref: PostedRef): Promise<void> {
    this.assertOpen();
    const checked = checkRecord(PostedRefRecord, ref, "published message");
    const weeknote = this.existingWeeknote(key);
    if (weeknote.status !== "approved") {
      throw new BotError("weeknote.bad_transition", `Cannot publish a weeknote that is ${weeknote.status}`, {
        hint: "Approve the draft first",
      });
    }
    weeknote.published = copyRef(checked);
  }

  // --- inbox

  async recordEvent(event: Parameters<InboxStore["recordEvent"]>[0]): Promise<"recorded" | "duplicate"> {
    this.assertOpen();
    checkRecord(NewInboxEventRecord, event, "inbox event");
    const payloadJson = checkJson(event.payload, "an inbox event payload");
    const key = keyOf(event.workspace, event.eventId);
    if (this.events.has(key)) {
      return "duplicate";
    }
    this.events.set(key, {
      seq: this.seq++,
      workspace: event.workspace,
      eventId: event.eventId,
      kind: event.kind,
      payloadJson,
      correlationId: event.correlationId,
      receivedAtMs: event.receivedAtMs,
      attempts: 0,
      notBeforeMs: event.receivedAtMs,
      status: "pending",
      lastErrorCode: undefined,
      leaseUntilMs: undefined,
    });
    return "recorded";
  }

  async claimEvents(query: Parameters<InboxStore["claimEvents"]>[0]): Promise<InboxEvent[]> {
    this.assertOpen();
    checkRecord(InboxClaimRecord, query, "inbox claim");
    const due = [...this.events.entries()]
      .filter(
        ([, e]) =>
          e.status === "pending" &&
          e.notBeforeMs <= query.nowMs &&
          (e.leaseUntilMs === undefined || e.leaseUntilMs <= query.nowMs),
      )
      .sort(([, a], [, b]) => a.receivedAtMs - b.receivedAtMs || a.seq - b.seq)
      .slice(0, query.limit);
    return due.map(([key, e]) => {
      const claimed = { ...e, attempts: e.attempts + 1, leaseUntilMs: query.nowMs + query.leaseMs };
      this.events.set(key, claimed);
      return toEvent(claimed);
    });
  }

  async finishEvent(workspace: string, eventId: string, outcome: InboxOutcome): Promise<void> {
    this.assertOpen();
    const checked = checkRecord(InboxOutcomeRecord, outcome, "inbox outcome");
    const key = keyOf(workspace, eventId);
    const event = this.events.get(key);
    // A finished event stays finished, whatever a late worker reports.
    if (event === undefined || event.status !== "pending") {
      return;
    }
    this.events.set(key, {
      ...event,
      status: checked.status === "retry" ? "pending" : checked.status,
      notBeforeMs: checked.status === "retry" ? checked.notBeforeMs : event.notBeforeMs,
      lastErrorCode: checked.status === "done" ? event.lastErrorCode : checked.errorCode,
      leaseUntilMs: undefined,
    });
  }

  async getEvent(workspace: string, eventId: string): Promise<InboxEvent | undefined> {
    this.assertOpen();
    const event = this.events.get(keyOf(workspace, eventId));
    return event === undefined ? undefined : toEvent(event);
  }

  async inboxBacklog(nowMs: number): Promise<{ pending: number; oldestReceivedAtMs: number | undefined }> {
    this.assertOpen();
    checkRecord(EpochMsRecord, nowMs, "time");
    let pending = 0;
    let oldestReceivedAtMs: number | undefined;
    for (const e of this.events.values()) {
      if (e.status === "pending" && e.receivedAtMs <= nowMs) {
        pending += 1;
        oldestReceivedAtMs = Math.min(oldestReceivedAtMs ?? e.receivedAtMs, e.receivedAtMs);
      }
    }
    return { pending, oldestReceivedAtMs };
  }

  async purgeInbox(receivedBeforeMs: number): Promise<number> {
    this.assertOpen();
    checkRecord(EpochMsRecord, receivedBeforeMs, "time");
    let deleted = 0;
    for (const [key, e] of this.events) {
      if (e.status !== "pending" && e.receivedAtMs < receivedBeforeMs) {
        this.events.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }

  // --- teams

  async getTeam(workspace: string, team: string): Promise<TeamSettings | undefined> {
    this.assertOpen();
    const settings = this.teams.get(keyOf(workspace, team));
    return settings === undefined ? undefined : copyTeam(settings);
  }

  async createTeamIfAbsent(settings: TeamSettings): Promise<TeamSettings> {
    this.assertOpen();
    const checked = copyTeam(checkRecord(TeamSettingsRecord, settings, "team settings"));
    const key = keyOf(checked.workspace, checked.team);
    const stored = this.teams.get(key) ?? checked;
    this.teams.set(key, stored);
    return copyTeam(stored);
  }

  async saveTeam(settings: TeamSettings): Promise<void> {
    this.assertOpen();
    const checked = copyTeam(checkRecord(TeamSettingsRecord, settings, "team settings"));
    this.teams.set(keyOf(checked.workspace, checked.team), checked);
  }

  async listTeams(workspace?: string): Promise<TeamSettings[]> {
    this.assertOpen();
    return [...this.teams.values()]
      .filter((t) => workspace === undefined || t.workspace === workspace)
      .sort((a, b) => compareText(a.workspace, b.workspace) || compareText(a.team, b.team))
      .map(copyTeam);
  }

  // --- leases

  async acquireLease(name: string, holder: string, nowMs: number, ttlMs: number): Promise<Lease | undefined> {
    this.assertOpen();
    checkRecord(LeaseRequestRecord, { name, holder, nowMs, ttlMs }, "lease request");
    const current = this.leases.get(name);
    const untilMs = nowMs + ttlMs;
    let token: number;
    if (current === undefined) {
      token = 1;
    } else if (current.untilMs <= nowMs) {
      token = current.token + 1;
    } else if (current.holder === holder) {
      token = current.token;
    } else {
      return undefined;
    }
    const lease: Lease = { name, holder, token, untilMs };
    this.leases.set(name, lease);
    return { ...lease };
  }

  async renewLease(lease: Fence, nowMs: number, ttlMs: number): Promise<Lease | undefined> {
    this.assertOpen();
    checkRecord(FenceRecord, lease, "lease");
    checkRecord(RenewRecord, { nowMs, ttlMs }, "lease renewal");
    const current = this.leases.get(lease.name);
    if (current === undefined || current.token !== lease.token) {
      return undefined;
    }
    const renewed: Lease = { ...current, untilMs: nowMs + ttlMs };
    this.leases.set(lease.name, renewed);
    return { ...renewed };
  }

  async releaseLease(lease: Fence): Promise<void> {
    this.assertOpen();
    checkRecord(FenceRecord, lease, "lease");
    const current = this.leases.get(lease.name);
    if (current !== undefined && current.token === lease.token) {
      this.leases.set(lease.name, { ...current, untilMs: RELEASED_UNTIL_MS });
    }
  }

  // --- installations and conversation references

  async saveInstallation(installation: Installation): Promise<void> {
    this.assertOpen();
    const checked = checkRecord(InstallationRecord, installation, "installation");
    this.installations.set(keyOf(checked.platform, checked.workspace), {
      platform: checked.platform,
      workspace: checked.workspace,
      installedAtMs: checked.installedAtMs,
      updatedAtMs: checked.updatedAtMs,
      dataJson: checkJson(checked.data, "installation data"),
    });
  }

  async getInstallation(platform: Platform, workspace: string): Promise<Installation | undefined> {
    this.assertOpen();
    const stored = this.installations.get(keyOf(platform, workspace));
    if (stored === undefined) {
      return undefined;
    }
    const { dataJson, ...rest } = stored;
    return { ...rest, data: JSON.parse(dataJson) as Record<string, unknown> };
  }

  async deleteInstallation(platform: Platform, workspace: string): Promise<boolean> {
    this.assertOpen();
    return this.installations.delete(keyOf(platform, workspace));
  }

  async saveConversationReference(reference: ConversationReference): Promise<void> {
    this.assertOpen();
    const checked = checkRecord(ConversationReferenceRecord, reference, "conversation reference");
    this.references.set(keyOf(checked.platform, checked.workspace, checked.conversationId), {
      platform: checked.platform,
      workspace: checked.workspace,
      conversationId: checked.conversationId,
      referenceJson: checkJson(checked.reference, "a conversation reference"),
      updatedAtMs: checked.updatedAtMs,
    });
  }

  async getConversationReference(
    platform: Platform,
    workspace: string,
    conversationId: string,
  ): Promise<ConversationReference | undefined> {
    this.assertOpen();
    const stored = this.references.get(keyOf(platform, workspace, conversationId));
    if (stored === undefined) {
      return undefined;
    }
    const { referenceJson, ...rest } = stored;
    return { ...rest, reference: JSON.parse(referenceJson) as Record<string, unknown> };
  }

  // --- sweep cursors

  async getCursor(name: string): Promise<string | undefined> {
    this.assertOpen();
    return this.cursors.get(name);
  }

  async saveCursor(name: string, value: string, updatedAtMs: number): Promise<void> {
    this.assertOpen();
    checkRecord(CursorRecord, { name, value, updatedAtMs }, "sweep cursor");
    this.cursors.set(name, value);
  }

  // --- running

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** @throws BotError `store.unavailable` once closed. */
  private assertOpen(): void {
    if (this.closed) {
      throw new BotError("store.unavailable", "The store is closed");
    }
  }

  private readHighlight(workspace: string, id: string): Highlight | undefined {
    const stored = this.highlights.get(keyOf(workspace, id));
    return stored === undefined ? undefined : copyHighlight(stored);
  }

  // Stores `base` with `tags`, filed under the section the tags choose (its own when they choose none).
  private writeTags(base: Highlight, tags: readonly Tag[]): Highlight {
    const section = sectionOfTags(tags, SECTIONS) ?? base.section;
    const next = copyHighlight({ ...base, section }, tags);
    this.highlights.set(keyOf(next.workspace, next.id), next);
    return copyHighlight(next);
  }

  /** @throws BotError `lease.lost` unless lease `fence.name` still has `fence.token`. */
  private assertHeld(fence: Fence): void {
    checkRecord(FenceRecord, fence, "lease");
    if (this.leases.get(fence.name)?.token !== fence.token) {
      throw new BotError("lease.lost", `Lease ${fence.name} has passed to another holder`, {
        hint: "Another replica took this job over; it will finish it",
      });
    }
  }

  /** @throws BotError `weeknote.not_found` */
  private existingWeeknote(key: WeeknoteKey): StoredWeeknote {
    const weeknote = this.weeknotes.get(keyOf(key.workspace, key.team, key.week));
    if (weeknote === undefined) {
      throw new BotError("weeknote.not_found", `There is no ${key.team} weeknote for ${key.week}`);
    }
    return weeknote;
  }
}

function copyRef(ref: PostedRef): PostedRef {
  return { platform: ref.platform, conversationId: ref.conversationId, messageId: ref.messageId };
}

function toWeeknote(w: StoredWeeknote, revisions: readonly StoredRevision[]): Weeknote {
  return {
    workspace: w.key.workspace,
    team: w.key.team,
    week: w.key.week,
    status: w.status,
    revisions: revisions.map(({ documentJson, ...r }) => ({
      ...r,
      highlightIds: [...r.highlightIds],
      document: parseWeeknoteDocument(JSON.parse(documentJson)),
    })),
    approval: w.approval === undefined ? undefined : { ...w.approval },
    review: w.review === undefined ? undefined : copyRef(w.review),
    published: w.published === undefined ? undefined : copyRef(w.published),
  };
}

function toEvent(e: StoredEvent): InboxEvent {
  return {
    workspace: e.workspace,
    eventId: e.eventId,
    kind: e.kind,
    payload: JSON.parse(e.payloadJson),
    correlationId: e.correlationId,
    receivedAtMs: e.receivedAtMs,
    attempts: e.attempts,
    notBeforeMs: e.notBeforeMs,
    status: e.status,
    lastErrorCode: e.lastErrorCode,
  };
}
