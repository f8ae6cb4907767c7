import { type Activity, ActivityTypes, TurnContext } from "botbuilder";
import type { UseCases } from "../../src/app/use-cases.ts";
import { type ChatRequest, parseCommand } from "../../src/domain/command.ts";
import { asBotError, isBotError } from "../../src/domain/errors.ts";
import type { InboxCommand } from "../../src/domain/inbox-command.ts";
import type { DecisionOutcome, Notice } from "../../src/domain/outcomes.ts";
import { type TeamSettings, teamKeyOf } from "../../src/domain/team.ts";
import type { WeeknoteKey } from "../../src/domain/weeknote.ts";
import type { Clock } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import { questionNotice, typedTextCommand } from "../chat-requests.ts";
import { type ActivityPlace, channelDataOf, personOf, placeOf } from "./activity-ids.ts";
import {
  cardAttachment,
  invokeCardResponse,
  invokeMessageResponse,
  parseCardAction,
  parseSectionChoice,
  reviewCards,
  sectionPickerTask,
  settingsCard,
} from "./cards.ts";
import { htmlToText } from "./html-text.ts";
import {
  DRAFTING,
  decisionText,
  fieldProblems,
  helpMessage,
  noticeMessages,
  noticeText,
  refusalText,
  reviewStatusLine,
  teamsText,
  WELCOME,
} from "./presenter.ts";
import type { TeamsChat } from "./teams-chat.ts";

export interface TeamsHandlerDeps {
  readonly useCases: UseCases;
  readonly chat: TeamsChat;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A new unique id (typed highlights, correlation ids). */
  readonly newId: () => string;
  /**
   * The one tenant a SingleTenant app serves (MICROSOFT_APP_TENANT_ID); activities from any other
   * tenant are acknowledged and ignored. Undefined: every tenant (a MultiTenant app).
   */
  readonly tenant?: string | undefined;
}

/**
 * How long a card action waits for its decision before answering "Working on it…": Teams gives an
 * invoke 5 s (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards);
 * the review card is updated in place when the decision ends later.
 */
const DECISION_WAIT_MS = 3_500;

type Turn = { readonly context: TurnContext; readonly place: ActivityPlace; readonly correlationId: string };

/**
 * The Teams activity handler (SPEC §3 receivers): parses an activity, records the command it
 * stands for in the inbox, and answers.
 * - Card actions wait briefly for their decision so the invoke is answered with the card as it now
 *   stands (`application/vnd.microsoft.card.adaptive`; no buttons once decided, with who decided or
 *   "already approved"), or, when the click changed nothing on an open draft (a newer revision, not
 *   an approver, not done yet), with a message saying why; the posted card is updated by the id
 *   stored when it was posted, whatever the invoke's replyToId says (CASES C11).
 * - Reactions Teams reports are only ever on the bot's own posts: never highlights (CASES C10).
 * - messageUpdate `editMessage` / messageDelete `softDeleteMessage` of a captured message update or
 *   remove its highlight; `undeleteMessage` brings nothing back.
 * - installationUpdate `remove` marks the weeknotes teams reviewing anywhere in that installation
 *   inactive (`uninstalled`); `add`, and any message in a conversation, make them active again.
 */
