/**
 * The Teams reaction sweep (SPEC §4, capture path 3; CASES C10). Teams tells a bot only about
 * reactions on the bot's own messages, so emoji tags on people's channel posts are found by reading
 * the team's channels through Microsoft Graph (resource-specific consent
 * `ChannelMessage.Read.Group`), hourly and just before a team's draft, when the admin turned it on
 * (TEAMS_REACTION_SWEEP). What it sees becomes the platform-neutral inbox commands of
 * src/domain/inbox-command.ts, recorded through the core's CommandRecorder; the inbox worker does
 * the rest, as for every other platform event.
 *
 * Per channel, one round of change tracking (https://learn.microsoft.com/graph/api/chatmessage-delta):
 * from the channel's stored `@odata.deltaLink` (cursor `teams-sweep:<workspace>:<channel id>`), or
 * on a first run (or when Graph says the link can no longer be used: 410 / resync) from the reply
 * chains changed in the last eight days (a week and a day: `$filter=lastModifiedDateTime gt …`).
 * Delta gives root messages only, so the replies of each changed root are read too
 * (https://learn.microsoft.com/graph/api/chatmessage-list-replies); `$filter` returns a whole reply
 * chain when any message of it changed. Each message (root or reply) becomes:
 * - nothing when it is not a person's message: `messageType` other than `message`, no `from.user`
 *   (a bot, an app, a system event), or from our own app (`from.application.id` = appId): the
 *   bot's own cards are never highlights and reactions on them never count (C10);
 * - `message_deleted` when `deletedDateTime` is set and it is a highlight;
 * - `message_edited` (rawText = the new HTML body) when it is a highlight and was edited
 *   (`lastEditedDateTime`);
 * - `tag_removed` for each of the highlight's reaction tags (`via: "reaction"`) no longer among its
 *   reactions;
 * - `tag_added`, with the message as `content` (HTML body, author, posted time, web URL), for each
 *   person's reaction (`user.user.id`, the AAD object id) the highlight does not have yet, named by
 *   graphReactionName (adapters/teams/graph-reactions.ts). Reactions by apps are ignored.
 *
 * Event ids make a retry, an overlapping or a repeated sweep record nothing twice, and a reaction
 * added again after being removed count again:
 * `graph:<conversation id>/<message id>:<user>:<reaction>:added:<reaction createdDateTime>`,
 * `…:<user>:<reaction>:removed:<message lastModifiedDateTime>`, `…:edited:<lastEditedDateTime>`,
 * `…:deleted`. The new delta link is saved only after every command of the round was recorded: a
 * sweep cut short (a crash, a rate limit) starts again from the old cursor, and what it records
 * again is a duplicate. One channel failing never stops the others; {@link SweepReport} says how
 * each went.
 *
 * Known limit: a reaction taken off while its `tag_added` still waits in the inbox is seen as a
 * removal only if the message changes again later.
 */
import { randomUUID } from "node:crypto";
import type { CommandRecorder } from "../../src/app/record-command.ts";
import { asBotError, type BotErrorCode, isBotError } from "../../src/domain/errors.ts";
import { type Highlight, isSameTag } from "../../src/domain/highlight.ts";
import type { InboxCommand, MessageContent } from "../../src/domain/inbox-command.ts";
import { highlightIdOf, type MessageRef } from "../../src/domain/message-ref.ts";
import type { Clock } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { HighlightStore, SweepCursorStore } from "../../src/ports/store.ts";
import { type DeltaStart, type GraphChatMessage, type GraphClient, needsResync } from "./graph-client.ts";
import { graphReactionName } from "./graph-reactions.ts";

/** How far back a channel's first sweep reads: a week and a day, ms. */
export const FIRST_SWEEP_LOOKBACK_MS = 8 * 24 * 3_600_000;

/** The cursor name of a channel's delta link. */
export function sweepCursorName(workspace: string, channelId: string): string {
  return `teams-sweep:${workspace}:${channelId}`;
}

/** The Graph calls the sweep makes. */
export type SweepGraph = Pick<GraphClient, "listChannels" | "deltaPages" | "listReplies">;

