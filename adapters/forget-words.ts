/**
 * The reply to "forget me" on every platform (plain words, no markup): what was deleted, and that
 * notes already written are not rewritten (approved weeknotes are kept, SPEC §7).
 */
export function forgottenText(highlights: number, tags: number): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return `Done: I deleted ${count(highlights, "highlight", "highlights")} of yours and removed ${count(tags, "tag", "tags")} you put on other people's messages. Weeknotes already written keep their words; ask an approver if one should change.`;
}
