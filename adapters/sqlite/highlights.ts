import type Database from "better-sqlite3";
import { z } from "zod";
import { type Highlight, isSameTag, sectionOfTags, type Tag } from "../../src/domain/highlight.ts";
import { PLATFORMS } from "../../src/domain/message-ref.ts";
import { checkRecord, HighlightQueryRecord, HighlightRecord, TagRecord } from "../../src/domain/records.ts";
import { SECTIONS, type Section } from "../../src/domain/sections.ts";
import type { HighlightQuery, SaveHighlightsResult } from "../../src/ports/store.ts";
import { refusal } from "./errors.ts";
import { epochMs, nullableText, parseJson, parseRow } from "./rows.ts";

const TagsSchema = z.array(TagRecord);

const HighlightRowSchema = z.object({
  workspace: z.string(),
  id: z.string(),
  platform: z.enum(PLATFORMS),
  conversation_id: z.string(),
  conversation_name: z.string(),
  private: z.union([z.literal(0), z.literal(1)]),
  message_id: nullableText,
  thread_id: nullableText,
  posted_at_ms: epochMs,
  author_id: nullableText,
  author_name: z.string(),
  text: z.string(),
  section: z.enum(SECTIONS),
  tags: z.string(),
  permalink: nullableText,
  team: nullableText,
});

const COLUMNS = `workspace, id, platform, conversation_id, conversation_name, private, message_id,
  thread_id, posted_at_ms, author_id, author_name, text, section, tags, permalink, team`;

/**
 * The highlights table: one row per (workspace, id), tags as a JSON array of
 * `{ user, reaction, section, via }` in the order they were added; message_id NULL for typed
 * text. Methods are synchronous and must run inside SqliteStore's error translation; see the
 * HighlightStore port for their contracts.
 */
