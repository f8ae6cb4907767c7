import { BotError } from "../domain/errors.ts";
import type { Platform } from "../domain/message-ref.ts";
import type { ChatPlatform, ChatRouter } from "../ports/chat.ts";

/** A router that more platforms can join after it was handed to the use cases. */
export interface MutableChatRouter extends ChatRouter {
  /** Adds a platform; its `platform` names it. @throws Error when that platform was added already. */
  add(chat: ChatPlatform): void;
}

/**
 * The chat platforms of this process by platform (SPEC §3): use cases call `for(team.platform)`,
 * so a Teams workspace's draft goes through Teams and a Slack one's through Slack.
 */
export function createChatRouter(): MutableChatRouter {
  const platforms = new Map<Platform, ChatPlatform>();
  return {
    add(chat) {
      if (platforms.has(chat.platform)) {
        throw new Error(`createChatRouter: ${chat.platform} was added twice`);
      }
      platforms.set(chat.platform, chat);
    },
    for(platform) {
      const chat = platforms.get(platform);
      if (!chat) {
        throw new BotError("platform.off", `${platform} is not configured in this process`, {
          hint: "Give the bot that platform's settings (each is described in .env.example) and restart it",
        });
      }
      return chat;
    },
  };
}
