/**
 * A weeknote's document (src/domain/weeknote.ts, the one render model) as Adaptive Card elements,
 * and the note laid out over as many cards as the Teams size limit needs.
 *
 * Size: every card we send must fit, with its message activity around it, within
 * {@link MESSAGE_BYTE_LIMIT}. Microsoft documents 28 KB for a message posted through an incoming
 * webhook or a Workflow ("The message size limit is 28 KB. When the size exceeds 28 KB, you
 * receive an error", https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook;
 * "ensure that the message size limit doesn't exceed 28 KB for Incoming Webhooks and 40 KB for a
 * bot message", https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format),
 * and for bot messages 40 KB (later 100 KB, 80 KB recommended) of "the entire message payload
 * encoded as UTF-16", refused with 413 MessageSizeTooBig
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages). We
 * hold every activity to the strictest figure, 28 KB read as 28,000 bytes, counted as UTF-16 (two
 * bytes per code unit) or UTF-8, whichever is more (payloadBytes), and keep
 * {@link ACTIVITY_ENVELOPE_BYTES} of it for the activity around the card (ids, conversation,
 * service URL, channel data), so a card's own JSON stays within {@link CARD_BYTE_LIMIT}.
 *
 * A note that does not fit one card continues in further cards, each starting with "part k of n",
 * split between lines (a paragraph's lines stay together where they fit), a line longer than
 * {@link NOTE_PIECE_BYTES} between words or graphemes: nothing is cut, every character of every
 * line is on some card, in order.
 */

import { isProseNote, type ProseSentence, proseParts } from "../../src/domain/note-prose.ts";
import type { Revision, WeeknoteDocument, WeeknoteItem } from "../../src/domain/weeknote.ts";
import {
  type AdaptiveCard,
  adaptiveCard,
  type CardAction,
  type CardElement,
  chatText,
  ourText,
  type RichTextBlock,
  type RunStyle,
} from "./card-elements.ts";
import { isRtlDominant, payloadBytes, splitLine, textBytes } from "./card-text.ts";

/** Bytes of one message activity in Teams, at most (see the module comment). */
export const MESSAGE_BYTE_LIMIT = 28_000;
/** Bytes kept for the message activity around a card: its ids, conversation, service URL… */
export const ACTIVITY_ENVELOPE_BYTES = 4_000;
/** Bytes of one card's JSON, at most: {@link MESSAGE_BYTE_LIMIT} less the envelope. */
export const CARD_BYTE_LIMIT = MESSAGE_BYTE_LIMIT - ACTIVITY_ENVELOPE_BYTES;
/** Bytes of text (as JSON) in one note element; a longer line continues in the next element. */
export const NOTE_PIECE_BYTES = 2_000;
/** Bytes of one status line (team name, outcome) on a card; longer ones end in "…". */
export const STATUS_LINE_BYTES = 1_000;

/** How a line of the note is shown; a `lead` is a prose paragraph's bold lead-in. */
type LineKind = "title" | "heading" | "lead" | "text" | "footer";

/** One line of the note, in reading order. */
export interface NoteLine {
  readonly text: string;
  readonly kind: LineKind;
  /** The first line of a paragraph: set apart from the line before. */
  readonly paragraph: boolean;
}

/**
 * The note as lines, in the order and words of the domain's renderers (render-markdown.ts and the
 * Slack blocks): the title; the intro; each section's heading, summary and `•` items with their
 * authors in brackets; "Into next week"; "Tune of the week"; the footer. Text is as the document
 * holds it (the cards show it as written); a multi-line item continues on indented lines. A prose
 * note (issue 9) is laid out as proseParts says: each paragraph one line, a lead-in (a section's
 * heading, "Into next week…", "Tune of the week:" in the note's language) as a bold line right
 * above its paragraph, a short list as `•` lines.
 */
