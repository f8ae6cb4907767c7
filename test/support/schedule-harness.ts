// Shared pieces of the schedule tests (test/unit/schedule-*.unit.test.ts, test/e2e/schedule-*.e2e.test.ts)
// and of the claim worker process (schedule-claim-worker.ts): a team, a recording chat router, the
// real draft use case (offline summariser unless told otherwise) wrapped to count its calls,
// summarisers that sign or hold their drafts, the real schedule runner wired to a store, and
// `sweepWeeks`, which drives replicas of the runner minute by minute through weeks of manual time.
// Nothing here imports vitest, so a plain child process can use it.

import { createOfflineSummariser } from "../../adapters/offline/offline-summariser.ts";
import { createCompileWeeknote } from "../../src/app/compile-weeknote.ts";
import { createDraftWeeknote, type DraftWeeknote } from "../../src/app/draft-weeknote.ts";
import { createScheduleRunner, type ScheduleRunner } from "../../src/app/run-schedule.ts";
import { scheduledInstant } from "../../src/domain/schedule.ts";
import { NO_ALIASES } from "../../src/domain/sections.ts";
import { type DraftSchedule, defaultTeamSettings, type TeamSettings } from "../../src/domain/team.ts";
import { formatWeekKey, parseWeekKey } from "../../src/domain/week.ts";
import type { ChatRouter } from "../../src/ports/chat.ts";
import type { Clock, Timers } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { HighlightStore, LeaseStore, Store, WeeknoteStore } from "../../src/ports/store.ts";
import type { Summariser } from "../../src/ports/summariser.ts";
import { makeHighlight } from "./highlights.ts";
import { manualTime } from "./manual-timers.ts";
import { type LogEntry, recordingLogger } from "./memory-logger.ts";
import { type RecordingChat, recordingChat } from "./recording-chat.ts";

/** The workspace of test/support/highlights.ts. */
export const SCHEDULE_WS = "T0WEEK0001";
export const REVIEW_CHANNEL = "C0REVIEW01";
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const utc = (text: string): number => Date.parse(text);
export const iso = (ms: number): string => new Date(ms).toISOString();

/** A configured Slack team in SCHEDULE_WS: Friday 14:00 Europe/London unless overridden. */
export function scheduleTeam(overrides: Partial<TeamSettings> = {}): TeamSettings {
  return {
    ...defaultTeamSettings("slack", SCHEDULE_WS, "Europe/London", 0),
    name: "the digital team",
    reviewChannel: REVIEW_CHANNEL,
    publishChannel: REVIEW_CHANNEL,
    approvers: ["U0ALICE001"],
    ...overrides,
  };
}

/** A recording chat platform (test/support/recording-chat.ts) and a router that gives it for every platform. */
export function scheduleChat(): { readonly chat: RecordingChat; readonly router: ChatRouter } {
  const chat = recordingChat("slack");
  return { chat, router: { for: () => chat } };
}

/** The review messages a recording chat posted, as `<week> <conversation>`. */
export function postedReviews(chat: RecordingChat): string[] {
  return chat.reviews
    .filter((r) => r.kind === "post")
    .map((r) => `${r.view.weeknote.week} ${r.ref.conversationId}`);
}

/** One call of a counting draft. */
export interface DraftCall {
  /** The clock when it was called, UTC epoch ms. */
  readonly atMs: number;
  readonly week: string;
  readonly team: string;
  /** Whether it ran under a lease (a scheduled job) rather than by hand. */
  readonly leased: boolean;
}

/** A draft use case as the runner takes it, with its calls. */
export interface CountingDraft extends DraftWeeknote {
  readonly calls: DraftCall[];
}

