/** A clock tests set and move; never the wall clock. Times are UTC epoch ms. */
export interface TestClock {
  now(): number;
  set(iso: string): void;
  advance(ms: number): void;
}

/** A TestClock at the instant `iso` (an ISO 8601 date-time). */
export function testClock(iso: string): TestClock {
  let t = Date.parse(iso);
  return {
    now: () => t,
    set: (next) => {
      t = Date.parse(next);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
