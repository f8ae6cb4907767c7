import { BotError } from "../../src/domain/errors.ts";
import { approvedRevision, type Weeknote, type WeeknoteKey } from "../../src/domain/weeknote.ts";
import type { Clock, Timers } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { Publisher } from "../../src/ports/publisher.ts";
import type { LeaseStore, SweepCursorStore, TeamStore, WeeknoteStore } from "../../src/ports/store.ts";
import { packageVersion } from "../package-root.ts";
import { markdownHtml } from "./render-html.ts";
import { createRetryQueue } from "./retry-queue.ts";
import { SIGNATURE_HEADER, signWebhook } from "./webhook-signature.ts";

/** Waits before the 1st, 2nd… retry of a failed delivery, ms: 10 s, 1 min, 5 min, 30 min, 2 h. */
export const WEBHOOK_RETRY_DELAYS_MS = [10_000, 60_000, 300_000, 1_800_000, 7_200_000] as const;
/** How long one POST may take before it counts as failed, ms. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How many of each team's latest notes start-up checks for undelivered approvals. */
const RECENT_WEEKS = 12;
const LEASE_MS = 60_000;

/** The JSON body of a delivery (a documented contract: README, "Webhook"). */
export interface WebhookPayload {
  readonly type: "weeknote.approved";
  /** Same for every attempt of one delivery: `<workspace>:<team>:<week>:r<revision>`; dedupe on it. */
  readonly id: string;
  readonly workspace: string;
  readonly team: string;
  readonly teamName: string;
  /** Week key, `2026-W13`. */
  readonly week: string;
  readonly revision: number;
  readonly title: string;
  /** ISO 8601, UTC. */
  readonly approvedAt: string;
  /** The approver's platform user id. */
  readonly approvedBy: string;
  /** The approved revision's Markdown, and the same as HTML (markdown-it, raw HTML off). */
  readonly markdown: string;
  readonly html: string;
  /** The document model (src/domain/weeknote.ts), `leftOut` included. */
  readonly weeknote: unknown;
}

export interface WebhookDeps {
  readonly url: string;
  readonly secret: string;
  readonly store: WeeknoteStore & TeamStore & LeaseStore & SweepCursorStore;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /** This process's name in leases. */
  readonly holder: string;
  readonly retryDelaysMs?: readonly number[];
  readonly timeoutMs?: number;
}

/** The delivery record of a note in the store's cursors: `delivered:<rev>` or `refused:<rev>:<status>`. */
function ledgerName(key: WeeknoteKey): string {
  return `webhook:${key.workspace}:${key.team}:${key.week}`;
}
/** Approvals before this time (the first start with a webhook) are never sent. */
const SINCE = "webhook:since";

/**
 * The webhook publisher (WEBHOOK_URL, WEBHOOK_SECRET): POSTs each approved note as JSON
 * ({@link WebhookPayload}) signed with an HMAC-SHA256 header (adapters/publish/webhook-signature.ts).
 *
 * Never blocks the approval: it runs in the background. Retried with backoff
 * ({@link WEBHOOK_RETRY_DELAYS_MS}) after a network error, a timeout, 408, 429 or 5xx; a 4xx
 * otherwise is the receiver refusing it, logged and not retried. Durable across restarts through
 * the store: the note's approval is the outbox, and a delivery is recorded (in the store's
 * cursors) only once the receiver answered 2xx; start-up sends every recent approval (made since
 * the webhook was first configured) that is not recorded. So a delivery is at least once: a
 * receiver dedupes on the `id` (also the `X-Weeknotes-Delivery` header). A lease keeps two
 * processes from sending the same note at once.
 */