export class HighlightTable {
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.db = db;
    this.sql = prepare(db);
  }

  /**
   * Upserts every highlight in one immediate transaction.
   * @throws BotError `store.invalid` before writing anything when one is invalid.
   */
  save(highlights: readonly Highlight[]): SaveHighlightsResult {
    const checked = highlights.map((h, index) => checkRecord(HighlightRecord, h, `highlight #${index}`));
    return this.db
      .transaction(() => {
        let inserted = 0;
        let updated = 0;
        for (const h of checked) {
          const existed = this.sql.exists.get(h.workspace, h.id) !== undefined;
          this.sql.upsert.run(toRow(h, h.tags, h.section));
          if (existed) {
            updated++;
          } else {
            inserted++;
          }
        }
        return { inserted, updated };
      })
      .immediate();
  }

  /** Deletes a highlight; true when there was one. */
  remove(workspace: string, id: string): boolean {
    return this.sql.delete.run(workspace, id).changes > 0;
  }

  /** One highlight, or undefined. @throws BotError `store.corrupt` when its row does not parse. */
  get(workspace: string, id: string): Highlight | undefined {
    const row = this.sql.get.get(workspace, id);
    return row === undefined ? undefined : toHighlight(row);
  }

  /**
   * Highlights posted in [fromMs, toMs) (UTC epoch ms), oldest first, ties by conversation then id;
   * with `query.team`, only that team's (HighlightQuery), filtered in SQL so that rows of other
   * teams and conversations are never parsed.
   * @throws BotError `store.invalid` when the query is invalid, `store.corrupt` when a row does not parse.
   */
  list(query: HighlightQuery): Highlight[] {
    checkRecord(HighlightQueryRecord, query, "highlight query");
    const { workspace, fromMs, toMs, team } = query;
    // JSON arrays keep each statement's SQL fixed whatever the number of conversations.
    const conversations = query.conversationIds === undefined ? null : JSON.stringify(query.conversationIds);
    let rows: unknown[];
    if (team !== undefined) {
      const shared = { workspace, fromMs, toMs, team: team.team, conversations };
      rows =
        team.conversationIds.length === 0
          ? this.sql.listTeamEverywhere.all(shared)
          : this.sql.listTeamSources.all({ ...shared, sources: JSON.stringify(team.conversationIds) });
    } else if (conversations === null) {
      rows = this.sql.list.all(workspace, fromMs, toMs);
    } else {
      rows = this.sql.listIn.all(workspace, fromMs, toMs, conversations);
    }
    return rows.map(toHighlight);
  }

  /**
   * Adds `tag` (a no-op when (user, reaction) is already there), creating the highlight from
   * `content` without its tags when missing, and recomputes the section with sectionOfTags. One
   * immediate transaction, so two instances adding tags to one new message keep both.
   * @returns the highlight as it now is, or undefined when missing and no `content` was given.
   * @throws BotError `store.invalid` before writing when the tag or content is invalid or the
   *   content is not highlight `id` of `workspace`.
   */
  addTag(workspace: string, id: string, tag: Tag, content?: Highlight): Highlight | undefined {
    const checkedTag = checkRecord(TagRecord, tag, "tag");
    const checkedContent =
      content === undefined ? undefined : checkRecord(HighlightRecord, content, "highlight");
    if (
      checkedContent !== undefined &&
      (checkedContent.workspace !== workspace || checkedContent.id !== id)
    ) {
      throw refusal("Refusing to add a tag: the highlight given is not the one named");
    }
    return this.db
      .transaction((): Highlight | undefined => {
        const current = this.get(workspace, id);
        if (current === undefined) {
          if (checkedContent === undefined) {
            return undefined;
          }
          // The content as it reads back (every optional field present), without its own tags.
          const base = toHighlight(toRow(checkedContent, [], checkedContent.section));
          return this.write(base, [checkedTag]);
        }
        if (current.tags.some((t) => isSameTag(t, checkedTag))) {
          return current;
        }
        return this.write(current, [...current.tags, checkedTag]);
      })
      .immediate();
  }

  /**
   * Removes the tag of exactly (user, reaction) and recomputes the section; deletes the highlight
   * when that was its last tag. A highlight without that tag is left as it is.
   * @returns the highlight as it now is, or undefined when it is gone or never was.
   */
  removeTag(
    workspace: string,
    id: string,
    tag: { readonly user: string; readonly reaction: string },
  ): Highlight | undefined {
    return this.db
      .transaction((): Highlight | undefined => {
        const current = this.get(workspace, id);
        if (current === undefined) {
          return undefined;
        }
        const kept = current.tags.filter((t) => !isSameTag(t, tag));
        if (kept.length === current.tags.length) {
          return current;
        }
        if (kept.length === 0) {
          this.remove(workspace, id);
          return undefined;
        }
        return this.write(current, kept);
      })
      .immediate();
  }

  /**
   * Replaces a highlight's text; false when there is no such highlight.
   * @throws BotError `store.invalid` when `text` is not a string.
   */
  updateText(workspace: string, id: string, text: string): boolean {
    checkRecord(z.string(), text, "highlight text");
    return this.sql.updateText.run(text, workspace, id).changes > 0;
  }

  // Writes `base` with `tags`, filed under the section the tags choose (its own when they choose none).
  private write(base: Highlight, tags: readonly Tag[]): Highlight {
    const section = sectionOfTags(tags, SECTIONS) ?? base.section;
    this.sql.upsert.run(toRow(base, tags, section));
    return { ...base, section, tags: tags.map(copyTag) };
  }
}

function copyTag(t: Tag): Tag {
  return { user: t.user, reaction: t.reaction, section: t.section, via: t.via };
}

type CheckedHighlight = Omit<Highlight, "messageId" | "threadId" | "authorId" | "permalink" | "team"> & {
  readonly messageId?: string | undefined;
  readonly threadId?: string | undefined;
  readonly authorId?: string | undefined;
  readonly permalink?: string | undefined;
  readonly team?: string | undefined;
};

function toRow(h: CheckedHighlight, tags: readonly Tag[], section: Section) {
  return {
    workspace: h.workspace,
    id: h.id,
    platform: h.platform,
    conversation_id: h.conversationId,
    conversation_name: h.conversationName,
    private: h.private ? 1 : 0,
    message_id: h.messageId ?? null,
    thread_id: h.threadId ?? null,
    posted_at_ms: h.postedAtMs,
    author_id: h.authorId ?? null,
    author_name: h.authorName,
    text: h.text,
    section,
    tags: JSON.stringify(tags.map(copyTag)),
    permalink: h.permalink ?? null,
    team: h.team ?? null,
  };
}

function toHighlight(raw: unknown): Highlight {
  const row = parseRow(HighlightRowSchema, raw, "highlight");
  return {
    id: row.id,
    platform: row.platform,
    workspace: row.workspace,
    conversationId: row.conversation_id,
    conversationName: row.conversation_name,
    private: row.private === 1,
    messageId: row.message_id ?? undefined,
    threadId: row.thread_id ?? undefined,
    postedAtMs: row.posted_at_ms,
    authorId: row.author_id ?? undefined,
    authorName: row.author_name,
    text: row.text,
    section: row.section,
    tags: parseJson(TagsSchema, row.tags, "highlight tags"),
    permalink: row.permalink ?? undefined,
    team: row.team ?? undefined,
  };
}

