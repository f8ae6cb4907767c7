import { describe, expect, it } from "vitest";
import { firstGraphemes, graphemesOf } from "../../src/domain/graphemes.ts";

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const whole = (text: string) => Array.from(segmenter.segment(text), (s) => s.segment);

describe("graphemesOf", () => {
  it("gives the same clusters as one Intl.Segmenter pass, across window edges", () => {
    let text = "";
    for (let i = 0; text.length < 5_000; i += 1) {
      text += `line ${i}: 👍🏽 café e\u0301 🇬🇧🇫🇷 👩‍👩‍👧 done & `;
    }
    for (const start of [0, 1, 2, 3, 5, 7]) {
      const sample = text.slice(start);
      expect([...graphemesOf(sample)]).toEqual(whole(sample));
    }
  });

  it("keeps everything, even a cluster longer than a window", () => {
    const zalgo = `a${"\u0301".repeat(1_000)}b`;
    expect([...graphemesOf(zalgo)].join("")).toBe(zalgo);
    expect([...graphemesOf("")]).toEqual([]);
  });

  it("walks a 40,000-character message quickly, and firstGraphemes stops early", () => {
    const text = "x👍🏽 ".repeat(10_000);
    expect([...graphemesOf(text)]).toHaveLength(30_000);
    expect(firstGraphemes(text, 4)).toEqual(["x", "👍🏽", " ", "x"]);
    expect(firstGraphemes("ab", 5)).toEqual(["a", "b"]);
  });
});
