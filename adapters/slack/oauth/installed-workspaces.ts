import type { AuthorizeResult, AuthorizeSourceData } from "@slack/bolt";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import type { SlackOAuthConfig } from "../../../src/config.ts";
import { BotError } from "../../../src/domain/errors.ts";
import type { Clock } from "../../../src/ports/clock.ts";
import type { Logger } from "../../../src/ports/logger.ts";
import type { InstallationStore } from "../../../src/ports/store.ts";
import type { RouteHandler } from "../../http/server.ts";
import { slackInstallationStore } from "./installations.ts";
import { createSlackOAuth } from "./oauth-routes.ts";
import { createTokenCipher } from "./token-cipher.ts";

/** The bot's own ids in one workspace: its user (`U…`) and bot (`B…`) ids. */
export interface BotIds {
  readonly botUserId: string | undefined;
  readonly botId: string | undefined;
}

/**
 * The workspaces installed through OAuth (issue 11), beside the env token's own: their tokens
 * (decrypted only in memory), their Web API clients and the bot's ids in each. Every lookup reads
 * the store, so an install or uninstall on one replica is seen by every replica at once.
 */
export interface InstalledWorkspaces {
  readonly routes: ReadonlyMap<string, RouteHandler>;
  /** Whether `team` (or its organisation `enterprise`) has a stored installation. */
  has(team: string | undefined, enterprise: string | undefined): Promise<boolean>;
  /** Bolt's authorize for an installed workspace. @throws BotError `platform.not_found` when not installed. */
  authorize(source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult>;
  /** A background Web API client with the workspace's token. @throws BotError `platform.not_found`. */
  client(workspace: string): Promise<WebClient>;
  /** The bot's ids in an installed workspace, or undefined when it is not installed. */
  botIds(workspace: string): Promise<BotIds | undefined>;
  /** Forgets a workspace's installation (app_uninstalled, tokens_revoked); true when there was one. */
  forget(team: string | undefined, enterprise: string | undefined): Promise<boolean>;
}

export function createInstalledWorkspaces(options: {
  readonly oauth: SlackOAuthConfig;
  readonly store: InstallationStore;
  readonly apiUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Options of each workspace's background client (timeouts, retries, logger). */
  readonly clientOptions: WebClientOptions;
}): InstalledWorkspaces {
  const installs = slackInstallationStore(
    options.store,
    createTokenCipher(options.oauth.encryptionKey),
    options.clock,
  );
  const oauth = createSlackOAuth({
    clientId: options.oauth.clientId,
    clientSecret: options.oauth.clientSecret,
    stateSecret: options.oauth.stateSecret,
    ...(options.oauth.redirectUri ? { redirectUri: options.oauth.redirectUri } : {}),
    apiUrl: options.apiUrl,
    installationStore: installs,
    logger: options.logger,
  });
  // One client per token: a reinstall brings a new token and so a new client.
  const clients = new Map<string, WebClient>();
  const query = (team: string | undefined, enterprise: string | undefined) => ({
    teamId: team,
    enterpriseId: enterprise,
    isEnterpriseInstall: false,
  });
  async function fetch(workspace: string) {
    try {
      return await installs.fetchInstallation(query(workspace, undefined));
    } catch (error) {
      if (error instanceof BotError && error.code === "platform.not_found") return undefined;
      throw error;
    }
  }
  return {
    routes: oauth.routes,
    async has(team, enterprise) {
      return (
        (team !== undefined && (await options.store.getInstallation("slack", team)) !== undefined) ||
        (enterprise !== undefined && (await options.store.getInstallation("slack", enterprise)) !== undefined)
      );
    },
    authorize: (source) => oauth.authorize(source),
    async client(workspace) {
      const token = (await fetch(workspace))?.bot?.token;
      if (!token) {
        throw new BotError("platform.not_found", "weeknotes is not installed in this Slack workspace");
      }
      let client = clients.get(workspace);
      if (!client || client.token !== token) {
        client = new WebClient(token, { ...options.clientOptions, slackApiUrl: options.apiUrl });
        clients.set(workspace, client);
      }
      return client;
    },
    async botIds(workspace) {
      // Called for every hot event of an installed workspace: the ids are read from the stored
      // row as they are, with no token decrypted in the acknowledgement path.
      const row = await options.store.getInstallation("slack", workspace);
      const bot = (row?.data.installation as { bot?: { userId?: unknown; id?: unknown } } | undefined)?.bot;
      if (!bot) return undefined;
      const text = (value: unknown) => (typeof value === "string" ? value : undefined);
      return { botUserId: text(bot.userId), botId: text(bot.id) };
    },
    async forget(team, enterprise) {
      if (team) clients.delete(team);
      const byTeam = team !== undefined && (await installs.forget(query(team, undefined)));
      const byOrg =
        !byTeam &&
        enterprise !== undefined &&
        (await installs.forget({ teamId: undefined, enterpriseId: enterprise, isEnterpriseInstall: true }));
      return byTeam || byOrg;
    },
  };
}
