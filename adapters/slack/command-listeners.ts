import type { App } from "@slack/bolt";
import type { AnswerWeekRequest } from "../../src/app/answer-week-request.ts";
import type { Background } from "../../src/app/background.ts";
import type { DraftWeeknote } from "../../src/app/draft-weeknote.ts";
import type { TeamDirectory } from "../../src/app/teams.ts";
import { parseCommand } from "../../src/domain/command.ts";
import type { ChatPlatform } from "../../src/ports/chat.ts";
import type { Clock } from "../../src/ports/clock.ts";
import { answerText } from "./answers.ts";
import { escapeSlackText } from "./escape.ts";
import { madeUpTs, type Recorder } from "./record.ts";
import { configModal } from "./views.ts";

export interface CommandListenerDeps {
  readonly record: Recorder;
  readonly answer: AnswerWeekRequest;
  readonly draft: DraftWeeknote;
  readonly teams: TeamDirectory;
  readonly chat: ChatPlatform;
  readonly background: Background;
  readonly clock: Clock;
}

/** callback_id of the "Add to weeknotes" message shortcut (manifest/slack.yaml). */
export const ADD_SHORTCUT_ID = "weeknotes_add_message";

const ephemeral = (text: string) => ({ response_type: "ephemeral" as const, text: escapeSlackText(text) });

/**
 * `/weeknotes …` and the "Add to weeknotes" shortcut. Every reply is acknowledged within Slack's
 * 3 s (store reads only); drafting runs after the acknowledgement.
 */
export function registerCommandListeners(app: App, deps: CommandListenerDeps): void {
  app.command("/weeknotes", async ({ command, ack, client }) => {
    const workspace = command.team_id;
    const parsed = parseCommand(command.text);
    switch (parsed.kind) {
      case "add": {
        await deps.record(workspace, `command:${command.trigger_id}`, {
          kind: "add_text",
          user: command.user_id,
          // Not `user_name`: that is the account handle; the worker looks up the display name,
          // as for every other highlight.
          channel: command.channel_id,
          channelName: command.channel_name,
          private: false,
          ts: madeUpTs(deps.clock.now(), command.trigger_id),
          text: parsed.text,
          section: parsed.section,
        });
        await ack(ephemeral(`Added to this week's notes under ${parsed.section.replace("_", " ")}.`));
        return;
      }
      case "draft": {
        const team = await deps.teams.claim(workspace, command.user_id, command.channel_id);
        if (!team.approvers.includes(command.user_id)) {
          await ack(
            ephemeral(
              "Only the team's approvers can draft the weeknote. Ask one of them, or see /weeknotes config.",
            ),
          );
          return;
        }
        await ack(ephemeral("Drafting this week's weeknote…"));
        const { user_id: user, channel_id: channel } = command;
        deps.background.run("draft", async () => {
          const outcome = await deps.draft(team);
          await deps.chat.notifyUser(workspace, channel, user, outcome.message);
        });
        return;
      }
      case "config": {
        const team = await deps.teams.claim(workspace, command.user_id, command.channel_id);
        if (!team.approvers.includes(command.user_id)) {
          await ack(ephemeral("Only the team's approvers can change its settings."));
          return;
        }
        // The trigger id lasts 3 s: open the modal before anything else.
        await client.views.open({ trigger_id: command.trigger_id, view: configModal(team) });
        await ack();
        return;
      }
      default:
        await ack(ephemeral(await answerText(deps.answer, workspace, parsed)));
    }
  });

  app.shortcut(ADD_SHORTCUT_ID, async ({ shortcut, ack }) => {
    if (shortcut.type !== "message_action") {
      await ack();
      return;
    }
    const message = shortcut.message as { ts: string; thread_ts?: string };
    await deps.record(shortcut.team?.id ?? "", `shortcut:${shortcut.trigger_id}`, {
      kind: "add_message",
      user: shortcut.user.id,
      channel: shortcut.channel.id,
      ts: message.ts,
      threadTs: message.thread_ts,
    });
    await ack();
  });
}
