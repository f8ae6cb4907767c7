import { type Activity, type CloudAdapter, type ConversationReference, TeamsInfo } from "botbuilder";
import { BotError } from "../../src/domain/errors.ts";
import type { PostedRef } from "../../src/domain/message-ref.ts";
import type { ReviewView } from "../../src/domain/outcomes.ts";
import type { ChatPlatform, ConversationInfo, FetchedMessage } from "../../src/ports/chat.ts";
import type { Clock } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { ConversationReferenceStore } from "../../src/ports/store.ts";
import { type ActivityPlace, storedReference, threadConversationId } from "./activity-ids.ts";
import { cardAttachment, noteCards, reviewCards } from "./cards.ts";
import { connectorError } from "./connector-errors.ts";
import { htmlToText } from "./html-text.ts";
import { noticeMessages, reviewStatusLine } from "./presenter.ts";

/** What we keep of a Teams conversation, as the `reference` of a stored ConversationReference. */
export interface StoredConversation {
  /** botbuilder's conversation reference for proactive posts (the channel, not a thread). */
  readonly reference: Partial<ConversationReference>;
  readonly name: string | undefined;
  readonly private: boolean;
  readonly conversationType: ActivityPlace["conversationType"];
  readonly teamGroupId: string | undefined;
  /** The Teams team id of a channel (`19:…`), when known. */
  readonly teamId?: string | undefined;
}

/** Teams' ChatPlatform, plus what the activity handler feeds it. */
export interface TeamsChat extends ChatPlatform {
  /**
   * Stores the conversation's reference from an incoming activity (SPEC §4: proactive posts come
   * from a reference in the database, with the latest tenant-carrying serviceUrl). Writes only
   * when something changed since this process last stored it. The activity's serviceUrl is also
   * kept as its tenant's latest: posts to the tenant's other conversations use it from now on.
   */
  remember(place: ActivityPlace, reference: Partial<ConversationReference>): Promise<void>;
  /** Keeps a person's display name seen on an activity, for personName. */
  rememberPerson(workspace: string, userId: string, name: string | undefined): void;
  /** A display name seen on an activity in this process ("an approver" when none was). */
  nameOf(workspace: string): (userId: string) => string;
  /** The stored conversation, or undefined when the bot never heard from it. */
  stored(workspace: string, conversationId: string): Promise<StoredConversation | undefined>;
}