/** The real draft use case on `store` (offline summariser unless one is given), counting its calls. */
export function countingDraft(deps: {
  readonly store: HighlightStore & WeeknoteStore & LeaseStore;
  readonly chat: ChatRouter;
  readonly clock: Clock;
  /** Names the draft claim's holder; default "counting-draft". */
  readonly holder?: string;
  readonly logger?: Logger;
  readonly summariser?: Summariser;
}): CountingDraft {
  const logger = deps.logger ?? recordingLogger();
  const compile = createCompileWeeknote({
    summariser: deps.summariser ?? createOfflineSummariser(),
    clock: deps.clock,
    logger,
    store: deps.store,
  });
  const draft = createDraftWeeknote({
    highlights: deps.store,
    weeknotes: deps.store,
    aliases: NO_ALIASES,
    chat: deps.chat,
    compile,
    clock: deps.clock,
    logger,
    leases: deps.store,
    holder: deps.holder ?? "counting-draft",
  });
  const calls: DraftCall[] = [];
  const counted: DraftWeeknote = (team, window, options) => {
    calls.push({
      atMs: deps.clock.now(),
      week: window ? formatWeekKey(window.key) : "(now)",
      team: team.team,
      leased: options?.lease !== undefined,
    });
    return draft(team, window, options);
  };
  return Object.assign(counted, { calls });
}

/** The offline summariser, with `by` written into each draft's intro: whose draft a revision is. */
export function signedSummariser(by: string): Summariser {
  const offline = createOfflineSummariser();
  return {
    async summarise(input) {
      const result = await offline.summarise(input);
      return {
        ...result,
        document: { ...result.document, intro: `${result.document.intro} [drafted by ${by}]` },
      };
    },
  };
}

/** A summariser whose calls wait, once they started, until the test lets them go. */
export interface HeldSummariser extends Summariser {
  /** Resolves when the `n`th call (1-based) has started. */
  started(n?: number): Promise<void>;
  /** Lets every waiting call (and every later one) go on. */
  release(): void;
}

/** Wraps `inner` so its calls wait in {@link HeldSummariser}. */
export function heldSummariser(inner: Summariser): HeldSummariser {
  let calls = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    async summarise(input) {
      calls += 1;
      for (const waiter of waiters.filter((w) => w.n <= calls)) {
        waiter.resolve();
      }
      await gate;
      return inner.summarise(input);
    },
    started(n = 1) {
      return n <= calls ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
    },
    release: () => open(),
  };
}

/** What `scheduleReplica` builds: the real runner on `store`, with its chat, draft and logs. */
export interface ScheduleReplica {
  readonly holder: string;
  readonly runner: ScheduleRunner;
  readonly chat: RecordingChat;
  readonly draft: CountingDraft;
  readonly logs: LogEntry[];
}

/**
 * The real schedule runner of one process (`holder`) on `store`, reading the store's teams each
 * sweep, with a recording chat and the real draft use case (counted). Timers default to ones
 * that never fire (sweep with catchUp()).
 */
export function scheduleReplica(options: {
  readonly store: Store;
  readonly holder: string;
  readonly clock: Clock;
  readonly timers?: Timers;
  readonly logs?: LogEntry[];
  readonly summariser?: Summariser;
  /** Replaces the real draft use case. */
  readonly draft?: DraftWeeknote;
  readonly listTeams?: () => Promise<readonly TeamSettings[]>;
  readonly claimTtlMs?: number;
  readonly retryAfterMs?: number;
  readonly reminderGraceMs?: number;
}): ScheduleReplica {
  const { store, holder, clock } = options;
  const logs = options.logs ?? [];
  const logger = recordingLogger(logs, { holder });
  const { chat, router } = scheduleChat();
  const real = countingDraft({
    store,
    chat: router,
    clock,
    logger,
    holder,
    ...(options.summariser ? { summariser: options.summariser } : {}),
  });
  const given = options.draft;
  const draft: CountingDraft = given
    ? Object.assign(
        ((team, window, opts) => {
          real.calls.push({
            atMs: clock.now(),
            week: window ? formatWeekKey(window.key) : "(now)",
            team: team.team,
            leased: opts?.lease !== undefined,
          });
          return given(team, window, opts);
        }) satisfies DraftWeeknote,
        { calls: real.calls },
      )
    : real;
  const runner = createScheduleRunner({
    highlights: store,
    weeknotes: store,
    aliases: NO_ALIASES,
    leases: store,
    listTeams: options.listTeams ?? (() => store.listTeams(SCHEDULE_WS)),
    draft,
    chat: router,
    clock,
    timers: options.timers ?? { after: () => () => undefined },
    logger,
    holder,
    ...(options.claimTtlMs === undefined ? {} : { claimTtlMs: options.claimTtlMs }),
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
    ...(options.reminderGraceMs === undefined ? {} : { reminderGraceMs: options.reminderGraceMs }),
  });
  return { holder, runner, chat, draft, logs };
}

