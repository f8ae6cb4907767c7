/**
 * What the model is asked to return and what is done with it before anyone sees it (SPEC §5,
 * cases C7 and C17): the answer is parsed against the document schema; citations of highlight ids
 * that were not in the request are dropped; any web address that is not word for word in the
 * input is removed; Slack broadcast and mention markup is stripped. The title and the footer are
 * written by code, never by the model.
 */
import { zodResponseFormat } from "openai/helpers/zod";
import { z } from "zod";
import { frameWords } from "../../src/domain/frame-words.ts";
import {
  type LeftOut,
  type NoteLanguage,
  type WeeknoteDocument,
  WeeknoteDocumentSchema,
  type WeeknoteItem,
  WeeknoteItemSchema,
  type WeeknoteParagraph,
  WeeknoteParagraphSchema,
  type WeeknoteSection,
  WeeknoteSectionSchema,
} from "../../src/domain/weeknote.ts";
import { outputError } from "./errors.ts";

/**
 * The part of a WeeknoteDocument the model writes, from the domain schemas (issue 9: prose): no
 * week, title, footer or leftOut (code writes them); body sections of themed `paragraphs` citing
 * ids, with a short `items` list only where a list is clearer; "Into next week…" sentences; one
 * thanks paragraph; the tune. OpenAI's strict structured outputs need every field present, so
 * `null` stands where the document has an optional field.
 */
export const ModelDocumentSchema = WeeknoteDocumentSchema.pick({
  themes: true,
  intro: true,
  intoNextWeek: true,
}).extend({
  sections: z.array(
    WeeknoteSectionSchema.pick({ heading: true, items: true }).extend({
      section: z.enum(["highlights", "challenges"]),
      paragraphs: z.array(WeeknoteParagraphSchema),
    }),
  ),
  thanks: WeeknoteParagraphSchema.nullable(),
  tune: WeeknoteItemSchema.nullable(),
});
export type ModelDocument = z.infer<typeof ModelDocumentSchema>;

/** `response_format` for chat.completions: the strict JSON schema made from {@link ModelDocumentSchema}. */
export const RESPONSE_FORMAT = (() => {
  const format = zodResponseFormat(ModelDocumentSchema, "weeknote_document", {
    description:
      "A draft weeknote: themes, intro, themed paragraphs citing highlight ids, into next week, thanks, tune.",
  });
  // A plain object: the helper's parse hooks are not enumerable and are not needed here.
  return { type: format.type, json_schema: format.json_schema };
})();

/**
 * Parses the model's message content.
 * @throws SummariserError `summariser.invalid_output` when it is not JSON of the schema.
 */
export function parseModelDocument(content: string): ModelDocument {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    throw Object.assign(outputError("summariser.invalid_output", "The model's answer is not JSON"), {
      cause: error,
    });
  }
  const result = ModelDocumentSchema.safeParse(value);
  if (!result.success) {
    throw outputError(
      "summariser.invalid_output",
      `The model's answer does not match the document schema: ${z.prettifyError(result.error).slice(0, 500)}`,
    );
  }
  return result.data;
}

/** What the output may refer to: the ids of the highlights and the URLs that were sent. */
export interface OutputContext {
  readonly highlightIds: ReadonlySet<string>;
  /** Every URL found in the text that was sent (see {@link findUrls}). */
  readonly allowedUrls: ReadonlySet<string>;
  /** Display names by user id (`U0BOB00002` → `Bob`), so a `<@U…>` the model writes becomes a plain name. */
  readonly userNames?: ReadonlyMap<string, string>;
}

/** What {@link cleanModelDocument} removed, for the logs (counts only, never text). */
export interface CleanReport {
  droppedCitations: number;
  removedUrls: number;
  strippedMarkup: number;
}

/**
 * The model's document made safe: every text stripped of broadcast markup and of web addresses
 * that were not in the input; authors' names and headings made one line; citations kept only when
 * they name a highlight that was sent; empty paragraphs, items and sections dropped; at most 4
 * themes. The result is plain text: the renderers escape it (names as names, never links).
 */
