import type { Clock } from "../../src/ports/clock.ts";

/** The machine's clock. Tests use a fixed clock instead: `{ now: () => ms }`. */
export const systemClock: Clock = { now: () => Date.now() };
