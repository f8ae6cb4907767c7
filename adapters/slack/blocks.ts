/**
 * Pure renderers from the weeknote document model (src/domain/weeknote.ts) to Slack Block Kit
 * messages: the draft for review with its buttons, the published note, and the note as one mrkdwn
 * string. All chat and LLM text is escaped here, once (adapters/slack/escape.ts).
 *
 * Limits (CASES C8), each from a Slack document or a reported failure:
 * - a section block's text holds at most 3,000 characters (Block Kit "Section block" reference;
 *   `invalid_blocks` "must be less than 3001 characters");
 * - a message holds at most 50 blocks (Block Kit "Blocks" reference), the actions block included;
 * - the text of all blocks of one message stays within {@link MESSAGE_TEXT_BUDGET}: Slack rejects
 *   messages with `msg_blocks_too_long` from about 12–13k characters in total although no limit
 *   is documented (slackapi/bolt-js#2509, #2867, where 11,341 characters of text were refused once
 *   block containers were counted too), so we keep a margin;
 * - the top-level `text` (the notification and fallback text) stays within 3,000 characters
 *   (seratch/ChatGPT-in-Slack#102: `msg_too_long` on ~4k-character texts).
 * A note that does not fit one message continues in further messages, which the caller posts as
 * thread replies of the first; nothing is cut. Lengths are counted in UTF-16 code units, which is
 * never less than Slack's character count.
 *
 * Names (authors, the team) and texts from chat or an LLM are escaped the same way as in the
 * Markdown note (src/domain/render-markdown.ts) and on Teams cards: shown as written, bidi controls
 * as `<U+XXXX>`, never a mention or a disguised link; only a bare URL in a text becomes a link,
 * showing the URL itself. A name is one line and never a link.
 */

import { graphemesOf } from "../../src/domain/graphemes.ts";
import {
  isProseNote,
  namePieces,
  type ProsePart,
  type ProseSentence,
  proseParts,
} from "../../src/domain/note-prose.ts";
import type { ReviewView } from "../../src/domain/outcomes.ts";
import { showBidiControls } from "../../src/domain/render-markdown.ts";
import type { TeamSettings } from "../../src/domain/team.ts";
import type { Revision, Weeknote, WeeknoteDocument, WeeknoteItem } from "../../src/domain/weeknote.ts";
import { escapeSlackMrkdwn, escapeSlackText } from "./escape.ts";

/** Most characters in one section block's text (Slack Block Kit reference). */
export const SECTION_TEXT_LIMIT = 3000;
/** Most blocks in one message (Slack Block Kit reference). */
export const MESSAGE_BLOCK_LIMIT = 50;
/** Most characters of block text in one message: below the ~12k where Slack starts refusing. */
export const MESSAGE_TEXT_BUDGET = 11_000;
/** Most characters in a message's top-level `text`. */
export const FALLBACK_TEXT_LIMIT = 3000;
// Status lines (footer, outcome) are ours and short; a cap keeps the budget arithmetic simple.
const STATUS_TEXT_LIMIT = 1000;

/** The `action_id`s of the review buttons; receivers route on them. */
export const WEEKNOTE_ACTIONS = {
  approve: "weeknote_approve",
  edit: "weeknote_edit",
  regenerate: "weeknote_regenerate",
  skip: "weeknote_skip",
} as const;
export type WeeknoteActionId = (typeof WEEKNOTE_ACTIONS)[keyof typeof WEEKNOTE_ACTIONS];

/** The `block_id` of the review buttons' actions block. */
export const WEEKNOTE_ACTIONS_BLOCK_ID = "weeknote_actions";

/** What a review button's `value` carries (as JSON): which weeknote, and the revision shown. */
export interface WeeknoteActionValue {
  readonly workspace: string;
  readonly team: string;
  /** Week key, `2026-W13`. */
  readonly week: string;
  readonly revision: number;
}

export interface MrkdwnText {
  readonly type: "mrkdwn";
  readonly text: string;
  /** True: Slack links and mentions nothing by itself; only markup we wrote is live. */
  readonly verbatim: true;
}

export interface PlainText {
  readonly type: "plain_text";
  readonly text: string;
  readonly emoji?: boolean;
}

export interface SectionBlock {
  readonly type: "section";
  readonly text: MrkdwnText;
}

export interface HeaderBlock {
  readonly type: "header";
  readonly text: PlainText;
}

