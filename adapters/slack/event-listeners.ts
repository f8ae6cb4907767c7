import type { App } from "@slack/bolt";
import { parseCommand } from "../../src/domain/command.ts";
import { slackMessageRef } from "./ids.ts";
import {
  answerRequest,
  recordCommand,
  type SlackListenerDeps,
  typedText,
  workspaceOf,
} from "./listener-kit.ts";
import { homeView } from "./views.ts";

interface Envelope {
  event_id?: string;
}

/**
 * Events API listeners (SPEC §4). Each translates a Slack event into a platform-neutral command
 * and records it; Bolt acknowledges when the listener resolves (processBeforeResponse), so only
 * recorded events are acknowledged, and no Web API call happens before the acknowledgement.
 * Events that carry nothing for weeknotes (an unfurl's message_changed) are acknowledged and
 * ignored. The workspace is the one slack-app.ts checked the request against (workspaceOf).
 */
export function registerEventListeners(app: App, deps: SlackListenerDeps): void {
  const kinds = { reaction_added: "tag_added", reaction_removed: "tag_removed" } as const;
  for (const kind of ["reaction_added", "reaction_removed"] as const) {
    app.event(kind, async ({ event, body, context }) => {
      const workspace = workspaceOf(context);
      const { event_id: eventId } = body as Envelope;
      if (event.item.type !== "message" || !workspace || !eventId) {
        return;
      }
      await recordCommand(
        deps,
        {
          kind: kinds[kind],
          platform: "slack",
          workspace,
          ref: slackMessageRef(workspace, event.item.channel, event.item.ts),
          user: event.user,
          reaction: event.reaction,
        },
        eventId,
        context,
      );
    });
  }

  app.event("message", async ({ event, body, context }) => {
    const workspace = workspaceOf(context);
    const { event_id: eventId } = body as Envelope;
    const message = event as unknown as Record<string, unknown>;
    if (!workspace || !eventId) {
      return;
    }
    const channel = String(message.channel ?? "");
    const base = { platform: "slack", workspace } as const;
    if (message.subtype === "message_changed") {
      // The edit is nested (case C4): the new message under `message`, the old under `previous_message`.
      const changed = (message.message ?? {}) as Record<string, unknown>;
      const previous = (message.previous_message ?? {}) as Record<string, unknown>;
      const ref = slackMessageRef(workspace, channel, String(changed.ts ?? ""));
      if (changed.subtype === "tombstone") {
        await recordCommand(deps, { kind: "message_deleted", ...base, ref }, eventId, context);
        return;
      }
      // Only real edits: link unfurls also send message_changed, with the text unchanged.
      const text = typeof changed.text === "string" ? changed.text : undefined;
      if (changed.edited !== undefined && text !== undefined && text !== previous.text) {
        await recordCommand(deps, { kind: "message_edited", ...base, ref, rawText: text }, eventId, context);
      }
      return;
    }
    if (message.subtype === "message_deleted") {
      const ref = slackMessageRef(workspace, channel, String(message.deleted_ts ?? ""));
      await recordCommand(deps, { kind: "message_deleted", ...base, ref }, eventId, context);
      return;
    }
    if (
      message.channel_type === "im" &&
      message.subtype === undefined &&
      !message.bot_id &&
      typeof message.user === "string"
    ) {
      const user = message.user;
      const text = String(message.text ?? "");
      const intent = deps.useCases.directMessage.intent(text);
      if (intent.kind === "add") {
        const typed = typedText(deps, {
          workspace,
          conversationId: channel,
          conversationName: "direct message",
          user,
          text: intent.text,
          section: intent.section,
          replyTo: { conversationId: channel },
        });
        await recordCommand(deps, typed, eventId, context);
        return;
      }
      deps.useCases.background.run("dm answer", async () => {
        const answer = await answerRequest(deps, { workspace, conversationId: channel }, intent.request);
        await deps.chat.postText(workspace, channel, answer);
      });
    }
  });

  app.event("app_mention", async ({ event, body, context }) => {
    const workspace = workspaceOf(context);
    const { event_id: eventId } = body as Envelope;
    if (!workspace || !eventId || !event.user) {
      return;
    }
    const request = parseCommand(event.text.replace(/<@[A-Z0-9]+>/g, "").trim());
    if (request.kind === "add") {
      const typed = typedText(deps, {
        workspace,
        conversationId: event.channel,
        user: event.user,
        text: request.text,
        section: request.section,
      });
      await recordCommand(deps, typed, eventId, context);
      return;
    }
    const { channel } = event;
    const threadTs = event.thread_ts ?? event.ts;
    deps.useCases.background.run("mention answer", async () => {
      const answer = await answerRequest(deps, { workspace, conversationId: channel }, request);
      await deps.chat.postText(workspace, channel, answer, threadTs);
    });
  });

  app.event("app_home_opened", async ({ event, context }) => {
    const workspace = workspaceOf(context);
    if (event.tab === "home" && workspace) {
      deps.useCases.background.run("home", async () => {
        const view = await deps.useCases.home.forUser("slack", workspace, event.user);
        await deps.chat.publishHome(workspace, event.user, homeView(view));
      });
    }
  });
}
