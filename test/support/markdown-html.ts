import { Parser } from "htmlparser2";
import MarkdownIt from "markdown-it";

/**
 * What a Markdown note becomes in a mainstream renderer, for tests that check nothing from chat
 * turned into markup: markdown-it with raw HTML allowed (`html: true`, the setting that makes a
 * stray `<img onerror=…>` live), and optionally with `linkify` (bare URLs and `www.` made links, as
 * GitHub and many wikis do).
 */
export function renderHtml(markdown: string, options: { linkify?: boolean } = {}): string {
  return new MarkdownIt({ html: true, linkify: options.linkify ?? false }).render(markdown);
}

/** The elements of an HTML fragment, as htmlparser2 reads it (entities decoded). */
export interface HtmlShape {
  /** Each distinct element name, such as `p`, `h2`, `img`. */
  readonly tags: ReadonlySet<string>;
  /** How many elements of each name, such as `li` → 12: the document's structure. */
  readonly counts: ReadonlyMap<string, number>;
  /** Each distinct `tag[attribute]` pair, such as `a[href]`, `img[onerror]`. */
  readonly attributes: ReadonlySet<string>;
  /** Every link target and image source, in order (`a[href]`, `img[src]`, anything `[src]`). */
  readonly targets: readonly string[];
  /** The text a reader sees, entities decoded, runs of white space made one space. */
  readonly text: string;
}

/** Parses `html` with htmlparser2 and says which elements, attributes, targets and text it has. */
export function htmlShape(html: string): HtmlShape {
  const tags = new Set<string>();
  const counts = new Map<string, number>();
  const attributes = new Set<string>();
  const targets: string[] = [];
  let text = "";
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        tags.add(name);
        counts.set(name, (counts.get(name) ?? 0) + 1);
        for (const [attribute, value] of Object.entries(attrs)) {
          attributes.add(`${name}[${attribute}]`);
          if (attribute === "href" || attribute === "src") {
            targets.push(value);
          }
        }
      },
      ontext(data) {
        text += data;
      },
      // Comments and processing instructions are markup too: count them as elements.
      oncomment() {
        tags.add("#comment");
      },
      onprocessinginstruction(name) {
        tags.add(`#pi:${name}`);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { tags, counts, attributes, targets, text: text.replace(/\s+/g, " ") };
}
