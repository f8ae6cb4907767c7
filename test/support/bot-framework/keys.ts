import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from "jose";

/** One RS256 key pair, its `kid` and its public JWK. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

/**
 * The key material of one test process, made once (RSA key generation takes tens of ms, and the
 * channel's public key must stay the one botbuilder cached for the fake's OpenID URL):
 * - `channel` signs the tokens the Bot Framework channel sends the bot (published in the fake
 *   channel identity's JWKS);
 * - `impostor` has the channel key's `kid` but other key material: a token it signs has a bad
 *   signature that botbuilder looks up under a known kid;
 * - `login` signs the tokens the fake login gives the bot (checked by the fake Bot Connector and
 *   the fake Graph).
 */
export interface ProcessKeys {
  readonly channel: SigningKey;
  readonly impostor: SigningKey;
  readonly login: SigningKey;
}

const KEYS = Symbol.for("weeknotes.test.bot-framework.keys");

export function processKeys(): Promise<ProcessKeys> {
  const holder = globalThis as { [KEYS]?: Promise<ProcessKeys> };
  holder[KEYS] ??= (async () => ({
    channel: await signingKey("weeknotes-test-channel-key"),
    impostor: await signingKey("weeknotes-test-channel-key"),
    login: await signingKey("weeknotes-test-login-key"),
  }))();
  return holder[KEYS];
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, publicKey, publicJwk: await exportJWK(publicKey) };
}