export function cleanModelDocument(
  doc: ModelDocument,
  context: OutputContext,
): { document: ModelDocument; report: CleanReport } {
  const report: CleanReport = { droppedCitations: 0, removedUrls: 0, strippedMarkup: 0 };
  const text = (value: string) => cleanText(value, context.allowedUrls, report, context.userNames);
  const known = (ids: readonly string[]) => {
    report.droppedCitations += ids.filter((id) => !context.highlightIds.has(id)).length;
    return [...new Set(ids)].filter((id) => context.highlightIds.has(id));
  };
  const item = (value: WeeknoteItem): WeeknoteItem | undefined => {
    const cleaned = text(value.text);
    if (!cleaned) {
      return undefined;
    }
    return {
      text: cleaned,
      // Names are one line in the document, whatever the model wrote: no renderer can be made to
      // start a new bullet or heading by a name.
      authors: value.authors.map((name) => oneLine(text(name))).filter(Boolean),
      highlightIds: known(value.highlightIds),
    };
  };
  const paragraph = (value: WeeknoteParagraph): WeeknoteParagraph | undefined => {
    const cleaned = text(value.text);
    return cleaned ? { text: cleaned, highlightIds: known(value.highlightIds) } : undefined;
  };
  const items = (values: readonly WeeknoteItem[]) => values.map(item).filter((i) => i !== undefined);
  const sections = doc.sections
    .map((section) => ({
      section: section.section,
      heading: oneLine(text(section.heading)) || defaultHeading(section.section),
      paragraphs: section.paragraphs.map(paragraph).filter((p) => p !== undefined),
      items: items(section.items),
    }))
    .filter((section) => section.items.length > 0 || section.paragraphs.length > 0);
  const themes = doc.themes
    .map((theme) => oneLine(text(theme)))
    .filter(Boolean)
    .slice(0, 4);
  const tune = doc.tune === null ? undefined : item(doc.tune);
  const thanks = doc.thanks === null ? undefined : paragraph(doc.thanks);
  return {
    document: {
      themes,
      intro: text(doc.intro),
      sections,
      intoNextWeek: items(doc.intoNextWeek),
      thanks: thanks ?? null,
      tune: tune ?? null,
    },
    report,
  };
}

/** Every highlight id the model's document cites: paragraphs, items, into next week, thanks, tune. */
export function citedIds(doc: ModelDocument): Set<string> {
  const cited = new Set<string>();
  const add = (ids: readonly string[]) => {
    for (const id of ids) cited.add(id);
  };
  for (const section of doc.sections) {
    for (const p of section.paragraphs) add(p.highlightIds);
    for (const i of section.items) add(i.highlightIds);
  }
  for (const i of doc.intoNextWeek) add(i.highlightIds);
  if (doc.thanks) add(doc.thanks.highlightIds);
  if (doc.tune) add(doc.tune.highlightIds);
  return cited;
}

/**
 * The highlights a document does not cite, in the order given, each with reason `not_cited`
 * (issue 9: nothing tagged silently disappears).
 */
export function leftOutOf(doc: ModelDocument, highlightIds: readonly string[]): LeftOut[] {
  const cited = citedIds(doc);
  return highlightIds.filter((id) => !cited.has(id)).map((id) => ({ highlightId: id, reason: "not_cited" }));
}

/**
 * The final WeeknoteDocument: the model's cleaned body with the title, the thanks heading, the
 * language and the footer written by code, and `leftOut` as given (see {@link leftOutOf}).
 * @throws SummariserError `summariser.invalid_output` if it is still not a document.
 */