/** Saves one highlight posted at each instant (UTC epoch ms) in SCHEDULE_WS. */
export async function seedHighlights(store: HighlightStore, instants: readonly number[]): Promise<void> {
  await store.saveHighlights(instants.map((postedAtMs) => makeHighlight({ postedAtMs })));
}

/** A drafted weekly job: team key, zone and schedule. */
export interface WeeklyCase {
  readonly team: string;
  readonly zone: string;
  readonly schedule: DraftSchedule;
}

/** What `sweepWeeks` saw. Each list is sorted. */
export interface SweepRun {
  /** `<team> <week> <ISO instant the draft ran>`, one per draft call on any replica. */
  readonly drafts: string[];
  /** `<team> <week> <revisions>` of every weeknote stored. */
  readonly notes: string[];
  /** `<team> <week>` of every review posted, on any replica. */
  readonly reviews: string[];
  /** How many sweeps (timer callbacks) ran, all replicas together. */
  readonly sweeps: number;
  /** The instants (UTC epoch ms) at which any replica's timer swept, ascending, each once. */
  readonly sweptAt: number[];
  /** Warnings and errors logged, as `<level> <message>`. */
  readonly problems: string[];
}

/**
 * Drives one real schedule runner per store of `stores` (replicas: all on the same data) with
 * manual minute timers from `from` to `to`: every team of `cases` is stored with its zone
 * and schedule, a highlight is seeded every day, and the runners are started at `from` and then
 * swept on every minute boundary (each runner's own timer). With `windows`, time is moved minute
 * by minute only inside those instant ranges, and jumps between them (as a machine that sleeps
 * and wakes: each runner's overdue timer fires once, at the wake-up time); without, every minute
 * from `from` to `to` is swept.
 */
export async function sweepWeeks(options: {
  readonly stores: readonly Store[];
  readonly cases: readonly WeeklyCase[];
  readonly from: string;
  readonly to: string;
  readonly windows?: readonly (readonly [number, number])[];
}): Promise<SweepRun> {
  const from = utc(options.from);
  const to = utc(options.to);
  const seed = options.stores[0];
  if (!seed) {
    throw new Error("sweepWeeks: give at least one store");
  }
  const days = Array.from({ length: Math.ceil((to - from) / DAY) }, (_, i) => from + i * DAY + 7 * HOUR);
  await seedHighlights(seed, days);
  for (const c of options.cases) {
    await seed.saveTeam(
      scheduleTeam({ team: c.team, name: c.team, timezone: c.zone, draftSchedule: c.schedule }),
    );
  }
  const time = manualTime(from);
  let sweeps = 0;
  const sweptAt = new Set<number>();
  const counting: Timers = {
    after: (ms, run) =>
      time.timers.after(ms, () => {
        sweeps += 1;
        sweptAt.add(time.now());
        run();
      }),
  };
  const logs: LogEntry[] = [];
  const replicas = options.stores.map((store, i) =>
    scheduleReplica({ store, holder: `replica-${i + 1}`, clock: time.clock, timers: counting, logs }),
  );
  time.settleWith(async () => {
    await Promise.all(replicas.map((r) => r.runner.idle()));
  });
  await Promise.all(replicas.map((r) => r.runner.start()));
  await Promise.all(replicas.map((r) => r.runner.idle()));
  if (options.windows) {
    for (const [start, end] of [...options.windows].sort((a, b) => a[0] - b[0])) {
      if (start > time.now()) {
        await time.jumpTo(start);
      }
      await time.advanceTo(Math.max(time.now(), Math.min(end, to)));
    }
    if (to > time.now()) {
      await time.jumpTo(to);
    }
  } else {
    await time.advanceTo(to);
  }
  await Promise.all(replicas.map((r) => r.runner.stop()));

  const notes: string[] = [];
  for (const c of options.cases) {
    const listed = await seed.listWeeknotes({ workspace: SCHEDULE_WS, team: c.team, limit: 100 });
    for (const note of listed) {
      const full = await seed.getWeeknote({ workspace: SCHEDULE_WS, team: c.team, week: note.week });
      notes.push(`${c.team} ${note.week} ${full?.revisions.length ?? 0}`);
    }
  }
  return {
    drafts: replicas.flatMap((r) => r.draft.calls.map((c) => `${c.team} ${c.week} ${iso(c.atMs)}`)).sort(),
    notes: notes.sort(),
    reviews: replicas
      .flatMap((r) =>
        r.chat.reviews
          .filter((v) => v.kind === "post")
          .map((v) => `${v.view.team.team} ${v.view.weeknote.week}`),
      )
      .sort(),
    sweeps,
    sweptAt: [...sweptAt].sort((a, b) => a - b),
    problems: logs
      .filter((e) => e.level === "warn" || e.level === "error")
      .map((e) => `${e.level} ${e.message}`),
  };
}

