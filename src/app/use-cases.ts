import { asBotError } from "../domain/errors.ts";
import type { EmojiAliases } from "../domain/sections.ts";
import type { TeamSettings } from "../domain/team.ts";
import type { ChatRouter } from "../ports/chat.ts";
import type { Clock, Timers } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Publisher } from "../ports/publisher.ts";
import type { Store } from "../ports/store.ts";
import type { Summariser } from "../ports/summariser.ts";
import { type AnswerWeekRequest, createAnswerWeekRequest } from "./answer-week-request.ts";
import { type Background, createBackground } from "./background.ts";
import { createCapture } from "./capture.ts";
import { createCommandResults } from "./command-results.ts";
import { createCompileWeeknote } from "./compile-weeknote.ts";
import { type ConfigureTeam, createConfigureTeam } from "./configure-team.ts";
import { createDecideDraft, type DecideDraft } from "./decide-draft.ts";
import { createDirectMessagePolicy, type DirectMessagePolicy } from "./direct-message.ts";
import { createDraftWeeknote, type DraftWeeknote } from "./draft-weeknote.ts";
import { createHomeQuery, type HomeQuery } from "./home.ts";
import { createInboxWorker, type InboxWorker } from "./inbox-worker.ts";
import { createProcessCommand } from "./process-command.ts";
import { type CommandRecorder, createCommandRecorder } from "./record-command.ts";
import { createRequestDraft, type RequestDraft } from "./request-draft.ts";
import { createRetentionJob, type RetentionJob } from "./retention.ts";
import { createScheduleRunner, type ScheduleRunner } from "./run-schedule.ts";
import { createTeamDirectory, type TeamDirectory } from "./teams.ts";
import { yieldToEventLoop } from "./yield.ts";

/** What every platform adapter is handed: the use cases its listeners translate to. */
export interface UseCases {
  /** Records commands before the platform is answered. */
  readonly record: CommandRecorder;
  readonly teams: TeamDirectory;
  readonly answer: AnswerWeekRequest;
  /** `authorize` before recording a draft request or opening the settings. */
  readonly requestDraft: RequestDraft;
  /** `check` a settings form before recording it. */
  readonly configure: ConfigureTeam;
  /** `editableText` before opening an editor. */
  readonly decide: DecideDraft;
  readonly directMessage: DirectMessagePolicy;
  readonly home: HomeQuery;
  /** Work started after an acknowledgement that is not worth recording (answers to questions). */
  readonly background: Background;
  /** Emoji aliases of the platform's short names. */
  readonly aliases: EmojiAliases;
}

export interface CoreDeps {
  readonly store: Store;
  readonly chat: ChatRouter;
  readonly summariser: Summariser;
  readonly aliases: EmojiAliases;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /** This process's name in leases. */
  readonly holder: string;
  /** IANA zone of teams nobody configured. */
  readonly defaultTimezone: string;
  /** Inbox poll interval when idle, ms. */
  readonly workerPollMs?: number;
  /** Whether to run the weekly schedule. */
  readonly schedule: boolean;
  /**
   * Runs just before a team's week is drafted (Teams: the Graph reaction sweep, so reactions made
   * since the last hourly sweep count). A failure is logged and the draft goes ahead.
   */
  readonly beforeDraft?: (team: TeamSettings) => Promise<void>;
  /** Publishing outside chat (blog, webhook), told of each approval. */
  readonly publisher?: Publisher;
  /** Days decided weeks' highlights are kept (RETENTION_DAYS); with `schedule`, runs the daily retention job. */
  readonly retentionDays?: number;
}

/** The core: the use cases, the one inbox worker and the one schedule of a process. */
export interface Core {
  readonly useCases: UseCases;
  readonly worker: InboxWorker;
  readonly schedule: ScheduleRunner | undefined;
  /** The daily retention job (src/app/retention.ts), run with the schedule. */
  readonly retention: RetentionJob | undefined;
  readonly draft: DraftWeeknote;
}

