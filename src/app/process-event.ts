import { BotError, isBotError } from "../domain/errors.ts";
import { type Highlight, highlightId, type Tag } from "../domain/highlight.ts";
import { type EmojiAliases, EmojiSectionMap, type Section } from "../domain/sections.ts";
import type { ChatPlatform, FetchedMessage } from "../ports/chat.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { InboxEvent, InboxOutcome, MessageKey, Store } from "../ports/store.ts";
import type { TeamDirectory } from "./teams.ts";

/** The inbox payloads this use case understands, by `InboxEvent.kind`. */
export type InboxPayload =
  | {
      readonly kind: "reaction_added" | "reaction_removed";
      readonly user: string;
      readonly reaction: string;
      readonly channel: string;
      readonly ts: string;
    }
  | {
      readonly kind: "message_changed";
      readonly channel: string;
      readonly ts: string;
      readonly text: string | undefined;
      readonly previousText: string | undefined;
      readonly edited: boolean;
      readonly tombstone: boolean;
    }
  | { readonly kind: "message_deleted"; readonly channel: string; readonly ts: string }
  | {
      /** A message added by the message shortcut. */
      readonly kind: "add_message";
      readonly user: string;
      readonly channel: string;
      readonly ts: string;
      readonly threadTs: string | undefined;
    }
  | {
      /** Text added by `/weeknotes add`, a mention or a DM; `ts` is made up and unique. */
      readonly kind: "add_text";
      readonly user: string;
      /** Resolved here (not in the ack path) when the platform did not give it. */
      readonly userName?: string;
      readonly channel: string;
      readonly channelName?: string;
      readonly private: boolean;
      readonly ts: string;
      readonly text: string;
      readonly section: Section;
    };

export interface ProcessEventDeps {
  readonly store: Store;
  readonly chat: ChatPlatform;
  readonly teams: TeamDirectory;
  readonly aliases: EmojiAliases;
  readonly clock: Clock;
  readonly logger: Logger;
}

// Backoff for a platform that is down: 5 s, 10 s, 20 s … capped at 10 min; given up after 12 tries.
const MAX_ATTEMPTS = 12;
const backoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 600_000);
// A rate limit is not a failure: the platform said when to come back, so an event waits as often
// as it is told to (a burst under a 1-a-minute limit takes a minute per event), up to a day.
const RATE_LIMIT_GIVE_UP_MS = 24 * 3_600_000;
const DEFAULT_RETRY_AFTER_MS = 60_000;

const INVITE_HINT =
  "I couldn't read that message, so it isn't in the weeknotes yet. Invite me to the channel (type `/invite @weeknotes` there) and tag it again.";

/**
 * Does the slow part of one recorded event, after it was acknowledged (SPEC §4): fetches the
 * tagged message, keeps per-reactor tags, applies edits and deletes. Returns what the inbox should
 * do next: done, retry later (rate limits honour Retry-After) or failed for good.
 */
