import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from "botbuilder";
import {
  CertificateServiceClientCredentialsFactory,
  PasswordServiceClientCredentialFactory,
  type ServiceClientCredentialsFactory,
} from "botframework-connector";
import type { TeamsConfig } from "../../src/config.ts";
import type { Logger } from "../../src/ports/logger.ts";
import { describeError } from "../http/server.ts";

/**
 * Where the bot's outbound tokens come from (botframework-connector's
 * `ServiceClientCredentialsFactory`), named here so that the composition root's overrides can carry
 * one without importing the SDK under src/ (tests pass a factory backed by a fake login).
 */
export type TeamsCredentialsFactory = ServiceClientCredentialsFactory;

/**
 * The `ConfigurationBotFrameworkAuthentication` settings for `config`: the app's identity
 * (`MicrosoftAppId`, `MicrosoftAppPassword`, `MicrosoftAppType`, `MicrosoftAppTenantId`) and ALL
 * SEVEN endpoint keys. botframework-connector 4.23.3
 * (`BotFrameworkAuthenticationFactory.create`) takes the public-cloud constants only when none of
 * the seven is set and takes all seven literally once any is (an unset one is then `undefined`, and
 * every token fails), so the bot never sets some of them (TEAMS-TESTING.md, "all seven keys or
 * none"). The certificate is not in here: {@link createTeamsCredentialsFactory} handles it.
 */
export function botFrameworkAuthConfig(config: TeamsConfig): Record<string, string> {
  const { endpoints } = config;
  return {
    MicrosoftAppId: config.appId,
    ...(config.appPassword === undefined ? {} : { MicrosoftAppPassword: config.appPassword }),
    MicrosoftAppType: config.appType,
    ...(config.tenantId === undefined ? {} : { MicrosoftAppTenantId: config.tenantId }),
    ToBotFromChannelOpenIdMetadataUrl: endpoints.channelOpenIdMetadataUrl,
    ToBotFromChannelTokenIssuer: endpoints.channelTokenIssuer,
    ToBotFromEmulatorOpenIdMetadataUrl: endpoints.emulatorOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl: endpoints.loginUrl,
    ToChannelFromBotOAuthScope: endpoints.oauthScope,
    OAuthUrl: endpoints.oauthUrl,
    CallerId: endpoints.callerId,
  };
}

/**
 * The factory of the bot's outbound credentials (the tokens it sends to the Bot Connector and, with
 * a Graph scope as audience, to Microsoft Graph), as botbuilder's own
 * `ConfigurationServiceClientCredentialFactory` would choose it: a certificate →
 * `CertificateServiceClientCredentialsFactory` (MSAL with the thumbprint and private key); else the
 * password → `PasswordServiceClientCredentialFactory`. A SingleTenant app gets tokens from its own
 * tenant, a MultiTenant one from `botframework.com` (botbuilder ignores the tenant id then).
 */
export function createTeamsCredentialsFactory(config: TeamsConfig): TeamsCredentialsFactory {
  const tenant = config.appType === "SingleTenant" ? config.tenantId : undefined;
  if (config.certificate) {
    const { thumbprint, privateKey } = config.certificate;
    return new CertificateServiceClientCredentialsFactory(config.appId, thumbprint, privateKey, tenant);
  }
  return new PasswordServiceClientCredentialFactory(config.appId, config.appPassword ?? "", tenant ?? "");
}

/**
 * The Bot Framework authentication for `config` (SPEC §4 Teams): inbound requests are checked
 * against the channel's OpenID keys, issuer and `aud` = app id; outbound calls get tokens from
 * `credentialsFactory`, or from {@link createTeamsCredentialsFactory} when none is given.
 * Production passes none; tests pass a factory that fetches tokens from a fake login on 127.0.0.1
 * (the one seam for outbound tokens, TEAMS-TESTING.md).
 *
 * @throws Error from botbuilder when its own checks of the settings fail (a bug: loadConfig checks first).
 */
export function createBotFrameworkAuthentication(
  config: TeamsConfig,
  credentialsFactory?: TeamsCredentialsFactory,
): ConfigurationBotFrameworkAuthentication {
  return new ConfigurationBotFrameworkAuthentication(
    botFrameworkAuthConfig(config),
    credentialsFactory ?? createTeamsCredentialsFactory(config),
  );
}

/**
 * A `CloudAdapter` over `auth` whose turn errors are logged through `logger` (the activity's type,
 * name, id and conversation type, and the error's name and message; never text, a header or a token)
 * and then rethrown, so the request that carried the turn is answered 500 (see teams endpoint) and
 * a proactive turn's caller sees the error.
 */
export function createTeamsCloudAdapter(
  auth: ConfigurationBotFrameworkAuthentication,
  logger: Logger,
): CloudAdapter {
  const adapter = new CloudAdapter(auth);
  const log = logger.child({ component: "teams-adapter" });
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const activity = context.activity;
    log.error(
      {
        activityType: activity?.type,
        activityName: activity?.name,
        activityId: activity?.id,
        conversationType: activity?.conversation?.conversationType,
        ...describeError(error),
      },
      "Teams turn failed",
    );
    throw error;
  };
  return adapter;
}
