import { randomUUID } from "node:crypto";
import { TeamsInfo } from "botbuilder";
import type { AppCredentials, ServiceClientCredentialsFactory } from "botframework-connector";
import type { UseCases } from "../../src/app/use-cases.ts";
import type { TeamsConfig } from "../../src/config.ts";
import { asBotError } from "../../src/domain/errors.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import type { Clock, Timers } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { Store } from "../../src/ports/store.ts";
import type { RouteHandler } from "../http/server.ts";
import type { PlatformAdapter } from "../platform-adapter.ts";
import { createTeamsTurnHandler } from "./activity-handler.ts";
import {
  createBotFrameworkAuthentication,
  createTeamsCloudAdapter,
  createTeamsCredentialsFactory,
} from "./auth.ts";
import { createTeamsEndpoint, TEAMS_MESSAGES_PATH } from "./endpoint.ts";
import { createGraphClient, type GraphClient } from "./graph-client.ts";
import { createReactionSweep, type ReactionSweep } from "./graph-sweep.ts";
import { createTeamsChat, type TeamsChat } from "./teams-chat.ts";

export interface TeamsAppOptions {
  readonly config: TeamsConfig;
  readonly maxBodyBytes: number;
  /** Conversation references (proactive posts), highlights and cursors (the reaction sweep). */
  readonly store: Pick<
    Store,
    "getConversationReference" | "saveConversationReference" | "getHighlight" | "getCursor" | "saveCursor"
  >;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /**
   * Makes the credentials of outbound calls (Bot Connector, Graph); default botbuilder's own
   * (MSAL with the app's password or certificate). Tests pass one that signs in at a local fake
   * (../shared/TEAMS-TESTING.md): this is the only seam, there is no test mode.
   */
  readonly credentialsFactory?: ServiceClientCredentialsFactory;
  /** A new unique id; default a random UUID. */
  readonly newId?: () => string;
}

/** Teams as one platform adapter of the bot. */
export interface TeamsPlatform extends PlatformAdapter {
  readonly chat: TeamsChat;
  /** Runs the reaction sweep of every Teams team now (what the hourly timer does). */
  sweepAll(): Promise<void>;
}

/** How often reactions are swept from Graph when TEAMS_REACTION_SWEEP is on (SPEC §4: hourly). */
const SWEEP_EVERY_MS = 3_600_000;

/**
 * Microsoft Teams through botbuilder's CloudAdapter on `/api/messages` of the shared server
 * (SPEC §4), authenticated with Bot Framework JWTs. The adapter only translates: the handler
 * records commands and answers; the core's use cases do the rest. With TEAMS_REACTION_SWEEP on,
 * reactions on people's channel messages are read from Microsoft Graph every hour and just before
 * each Teams team's draft (Teams tells bots only about reactions on their own posts, CASES C10).
 */
