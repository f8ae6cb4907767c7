/**
 * The units of a message, the stretches the offline summariser quotes whole or not at all (a
 * sentence, or a sentence with its translation), with their word tokens, and the rules that build
 * them from lines already cut into sentences: brackets kept closed, a bracketed translation joined
 * to its text, a list line made a sentence.
 */
import { isEnglish } from "./english-model.ts";
import { countWords } from "./segmenters.ts";

/** A stretch of a message that is quoted whole or not at all: a sentence, or a sentence with its translation. */
export interface Unit {
  readonly text: string;
  readonly words: number;
  /** Text and its translation: long, but never cut. */
  readonly bilingual: boolean;
  /** Whether the unit reads as English (its words' parts of speech mean something). */
  readonly english: boolean;
  /** Its word tokens as wink-nlp read them (empty for text the English model does not read). */
  readonly tokens: readonly WordToken[];
}

/** One token of a unit, as read in the one wink-nlp pass over its message. */
export interface WordToken {
  /** As written. */
  readonly text: string;
  /** Lower case. */
  readonly normal: string;
  readonly lemma: string;
  /** Universal POS tag (`NOUN`, `VERB`, `PROPN`, `NUM`, `PUNCT`…). */
  readonly pos: string;
  /** wink's token type: `word`, `number`, `punctuation`, `emoji`, `symbol`… */
  readonly type: string;
  readonly stop: boolean;
}

/** A sentence of a line with the wink tokens it holds (none for text the model does not read). */
export interface Piece {
  text: string;
  tokens: WordToken[];
}

// The unit rules of unitsOf, over lines already cut into sentences.
export function buildUnits(
  lines: readonly { english: boolean; pieces: readonly Piece[] }[],
  truncated: boolean,
): Unit[] {
  const languages = new Set(
    lines.filter((l) => countWords(l.pieces.map((p) => p.text).join(" ")) >= 4).map((l) => l.english),
  );
  if (languages.size > 1 && !truncated) {
    const whole = lines.flatMap((l) => l.pieces.map((p) => p.text)).join(" ");
    return [{ text: whole, words: countWords(whole), bilingual: true, english: false, tokens: [] }];
  }
  const units: Unit[] = [];
  lines.forEach((line, index) => {
    let pieces = line.pieces;
    if (truncated && index === lines.length - 1) {
      pieces = pieces.slice(0, -1);
    }
    const lineUnits: Piece[] = [];
    for (const piece of pieces) {
      const previous = lineUnits.at(-1);
      if (previous !== undefined && bracketDepth(previous.text) > 0) {
        lineUnits[lineUnits.length - 1] = {
          text: `${previous.text} ${piece.text}`,
          tokens: [...previous.tokens, ...piece.tokens],
        };
      } else {
        lineUnits.push(piece);
      }
    }
    const glued: { piece: Piece; bilingual: boolean }[] = [];
    for (const piece of lineUnits) {
      const before = glued.map((g) => g.piece.text).join(" ");
      if (glued.length > 0 && piece.text.startsWith("(") && isTranslation(before, piece)) {
        const merged = {
          text: `${before} ${piece.text}`,
          tokens: glued.flatMap((g) => g.piece.tokens).concat(piece.tokens),
        };
        glued.splice(0, glued.length, { piece: merged, bilingual: true });
      } else {
        glued.push({ piece, bilingual: false });
      }
    }
    for (const { piece, bilingual } of glued) {
      const text = endSentence(piece.text);
      units.push({
        text,
        words: countWords(text),
        bilingual,
        english: line.english && !bilingual,
        tokens: line.english && !bilingual ? piece.tokens : [],
      });
    }
  });
  return units;
}

function isTranslation(before: string, bracket: Piece): boolean {
  const inner = bracket.text.slice(1, -1);
  return countWords(bracket.text) >= 3 && isEnglish(before) !== isEnglish(inner);
}

// Open brackets minus closed ones, so a unit ends only where its brackets are closed.
function bracketDepth(text: string): number {
  let depth = 0;
  for (const c of text) {
    if (c === "(" || c === "[") {
      depth += 1;
    } else if ((c === ")" || c === "]") && depth > 0) {
      depth -= 1;
    }
  }
  return depth;
}

// A line of a list ("Goals for the sprint", "Global translation guidelines") becomes a sentence.
function endSentence(unit: string): string {
  if (/[.!?…。！？)"”’'\p{Extended_Pictographic}]$/u.test(unit)) {
    return unit;
  }
  let open = unit;
  while (/[,:;、]$/u.test(open)) {
    open = open.slice(0, -1);
  }
  return /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u.test(open) ? `${open}。` : `${open}.`;
}