export function createTeamsTurnHandler(deps: TeamsHandlerDeps): (context: TurnContext) => Promise<void> {
  const { useCases, chat } = deps;

  async function record(turn: Turn, command: InboxCommand, eventId: string) {
    return useCases.record.record(command, { eventId, correlationId: turn.correlationId });
  }

  const reply = (turn: Turn, activity: Partial<Activity>) => turn.context.sendActivity(activity);
  const say = (turn: Turn, notice: Notice) => turn.context.sendActivities(noticeMessages(notice));

  async function invokeResponse(turn: Turn, body: unknown, status = 200): Promise<void> {
    await turn.context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
  }

  async function onMessage(turn: Turn): Promise<void> {
    const { context, place } = turn;
    const person = personOf(context.activity);
    if (!person) {
      return;
    }
    const text = commandText(context.activity);
    const request = parseCommand(text);
    const where = {
      platform: "teams",
      workspace: place.workspace,
      conversationId: place.conversationId,
    } as const;
    // In a personal chat anything that is not a request is a highlight (the DM rule, SPEC §1).
    const intent =
      place.conversationType === "personal"
        ? useCases.directMessage.intent(text)
        : request.kind === "add"
          ? ({ kind: "add", section: request.section, text: request.text } as const)
          : ({ kind: "answer", request } as const);
    const eventId = `teams:${place.conversationId}:${context.activity.id ?? deps.newId()}`;
    if (intent.kind === "add") {
      await record(
        turn,
        typedTextCommand(
          {
            ...where,
            conversationName: place.conversationName,
            user: person.id,
            userName: person.name,
            text: intent.text,
            section: intent.section,
            postedAtMs: timestampOf(context.activity, deps.clock),
          },
          deps.newId,
        ),
        eventId,
      );
      await say(turn, { kind: "highlight_added", section: intent.section });
      return;
    }
    await answer(turn, intent.request, person.id, eventId);
  }

  async function answer(turn: Turn, request: ChatRequest, user: string, eventId: string): Promise<void> {
    const { place } = turn;
    const where = {
      platform: "teams",
      workspace: place.workspace,
      conversationId: place.conversationId,
    } as const;
    const replyTo = {
      conversationId: place.conversationId,
      ...(place.threadId ? { threadId: place.threadId } : {}),
    };
    switch (request.kind) {
      case "draft":
      case "config": {
        const allowed = await useCases.requestDraft.authorize({ ...where, user, name: request.team });
        if (allowed.kind !== "ok") {
          await reply(turn, {
            type: "message",
            text: refusalText(allowed.problem, request.kind),
            textFormat: "markdown",
          });
          return;
        }
        if (request.kind === "config") {
          await reply(turn, { type: "message", attachments: [cardAttachment(settingsCard(allowed.team))] });
          return;
        }
        await record(
          turn,
          { kind: "request_draft", ...where, team: allowed.team.team, user, replyTo },
          eventId,
        );
        await reply(turn, teamsText(DRAFTING));
        return;
      }
      case "new_team": {
        if (teamKeyOf(request.name) === undefined) {
          await say(turn, { kind: "team_problem", problem: { kind: "bad_team_name", name: request.name } });
          return;
        }
        await record(
          turn,
          {
            kind: "create_team",
            ...where,
            name: request.name,
            personal: request.personal,
            user,
            conversationId: place.conversationId,
            replyTo,
          },
          eventId,
        );
        return;
      }
      case "forget":
        // Teams' tell() answers where they asked (the thread, or the personal chat); userId is
        // there for a platform that can answer one person privately.
        await record(
          turn,
          { kind: "forget_person", ...where, user, replyTo: { ...replyTo, userId: user } },
          eventId,
        );
        return;
      case "help":
      case "add":
        await reply(turn, helpMessage(request.kind === "help" ? request.unknown : undefined));
        return;
      default:
        try {
          const notice = await questionNotice(useCases, where, request);
          if (notice) {
            await say(turn, notice);
          } else {
            await reply(turn, helpMessage(undefined));
          }
        } catch (error) {
          if (isBotError(error) && error.code.startsWith("input.")) {
            await reply(turn, teamsText(error.toUserLine()));
            return;
          }
          throw error;
        }
    }
  }

  async function onCardAction(turn: Turn): Promise<void> {
    const { context, place } = turn;
    const person = personOf(context.activity);
    const action = parseCardAction(context.activity.value);
    if (!person || !action) {
      await invokeResponse(
        turn,
        invokeMessageResponse("That button isn't one I know any more. Ask me for `help`."),
      );
      return;
    }
    const eventId = `teams-card:${context.activity.id ?? deps.newId()}`;
    if (action.verb === "settings") {
      await saveSettings(turn, person.id, action, eventId);
      return;
    }
    const { key } = action;
    if (!key || key.workspace !== place.workspace) {
      await invokeResponse(turn, invokeMessageResponse("That draft isn't one of this workspace's."));
      return;
    }
    const decision = {
      platform: "teams",
      workspace: place.workspace,
      key,
      user: person.id,
      ...(action.revision === undefined ? {} : { revision: action.revision }),
    } as const;
    const command: InboxCommand =
      action.verb === "edit"
        ? { kind: "edit", ...decision, markdown: action.markdown ?? "" }
        : action.verb === "regenerate"
          ? { kind: "regenerate", ...decision, ...(action.reason ? { reason: action.reason } : {}) }
          : { kind: action.verb, ...decision };
    if (command.kind === "edit" && command.markdown.trim() === "") {
      await invokeResponse(
        turn,
        invokeMessageResponse("The note can't be empty: write the text, then Save."),
      );
      return;
    }
    const { result } = await useCases.record.recordAndWait(
      command,
      { eventId, correlationId: turn.correlationId },
      DECISION_WAIT_MS,
    );
    const outcome = result?.notice?.kind === "decision" ? result.notice.outcome : undefined;
    await invokeResponse(turn, await decisionResponse(key, outcome));
  }

  /** The invoke answer to a decision: the card as it now stands, or why nothing changed. */
  async function decisionResponse(key: WeeknoteKey, outcome: DecisionOutcome | undefined): Promise<unknown> {
    if (outcome?.kind === "not_approver") {
      return invokeMessageResponse(decisionText(outcome));
    }
    const view = outcome && "view" in outcome ? outcome.view : await useCases.decide.view(key);
    if (!view) {
      return invokeMessageResponse("That weeknote is gone.");
    }
    const names = chat.nameOf(key.workspace);
    if (view.status.kind === "open" && !(outcome && "view" in outcome)) {
      // Nothing changed the draft for this click (not done yet, a newer revision, a regeneration
      // under way): an open card cannot show why, so the clicker is told in words; the posted
      // card is updated for everyone whenever the draft changes.
      return invokeMessageResponse(
        outcome === undefined ? "Working on it… the card updates when it's done." : decisionText(outcome),
      );
    }
    const line =
      outcome === undefined || "view" in outcome
        ? reviewStatusLine(view.status, names)
        : decisionText(outcome);
    return invokeCardResponse(reviewCards(view, line).card);
  }

  async function saveSettings(
    turn: Turn,
    user: string,
    action: NonNullable<ReturnType<typeof parseCardAction>>,
    eventId: string,
  ): Promise<void> {
    const { place } = turn;
    const team =
      action.workspace === place.workspace
        ? await useCases.teams.get(place.workspace, action.team)
        : undefined;
    const form = action.form;
    if (!team || !form) {
      await invokeResponse(turn, invokeMessageResponse("That team no longer exists."));
      return;
    }
    const checked = useCases.configure.check(team, user, form);
    if (checked.kind === "problems") {
      await invokeResponse(
        turn,
        invokeCardResponse(settingsCard(team, { problems: fieldProblems(checked.problems), form })),
      );
      return;
    }
    await record(
      turn,
      {
        kind: "configure_team",
        platform: "teams",
        workspace: place.workspace,
        team: team.team,
        user,
        change: checked.change,
        replyTo: {
          conversationId: place.conversationId,
          ...(place.threadId ? { threadId: place.threadId } : {}),
        },
      },
      eventId,
    );
    await invokeResponse(turn, invokeMessageResponse("Saving the settings…"));
  }

  async function onMessageAction(turn: Turn): Promise<void> {
    const { context, place } = turn;
    const name = context.activity.name;
    if (name === "composeExtension/fetchTask") {
      const preview = (context.activity.value as SubmitActionValue | undefined)?.messagePayload?.body
        ?.content;
      await invokeResponse(turn, sectionPickerTask(preview === undefined ? undefined : htmlToText(preview)));
      return;
    }
    const value = (context.activity.value ?? {}) as SubmitActionValue;
    const message = value.messagePayload;
    const person = personOf(context.activity);
    if (!message?.id || !person) {
      await invokeResponse(turn, taskMessage("Choose a message first, then Add to weeknotes."));
      return;
    }
    const fromBot = message.from?.application != null || message.from?.user == null;
    if (fromBot) {
      await invokeResponse(
        turn,
        taskMessage("That message is from an app: only people's messages go into the weeknotes."),
      );
      return;
    }
    const section = parseSectionChoice(value.data) ?? "highlights";
    const postedAtMs = Date.parse(message.createdDateTime ?? "");
    await record(
      turn,
      {
        kind: "add_message",
        platform: "teams",
        workspace: place.workspace,
        ref: {
          platform: "teams",
          workspace: place.workspace,
          conversationId: place.conversationId,
          messageId: message.id,
          // A thread's root is no reply: only a reply has a thread id (its root's id).
          ...threadOf(message.replyToId || place.threadId, message.id),
        },
        user: person.id,
        section,
        content: {
          rawText: message.body?.content ?? "",
          ...(message.from?.user?.id ? { authorId: message.from.user.id } : {}),
          ...(message.from?.user?.displayName ? { authorName: message.from.user.displayName } : {}),
          postedAtMs: Number.isFinite(postedAtMs) ? postedAtMs : deps.clock.now(),
          ...(message.linkToMessage ? { permalink: message.linkToMessage } : {}),
          fromBot,
        },
      },
      `teams-action:${context.activity.id ?? deps.newId()}`,
    );
    await invokeResponse(turn, taskMessage(noticeText({ kind: "highlight_added", section })));
  }

  /**
   * The weeknotes teams whose review conversation the app's installation at `place` covers: the
   * conversation itself, or, for an installation in a Microsoft team, every channel of that team
   * (an app is installed in a whole team, and Teams names the team's General channel or the
   * channel chosen at install as the installation's conversation). A channel's team is known from
   * the reference stored when the bot heard from it.
   */
  async function teamsInstalledAt(place: ActivityPlace): Promise<TeamSettings[]> {
    const covered: TeamSettings[] = [];
    for (const team of await useCases.teams.list(place.workspace)) {
      const channel = team.reviewChannel;
      if (team.platform !== "teams" || channel === undefined) {
        continue;
      }
      if (
        channel === place.conversationId ||
        (place.teamId !== undefined &&
          (channel === place.teamId ||
            (await chat.stored(place.workspace, channel))?.teamId === place.teamId))
      ) {
        covered.push(team);
      }
    }
    return covered;
  }

  async function onInstallation(turn: Turn): Promise<void> {
    const { context, place } = turn;
    // `add`, `remove`, and `add-upgrade` / `remove-upgrade` when an app update adds or removes the bot.
    const action = (context.activity as { action?: string }).action ?? "";
    const covered = await teamsInstalledAt(place);
    if (action.startsWith("remove")) {
      for (const team of covered) {
        await useCases.teams.markInactive(team.workspace, team.team, "uninstalled");
      }
      return;
    }
    // Installed again: the teams the platform refused are active again, and drafted at the next sweep.
    const channels = new Set(covered.filter((team) => team.inactive).map((team) => team.reviewChannel));
    for (const channel of channels) {
      if (channel !== undefined) {
        await useCases.teams.reactivate("teams", place.workspace, channel);
      }
    }
    if (action === "add") {
      await reply(turn, WELCOME);
    }
  }

  async function onEdit(turn: Turn, deleted: boolean): Promise<void> {
    const { context, place } = turn;
    const messageId = context.activity.id;
    if (!messageId) {
      return;
    }
    const ref = {
      platform: "teams",
      workspace: place.workspace,
      conversationId: place.conversationId,
      messageId,
      ...threadOf(place.threadId, messageId),
    } as const;
    const base = { platform: "teams", workspace: place.workspace, ref } as const;
    const command: InboxCommand = deleted
      ? { kind: "message_deleted", ...base }
      : {
          kind: "message_edited",
          ...base,
          rawText: htmlBodyOf(context.activity) ?? context.activity.text ?? "",
        };
    await record(
      turn,
      command,
      `teams-${command.kind}:${messageId}:${timestampOf(context.activity, deps.clock)}`,
    );
  }

  return async function onTurn(context) {
    const activity = context.activity;
    const found = placeOf(activity);
    // Authority comes from our configuration, not the request: another tenant gets nothing.
    const place = found && (deps.tenant === undefined || found.workspace === deps.tenant) ? found : undefined;
    const turn: Turn | undefined = place ? { context, place, correlationId: deps.newId() } : undefined;
    if (!turn) {
      deps.logger.info(
        { type: activity.type },
        "Teams activity without a tenant or conversation, or from another tenant; ignored",
      );
      if (activity.type === ActivityTypes.Invoke) {
        await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 400 } });
      }
      return;
    }
    const logger = deps.logger.child({ correlationId: turn.correlationId, type: activity.type });
    // Every activity refreshes the conversation's stored reference (its serviceUrl can change).
    await chat.remember(turn.place, TurnContext.getConversationReference(activity));
    const person = personOf(activity);
    if (person) {
      chat.rememberPerson(turn.place.workspace, person.id, person.name);
    }
    try {
      switch (activity.type) {
        case ActivityTypes.Message:
          await useCases.teams.reactivate("teams", turn.place.workspace, turn.place.conversationId);
          await onMessage(turn);
          return;
        case ActivityTypes.Invoke:
          if (activity.name === "adaptiveCard/action") {
            await onCardAction(turn);
          } else if (
            activity.name === "composeExtension/fetchTask" ||
            activity.name === "composeExtension/submitAction"
          ) {
            await onMessageAction(turn);
          } else {
            logger.info({ name: activity.name }, "Teams invoke not handled");
            await invokeResponse(turn, undefined, 501);
          }
          return;
        case ActivityTypes.InstallationUpdate:
          await onInstallation(turn);
          return;
        case ActivityTypes.MessageUpdate:
          // `editMessage` (an old client sends none); `undeleteMessage` brings nothing back: the
          // highlight went with the deletion, and its message can be added again.
          if (isEvent(activity, "editMessage")) {
            await onEdit(turn, false);
          }
          return;
        case ActivityTypes.MessageDelete:
          if (isEvent(activity, "softDeleteMessage")) {
            await onEdit(turn, true);
          }
          return;
        default:
          // conversationUpdate (its reference is stored above), messageReaction (only ever on the
          // bot's own posts: never a highlight, CASES C10), typing, and whatever Teams adds later.
          logger.debug({}, "Teams activity acknowledged");
      }
    } catch (error) {
      const failure = asBotError(error);
      logger.error({ code: failure.code, err: error }, "Teams activity failed");
      throw failure;
    }
  };
}

