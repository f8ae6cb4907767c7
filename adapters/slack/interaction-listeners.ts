import type { App, BlockAction, ButtonAction, ViewSubmitAction } from "@slack/bolt";
import type { FieldProblem, TeamSettingsField, TeamSettingsForm } from "../../src/app/configure-team.ts";
import type { ActionCheck } from "../../src/app/decide-draft.ts";
import type { PostedRef } from "../../src/domain/message-ref.ts";
import { fieldProblemText } from "../outcome-words.ts";
import { SETTINGS_FIELD_IDS } from "../settings-form.ts";
import { parseWeeknoteActionValue, WEEKNOTE_ACTIONS, type WeeknoteActionValue } from "./blocks.ts";
import { recordCommand, type SlackListenerDeps, workspaceOf } from "./listener-kit.ts";
import { actionRefusalText, decisionText } from "./presenter.ts";
import { type ConfigModalMetadata, EDIT_MAX_CHARS, editModal, regenerateModal, VIEW_IDS } from "./views.ts";

/** What the Edit and Regenerate modals carry in their private_metadata (JSON). */
interface Metadata extends WeeknoteActionValue {
  channel: string;
}

function decisionFields(value: WeeknoteActionValue, workspace: string, user: string, channel: string) {
  return {
    platform: "slack" as const,
    workspace,
    key: { workspace, team: value.team, week: value.week },
    user,
    revision: value.revision,
    ...(channel ? { replyTo: { conversationId: channel, userId: user } } : {}),
  };
}

/** The message a block action was taken on: where it is and its ts (Slack's message id). */
function clickedMessage(body: BlockAction): PostedRef | undefined {
  const container = body.container as { channel_id?: unknown; message_ts?: unknown } | undefined;
  const channel = typeof container?.channel_id === "string" ? container.channel_id : body.channel?.id;
  const ts = typeof container?.message_ts === "string" ? container.message_ts : body.message?.ts;
  return channel && ts ? { platform: "slack", conversationId: channel, messageId: ts } : undefined;
}

