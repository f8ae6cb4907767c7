/**
 * User-perceived characters (grapheme clusters) of a text, through Intl.Segmenter, in time linear
 * in the text's length. V8's segmenter gets slower per step the longer the string it was given
 * (about 3.5 s to walk a 40,000-character message on Node 20, blocking the event loop), so the
 * text is segmented in short windows: each window ends on a whole code point, its last cluster is
 * held back (it may continue past the window) and the next window starts where that cluster does.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const WINDOW = 256;

/** The grapheme clusters of `text`, in order; they join back to `text`. */
export function* graphemesOf(text: string): Generator<string> {
  let start = 0;
  while (start < text.length) {
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
