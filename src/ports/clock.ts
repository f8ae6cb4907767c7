/** Where time comes from; nothing in domain or app calls `Date.now()` (SPEC §3). */
export interface Clock {
  /** Now, as UTC epoch milliseconds. */
  now(): number;
}
