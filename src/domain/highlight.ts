import type { Section } from "./sections.ts";

/**
 * One person's tag on a message: the reaction exactly as the platform named it
 * (`clap::skin-tone-3`), and the section that reaction files under. A tag is identified by
 * (user, reaction): removing Alice's toned reaction keeps Bob's plain one (case C6).
 * Typed highlights (`/weeknotes add`) carry the reaction `add`.
 */
export interface Tag {
  readonly user: string;
  readonly reaction: string;
  readonly section: Section;
}

/** The section a message's tags file it under (most taggers; ties to the earlier section). */
export function sectionOfTags(tags: readonly Tag[], order: readonly Section[]): Section | undefined {
  return chooseSection(
    tags.map((t) => ({ section: t.section, users: 1 })),
    order,
  );
}

/**
 * One captured item (SPEC §2): a chat message, or typed text, in one section.
 * Its identity is the message's: (workspace, channelId, ts). Times are UTC epoch ms.
 */
export interface Highlight {
  /** Stable id within a workspace, `<channelId>/<ts>`; summaries cite it. */
  readonly id: string;
  /** Slack team id `T…` or Teams tenant id. */
  readonly workspace: string;
  readonly channelId: string;
  /** Channel name without `#`, as known when captured. */
  readonly channelName: string;
  /** True for private channels and DMs: their text never reaches a public note unless allowed. */
  readonly private: boolean;
  /** The message timestamp exactly as the platform gave it (`1700000000.000100`): never a number. */
  readonly ts: string;
  /** When the message was posted, UTC epoch ms. */
  readonly postedAtMs: number;
  readonly authorId: string | undefined;
  /** The author's display name, for attribution. */
  readonly authorName: string;
  /** Plain text: platform markup decoded, mentions resolved to names, Unicode kept as it was. */
  readonly text: string;
  readonly section: Section;
  readonly tags: readonly Tag[];
  readonly permalink: string | undefined;
  /** The parent's ts when the message is a thread reply. */
  readonly threadTs: string | undefined;
}

/** The id of the highlight of message `ts` in channel `channelId`. */
export function highlightId(channelId: string, ts: string): string {
  return `${channelId}/${ts}`;
}

/**
 * A Slack ts (`"1700000000.000100"`: seconds, a dot, a 6-digit fraction) as UTC epoch ms, from the
 * digits rather than through a float, so it is exact. NaN when `ts` is not of that form.
 */
export function slackTsToMs(ts: string): number {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(ts);
  if (!match) {
    return Number.NaN;
  }
  return Number(match[1]) * 1000 + Number((match[2] ?? "").padEnd(3, "0").slice(0, 3));
}

/**
 * Chooses one section for a message tagged with several section emoji: the section with the most
 * taggers, ties going to the earlier section of `order`.
 */
export function chooseSection(
  tagged: readonly { section: Section; users: number }[],
  order: readonly Section[],
): Section | undefined {
  const votes = new Map<Section, number>();
  for (const { section, users } of tagged) {
    votes.set(section, (votes.get(section) ?? 0) + users);
  }
  let best: Section | undefined;
  for (const section of order) {
    const count = votes.get(section) ?? 0;
    if (count > 0 && (best === undefined || count > (votes.get(best) ?? 0))) {
      best = section;
    }
  }
  return best;
}
