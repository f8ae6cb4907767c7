/**
 * Issue 9, "What it must show", first line: on the example export and on every shared export
 * (../shared/data/slack-exports, the tagged weeks of scripts/quality/cases.ts), the note
 * `weeknotes compile` writes offline has no leftover markup and no junk items, cites or leaves out
 * (with a reason) every tagged highlight, has no theme that is only a channel name, fits 25 lines
 * and 350 words (a bigger week saying how many it cites of how many), and its prose reads at
 * Flesch–Kincaid grade 9 or under. The measures are scripts/quality/measure.ts (their own tests:
 * test/unit/quality-measure.unit.test.ts); `npm run quality` prints the same figures.
 */
import { describe, expect, it } from "vitest";
import { haveSharedExports, qualityCases, SHARED_EXPORTS } from "../../scripts/quality/cases.ts";
import { compileCase } from "../../scripts/quality/compile-case.ts";
import { type CompiledNote, measureNote, QUALITY_LIMITS } from "../../scripts/quality/measure.ts";
import { LEFT_OUT_REASONS } from "../../src/domain/weeknote.ts";

if (!haveSharedExports()) {
  console.warn(`quality.e2e: only the example export: no shared exports at ${SHARED_EXPORTS}`);
}

describe.each(qualityCases())("the offline note of $name", (c) => {
  let compiled: Promise<CompiledNote> | undefined;
  const note = () => {
    compiled ??= compileCase(c);
    return compiled;
  };

  it("has no leftover chat markup and no junk items", async () => {
    const q = measureNote(await note());
    expect(q.markup).toEqual([]);
    expect(q.junk).toEqual([]);
  });

  it("cites every tagged highlight or leaves it out with a reason, and says how many it cites", async () => {
    const compiled = await note();
    const q = measureNote(compiled);
    expect(q.highlights).toBeGreaterThan(0);
    expect(q.missing).toEqual([]);
    expect(q.citedAndLeftOut).toEqual([]);
    for (const left of compiled.weeknote.leftOut ?? []) {
      expect(LEFT_OUT_REASONS).toContain(left.reason);
    }
    expect(q.saysHowManyLeftOut).toBe(true);
  });

  it("has no theme or heading that is only a channel name", async () => {
    expect(measureNote(await note()).channelThemes).toEqual([]);
  });

  it(`fits ${QUALITY_LIMITS.lines} lines and ${QUALITY_LIMITS.words} words`, async () => {
    const q = measureNote(await note());
    expect(q.lines).toBeLessThanOrEqual(QUALITY_LIMITS.lines);
    expect(q.words).toBeLessThanOrEqual(QUALITY_LIMITS.words);
  });

  it(`reads at Flesch–Kincaid grade ${QUALITY_LIMITS.fkGrade} or under (where the formula applies)`, async () => {
    const q = measureNote(await note());
    if (q.fkGrade !== undefined) {
      expect(q.fkGrade).toBeLessThanOrEqual(QUALITY_LIMITS.fkGrade);
    }
  });
});

describe("the quality cases", () => {
  it("include the example and, when the shared exports are there, their six tagged weeks", () => {
    const cases = qualityCases();
    expect(cases[0]?.name).toBe("example 2026-W13");
    if (haveSharedExports()) {
      expect(cases.length).toBe(7);
    }
  });
});
