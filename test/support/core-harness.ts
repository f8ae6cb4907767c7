// The core (every use case, the inbox worker, the schedule) on the in-memory store and a recording
// chat platform, for the use-case tests (test/unit/use-cases/*). No server, no platform SDK.

import { createMemoryStore } from "../../adapters/memory/memory-store.ts";
import { createOfflineSummariser } from "../../adapters/offline/offline-summariser.ts";
import { createChatRouter } from "../../src/app/chat-router.ts";
import { type Core, createCore } from "../../src/app/use-cases.ts";
import type { InboxCommand } from "../../src/domain/inbox-command.ts";
import type { Platform } from "../../src/domain/message-ref.ts";
import { NO_ALIASES } from "../../src/domain/sections.ts";
import { defaultTeamSettings, type TeamSettings } from "../../src/domain/team.ts";
import type { Timers } from "../../src/ports/clock.ts";
import type { Store } from "../../src/ports/store.ts";
import type { Summariser } from "../../src/ports/summariser.ts";
import { type LogEntry, recordingLogger } from "./memory-logger.ts";
import { type RecordingChat, recordingChat } from "./recording-chat.ts";
import { type TestClock, testClock } from "./test-clock.ts";

export const WS = "W0WORKSPACE";
export const ALICE = "U-alice";
export const BOB = "U-bob";
export const CAROL = "U-carol";
export const GENERAL = "C-general";
export const BINS = "C-bins";
export const REVIEW = "C-review";
export const BINS_REVIEW = "C-bins-review";

/** Timers that never fire on their own: tests drive the worker with `drain()`. */
export const stillTimers: Timers = { after: () => () => undefined };

export interface CoreHarness extends Core {
  readonly platform: Platform;
  readonly store: Store;
  readonly chat: RecordingChat;
  readonly clock: TestClock;
  readonly logs: LogEntry[];
  /** Records a command as a platform listener would, under a fresh event id; returns that id. */
  record(command: InboxCommand, eventId?: string): Promise<string>;
  /** Runs the inbox until nothing is due (the round a recording started included). */
  drain(): Promise<void>;
  /** Stores a team of WS with the default settings and `overrides`. */
  team(overrides?: Partial<TeamSettings>): Promise<TeamSettings>;
}

export { type TestClock, testClock } from "./test-clock.ts";

let counter = 0;

/** The core for `platform`, now at `now` (default Friday 2026-03-27 12:00Z, in 2026-W13). */
export function startCore(
  platform: Platform,
  options: { readonly now?: string; readonly summariser?: Summariser; readonly store?: Store } = {},
): CoreHarness {
  const store = options.store ?? createMemoryStore();
  const chat = recordingChat(platform);
  const router = createChatRouter();
  router.add(chat);
  const clock = testClock(options.now ?? "2026-03-27T12:00:00Z");
  const logs: LogEntry[] = [];
  const core = createCore({
    store,
    chat: router,
    summariser: options.summariser ?? createOfflineSummariser(),
    aliases: NO_ALIASES,
    clock,
    timers: stillTimers,
    logger: recordingLogger(logs),
    holder: "core-under-test",
    defaultTimezone: "Europe/London",
    schedule: false,
  });
  return {
    ...core,
    platform,
    store,
    chat,
    clock,
    logs,
    async record(command, eventId) {
      counter += 1;
      const id = eventId ?? `event-${counter}`;
      await core.useCases.record.record(command, { eventId: id, correlationId: `correlation-${counter}` });
      return id;
    },
    // A recording already kicked a round in the background: kick() waits for it and runs one more.
    drain: () => core.worker.kick(),
    async team(overrides = {}) {
      const team: TeamSettings = {
        ...defaultTeamSettings(platform, WS, "Europe/London", clock.now()),
        approvers: [ALICE],
        reviewChannel: REVIEW,
        publishChannel: REVIEW,
        ...overrides,
      };
      await store.saveTeam(team);
      return team;
    },
  };
}

/** A message ref of WS on the harness's platform. */
export function refOf(platform: Platform, conversationId: string, messageId: string) {
  return { platform, workspace: WS, conversationId, messageId };
}

/** UTC epoch ms of a moment in 2026-W13 (Monday 2026-03-23 00:00Z plus `hours`). */
export function w13(hours: number): number {
  return Date.parse("2026-03-23T00:00:00Z") + hours * 3_600_000;
}
