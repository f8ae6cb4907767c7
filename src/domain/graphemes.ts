/**
 * User-perceived characters (grapheme clusters) of a text, through Intl.Segmenter, in time linear
 * in the text's length. V8's segmenter gets slower per step the longer the string it was given
 * (about 3.5 s to walk a 40,000-character message on Node 20, blocking the event loop), so the
 * text is segmented in short windows: each window ends on a whole code point, its last cluster is
 * held back (it may continue past the window) and the next window starts where that cluster does.
 * Each window moves the start on by at least one cluster, and by a whole window when its first
 * cluster is longer than one, so no character is handed to the segmenter more than twice.
 *
 * ASCII needs no segmenter: by Unicode's rules (UAX #29, GB3–GB999) two ASCII characters are
 * always two clusters, except CR LF, which is one; no ASCII character extends, prepends to or joins
 * another. So an ASCII character followed by another (or by the end) is a cluster of its own, and
 * only where non-ASCII text begins is a window segmented. This makes plain English text about
 * twenty times faster, and the many short strings the message splitters walk cost nothing.
 */

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
/** The longest string handed to the segmenter at once, in UTF-16 code units. */
export const GRAPHEME_WINDOW = 256;
const WINDOW = GRAPHEME_WINDOW;

/** What graphemesOf needs of an `Intl.Segmenter` with grapheme granularity. */
export type GraphemeSegmenter = Pick<Intl.Segmenter, "segment">;

/**
 * The grapheme clusters of `text`, in order; they join back to `text`. `segmenter` is an
 * `Intl.Segmenter` with `granularity: "grapheme"` (the default is one); it is never given more
 * than {@link GRAPHEME_WINDOW} code units at once, nor more than about twice the text in all.
 */
export function* graphemesOf(
  text: string,
  segmenter: GraphemeSegmenter = graphemeSegmenter,
): Generator<string> {
  let start = 0;
  while (start < text.length) {
    const code = text.charCodeAt(start);
    if (code < 0x80) {
      const next = start + 1 < text.length ? text.charCodeAt(start + 1) : 0;
      if (next < 0x80) {
        // A cluster boundary after this character is certain (see the module comment).
        const size = code === 0x0d && next === 0x0a ? 2 : 1;
        yield text.slice(start, start + size);
        start += size;
        continue;
      }
    }
    let end = Math.min(text.length, start + WINDOW);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) {
      end -= 1;
    }
    let held: { segment: string; index: number } | undefined;
    for (const segment of segmenter.segment(text.slice(start, end))) {
      if (held !== undefined) {
        yield held.segment;
      }
      held = segment;
    }
    if (held === undefined) {
      return;
    }
    if (end === text.length || held.index === 0) {
      // The end of the text, or one cluster longer than a window (thousands of combining marks),
      // which is cut at the window's end.
      yield held.segment;
      start += held.index + held.segment.length;
    } else {
      start += held.index;
    }
  }
}

/** The first `count` grapheme clusters of `text` (all of them when it has fewer). */
export function firstGraphemes(text: string, count: number): string[] {
  const parts: string[] = [];
  if (count <= 0) {
    return parts;
  }
  for (const part of graphemesOf(text)) {
    parts.push(part);
    if (parts.length >= count) {
      break;
    }
  }
  return parts;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
