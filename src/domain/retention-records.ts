import { z } from "zod";

/**
 * The shapes the retention and "forget me" store methods check before they write (as
 * src/domain/records.ts does for the others): every store refuses a value that fails with
 * BotError `store.invalid` through checkRecord.
 */

/** An instant, UTC epoch ms. */
export const EpochMsRecord = z.number().int();

/** Highlights of one workspace to delete, by id; at most 1,000 in one call. */
export const HighlightIdsRecord = z.object({
  workspace: z.string().min(1),
  ids: z.array(z.string().min(1)).max(1000),
});

/** A person to forget in one workspace: their platform user id. */
export const PersonRecord = z.object({ workspace: z.string().min(1), user: z.string().min(1) });