/** The instant schedule.ts gives `schedule` in week `week` (`2026-W13`) of `zone`, as ISO. */
export function dueInstant(schedule: DraftSchedule, week: string, zone: string): string {
  return iso(scheduledInstant(schedule, parseWeekKey(week), zone));
}

// The weekly cases of the C13 runs (test/e2e/schedule-sweep.e2e.test.ts, schedule-host-tz.e2e.test.ts).
export const LONDON_FRI: WeeklyCase = {
  team: "london-fri",
  zone: "Europe/London",
  schedule: { weekday: 5, hour: 14, minute: 0 },
};
export const LONDON_SUN: WeeklyCase = {
  team: "london-sun",
  zone: "Europe/London",
  schedule: { weekday: 7, hour: 1, minute: 30 },
};
export const JERUSALEM: WeeklyCase = {
  team: "jerusalem",
  zone: "Asia/Jerusalem",
  schedule: { weekday: 5, hour: 2, minute: 30 },
};
export const NEW_YORK_0230: WeeklyCase = {
  team: "new-york",
  zone: "America/New_York",
  schedule: { weekday: 7, hour: 2, minute: 30 },
};
export const NEW_YORK_0130: WeeklyCase = { ...NEW_YORK_0230, schedule: { weekday: 7, hour: 1, minute: 30 } };

/**
 * One week's draft of one case: `[case, week, when it is due (UTC, ISO), whether the local time
 * happens twice that day]`. The instants are written out by hand, not computed.
 */
export type DueDraftCase = readonly [WeeklyCase, string, string, "repeated"?];

/**
 * Spring 2026, run from 2026-03-02T06:00Z to 2026-04-06T00:00Z: London jumps 01:00→02:00
 * (GMT→BST) on Sunday 29 March, Jerusalem 02:00→03:00 on Friday 27 March, New York 02:00→03:00
 * on Sunday 8 March.
 */
export const SPRING_2026 = {
  from: "2026-03-02T06:00:00Z",
  to: "2026-04-06T00:00:00Z",
  dues: [
    [LONDON_FRI, "2026-W10", "2026-03-06T14:00:00.000Z"],
    [LONDON_FRI, "2026-W11", "2026-03-13T14:00:00.000Z"],
    [LONDON_FRI, "2026-W12", "2026-03-20T14:00:00.000Z"],
    [LONDON_FRI, "2026-W13", "2026-03-27T14:00:00.000Z"],
    // BST from here: 14:00 local is 13:00Z.
    [LONDON_FRI, "2026-W14", "2026-04-03T13:00:00.000Z"],
    [LONDON_SUN, "2026-W10", "2026-03-08T01:30:00.000Z"],
    [LONDON_SUN, "2026-W11", "2026-03-15T01:30:00.000Z"],
    [LONDON_SUN, "2026-W12", "2026-03-22T01:30:00.000Z"],
    // 01:30 does not exist on 29 March: the draft runs when the clock jumps, 02:00 BST.
    [LONDON_SUN, "2026-W13", "2026-03-29T01:00:00.000Z"],
    [LONDON_SUN, "2026-W14", "2026-04-05T00:30:00.000Z"],
    [JERUSALEM, "2026-W10", "2026-03-06T00:30:00.000Z"],
    [JERUSALEM, "2026-W11", "2026-03-13T00:30:00.000Z"],
    [JERUSALEM, "2026-W12", "2026-03-20T00:30:00.000Z"],
    // 02:30 does not exist on Friday 27 March: 03:00 IDT.
    [JERUSALEM, "2026-W13", "2026-03-27T00:00:00.000Z"],
    // Friday 02:30 IDT is Thursday 23:30Z.
    [JERUSALEM, "2026-W14", "2026-04-02T23:30:00.000Z"],
    // 02:30 does not exist on 8 March: 03:00 EDT.
    [NEW_YORK_0230, "2026-W10", "2026-03-08T07:00:00.000Z"],
    [NEW_YORK_0230, "2026-W11", "2026-03-15T06:30:00.000Z"],
    [NEW_YORK_0230, "2026-W12", "2026-03-22T06:30:00.000Z"],
    [NEW_YORK_0230, "2026-W13", "2026-03-29T06:30:00.000Z"],
    [NEW_YORK_0230, "2026-W14", "2026-04-05T06:30:00.000Z"],
  ] satisfies DueDraftCase[] as readonly DueDraftCase[],
};