export function toWeeknoteDocument(
  doc: ModelDocument,
  meta: {
    week: string;
    seriesNumber?: string | undefined;
    footer: string;
    language?: NoteLanguage | undefined;
    leftOut?: readonly LeftOut[] | undefined;
  },
): WeeknoteDocument {
  const words = frameWords(meta.language);
  const sections: WeeknoteSection[] = doc.sections.map((s) => ({
    section: s.section,
    heading: s.heading,
    paragraphs: s.paragraphs,
    items: s.items,
  }));
  if (doc.thanks) {
    sections.push({ section: "thanks", heading: words.thanks, paragraphs: [doc.thanks], items: [] });
  }
  // Themes the cleaning emptied: name the week by its highlight sections instead.
  const themes =
    doc.themes.length > 0
      ? doc.themes
      : doc.sections
          .filter((s) => s.section === "highlights")
          .map((s) => s.heading)
          .slice(0, 4);
  const document = {
    week: meta.week,
    title: weeknoteTitle(meta.week, meta.seriesNumber, themes, meta.language),
    themes,
    intro: doc.intro,
    sections,
    intoNextWeek: doc.intoNextWeek,
    ...(doc.tune === null ? {} : { tune: doc.tune }),
    ...(meta.language === undefined ? {} : { language: meta.language }),
    ...(meta.leftOut === undefined ? {} : { leftOut: [...meta.leftOut] }),
    footer: meta.footer,
  };
  const result = WeeknoteDocumentSchema.safeParse(document);
  if (!result.success) {
    throw outputError(
      "summariser.invalid_output",
      `The cleaned answer is not a weeknote: ${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

/**
 * `3.12 — weeknotes — theme — theme`, or `weeknotes 2026-W13 — theme — theme`, as the offline
 * summariser writes it, with the frame words of `language`.
 */
export function weeknoteTitle(
  week: string,
  seriesNumber: string | undefined,
  themes: readonly string[],
  language?: NoteLanguage,
): string {
  const words = frameWords(language);
  const prefix = seriesNumber ? `${seriesNumber} — ${words.weeknotes}` : `${words.weeknotes} ${week}`;
  return [prefix, ...(themes.length > 0 ? themes.map(oneLine) : [words.quietWeek])].join(" — ");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function defaultHeading(section: "highlights" | "challenges"): string {
  return section === "highlights" ? "This week" : "Challenges";
}

// --- Text cleaning ---------------------------------------------------------------------------

/**
 * Slack and Teams markup that notifies people or links: `<!channel>`, `<!here>`, `<!everyone>`,
 * `<!subteam^S…|@team>`, `<@U…>` / `<@W…|name>`, Teams `<at>name</at>`, and the same with the
 * angle brackets entity-escaped (`&lt;!here&gt;`). Labels are kept as plain words where they are
 * names; the broadcast words themselves go.
 */
const MENTION_MARKUP =
  /(?:<|&lt;)(?:!(?:channel|here|everyone)(?:\|[^<>]*)?|!subteam\^[A-Z0-9]+(?:\|@?([^<>]*))?|@([UW][A-Z0-9]+)(?:\|@?([^<>]*))?)(?:>|&gt;)/gi;
const TEAMS_AT = /<at>([^<]*)<\/at>/gi;
const BARE_BROADCAST = /(^|[^\w@])@(channel|here|everyone)\b/gi;
/** Slack's link markup `<https://x|label>` / `<https://x>`: code decides about the URL. */
const SLACK_LINK = /<((?:https?|ftp|mailto):[^<>|\s]+)(?:\|([^<>]*))?>/gi;

/**
 * Web addresses in text: with a scheme (`https://…`), or without one when they start `www.` or are
 * a domain followed by a path (`evil.example/c?d=…`), which Slack and most renderers still turn
 * into links. Trailing sentence punctuation is not part of the address. Domain labels are bounded
 * as DNS bounds them (63 characters, 127 labels), so a chain such as `a.a.a.…` that never ends in
 * `/` is given up after a bounded number of steps from each start: linear, not quadratic.
 */
const URL_PATTERN =
  /\b(?:(?:https?|ftp):\/\/[^\s<>"']+|www\.[^\s<>"']+|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,126}[a-z]{2,63}\/[^\s<>"']*)/gi;
const TRAILING_CHARS = `.,;:!?)]}'"`;

/** Every web address in `text`, as {@link URL_PATTERN} finds it, without trailing punctuation. */
export function findUrls(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    if (url) {
      found.push(url);
    }
  }
  return found;
}

/**
 * `raw` without trailing {@link TRAILING_CHARS}, except a `)` that closes a `(` inside the URL
 * (`…/Foo_(bar)`). The brackets are counted once and the end moves left one character per step:
 * linear however many `)` or `.` the candidate ends with (recounting per `)` took 43 s on 40,000).
 */
function trimUrl(raw: string): string {
  let opens = 0;
  let closes = 0;
  for (let i = 0; i < raw.length; i += 1) {
    const code = raw.charCodeAt(i);
    if (code === 0x28) {
      opens += 1;
    } else if (code === 0x29) {
      closes += 1;
    }
  }
  let end = raw.length;
  while (end > 0) {
    const last = raw.charAt(end - 1);
    if (!TRAILING_CHARS.includes(last)) {
      break;
    }
    if (last === ")") {
      if (opens >= closes) {
        break;
      }
      closes -= 1;
    }
    end -= 1;
  }
  return raw.slice(0, end);
}

/** One text of the model's answer, cleaned (see {@link cleanModelDocument}). */
export function cleanText(
  text: string,
  allowedUrls: ReadonlySet<string>,
  report?: CleanReport,
  userNames?: ReadonlyMap<string, string>,
): string {
  let out = text.replace(
    MENTION_MARKUP,
    (_whole, subteam: string | undefined, userId: string | undefined, label: string | undefined) => {
      if (report) report.strippedMarkup += 1;
      return (
        subteam ?? (userId === undefined ? undefined : userNames?.get(userId.toUpperCase())) ?? label ?? ""
      );
    },
  );
  out = out.replace(TEAMS_AT, (_whole, name: string) => {
    if (report) report.strippedMarkup += 1;
    return name;
  });
  out = out.replace(BARE_BROADCAST, (_whole, before: string, word: string) => {
    if (report) report.strippedMarkup += 1;
    return `${before}${word}`;
  });
  out = out.replace(SLACK_LINK, (_whole, url: string, label: string | undefined) => {
    const kept = allowedUrls.has(url) ? url : "";
    if (!kept && report) report.removedUrls += 1;
    const name = label?.trim();
    if (name && kept && name !== kept) {
      return `${name} (${kept})`;
    }
    return name || kept;
  });
  out = out.replace(URL_PATTERN, (raw) => {
    const url = trimUrl(raw);
    const tail = raw.slice(url.length);
    if (allowedUrls.has(url)) {
      return raw;
    }
    if (report) report.removedUrls += 1;
    return tail;
  });
  return tidy(out);
}

// Removing words can leave doubled spaces, empty brackets and space before punctuation.
function tidy(text: string): string {
  return text
    .replace(/\(\s*\)|\[\s*\]/g, "")
    .replace(/[ \t]{2,}/g, " ")
    .replace(/[ \t]+([.,;:!?])/g, "$1")
    .replace(/[ \t]+$/gm, "")
    .trim();
}
