/**
 * Teams message HTML → the plain text we keep as a highlight's text (and read commands from).
 *
 * Teams hands a message's body over as HTML: the Bot Framework activity `text` of a message to the
 * bot, the message extension's `messagePayload.body.content`, and Graph's `chatMessage.body.content`
 * (contentType `html`), e.g. `<p>Shipped <at id="0">Priya Shah</at>'s form <span …><img
 * itemtype="http://schema.skype.com/Emoji" alt="🎉" …></span></p>`. Sources for the shapes:
 * https://learn.microsoft.com/microsoftteams/platform/messaging-extensions/how-to/action-commands/create-task-module
 * (messagePayload), https://learn.microsoft.com/graph/api/resources/chatmessage (body, mentions,
 * `<attachment id>` placeholders), microsoftgraph/msgraph-sdk-javascript#1995 (`<codeblock>`).
 *
 * The rules mirror the Slack decoder (adapters/slack/mrkdwn.ts), so a highlight reads the same
 * whichever platform it came from:
 * - `<at>Name</at>` → `@Name` (Slack: `<@U1>` → `@Display Name`);
 * - `<a href="https://x">label</a>` → `label (https://x)`, or just the URL when the label is the
 *   URL (with or without its scheme or a trailing `/`); `mailto:` and other schemes
 *   (`javascript:`…) → the label only; an empty link → nothing, as a browser shows it; a link or
 *   mention inside another is part of the outer one's label;
 * - entities decoded (`&amp;` → `&`, `&nbsp;` → a space that is not collapsed);
 * - `<br>` → a line break; `<p>`, `<div>`, headings, `<li>`, `<tr>`, quotes… → lines; `<li>` in a
 *   `<ul>` → `• item`, in an `<ol>` → `1. item`; table cells → separated by a tab;
 * - `<img>` → its `alt` (emoji images carry the emoji there), except uploaded pictures
 *   (itemtype AMSImage, whose alt is Teams' generic "image"); `<emoji alt>` likewise;
 * - `<attachment id=…>` placeholders (quoted replies, files, cards), quoted replies
 *   (`<blockquote itemtype="http://schema.skype.com/Reply">`), `<script>`, `<style>`, `<head>`,
 *   `<template>` → nothing;
 * - whitespace collapsed as a browser renders it: runs of spaces, tabs and newlines become one
 *   space, none at a line's start or end; inside `<pre>`, `<codeblock>` and Teams' CodeBlockEditor
 *   paragraphs it is kept as written; at most one blank line in a row; none at the ends.
 *
 * Never throws: any string is read as forgiving HTML (unclosed, stray and misnested tags are
 * fine). Runs in time linear in the input's length: htmlparser2's Tokenizer (a state machine, no
 * regular expressions) feeds a handler whose element stack answers "is this tag open?" from a
 * count per tag name, so a closing tag costs what it pops — each element is pushed and popped at
 * most once. (htmlparser2's own Parser searches its stack on every closing tag, quadratic on deep
 * nesting, so it is not used.)
 */

import { type QuoteType, Tokenizer, type TokenizerCallbacks } from "htmlparser2";

/** Plain text of a Teams message body; see the module comment for the rules. */
export function htmlToText(html: string): string {
  const reader = new HtmlTextReader(html);
  const tokenizer = new Tokenizer({ decodeEntities: true }, reader);
  tokenizer.write(html);
  tokenizer.end();
  return reader.result();
}

// --- elements -----------------------------------------------------------------------------------

const VOID_ELEMENTS = new Set([
  "area",
  "base",
  "basefont",
  "br",
  "col",
  "command",
  "embed",
  "frame",
  "hr",
  "img",
  "input",
  "isindex",
  "keygen",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]);

/** Elements whose content is never text of the message. */
const HIDDEN_ELEMENTS = new Set([
  "attachment",
  "head",
  "script",
  "style",
  "template",
  "title",
  "noscript",
  "iframe",
  "object",
  "svg",
  "math",
  "select",
  "textarea",
]);

/** Elements that sit on lines of their own. */
const BLOCK_ELEMENTS = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "center",
  "codeblock",
  "dd",
  "details",
  "dialog",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "html",
  "legend",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "tbody",
  "tfoot",
  "thead",
  "tr",
  "ul",
]);

const PREFORMATTED_ELEMENTS = new Set(["pre", "codeblock", "listing", "plaintext", "xmp"]);

// Teams marks some things with schema.org-style item types.
const REPLY_ITEMTYPE = "http://schema.skype.com/Reply";
const CODE_ITEMTYPE = "http://schema.skype.com/CodeBlockEditor";
const PICTURE_ITEMTYPE = "http://schema.skype.com/AMSImage";

