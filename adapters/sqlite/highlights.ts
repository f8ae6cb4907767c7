import type Database from "better-sqlite3";
import { z } from "zod";
import { type Highlight, highlightId, sectionOfTags, type Tag } from "../../src/domain/highlight.ts";
import { SECTIONS, type Section } from "../../src/domain/sections.ts";
import type { MessageKey, SaveHighlightsResult, Store } from "../../src/ports/store.ts";
import { refusal, refuseUnless } from "./errors.ts";
import { epochMs, optionalString, parseJson, parseRow } from "./rows.ts";

/** A highlight query as the port declares it inline. */
export type HighlightQuery = Parameters<Store["listHighlights"]>[0];

const TagSchema = z.object({ user: z.string(), reaction: z.string(), section: z.enum(SECTIONS) });
const TagsSchema = z.array(TagSchema);

const MessageKeySchema = z.object({
  workspace: z.string().min(1),
  channelId: z.string().min(1),
  ts: z.string().min(1),
});

// The shape checked before writing, so a bad value is refused instead of stored and found later.
const HighlightInputSchema = z
  .object({
    id: z.string(),
    workspace: z.string().min(1),
    channelId: z.string().min(1),
    channelName: z.string(),
    private: z.boolean(),
    ts: z.string().min(1),
    postedAtMs: epochMs,
    authorId: optionalString,
    authorName: z.string(),
    text: z.string(),
    section: z.enum(SECTIONS),
    tags: TagsSchema,
    permalink: optionalString,
    threadTs: optionalString,
  })
  .refine((h) => h.id === highlightId(h.channelId, h.ts), { path: ["id"], message: "not <channelId>/<ts>" });

const HighlightRowSchema = z.object({
  workspace: z.string(),
  channel_id: z.string(),
  ts: z.string(),
  channel_name: z.string(),
  private: z.union([z.literal(0), z.literal(1)]),
  posted_at_ms: epochMs,
  author_id: z.string().nullable(),
  author_name: z.string(),
  text: z.string(),
  section: z.enum(SECTIONS),
  tags: z.string(),
  permalink: z.string().nullable(),
  thread_ts: z.string().nullable(),
});

const HIGHLIGHT_COLUMNS = `workspace, channel_id, ts, channel_name, private, posted_at_ms, author_id,
  author_name, text, section, tags, permalink, thread_ts`;

