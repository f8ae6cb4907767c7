/**
 * The Intl.Segmenter word and sentence segmenters the offline summariser shares (made once, any
 * script), and countWords, the word count every budget and quote length is measured in.
 */

/** Word-like segments of `text` (any script), through Intl.Segmenter. */
export function countWords(text: string): number {
  let n = 0;
  for (const s of wordSegmenter.segment(text)) {
    if (s.isWordLike) {
      n += 1;
    }
  }
  return n;
}

/** Word segments in any script. */
export const wordSegmenter = new Intl.Segmenter("und", { granularity: "word" });
const sentenceSegmenters = new Map<string, Intl.Segmenter>();

/** The sentence segmenter of `locale` (a BCP 47 tag), made once per locale. */
export function sentenceSegmenter(locale: string): Intl.Segmenter {
  let s = sentenceSegmenters.get(locale);
  if (!s) {
    s = new Intl.Segmenter(locale, { granularity: "sentence" });
    sentenceSegmenters.set(locale, s);
  }
  return s;
}

/** The sentences of `text` as Intl.Segmenter cuts them for `locale`, spaces kept. */
export function segmentSentences(text: string, locale: string): string[] {
  return [...sentenceSegmenter(locale).segment(text)].map((s) => s.segment);
}
