import { type JWTPayload, jwtVerify, SignJWT } from "jose";
import { readBody, sendJson, startFakeServer } from "./http-kit.ts";
import { processKeys } from "./keys.ts";

/** One client-credentials token request the fake login received. */
export interface LoginCall {
  readonly tenant: string;
  readonly clientId: string | undefined;
  readonly scope: string | undefined;
  readonly grantType: string | undefined;
  /** Whether the client secret matched the registered one (the secret itself is not kept). */
  readonly secretOk: boolean;
  readonly status: number;
}

/** The claims of a token the fake login issued. */
export interface LoginTokenClaims extends JWTPayload {
  readonly appid: string;
  readonly tid: string;
}

/**
 * A fake of the Microsoft identity platform's token endpoint, `POST
 * https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`, client-credentials grant only
 * ("Microsoft identity platform and the OAuth 2.0 client credentials flow"): form fields
 * `grant_type=client_credentials`, `client_id`, `client_secret`, `scope` (one `<resource>/.default`).
 * It answers like Azure AD: an unknown tenant 400 `invalid_request` (AADSTS90002), an unknown
 * client 400 `unauthorized_client` (AADSTS700016), a wrong secret 401 `invalid_client`
 * (AADSTS7000215), a scope it does not serve 400 `invalid_scope` (AADSTS1002012); otherwise 200
 * `{ token_type, expires_in, ext_expires_in, access_token }` with a JWT signed by the process's
 * login key: `aud` = the scope without `/.default`, `appid` = the client id, `tid`, `iss`, an hour
 * of validity.
 */
export interface FakeLogin {
  readonly url: string;
  readonly calls: LoginCall[];
  /** Registers an app registration's client id and secret. */
  registerApp(clientId: string, secret: string): void;
  /** Tenants it knows (besides `botframework.com`, always known): a SingleTenant app's home tenant. */
  addTenant(tenant: string): void;
  /**
   * Checks a token this fake issued (signature, expiry, and `aud` when given).
   * @throws Error when it is not one.
   */
  verify(token: string, audience?: string): Promise<LoginTokenClaims>;
  close(): Promise<void>;
}

/** The resources the fake issues tokens for: the Bot Connector and Microsoft Graph. */
export const LOGIN_SCOPES = ["https://api.botframework.com/.default", "https://graph.microsoft.com/.default"];
/** The `botframework.com` tenant's id: MultiTenant bots' connector tokens come from it. */
const BOT_FRAMEWORK_TENANT_ID = "d6d49420-f39b-4df7-a1dc-d59a935871db";

export async function startFakeLogin(): Promise<FakeLogin> {
  const keys = await processKeys();
  const calls: LoginCall[] = [];
  const apps = new Map<string, string>();
  const tenants = new Set(["botframework.com"]);

  const server = await startFakeServer(async (request, response) => {
    const match = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec((request.url ?? "").split("?")[0] ?? "");
    if (!match || request.method !== "POST") return sendJson(response, 404, { error: "not_found" });
    const tenant = decodeURIComponent(match[1] ?? "");
    const form = new URLSearchParams(await readBody(request));
    const clientId = form.get("client_id") ?? undefined;
    const scope = form.get("scope") ?? undefined;
    const grantType = form.get("grant_type") ?? undefined;
    const registered = clientId === undefined ? undefined : apps.get(clientId);
    const secretOk = registered !== undefined && form.get("client_secret") === registered;
    const answer = (status: number, body: unknown) => {
      calls.push({ tenant, clientId, scope, grantType, secretOk, status });
      sendJson(response, status, body);
    };
    const refuse = (status: number, error: string, description: string) =>
      answer(status, {
        error,
        error_description: description,
        error_codes: [Number(/\d+/.exec(description)?.[0])],
      });

    if (!tenants.has(tenant))
      return refuse(400, "invalid_request", `AADSTS90002: Tenant '${tenant}' not found.`);
    if (grantType !== "client_credentials") {
      return refuse(
        400,
        "unsupported_grant_type",
        "AADSTS70003: The app requested an unsupported grant type.",
      );
    }
    if (registered === undefined) {
      return refuse(
        400,
        "unauthorized_client",
        `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`,
      );
    }
    if (!secretOk) return refuse(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
    if (scope === undefined || !LOGIN_SCOPES.includes(scope)) {
      return refuse(
        400,
        "invalid_scope",
        `AADSTS1002012: The provided value for scope ${scope} is not valid.`,
      );
    }
    const tid = tenant === "botframework.com" ? BOT_FRAMEWORK_TENANT_ID : tenant;
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({ appid: clientId, tid })
      .setProtectedHeader({ alg: "RS256", kid: keys.login.kid, typ: "JWT" })
      .setIssuer(`https://sts.windows.net/${tid}/`)
      .setAudience(scope.replace(/\/\.default$/, ""))
      .setIssuedAt(now)
      .setNotBefore(now - 300)
      .setExpirationTime(now + 3600)
      .sign(keys.login.privateKey);
    answer(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
  });

  return {
    url: server.url,
    calls,
    registerApp: (clientId, secret) => apps.set(clientId, secret),
    addTenant: (tenant) => tenants.add(tenant),
    async verify(token, audience) {
      const { payload } = await jwtVerify(token, keys.login.publicKey, {
        algorithms: ["RS256"],
        ...(audience === undefined ? {} : { audience }),
      });
      if (typeof payload.appid !== "string" || typeof payload.tid !== "string") {
        throw new Error("not a token of the fake login");
      }
      return payload as LoginTokenClaims;
    },
    close: () => server.close(),
  };
}
