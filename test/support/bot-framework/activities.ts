/**
 * Teams activities as Teams sends them to a bot's `/api/messages`, for end-to-end tests. The shapes
 * follow Microsoft's published payloads and public captures, quirks included:
 * - channel posts: `conversation.id` is `<channel>;messageid=<root id>` (msteams-docs "Channel and
 *   group chat conversations": "The reply chain ID, consisting of channel ID plus the ID of the
 *   first message in the reply chain"), `text` holds `<at>Bot</at>` (sometimes with a trailing
 *   newline), the HTML body comes again as a `text/html` attachment (MicrosoftDocs/msteams-docs#3960),
 *   `entities` carry the mention and a `clientInfo`, `channelData` the team, channel and tenant
 *   (also as `teamsTeamId` / `teamsChannelId`);
 * - replies in a thread carry the root id in `conversation.id`, and `replyToId` only sometimes
 *   (openclaw/openclaw#129345: "replyToId is explicitly not guaranteed");
 * - `invoke` `adaptiveCard/action` from a real client may carry no `verb`: only `action.data`;
 * - the "Add to weeknotes" message action is `composeExtension/fetchTask` then
 *   `composeExtension/submitAction`, both with `value.commandContext: "message"` and the whole
 *   message in `value.messagePayload` (HTML body, `from.user`, `mentions`, `reactions`,
 *   `linkToMessage`) (msteams-docs "Create and send dialogs", "Respond to the dialog submit action");
 * - `messageReaction` (only for reactions on the bot's own messages) names the message in
 *   `replyToId` (older captures: only an opaque `channelData.legacy.replyToId`), types like `like` or
 *   `1f44b_wavinghand`, and no message text; `reactionsAdded`/`reactionsRemoved` may be absent;
 * - `installationUpdate` (`action: add | remove`) and `conversationUpdate` with
 *   `channelData.eventType: teamMemberAdded` when the app is added to a team.
 *
 * Ids are made by the factory: message ids count up like Teams' millisecond ids, invoke and event
 * ids are `f:<n>` as Teams gives them. Timestamps come from `now`, never the wall clock.
 */

export interface TeamsPerson {
  /** Bot Framework id, `29:…`. */
  readonly id: string;
  readonly name: string;
  /** AAD object id (Graph's user id), a GUID. */
  readonly aadObjectId: string;
}

export interface TeamsWorld {
  /** The activities' `serviceUrl`, exactly as the token's `serviceurl` claim (trailing slash). */
  readonly serviceUrl: string;
  readonly appId: string;
  readonly botName: string;
  readonly tenantId: string;
  /** The team's thread id, `19:…@thread.tacv2` (the General channel's id). */
  readonly teamId: string;
  readonly teamName: string;
  /** The team's Microsoft 365 group id (Graph's team id), a GUID. */
  readonly teamAadGroupId: string;
  /** The channel activities happen in, `19:…@thread.tacv2`. */
  readonly channelId: string;
  readonly channelName: string;
  /** Now, as an ISO-8601 UTC instant: every activity's timestamp. */
  readonly now: string;
}

export type Activity = Record<string, unknown> & { type: string; serviceUrl: string; channelId: string };

/** A message as `messagePayload` of a message action carries it. */
export interface MessagePayloadInput {
  readonly id: string;
  readonly html: string;
  readonly from: TeamsPerson;
  /** The root id when the message is a reply in a thread. */
  readonly replyToId?: string;
  readonly createdDateTime?: string;
  readonly mentions?: { id: number; mentionText: string; user: TeamsPerson }[];
  readonly reactions?: { reactionType: string; user: TeamsPerson; createdDateTime?: string }[];
}

export const DEFAULT_PEOPLE = {
  alice: {
    id: "29:1Alice0Pr2JKw8Wq4vX9sTqkzL3nYbE5cHdF6gGhIiJjKkLlMmNnOoPpQqRrSsTtUuVv",
    name: "Alice Example",
    aadObjectId: "a11ce000-0000-4000-8000-000000000001",
  },
  bob: {
    id: "29:1Bob00Qs3LKx9Xr5wY0tUrlaM4oZcF6dIeG7hHiJjKkLlMmNnOoPpQqRrSsTtUuVvWw",
    name: "Bob Example",
    aadObjectId: "b0b00000-0000-4000-8000-000000000002",
  },
} as const satisfies Record<string, TeamsPerson>;

