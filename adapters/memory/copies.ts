import type { Highlight, Tag } from "../../src/domain/highlight.ts";
import { teamSettingsOf } from "../../src/domain/team.ts";

/**
 * Copies of records, field by field, as the SQLite store reads them back: every optional field
 * present (undefined when unset), no field the type does not name, nothing shared with the
 * caller. The memory store copies what it is given and what it returns with these, so a caller
 * can never change what is stored by changing an object afterwards.
 */

/** `T` with fields `K` optional: a checked record, from which zod leaves out what was undefined. */
type Loose<T, K extends keyof T> = Omit<T, K> & { readonly [P in K]?: T[P] | undefined };

export type CheckedHighlight = Loose<Highlight, "messageId" | "threadId" | "authorId" | "permalink" | "team">;

export function copyTag(t: Tag): Tag {
  return { user: t.user, reaction: t.reaction, section: t.section, via: t.via };
}

export function copyHighlight(h: CheckedHighlight, tags: readonly Tag[] = h.tags): Highlight {
  return {
    id: h.id,
    platform: h.platform,
    workspace: h.workspace,
    conversationId: h.conversationId,
    conversationName: h.conversationName,
    private: h.private,
    messageId: h.messageId,
    threadId: h.threadId,
    postedAtMs: h.postedAtMs,
    authorId: h.authorId,
    authorName: h.authorName,
    text: h.text,
    section: h.section,
    tags: tags.map(copyTag),
    permalink: h.permalink,
    team: h.team,
  };
}

/** A team's settings, copied (see teamSettingsOf). */
export const copyTeam = teamSettingsOf;

/**
 * Orders text as SQLite's BINARY collation does (by UTF-8 bytes), which differs from JavaScript's
 * `<` (UTF-16 code units) once characters beyond U+FFFF meet characters above U+E000.
 */
export function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