export interface ContextBlock {
  readonly type: "context";
  readonly elements: readonly MrkdwnText[];
}

export interface ConfirmDialog {
  readonly title: PlainText;
  readonly text: PlainText;
  readonly confirm: PlainText;
  readonly deny: PlainText;
}

export interface ButtonElement {
  readonly type: "button";
  readonly action_id: WeeknoteActionId;
  readonly text: PlainText;
  /** JSON of {@link WeeknoteActionValue}; at most 2,000 characters (Block Kit button reference). */
  readonly value: string;
  readonly style?: "primary" | "danger";
  readonly confirm?: ConfirmDialog;
}

export interface ActionsBlock {
  readonly type: "actions";
  readonly block_id: string;
  readonly elements: readonly ButtonElement[];
}

/** The blocks these renderers make; each is a valid Block Kit block as Slack documents it. */
export type SlackBlock = SectionBlock | HeaderBlock | ContextBlock | ActionsBlock;

/** One chat.postMessage / chat.update payload: fallback `text` and `blocks`. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/**
 * The draft for review. The first message holds a header, the title, the note's sections, a
 * context footer saying how the revision was made (origin, model and prompt version, number of
 * highlights, revision number) and either the Approve / Edit / Regenerate / Skip buttons while
 * the review is open or, once decided, a context line with `outcome` (presenter.ts's
 * reviewStatusText) instead. A note too long for one message continues in further messages (to
 * post as thread replies), each starting with "part k of n".
 */
export function reviewMessage(view: ReviewView, outcome?: string): SlackMessage[] {
  const { team, weeknote, revision } = view;
  const week = weeknote.week;
  const tail: SlackBlock[] = [context(`${slackName(team.name)} · ${madeBy(revision)}`)];
  if (outcome === undefined) {
    tail.push(
      actionsBlock({ workspace: weeknote.workspace, team: weeknote.team, week, revision: revision.number }),
    );
  } else {
    tail.push(context(slackText(oneLine(outcome))));
  }
  const title = `Draft weeknote for ${oneLine(team.name)}, ${week}: ${oneLine(revision.document.title)}`;
  return layOut(noteBlocks(revision.document), {
    head: [header(`Draft weeknote · ${week}`)],
    tail,
    fallback: slackText(outcome === undefined ? title : `${title} (${oneLine(outcome)})`),
    partLabel: (part, parts) => `Draft weeknote ${week}, continued: part ${part} of ${parts}`,
  });
}

/** The approved note as posted to the publish channel: the same layout without buttons. */
export function publishedMessage(team: TeamSettings, weeknote: Weeknote, revision: Revision): SlackMessage[] {
  const week = weeknote.week;
  return layOut(noteBlocks(revision.document), {
    head: [],
    tail: [context(`Weeknote of ${slackName(team.name)} for ${week}`)],
    fallback: slackText(`Weeknote of ${oneLine(team.name)} for ${week}: ${oneLine(revision.document.title)}`),
    partLabel: (part, parts) => `Weeknote ${week}, continued: part ${part} of ${parts}`,
  });
}

/**
 * The whole note as one Slack mrkdwn string, escaped: `*title*`, intro, each section as a `*bold*`
 * heading, its summary and `•` bullets (authors in brackets), "Into next week", "Tune of the week",
 * then the footer in italics; parts separated by a blank line. Bare URLs become `<url>` links.
 * A prose note (issue 9) has paragraphs instead, each section's first led by its bold heading.
 */
export function noteAsMrkdwn(document: WeeknoteDocument): string {
  return [titleParagraph(document), ...bodyParagraphs(document)].join("\n\n");
}

/** The JSON a review button carries, or undefined when `value` is not one of ours. */
export function parseWeeknoteActionValue(value: string): WeeknoteActionValue | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // Not JSON: a button from an older message or someone else's app, not a weeknote action.
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) {
    return undefined;
  }
  const { workspace, team, week, revision } = parsed as Record<string, unknown>;
  if (
    typeof workspace !== "string" ||
    typeof team !== "string" ||
    typeof week !== "string" ||
    typeof revision !== "number" ||
    !Number.isInteger(revision)
  ) {
    return undefined;
  }
  return { workspace, team, week, revision };
}

