// A ChatPlatform that keeps what use cases asked of it and answers from small tables, for the
// use-case tests (test/unit/use-cases/*). It is a chat platform in general, not any one platform:
// its markup is plain text, its ids are whatever a test gives it.

import type { MessageContent } from "../../src/domain/inbox-command.ts";
import type { MessageRef, Platform, PostedRef } from "../../src/domain/message-ref.ts";
import type { Notice, ReviewView } from "../../src/domain/outcomes.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import type { Revision, Weeknote } from "../../src/domain/weeknote.ts";
import type { ChatPlatform, ConversationInfo, FetchedMessage, Recipient } from "../../src/ports/chat.ts";

/** A message the platform holds: what fetchMessage gives back for its ref. */
export interface HeldMessage {
  readonly text: string;
  readonly authorId?: string;
  readonly postedAtMs: number;
  readonly threadId?: string;
  readonly fromBot?: boolean;
}

export interface ChatCall {
  readonly method: string;
  readonly args: readonly unknown[];
}

export interface RecordingChat extends ChatPlatform {
  readonly calls: ChatCall[];
  /** What was told, in order. */
  readonly told: { readonly workspace: string; readonly to: Recipient; readonly notice: Notice }[];
  /** Review posts and updates, in order: `post` or `update`, with the view and where. */
  readonly reviews: {
    readonly kind: "post" | "update";
    readonly view: ReviewView;
    readonly ref: PostedRef;
  }[];
  readonly published: {
    readonly team: TeamSettings;
    readonly weeknote: Weeknote;
    readonly revision: Revision;
  }[];
  hold(ref: MessageRef, message: HeldMessage): void;
  name(userId: string, name: string): void;
  describe(conversationId: string, info: ConversationInfo): void;
  /** The next `times` calls of `method` throw `error`. */
  fail(method: keyof ChatPlatform, error: Error, times?: number): void;
}

export function recordingChat(platform: Platform): RecordingChat {
  const calls: ChatCall[] = [];
  const told: RecordingChat["told"] = [];
  const reviews: RecordingChat["reviews"] = [];
  const published: RecordingChat["published"] = [];
  const messages = new Map<string, HeldMessage>();
  const names = new Map<string, string>();
  const conversations = new Map<string, ConversationInfo>();
  const failures = new Map<string, { error: Error; times: number }[]>();
  let posted = 0;
  const key = (ref: Pick<MessageRef, "workspace" | "conversationId" | "messageId">) =>
    `${ref.workspace}|${ref.conversationId}|${ref.messageId}`;

  function enter(method: string, args: unknown[]): void {
    calls.push({ method, args });
    const queue = failures.get(method);
    const next = queue?.[0];
    if (next) {
      next.times -= 1;
      if (next.times <= 0) queue.shift();
      throw next.error;
    }
  }

  function conversationOf(conversationId: string): ConversationInfo {
    return conversations.get(conversationId) ?? { name: conversationId, private: false };
  }

  function newRef(conversationId: string): PostedRef {
    posted += 1;
    return { platform, conversationId, messageId: `posted-${posted}` };
  }

  return {
    platform,
    calls,
    told,
    reviews,
    published,
    hold: (ref, message) => messages.set(key(ref), message),
    name: (userId, name) => names.set(userId, name),
    describe: (conversationId, info) => conversations.set(conversationId, info),
    fail(method, error, times = 1) {
      const queue = failures.get(method) ?? [];
      queue.push({ error, times });
      failures.set(method, queue);
    },

    async fetchMessage(ref): Promise<FetchedMessage | undefined> {
      enter("fetchMessage", [ref]);
      const held = messages.get(key(ref));
      if (!held) {
        return undefined;
      }
      const conversation = conversationOf(ref.conversationId);
      return {
        conversationName: conversation.name,
        private: conversation.private,
        messageId: ref.messageId,
        threadId: held.threadId,
        authorId: held.authorId,
        authorName: held.authorId ? (names.get(held.authorId) ?? held.authorId) : "someone",
        text: held.text,
        fromBot: held.fromBot ?? false,
        permalink: `https://chat.example/${ref.conversationId}/${ref.messageId}`,
        postedAtMs: held.postedAtMs,
      };
    },

    async describeMessage(ref, content: MessageContent): Promise<FetchedMessage> {
      enter("describeMessage", [ref, content]);
      const conversation = conversationOf(ref.conversationId);
      return {
        conversationName: conversation.name,
        private: conversation.private,
        messageId: ref.messageId,
        threadId: ref.threadId,
        authorId: content.authorId,
        authorName:
          content.authorName ??
          (content.authorId ? (names.get(content.authorId) ?? content.authorId) : "someone"),
        text: content.rawText,
        fromBot: content.fromBot,
        permalink: content.permalink,
        postedAtMs: content.postedAtMs,
      };
    },

    async decodeText(workspace, rawText) {
      enter("decodeText", [workspace, rawText]);
      return rawText;
    },

    async conversation(workspace, conversationId) {
      enter("conversation", [workspace, conversationId]);
      return conversationOf(conversationId);
    },

    async personName(workspace, userId) {
      enter("personName", [workspace, userId]);
      return names.get(userId) ?? userId;
    },

    async tell(workspace, to, notice) {
      enter("tell", [workspace, to, notice]);
      told.push({ workspace, to, notice });
    },

    async postReview(view) {
      enter("postReview", [view]);
      const ref = newRef(view.team.reviewChannel ?? "nowhere");
      reviews.push({ kind: "post", view, ref });
      return ref;
    },

    async updateReview(view, ref) {
      enter("updateReview", [view, ref]);
      reviews.push({ kind: "update", view, ref });
    },

    async publish(team, weeknote, revision) {
      enter("publish", [team, weeknote, revision]);
      published.push({ team, weeknote, revision });
      return newRef(team.publishChannel ?? "nowhere");
    },
  };
}
