import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type InstallationQuery, InstallProvider, type Logger as OAuthLogger } from "@slack/oauth";
import { parse } from "yaml";
import type { Logger } from "../../../src/ports/logger.ts";
import type { RouteHandler } from "../../http/server.ts";
import { packageRoot } from "../../package-root.ts";

/** The OAuth paths (Slack's "Installing with OAuth" guide; the redirect URL set in the app config). */
export const SLACK_INSTALL_PATH = "/slack/install";
export const SLACK_OAUTH_REDIRECT_PATH = "/slack/oauth_redirect";

export interface SlackOAuthOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Signs the `state` parameter and its browser cookie (CSRF check of the redirect). */
  readonly stateSecret: string;
  /** The public redirect URL, `https://HOST/slack/oauth_redirect`; default: the app's configured one. */
  readonly redirectUri?: string;
  readonly apiUrl: string;
  readonly installationStore: ConstructorParameters<typeof InstallProvider>[0]["installationStore"];
  readonly logger: Logger;
}

export interface SlackOAuth {
  readonly routes: ReadonlyMap<string, RouteHandler>;
  /** Bolt's authorize for a workspace: its stored installation's bot token and ids. */
  authorize(query: InstallationQuery<boolean>): ReturnType<InstallProvider["authorize"]>;
}

/**
 * Multi-workspace installs through `@slack/oauth`'s InstallProvider (SPEC §4, issue 11):
 * `GET /slack/install` sets a signed state cookie and sends the browser to Slack's consent page
 * with the bot scopes of manifest/slack.yaml; `GET /slack/oauth_redirect` checks that `state`
 * matches the cookie and its signature (a forged or replayed state is refused with Slack's
 * failure page), exchanges the code with `oauth.v2.access` and stores the installation.
 */
export function createSlackOAuth(options: SlackOAuthOptions): SlackOAuth {
  const scopes = manifestBotScopes();
  const installer = new InstallProvider({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    stateSecret: options.stateSecret,
    ...(options.installationStore ? { installationStore: options.installationStore } : {}),
    // The consent page is Slack's; ours only redirects there (no HTML of our own to keep safe).
    directInstall: true,
    logger: oauthLogger(options.logger),
    clientOptions: { slackApiUrl: options.apiUrl },
  });
  const installOptions = { scopes, ...(options.redirectUri ? { redirectUri: options.redirectUri } : {}) };
  const routes = new Map<string, RouteHandler>([
    [
      SLACK_INSTALL_PATH,
      {
        methods: ["GET"],
        handle: (req, res) => installer.handleInstallPath(req, res, undefined, installOptions),
      },
    ],
    [
      SLACK_OAUTH_REDIRECT_PATH,
      {
        methods: ["GET"],
        handle: (req, res) =>
          installer.handleCallback(
            req,
            res,
            {
              success: (installation, _options, _req, response) => {
                options.logger.info(
                  { workspace: installation.team?.id ?? installation.enterprise?.id },
                  "weeknotes was installed in a Slack workspace",
                );
                response.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
                response.end("weeknotes is installed. Open Slack and type /weeknotes help.\n");
              },
              failure: (error, _options, _req, response) => {
                options.logger.warn(
                  { code: (error as { code?: string }).code },
                  "A Slack install was refused",
                );
                response.writeHead(400, { "Content-Type": "text/plain; charset=utf-8" });
                response.end("The install could not be completed. Start again from /slack/install.\n");
              },
            },
            installOptions,
          ),
      },
    ],
  ]);
  return { routes, authorize: (query) => installer.authorize(query) };
}

/** The bot scopes the app manifest asks for, so installs and the manifest never drift apart. */
function manifestBotScopes(): string[] {
  const manifest = parse(readFileSync(join(packageRoot(), "manifest", "slack.yaml"), "utf8")) as {
    oauth_config?: { scopes?: { bot?: unknown } };
  };
  const bot = manifest.oauth_config?.scopes?.bot;
  if (!Array.isArray(bot) || !bot.every((s) => typeof s === "string")) {
    throw new Error("manifest/slack.yaml lists no bot scopes");
  }
  return bot as string[];
}

function oauthLogger(logger: Logger): OAuthLogger {
  const fields = { component: "slack-oauth" };
  let level = "info";
  return {
    debug: (...msg: unknown[]) => logger.debug(fields, msg.map(String).join(" ")),
    info: (...msg: unknown[]) => logger.debug(fields, msg.map(String).join(" ")),
    warn: (...msg: unknown[]) => logger.warn(fields, msg.map(String).join(" ")),
    error: (...msg: unknown[]) => logger.error(fields, msg.map(String).join(" ")),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level as never,
    setName: () => undefined,
  };
}