export function noteLines(document: WeeknoteDocument): NoteLine[] {
  if (isProseNote(document)) {
    return proseLines(document);
  }
  const lines: NoteLine[] = [];
  const paragraph = (kind: LineKind, text: string) => {
    textLines(text).forEach((line, index) => {
      lines.push({ text: line, kind, paragraph: index === 0 });
    });
  };
  const heading = (text: string) => lines.push({ text: oneLine(text), kind: "heading", paragraph: true });
  const items = (list: readonly WeeknoteItem[]) => {
    for (const item of list) {
      textLines(`• ${itemText(item)}`).forEach((line, index) => {
        lines.push({ text: index === 0 ? line : `    ${line}`, kind: "text", paragraph: false });
      });
    }
  };

  lines.push({ text: oneLine(document.title), kind: "title", paragraph: true });
  if (document.intro.trim()) {
    paragraph("text", document.intro.trim());
  }
  for (const part of document.sections) {
    heading(part.heading);
    if (part.summary?.trim()) {
      paragraph("text", part.summary.trim());
    }
    items(part.items);
  }
  if (document.intoNextWeek.length > 0) {
    heading("Into next week");
    items(document.intoNextWeek);
  }
  if (document.tune) {
    heading("Tune of the week");
    paragraph("text", itemText(document.tune));
  }
  if (document.footer.trim()) {
    lines.push({ text: oneLine(document.footer), kind: "footer", paragraph: true });
  }
  return lines.filter((line) => line.text.trim() !== "");
}

function proseLines(document: WeeknoteDocument): NoteLine[] {
  const lines: NoteLine[] = [{ text: oneLine(document.title), kind: "title", paragraph: true }];
  const sentence = (s: ProseSentence) => (s.names.length > 0 ? `${s.text} (${s.names.join(", ")})` : s.text);
  for (const part of proseParts(document)) {
    if (part.kind === "list") {
      part.items.forEach((item, index) => {
        lines.push({ text: `• ${sentence(item)}`, kind: "text", paragraph: index === 0 });
      });
      continue;
    }
    if (part.lead) {
      lines.push({ text: part.lead, kind: "lead", paragraph: true });
    }
    const text = part.sentences.map(sentence).join(" ");
    if (text !== "") {
      lines.push({ text, kind: "text", paragraph: !part.lead });
    }
  }
  if (document.footer.trim()) {
    lines.push({ text: oneLine(document.footer), kind: "footer", paragraph: true });
  }
  return lines.filter((line) => line.text.trim() !== "");
}

function itemText(item: WeeknoteItem): string {
  const text = item.text.trim();
  // A name is one line of text wherever it came from: a line break in it must not start a card line.
  const authors = item.authors.map((name) => name.replace(/\s+/g, " ").trim());
  return authors.length > 0 ? `${text} (${authors.join(", ")})` : text;
}

function textLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function oneLine(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ");
}

const STYLES: Readonly<Record<LineKind, RunStyle>> = {
  title: { weight: "Bolder", size: "Large" },
  heading: { weight: "Bolder", size: "Medium" },
  lead: { weight: "Bolder" },
  text: {},
  footer: { italic: true, isSubtle: true, size: "Small" },
};

/**
 * The note as card elements: one RichTextBlock per line, or several for a line longer than
 * {@link NOTE_PIECE_BYTES} (the pieces join back to the line).
 */
export function noteElements(document: WeeknoteDocument): RichTextBlock[] {
  const elements: RichTextBlock[] = [];
  for (const line of noteLines(document)) {
    splitLine(line.text, NOTE_PIECE_BYTES).forEach((piece, index) => {
      elements.push(chatText(piece, STYLES[line.kind], line.paragraph && index === 0 ? "Medium" : "None"));
    });
  }
  return elements;
}

/** Whether a note reads right to left (its letters are mostly Hebrew, Arabic…). */
export function noteIsRtl(document: WeeknoteDocument): boolean {
  return isRtlDominant(noteLines(document).map((line) => line.text));
}

/** What goes around the note on the first card, and how continuation cards are labelled. */
export interface NoteFrame {
  /** Elements before the note on the first card. */
  readonly head: readonly CardElement[];
  /** Elements after the note on the first card (footer, outcome). */
  readonly tail: readonly CardElement[];
  /** The first card's actions. */
  readonly actions: readonly CardAction[];
  readonly rtl: boolean;
  /** Our words for continuation card `part` of `parts` (no chat text: it goes in a TextBlock). */
  readonly partLabel: (part: number, parts: number) => string;
}

/**
 * Puts the note's elements on as few cards as {@link CARD_BYTE_LIMIT} allows: the first card has
 * the frame's head, the first part of the note, "Continued in n more cards." when there are more,
 * the tail and the actions; each further card a "part k of n" line and the next part. A paragraph
 * that does not fit what is left of a card but fits a card of its own starts the next card; a
 * longer one is split between its elements. Each card's payloadBytes stays within the limit
 * (elements are added while the sum of their sizes fits, which is never less than the card's
 * size, and one element is far smaller than a card), and each further card holds at least one
 * note element.
 */
