import type { App } from "@slack/bolt";
import { parseCommand } from "../../src/domain/command.ts";
import { teamKeyOf } from "../../src/domain/team.ts";
import { escapeSlackText } from "./escape.ts";
import { slackMessageRef, slackTsToMs } from "./ids.ts";
import {
  answerRequest,
  recordCommand,
  type SlackListenerDeps,
  typedText,
  workspaceOf,
} from "./listener-kit.ts";
import { isMachineMessage } from "./message-author.ts";
import { messageMarkup } from "./message-text.ts";
import { DRAFTING, refusalText, sectionWords, teamProblemText } from "./presenter.ts";
import { configModal } from "./views.ts";

/** callback_id of the "Add to weeknotes" message shortcut (manifest/slack.yaml). */
export const ADD_SHORTCUT_ID = "weeknotes_add_message";

const ephemeral = (text: string) => ({ response_type: "ephemeral" as const, text: escapeSlackText(text) });

/**
 * `/weeknotes …` and the "Add to weeknotes" shortcut. Every reply is acknowledged within Slack's
 * 3 s: store reads, and commands recorded for the inbox worker (adds, draft requests, new teams);
 * drafting itself runs after the acknowledgement.
 */
export function registerCommandListeners(app: App, deps: SlackListenerDeps): void {
  app.command("/weeknotes", async ({ command, ack, client, context }) => {
    const workspace = workspaceOf(context);
    const { user_id: user, channel_id: channel } = command;
    const eventId = `command:${command.trigger_id}`;
    const request = parseCommand(command.text);
    const where = { platform: "slack", workspace, conversationId: channel, user } as const;
    switch (request.kind) {
      case "add": {
        // Not `user_name`: that is the account handle; the worker looks up the display name, as
        // for every other highlight.
        const typed = typedText(deps, {
          workspace,
          conversationId: channel,
          conversationName: command.channel_name,
          user,
          text: request.text,
          section: request.section,
        });
        await recordCommand(deps, typed, eventId, context);
        await ack(ephemeral(`Added to this week's notes under ${sectionWords(request.section)}.`));
        return;
      }
      case "draft": {
        const allowed = await deps.useCases.requestDraft.authorize({ ...where, name: request.team });
        if (allowed.kind !== "ok") {
          await ack(ephemeral(refusalText(allowed.problem, "draft")));
          return;
        }
        await recordCommand(
          deps,
          {
            kind: "request_draft",
            platform: "slack",
            workspace,
            team: allowed.team.team,
            user,
            replyTo: { conversationId: channel, userId: user },
          },
          eventId,
          context,
        );
        await ack(ephemeral(DRAFTING));
        return;
      }
      case "config": {
        const allowed = await deps.useCases.requestDraft.authorize({ ...where, name: request.team });
        if (allowed.kind !== "ok") {
          await ack(ephemeral(refusalText(allowed.problem, "config")));
          return;
        }
        // The trigger id lasts 3 s: open the modal before anything else.
        await client.views.open({ trigger_id: command.trigger_id, view: configModal(allowed.team, channel) });
        await ack();
        return;
      }
      case "new_team": {
        if (teamKeyOf(request.name) === undefined) {
          await ack(ephemeral(teamProblemText({ kind: "bad_team_name", name: request.name })));
          return;
        }
        await recordCommand(
          deps,
          {
            kind: "create_team",
            platform: "slack",
            workspace,
            name: request.name,
            personal: request.personal,
            user,
            conversationId: channel,
            replyTo: { conversationId: channel, userId: user },
          },
          eventId,
          context,
        );
        await ack(ephemeral(`Making the team ${request.name}…`));
        return;
      }
      case "forget": {
        // Through the inbox like every write: durable before the acknowledgement, retried when it fails.
        await recordCommand(
          deps,
          {
            kind: "forget_person",
            platform: "slack",
            workspace,
            user,
            replyTo: { conversationId: channel, userId: user },
          },
          eventId,
          context,
        );
        await ack(ephemeral("Forgetting your highlights and tags…"));
        return;
      }
      default:
        await ack({
          response_type: "ephemeral",
          text: await answerRequest(deps, { workspace, conversationId: channel }, request),
        });
    }
  });

  app.shortcut(ADD_SHORTCUT_ID, async ({ shortcut, ack, context }) => {
    if (shortcut.type !== "message_action") {
      await ack();
      return;
    }
    const workspace = workspaceOf(context);
    const message = shortcut.message as Record<string, unknown> & {
      ts: string;
      thread_ts?: string;
      text?: string;
      user?: string;
    };
    await recordCommand(
      deps,
      {
        kind: "add_message",
        platform: "slack",
        workspace,
        ref: slackMessageRef(workspace, shortcut.channel.id, message.ts, message.thread_ts),
        user: shortcut.user.id,
        section: "highlights",
        // Slack hands the message over: no rate-limited history read is needed for it.
        ...(typeof message.text === "string"
          ? {
              content: {
                rawText: messageMarkup(message),
                ...(message.user ? { authorId: message.user } : {}),
                postedAtMs: slackTsToMs(message.ts),
                fromBot: isMachineMessage(message),
              },
            }
          : {}),
      },
      `shortcut:${shortcut.trigger_id}`,
      context,
    );
    await ack();
  });
}
