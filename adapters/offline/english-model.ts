/**
 * wink-nlp with its packaged English model, as the offline summariser uses it: the one instance
 * (with the noun-phrase patterns learnt), loaded by loadLanguageModel or on first use, the
 * READ_CHARACTERS limit on what is read of a message, and isEnglish.
 */
import model from "wink-eng-lite-web-model";
import winkNLP, { type ItemToken, type WinkMethods } from "wink-nlp";

/** Characters of a message that are read; sentences past this are never quoted. */
export const READ_CHARACTERS = 3000;

/** The wink instance with the noun-phrase patterns learnt; made once. */
let wink: WinkMethods | undefined;

/** The one wink instance, made and taught the phrase patterns on first call. */
export function nlp(): WinkMethods {
  if (!wink) {
    wink = winkNLP(model);
    // Key phrases are noun phrases: up to four modifiers before a head noun (wink's POS patterns,
    // Universal POS tags). "bulky waste collection", "accessibility audit", "R Project Sprint".
    wink.learnCustomEntities(
      [
        {
          name: "phrase",
          patterns: [
            "[ADJ|NOUN|PROPN] [NOUN|PROPN]",
            "[ADJ|NOUN|PROPN] [ADJ|NOUN|PROPN] [NOUN|PROPN]",
            "[ADJ|NOUN|PROPN] [ADJ|NOUN|PROPN] [ADJ|NOUN|PROPN] [NOUN|PROPN]",
            "[NOUN|PROPN] [ADP] [NOUN|PROPN]",
            "[NOUN|PROPN] [ADP] [ADJ|NOUN|PROPN] [NOUN|PROPN]",
          ],
        },
      ],
      { matchValue: false, usePOS: true, useEntity: false },
    );
  }
  return wink;
}

/**
 * Loads the English model and reads one sentence with it, so the first summary does not pay for it
 * (about 2 s on a small machine). Idempotent; synchronous: call it before the server listens.
 */
export function loadLanguageModel(): void {
  nlp().readDoc("The model is ready.");
}

/** Whether text is (mostly) English: Latin script and, past a few words, English function words. */
export function isEnglish(text: string): boolean {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) {
    return true;
  }
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  if (latin / letters < 0.7) {
    return false;
  }
  const its = nlp().its;
  const words = nlp()
    .readDoc(text.slice(0, READ_CHARACTERS))
    .tokens()
    .filter((t: ItemToken) => t.out(its.type) === "word");
  if (words.length() < 6) {
    return true;
  }
  // English prose is a third to a half function words (the, of, to, we…); Welsh or Spanish
  // written in Latin letters has almost none that the English model knows.
  const stop = words.filter((t: ItemToken) => t.out(its.stopWordFlag) === true).length();
  return stop / words.length() >= 0.18;
}