/** Attributes we read; others are skipped without being kept. */
const WANTED_ATTRIBUTES = new Set(["href", "alt", "itemtype"]);

/** How an open element changes the text inside it. */
interface OpenElement {
  readonly name: string;
  /** Its content is not message text. */
  readonly hidden: boolean;
  /** Whitespace inside is kept as written. */
  readonly preformatted: boolean;
  readonly block: boolean;
  /** `<at>` or `<a>`: its text is captured and written when it closes. */
  readonly capture: Capture | undefined;
  /** An `<ol>`: the number of its next item. */
  nextItem: number | undefined;
}

/** The text of a mention or a link while it is being read. */
interface Capture {
  readonly kind: "mention" | "link";
  readonly href: string | undefined;
  text: string;
}

// --- the text being written ---------------------------------------------------------------------

/**
 * Lines of text with browser-like whitespace: collapsible whitespace becomes at most one space
 * between words and none at the ends of a line; a non-breaking space is a space that stays.
 */
class Lines {
  private readonly lines: string[] = [];
  private line = "";
  /** Collapsible whitespace was seen after the line's last character. */
  private space = false;

  /** Inline text; `preformatted` keeps its spaces and line breaks as they are. */
  write(text: string, preformatted: boolean): void {
    if (preformatted) {
      this.writePreformatted(text);
      return;
    }
    let start = -1;
    for (let i = 0; i <= text.length; i++) {
      const code = i < text.length ? text.charCodeAt(i) : 32;
      if (isCollapsible(code)) {
        if (start !== -1) {
          this.word(text.slice(start, i));
          start = -1;
        }
        if (i < text.length && this.line !== "") {
          this.space = true;
        }
      } else if (start === -1) {
        start = i;
      }
    }
  }

  /** Text that is one unit (an emoji's alt, a mention): spaces inside are kept, one before it if due. */
  word(text: string): void {
    if (text === "") {
      return;
    }
    if (this.space && this.line !== "") {
      this.line += " ";
    }
    this.space = false;
    this.line += text.replaceAll("\u00a0", " ");
  }

  /** A `<br>`: ends the line, even an empty one. */
  lineBreak(): void {
    this.lines.push(this.line);
    this.line = "";
    this.space = false;
  }

  /** A block's edge: ends the line unless it is empty. */
  blockEdge(): void {
    if (this.line.trim() !== "") {
      this.lineBreak();
    } else {
      // A line with nothing but non-breaking spaces (Teams' blank paragraph) is a blank line.
      if (this.line !== "") {
        this.lineBreak();
      }
      this.space = false;
    }
  }

  /** A tab between table cells. */
  tab(): void {
    if (this.line !== "") {
      this.line += "\t";
    }
    this.space = false;
  }

  text(): string {
    const lines = [...this.lines, this.line].map(trimEndSpaces);
    const out: string[] = [];
    for (const line of lines) {
      // At most one blank line in a row.
      if (line === "" && (out.length === 0 || out.at(-1) === "")) {
        continue;
      }
      out.push(line);
    }
    while (out.at(-1) === "") {
      out.pop();
    }
    return out.join("\n");
  }

  private writePreformatted(text: string): void {
    const parts = text.replace(/\r\n?/g, "\n").split("\n");
    parts.forEach((part, index) => {
      if (index > 0) {
        this.lineBreak();
      }
      if (part !== "") {
        if (this.space && this.line !== "") {
          this.line += " ";
        }
        this.space = false;
        this.line += part.replaceAll("\u00a0", " ");
      }
    });
  }
}

/** A line without its trailing spaces and tabs (a loop: a regular expression would backtrack). */
function trimEndSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) {
    end -= 1;
  }
  return line.slice(0, end);
}

/** Space, tab, line feed, form feed, carriage return: HTML's collapsible whitespace. */
function isCollapsible(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 12 || code === 13;
}

/** Collapses a captured label's whitespace (it is written as one unit). */
function collapse(text: string): string {
  let out = "";
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isCollapsible(code)) {
      space = out !== "";
    } else {
      if (space) {
        out += " ";
        space = false;
      }
      out += text[i];
    }
  }
  return out.replaceAll("\u00a0", " ").trim();
}

// --- the tokenizer's handler --------------------------------------------------------------------

class HtmlTextReader implements TokenizerCallbacks {
  private readonly lines = new Lines();
  private readonly stack: OpenElement[] = [];
  /** How many elements of each name are open: a closing tag pops only when one is. */
  private readonly open = new Map<string, number>();
  private hiddenDepth = 0;
  private preformattedDepth = 0;
  private readonly captures: Capture[] = [];
  /** The open lists, innermost last: where an item's number comes from. */
  private readonly lists: OpenElement[] = [];

