import type { UseCases } from "../src/app/use-cases.ts";
import type { TeamSettings } from "../src/domain/team.ts";
import type { ChatPlatform } from "../src/ports/chat.ts";
import type { RouteHandler } from "./http/server.ts";

/**
 * One chat platform as the composition root runs it (Slack, Teams): its
 * ChatPlatform for the router, the HTTP routes it mounts on the shared server, and its lifecycle.
 * It only translates: its listeners turn platform requests into use-case calls and commands.
 */
export interface PlatformAdapter {
  readonly chat: ChatPlatform;
  /** Exact paths to handlers, mounted on the one HTTP server (none in Slack's Socket Mode). */
  readonly routes: ReadonlyMap<string, RouteHandler>;
  /** Hands the core's use cases to the listeners; once, after the router knows `chat`, before start(). */
  mount(useCases: UseCases): void;
  /** Checks credentials and connects; BotError `config.invalid` when the platform refuses them. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Runs just before one of its teams' weeks is drafted (Teams: the Graph reaction sweep). */
  beforeDraft?(team: TeamSettings): Promise<void>;
}
