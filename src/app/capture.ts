import { BotError, isBotError } from "../domain/errors.ts";
import { COMMAND_TAG_REACTION, type Highlight, type Tag } from "../domain/highlight.ts";
import type { InboxCommand, MessageContent } from "../domain/inbox-command.ts";
import { highlightIdOf, type MessageRef } from "../domain/message-ref.ts";
import type { TeamSettings } from "../domain/team.ts";
import { countsTagsOf } from "../domain/team-highlights.ts";
import type { ChatRouter, FetchedMessage } from "../ports/chat.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { HighlightStore } from "../ports/store.ts";
import type { TeamDirectory } from "./teams.ts";

type Command<K extends InboxCommand["kind"]> = Extract<InboxCommand, { kind: K }>;

export interface CaptureDeps {
  readonly highlights: HighlightStore;
  readonly chat: ChatRouter;
  readonly teams: TeamDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Capture, all week (SPEC §1 step 1): the slow part of each recorded capture command, run by the
 * inbox worker after the platform was answered. Each method is safe to run again for the same
 * command (a retry after a crash changes nothing twice).
 *
 * Errors: BotError from the platform (`platform.not_in_channel`, `platform.missing_scope`: the
 * message cannot be read; `platform.rate_limited` with retryAfterMs, also thrown without a call
 * while a workspace's fetches are paused by an earlier rate limit) and from the store.
 */
export interface Capture {
  /** A tag on a message: stored at once when the message is already a highlight, else fetched first. */
  tagAdded(command: Command<"tag_added">): Promise<void>;
  /** Takes that person's tag off; the highlight goes with its last tag. */
  tagRemoved(command: Command<"tag_removed">): Promise<void>;
  /** A highlight's text follows an edit of its message. */
  messageEdited(command: Command<"message_edited">): Promise<void>;
  /** Deleting a message deletes its highlight. */
  messageDeleted(command: Command<"message_deleted">): Promise<void>;
  /** "Add to weeknotes" on a message: from the content handed over, else fetched. */
  addMessage(command: Command<"add_message">): Promise<Highlight | undefined>;
  /** Typed text becomes a highlight of its own, for the team it was added for. */
  addText(command: Command<"add_text">): Promise<Highlight>;
}

// When fetches of a workspace were rate-limited and no Retry-After was given, how long to pause.
const DEFAULT_RETRY_AFTER_MS = 60_000;

export function createCapture(deps: CaptureDeps): Capture {
  // When fetches of a workspace were rate-limited, until when (UTC epoch ms). The other queued
  // fetches wait as long as the first was told to, instead of each spending a request to hear
  // the same 429 (CASES C9: history/replies may be limited to 1 request a minute).
  const fetchPausedUntil = new Map<string, number>();

  async function fetchMessage(ref: MessageRef): Promise<FetchedMessage | undefined> {
    const pauseKey = `${ref.platform}:${ref.workspace}`;
    const now = deps.clock.now();
    const pausedUntil = fetchPausedUntil.get(pauseKey) ?? 0;
    if (now < pausedUntil) {
      throw new BotError("platform.rate_limited", "Fetches are paused by an earlier rate limit", {
        retryable: true,
        retryAfterMs: pausedUntil - now,
      });
    }
    try {
      return await deps.chat.for(ref.platform).fetchMessage(ref);
    } catch (error) {
      if (isBotError(error, "platform.rate_limited")) {
        fetchPausedUntil.set(pauseKey, deps.clock.now() + (error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS));
      }
      throw error;
    }
  }

  /** Adds `tag` to the message's highlight, fetching the message when it is not one yet. */
  async function tagMessage(
    ref: MessageRef,
    tag: Tag,
    content?: MessageContent,
  ): Promise<Highlight | undefined> {
    const id = highlightIdOf(ref);
    const existing = await deps.highlights.addTag(ref.workspace, id, tag);
    if (existing) {
      return existing;
    }
    const message = content
      ? await deps.chat.for(ref.platform).describeMessage(ref, content)
      : await fetchMessage(ref);
    if (!message) {
      deps.logger.info({ platform: ref.platform }, "tagged message not found; nothing stored");
      return undefined;
    }
    if (message.fromBot) {
      return undefined;
    }
    return deps.highlights.addTag(ref.workspace, id, tag, toHighlight(ref, message, tag));
  }

  /**
   * The team typed text is for: one it names, else the one team reviewing in its conversation. A
   * personal team takes it only from one of its members (it counts no one else's tags); otherwise
   * the text goes by its conversation like any highlight.
   */
  async function teamOf(command: Command<"add_text">): Promise<string | undefined> {
    let team: TeamSettings | undefined;
    if (command.team !== undefined) {
      const choice = await deps.teams.resolve({
        platform: command.platform,
        workspace: command.workspace,
        name: command.team,
      });
      team = choice.kind === "team" ? choice.team : undefined;
    } else {
      const reviewing = (await deps.teams.list(command.workspace)).filter(
        (t) => t.reviewChannel === command.conversationId,
      );
      team = reviewing.length === 1 ? reviewing[0] : undefined;
    }
    return team && countsTagsOf(team, command.user) ? team.team : undefined;
  }

  return {
    async tagAdded(command) {
      const section = await deps.teams.sectionOfReaction(
        command.platform,
        command.workspace,
        command.reaction,
      );
      if (section !== undefined) {
        await tagMessage(
          command.ref,
          {
            user: command.user,
            reaction: command.reaction,
            section,
            via: "reaction",
          },
          command.content,
        );
      }
    },

    async tagRemoved(command) {
      await deps.highlights.removeTag(command.workspace, highlightIdOf(command.ref), {
        user: command.user,
        reaction: command.reaction,
      });
    },

    async messageEdited(command) {
      const id = highlightIdOf(command.ref);
      if (await deps.highlights.getHighlight(command.workspace, id)) {
        const text = await deps.chat.for(command.platform).decodeText(command.workspace, command.rawText);
        await deps.highlights.updateHighlightText(command.workspace, id, text);
      }
    },

    async messageDeleted(command) {
      await deps.highlights.removeHighlight(command.workspace, highlightIdOf(command.ref));
    },

    addMessage(command) {
      return tagMessage(
        command.ref,
        { user: command.user, reaction: COMMAND_TAG_REACTION, section: command.section, via: "command" },
        command.content,
      );
    },

    async addText(command) {
      const chat = deps.chat.for(command.platform);
      const tag: Tag = {
        user: command.user,
        reaction: COMMAND_TAG_REACTION,
        section: command.section,
        via: "command",
      };
      const [authorName, conversationName, team] = await Promise.all([
        command.userName ?? chat.personName(command.workspace, command.user),
        command.conversationName ??
          chat.conversation(command.workspace, command.conversationId).then((c) => c.name),
        teamOf(command),
      ]);
      const highlight: Highlight = {
        id: command.highlightId,
        platform: command.platform,
        workspace: command.workspace,
        conversationId: command.conversationId,
        conversationName,
        private: command.private,
        messageId: undefined,
        threadId: undefined,
        postedAtMs: command.postedAtMs,
        authorId: command.user,
        authorName,
        text: command.text,
        section: command.section,
        tags: [tag],
        permalink: undefined,
        team,
      };
      const stored = await deps.highlights.addTag(command.workspace, highlight.id, tag, highlight);
      return stored ?? highlight;
    },
  };
}

function toHighlight(ref: MessageRef, message: FetchedMessage, tag: Tag): Highlight {
  return {
    id: highlightIdOf(ref),
    platform: ref.platform,
    workspace: ref.workspace,
    conversationId: ref.conversationId,
    conversationName: message.conversationName,
    private: message.private,
    messageId: ref.messageId,
    threadId: message.threadId ?? ref.threadId,
    postedAtMs: message.postedAtMs,
    authorId: message.authorId,
    authorName: message.authorName,
    text: message.text,
    section: tag.section,
    tags: [tag],
    permalink: message.permalink,
    team: undefined,
  };
}
