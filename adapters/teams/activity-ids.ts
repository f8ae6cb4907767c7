import type { Activity, ConversationReference } from "botbuilder";

/**
 * Where an activity happened, in our words (SPEC §2): the workspace is the Microsoft 365 tenant;
 * a channel's conversation id is the channel id (`19:…@thread.tacv2`) without the
 * `;messageid=<root>` suffix Teams adds inside a thread, which becomes the thread id.
 * Source: https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/channel-and-group-conversations
 */
export interface ActivityPlace {
  /** Tenant id (`conversation.tenantId`, else `channelData.tenant.id`). */
  readonly workspace: string;
  /** Channel id, group chat id or personal chat id (`a:…`). */
  readonly conversationId: string;
  /** Root message id when the activity is inside a channel thread. */
  readonly threadId: string | undefined;
  readonly conversationType: "channel" | "groupChat" | "personal";
  /** The channel's name when Teams gave it (channelData.channel.name). */
  readonly conversationName: string | undefined;
  /** A private or shared channel, a group chat or a personal chat. */
  readonly private: boolean;
  /** The Microsoft 365 group id of the team (Graph's team id), when Teams gave it. */
  readonly teamGroupId: string | undefined;
  /** The Teams team id (`19:…`, its General channel's id), when Teams gave it. */
  readonly teamId: string | undefined;
}

interface TeamsChannelData {
  /**
   * What a conversationUpdate, messageUpdate or messageDelete is about: `editMessage`,
   * `undeleteMessage` (messageUpdate), `softDeleteMessage` (messageDelete), `teamMemberAdded`…
   */
  readonly eventType?: string;
  readonly tenant?: { readonly id?: string };
  readonly channel?: { readonly id?: string; readonly name?: string; readonly membershipType?: string };
  readonly team?: { readonly id?: string; readonly aadGroupId?: string; readonly name?: string };
}

const THREAD_SUFFIX = ";messageid=";

/** The channel data Teams puts on an activity, or an empty object. */
export function channelDataOf(activity: Partial<Activity>): TeamsChannelData {
  const data = activity.channelData as unknown;
  return typeof data === "object" && data !== null ? (data as TeamsChannelData) : {};
}

/** A conversation id split into the conversation and the thread it names, if any. */
export function splitConversationId(id: string): { conversationId: string; threadId: string | undefined } {
  const at = id.indexOf(THREAD_SUFFIX);
  return at < 0
    ? { conversationId: id, threadId: undefined }
    : { conversationId: id.slice(0, at), threadId: id.slice(at + THREAD_SUFFIX.length) || undefined };
}

/** The conversation id Teams expects for a reply inside a channel thread. */
export function threadConversationId(conversationId: string, threadId: string): string {
  return `${conversationId}${THREAD_SUFFIX}${threadId}`;
}

/** @returns undefined when the activity names no tenant or conversation (not from Teams). */
export function placeOf(activity: Partial<Activity>): ActivityPlace | undefined {
  const data = channelDataOf(activity);
  const workspace = activity.conversation?.tenantId ?? data.tenant?.id;
  const rawId = activity.conversation?.id;
  if (!workspace || !rawId) {
    return undefined;
  }
  const split = splitConversationId(rawId);
  const kind = activity.conversation?.conversationType;
  const conversationType = kind === "personal" || kind === "groupChat" ? kind : "channel";
  const membership = data.channel?.membershipType;
  return {
    workspace,
    conversationId: split.conversationId,
    threadId: split.threadId ?? (conversationType === "channel" ? rootOfReply(activity) : undefined),
    conversationType,
    conversationName: data.channel?.name,
    private: conversationType !== "channel" || membership === "private" || membership === "shared",
    teamGroupId: data.team?.aadGroupId,
    teamId: data.team?.id,
  };
}

function rootOfReply(activity: Partial<Activity>): string | undefined {
  return activity.type === "message" && activity.replyToId ? activity.replyToId : undefined;
}

/** The person who sent an activity: their Entra object id, else their Teams id (`29:…`). */
export function personOf(activity: Partial<Activity>): { id: string; name: string | undefined } | undefined {
  const from = activity.from;
  const id = from?.aadObjectId ?? from?.id;
  return id ? { id, name: from?.name || undefined } : undefined;
}

/**
 * The reference to store for proactive posts to a conversation: the channel itself (a post there
 * starts a new thread), with the tenant-carrying `serviceUrl` of the latest activity.
 */
export function storedReference(
  reference: Partial<ConversationReference>,
  place: ActivityPlace,
): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      ...reference,
      activityId: undefined,
      conversation: { ...reference.conversation, id: place.conversationId },
      user: undefined,
    }),
  ) as Record<string, unknown>;
}
