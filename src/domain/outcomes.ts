import type { Section } from "./sections.ts";
import type { TeamSettings } from "./team.ts";
import type { Revision, Weeknote, WeeknoteStatus } from "./weeknote.ts";

/**
 * What use cases report back, as data. Platform presenters turn these into words, markup and
 * cards (SPEC §3: rules in use cases, words in presenters); nothing here is text shown to people.
 * Week keys are `2026-W13`.
 */

/** Where a draft's review stands, as its review message shows it. */
export type ReviewStatus =
  | { readonly kind: "open" }
  | { readonly kind: "approved"; readonly by: string }
  | { readonly kind: "skipped"; readonly by: string }
  /** The team chose another review channel; the draft was posted there. */
  | { readonly kind: "moved" };

/** What a draft's review message shows and allows. */
export interface ReviewView {
  readonly team: TeamSettings;
  readonly weeknote: Weeknote;
  readonly revision: Revision;
  /** `open` while the draft awaits a decision (the buttons show); otherwise the outcome replaces them. */
  readonly status: ReviewStatus;
}

/** What drafting a week did. */
export type DraftOutcome =
  | {
      readonly kind: "posted";
      readonly week: string;
      readonly weeknote: Weeknote;
      readonly revision: Revision;
      /** How many highlights the draft was made from. */
      readonly highlights: number;
    }
  | { readonly kind: "empty"; readonly week: string }
  /** The week's note was already approved or skipped (or became so while drafting). */
  | { readonly kind: "decided"; readonly week: string; readonly status: WeeknoteStatus | undefined }
  | { readonly kind: "no_review_channel"; readonly week: string }
  /** Another process took the job over (this one's lease was lost): it stored and posted nothing. */
  | { readonly kind: "taken_over"; readonly week: string }
  /**
   * A draft of the week is being made right now (scheduled or asked for): this call made none, and
   * that draft will be posted for review (issue 10: never two drafts at once).
   */
  | { readonly kind: "in_progress"; readonly week: string };

/** What a decision on a draft (approve, skip, edit, regenerate) did. */
export type DecisionOutcome =
  | {
      readonly kind: "approved";
      readonly week: string;
      /** False when the note could not be posted to the publish channel (the approval stands). */
      readonly published: boolean;
      readonly view: ReviewView;
    }
  | { readonly kind: "skipped"; readonly week: string; readonly view: ReviewView }
  | { readonly kind: "edited"; readonly week: string; readonly revision: number; readonly view: ReviewView }
  | {
      readonly kind: "regenerated";
      readonly week: string;
      readonly revision: number;
      readonly view: ReviewView;
    }
  /** The note was decided before this decision (a double click, another approver). */
  | { readonly kind: "already_decided"; readonly week: string; readonly status: WeeknoteStatus | "removed" }
  /** The draft has a newer revision than the one the person saw. */
  | { readonly kind: "changed"; readonly week: string; readonly revision: number | undefined }
  /** A regeneration of the week is already running. */
  | { readonly kind: "busy"; readonly week: string }
  | { readonly kind: "not_approver"; readonly week: string }
  | { readonly kind: "not_found"; readonly week: string };

/** One note of a list. */
export interface NoteSummary {
  readonly week: string;
  readonly status: WeeknoteStatus;
  readonly title: string | undefined;
}

/** The answer to "last week", "week 2026-W12" or "list" (SPEC §1 step 4). */
export type Answer =
  /** An approved note; `latest` when it was asked for as the latest one. */
  | {
      readonly kind: "note";
      readonly weeknote: Weeknote;
      readonly revision: Revision;
      readonly latest: boolean;
    }
  | { readonly kind: "none_approved" }
  | { readonly kind: "no_note"; readonly week: string }
  | { readonly kind: "skipped"; readonly week: string }
  | { readonly kind: "waiting"; readonly week: string; readonly revisions: number }
  | { readonly kind: "list"; readonly notes: readonly NoteSummary[] };

/** Why a team could not be chosen for a request. */
export type TeamProblem =
  | { readonly kind: "unknown_team"; readonly name: string; readonly teams: readonly string[] }
  /** Several teams and none named or reviewing in this conversation. */
  | { readonly kind: "which_team"; readonly teams: readonly string[] }
  | { readonly kind: "not_approver"; readonly team: string }
  /** A new team's name has no letter or digit to make its key of. */
  | { readonly kind: "bad_team_name"; readonly name: string };

/** What the bot tells a person (or a conversation) after doing something for them. */
export type Notice =
  /** A tagged message could not be read: the bot is not in its conversation. */
  | { readonly kind: "invite_needed" }
  | { readonly kind: "highlight_added"; readonly section: Section }
  | { readonly kind: "team_created"; readonly team: TeamSettings; readonly existed: boolean }
  | { readonly kind: "settings_saved"; readonly team: TeamSettings }
  | { readonly kind: "draft"; readonly outcome: DraftOutcome }
  | { readonly kind: "decision"; readonly outcome: DecisionOutcome }
  | { readonly kind: "answer"; readonly answer: Answer }
  | { readonly kind: "team_problem"; readonly problem: TeamProblem }
  /** "Forget me" done: how many of the person's highlights went, and how many of their tags on others'. */
  | { readonly kind: "forgotten"; readonly highlights: number; readonly tags: number }
  /** "Nothing tagged yet": `draftAtMs` (UTC epoch ms) when the draft is still ahead. */
  | {
      readonly kind: "reminder";
      readonly team: TeamSettings;
      readonly week: string;
      readonly draftAtMs: number | undefined;
    };