export interface TeamsActivityFactory {
  readonly world: TeamsWorld;
  /** The bot as activities name it: `{ id: "28:<appId>", name }`. */
  readonly bot: { id: string; name: string };
  /** The next message id (Teams' are milliseconds; these count up). */
  nextMessageId(): string;
  /** A new post in the channel mentioning the bot: `<at>Bot</at> text`. The root of its own thread. */
  channelMention(
    text: string,
    options?: { from?: TeamsPerson; id?: string; trailingNewline?: boolean },
  ): Activity;
  /** A reply in the thread rooted at `rootId`, mentioning the bot unless `mention: false`. */
  threadReply(
    rootId: string,
    text: string,
    options?: { from?: TeamsPerson; id?: string; mention?: boolean; withReplyToId?: boolean },
  ): Activity;
  /** A message in the person's 1:1 chat with the bot (`conversation.id` `a:…`, `conversationType: personal`). */
  personalMessage(text: string, options?: { from?: TeamsPerson; id?: string }): Activity;
  /**
   * An `adaptiveCard/action` invoke from a card the bot posted (message `cardMessageId`, in the
   * thread `rootId`, default the same), `Action.Execute` with `data` and no `verb` unless given.
   */
  cardAction(
    cardMessageId: string,
    data: Record<string, unknown>,
    options?: { verb?: string; from?: TeamsPerson; rootId?: string; personal?: boolean; title?: string },
  ): Activity;
  /** The message action's `composeExtension/fetchTask` on `message`. */
  messageActionFetchTask(
    message: MessagePayloadInput,
    options?: { commandId?: string; from?: TeamsPerson },
  ): Activity;
  /** The message action's `composeExtension/submitAction` with the dialog's `data`. */
  messageActionSubmit(
    message: MessagePayloadInput,
    data: Record<string, unknown>,
    options?: { commandId?: string; from?: TeamsPerson },
  ): Activity;
  /** The app installed in (`add`) or removed from (`remove`) the team. */
  installationUpdate(action: "add" | "remove", options?: { from?: TeamsPerson }): Activity;
  /** The bot added to the team (`membersAdded: [bot]`, `eventType: teamMemberAdded`). */
  botAddedToTeam(options?: { from?: TeamsPerson }): Activity;
  /**
   * A reaction on the bot's message `messageId` (in the thread `rootId`, default the same).
   * `legacyOnly` names the message only in `channelData.legacy.replyToId`; `bare` leaves out both
   * `reactionsAdded` and `reactionsRemoved`.
   */
  messageReaction(
    messageId: string,
    reaction: string,
    options?: {
      removed?: boolean;
      from?: TeamsPerson;
      rootId?: string;
      legacyOnly?: boolean;
      bare?: boolean;
    },
  ): Activity;
}

/**
 * `channelData.legacy.replyToId` as captures show it: `1:` and an opaque token, not the message id
 * (so an activity carrying only this names no message the bot can look up).
 */
function legacyReplyToId(messageId: string): string {
  return `1:1${Buffer.from(`weeknotes-${messageId}`).toString("base64url")}`;
}