export function createTeamsPlatform(options: TeamsAppOptions): TeamsPlatform {
  const { config, logger, store } = options;
  const newId = options.newId ?? randomUUID;
  const credentials = options.credentialsFactory ?? createTeamsCredentialsFactory(config);
  const adapter = createTeamsCloudAdapter(createBotFrameworkAuthentication(config, credentials), logger);
  const chat = createTeamsChat({
    adapter,
    appId: config.appId,
    references: store,
    clock: options.clock,
    logger: logger.child({ component: "teams" }),
  });
  const routes = new Map<string, RouteHandler>();
  let listTeams: (() => Promise<TeamSettings[]>) | undefined;
  let background: UseCases["background"] | undefined;
  let sweep: ReactionSweep | undefined;
  let cancelSweep: (() => void) | undefined;
  let stopped = false;

  const groupIds = new Map<string, string>();

  /**
   * The Microsoft 365 group id (Graph's team id) of the team a channel belongs to: from the
   * conversation's stored reference (Teams gives it on install and team events), else from the
   * Bot Connector's team details (`GET /v3/teams/{teamId}`, TeamsInfo.getTeamDetails; channel
   * messages carry only the team's `19:…` id).
   */
  async function groupIdOf(workspace: string, conversationId: string): Promise<string | undefined> {
    const conversation = await chat.stored(workspace, conversationId);
    if (conversation?.conversationType !== "channel") {
      return undefined;
    }
    const teamId = conversation.teamId;
    const known =
      conversation.teamGroupId ??
      (teamId === undefined ? undefined : (await chat.stored(workspace, teamId))?.teamGroupId) ??
      (teamId === undefined ? undefined : groupIds.get(teamId));
    if (known !== undefined || teamId === undefined) {
      return known;
    }
    let found: string | undefined;
    await adapter.continueConversationAsync(config.appId, conversation.reference, async (context) => {
      found = (await TeamsInfo.getTeamDetails(context, teamId)).aadGroupId ?? undefined;
    });
    if (found !== undefined) {
      groupIds.set(teamId, found);
    }
    return found;
  }

  /** Sweeps the Microsoft team a weeknotes team reviews in (its source channels, or all). */
  async function sweepTeam(team: TeamSettings): Promise<void> {
    if (!sweep || team.platform !== "teams" || team.reviewChannel === undefined) {
      return;
    }
    const groupId = await groupIdOf(team.workspace, team.reviewChannel);
    if (!groupId) {
      logger.info(
        { team: team.team },
        "reaction sweep skipped: the review conversation is not a team channel",
      );
      return;
    }
    const report = await sweep.sweep({
      workspace: team.workspace,
      groupId,
      ...(team.sourceChannels.length > 0 ? { channelIds: team.sourceChannels } : {}),
    });
    const failed = report.channels.filter((c) => !c.ok).map((c) => c.errorCode);
    logger.info(
      { team: team.team, channels: report.channels.length, failed, code: report.errorCode },
      "reaction sweep done",
    );
  }

  async function sweepAll(): Promise<void> {
    for (const team of (await listTeams?.()) ?? []) {
      try {
        await sweepTeam(team);
      } catch (error) {
        // One team's failure never stops the others.
        logger.warn({ team: team.team, code: asBotError(error).code }, "reaction sweep failed");
      }
    }
  }

  function scheduleSweep(): void {
    if (stopped || !sweep) {
      return;
    }
    cancelSweep = options.timers.after(SWEEP_EVERY_MS, () => {
      // Tracked as background work, so a stop waits for a sweep in flight.
      background?.run("reaction sweep", () => sweepAll().finally(scheduleSweep));
    });
  }

  return {
    chat,
    routes,
    mount(useCases) {
      if (listTeams) {
        throw new Error("createTeamsPlatform: mount() called twice");
      }
      background = useCases.background;
      listTeams = async () =>
        (await useCases.teams.all()).filter((t) => t.platform === "teams" && !t.inactive);
      const logic = createTeamsTurnHandler({
        useCases,
        chat,
        clock: options.clock,
        logger,
        newId,
        tenant: config.appType === "SingleTenant" ? config.tenantId : undefined,
      });
      routes.set(
        TEAMS_MESSAGES_PATH,
        createTeamsEndpoint({ adapter, logic, logger, maxBodyBytes: options.maxBodyBytes }),
      );
      if (config.graph.reactionSweep) {
        // An app-only Graph token must come from the customer's own tenant (a botframework.com
        // token cannot read its channels): one client per tenant, each with its token cache.
        const clients = new Map<string, GraphClient>();
        const graphOf = (tenant: string): GraphClient => {
          let client = clients.get(tenant);
          if (!client) {
            client = createGraphClient({
              baseUrl: config.graph.url,
              getToken: async () => {
                const appCredentials = await credentials.createCredentials(
                  config.appId,
                  config.graph.scope.replace(/\/\.default$/, ""),
                  tenantLoginUrl(config.endpoints.loginUrl, tenant),
                  true,
                );
                // Every factory botbuilder ships makes AppCredentials (MSAL-backed, token cached).
                return (appCredentials as AppCredentials).getToken();
              },
              now: () => options.clock.now(),
              sleep: (ms) => new Promise((resolve) => options.timers.after(ms, () => resolve())),
              logger: logger.child({ component: "graph" }),
            });
            clients.set(tenant, client);
          }
          return client;
        };
        sweep = createReactionSweep({
          graph: graphOf,
          record: useCases.record,
          highlights: store,
          cursors: store,
          clock: options.clock,
          logger: logger.child({ component: "reaction-sweep" }),
          appId: config.appId,
          isTagEmoji: async (workspace, reaction) =>
            (await useCases.teams.sectionOfReaction("teams", workspace, reaction)) !== undefined,
          newId,
        });
      }
    },
    async start() {
      stopped = false;
      scheduleSweep();
    },
    async stop() {
      stopped = true;
      cancelSweep?.();
    },
    beforeDraft: sweepTeam,
    sweepAll,
  };
}

/**
 * The login authority of `tenant` on the host of the configured login URL (TEAMS_LOGIN_URL,
 * `https://login.microsoftonline.com/botframework.com` by default): Graph tokens are issued by the
 * tenant whose data they read (https://learn.microsoft.com/graph/auth-v2-service).
 */
export function tenantLoginUrl(loginUrl: string, tenant: string): string {
  return new URL(`/${encodeURIComponent(tenant)}`, loginUrl).toString();
}