  // The tag being read.
  private tagName = "";
  private attributes = new Map<string, string>();
  private attributeName = "";
  private attributeValue = "";

  constructor(private readonly html: string) {}

  result(): string {
    // Whatever is still open ends with the text: a mention or link left open is still written.
    while (this.stack.length > 0) {
      this.pop();
    }
    return this.lines.text();
  }

  // Text ------------------------------------------------------------------------------------------

  ontext(start: number, endIndex: number): void {
    this.writeText(this.html.slice(start, endIndex));
  }

  ontextentity(codepoint: number, _endIndex: number): void {
    this.writeText(String.fromCodePoint(codepoint));
  }

  private writeText(text: string): void {
    if (this.hiddenDepth > 0) {
      return;
    }
    const capture = this.captures.at(-1);
    if (capture) {
      capture.text += text;
      return;
    }
    this.lines.write(text, this.preformattedDepth > 0);
  }

  /** A unit of text (an alt, a mention, a link) into the current capture or the lines. */
  private writeWord(text: string): void {
    if (this.hiddenDepth > 0 || text === "") {
      return;
    }
    const capture = this.captures.at(-1);
    if (capture) {
      capture.text += text;
      return;
    }
    this.lines.word(text);
  }

  // Tags ------------------------------------------------------------------------------------------

  onopentagname(start: number, endIndex: number): void {
    this.tagName = this.html.slice(start, endIndex).toLowerCase();
    this.attributes = new Map();
  }

  onattribname(start: number, endIndex: number): void {
    const name = this.html.slice(start, endIndex).toLowerCase();
    this.attributeName = WANTED_ATTRIBUTES.has(name) && !this.attributes.has(name) ? name : "";
    this.attributeValue = "";
  }

  onattribdata(start: number, endIndex: number): void {
    if (this.attributeName) {
      this.attributeValue += this.html.slice(start, endIndex);
    }
  }

  onattribentity(codepoint: number): void {
    if (this.attributeName) {
      this.attributeValue += String.fromCodePoint(codepoint);
    }
  }

  onattribend(_quote: QuoteType, _endIndex: number): void {
    if (this.attributeName) {
      this.attributes.set(this.attributeName, this.attributeValue);
    }
    this.attributeName = "";
    this.attributeValue = "";
  }

  onopentagend(_endIndex: number): void {
    this.openTag(this.tagName, this.attributes);
  }

  onselfclosingtag(_endIndex: number): void {
    // HTML ignores `/>` on ordinary elements (`<at/>` opens an at); void elements have no content.
    this.openTag(this.tagName, this.attributes);
  }

  onclosetag(start: number, endIndex: number): void {
    const name = this.html.slice(start, endIndex).toLowerCase();
    if (name === "br") {
      // `</br>` is a line break in every browser.
      this.lineBreak();
      return;
    }
    if (VOID_ELEMENTS.has(name)) {
      return;
    }
    if ((this.open.get(name) ?? 0) === 0) {
      // A stray `</p>` still ends a paragraph; other stray closing tags are ignored.
      if (name === "p" && this.hiddenDepth === 0) {
        this.blockEdge();
      }
      return;
    }
    let element = this.pop();
    while (element !== undefined && element.name !== name) {
      element = this.pop();
    }
  }

  oncdata(_start: number, _endIndex: number, _endOffset: number): void {
    // CDATA is a comment in HTML.
  }

  oncomment(_start: number, _endIndex: number, _endOffset: number): void {
    // Comments are not text.
  }

  ondeclaration(_start: number, _endIndex: number): void {
    // `<!DOCTYPE html>` is not text.
  }

  onprocessinginstruction(_start: number, _endIndex: number): void {
    // `<?xml …?>` is not text.
  }

  onend(): void {
    // result() closes what is still open.
  }

