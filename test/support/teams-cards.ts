/**
 * Reading what the Teams bot sent, for end-to-end tests: the Adaptive Cards it posted or answered an
 * invoke with, their actions and text, and the posts the fake Bot Connector received.
 */
import {
  type ConnectorCall,
  DEFAULT_PEOPLE,
  TEST_TENANT_ID,
  type TeamsPerson,
} from "./bot-framework/index.ts";
import type { TeamsTestBot } from "./teams-harness.ts";

export type Json = Record<string, unknown>;

/** The content type of an Adaptive Card attachment and of an invoke answer that is a card. */
export const ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";
/** The type of an `adaptiveCard/action` invoke answer that is a message (Universal Actions). */
export const ACTIVITY_MESSAGE = "application/vnd.microsoft.activity.message";

/** Every Action.Execute of a card, wherever it sits (actions, show-card sub-cards). */
export function executeActions(card: unknown): Json[] {
  const found: Json[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node && typeof node === "object") {
      const object = node as Json;
      if (object.type === "Action.Execute") {
        found.push(object);
      }
      Object.values(object).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The `data` of a card's Action.Execute with `verb` (throws when the card has none). */
export function actionData(card: unknown, verb: string): Json {
  const action = executeActions(card).find((a) => (a.data as Json | undefined)?.verb === verb);
  if (!action) {
    throw new Error(`the card has no ${verb} action`);
  }
  return { ...(action.data as Json) };
}

/** The Adaptive Card a message activity carries (throws when it carries none). */
export function cardOf(activity: unknown): Json {
  const attachments =
    (activity as { attachments?: { contentType: string; content: Json }[] }).attachments ?? [];
  const card = attachments.find((a) => a.contentType === ADAPTIVE_CARD);
  if (!card) {
    throw new Error(`not a card message: ${JSON.stringify(activity).slice(0, 300)}`);
  }
  return card.content;
}

/** All the text a card shows. */
export function cardText(card: unknown): string {
  const texts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node && typeof node === "object") {
      const object = node as Json;
      if (typeof object.text === "string" && object.type !== "Input.Text") {
        texts.push(object.text);
      }
      for (const [k, v] of Object.entries(object)) {
        if (k !== "actions") {
          walk(v);
        }
      }
    }
  };
  walk(card);
  return texts.join("");
}

/** The value of every input of a card, by id (Input.Text, Input.ChoiceSet, Input.Toggle…). */
export function cardInputs(card: unknown): Record<string, string> {
  const inputs: Record<string, string> = {};
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node && typeof node === "object") {
      const object = node as Json;
      if (
        typeof object.type === "string" &&
        object.type.startsWith("Input.") &&
        typeof object.id === "string"
      ) {
        inputs[object.id] = typeof object.value === "string" ? object.value : "";
      }
      Object.values(object).forEach(walk);
    }
  };
  walk(card);
  return inputs;
}

/**
 * Messages the bot posted (botbuilder sends a proactive post as a reply to a made-up activity id,
 * which Teams takes as a new post in the conversation named).
 */
export function postsOf(t: TeamsTestBot, conversationId?: string): ConnectorCall[] {
  return t.bf.connector.calls.filter(
    (c) =>
      (c.operation === "sendToConversation" || c.operation === "replyToActivity") &&
      (conversationId === undefined || c.conversationId === conversationId),
  );
}

/** The text of a message activity the bot sent (its `text`, or its card's text). */
export function messageText(body: unknown): string {
  const text = (body as { text?: unknown }).text;
  const attachments = (body as { attachments?: unknown[] }).attachments ?? [];
  return [typeof text === "string" ? text : "", ...attachments.map((a) => cardText(a))].join("\n");
}

/** An `adaptiveCard/action` invoke's answer, as the bot returned it in the HTTP response. */
export interface InvokeAnswer {
  readonly statusCode: number;
  readonly type: string;
  readonly value: unknown;
}

/** The invoke answer in an HTTP response's JSON (throws when it is not one). */
export function invokeAnswer(json: unknown): InvokeAnswer {
  const answer = json as Partial<InvokeAnswer> | undefined;
  if (!answer || typeof answer.statusCode !== "number" || typeof answer.type !== "string") {
    throw new Error(`not an invoke answer: ${JSON.stringify(json)}`);
  }
  return answer as InvokeAnswer;
}

/** How many commands the bot recorded in its inbox so far (its "command recorded" log lines). */
export function recordedCommands(t: TeamsTestBot): number {
  return t.logger.entries.filter((e) => e.message === "command recorded").length;
}

/** Where a draft was posted for review, and its card as posted. */
export interface DraftUnderReview {
  readonly key: { readonly workspace: string; readonly team: string; readonly week: string };
  /** The review card's activity id, as the Bot Connector answered the post. */
  readonly reviewId: string;
  readonly card: Json;
}

/**
 * The default team's draft of the week holding now, posted for review in the test world's channel:
 * `from` adds a line with "@Weeknotes add …", then asks "@Weeknotes draft", which makes them the
 * team's approver and the channel its review and publish channel.
 */
export async function draftForReview(
  t: TeamsTestBot,
  options: { readonly from?: TeamsPerson; readonly week?: string; readonly text?: string } = {},
): Promise<DraftUnderReview> {
  const from = options.from ?? DEFAULT_PEOPLE.alice;
  for (const text of [`add ${options.text ?? "Bins booking went live in beta"}`, "draft"]) {
    const answered = await t.post(t.teams.channelMention(text, { from }));
    if (answered.status !== 200) {
      throw new Error(`"${text}" was answered ${answered.status}`);
    }
  }
  await settle(t);
  const key = { workspace: TEST_TENANT_ID, team: "default", week: options.week ?? "2026-W13" };
  const reviewId = (await t.bot.store.getWeeknote(key))?.review?.messageId;
  const posted = reviewId === undefined ? undefined : t.bf.connector.activity(reviewId);
  if (reviewId === undefined || posted === undefined) {
    throw new Error("the draft was not posted for review");
  }
  return { key, reviewId, card: cardOf(posted) };
}

/**
 * Waits until the inbox worker and the background work are done. TeamsTestBot.settle() calls
 * `worker.drain()`, which returns at once when the round the last recorded command kicked off has
 * already claimed every event (it is still carrying them out); `worker.kick()` waits for that
 * round.
 */
export async function settle(t: TeamsTestBot): Promise<void> {
  for (let round = 0; round < 5; round += 1) {
    await t.bot.worker.kick();
    await t.bot.idle();
  }
}