export function createWebhookPublisher(deps: WebhookDeps): Publisher {
  const queue = createRetryQueue({
    name: "webhook",
    timers: deps.timers,
    logger: deps.logger,
    delaysMs: deps.retryDelaysMs ?? WEBHOOK_RETRY_DELAYS_MS,
  });
  const target = new URL(deps.url);
  // Logged without credentials, path or query, which may hold a token.
  const where = target.host;
  let since: number | undefined;
  // Stopping aborts a POST in flight: its delivery is not recorded, so the next start sends it.
  const stopping = new AbortController();

  function deliverLater(key: WeeknoteKey): void {
    queue.run(ledgerName(key), () => deliver(key));
  }

  async function deliver(key: WeeknoteKey): Promise<void> {
    const weeknote = await deps.store.getWeeknote(key);
    if (weeknote?.status !== "approved" || !weeknote.approval) {
      return;
    }
    const revision = approvedRevision(weeknote);
    const recorded = await deps.store.getCursor(ledgerName(key));
    if (
      recorded?.startsWith(`delivered:${revision.number}`) ||
      recorded?.startsWith(`refused:${revision.number}:`)
    ) {
      return;
    }
    const lease = await deps.store.acquireLease(
      `${ledgerName(key)}`,
      deps.holder,
      deps.clock.now(),
      LEASE_MS,
    );
    if (!lease) {
      throw new BotError("store.conflict", "Another process is delivering this note", { retryable: true });
    }
    try {
      const team = await deps.store.getTeam(key.workspace, key.team);
      const payload = payloadOf(weeknote, team?.name ?? key.team);
      const body = JSON.stringify(payload);
      const response = await post(payload.id, body);
      if (response.ok) {
        await deps.store.saveCursor(ledgerName(key), `delivered:${revision.number}`, deps.clock.now());
        deps.logger.info(
          { week: key.week, team: key.team, host: where, status: response.status },
          "webhook delivered",
        );
        return;
      }
      if (response.status === 408 || response.status === 429 || response.status >= 500) {
        throw new BotError("platform.unavailable", `The webhook answered ${response.status}`, {
          retryable: true,
        });
      }
      // The receiver refuses it (a bad signature, a gone endpoint): trying again would not help.
      await deps.store.saveCursor(
        ledgerName(key),
        `refused:${revision.number}:${response.status}`,
        deps.clock.now(),
      );
      deps.logger.error(
        { week: key.week, team: key.team, host: where, status: response.status },
        "webhook refused the note; not retried",
      );
    } finally {
      await deps.store.releaseLease(lease);
    }
  }

  async function post(id: string, body: string): Promise<Response> {
    const timestamp = Math.floor(deps.clock.now() / 1000);
    try {
      return await fetch(target, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": `weeknotes/${packageVersion()}`,
          "x-weeknotes-event": "weeknote.approved",
          "x-weeknotes-delivery": id,
          [SIGNATURE_HEADER]: signWebhook(deps.secret, timestamp, body),
        },
        body,
        redirect: "error",
        signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS)]),
      }).then(async (response) => {
        // Read the answer through, so the connection is freed; its text is not kept.
        await response.arrayBuffer().catch(() => undefined);
        return response;
      });
    } catch (error) {
      throw new BotError("platform.unavailable", "The webhook could not be reached", {
        retryable: true,
        cause: error,
      });
    }
  }

  async function catchUp(workspace?: string, team?: string): Promise<void> {
    if (since === undefined) {
      const saved = await deps.store.getCursor(SINCE);
      since = saved === undefined ? deps.clock.now() : Number(saved);
      if (saved === undefined) {
        await deps.store.saveCursor(SINCE, String(since), since);
      }
    }
    const teams = (await deps.store.listTeams(workspace)).filter(
      (t) => team === undefined || t.team === team,
    );
    for (const t of teams) {
      const notes = await deps.store.listWeeknotes({
        workspace: t.workspace,
        team: t.team,
        limit: RECENT_WEEKS,
      });
      for (const note of notes) {
        // One being sent or waiting to retry is left to that.
        if (
          note.status === "approved" &&
          (note.approval?.atMs ?? 0) >= since &&
          !queue.has(ledgerName(note))
        ) {
          deliverLater(note);
        }
      }
    }
  }

  return {
    approved(note) {
      deliverLater(note.weeknote);
      // And any of the team's notes whose retries ran out before: a later approval is a good time.
      const { workspace, team } = note.weeknote;
      queue.run(`catch-up:${workspace}:${team}`, () => catchUp(workspace, team));
    },
    async start() {
      try {
        await catchUp();
      } catch (error) {
        deps.logger.error({ job: "webhook", err: error }, "could not look for undelivered notes");
      }
    },
    idle: () => queue.idle(),
    async stop() {
      const stopped = queue.stop();
      stopping.abort();
      await stopped;
    },
  };
}

/** The delivery of `weeknote`'s approval: see {@link WebhookPayload}. */
export function payloadOf(weeknote: Weeknote, teamName: string): WebhookPayload {
  const revision = approvedRevision(weeknote);
  return {
    type: "weeknote.approved",
    id: `${weeknote.workspace}:${weeknote.team}:${weeknote.week}:r${revision.number}`,
    workspace: weeknote.workspace,
    team: weeknote.team,
    teamName,
    week: weeknote.week,
    revision: revision.number,
    title: revision.document.title,
    approvedAt: new Date(weeknote.approval?.atMs ?? revision.createdAtMs).toISOString(),
    approvedBy: weeknote.approval?.by ?? "",
    markdown: revision.markdown,
    html: markdownHtml(revision.markdown),
    weeknote: revision.document,
  };
}
