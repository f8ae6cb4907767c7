import type { InboxCommand } from "../domain/inbox-command.ts";
import type { Notice, TeamProblem } from "../domain/outcomes.ts";
import type { TeamSettings } from "../domain/team.ts";
import type { DraftWeeknote } from "./draft-weeknote.ts";
import type { TeamDirectory, TeamRequest } from "./teams.ts";

/** Someone asking, in a conversation, to act on a team as its approver. */
export interface ApproverRequest extends TeamRequest {
  readonly conversationId: string;
  readonly user: string;
}

export type Authorization =
  | { readonly kind: "ok"; readonly team: TeamSettings }
  | { readonly kind: "team_problem"; readonly problem: TeamProblem };

/**
 * "Draft this week now" and "change the settings" (SPEC §1 step 2, §8): who may, on which team.
 * `authorize` runs while the platform waits, so it only reads the store and at most claims an
 * unclaimed team; the draft itself runs later from the inbox (`run`).
 */
export interface RequestDraft {
  /**
   * The team the request is about (TeamDirectory.resolve), claimed by this person when nobody has
   * claimed it yet (they become its approver, and this conversation its review and publish
   * channel), and whether they are its approver.
   */
  authorize(request: ApproverRequest): Promise<Authorization>;
  /** Drafts the team's week now and posts it for review; the notice says how it went. */
  run(command: Extract<InboxCommand, { kind: "request_draft" }>): Promise<Notice>;
}

export function createRequestDraft(deps: {
  readonly teams: TeamDirectory;
  readonly draft: DraftWeeknote;
}): RequestDraft {
  return {
    async authorize(request) {
      const choice = await deps.teams.resolve(request);
      if (choice.kind !== "team") {
        return { kind: "team_problem", problem: choice };
      }
      const team = await deps.teams.claim(choice.team, request.user, request.conversationId);
      if (!team.approvers.includes(request.user)) {
        return { kind: "team_problem", problem: { kind: "not_approver", team: team.team } };
      }
      return { kind: "ok", team };
    },

    async run(command) {
      const team = await deps.teams.get(command.workspace, command.team);
      if (!team) {
        return { kind: "team_problem", problem: { kind: "unknown_team", name: command.team, teams: [] } };
      }
      if (!team.approvers.includes(command.user)) {
        return { kind: "team_problem", problem: { kind: "not_approver", team: team.team } };
      }
      return { kind: "draft", outcome: await deps.draft(team) };
    },
  };
}