export function teamsActivities(world: TeamsWorld): TeamsActivityFactory {
  let messageCounter = 1_700_000_000_001;
  let eventCounter = 1;
  const bot = { id: `28:${world.appId}`, name: world.botName };
  const nextMessageId = () => String(messageCounter++);
  const nextEventId = () => `f:${String(eventCounter++).padStart(19, "0")}`;

  const from = (person: TeamsPerson) => ({
    id: person.id,
    name: person.name,
    aadObjectId: person.aadObjectId,
  });
  const clientInfo = {
    locale: "en-GB",
    country: "GB",
    platform: "Web",
    timezone: "Europe/London",
    type: "clientInfo",
  };
  const envelope = (type: string) => ({
    type,
    timestamp: world.now,
    localTimestamp: world.now.replace(/Z$/, "+00:00"),
    channelId: "msteams",
    serviceUrl: world.serviceUrl,
    recipient: bot,
    locale: "en-GB",
    localTimezone: "Europe/London",
  });
  const teamChannelData = (extra: Record<string, unknown> = {}) => ({
    teamsChannelId: world.channelId,
    teamsTeamId: world.teamId,
    channel: { id: world.channelId },
    team: { id: world.teamId },
    tenant: { id: world.tenantId },
    ...extra,
  });
  const channelConversation = (rootId: string) => ({
    isGroup: true,
    conversationType: "channel",
    tenantId: world.tenantId,
    id: `${world.channelId};messageid=${rootId}`,
  });
  const personalConversation = (person: TeamsPerson) => ({
    conversationType: "personal",
    tenantId: world.tenantId,
    id: `a:1${Buffer.from(person.aadObjectId).toString("base64url")}`,
  });
  const mentionOfBot = { mentioned: bot, text: `<at>${world.botName}</at>`, type: "mention" };

  function channelMessage(
    id: string,
    rootId: string,
    text: string,
    person: TeamsPerson,
    mention: boolean,
    extra: Record<string, unknown> = {},
  ): Activity {
    const plain = mention ? `<at>${world.botName}</at> ${text}` : text;
    return {
      ...envelope("message"),
      text: plain,
      textFormat: "plain",
      attachments: [{ contentType: "text/html", content: `<p>${plain}</p>` }],
      id,
      from: from(person),
      conversation: channelConversation(rootId),
      entities: mention ? [mentionOfBot, clientInfo] : [clientInfo],
      channelData: teamChannelData(),
      ...extra,
    };
  }

  function messagePayload(message: MessagePayloadInput) {
    const identity = (person: TeamsPerson) => ({
      device: null,
      conversation: null,
      user: { userIdentityType: "aadUser", id: person.aadObjectId, displayName: person.name },
      application: null,
    });
    const root = message.replyToId ?? message.id;
    return {
      linkToMessage: `https://teams.microsoft.com/l/message/${world.channelId}/${message.id}?tenantId=${world.tenantId}&groupId=${world.teamAadGroupId}&parentMessageId=${root}`,
      id: message.id,
      replyToId: message.replyToId ?? null,
      createdDateTime: message.createdDateTime ?? world.now,
      lastModifiedDateTime: null,
      deleted: false,
      subject: null,
      summary: null,
      importance: "normal",
      locale: "en-us",
      body: { contentType: "html", content: message.html },
      from: identity(message.from),
      reactions: (message.reactions ?? []).map((reaction) => ({
        reactionType: reaction.reactionType,
        createdDateTime: reaction.createdDateTime ?? world.now,
        user: identity(reaction.user),
      })),
      mentions: (message.mentions ?? []).map((mention) => ({
        id: mention.id,
        mentionText: mention.mentionText,
        mentioned: identity(mention.user),
      })),
      attachments: [],
    };
  }

  function messageAction(
    name: string,
    message: MessagePayloadInput,
    value: Record<string, unknown>,
    person: TeamsPerson,
  ): Activity {
    const root = message.replyToId ?? message.id;
    return {
      ...envelope("invoke"),
      name,
      id: nextEventId(),
      from: from(person),
      conversation: channelConversation(root),
      entities: [clientInfo],
      channelData: teamChannelData({ source: { name: "message" } }),
      value: {
        commandContext: "message",
        messagePayload: messagePayload(message),
        context: { theme: "default" },
        ...value,
      },
    };
  }

  return {
    world,
    bot,
    nextMessageId,
    channelMention(text, options = {}) {
      const id = options.id ?? nextMessageId();
      const activity = channelMessage(id, id, text, options.from ?? DEFAULT_PEOPLE.alice, true);
      if (options.trailingNewline) activity.text = `${String(activity.text)}\n`;
      return activity;
    },
    threadReply(rootId, text, options = {}) {
      const id = options.id ?? nextMessageId();
      const extra = options.withReplyToId === false ? {} : { replyToId: rootId };
      return channelMessage(
        id,
        rootId,
        text,
        options.from ?? DEFAULT_PEOPLE.alice,
        options.mention !== false,
        extra,
      );
    },
    personalMessage(text, options = {}) {
      const person = options.from ?? DEFAULT_PEOPLE.alice;
      return {
        ...envelope("message"),
        text,
        textFormat: "plain",
        attachments: [{ contentType: "text/html", content: `<p>${text}</p>` }],
        id: options.id ?? nextMessageId(),
        from: from(person),
        conversation: personalConversation(person),
        entities: [clientInfo],
        channelData: { tenant: { id: world.tenantId } },
      };
    },
    cardAction(cardMessageId, data, options = {}) {
      const person = options.from ?? DEFAULT_PEOPLE.alice;
      const action: Record<string, unknown> = {
        type: "Action.Execute",
        title: options.title ?? "Approve",
        data,
      };
      if (options.verb !== undefined) action.verb = options.verb;
      return {
        ...envelope("invoke"),
        name: "adaptiveCard/action",
        id: nextEventId(),
        from: from(person),
        conversation: options.personal
          ? personalConversation(person)
          : channelConversation(options.rootId ?? cardMessageId),
        entities: [clientInfo],
        channelData: options.personal
          ? { tenant: { id: world.tenantId }, source: { name: "message" } }
          : teamChannelData({
              source: { name: "message" },
              legacy: { replyToId: legacyReplyToId(cardMessageId) },
            }),
        replyToId: cardMessageId,
        value: { action, trigger: "manual" },
      };
    },
    messageActionFetchTask(message, options = {}) {
      return messageAction(
        "composeExtension/fetchTask",
        message,
        { commandId: options.commandId ?? "addToWeeknotes" },
        options.from ?? DEFAULT_PEOPLE.bob,
      );
    },
    messageActionSubmit(message, data, options = {}) {
      return messageAction(
        "composeExtension/submitAction",
        message,
        { commandId: options.commandId ?? "addToWeeknotes", data },
        options.from ?? DEFAULT_PEOPLE.bob,
      );
    },
    installationUpdate(action, options = {}) {
      return {
        ...envelope("installationUpdate"),
        action,
        id: nextEventId(),
        from: {
          id: (options.from ?? DEFAULT_PEOPLE.alice).id,
          aadObjectId: (options.from ?? DEFAULT_PEOPLE.alice).aadObjectId,
        },
        conversation: {
          isGroup: true,
          conversationType: "channel",
          tenantId: world.tenantId,
          id: world.teamId,
        },
        entities: [clientInfo],
        channelData: {
          settings: { selectedChannel: { id: world.channelId } },
          channel: { id: world.teamId },
          team: { id: world.teamId, name: world.teamName, aadGroupId: world.teamAadGroupId },
          tenant: { id: world.tenantId },
          source: { name: "message" },
        },
      };
    },
    botAddedToTeam(options = {}) {
      const person = options.from ?? DEFAULT_PEOPLE.alice;
      return {
        ...envelope("conversationUpdate"),
        membersAdded: [{ id: bot.id }],
        id: nextEventId(),
        from: { id: person.id, aadObjectId: person.aadObjectId },
        conversation: {
          isGroup: true,
          conversationType: "channel",
          tenantId: world.tenantId,
          id: world.teamId,
        },
        channelData: {
          team: { aadGroupId: world.teamAadGroupId, name: world.teamName, id: world.teamId },
          eventType: "teamMemberAdded",
          tenant: { id: world.tenantId },
        },
      };
    },
    messageReaction(messageId, reaction, options = {}) {
      const person = options.from ?? DEFAULT_PEOPLE.bob;
      const reactions = [{ type: reaction }];
      return {
        ...envelope("messageReaction"),
        ...(options.bare
          ? {}
          : options.removed
            ? { reactionsRemoved: reactions }
            : { reactionsAdded: reactions }),
        id: nextEventId(),
        from: from(person),
        conversation: channelConversation(options.rootId ?? messageId),
        channelData: teamChannelData({ legacy: { replyToId: legacyReplyToId(messageId) } }),
        ...(options.legacyOnly ? {} : { replyToId: messageId }),
      };
    },
  };
}
