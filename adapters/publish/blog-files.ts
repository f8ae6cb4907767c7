import { Feed } from "feed";
import { DateTime } from "luxon";
import { stringify } from "yaml";
import { escapeMarkdownName } from "../../src/domain/render-markdown.ts";
import { approvedRevision, type Weeknote, type WeeknoteDocument } from "../../src/domain/weeknote.ts";
import { escapeHtml, markdownHtml } from "./render-html.ts";

/** The team a blog is of. */
export interface BlogTeam {
  readonly workspace: string;
  /** Team key. */
  readonly team: string;
  /** Display name: the index's and the feed's title. */
  readonly name: string;
  /** IANA zone: a note's date is its approval's day there. */
  readonly timezone: string;
  /** `lang` of the index and feed (each page takes its note's language); default `en`. */
  readonly language?: string | undefined;
}

export interface BlogOptions {
  /**
   * Where the team's blog folder is served, an absolute URL ending in `/` (Atom wants absolute
   * links; the folder's own `file:` URL when it is not served).
   */
  readonly baseUrl: string;
  /** The feed's `<generator>`, such as `weeknotes 0.1.0`. */
  readonly generator: string;
}

/** One file of a blog: a path relative to the team's blog folder, and its whole text. */
export interface BlogFile {
  readonly path: string;
  readonly text: string;
}

/** The Atom feed's file name, in each team's blog folder. */
export const FEED_FILE = "atom.xml";
/** The file names a blog is made of: `2026-W13.md`, `2026-W13.html`, `index.html`, `atom.xml`. */
export const BLOG_FILE = /^(?:\d{4}-W\d{2}\.(?:md|html)|index\.html|atom\.xml)$/;

// Every file of a blog says who wrote it, so a later run replaces or removes only its own files
// (a folder's own index.html is never lost to an export pointed at the wrong place).
const GENERATOR = "weeknotes";

/**
 * Whether `text` is a blog file weeknotes wrote (blogFiles, standaloneNotePage): Markdown whose
 * front matter says `generator: weeknotes`, a page with `<meta name="generator"
 * content="weeknotes">`, or a feed whose `<generator>` starts with `weeknotes`.
 */
export function writtenByWeeknotes(text: string): boolean {
  return (
    /^generator: weeknotes$/m.test(text) ||
    text.includes(`<meta name="generator" content="${GENERATOR}">`) ||
    /<generator[^>]*>weeknotes\b/.test(text) ||
    writtenBeforeMarkers(text)
  );
}

// Blogs written before the files said so (2026-11-30): our pages carry this exact policy, and our
// Markdown opens with front matter holding a week key, a revision and an origin. Recognised so an
// upgraded bot goes on updating its own blog.
const OUR_CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src https: data:; style-src 'unsafe-inline'">`;

function writtenBeforeMarkers(text: string): boolean {
  if (text.startsWith("<!doctype html>")) {
    return text.includes(OUR_CSP);
  }
  const front = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? "";
  return (
    /^week: "?\d{4}-W\d{2}"?$/m.test(front) && /^revision: \d+$/m.test(front) && /^origin: /m.test(front)
  );
}

/**
 * A team's static blog from its approved notes (others are ignored): per note, `<week>.md`
 * (YAML front matter, then the note's Markdown without its `# title` line, which the front matter
 * holds) and `<week>.html` (a page: the same Markdown through {@link markdownHtml}, raw HTML off);
 * `index.html` listing them newest first; `atom.xml`, an Atom 1.0 feed (the `feed` library) with
 * each note's HTML as its content and absolute links under `options.baseUrl`. Entry ids are
 * `urn:weeknotes:<workspace>:<team>:<week>`, stable wherever the blog is served. Pure: the same notes give the same files.
 */
export function blogFiles(team: BlogTeam, weeknotes: readonly Weeknote[], options: BlogOptions): BlogFile[] {
  const notes = weeknotes
    .filter((w) => w.status === "approved")
    .sort((a, b) => b.week.localeCompare(a.week))
    .map((weeknote) => noteOf(team, weeknote));
  const files: BlogFile[] = [];
  for (const note of notes) {
    files.push({ path: `${note.week}.md`, text: noteMarkdownFile(team, note) });
    files.push({ path: `${note.week}.html`, text: page(note.title, note.language, note.html, team) });
  }
  files.push({ path: "index.html", text: indexPage(team, notes) });
  files.push({ path: FEED_FILE, text: atomFeed(team, notes, options) });
  return files;
}

/** One approved note, as its files show it. */
interface BlogNote {
  readonly week: string;
  readonly title: string;
  readonly themes: readonly string[];
  readonly language: string;
  /** The approval's time, UTC epoch ms. */
  readonly approvedAtMs: number;
  /** The approval's day in the team's zone, `2026-03-27`. */
  readonly date: string;
  /** The approved revision's Markdown without its `# title` line. */
  readonly body: string;
  readonly html: string;
  readonly revision: number;
  readonly origin: string;
  readonly highlights: number;
}