  private openTag(name: string, attributes: ReadonlyMap<string, string>): void {
    if (name === "") {
      return;
    }
    if (VOID_ELEMENTS.has(name)) {
      this.voidElement(name, attributes);
      return;
    }
    const itemtype = attributes.get("itemtype") ?? "";
    const hidden = HIDDEN_ELEMENTS.has(name) || (name === "blockquote" && itemtype.trim() === REPLY_ITEMTYPE);
    const preformatted = PREFORMATTED_ELEMENTS.has(name) || itemtype.trim() === CODE_ITEMTYPE;
    const block = BLOCK_ELEMENTS.has(name) || preformatted;

    if ((name === "li" || name === "p") && this.stack.at(-1)?.name === name) {
      // `<li>` right after an unclosed item ends it, and `<p>` an unclosed paragraph (HTML's
      // implied end tags, checked on the innermost element only so each check costs one step).
      this.pop();
    }
    if (block && this.hiddenDepth === 0) {
      this.blockEdge();
    }
    if (name === "li" && this.hiddenDepth === 0) {
      this.lines.word(this.itemMarker());
    }
    if ((name === "td" || name === "th") && this.hiddenDepth === 0) {
      this.lines.tab();
    }
    if (name === "emoji") {
      // `<emoji alt="😄">` (older Teams messages): the alt is the emoji; content is a fallback.
      this.writeWord(collapse(attributes.get("alt") ?? ""));
    }

    if (name === "a" && this.stack.at(-1)?.name === "a") {
      // A link inside a link ends the first (HTML's rule for `<a>`).
      this.pop();
    }
    let capture: Capture | undefined;
    if ((name === "at" || name === "a") && this.captures.length === 0) {
      // A mention or link inside another is read as part of the outer one's text, so captured
      // text is collapsed once, however deep the nesting.
      capture = { kind: name === "at" ? "mention" : "link", href: attributes.get("href")?.trim(), text: "" };
      this.captures.push(capture);
    }
    const element: OpenElement = {
      name,
      hidden: hidden || name === "emoji",
      preformatted,
      block,
      capture,
      nextItem: name === "ol" ? 1 : undefined,
    };
    this.stack.push(element);
    if (name === "ul" || name === "ol") {
      this.lists.push(element);
    }
    this.open.set(name, (this.open.get(name) ?? 0) + 1);
    if (element.hidden) {
      this.hiddenDepth += 1;
    }
    if (preformatted) {
      this.preformattedDepth += 1;
    }
  }

  private voidElement(name: string, attributes: ReadonlyMap<string, string>): void {
    if (this.hiddenDepth > 0) {
      return;
    }
    switch (name) {
      case "br":
        this.lineBreak();
        return;
      case "hr":
        this.blockEdge();
        return;
      case "img": {
        if ((attributes.get("itemtype") ?? "").trim() === PICTURE_ITEMTYPE) {
          return;
        }
        this.writeWord(collapse(attributes.get("alt") ?? ""));
        return;
      }
      default:
        return;
    }
  }

  private pop(): OpenElement | undefined {
    const element = this.stack.pop();
    if (element === undefined) {
      return undefined;
    }
    this.open.set(element.name, (this.open.get(element.name) ?? 1) - 1);
    if (element.hidden) {
      this.hiddenDepth -= 1;
    }
    if (element.preformatted) {
      this.preformattedDepth -= 1;
    }
    if (element.name === "ul" || element.name === "ol") {
      this.lists.pop();
    }
    if (element.capture) {
      this.captures.pop();
      this.writeWord(captured(element.capture));
    }
    if (element.block && this.hiddenDepth === 0) {
      this.blockEdge();
    }
    return element;
  }

  private itemMarker(): string {
    const list = this.lists.at(-1);
    if (list?.nextItem !== undefined) {
      const marker = `${list.nextItem}. `;
      list.nextItem += 1;
      return marker;
    }
    return "• ";
  }

  private lineBreak(): void {
    if (this.hiddenDepth > 0) {
      return;
    }
    const capture = this.captures.at(-1);
    if (capture) {
      capture.text += " ";
      return;
    }
    this.lines.lineBreak();
  }

  private blockEdge(): void {
    const capture = this.captures.at(-1);
    if (capture) {
      capture.text += " ";
      return;
    }
    this.lines.blockEdge();
  }
}

/** A mention or a link as the Slack decoder writes it (see the module comment). */
function captured(capture: Capture): string {
  const label = collapse(capture.text);
  if (capture.kind === "mention") {
    if (label === "") {
      return "";
    }
    return label.startsWith("@") ? label : `@${label}`;
  }
  const href = capture.href ?? "";
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href)?.[1]?.toLowerCase();
  if (label === "" || (scheme !== "http" && scheme !== "https")) {
    // An empty link shows nothing in a browser; a mailto link, a relative one or one we will
    // not repeat (`javascript:`…) shows its words only.
    return label;
  }
  if (sameLink(label, href)) {
    return href;
  }
  return `${label} (${href})`;
}

function sameLink(label: string, href: string): boolean {
  const bare = (text: string) =>
    text
      .replace(/^https?:\/\//i, "")
      .replace(/\/$/, "")
      .toLowerCase();
  return bare(label) === bare(href);
}