export function createProcessEvent(deps: ProcessEventDeps) {
  // When fetches of a workspace were rate-limited, until when (UTC epoch ms). The other queued
  // fetches wait as long as the first was told to, instead of each spending a request to hear
  // the same 429 (CASES C9: history/replies may be limited to 1 request a minute).
  const fetchPausedUntil = new Map<string, number>();

  async function fetchMessage(key: MessageKey, threadTs?: string): Promise<FetchedMessage | undefined> {
    const now = deps.clock.now();
    const pausedUntil = fetchPausedUntil.get(key.workspace) ?? 0;
    if (now < pausedUntil) {
      throw new BotError("platform.rate_limited", "Fetches are paused by an earlier rate limit", {
        retryable: true,
        retryAfterMs: pausedUntil - now,
      });
    }
    try {
      return await deps.chat.fetchMessage(key, threadTs);
    } catch (error) {
      if (isBotError(error, "platform.rate_limited")) {
        fetchPausedUntil.set(
          key.workspace,
          deps.clock.now() + (error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS),
        );
      }
      throw error;
    }
  }

  async function sectionOf(workspace: string, reaction: string): Promise<Section | undefined> {
    const team = await deps.teams.settingsFor(workspace);
    return new EmojiSectionMap(team.emoji, deps.aliases).sectionOf(reaction);
  }

  async function capture(event: InboxEvent, key: MessageKey, tag: Tag, threadTs?: string): Promise<void> {
    if (await deps.store.addTag(key, tag)) {
      return;
    }
    const message = await fetchMessage(key, threadTs);
    if (!message) {
      deps.logger.info({ eventId: event.eventId }, "tagged message not found; nothing stored");
      return;
    }
    if (message.fromBot) {
      return;
    }
    await deps.store.addTag(key, tag, toHighlight(key, message, tag));
  }

  async function apply(event: InboxEvent, payload: InboxPayload): Promise<void> {
    const workspace = event.workspace;
    switch (payload.kind) {
      case "reaction_added": {
        const section = await sectionOf(workspace, payload.reaction);
        if (section) {
          const key = { workspace, channelId: payload.channel, ts: payload.ts };
          await capture(event, key, { user: payload.user, reaction: payload.reaction, section });
        }
        return;
      }
      case "reaction_removed":
        await deps.store.removeTag(
          { workspace, channelId: payload.channel, ts: payload.ts },
          { user: payload.user, reaction: payload.reaction },
        );
        return;
      case "message_deleted":
        await deps.store.removeHighlight(workspace, payload.channel, payload.ts);
        return;
      case "message_changed": {
        const key = { workspace, channelId: payload.channel, ts: payload.ts };
        if (payload.tombstone) {
          await deps.store.removeHighlight(workspace, payload.channel, payload.ts);
        } else if (payload.edited && payload.text !== undefined && payload.text !== payload.previousText) {
          // Only real edits: link unfurls also send message_changed, with the text unchanged.
          if (await deps.store.getHighlight(workspace, payload.channel, payload.ts)) {
            await deps.store.updateHighlightText(key, await deps.chat.decodeText(workspace, payload.text));
          }
        }
        return;
      }
      case "add_message": {
        const key = { workspace, channelId: payload.channel, ts: payload.ts };
        await capture(
          event,
          key,
          { user: payload.user, reaction: "shortcut", section: "highlights" },
          payload.threadTs,
        );
        return;
      }
      case "add_text": {
        const key = { workspace, channelId: payload.channel, ts: payload.ts };
        const tag: Tag = { user: payload.user, reaction: "add", section: payload.section };
        const authorName =
          payload.userName ?? (await deps.chat.decodeText(workspace, `<@${payload.user}>`)).replace(/^@/, "");
        const channelName =
          payload.channelName ??
          (await deps.chat.decodeText(workspace, `<#${payload.channel}>`)).replace(/^#/, "");
        await deps.store.addTag(key, tag, {
          id: highlightId(payload.channel, payload.ts),
          workspace,
          channelId: payload.channel,
          channelName,
          private: payload.private,
          ts: payload.ts,
          postedAtMs: event.receivedAtMs,
          authorId: payload.user,
          authorName,
          text: payload.text,
          section: payload.section,
          tags: [tag],
          permalink: undefined,
          threadTs: undefined,
        });
        return;
      }
    }
  }

  return async function processEvent(event: InboxEvent): Promise<InboxOutcome> {
    const payload = event.payload as InboxPayload;
    try {
      await apply(event, payload);
      return { status: "done" };
    } catch (error) {
      const code = isBotError(error) ? error.code : "unexpected";
      const log = { eventId: event.eventId, kind: event.kind, attempts: event.attempts, code };
      if (isBotError(error, "platform.not_in_channel") || isBotError(error, "platform.missing_scope")) {
        deps.logger.warn(log, "cannot read the tagged message");
        if ("user" in payload && "channel" in payload) {
          await deps.chat
            .notifyUser(event.workspace, payload.channel, payload.user, INVITE_HINT)
            .catch((e: unknown) => {
              deps.logger.warn(
                { ...log, hintError: isBotError(e) ? e.code : "unexpected" },
                "could not send the invite hint",
              );
            });
        }
        return { status: "failed", errorCode: code };
      }
      const rateLimited =
        isBotError(error, "platform.rate_limited") &&
        deps.clock.now() - event.receivedAtMs < RATE_LIMIT_GIVE_UP_MS;
      if (error instanceof BotError && error.retryable && (rateLimited || event.attempts < MAX_ATTEMPTS)) {
        const wait = error.retryAfterMs ?? (rateLimited ? DEFAULT_RETRY_AFTER_MS : backoffMs(event.attempts));
        deps.logger.info({ ...log, retryInMs: wait }, "will retry the event");
        return { status: "retry", notBeforeMs: deps.clock.now() + wait, errorCode: code };
      }
      deps.logger.error({ ...log, err: error instanceof BotError ? undefined : error }, "event failed");
      return { status: "failed", errorCode: code };
    }
  };
}

function toHighlight(key: MessageKey, message: FetchedMessage, tag: Tag): Highlight {
  return {
    id: highlightId(key.channelId, key.ts),
    workspace: key.workspace,
    channelId: key.channelId,
    channelName: message.channelName,
    private: message.private,
    ts: key.ts,
    postedAtMs: message.postedAtMs,
    authorId: message.authorId,
    authorName: message.authorName,
    text: message.text,
    section: tag.section,
    tags: [tag],
    permalink: message.permalink,
    threadTs: message.threadTs,
  };
}

export type ProcessEvent = ReturnType<typeof createProcessEvent>;