/**
 * Autumn 2026, run from 2026-10-19T06:00Z to 2026-11-09T00:00Z: London repeats 01:00–02:00 on
 * Sunday 25 October, Jerusalem 01:00–02:00 the same day, New York 01:00–02:00 on Sunday 1 November.
 */
export const AUTUMN_2026 = {
  from: "2026-10-19T06:00:00Z",
  to: "2026-11-09T00:00:00Z",
  dues: [
    [LONDON_FRI, "2026-W43", "2026-10-23T13:00:00.000Z"],
    // GMT from here: 14:00 local is 14:00Z.
    [LONDON_FRI, "2026-W44", "2026-10-30T14:00:00.000Z"],
    [LONDON_FRI, "2026-W45", "2026-11-06T14:00:00.000Z"],
    // 01:30 happens twice on 25 October, at 00:30Z and at 01:30Z: the first one drafts.
    [LONDON_SUN, "2026-W43", "2026-10-25T00:30:00.000Z", "repeated"],
    [LONDON_SUN, "2026-W44", "2026-11-01T01:30:00.000Z"],
    [LONDON_SUN, "2026-W45", "2026-11-08T01:30:00.000Z"],
    [JERUSALEM, "2026-W43", "2026-10-22T23:30:00.000Z"],
    [JERUSALEM, "2026-W44", "2026-10-30T00:30:00.000Z"],
    [JERUSALEM, "2026-W45", "2026-11-06T00:30:00.000Z"],
    [NEW_YORK_0130, "2026-W43", "2026-10-25T05:30:00.000Z"],
    // 01:30 happens twice on 1 November, at 05:30Z (EDT) and 06:30Z (EST): the first one drafts.
    [NEW_YORK_0130, "2026-W44", "2026-11-01T05:30:00.000Z", "repeated"],
    [NEW_YORK_0130, "2026-W45", "2026-11-08T06:30:00.000Z"],
  ] satisfies DueDraftCase[] as readonly DueDraftCase[],
};

/**
 * The minute-by-minute windows of a run: `margin` either side of each due instant, and through
 * the second occurrence (an hour later) and `margin` past it for a repeated local time.
 */
export function windowsAround(dues: readonly DueDraftCase[], margin: number): [number, number][] {
  return dues.map(([, , at, repeated]) => [utc(at) - margin, utc(at) + (repeated ? HOUR : 0) + margin]);
}

/** The cases of a run, each once. */
export function casesOf(dues: readonly DueDraftCase[]): WeeklyCase[] {
  return [...new Set(dues.map(([c]) => c))];
}

/** What a run of `dues` must give: each week drafted once at its instant, stored once, posted once. */
export function expectedRun(dues: readonly DueDraftCase[]): Pick<SweepRun, "drafts" | "notes" | "reviews"> {
  return {
    drafts: dues.map(([c, week, at]) => `${c.team} ${week} ${at}`).sort(),
    notes: dues.map(([c, week]) => `${c.team} ${week} 1`).sort(),
    reviews: dues.map(([c, week]) => `${c.team} ${week}`).sort(),
  };
}