export interface ReactionSweepDeps {
  /**
   * Graph, or Graph for a workspace: an app-only token is issued by the tenant whose data it
   * reads (login.microsoftonline.com/<tenant id>), so a multi-tenant app needs a client (and a
   * token) per tenant; Graph also throttles per app and tenant, which a client per tenant follows.
   */
  readonly graph: SweepGraph | ((workspace: string) => SweepGraph);
  readonly record: Pick<CommandRecorder, "record">;
  readonly highlights: Pick<HighlightStore, "getHighlight">;
  readonly cursors: SweepCursorStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Our Microsoft app id (MICROSOFT_APP_ID): messages posted by it are never highlights. */
  readonly appId: string;
  /**
   * Whether some team of the workspace tags with this emoji name (the core's emoji maps); a
   * reaction it refuses is not recorded. Default: every reaction is recorded and capture decides.
   */
  readonly isTagEmoji?: (workspace: string, reaction: string) => Promise<boolean>;
  /** A correlation id per channel round; default a random UUID. */
  readonly newId?: () => string;
  /** How far back a first round reads, ms; default {@link FIRST_SWEEP_LOOKBACK_MS}. */
  readonly firstLookbackMs?: number;
}

/** What to sweep: one Teams team of one tenant. */
export interface SweepTarget {
  /** The tenant id (the Teams workspace). */
  readonly workspace: string;
  /** The team's Microsoft 365 group id (`channelData.team.aadGroupId`). */
  readonly groupId: string;
  /** Only these channels (`19:…@thread.tacv2`); every channel of the team when absent. */
  readonly channelIds?: readonly string[];
}

export interface ChannelSweepReport {
  readonly channelId: string;
  readonly ok: boolean;
  /** `cursor`: from the stored delta link; `window`: the first-run window (also after a resync). */
  readonly from: "cursor" | "window";
  /** Messages read (roots and replies). */
  readonly messages: number;
  /** Commands newly recorded, and already recorded before (duplicates). */
  readonly recorded: number;
  readonly duplicates: number;
  /** When not ok: the BotError code, and how long a rate limit asked to wait. */
  readonly errorCode?: BotErrorCode;
  readonly retryAfterMs?: number;
}

export interface SweepReport {
  readonly workspace: string;
  readonly groupId: string;
  readonly channels: readonly ChannelSweepReport[];
  /** Set when the team's channels could not be listed (then no channel was swept). */
  readonly errorCode?: BotErrorCode;
}

export interface ReactionSweep {
  /**
   * Sweeps a team's channels once, one after the other. Never throws for a Graph or store failure:
   * each channel's outcome is in the report (its cursor unchanged when it failed).
   */
  sweep(target: SweepTarget): Promise<SweepReport>;
}

interface Pending {
  readonly command: InboxCommand;
  readonly eventId: string;
}

interface Counts {
  messages: number;
  recorded: number;
  duplicates: number;
}