/** A form's metadata, when it is ours (JSON of an object); else undefined. */
function metadataOf<T>(view: { private_metadata: string }): Partial<T> | undefined {
  try {
    const parsed: unknown = JSON.parse(view.private_metadata);
    return typeof parsed === "object" && parsed !== null ? (parsed as Partial<T>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The review message's buttons and our modals (SPEC §1 step 3). Approve and Skip, and the Edit,
 * Regenerate and settings forms once submitted, are recorded as commands before Slack is answered
 * (a crash after the click loses nothing); the clicker hears how it went in an ephemeral message.
 * Edit and Regenerate open their modal first, while the trigger id is fresh (case C16).
 *
 * Authority comes from our records: the workspace is the one the request came from (workspaceOf),
 * and a button counts only on the review message stored on the draft it names, and only for that
 * team's stored approvers (the core's decide.checkAction), before anything is recorded or a modal
 * opens; anyone else hears why, privately, and nothing happens. A form's metadata is used only
 * when it names the workspace the submission came from.
 */
export function registerInteractionListeners(app: App, deps: SlackListenerDeps): void {
  /**
   * The draft a click may act on, or undefined after telling the clicker why not (in the
   * background: the click is answered first).
   */
  async function checkClick(
    body: BlockAction,
    value: WeeknoteActionValue,
    context: Record<string, unknown>,
  ): Promise<{ readonly workspace: string; readonly channel: string } | undefined> {
    const workspace = workspaceOf(context);
    const message = clickedMessage(body);
    const user = body.user.id;
    const channel = body.channel?.id ?? message?.conversationId ?? "";
    const check: ActionCheck = message
      ? await deps.useCases.decide.checkAction({
          key: { workspace, team: value.team, week: value.week },
          user,
          revision: value.revision,
          message,
        })
      : { kind: "not_this_message", week: value.week };
    if (check.kind === "ok") {
      return { workspace, channel };
    }
    if (channel) {
      deps.useCases.background.run("click refusal", () =>
        deps.chat.notifyText(workspace, channel, user, actionRefusalText(check)),
      );
    }
    return undefined;
  }

  for (const kind of ["approve", "skip"] as const) {
    app.action<BlockAction<ButtonAction>>(WEEKNOTE_ACTIONS[kind], async ({ ack, body, action, context }) => {
      const value = parseWeeknoteActionValue(action.value ?? "");
      const allowed = value ? await checkClick(body, value, context) : undefined;
      if (value && allowed) {
        await recordCommand(
          deps,
          { kind, ...decisionFields(value, allowed.workspace, body.user.id, allowed.channel) },
          `action:${body.trigger_id}`,
          context,
        );
      }
      await ack();
    });
  }

  app.action<BlockAction<ButtonAction>>(
    WEEKNOTE_ACTIONS.edit,
    async ({ ack, body, action, client, context }) => {
      await ack();
      const value = parseWeeknoteActionValue(action.value ?? "");
      const allowed = value ? await checkClick(body, value, context) : undefined;
      if (!value || !allowed) {
        return;
      }
      const { workspace, channel } = allowed;
      const user = body.user.id;
      const tell = (text: string) =>
        deps.useCases.background.run("edit refusal", () =>
          deps.chat.notifyText(workspace, channel, user, text),
        );
      const editable = await deps.useCases.decide.editableText({
        key: { workspace, team: value.team, week: value.week },
        user,
        revision: value.revision,
      });
      if (editable.kind !== "text") {
        tell(decisionText(editable));
        return;
      }
      const markdown = editable.markdown;
      if (markdown.length > EDIT_MAX_CHARS) {
        // Slack's text box holds 3,000 characters: editing a longer draft there would lose its end.
        tell(
          `This draft is ${markdown.length.toLocaleString("en-GB")} characters, longer than Slack's ${EDIT_MAX_CHARS.toLocaleString("en-GB")}-character text box, so it can't be edited here without losing its end. Use Regenerate with a reason such as "shorter", or approve it and edit where you publish it.`,
        );
        return;
      }
      const metadata: Metadata = { ...value, workspace, channel };
      await client.views.open({
        trigger_id: body.trigger_id,
        view: editModal(JSON.stringify(metadata), markdown),
      });
    },
  );

  app.action<BlockAction<ButtonAction>>(
    WEEKNOTE_ACTIONS.regenerate,
    async ({ ack, body, action, client, context }) => {
      await ack();
      const value = parseWeeknoteActionValue(action.value ?? "");
      const allowed = value ? await checkClick(body, value, context) : undefined;
      if (!value || !allowed) {
        return;
      }
      const metadata: Metadata = { ...value, workspace: allowed.workspace, channel: allowed.channel };
      await client.views.open({
        trigger_id: body.trigger_id,
        view: regenerateModal(JSON.stringify(metadata)),
      });
    },
  );

  /** The metadata of our Edit or Regenerate form, when it names the submitting workspace. */
  function decisionMetadata(
    view: { private_metadata: string },
    context: Record<string, unknown>,
  ): Metadata | undefined {
    const metadata = metadataOf<Metadata>(view);
    const workspace = workspaceOf(context);
    if (
      metadata?.workspace !== workspace ||
      typeof metadata.team !== "string" ||
      typeof metadata.week !== "string" ||
      typeof metadata.revision !== "number"
    ) {
      return undefined;
    }
    return {
      workspace,
      team: metadata.team,
      week: metadata.week,
      revision: metadata.revision,
      channel: typeof metadata.channel === "string" ? metadata.channel : "",
    };
  }

  app.view<ViewSubmitAction>(VIEW_IDS.edit, async ({ ack, view, body, context }) => {
    const metadata = decisionMetadata(view, context);
    if (!metadata) {
      await ack();
      return;
    }
    const markdown = view.state.values.text?.value?.value ?? "";
    if (!markdown.trim()) {
      await ack({ response_action: "errors", errors: { text: "The weeknote can't be empty." } });
      return;
    }
    await recordCommand(
      deps,
      {
        kind: "edit",
        ...decisionFields(metadata, metadata.workspace, body.user.id, metadata.channel),
        markdown,
      },
      `view:${body.trigger_id}`,
      context,
    );
    await ack();
  });

  app.view<ViewSubmitAction>(VIEW_IDS.regenerate, async ({ ack, view, body, context }) => {
    const metadata = decisionMetadata(view, context);
    if (!metadata) {
      await ack();
      return;
    }
    const reason = view.state.values.reason?.value?.value?.trim() || undefined;
    await recordCommand(
      deps,
      {
        kind: "regenerate",
        ...decisionFields(metadata, metadata.workspace, body.user.id, metadata.channel),
        ...(reason === undefined ? {} : { reason }),
      },
      `view:${body.trigger_id}`,
      context,
    );
    await ack();
  });

  app.view<ViewSubmitAction>(VIEW_IDS.config, async ({ ack, view, body, context }) => {
    const metadata = metadataOf<ConfigModalMetadata>(view) ?? {};
    const workspace = workspaceOf(context);
    const teamKey = metadata.team ?? "default";
    // Opening the modal claimed the team, so it is stored under its key; a form that names
    // another workspace than the one it came from names no team of ours.
    const team =
      metadata.workspace === workspace ? await deps.useCases.teams.get(workspace, teamKey) : undefined;
    if (!team) {
      await ack({ response_action: "errors", errors: { name: "This team no longer exists." } });
      return;
    }
    const user = body.user.id;
    const checked = deps.useCases.configure.check(team, user, formOf(view.state.values));
    if (checked.kind === "problems") {
      await ack({ response_action: "errors", errors: modalErrors(checked.problems) });
      return;
    }
    await recordCommand(
      deps,
      {
        kind: "configure_team",
        platform: "slack",
        workspace,
        team: team.team,
        user,
        change: checked.change,
        ...(metadata.channel ? { replyTo: { conversationId: metadata.channel, userId: user } } : {}),
      },
      `view:${body.trigger_id}`,
      context,
    );
    await ack();
  });
}

type ViewValues = ViewSubmitAction["view"]["state"]["values"];

/** The settings modal's inputs as a form (views.ts configModal's block ids). */
function formOf(values: ViewValues): TeamSettingsForm {
  const state = (block: string) => values[block]?.value;
  const text = (block: string) => state(block)?.value?.trim() ?? "";
  const personal = state("personal");
  return {
    name: text("name"),
    reviewChannel: state("review")?.selected_conversation ?? undefined,
    publishChannel: state("publish")?.selected_conversation ?? undefined,
    sourceChannels: state("sources") ? (state("sources")?.selected_conversations ?? []) : undefined,
    timezone: text("timezone"),
    schedule: text("schedule"),
    reminder: state("reminder") ? text("reminder") : undefined,
    approvers: state("approvers")?.selected_users ?? [],
    emoji: text("emoji"),
    series: text("series"),
    personal: personal ? (personal.selected_options ?? []).some((o) => o.value === "personal") : undefined,
    members: state("members") ? (state("members")?.selected_users ?? []) : undefined,
    language: state("language") ? (state("language")?.selected_option?.value ?? undefined) : undefined,
    houseStyle: state("house_style") ? text("house_style") : undefined,
  };
}

const FIELD_BLOCKS: Record<TeamSettingsField, string> = SETTINGS_FIELD_IDS;

/** Problems as Slack's `response_action: "errors"` wants them: block id → sentence. */
function modalErrors(problems: Partial<Record<TeamSettingsField, FieldProblem>>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, problem] of Object.entries(problems) as [TeamSettingsField, FieldProblem][]) {
    errors[FIELD_BLOCKS[field]] = fieldProblemText(problem);
  }
  return errors;
}
