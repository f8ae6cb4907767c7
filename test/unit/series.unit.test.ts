import { describe, expect, it } from "vitest";
import { seriesNumber } from "../../src/domain/series.ts";

describe("seriesNumber", () => {
  const start = { week: { year: 2026, week: 10 }, year: 3, number: 9 };
  it("counts on one a week, across a year end", () => {
    expect(seriesNumber(start, { year: 2026, week: 10 })).toBe("3.9");
    expect(seriesNumber(start, { year: 2026, week: 13 })).toBe("3.12");
    expect(seriesNumber(start, { year: 2027, week: 1 })).toBe("3.53");
    expect(seriesNumber(start, { year: 2026, week: 9 })).toBeUndefined();
  });

  it("counts a plain number on without a first part", () => {
    const count = { week: { year: 2026, week: 10 }, number: 40 };
    expect(seriesNumber(count, { year: 2026, week: 13 })).toBe("43");
    expect(seriesNumber(count, { year: 2026, week: 9 })).toBeUndefined();
  });
});