function noteOf(team: BlogTeam, weeknote: Weeknote): BlogNote {
  const revision = approvedRevision(weeknote);
  const approvedAtMs = weeknote.approval?.atMs ?? revision.createdAtMs;
  // The page shows the title itself: the Markdown's first line (`# title`) is dropped.
  const body = withoutTitleLine(revision.markdown).trim();
  return {
    week: weeknote.week,
    title: revision.document.title,
    themes: revision.document.themes,
    language: revision.document.language ?? team.language ?? "en",
    approvedAtMs,
    date: DateTime.fromMillis(approvedAtMs, { zone: team.timezone }).toISODate() ?? "",
    body,
    html: markdownHtml(`# ${escapeMarkdownName(revision.document.title)}\n\n${body}\n`),
    revision: revision.number,
    origin: revision.origin,
    highlights: revision.highlightIds.length,
  };
}

function noteMarkdownFile(team: BlogTeam, note: BlogNote): string {
  // yaml quotes whatever needs it: a title with `: ` or a leading `-` stays one string.
  const frontMatter = stringify(
    {
      title: note.title,
      date: new Date(note.approvedAtMs).toISOString(),
      week: note.week,
      team: team.name,
      themes: [...note.themes],
      language: note.language,
      highlights: note.highlights,
      revision: note.revision,
      origin: note.origin,
      generator: GENERATOR,
    },
    { lineWidth: 0 },
  );
  return `---\n${frontMatter}---\n\n${note.body}\n`;
}

/**
 * An HTML page around a fragment made by markdown-it (raw HTML off); the one thing written here,
 * the title, is escaped. No scripts, and a Content-Security-Policy that allows none.
 */
function page(title: string, language: string, fragment: string, team: BlogTeam | undefined): string {
  return [
    "<!doctype html>",
    `<html lang="${escapeHtml(language)}">`,
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${GENERATOR}">`,
    OUR_CSP,
    `<title>${escapeHtml(title)}</title>`,
    ...(team
      ? [
          `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(team.name)} weeknotes" href="${FEED_FILE}">`,
        ]
      : []),
    "</head>",
    "<body>",
    "<main>",
    fragment.trimEnd(),
    "</main>",
    ...(team
      ? [
          `<footer><p><a href="index.html">All weeknotes</a> · <a href="${FEED_FILE}">Atom feed</a></p></footer>`,
        ]
      : []),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * One note as a page of its own (`weeknotes compile --format html`): its Markdown through
 * {@link markdownHtml} (raw HTML off) in the same page as the blog's, without the blog's links.
 */
export function standaloneNotePage(document: WeeknoteDocument, markdown: string): string {
  return page(document.title, document.language ?? "en", markdownHtml(markdown), undefined);
}

/** The index: built as Markdown (titles escaped as names) and rendered like a note. */
function indexPage(team: BlogTeam, notes: readonly BlogNote[]): string {
  const heading = `# ${escapeMarkdownName(team.name)} weeknotes`;
  const list =
    notes.length === 0
      ? "No weeknotes yet."
      : notes.map((n) => `- [${escapeMarkdownName(n.title)}](${n.week}.html) (${n.date})`).join("\n");
  const title = `${team.name} weeknotes`;
  return page(title, team.language ?? "en", markdownHtml(`${heading}\n\n${list}\n`), team);
}

function atomFeed(team: BlogTeam, notes: readonly BlogNote[], options: BlogOptions): string {
  const link = (file: string) => new URL(file, options.baseUrl).href;
  const feed = new Feed({
    // Ids stay the same wherever the blog is served, so a reader never sees a note twice.
    id: `urn:weeknotes:${encodeURIComponent(team.workspace)}:${encodeURIComponent(team.team)}`,
    title: `${team.name} weeknotes`,
    link: link("index.html"),
    language: team.language ?? "en",
    updated: new Date(notes[0]?.approvedAtMs ?? 0),
    generator: options.generator,
    feedLinks: { atom: link(FEED_FILE) },
    author: { name: team.name },
  });
  for (const note of notes) {
    feed.addItem({
      id: `urn:weeknotes:${encodeURIComponent(team.workspace)}:${encodeURIComponent(team.team)}:${note.week}`,
      // The feed library writes titles as `type="html"`: escaped, a title is shown as written.
      title: escapeHtml(note.title),
      link: link(`${note.week}.html`),
      date: new Date(note.approvedAtMs),
      published: new Date(note.approvedAtMs),
      // Inside CDATA: markdown-it never writes `]]>` (it escapes `>`), and this keeps it so.
      content: markdownHtml(note.body).replaceAll("]]>", "]]&gt;"),
      category: note.themes.map((theme) => ({ name: theme, term: theme })),
    });
  }
  return feed.atom1();
}

/** `markdown` without a first line that is a level-1 heading (renderMarkdown writes `# title`). */
function withoutTitleLine(markdown: string): string {
  if (!/^#[ \t]/.test(markdown)) return markdown;
  const end = markdown.indexOf("\n");
  return end < 0 ? "" : markdown.slice(end + 1);
}
