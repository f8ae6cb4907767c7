import { z } from "zod";
import { BotError } from "../../src/domain/errors.ts";
import { issuePaths } from "./errors.ts";

/** An integer count of UTC epoch ms. */
export const epochMs = z.number().int();

/** A string that may be absent (undefined, never null). */
export const optionalString = z.string().optional();

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

/** A pair of nullable columns as one optional value: both set, or both NULL. */
export function pairOrUndefined(
  channel: string | null,
  ts: string | null,
  what: string,
): { readonly channel: string; readonly ts: string } | undefined {
  if (channel === null && ts === null) {
    return undefined;
  }
  if (channel === null || ts === null) {
    throw new BotError("store.corrupt", `A stored ${what} has a channel or a ts but not both`);
  }
  return { channel, ts };
}