// One team's highlights (HighlightQuery.team), one arm per kind, each on its own partial index
// (schema 9). INDEXED BY because, without statistics, the planner prefers highlights_by_time to
// skip the sort and then reads every row of the workspace's week; naming the index also makes a
// schema that lost it fail at prepare rather than go slow. `:conversations` is the query's own
// conversation filter, NULL when absent.
const TYPED_FOR_TEAM = `
  SELECT ${COLUMNS} FROM highlights INDEXED BY highlights_typed_by_team
  WHERE workspace = :workspace AND team = :team AND posted_at_ms >= :fromMs AND posted_at_ms < :toMs
    AND (:conversations IS NULL OR conversation_id IN (SELECT value FROM json_each(:conversations)))`;
const ORDER = "ORDER BY posted_at_ms, conversation_id, id";

/**
 * The SQL of the team listings, with named parameters workspace, fromMs, toMs, team,
 * conversations (a JSON array or NULL) and, for `sources`, sources (a non-empty JSON array).
 * Exported for the query plan test.
 */
export const TEAM_LIST_SQL = {
  /** Typed text of the team, and untyped highlights posted in `sources`. */
  sources: `${TYPED_FOR_TEAM}
  UNION ALL
  SELECT ${COLUMNS} FROM highlights INDEXED BY highlights_untyped_by_conversation
  WHERE workspace = :workspace AND team IS NULL
    AND conversation_id IN (SELECT value FROM json_each(:sources))
    AND posted_at_ms >= :fromMs AND posted_at_ms < :toMs
    AND (:conversations IS NULL OR conversation_id IN (SELECT value FROM json_each(:conversations)))
  ${ORDER}`,
  /** Typed text of the team, and every untyped highlight (a team with no source conversations). */
  everywhere: `${TYPED_FOR_TEAM}
  UNION ALL
  SELECT ${COLUMNS} FROM highlights INDEXED BY highlights_by_time
  WHERE workspace = :workspace AND posted_at_ms >= :fromMs AND posted_at_ms < :toMs AND team IS NULL
    AND (:conversations IS NULL OR conversation_id IN (SELECT value FROM json_each(:conversations)))
  ${ORDER}`,
} as const;

function prepare(db: Database.Database) {
  const where = "WHERE workspace = ? AND id = ?";
  return {
    exists: db.prepare(`SELECT 1 FROM highlights ${where}`),
    // An upsert of an identical row still rewrites it, and saveHighlights counts it as updated.
    upsert: db.prepare(`
      INSERT INTO highlights (${COLUMNS})
      VALUES (:workspace, :id, :platform, :conversation_id, :conversation_name, :private, :message_id,
        :thread_id, :posted_at_ms, :author_id, :author_name, :text, :section, :tags, :permalink, :team)
      ON CONFLICT (workspace, id) DO UPDATE SET
        platform = excluded.platform, conversation_id = excluded.conversation_id,
        conversation_name = excluded.conversation_name, private = excluded.private,
        message_id = excluded.message_id, thread_id = excluded.thread_id,
        posted_at_ms = excluded.posted_at_ms, author_id = excluded.author_id,
        author_name = excluded.author_name, text = excluded.text, section = excluded.section,
        tags = excluded.tags, permalink = excluded.permalink, team = excluded.team`),
    delete: db.prepare(`DELETE FROM highlights ${where}`),
    get: db.prepare(`SELECT ${COLUMNS} FROM highlights ${where}`),
    updateText: db.prepare(`UPDATE highlights SET text = ? ${where}`),
    list: db.prepare(`
      SELECT ${COLUMNS} FROM highlights
      WHERE workspace = ? AND posted_at_ms >= ? AND posted_at_ms < ?
      ORDER BY posted_at_ms, conversation_id, id`),
    // Conversation ids arrive as one JSON array, so the SQL stays fixed whatever their number.
    listIn: db.prepare(`
      SELECT ${COLUMNS} FROM highlights
      WHERE workspace = ? AND posted_at_ms >= ? AND posted_at_ms < ?
        AND conversation_id IN (SELECT value FROM json_each(?))
      ORDER BY posted_at_ms, conversation_id, id`),
    listTeamSources: db.prepare(TEAM_LIST_SQL.sources),
    listTeamEverywhere: db.prepare(TEAM_LIST_SQL.everywhere),
  };
}
