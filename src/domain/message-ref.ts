/** The chat platforms weeknotes speaks to (SPEC §4). A workspace belongs to exactly one. */
export const PLATFORMS = ["slack", "teams"] as const;
export type Platform = (typeof PLATFORMS)[number];

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

/**
 * Where a chat message lives, on any platform (SPEC §3: identity is platform-neutral). Every id is
 * opaque text exactly as the platform gave it: for Slack the workspace is the team id `T…`, the
 * conversation a channel id `C…`/`G…`/`D…` and the message id the message's `ts`; for Teams the
 * workspace is the tenant id, the conversation a channel or chat id and the message id the
 * activity id. Nothing outside a platform's adapter reads meaning into them.
 */
export interface MessageRef {
  readonly platform: Platform;
  readonly workspace: string;
  readonly conversationId: string;
  readonly messageId: string;
  /** The message id of the thread's root when the message is a reply in a thread. */
  readonly threadId?: string | undefined;
}

/** A message the bot itself posted (a review, a published note), to update it later. */
export interface PostedRef {
  readonly platform: Platform;
  readonly conversationId: string;
  readonly messageId: string;
}

/**
 * The highlight id of a chat message: `<conversationId>/<messageId>`, unique within its workspace
 * (a workspace is on one platform). Summaries cite highlights by it, so it never changes.
 */
export function highlightIdOf(ref: Pick<MessageRef, "conversationId" | "messageId">): string {
  return `${ref.conversationId}/${ref.messageId}`;
}

/** The highlight id of typed text (not a chat message): `typed/<unique id>`. */
export function typedHighlightId(uniqueId: string): string {
  return `typed/${uniqueId}`;
}
