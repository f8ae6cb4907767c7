import { z } from "zod";
import { BotError } from "../../src/domain/errors.ts";
import { isPlatform, type PostedRef } from "../../src/domain/message-ref.ts";
import { issuePaths } from "../../src/domain/records.ts";

/** An integer count of UTC epoch ms. */
export const epochMs = z.number().int();

/** A nullable TEXT column. */
export const nullableText = z.string().nullable();

/**
 * Parses a row read from the database.
 * @throws BotError `store.corrupt` naming the malformed fields (never their values).
 */
export function parseRow<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new BotError("store.corrupt", `A stored ${what} is malformed: ${issuePaths(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}

/**
 * Parses a JSON TEXT column and checks it against `schema`.
 * @throws BotError `store.corrupt` when it is not JSON or not of that shape.
 */
export function parseJson<T>(schema: z.ZodType<T>, json: string, what: string): T {
  return parseRow(
    schema,
    corruptUnless(what, () => JSON.parse(json) as unknown),
    what,
  );
}

/**
 * Runs a parse of stored data that throws, turning its error into `store.corrupt`.
 * @throws BotError `store.corrupt` with the original error as cause.
 */
export function corruptUnless<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw new BotError("store.corrupt", `A stored ${what} is malformed`, { cause: error });
  }
}

/**
 * Three nullable columns (platform, conversation id, message id) as one optional PostedRef: all
 * set, or all NULL.
 * @throws BotError `store.corrupt` when only some are set or the platform is unknown.
 */
export function postedRefOf(
  platform: string | null,
  conversationId: string | null,
  messageId: string | null,
  what: string,
): PostedRef | undefined {
  if (platform === null && conversationId === null && messageId === null) {
    return undefined;
  }
  if (platform === null || conversationId === null || messageId === null || !isPlatform(platform)) {
    throw new BotError("store.corrupt", `A stored ${what} is incomplete`);
  }
  return { platform, conversationId, messageId };
}
