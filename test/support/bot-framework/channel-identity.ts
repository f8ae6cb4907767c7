import { SignJWT } from "jose";
import { type FakeServer, sendJson, startFakeServer } from "./http-kit.ts";
import { processKeys } from "./keys.ts";

/** The Bot Framework channel's token issuer (botframework-connector `AuthenticationConstants.ToBotFromChannelTokenIssuer`). */
export const CHANNEL_ISSUER = "https://api.botframework.com";
/** An issuer botbuilder treats as an Emulator/AAD v1 token (`EmulatorValidation`'s list: the botframework.com tenant). */
export const EMULATOR_ISSUER = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/";

/**
 * A fake of the Bot Framework channel's identity, `login.botframework.com`: the OpenID metadata
 * document and the JWKS botbuilder fetches to check the tokens Teams sends (Bot Framework REST API
 * "Authentication", "Authenticate requests from the Bot Connector service to your bot"). One RS256
 * key, `endorsements: ["msteams"]` as the real keys carry the channels they may sign for.
 *
 * - `GET /v1/.well-known/openidconfiguration` → `{ issuer, authorization_endpoint, jwks_uri, … }`
 * - `GET /v1/.well-known/keys` → `{ keys: [{ kty, use, kid, n, e, endorsements }] }`
 * - `GET /emulator/.well-known/openid-configuration` → 404: the emulator metadata URL the bot is
 *   given points here, so an emulator-shaped token makes botbuilder fetch from 127.0.0.1 (and fail)
 *   instead of from login.microsoftonline.com.
 *
 * Every request is recorded in `fetches` (botbuilder caches the metadata per URL for 24 h in the
 * process, so most tests see none: it is fetched once per test process).
 */
export interface FakeChannelIdentity {
  readonly url: string;
  /** Env `TEAMS_CHANNEL_OPENID_METADATA_URL`. */
  readonly openIdMetadataUrl: string;
  /** Env `TEAMS_EMULATOR_OPENID_METADATA_URL`. */
  readonly emulatorOpenIdMetadataUrl: string;
  /** Paths fetched, in order. */
  readonly fetches: string[];
  close(): Promise<void>;
}

export async function startFakeChannelIdentity(): Promise<FakeChannelIdentity> {
  const keys = await processKeys();
  const fetches: string[] = [];
  let base = "";
  const server: FakeServer = await startFakeServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    fetches.push(path);
    if (request.method !== "GET") return sendJson(response, 405, { error: "method not allowed" });
    if (path === "/v1/.well-known/openidconfiguration") {
      // The shape of https://login.botframework.com/v1/.well-known/openidconfiguration.
      return sendJson(response, 200, {
        issuer: CHANNEL_ISSUER,
        authorization_endpoint: "https://invalid.botframework.com",
        jwks_uri: `${base}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["private_key_jwt"],
      });
    }
    if (path === "/v1/.well-known/keys") {
      const { kty, n, e } = keys.channel.publicJwk;
      return sendJson(response, 200, {
        keys: [{ kty, use: "sig", kid: keys.channel.kid, n, e, endorsements: ["msteams"] }],
      });
    }
    return sendJson(response, 404, { error: "not found" });
  });
  base = server.url;
  return {
    url: server.url,
    openIdMetadataUrl: `${server.url}/v1/.well-known/openidconfiguration`,
    emulatorOpenIdMetadataUrl: `${server.url}/emulator/.well-known/openid-configuration`,
    fetches,
    close: () => server.close(),
  };
}

/**
 * What can be wrong with a channel token, each a way a forged or stale request looks:
 * - `expired`: `exp` an hour ago (beyond botbuilder's 300 s clock tolerance);
 * - `not-yet-valid`: `nbf` an hour ahead;
 * - `wrong-audience`: `aud` another app's id;
 * - `wrong-issuer`: `iss` not the channel's;
 * - `emulator-issuer`: `iss` of an AAD v1 (Emulator) token, which botbuilder checks against the
 *   emulator OpenID metadata instead;
 * - `wrong-serviceurl`: the `serviceurl` claim differs from the activity's `serviceUrl`;
 * - `bad-signature`: signed with other key material under the channel key's `kid`;
 * - `unknown-kid`: signed under a `kid` the JWKS does not have;
 * - `alg-none`: an unsigned token (`alg: none`).
 */
export type TokenFault =
  | "expired"
  | "not-yet-valid"
  | "wrong-audience"
  | "wrong-issuer"
  | "emulator-issuer"
  | "wrong-serviceurl"
  | "bad-signature"
  | "unknown-kid"
  | "alg-none";

export interface ChannelTokenOptions {
  /** The bot's app id: the token's `aud`. */
  readonly appId: string;
  /** The activity's `serviceUrl`, exactly (trailing slash included): the token's `serviceurl`. */
  readonly serviceUrl: string;
  readonly fault?: TokenFault | undefined;
  /** Seconds since the epoch the token is minted at; default now (botbuilder checks `exp` against the real clock). */
  readonly nowSeconds?: number;
}

/**
 * A token as the Bot Framework channel signs it for a request to the bot (claims `iss`, `aud`,
 * `serviceurl`, `nbf`, `exp`; header `alg: RS256`, `kid`), or a faulty one.
 */
export async function mintChannelToken(options: ChannelTokenOptions): Promise<string> {
  const keys = await processKeys();
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const fault = options.fault;
  const claims = {
    serviceurl: fault === "wrong-serviceurl" ? `${options.serviceUrl}elsewhere/` : options.serviceUrl,
  };
  if (fault === "alg-none") {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const payload = { ...claims, iss: CHANNEL_ISSUER, aud: options.appId, nbf: now - 300, exp: now + 3600 };
    return `${encode({ alg: "none", typ: "JWT" })}.${encode(payload)}.`;
  }
  const key = fault === "bad-signature" ? keys.impostor : keys.channel;
  const kid = fault === "unknown-kid" ? "weeknotes-test-unknown-key" : key.kid;
  const issuer =
    fault === "wrong-issuer"
      ? "https://api.botframework.example"
      : fault === "emulator-issuer"
        ? EMULATOR_ISSUER
        : CHANNEL_ISSUER;
  const nbf = fault === "not-yet-valid" ? now + 3600 : now - 300;
  const exp = fault === "expired" ? now - 3600 : now + 3600;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(fault === "wrong-audience" ? "99999999-9999-4999-8999-999999999999" : options.appId)
    .setNotBefore(nbf)
    .setExpirationTime(exp)
    .sign(key.privateKey);
}