/**
 * Splits escaped mrkdwn into pieces of at most `limit` characters: at line breaks where it can,
 * else at spaces, else between characters, never inside an entity (`&amp;`), a `<…>` link or a
 * grapheme (an emoji with its modifiers). The line break or space at a split point is dropped;
 * everything else is kept in order. Pieces with nothing but whitespace are left out.
 */
export function splitMrkdwn(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let current: string | undefined;
  for (const { separator, piece } of tokens(text, limit)) {
    if (current === undefined) {
      current = piece;
    } else if (current.length + separator.length + piece.length <= limit) {
      current += separator + piece;
    } else {
      pieces.push(current);
      current = piece;
    }
  }
  if (current !== undefined) {
    pieces.push(current);
  }
  return pieces.filter((piece) => piece.trim() !== "");
}

/** Characters of text in a block (or any Block Kit value): every `text` string, summed. */
export function blockTextLength(value: unknown): number {
  if (Array.isArray(value)) {
    return value.reduce((sum: number, item) => sum + blockTextLength(item), 0);
  }
  if (typeof value !== "object" || value === null) {
    return 0;
  }
  let sum = 0;
  for (const [key, item] of Object.entries(value)) {
    sum += key === "text" && typeof item === "string" ? item.length : blockTextLength(item);
  }
  return sum;
}

// --- the note as blocks -------------------------------------------------------------------------

function noteBlocks(document: WeeknoteDocument): SectionBlock[] {
  // The title never shares a block, so the note always opens with it.
  return [...sectionTexts([titleParagraph(document)]), ...sectionTexts(bodyParagraphs(document))].map(
    section,
  );
}

function titleParagraph(document: WeeknoteDocument): string {
  return bold(document.title);
}

function bodyParagraphs(document: WeeknoteDocument): string[] {
  if (isProseNote(document)) {
    return proseParagraphs(document);
  }
  const parts: string[] = [];
  if (document.intro.trim()) {
    parts.push(slackMrkdwn(document.intro.trim()));
  }
  for (const part of document.sections) {
    const lines = [bold(part.heading)];
    if (part.summary?.trim()) {
      lines.push(slackMrkdwn(part.summary.trim()));
    }
    lines.push(...part.items.map(bullet));
    parts.push(lines.join("\n"));
  }
  if (document.intoNextWeek.length > 0) {
    parts.push([bold("Into next week"), ...document.intoNextWeek.map(bullet)].join("\n"));
  }
  if (document.tune) {
    parts.push(`${bold("Tune of the week")}\n${itemText(document.tune)}`);
  }
  if (document.footer.trim()) {
    parts.push(`_${slackText(oneLine(document.footer))}_`);
  }
  return parts;
}

/**
 * A prose note's body (issue 9) as the Markdown note lays it out (proseParts): each paragraph, a
 * section's first led by its heading in bold (`*End of financial year.* …`), a short list as `•`
 * bullets, "Into next week…" and "Tune of the week:" in the note's language, then the footer.
 */
function proseParagraphs(document: WeeknoteDocument): string[] {
  const parts = proseParts(document).map(prosePart);
  if (document.footer.trim()) {
    parts.push(`_${slackText(oneLine(document.footer))}_`);
  }
  return parts;
}

function prosePart(part: ProsePart): string {
  if (part.kind === "list") {
    return part.items.map((item) => `• ${proseSentence(item)}`).join("\n");
  }
  const lead = part.lead ? [bold(part.lead)] : [];
  return [...lead, ...part.sentences.map(proseSentence)].join(" ");
}

function proseSentence(sentence: ProseSentence): string {
  const names = sentence.names.map(slackName).filter((name) => name !== "");
  // A name the prose holds is shown as a name there too: never a link.
  const text = namePieces(sentence.text, sentence.mentions)
    .map((piece) => (piece.name ? slackText(piece.text) : slackMrkdwn(piece.text)))
    .join("");
  return names.length > 0 ? `${text} (${names.join(", ")})` : text;
}

function bullet(item: WeeknoteItem): string {
  // Continuation lines are indented so a multi-line message reads as one bullet.
  return `• ${itemText(item).replace(/\n/g, "\n    ")}`;
}

function itemText(item: WeeknoteItem): string {
  const text = slackMrkdwn(item.text.trim());
  const names = item.authors.map(slackName).filter((name) => name !== "");
  return names.length > 0 ? `${text} (${names.join(", ")})` : text;
}