export function layOutNote(note: readonly RichTextBlock[], frame: NoteFrame): AdaptiveCard[] {
  const continued = (more: number) =>
    ourText(`Continued in ${more} more card${more === 1 ? "" : "s"}.`, { isSubtle: true, size: "Small" });
  const firstFrameBytes = payloadBytes(
    adaptiveCard([...frame.head, continued(999), ...frame.tail], {
      actions: frame.actions,
      rtl: frame.rtl,
      fullWidth: true,
    }),
  );
  const laterFrameBytes = payloadBytes(
    adaptiveCard([partLine(frame.partLabel(999, 999))], { rtl: frame.rtl, fullWidth: true }),
  );

  const groups: RichTextBlock[][] = [];
  let group: RichTextBlock[] = [];
  let used = firstFrameBytes;
  const nextCard = () => {
    groups.push(group);
    group = [];
    used = laterFrameBytes;
  };
  // Each element also needs a comma in the body array: 2 bytes as UTF-16.
  const sizeOf = (element: RichTextBlock) => payloadBytes(element) + 2;
  for (const paragraph of paragraphsOf(note)) {
    const sizes = paragraph.map(sizeOf);
    const bytes = sizes.reduce((sum, size) => sum + size, 0);
    if (used + bytes > CARD_BYTE_LIMIT && group.length > 0 && laterFrameBytes + bytes <= CARD_BYTE_LIMIT) {
      // A paragraph that fits a card of its own is not split over two.
      nextCard();
    }
    paragraph.forEach((element, index) => {
      const size = sizes[index] ?? sizeOf(element);
      if (used + size > CARD_BYTE_LIMIT && (group.length > 0 || groups.length === 0)) {
        nextCard();
      }
      group.push(element);
      used += size;
    });
  }
  groups.push(group);
  // The first card holds no note only when not even the title fitted beside a large frame.
  const parts = groups.length;

  return groups.map((elements, index): AdaptiveCard => {
    if (index === 0) {
      const more = parts > 1 ? [continued(parts - 1)] : [];
      return adaptiveCard([...frame.head, ...elements, ...more, ...frame.tail], {
        actions: frame.actions,
        rtl: frame.rtl,
        fullWidth: true,
      });
    }
    return adaptiveCard([partLine(frame.partLabel(index + 1, parts)), ...elements], {
      rtl: frame.rtl,
      fullWidth: true,
    });
  });
}

/** Elements grouped into paragraphs: a paragraph starts at an element set apart ("Medium"). */
function paragraphsOf(note: readonly RichTextBlock[]): RichTextBlock[][] {
  const paragraphs: RichTextBlock[][] = [];
  for (const element of note) {
    const last = paragraphs.at(-1);
    if (last === undefined || element.spacing !== "None") {
      paragraphs.push([element]);
    } else {
      last.push(element);
    }
  }
  return paragraphs;
}

function partLine(label: string): CardElement {
  return ourText(label, { isSubtle: true, size: "Small" });
}

/**
 * A status line (team name, outcome, who decided) as chat text, at most
 * {@link STATUS_LINE_BYTES}: a longer one is cut between words or graphemes and ends in "…" (it
 * is a label, not the note).
 */
export function statusLine(text: string, style: RunStyle = { isSubtle: true, size: "Small" }): RichTextBlock {
  const line = oneLine(text);
  const shown =
    textBytes(JSON.stringify(line)) <= STATUS_LINE_BYTES
      ? line
      : `${splitLine(line, STATUS_LINE_BYTES - 16)[0] ?? ""}…`;
  return chatText(shown, style, "Small");
}

/** How a revision was made, as the review card's footer says it. */
export function madeBy(revision: Revision): string {
  const prompt = revision.promptVersion ? `, prompt ${revision.promptVersion}` : "";
  const how =
    revision.origin === "llm"
      ? `written by ${revision.model ?? "an LLM"}${prompt}`
      : revision.origin === "offline"
        ? `written by the offline summariser${prompt}`
        : "edited by hand";
  const count = revision.highlightIds.length;
  return `revision ${revision.number} · ${how} · from ${count} highlight${count === 1 ? "" : "s"}`;
}
