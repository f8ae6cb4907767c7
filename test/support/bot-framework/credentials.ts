import {
  AppCredentials,
  type AuthenticatorResult,
  MicrosoftAppCredentials,
  PasswordServiceClientCredentialFactory,
} from "botframework-connector";

/** Where a login URL's tenant is: `https://login.microsoftonline.com/<tenant>` → `<tenant>`. */
function tenantOf(loginEndpoint: string | undefined): string {
  const path = loginEndpoint ? new URL(loginEndpoint).pathname : "";
  return path.split("/").filter(Boolean)[0] ?? "botframework.com";
}

/** Tokens by tenant and scope, valid until `untilMs`. */
type TokenCache = Map<string, { token: string; untilMs: number }>;

/**
 * The bot's outbound credentials in tests: a client-credentials token from the fake login on
 * 127.0.0.1 (`POST {loginUrl}/{tenant}/oauth2/v2.0/token`), sent as `Authorization: Bearer …` by
 * botbuilder's own signing (AppCredentials.signRequest). Tokens are cached in the factory that made
 * these credentials (as MSAL caches per app in production), not in AppCredentials' process-wide
 * cache (keyed by app id and scope only, it would carry a token from one fake login into
 * another's), and refreshed five minutes before they expire, as AppCredentials does.
 */
export class FakeLoginAppCredentials extends AppCredentials {
  constructor(
    appId: string,
    private readonly password: string,
    private readonly loginUrl: string,
    private readonly loginTenant: string,
    scope: string,
    private readonly cache: TokenCache = new Map(),
  ) {
    super(appId, undefined, scope);
  }

  override async getToken(forceRefresh = false): Promise<string> {
    const key = `${this.loginTenant} ${this.oAuthScope}`;
    const cached = this.cache.get(key);
    if (!forceRefresh && cached && cached.untilMs > Date.now()) return cached.token;
    const result = await this.refreshToken();
    this.cache.set(key, { token: result.accessToken, untilMs: result.expiresOn.getTime() - 5 * 60_000 });
    return result.accessToken;
  }

  protected override async refreshToken(): Promise<AuthenticatorResult> {
    const scope = this.oAuthScope.endsWith("/.default") ? this.oAuthScope : `${this.oAuthScope}/.default`;
    const response = await fetch(
      `${this.loginUrl}/${encodeURIComponent(this.loginTenant)}/oauth2/v2.0/token`,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: this.appId,
          client_secret: this.password,
          scope,
        }),
      },
    );
    const body = (await response.json()) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || typeof body.access_token !== "string") {
      throw new Error(
        `The fake login refused the bot's credentials: HTTP ${response.status} ${body.error ?? ""}`,
      );
    }
    return {
      accessToken: body.access_token,
      expiresOn: new Date(Date.now() + (body.expires_in ?? 3599) * 1000),
    };
  }
}

/**
 * The one seam for outbound tokens in tests (TEAMS-TESTING.md, "The outbound token: one seam"): a
 * `PasswordServiceClientCredentialFactory` (so `isValidAppId` and `isAuthenticationDisabled` are
 * botbuilder's own) whose credentials come from the fake login at `loginUrl` (a 127.0.0.1 URL).
 * The tenant asked for is the factory's tenant (a SingleTenant app's) or else the one in the
 * bot's configured login URL (`…/botframework.com`), as botbuilder's MicrosoftAppCredentials does;
 * the scope is the audience botbuilder asks for plus `/.default`. Tokens are kept per factory:
 * a new factory (a new bot in a test) asks the login again.
 */
export class FakeLoginCredentialsFactory extends PasswordServiceClientCredentialFactory {
  private readonly tokens: TokenCache = new Map();

  constructor(
    private readonly loginUrl: string,
    appId: string,
    password: string,
    tenantId = "",
  ) {
    super(appId, password, tenantId);
  }

  override async createCredentials(
    appId: string,
    audience: string,
    loginEndpoint: string,
    _validateAuthority: boolean,
  ): Promise<AppCredentials> {
    if (await this.isAuthenticationDisabled()) return MicrosoftAppCredentials.Empty;
    if (!(await this.isValidAppId(appId))) throw new Error("Invalid appId.");
    const tenant = this.tenantId || tenantOf(loginEndpoint);
    return new FakeLoginAppCredentials(
      appId,
      this.password ?? "",
      this.loginUrl,
      tenant,
      audience,
      this.tokens,
    );
  }
}