function bold(text: string): string {
  return `*${slackText(oneLine(text))}*`;
}

/** Plain text from chat or an LLM → escaped mrkdwn that shows it as written (no links). */
function slackText(text: string): string {
  return escapeSlackText(showBidiControls(text));
}

/** Like {@link slackText}, with each bare URL a link showing itself (escapeSlackMrkdwn). */
function slackMrkdwn(text: string): string {
  return escapeSlackMrkdwn(showBidiControls(text));
}

/** A display name (a person, a team): one line, shown as written, never a link or mention. */
function slackName(name: string): string {
  return slackText(name.replace(/\s+/g, " ").trim());
}

function oneLine(text: string): string {
  // One pass over each run of white space (`\s*\n\s*` rescans a long run from every position).
  return text.replace(/\s+/g, (run) => (run.includes("\n") ? " " : run)).trim();
}

/**
 * Paragraphs → section texts of at most SECTION_TEXT_LIMIT: consecutive paragraphs share a block
 * while they fit (fewer blocks for a week of many short sections), a paragraph that does not fit
 * what is left starts a new block, and one longer than a block is split (splitMrkdwn).
 */
function sectionTexts(paragraphs: readonly string[]): string[] {
  const texts: string[] = [];
  let current: string | undefined;
  for (const paragraph of paragraphs) {
    if (current !== undefined && current.length + 2 + paragraph.length <= SECTION_TEXT_LIMIT) {
      current += `\n\n${paragraph}`;
      continue;
    }
    if (current !== undefined) {
      texts.push(current);
    }
    const pieces = splitMrkdwn(paragraph, SECTION_TEXT_LIMIT);
    current = pieces.pop();
    texts.push(...pieces);
  }
  if (current !== undefined) {
    texts.push(current);
  }
  return texts.filter((text) => text.trim() !== "");
}

interface Token {
  readonly separator: string;
  readonly piece: string;
}

function* tokens(text: string, limit: number): Generator<Token> {
  let lineSeparator = "";
  for (const line of text.split("\n")) {
    if (line.length <= limit) {
      yield { separator: lineSeparator, piece: line };
    } else {
      let separator = lineSeparator;
      for (const word of line.split(" ")) {
        if (word.length <= limit) {
          yield { separator, piece: word };
        } else {
          for (const part of splitWord(word, limit)) {
            yield { separator, piece: part };
            separator = "";
          }
        }
        separator = " ";
      }
    }
    lineSeparator = "\n";
  }
}

// An entity or a link we built stays whole; the rest is cut between graphemes.
const ATOM = /&(?:amp|lt|gt);|<[^<>\s]*>/g;

function splitWord(word: string, limit: number): string[] {
  const parts: string[] = [];
  let current = "";
  for (const atom of atoms(word, limit)) {
    if (current && current.length + atom.length > limit) {
      parts.push(current);
      current = "";
    }
    current += atom;
  }
  if (current) {
    parts.push(current);
  }
  return parts;
}

function* atoms(word: string, limit: number): Generator<string> {
  let last = 0;
  for (const match of word.matchAll(ATOM)) {
    yield* textAtoms(word.slice(last, match.index), limit);
    yield match[0];
    last = match.index + match[0].length;
  }
  yield* textAtoms(word.slice(last), limit);
}

function* textAtoms(text: string, limit: number): Generator<string> {
  for (const segment of graphemesOf(text)) {
    // A "grapheme" longer than a block (thousands of combining marks) is cut by code point.
    yield* segment.length <= limit ? [segment] : Array.from(segment);
  }
}

// --- messages -----------------------------------------------------------------------------------

interface Frame {
  /** Blocks before the note in the first message. */
  readonly head: readonly SlackBlock[];
  /** Blocks after the note in the first message (footer, buttons or outcome). */
  readonly tail: readonly SlackBlock[];
  /** The first message's top-level text, escaped; capped here. */
  readonly fallback: string;
  /** The plain-text label of continuation message `part` of `parts` (our words, no escaping). */
  readonly partLabel: (part: number, parts: number) => string;
}

/**
 * Puts the note's blocks into as few messages as the limits allow. Every message gets at least one
 * note block, so this always ends; none exceeds MESSAGE_BLOCK_LIMIT blocks or MESSAGE_TEXT_BUDGET
 * characters, because a note block is at most SECTION_TEXT_LIMIT and the frame at most a few
 * status lines of STATUS_TEXT_LIMIT.
 */
