import type { TeamSettings } from "../domain/team.ts";
import type { Weeknote } from "../domain/weeknote.ts";

/** An approved note, as handed to publishers: the team it belongs to and the stored weeknote. */
export interface ApprovedNote {
  readonly team: TeamSettings;
  /** Status `approved`, with every revision; the approved one is `approvedRevision(weeknote)`. */
  readonly weeknote: Weeknote;
}

/**
 * Publishing outside chat (issue 9 item 5): a static blog, a webhook. Told of every approval once
 * it is stored (again when an approval is carried through after a retry: publishers are
 * idempotent). Never blocks nor undoes the approval: `approved` returns at once, the work runs in
 * the background, and a failure is logged and retried, by the publisher, from what the store says.
 */
export interface Publisher {
  /** Starts publishing `note` in the background; never throws. */
  approved(note: ApprovedNote): void;
  /** Catches up on what approvals made while this process was down (or failing) should have published. */
  start(): Promise<void>;
  /** Resolves when the work started so far has ended (retries waiting on a timer excepted). */
  idle(): Promise<void>;
  /** Cancels waiting retries and waits for work in flight; safe to call twice. */
  stop(): Promise<void>;
}
