import type { App, BlockAction, ButtonAction, ViewSubmitAction } from "@slack/bolt";
import type { Background } from "../../src/app/background.ts";
import type { DecideDraft, DecisionRequest } from "../../src/app/decide-draft.ts";
import type { TeamDirectory } from "../../src/app/teams.ts";
import { isBotError } from "../../src/domain/errors.ts";
import { type EmojiAliases, parseEmojiOption } from "../../src/domain/sections.ts";
import { parseDraftSchedule, parseSeries } from "../../src/domain/team.ts";
import { assertTimeZone } from "../../src/domain/week.ts";
import type { ChatPlatform } from "../../src/ports/chat.ts";
import { parseWeeknoteActionValue, WEEKNOTE_ACTIONS, type WeeknoteActionValue } from "./blocks.ts";
import { EDIT_MAX_CHARS, editModal, regenerateModal, VIEW_IDS } from "./views.ts";

export interface InteractionListenerDeps {
  readonly decide: DecideDraft;
  readonly teams: TeamDirectory;
  readonly chat: ChatPlatform;
  readonly background: Background;
  readonly aliases: EmojiAliases;
}

interface Metadata extends WeeknoteActionValue {
  channel: string;
}

function request(value: WeeknoteActionValue, user: string): DecisionRequest {
  return {
    key: { workspace: value.workspace, team: value.team, week: value.week },
    user,
    revision: value.revision,
  };
}

/**
 * The review message's buttons and our modals (SPEC §1 step 3). Every click is acknowledged at
 * once; decisions run after it and the clicker hears back in an ephemeral message. Edit and
 * Regenerate open their modal first, while the trigger id is fresh (case C16).
 */
