import type { App } from "@slack/bolt";
import type { AnswerWeekRequest } from "../../src/app/answer-week-request.ts";
import type { Background } from "../../src/app/background.ts";
import { parseCommand } from "../../src/domain/command.ts";
import type { ChatPlatform } from "../../src/ports/chat.ts";
import type { Clock } from "../../src/ports/clock.ts";
import { answerText } from "./answers.ts";
import { madeUpTs, type Recorder } from "./record.ts";

export interface EventListenerDeps {
  readonly record: Recorder;
  readonly answer: AnswerWeekRequest;
  readonly chat: ChatPlatform;
  readonly background: Background;
  readonly clock: Clock;
  readonly publishHome: (workspace: string, userId: string) => Promise<void>;
}

interface Envelope {
  team_id?: string;
  event_id?: string;
}

/**
 * Events API listeners (SPEC §4). Each only parses, records and returns; Bolt acknowledges when
 * the listener resolves (processBeforeResponse), so only recorded events are acknowledged, and no
 * Web API call happens before the acknowledgement.
 */
export function registerEventListeners(app: App, deps: EventListenerDeps): void {
  for (const kind of ["reaction_added", "reaction_removed"] as const) {
    app.event(kind, async ({ event, body }) => {
      const { team_id: workspace, event_id: eventId } = body as Envelope;
      if (event.item.type !== "message" || !workspace || !eventId) {
        return;
      }
      await deps.record(workspace, eventId, {
        kind,
        user: event.user,
        reaction: event.reaction,
        channel: event.item.channel,
        ts: event.item.ts,
      });
    });
  }

  app.event("message", async ({ event, body }) => {
    const { team_id: workspace, event_id: eventId } = body as Envelope;
    const message = event as unknown as Record<string, unknown>;
    if (!workspace || !eventId) {
      return;
    }
    const channel = String(message.channel ?? "");
    if (message.subtype === "message_changed") {
      // The edit is nested (case C4): the new message under `message`, the old under `previous_message`.
      const changed = (message.message ?? {}) as Record<string, unknown>;
      const previous = (message.previous_message ?? {}) as Record<string, unknown>;
      await deps.record(workspace, eventId, {
        kind: "message_changed",
        channel,
        ts: String(changed.ts ?? ""),
        text: typeof changed.text === "string" ? changed.text : undefined,
        previousText: typeof previous.text === "string" ? previous.text : undefined,
        edited: changed.edited !== undefined,
        tombstone: changed.subtype === "tombstone",
      });
      return;
    }
    if (message.subtype === "message_deleted") {
      await deps.record(workspace, eventId, {
        kind: "message_deleted",
        channel,
        ts: String(message.deleted_ts ?? ""),
      });
      return;
    }
    if (
      message.channel_type === "im" &&
      message.subtype === undefined &&
      !message.bot_id &&
      typeof message.user === "string"
    ) {
      await directMessage(deps, workspace, eventId, message.user, channel, String(message.text ?? ""));
    }
  });

  app.event("app_mention", async ({ event, body }) => {
    const { team_id: workspace, event_id: eventId } = body as Envelope;
    if (!workspace || !eventId || !event.user) {
      return;
    }
    const command = parseCommand(event.text.replace(/<@[A-Z0-9]+>/g, "").trim());
    if (command.kind === "add") {
      await deps.record(workspace, eventId, {
        kind: "add_text",
        user: event.user,
        channel: event.channel,
        private: false,
        ts: madeUpTs(deps.clock.now(), eventId),
        text: command.text,
        section: command.section,
      });
      return;
    }
    const { channel } = event;
    const threadTs = event.thread_ts ?? event.ts;
    deps.background.run("mention answer", async () => {
      await deps.chat.postText(
        workspace,
        channel,
        await answerText(deps.answer, workspace, command),
        threadTs,
      );
    });
  });

  app.event("app_home_opened", async ({ event, body }) => {
    const { team_id: workspace } = body as Envelope;
    if (event.tab === "home" && workspace) {
      deps.background.run("home", () => deps.publishHome(workspace, event.user));
    }
  });
}

// A DM is a question ("last week") or, when it is not a command, a highlight to add as typed.
async function directMessage(
  deps: EventListenerDeps,
  workspace: string,
  eventId: string,
  user: string,
  channel: string,
  text: string,
): Promise<void> {
  const command = parseCommand(text);
  const addable = command.kind === "add" || (command.kind === "help" && command.unknown !== undefined);
  if (addable) {
    const added = command.kind === "add" ? command : { text, section: "highlights" as const };
    await deps.record(workspace, eventId, {
      kind: "add_text",
      user,
      channel,
      channelName: "direct message",
      // The person chose to add it to the team's notes: it is not private chat.
      private: false,
      ts: madeUpTs(deps.clock.now(), eventId),
      text: added.text,
      section: added.section,
    });
    deps.background.run("dm ack", async () => {
      await deps.chat.postText(workspace, channel, "Added to this week's notes.");
    });
    return;
  }
  deps.background.run("dm answer", async () => {
    await deps.chat.postText(workspace, channel, await answerText(deps.answer, workspace, command));
  });
}