/**
 * Builds every use case once, with the one inbox worker and the one schedule runner (SPEC §3), for
 * the composition root to hand to each enabled platform adapter.
 */
export function createCore(deps: CoreDeps): Core {
  const { store, chat, clock, logger, aliases } = deps;
  let schedule: ScheduleRunner | undefined;
  const teams = createTeamDirectory({
    store,
    clock,
    aliases,
    defaultTimezone: deps.defaultTimezone,
    // Settings changed in chat take effect at once: the schedule sweeps again.
    onChange: () => schedule?.refresh(),
  });
  const source = { highlights: store, weeknotes: store, aliases };
  const compile = createCompileWeeknote({ summariser: deps.summariser, clock, logger, store });
  // Every draft, scheduled or asked for, takes the week's claim in the store (issue 10 item 11).
  const drafter = createDraftWeeknote({
    ...source,
    chat,
    compile,
    clock,
    logger,
    leases: store,
    holder: deps.holder,
  });
  let worker: InboxWorker | undefined;
  const draft: DraftWeeknote = async (team, window, options) => {
    try {
      await deps.beforeDraft?.(team);
    } catch (error) {
      logger.warn(
        { workspace: team.workspace, team: team.team, code: asBotError(error).code },
        "could not prepare the draft; drafting from what is stored",
      );
    }
    if (options?.settleInbox) {
      await worker?.kick();
      // Every draft of a sweep waits for the same round: each goes on in a turn of its own
      // (yield.ts), not all of them in the microtasks of the round's end.
      await yieldToEventLoop(deps.timers);
    }
    return drafter(team, window, options);
  };
  const decide = createDecideDraft({
    weeknotes: store,
    highlights: store,
    leases: store,
    chat,
    teams,
    summariser: deps.summariser,
    aliases,
    clock,
    logger,
    holder: deps.holder,
    publisher: deps.publisher,
  });
  const configure = createConfigureTeam({ teams, aliases });
  const requestDraft = createRequestDraft({ teams, draft });
  const capture = createCapture({ highlights: store, chat, teams, clock, logger });
  const results = createCommandResults(deps.timers);
  worker = createInboxWorker({
    inbox: store,
    clock,
    timers: deps.timers,
    logger,
    holder: deps.holder,
    ...(deps.workerPollMs === undefined ? {} : { pollMs: deps.workerPollMs }),
    process: createProcessCommand({
      capture,
      decide,
      configure,
      requestDraft,
      forget: (workspace, user) => store.forgetPerson(workspace, user),
      teams,
      chat,
      clock,
      onResult: (event, result) => results.settle(event.workspace, event.eventId, result),
    }),
  });
  if (deps.schedule) {
    schedule = createScheduleRunner({
      ...source,
      leases: store,
      listTeams: () => teams.all(),
      draft,
      chat,
      clock,
      timers: deps.timers,
      logger,
      holder: deps.holder,
      onBlocked: (team) => teams.markInactive(team.workspace, team.team, "blocked"),
    });
  }
  const useCases: UseCases = {
    record: createCommandRecorder({
      inbox: store,
      clock,
      logger,
      results,
      onRecorded: () => void worker.kick(),
    }),
    teams,
    answer: createAnswerWeekRequest({ weeknotes: store, teams, clock }),
    requestDraft,
    configure,
    decide,
    directMessage: createDirectMessagePolicy(),
    home: createHomeQuery({ ...source, teams, clock }),
    background: createBackground(logger),
    aliases,
  };
  const retention =
    deps.schedule && deps.retentionDays !== undefined
      ? createRetentionJob({
          leases: store,
          highlights: store,
          weeknotes: store,
          inbox: store,
          aliases,
          listTeams: () => teams.all(),
          clock,
          timers: deps.timers,
          logger,
          holder: deps.holder,
          retentionDays: deps.retentionDays,
        })
      : undefined;
  return { useCases, worker, schedule, retention, draft };
}