export function registerInteractionListeners(app: App, deps: InteractionListenerDeps): void {
  const tell = (workspace: string, channel: string, user: string, text: string) =>
    deps.chat.notifyUser(workspace, channel, user, text);

  const run = (
    name: string,
    workspace: string,
    channel: string,
    user: string,
    work: () => Promise<string>,
  ) => {
    deps.background.run(name, async () => {
      try {
        await tell(workspace, channel, user, await work());
      } catch (error) {
        if (
          isBotError(error) &&
          (error.code === "auth.not_approver" || error.code === "weeknote.not_found")
        ) {
          await tell(workspace, channel, user, error.toUserLine());
          return;
        }
        throw error;
      }
    });
  };

  for (const kind of ["approve", "skip"] as const) {
    app.action<BlockAction<ButtonAction>>(WEEKNOTE_ACTIONS[kind], async ({ ack, body, action }) => {
      await ack();
      const value = parseWeeknoteActionValue(action.value ?? "");
      const channel = body.channel?.id ?? "";
      if (!value) {
        return;
      }
      run(kind, value.workspace, channel, body.user.id, () =>
        deps.decide[kind](request(value, body.user.id)),
      );
    });
  }

  app.action<BlockAction<ButtonAction>>(WEEKNOTE_ACTIONS.edit, async ({ ack, body, action, client }) => {
    await ack();
    const value = parseWeeknoteActionValue(action.value ?? "");
    const channel = body.channel?.id ?? "";
    if (!value) {
      return;
    }
    try {
      const markdown = await deps.decide.editableText(request(value, body.user.id));
      if (markdown.length > EDIT_MAX_CHARS) {
        // Slack's text box holds 3,000 characters: editing a longer draft there would lose its end.
        run(
          "edit refusal",
          value.workspace,
          channel,
          body.user.id,
          async () =>
            `This draft is ${markdown.length.toLocaleString("en-GB")} characters, longer than Slack's ${EDIT_MAX_CHARS.toLocaleString("en-GB")}-character text box, so it can't be edited here without losing its end. Use Regenerate with a reason such as "shorter", or approve it and edit where you publish it.`,
        );
        return;
      }
      const metadata: Metadata = { ...value, channel };
      await client.views.open({
        trigger_id: body.trigger_id,
        view: editModal(JSON.stringify(metadata), markdown),
      });
    } catch (error) {
      if (isBotError(error, "auth.not_approver")) {
        run("edit refusal", value.workspace, channel, body.user.id, async () => error.toUserLine());
        return;
      }
      throw error;
    }
  });

  app.action<BlockAction<ButtonAction>>(
    WEEKNOTE_ACTIONS.regenerate,
    async ({ ack, body, action, client }) => {
      await ack();
      const value = parseWeeknoteActionValue(action.value ?? "");
      if (!value) {
        return;
      }
      const metadata: Metadata = { ...value, channel: body.channel?.id ?? "" };
      await client.views.open({
        trigger_id: body.trigger_id,
        view: regenerateModal(JSON.stringify(metadata)),
      });
    },
  );

  app.view<ViewSubmitAction>(VIEW_IDS.edit, async ({ ack, view, body }) => {
    const metadata = JSON.parse(view.private_metadata) as Metadata;
    const markdown = view.state.values.text?.value?.value ?? "";
    if (!markdown.trim()) {
      await ack({ response_action: "errors", errors: { text: "The weeknote can't be empty." } });
      return;
    }
    await ack();
    run("edit", metadata.workspace, metadata.channel, body.user.id, () =>
      deps.decide.edit({ ...request(metadata, body.user.id), markdown }),
    );
  });

  app.view<ViewSubmitAction>(VIEW_IDS.regenerate, async ({ ack, view, body }) => {
    await ack();
    const metadata = JSON.parse(view.private_metadata) as Metadata;
    const reason = view.state.values.reason?.value?.value?.trim() || undefined;
    run("regenerate", metadata.workspace, metadata.channel, body.user.id, () =>
      deps.decide.regenerate({ ...request(metadata, body.user.id), reason }),
    );
  });

  app.view<ViewSubmitAction>(VIEW_IDS.config, async ({ ack, view, body }) => {
    const { workspace } = JSON.parse(view.private_metadata) as { workspace: string };
    const team = await deps.teams.settingsFor(workspace);
    if (!team.approvers.includes(body.user.id)) {
      await ack({
        response_action: "errors",
        errors: { name: "Only the team's approvers can change its settings." },
      });
      return;
    }
    const values = view.state.values;
    const text = (block: string) => values[block]?.value?.value?.trim() ?? "";
    const errors: Record<string, string> = {};
    const timezone = text("timezone");
    try {
      assertTimeZone(timezone);
    } catch {
      errors.timezone = "Not a time zone: use an IANA name such as Europe/London.";
    }
    const schedule = parseDraftSchedule(text("schedule"));
    if (!schedule) {
      errors.schedule = "Write a weekday and a time, such as Friday 14:00.";
    }
    let emoji = team.emoji;
    try {
      emoji = parseEmojiOption(text("emoji"), deps.aliases).entries();
    } catch (error) {
      errors.emoji = isBotError(error) ? error.message : "Write NAME=SECTION pairs, comma-separated.";
    }
    const seriesText = text("series");
    const series = seriesText ? parseSeries(seriesText) : undefined;
    if (seriesText && !series) {
      errors.series = "Write a week and its number, such as 2026-W13 = 3.12.";
    }
    const approvers = values.approvers?.value?.selected_users ?? [];
    if (approvers.length === 0) {
      errors.approvers = "A team needs at least one approver.";
    }
    if (Object.keys(errors).length > 0 || !schedule) {
      await ack({ response_action: "errors", errors });
      return;
    }
    await deps.teams.save({
      ...team,
      name: text("name") || team.name,
      reviewChannel: values.review?.value?.selected_conversation ?? team.reviewChannel,
      publishChannel: values.publish?.value?.selected_conversation ?? team.publishChannel,
      timezone,
      draftSchedule: schedule,
      approvers,
      emoji,
      series,
    });
    await ack();
  });
}
