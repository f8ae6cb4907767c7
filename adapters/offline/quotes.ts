/**
 * What the offline summariser quotes from a message: its most salient whole sentences that are
 * short enough to read (quoteOf), the fallback of one whole sentence however long
 * (bestWholeSentence), and how a quote is written (quoteText: a label dropped, a full stop kept).
 */
import { countWords } from "./language.ts";
import type { ReadHighlight } from "./reading.ts";
import { isQuestion, isThanks, READABLE_WORDS, type Slot, salienceOf } from "./salience.ts";

// Most words quoted from one message.
export const MAX_QUOTE_WORDS = 22;
// A second sentence joins only a short first one: one sentence a message lets more messages in.
const SHORT_SENTENCE_WORDS = 10;
// A thanks sentence is the thanks: quoted whole in the thanks section up to this length.
const MAX_THANKS_WORDS = 36;
// Longer sentences are not quoted: they make the note hard to read (issue 9: FK grade at most 9).
export const MAX_SENTENCE_WORDS = READABLE_WORDS.max;
// A message whose best sentence scores this or less says nothing a note can quote.
const MIN_SALIENCE = -1;
// Text the English model does not read is scored by figures and length only: a lower floor.
const MIN_SALIENCE_OTHER = -3;
// A second sentence is quoted only when it reports something too.
const SECOND_SENTENCE_SALIENCE = 2.5;

// A tune message often says so ("Tune of the week, obviously: …"); the note says it once itself.
const TUNE_LEAD = /^(?:my |our |the )?(?:tune|song|track) of the week\b[^:\n]{0,20}:\s?/i;
const COMING_UP_LABEL = /^(?:coming up|upcoming|coming soon|next week|heads up)\s?[:,-]\s?/i;

/**
 * The whole sentences quoted from a message: its most salient unit (see salienceOf) of at most
 * MAX_SENTENCE_WORDS words, with the next most salient when that reports something too and both
 * fit MAX_QUOTE_WORDS, in the message's order; never part of a sentence; a sentence with its
 * translation is one unit. In the thanks section a sentence that thanks comes first, and a
 * question is never quoted there. Empty when no sentence is short enough to read.
 */
export function quoteOf(
  item: ReadHighlight,
  slot: Slot,
): { quote: string; units: number[]; words: number; salience: number } {
  if (slot === "tune") {
    // A tune is quoted as its first line is written, without a full stop added.
    const line = item.text.split("\n")[0] ?? "";
    const quote = capitalise(
      (countWords(line) <= MAX_QUOTE_WORDS ? line : (item.units[0]?.text ?? "")).replace(TUNE_LEAD, ""),
    );
    return { quote, units: [0], words: countWords(quote), salience: 0 };
  }
  const scored = item.units
    .map((unit, index) => ({ unit, index, salience: salienceOf(unit, slot) }))
    .filter(
      (s) =>
        s.unit.bilingual ||
        s.unit.words <= MAX_SENTENCE_WORDS ||
        (slot === "thanks" && isThanks(s.unit) && s.unit.words <= MAX_THANKS_WORDS),
    )
    .filter((s) => slot !== "thanks" || !isQuestion(s.unit));
  const ranked = [...scored].sort((a, b) => b.salience - a.salience || a.index - b.index);
  const best =
    slot === "thanks" ? (ranked.find((s) => isThanks(s.unit) && s.salience > 0) ?? ranked[0]) : ranked[0];
  if (!best || best.salience <= (best.unit.english ? MIN_SALIENCE : MIN_SALIENCE_OTHER)) {
    // Nothing but questions, replies or a name: it ranks last and is not quoted.
    return { quote: "", units: [], words: 0, salience: best?.salience ?? Number.NEGATIVE_INFINITY };
  }
  const picked = [best];
  const second = ranked.find(
    (s) =>
      s !== best &&
      !s.unit.bilingual &&
      !best.unit.bilingual &&
      s.salience >= SECOND_SENTENCE_SALIENCE &&
      !isQuestion(s.unit) &&
      Math.min(best.unit.words, s.unit.words) < SHORT_SENTENCE_WORDS &&
      s.unit.words <= MAX_SENTENCE_WORDS &&
      best.unit.words + s.unit.words <= MAX_QUOTE_WORDS,
  );
  if (second) {
    picked.push(second);
  }
  picked.sort((a, b) => a.index - b.index);
  const quote = quoteText(picked.map((p) => p.unit.text).join(" "), slot);
  return { quote, units: picked.map((p) => p.index), words: countWords(quote), salience: best.salience };
}

// A "Coming up:" label on something that has happened by the week's end would mislead. A quote
// ends as a sentence ends, so the next one in its paragraph reads as a sentence of its own.
export function quoteText(text: string, slot: Slot): string {
  const quote = capitalise(slot === "next" ? text : text.replace(COMING_UP_LABEL, ""));
  return /[.!?…。！？]["”’')\]]*$/u.test(quote) ? quote : `${quote}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/**
 * A message's most salient sentence whole, however long (the fallback of a week with nothing
 * else to cite), with its unit index; undefined when it has none that is not a question.
 */
export function bestWholeSentence(
  item: ReadHighlight,
  slot: Slot,
): { quote: string; index: number } | undefined {
  const best = item.units
    .map((unit, index) => ({ unit, index, salience: salienceOf(unit, slot) }))
    .filter((s) => !isQuestion(s.unit))
    .sort((a, b) => b.salience - a.salience || a.index - b.index)[0];
  return best ? { quote: quoteText(best.unit.text, slot), index: best.index } : undefined;
}
