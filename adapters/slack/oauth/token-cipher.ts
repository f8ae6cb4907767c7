import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { BotError } from "../../../src/domain/errors.ts";

/**
 * Encrypts installation tokens at rest (issue 11): AES-256-GCM with a 96-bit random nonce per
 * value (NIST SP 800-38D §8.2.2) and the 128-bit tag, so a changed or truncated ciphertext fails to
 * open rather than decrypting to garbage. The stored form is `v1.<nonce>.<tag>.<ciphertext>`, each
 * part base64url; `v1` leaves room to rotate the scheme. The key never leaves this object.
 */
export interface TokenCipher {
  seal(plaintext: string): string;
  /** @throws BotError `store.corrupt` when the value is not ours or was changed, or the key is another. */
  open(sealed: string): string;
}

const VERSION = "v1";

/**
 * A cipher from a 32-byte key given as 64 hex digits or base64/base64url (env
 * `INSTALLATION_ENCRYPTION_KEY`; make one with `openssl rand -base64 32`).
 * @throws BotError `config.invalid` when the key is not 32 bytes (its value is never repeated).
 */
export function createTokenCipher(key: string): TokenCipher {
  const bytes = decodeKey(key.trim());
  if (bytes.length !== 32) {
    throw new BotError(
      "config.invalid",
      "INSTALLATION_ENCRYPTION_KEY must be 32 bytes (64 hex digits or 44 base64 characters)",
      {
        hint: "Make one with: openssl rand -base64 32",
      },
    );
  }
  return {
    seal(plaintext) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", bytes, nonce);
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, nonce, cipher.getAuthTag(), body]
        .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
        .join(".");
    },
    open(sealed) {
      const [version, nonce, tag, body, ...rest] = sealed.split(".");
      if (
        version !== VERSION ||
        nonce === undefined ||
        tag === undefined ||
        body === undefined ||
        rest.length > 0
      ) {
        throw new BotError(
          "store.corrupt",
          "A stored installation token is not in the expected encrypted form",
        );
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", bytes, Buffer.from(nonce, "base64url"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
          "utf8",
        );
      } catch (error) {
        throw new BotError("store.corrupt", "A stored installation token cannot be decrypted", {
          hint: "INSTALLATION_ENCRYPTION_KEY differs from the key the token was stored with",
          cause: error,
        });
      }
    },
  };
}

function decodeKey(key: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(key)) {
    return Buffer.from(key, "hex");
  }
  return Buffer.from(key, key.includes("-") || key.includes("_") ? "base64url" : "base64");
}
