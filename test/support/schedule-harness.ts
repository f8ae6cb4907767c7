// Shared pieces of the schedule tests (test/unit/schedule*.ts, test/e2e/schedule*.ts) and of the
// claim worker process (schedule-claim-worker.ts): a team, a chat platform that records what it was
// asked to post, and the real draft use case (offline summariser) wrapped to count its calls.
// Nothing here imports vitest, so a plain child process can use it.

import { createOfflineSummariser } from "../../adapters/offline/offline-summariser.ts";
import { createCompileWeeknote } from "../../src/app/compile-weeknote.ts";
import { createDraftWeeknote, type DraftOutcome } from "../../src/app/draft-weeknote.ts";
import { DEFAULT_EMOJI_SECTIONS } from "../../src/domain/sections.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import type { WeekWindow } from "../../src/domain/week.ts";
import type { ChatPlatform } from "../../src/ports/chat.ts";
import type { Clock } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { PostedRef, Store } from "../../src/ports/store.ts";
import { makeHighlight } from "./highlights.ts";
import { recordingLogger } from "./memory-logger.ts";

/** The workspace of test/support/highlights.ts. */
export const SCHEDULE_WS = "T0WEEK0001";
export const REVIEW_CHANNEL = "C0REVIEW01";

/** A configured team in SCHEDULE_WS: Friday 14:00 Europe/London unless overridden. */
export function scheduleTeam(overrides: Partial<TeamSettings> = {}): TeamSettings {
  return {
    workspace: SCHEDULE_WS,
    team: "default",
    name: "the digital team",
    reviewChannel: REVIEW_CHANNEL,
    publishChannel: REVIEW_CHANNEL,
    timezone: "Europe/London",
    draftSchedule: { weekday: 5, hour: 14, minute: 0 },
    approvers: ["U0ALICE001"],
    emoji: Object.entries(DEFAULT_EMOJI_SECTIONS),
    series: undefined,
    includePrivate: false,
    updatedAtMs: 0,
    ...overrides,
  };
}

/** What the recording chat was asked to post. */
export interface ChatRecord {
  readonly reviews: { readonly week: string; readonly channel: string | undefined }[];
  readonly texts: { readonly workspace: string; readonly channel: string; readonly text: string }[];
}

/** A ChatPlatform that records reviews and texts; everything else is not used by the schedule. */
export function recordingChat(): ChatPlatform & { readonly record: ChatRecord } {
  const record: ChatRecord = { reviews: [], texts: [] };
  let ts = 0;
  const ref = (channel: string): PostedRef => {
    ts += 1;
    return { channel, ts: `1700000000.${String(ts).padStart(6, "0")}` };
  };
  const unused = (): never => {
    throw new Error("not used by the schedule");
  };
  return {
    record,
    fetchMessage: unused,
    decodeText: unused,
    notifyUser: unused,
    publish: unused,
    async postReview(view) {
      record.reviews.push({ week: view.weeknote.week, channel: view.team.reviewChannel });
      return ref(view.team.reviewChannel ?? "D0NOWHERE1");
    },
    async updateReview() {},
    async postText(workspace, channelId, text) {
      record.texts.push({ workspace, channel: channelId, text });
      return ref(channelId);
    },
  };
}

/** A draft function as the runner takes it, with the instants (clock ms) and weeks of its calls. */
export interface CountingDraft {
  (team: TeamSettings, window: WeekWindow): Promise<DraftOutcome>;
  readonly calls: { readonly atMs: number; readonly week: string; readonly team: string }[];
}

/** The real draft use case on `store` (offline summariser), counting its calls. */
export function countingDraft(deps: {
  readonly store: Store;
  readonly chat: ChatPlatform;
  readonly clock: Clock;
  readonly logger?: Logger;
}): CountingDraft {
  const logger = deps.logger ?? recordingLogger();
  const compile = createCompileWeeknote({
    summariser: createOfflineSummariser(),
    clock: deps.clock,
    logger,
    store: deps.store,
  });
  const draft = createDraftWeeknote({
    store: deps.store,
    chat: deps.chat,
    compile,
    clock: deps.clock,
    logger,
  });
  const calls: { atMs: number; week: string; team: string }[] = [];
  return Object.assign(
    async (team: TeamSettings, window: WeekWindow) => {
      calls.push({
        atMs: deps.clock.now(),
        week: `${window.key.year}-W${String(window.key.week).padStart(2, "0")}`,
        team: team.team,
      });
      return draft(team, window);
    },
    { calls },
  );
}

/** Saves one highlight posted at each instant (UTC epoch ms) in SCHEDULE_WS. */
export async function seedHighlights(store: Store, instants: readonly number[]): Promise<void> {
  await store.saveHighlights(instants.map((postedAtMs) => makeHighlight({ postedAtMs })));
}

/** The clock of the process's (possibly fake) `Date`: what node-cron reads too. */
export const dateClock: Clock = { now: () => Date.now() };
