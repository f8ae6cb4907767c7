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
import { messageMarkup } from "./message-text.ts";
import { homeView } from "./views.ts";

interface Envelope {
  event_id?: string;
}

/** The Events API event types that come often (every reaction, every message): see {@link recordHotEvent}. */
export const HOT_EVENT_TYPES: ReadonlySet<string> = new Set([
  "reaction_added",
  "reaction_removed",
  "message",
]);

/**
 * A hot event (HOT_EVENT_TYPES) as a recorded command, for the lean path of both receivers
 * (http-receiver.ts, socket-mode-receiver.ts), which call it straight after the signature (HTTP)
 * and the workspace check, without Bolt. Resolves once the command is durably recorded (or when
 * the event carries nothing for weeknotes: an unfurl's message_changed, a reaction on a file);
 * only then may the receiver acknowledge (SPEC §4). No Web API call happens before that.
 * `context` carries the correlation id as Bolt's context would (listener-kit correlationOf).
 * @throws what recording throws (BotError `store.*`): the receiver then answers 5xx / does not ack.
 */
export async function recordHotEvent(
  deps: SlackListenerDeps,
  event: Record<string, unknown>,
  eventId: string,
  workspace: string,
  context: Record<string, unknown>,
): Promise<void> {
  if (!workspace || !eventId) {
    return;
  }
  if (event.type === "reaction_added" || event.type === "reaction_removed") {
    const item = (event.item ?? {}) as Record<string, unknown>;
    if (item.type !== "message" || typeof event.user !== "string" || typeof event.reaction !== "string") {
      return;
    }
    await recordCommand(
      deps,
      {
        kind: event.type === "reaction_added" ? "tag_added" : "tag_removed",
        platform: "slack",
        workspace,
        ref: slackMessageRef(workspace, String(item.channel ?? ""), String(item.ts ?? "")),
        user: event.user,
        reaction: event.reaction,
      },
      eventId,
      context,
    );
    return;
  }
  if (event.type === "message") {
    await recordMessageEvent(deps, event, eventId, workspace, context);
  }
}

/** A `message` event (edits, deletions, direct messages to the bot) as a recorded command. */
async function recordMessageEvent(
  deps: SlackListenerDeps,
  message: Record<string, unknown>,
  eventId: string,
  workspace: string,
  context: Record<string, unknown>,
): Promise<void> {
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
    // Words from text, blocks and shared attachments alike (message-text.ts, the export's rule too).
    const text = typeof changed.text === "string" || changed.blocks ? messageMarkup(changed) : undefined;
    if (changed.edited !== undefined && text !== undefined && text !== messageMarkup(previous)) {
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
      await deps.chat.postMrkdwn(workspace, channel, answer);
    });
  }
}

/**
 * Bolt's Events API listeners for the rarer events (SPEC §4): mentions and the App Home. The hot
 * ones (reactions, messages) never reach Bolt: the receivers record them through
 * {@link recordHotEvent}. Each listener records its command before it resolves, and Bolt's answer
 * waits for it (processBeforeResponse; the Socket Mode receiver acks after it), so only recorded
 * events are acknowledged. The workspace is the one slack-app.ts checked the request against
 * (workspaceOf).
 */
export function registerEventListeners(app: App, deps: SlackListenerDeps): void {
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
      await deps.chat.postMrkdwn(workspace, channel, answer, threadTs);
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