export function createReactionSweep(deps: ReactionSweepDeps): ReactionSweep {
  const newId = deps.newId ?? randomUUID;
  const graphOf = (workspace: string): SweepGraph =>
    typeof deps.graph === "function" ? deps.graph(workspace) : deps.graph;
  const lookbackMs = deps.firstLookbackMs ?? FIRST_SWEEP_LOOKBACK_MS;
  // One round per cursor at a time in this process (an hourly sweep meeting a pre-draft one).
  const running = new Map<string, Promise<unknown>>();

  function isPersonMessage(message: GraphChatMessage): boolean {
    return (
      message.messageType === "message" &&
      typeof message.from?.user?.id === "string" &&
      message.from.application?.id !== deps.appId
    );
  }

  /** The commands one message calls for, given its highlight (if it is one). */
  async function commandsOf(
    workspace: string,
    ref: MessageRef,
    message: GraphChatMessage,
    highlight: Highlight | undefined,
  ): Promise<Pending[]> {
    const id = highlightIdOf(ref);
    const base = { platform: "teams", workspace, ref } as const;
    if (message.deletedDateTime) {
      return highlight
        ? [{ command: { kind: "message_deleted", ...base }, eventId: `graph:${id}:deleted` }]
        : [];
    }
    const out: Pending[] = [];
    const rawText = htmlOf(message);
    if (highlight && message.lastEditedDateTime) {
      out.push({
        command: { kind: "message_edited", ...base, rawText },
        eventId: `graph:${id}:edited:${message.lastEditedDateTime}`,
      });
    }
    const reactions = reactionsOf(message);
    const changedAt = message.lastModifiedDateTime ?? message.etag ?? message.createdDateTime;
    for (const tag of highlight?.tags ?? []) {
      if (tag.via === "reaction" && !reactions.some((r) => isSameTag(r, tag))) {
        out.push({
          command: { kind: "tag_removed", ...base, user: tag.user, reaction: tag.reaction },
          eventId: `graph:${id}:${tag.user}:${tag.reaction}:removed:${changedAt}`,
        });
      }
    }
    const content = contentOf(message);
    for (const reaction of reactions) {
      if (highlight?.tags.some((t) => isSameTag(t, reaction))) {
        continue;
      }
      if (deps.isTagEmoji && !(await deps.isTagEmoji(workspace, reaction.reaction))) {
        continue;
      }
      out.push({
        command: { kind: "tag_added", ...base, user: reaction.user, reaction: reaction.reaction, content },
        eventId: `graph:${id}:${reaction.user}:${reaction.reaction}:added:${reaction.at ?? changedAt}`,
      });
    }
    return out;
  }

  async function sweepMessage(
    workspace: string,
    channelId: string,
    message: GraphChatMessage,
    threadId: string | undefined,
    counts: Counts,
    correlationId: string,
  ): Promise<void> {
    counts.messages += 1;
    if (!isPersonMessage(message)) {
      return;
    }
    if (Number.isNaN(Date.parse(message.createdDateTime))) {
      deps.logger.warn(
        { channelId, messageId: message.id },
        "Graph message without a readable time; skipped",
      );
      return;
    }
    const ref: MessageRef = {
      platform: "teams",
      workspace,
      conversationId: channelId,
      messageId: message.id,
      ...(threadId === undefined ? {} : { threadId }),
    };
    const highlight = await deps.highlights.getHighlight(workspace, highlightIdOf(ref));
    for (const { command, eventId } of await commandsOf(workspace, ref, message, highlight)) {
      const result = await deps.record.record(command, { eventId, correlationId });
      if (result === "recorded") {
        counts.recorded += 1;
      } else {
        counts.duplicates += 1;
      }
    }
  }

  /** One round from `start`; saves the new delta link when every page was recorded. */
  async function round(
    target: SweepTarget,
    channelId: string,
    start: DeltaStart,
    counts: Counts,
  ): Promise<void> {
    const correlationId = `graph-sweep:${newId()}`;
    let deltaLink: string | undefined;
    const graph = graphOf(target.workspace);
    for await (const page of graph.deltaPages(start)) {
      for (const root of page.messages) {
        // Delta lists root messages; a reply found there anyway is taken as one.
        const rootThread = root.replyToId ?? undefined;
        await sweepMessage(target.workspace, channelId, root, rootThread, counts, correlationId);
        if (rootThread === undefined) {
          for (const reply of await repliesOf(graph, target.groupId, channelId, root.id)) {
            const thread = reply.replyToId ?? root.id;
            await sweepMessage(target.workspace, channelId, reply, thread, counts, correlationId);
          }
        }
      }
      deltaLink = page.deltaLink ?? deltaLink;
    }
    if (deltaLink !== undefined) {
      await deps.cursors.saveCursor(
        sweepCursorName(target.workspace, channelId),
        deltaLink,
        deps.clock.now(),
      );
    }
  }

  async function repliesOf(
    graph: SweepGraph,
    groupId: string,
    channelId: string,
    messageId: string,
  ): Promise<GraphChatMessage[]> {
    try {
      return await graph.listReplies(groupId, channelId, messageId);
    } catch (error) {
      // A root deleted for good has no replies to read.
      if (isBotError(error, "platform.not_found")) {
        return [];
      }
      throw error;
    }
  }

  async function sweepChannel(target: SweepTarget, channelId: string): Promise<ChannelSweepReport> {
    const counts: Counts = { messages: 0, recorded: 0, duplicates: 0 };
    const name = sweepCursorName(target.workspace, channelId);
    const fromWindow = (): DeltaStart => ({
      groupId: target.groupId,
      channelId,
      sinceMs: deps.clock.now() - lookbackMs,
    });
    let from: ChannelSweepReport["from"] = "window";
    try {
      const cursor = await deps.cursors.getCursor(name);
      from = cursor === undefined ? "window" : "cursor";
      try {
        await round(target, channelId, cursor === undefined ? fromWindow() : { deltaLink: cursor }, counts);
      } catch (error) {
        if (cursor === undefined || !needsResync(error)) {
          throw error;
        }
        deps.logger.warn({ channelId }, "Graph delta link expired; reading the channel's last days again");
        from = "window";
        await round(target, channelId, fromWindow(), counts);
      }
      deps.logger.info({ channelId, from, ...counts }, "Teams channel swept for reactions");
      return { channelId, ok: true, from, ...counts };
    } catch (error) {
      const failure = asBotError(error);
      deps.logger.warn({ channelId, from, code: failure.code, ...counts }, "Teams channel sweep failed");
      return {
        channelId,
        ok: false,
        from,
        ...counts,
        errorCode: failure.code,
        ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
      };
    }
  }

  /** Runs `work` after any round already running on the same cursor in this process. */
  async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = running.get(key) ?? Promise.resolve();
    const mine = before.then(work, work);
    const settled = mine.catch(() => undefined);
    running.set(key, settled);
    try {
      return await mine;
    } finally {
      if (running.get(key) === settled) {
        running.delete(key);
      }
    }
  }

  return {
    async sweep(target) {
      let channelIds: readonly string[];
      if (target.channelIds !== undefined) {
        channelIds = target.channelIds;
      } else {
        try {
          channelIds = (await graphOf(target.workspace).listChannels(target.groupId)).map((c) => c.id);
        } catch (error) {
          const failure = asBotError(error);
          deps.logger.warn(
            { groupId: target.groupId, code: failure.code },
            "Could not list the team's channels",
          );
          return {
            workspace: target.workspace,
            groupId: target.groupId,
            channels: [],
            errorCode: failure.code,
          };
        }
      }
      const channels: ChannelSweepReport[] = [];
      for (const channelId of channelIds) {
        channels.push(
          await oneAtATime(sweepCursorName(target.workspace, channelId), () =>
            sweepChannel(target, channelId),
          ),
        );
      }
      return { workspace: target.workspace, groupId: target.groupId, channels };
    },
  };
}