/** A message action's `value` (composeExtension/submitAction), as Teams sends it. */
interface SubmitActionValue {
  readonly data?: unknown;
  readonly messagePayload?: {
    readonly id?: string;
    readonly replyToId?: string | null;
    readonly createdDateTime?: string;
    readonly linkToMessage?: string;
    readonly body?: { readonly contentType?: string; readonly content?: string };
    readonly from?: {
      readonly user?: { readonly id?: string; readonly displayName?: string } | null;
      readonly application?: unknown;
    } | null;
  };
}

/** The words of a message to the bot: its @mention of the bot taken off, HTML made plain. */
function commandText(activity: Partial<Activity>): string {
  const withoutMention = TurnContext.removeRecipientMention(activity) ?? activity.text ?? "";
  let text = htmlToText(withoutMention).trim();
  const botName = activity.recipient?.name;
  if (botName && text.toLowerCase().startsWith(botName.toLowerCase())) {
    text = text.slice(botName.length).trim();
  }
  return text;
}

/**
 * Whether a messageUpdate / messageDelete is the Teams event `eventType` (channelData.eventType:
 * `editMessage`, `undeleteMessage`, `softDeleteMessage`; https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events).
 * One with no eventType counts as the plain edit or deletion it says it is.
 */
function isEvent(activity: Partial<Activity>, eventType: string): boolean {
  const given = channelDataOf(activity).eventType;
  return given === undefined || given === eventType;
}

/**
 * The HTML body of a message Teams sends as a `text/html` attachment besides `text`
 * (MicrosoftDocs/msteams-docs#3960): the same markup the message action hands over, links and all.
 */
function htmlBodyOf(activity: Partial<Activity>): string | undefined {
  const html = activity.attachments?.find((a) => a.contentType === "text/html")?.content;
  return typeof html === "string" ? html : undefined;
}

function timestampOf(activity: Partial<Activity>, clock: Clock): number {
  const at = activity.timestamp ? new Date(activity.timestamp).getTime() : Number.NaN;
  return Number.isFinite(at) ? at : clock.now();
}

/** `{threadId: root}` for a reply in the thread `root`; nothing for the root itself or no thread. */
function threadOf(root: string | null | undefined, messageId: string): { threadId?: string } {
  return root && root !== messageId ? { threadId: root } : {};
}

/** A message-extension action answer that shows a message in its dialog. */
function taskMessage(text: string) {
  return { task: { type: "message", value: text } };
}