export interface TeamsChatDeps {
  readonly adapter: CloudAdapter;
  /** The bot's Microsoft App ID (proactive calls are made as it; CASES C12). */
  readonly appId: string;
  readonly references: ConversationReferenceStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

const PERSON_CACHE_LIMIT = 5_000;

/**
 * Teams through the Bot Connector (SPEC §4). Every post is proactive, from the reference stored
 * for its conversation; the connector's errors are mapped in connector-errors.ts (`platform.blocked`
 * when the bot was removed or blocked). Teams hands a message's content over with each capture
 * (message action, mention, Graph sweep), so there is no fetch by id: fetchMessage answers
 * undefined.
 */
export function createTeamsChat(deps: TeamsChatDeps): TeamsChat {
  const names = new Map<string, string>();
  const remembered = new Map<string, string>();
  /**
   * The serviceUrl of the latest activity from each tenant. Teams gives a tenant one serviceUrl for
   * all its conversations (`https://smba.trafficmanager.net/<region>/<tenant>/`), and it may change
   * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#base-uri):
   * a post to a conversation not heard from since goes to the latest one heard from the tenant.
   */
  const serviceUrls = new Map<string, string>();
  const key = (workspace: string, id: string) => JSON.stringify([workspace, id]);

  async function stored(workspace: string, conversationId: string): Promise<StoredConversation | undefined> {
    const found = await deps.references.getConversationReference("teams", workspace, conversationId);
    return found ? (found.reference as unknown as StoredConversation) : undefined;
  }

  function withLatestServiceUrl(
    workspace: string,
    reference: Partial<ConversationReference>,
  ): Partial<ConversationReference> {
    const latest = serviceUrls.get(workspace);
    return latest ? { ...reference, serviceUrl: latest } : reference;
  }

  async function referenceFor(
    workspace: string,
    conversationId: string,
    threadId?: string,
  ): Promise<Partial<ConversationReference>> {
    const conversation = await stored(workspace, conversationId);
    if (!conversation) {
      throw new BotError("platform.not_found", "The bot has not been added to that Teams conversation", {
        hint: "Add the Weeknotes app to the team (or mention @Weeknotes there once), then try again",
      });
    }
    const reference = withLatestServiceUrl(workspace, conversation.reference);
    if (threadId === undefined || conversation.conversationType !== "channel") {
      return reference;
    }
    return {
      ...reference,
      conversation: {
        ...(reference.conversation as ConversationReference["conversation"]),
        id: threadConversationId(conversationId, threadId),
      },
    };
  }

  /** Sends activities in order; returns their ids. */
  async function send(
    workspace: string,
    conversationId: string,
    activities: readonly Partial<Activity>[],
    threadId?: string,
  ): Promise<string[]> {
    const reference = await referenceFor(workspace, conversationId, threadId);
    const ids: string[] = [];
    try {
      await deps.adapter.continueConversationAsync(deps.appId, reference, async (context) => {
        for (const activity of activities) {
          const sent = await context.sendActivity(activity);
          ids.push(sent?.id ?? "");
        }
      });
    } catch (error) {
      throw connectorError(error, "a post");
    }
    return ids;
  }

  /** Posts the first activity, then the rest as replies in its thread (in a chat: after it). */
  async function postParts(
    workspace: string,
    conversationId: string,
    activities: readonly Partial<Activity>[],
  ): Promise<PostedRef> {
    const [first, ...rest] = activities;
    if (!first) {
      throw new BotError("unexpected", "Nothing to post");
    }
    const [id = ""] = await send(workspace, conversationId, [first]);
    if (rest.length > 0) {
      await send(workspace, conversationId, rest, id);
    }
    return { platform: "teams", conversationId, messageId: id };
  }

  const cardMessage = (card: object): Partial<Activity> => ({
    type: "message",
    attachments: [cardAttachment(card)],
  });

  function reviewActivities(view: ReviewView): Partial<Activity>[] {
    const { card, continuation } = reviewCards(
      view,
      reviewStatusLine(view.status, nameOf(view.weeknote.workspace)),
    );
    return [card, ...continuation].map(cardMessage);
  }

  /**
   * A channel's name from the Bot Connector's channel list of its team (messages carry no channel
   * name; https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context#get-the-list-of-channels-in-a-team),
   * stored with the conversation once found. The General channel has the team's id and no name.
   */
  async function channelName(workspace: string, found: StoredConversation, conversationId: string) {
    const teamId = found.teamId;
    if (found.conversationType !== "channel" || teamId === undefined) {
      return undefined;
    }
    if (conversationId === teamId) {
      return "General";
    }
    let name: string | undefined;
    try {
      const reference = withLatestServiceUrl(workspace, found.reference);
      await deps.adapter.continueConversationAsync(deps.appId, reference, async (context) => {
        const channels = await TeamsInfo.getTeamChannels(context, teamId);
        name = channels.find((c) => c.id === conversationId)?.name ?? undefined;
      });
    } catch (error) {
      deps.logger.info({ code: connectorError(error, "a channel list").code }, "channel name unknown");
      return undefined;
    }
    if (name !== undefined) {
      await save(workspace, conversationId, { ...found, name });
    }
    return name;
  }

  async function conversation(workspace: string, conversationId: string): Promise<ConversationInfo> {
    const found = await stored(workspace, conversationId);
    if (!found) {
      return { name: conversationId, private: true };
    }
    const name =
      found.name ??
      (await channelName(workspace, found, conversationId)) ??
      (found.conversationType === "personal" ? "direct message" : "Teams chat");
    return { name, private: found.private };
  }

  async function save(workspace: string, conversationId: string, value: StoredConversation): Promise<void> {
    await deps.references.saveConversationReference({
      platform: "teams",
      workspace,
      conversationId,
      reference: JSON.parse(JSON.stringify(value)) as Record<string, unknown>,
      updatedAtMs: deps.clock.now(),
    });
  }

  const nameOf = (workspace: string) => (user: string) => names.get(key(workspace, user)) ?? "an approver";

  async function personName(workspace: string, userId: string): Promise<string> {
    return names.get(key(workspace, userId)) ?? userId;
  }

  return {
    platform: "teams",

    async fetchMessage() {
      deps.logger.debug({ platform: "teams" }, "Teams has no message fetch for bots; nothing fetched");
      return undefined;
    },

    async describeMessage(ref, content): Promise<FetchedMessage> {
      const [where, authorName] = await Promise.all([
        conversation(ref.workspace, ref.conversationId),
        content.authorName ??
          (content.authorId ? personName(ref.workspace, content.authorId) : Promise.resolve("someone")),
      ]);
      return {
        conversationName: where.name,
        private: where.private,
        messageId: ref.messageId,
        threadId: ref.threadId,
        authorId: content.authorId,
        authorName,
        text: htmlToText(content.rawText),
        fromBot: content.fromBot,
        permalink: content.permalink,
        postedAtMs: content.postedAtMs,
      };
    },

    async decodeText(_workspace, rawText) {
      return htmlToText(rawText);
    },

    conversation,
    personName,

    async tell(workspace, to, notice) {
      await send(workspace, to.conversationId, noticeMessages(notice), to.threadId);
    },

    async postReview(view) {
      const channel = view.team.reviewChannel;
      if (channel === undefined) {
        throw new BotError("platform.not_found", `Team ${view.team.team} has no review channel`, {
          hint: "Choose where drafts go for approval: send `settings` to the bot",
        });
      }
      return postParts(view.weeknote.workspace, channel, reviewActivities(view));
    },

    async updateReview(view, ref) {
      const [first, ...rest] = reviewActivities(view);
      if (!first) {
        return;
      }
      const reference = await referenceFor(view.weeknote.workspace, ref.conversationId);
      try {
        await deps.adapter.continueConversationAsync(deps.appId, reference, async (context) => {
          await context.updateActivity({ ...first, id: ref.messageId });
        });
      } catch (error) {
        throw connectorError(error, "an update of the review card");
      }
      // A new revision that runs long continues in the thread; an outcome changes only the card.
      if (view.status.kind === "open" && rest.length > 0) {
        await send(view.weeknote.workspace, ref.conversationId, rest, ref.messageId);
      }
    },

    async publish(team, weeknote, revision) {
      const channel = team.publishChannel ?? team.reviewChannel;
      if (channel === undefined) {
        throw new BotError("platform.not_found", `Team ${team.team} has no publish channel`, {
          hint: "Choose where approved notes go: send `settings` to the bot",
        });
      }
      return postParts(weeknote.workspace, channel, noteCards(team, weeknote, revision).map(cardMessage));
    },

    async remember(place, reference) {
      if (reference.serviceUrl) {
        serviceUrls.set(place.workspace, reference.serviceUrl);
      }
      const value: StoredConversation = {
        reference: storedReference(reference, place),
        name: place.conversationName,
        private: place.private,
        conversationType: place.conversationType,
        teamGroupId: place.teamGroupId,
        teamId: place.teamId,
      };
      const json = JSON.stringify(value);
      const k = key(place.workspace, place.conversationId);
      if (remembered.get(k) === json) {
        return;
      }
      // A channel message carries neither the channel's name nor the team's Graph group id (install
      // and team events do): keep the ones known.
      const before =
        value.name === undefined || value.teamGroupId === undefined || value.teamId === undefined
          ? await stored(place.workspace, place.conversationId)
          : undefined;
      await save(place.workspace, place.conversationId, {
        ...value,
        name: value.name ?? before?.name,
        teamGroupId: value.teamGroupId ?? before?.teamGroupId,
        teamId: value.teamId ?? before?.teamId,
      });
      remembered.set(k, json);
    },

    rememberPerson(workspace, userId, name) {
      if (!name) {
        return;
      }
      if (names.size >= PERSON_CACHE_LIMIT) {
        names.clear();
      }
      names.set(key(workspace, userId), name);
    },

    stored,
    nameOf,
  };
}