function layOut(note: readonly SectionBlock[], frame: Frame): SlackMessage[] {
  const continued = (more: number): ContextBlock =>
    context(`Continued in the thread: ${more} more message${more === 1 ? "" : "s"}.`);
  const firstReserve = {
    blocks: frame.head.length + frame.tail.length + 1,
    text: blockTextLength(frame.head) + blockTextLength(frame.tail) + blockTextLength(continued(999)),
  };
  const laterReserve = { blocks: 1, text: blockTextLength(context(frame.partLabel(999, 999))) };

  const groups: SectionBlock[][] = [];
  let group: SectionBlock[] = [];
  let groupText = 0;
  let reserve = firstReserve;
  for (const block of note) {
    const length = blockTextLength(block);
    const full =
      reserve.blocks + group.length + 1 > MESSAGE_BLOCK_LIMIT ||
      reserve.text + groupText + length > MESSAGE_TEXT_BUDGET;
    if (full && group.length > 0) {
      groups.push(group);
      group = [];
      groupText = 0;
      reserve = laterReserve;
    }
    group.push(block);
    groupText += length;
  }
  groups.push(group);

  const parts = groups.length;
  return groups.map((blocks, index): SlackMessage => {
    if (index === 0) {
      const more = parts > 1 ? [continued(parts - 1)] : [];
      return {
        text: capFallback(frame.fallback),
        blocks: [...frame.head, ...blocks, ...more, ...frame.tail],
      };
    }
    const label = frame.partLabel(index + 1, parts);
    return { text: escapeSlackText(label), blocks: [context(escapeSlackText(label)), ...blocks] };
  });
}

function capFallback(text: string): string {
  if (text.length <= FALLBACK_TEXT_LIMIT) {
    return text;
  }
  // The fallback is a notification line, not the note (the blocks carry all of it), so it may be
  // shortened; it is cut at a safe boundary so no entity is broken.
  return `${splitMrkdwn(text, FALLBACK_TEXT_LIMIT - 1)[0] ?? ""}…`;
}

function capStatus(text: string): string {
  return text.length <= STATUS_TEXT_LIMIT ? text : `${splitMrkdwn(text, STATUS_TEXT_LIMIT - 1)[0] ?? ""}…`;
}

function madeBy(revision: Revision): string {
  const prompt = revision.promptVersion ? `, prompt ${revision.promptVersion}` : "";
  const how =
    revision.origin === "llm"
      ? `written by ${revision.model ?? "an LLM"}${prompt}`
      : revision.origin === "offline"
        ? `written by the offline summariser${prompt}`
        : "edited by hand";
  const count = revision.highlightIds.length;
  return escapeSlackText(
    `revision ${revision.number} · ${how} · from ${count} highlight${count === 1 ? "" : "s"}`,
  );
}

function actionsBlock(value: WeeknoteActionValue): ActionsBlock {
  const json = JSON.stringify({
    workspace: value.workspace,
    team: value.team,
    week: value.week,
    revision: value.revision,
  });
  return {
    type: "actions",
    block_id: WEEKNOTE_ACTIONS_BLOCK_ID,
    elements: [
      {
        type: "button",
        action_id: WEEKNOTE_ACTIONS.approve,
        text: plain("Approve"),
        value: json,
        style: "primary",
      },
      { type: "button", action_id: WEEKNOTE_ACTIONS.edit, text: plain("Edit"), value: json },
      { type: "button", action_id: WEEKNOTE_ACTIONS.regenerate, text: plain("Regenerate"), value: json },
      {
        type: "button",
        action_id: WEEKNOTE_ACTIONS.skip,
        text: plain("Skip this week"),
        value: json,
        style: "danger",
        confirm: {
          title: plain("Skip this week?"),
          text: plain(`No weeknote will be published for ${value.week}.`),
          confirm: plain("Skip"),
          deny: plain("Keep the draft"),
        },
      },
    ],
  };
}

function section(text: string): SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text, verbatim: true } };
}

function context(text: string): ContextBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: capStatus(text), verbatim: true }] };
}

// Plain-text objects hold only our own fixed words and week keys, so they need no escaping.
function header(text: string): HeaderBlock {
  return { type: "header", text: plain(text) };
}

function plain(text: string): PlainText {
  return { type: "plain_text", text, emoji: true };
}