/** The people's reactions of a message, named, one per (user, name), earliest first. */
function reactionsOf(
  message: GraphChatMessage,
): { readonly user: string; readonly reaction: string; readonly at: string | undefined }[] {
  const out: { user: string; reaction: string; at: string | undefined }[] = [];
  for (const reaction of message.reactions ?? []) {
    const user = reaction.user?.user?.id;
    const name = graphReactionName(reaction);
    if (!user || reaction.user?.application || name === undefined) {
      continue;
    }
    if (!out.some((r) => r.user === user && r.reaction === name)) {
      out.push({ user, reaction: name, at: reaction.createdDateTime ?? undefined });
    }
  }
  return out;
}

/** The body as HTML (the Teams adapter's markup): a `text` body is escaped. */
function htmlOf(message: GraphChatMessage): string {
  const content = message.body?.content ?? "";
  return message.body?.contentType === "text"
    ? content.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    : content;
}

function contentOf(message: GraphChatMessage): MessageContent {
  const author = message.from?.user;
  return {
    rawText: htmlOf(message),
    ...(author?.id ? { authorId: author.id } : {}),
    ...(author?.displayName ? { authorName: author.displayName } : {}),
    postedAtMs: Date.parse(message.createdDateTime),
    ...(message.webUrl ? { permalink: message.webUrl } : {}),
    fromBot: false,
  };
}