/**
 * The highlights table: one row per tagged message, tags as a JSON array of
 * `{ user, reaction, section }` in the order they were added. Methods are synchronous and must run
 * inside SqliteStore's error translation; see the Store port for their contracts.
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
   * @throws BotError `store.corrupt` before writing anything when one is invalid.
   */
  save(highlights: readonly Highlight[]): SaveHighlightsResult {
    highlights.forEach((highlight, index) => {
      refuseUnless(HighlightInputSchema, highlight, `highlight #${index}`);
    });
    return this.db
      .transaction(() => {
        let inserted = 0;
        let updated = 0;
        for (const h of highlights) {
          const existed = this.sql.exists.get(h.workspace, h.channelId, h.ts) !== undefined;
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

  /** Deletes a message's highlight; true when there was one. */
  remove(key: MessageKey): boolean {
    return this.sql.delete.run(key.workspace, key.channelId, key.ts).changes > 0;
  }

  /** One highlight, or undefined. @throws BotError `store.corrupt` when its row does not parse. */
  get(key: MessageKey): Highlight | undefined {
    const row = this.sql.get.get(key.workspace, key.channelId, key.ts);
    return row === undefined ? undefined : toHighlight(row);
  }

  /** Highlights posted in [fromMs, toMs) (UTC epoch ms), oldest first, ties by channel then ts. */
  list(query: HighlightQuery): Highlight[] {
    refuseUnless(
      z.object({ workspace: z.string(), fromMs: z.number(), toMs: z.number() }),
      query,
      "highlight query",
    );
    const rows =
      query.channelIds === undefined
        ? this.sql.list.all(query.workspace, query.fromMs, query.toMs)
        : this.sql.listIn.all(query.workspace, query.fromMs, query.toMs, JSON.stringify(query.channelIds));
    return rows.map(toHighlight);
  }

  /**
   * Adds `tag` (a no-op when (user, reaction) is already there), creating the highlight from
   * `content` without its tags when missing, and recomputes the section with sectionOfTags. One
   * immediate transaction, so two instances adding tags to one new message keep both.
   * @returns the highlight as it now is, or undefined when missing and no `content` was given.
   * @throws BotError `store.corrupt` before writing when the key, tag or content is invalid or the
   *   content is of another message.
   */
  addTag(key: MessageKey, tag: Tag, content?: Highlight): Highlight | undefined {
    refuseUnless(MessageKeySchema, key, "message key");
    const checked = refuseUnless(TagSchema, tag, "tag");
    if (content !== undefined) {
      refuseUnless(HighlightInputSchema, content, "highlight");
      if (
        content.workspace !== key.workspace ||
        content.channelId !== key.channelId ||
        content.ts !== key.ts
      ) {
        throw refusal("Refusing to add a tag: the highlight given is of another message");
      }
    }
    return this.db
      .transaction((): Highlight | undefined => {
        const current = this.get(key);
        if (current === undefined) {
          if (content === undefined) {
            return undefined;
          }
          return this.write(content, [checked], content.section);
        }
        if (current.tags.some((t) => sameTag(t, checked))) {
          return current;
        }
        return this.write(current, [...current.tags, checked], current.section);
      })
      .immediate();
  }

  /**
   * Removes the tag of exactly (user, reaction) and recomputes the section; deletes the highlight
   * when that was its last tag. A highlight without that tag is left as it is.
   * @returns the highlight as it now is, or undefined when it is gone or never was.
   */
  removeTag(
    key: MessageKey,
    tag: { readonly user: string; readonly reaction: string },
  ): Highlight | undefined {
    refuseUnless(MessageKeySchema, key, "message key");
    return this.db
      .transaction((): Highlight | undefined => {
        const current = this.get(key);
        if (current === undefined) {
          return undefined;
        }
        const kept = current.tags.filter((t) => !sameTag(t, tag));
        if (kept.length === current.tags.length) {
          return current;
        }
        if (kept.length === 0) {
          this.remove(key);
          return undefined;
        }
        return this.write(current, kept, current.section);
      })
      .immediate();
  }

  /** Replaces a highlight's text; false when the message has no highlight. */
  updateText(key: MessageKey, text: string): boolean {
    refuseUnless(MessageKeySchema, key, "message key");
    refuseUnless(z.string(), text, "highlight text");
    return this.sql.updateText.run(text, key.workspace, key.channelId, key.ts).changes > 0;
  }

  // Writes `base` with `tags`, filed under the section the tags choose (`fallback` if they choose none).
  private write(base: Highlight, tags: readonly Tag[], fallback: Section): Highlight {
    const section = sectionOfTags(tags, SECTIONS) ?? fallback;
    this.sql.upsert.run(toRow(base, tags, section));
    return { ...base, section, tags };
  }
}

function sameTag(a: { user: string; reaction: string }, b: { user: string; reaction: string }): boolean {
  return a.user === b.user && a.reaction === b.reaction;
}

function toRow(h: Highlight, tags: readonly Tag[], section: Section) {
  return {
    workspace: h.workspace,
    channel_id: h.channelId,
    ts: h.ts,
    channel_name: h.channelName,
    private: h.private ? 1 : 0,
    posted_at_ms: h.postedAtMs,
    author_id: h.authorId ?? null,
    author_name: h.authorName,
    text: h.text,
    section,
    tags: JSON.stringify(tags.map((t) => ({ user: t.user, reaction: t.reaction, section: t.section }))),
    permalink: h.permalink ?? null,
    thread_ts: h.threadTs ?? null,
  };
}

function toHighlight(raw: unknown): Highlight {
  const row = parseRow(HighlightRowSchema, raw, "highlight");
  return {
    id: highlightId(row.channel_id, row.ts),
    workspace: row.workspace,
    channelId: row.channel_id,
    channelName: row.channel_name,
    private: row.private === 1,
    ts: row.ts,
    postedAtMs: row.posted_at_ms,
    authorId: row.author_id ?? undefined,
    authorName: row.author_name,
    text: row.text,
    section: row.section,
    tags: parseJson(TagsSchema, row.tags, "highlight tags"),
    permalink: row.permalink ?? undefined,
    threadTs: row.thread_ts ?? undefined,
  };
}

function prepare(db: Database.Database) {
  const where = "WHERE workspace = ? AND channel_id = ? AND ts = ?";
  return {
    exists: db.prepare(`SELECT 1 FROM highlights ${where}`),
    // An upsert of an identical row still rewrites it, and saveHighlights counts it as updated.
    upsert: db.prepare(`
      INSERT INTO highlights (${HIGHLIGHT_COLUMNS})
      VALUES (:workspace, :channel_id, :ts, :channel_name, :private, :posted_at_ms, :author_id,
        :author_name, :text, :section, :tags, :permalink, :thread_ts)
      ON CONFLICT (workspace, channel_id, ts) DO UPDATE SET
        channel_name = excluded.channel_name, private = excluded.private,
        posted_at_ms = excluded.posted_at_ms, author_id = excluded.author_id,
        author_name = excluded.author_name, text = excluded.text, section = excluded.section,
        tags = excluded.tags, permalink = excluded.permalink, thread_ts = excluded.thread_ts`),
    delete: db.prepare(`DELETE FROM highlights ${where}`),
    get: db.prepare(`SELECT ${HIGHLIGHT_COLUMNS} FROM highlights ${where}`),
    updateText: db.prepare(`UPDATE highlights SET text = ? ${where}`),
    list: db.prepare(`
      SELECT ${HIGHLIGHT_COLUMNS} FROM highlights
      WHERE workspace = ? AND posted_at_ms >= ? AND posted_at_ms < ?
      ORDER BY posted_at_ms, channel_id, ts`),
    // Channel ids arrive as one JSON array, so the SQL stays fixed whatever their number.
    listIn: db.prepare(`
      SELECT ${HIGHLIGHT_COLUMNS} FROM highlights
      WHERE workspace = ? AND posted_at_ms >= ? AND posted_at_ms < ?
        AND channel_id IN (SELECT value FROM json_each(?))
      ORDER BY posted_at_ms, channel_id, ts`),
  };
}
