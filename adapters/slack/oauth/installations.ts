import type {
  InstallationQuery,
  Installation as SlackInstallation,
  InstallationStore as SlackInstallationStore,
} from "@slack/oauth";
import { BotError } from "../../../src/domain/errors.ts";
import type { Clock } from "../../../src/ports/clock.ts";
import type { InstallationStore } from "../../../src/ports/store.ts";
import type { TokenCipher } from "./token-cipher.ts";

/**
 * `@slack/oauth`'s installation store over our InstallationStore role port (issue 11): one row per
 * workspace (`T…`), or per organisation (`E…`) for an org-wide Enterprise Grid install. The row
 * holds Slack's installation object with every token (bot, user, refresh) sealed by `cipher`, so
 * the database never holds a usable token; the key lives only in the environment.
 */
export function slackInstallationStore(
  store: InstallationStore,
  cipher: TokenCipher,
  clock: Clock,
): SlackInstallationStore & { forget(query: InstallationQuery<boolean>): Promise<boolean> } {
  async function forget(query: InstallationQuery<boolean>): Promise<boolean> {
    return store.deleteInstallation("slack", keyOf(query));
  }
  return {
    async storeInstallation(installation) {
      const workspace = installation.isEnterpriseInstall
        ? installation.enterprise?.id
        : installation.team?.id;
      if (!workspace) {
        throw new BotError("request.malformed", "Slack's OAuth answer named no workspace or organisation");
      }
      const now = clock.now();
      const earlier = await store.getInstallation("slack", workspace);
      await store.saveInstallation({
        platform: "slack",
        workspace,
        installedAtMs: earlier?.installedAtMs ?? now,
        updatedAtMs: now,
        data: {
          installation: JSON.parse(JSON.stringify(sealTokens(installation, cipher))) as Record<
            string,
            unknown
          >,
        },
      });
    },
    async fetchInstallation(query) {
      // A workspace of an org-wide install has no row of its own: its organisation's row serves it.
      const row =
        (query.isEnterpriseInstall
          ? undefined
          : query.teamId && (await store.getInstallation("slack", query.teamId))) ||
        (query.enterpriseId ? await store.getInstallation("slack", query.enterpriseId) : undefined);
      if (!row) {
        throw new BotError("platform.not_found", "weeknotes is not installed in this Slack workspace");
      }
      const sealed = row.data.installation as SlackInstallation;
      if (
        !query.isEnterpriseInstall &&
        row.workspace !== query.teamId &&
        sealed.isEnterpriseInstall !== true
      ) {
        throw new BotError("platform.not_found", "weeknotes is not installed in this Slack workspace");
      }
      return openTokens(sealed, cipher);
    },
    async deleteInstallation(query) {
      await forget(query);
    },
    forget,
  };
}

/** The row key of a query: the organisation for an org-wide install, else the workspace. */
function keyOf(query: InstallationQuery<boolean>): string {
  const key = query.isEnterpriseInstall ? query.enterpriseId : (query.teamId ?? query.enterpriseId);
  if (!key) {
    throw new BotError("request.malformed", "A Slack installation query named no workspace or organisation");
  }
  return key;
}

function sealTokens(installation: SlackInstallation, cipher: TokenCipher): SlackInstallation {
  return mapTokens(installation, (token) => cipher.seal(token));
}

function openTokens(installation: SlackInstallation, cipher: TokenCipher): SlackInstallation {
  return mapTokens(installation, (token) => cipher.open(token));
}

function mapTokens(installation: SlackInstallation, f: (token: string) => string): SlackInstallation {
  const opt = (token: string | undefined) => (token === undefined ? undefined : f(token));
  const { bot, user } = installation;
  return {
    ...installation,
    ...(bot
      ? {
          bot: {
            ...bot,
            token: f(bot.token),
            ...(bot.refreshToken ? { refreshToken: f(bot.refreshToken) } : {}),
          },
        }
      : {}),
    user: {
      ...user,
      token: opt(user.token) as string,
      ...(user.refreshToken ? { refreshToken: f(user.refreshToken) } : {}),
    },
  };
}
