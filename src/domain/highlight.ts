import type { MessageRef, Platform } from "./message-ref.ts";
import type { Section } from "./sections.ts";

/**
 * One person's tag on a highlight. A tag is identified by (user, reaction): removing Alice's toned
 * reaction keeps Bob's plain one (case C6).
 * - `via: "reaction"`: an emoji reaction, named exactly as the platform named it
 *   (`clap::skin-tone-3`, Teams `like`); its section is re-read from each team's emoji map when a
 *   team drafts, and `section` is what the map in force at capture time said.
 * - `via: "command"`: an explicit add (typed text, "Add to weeknotes"); `reaction` is `add`, and
 *   `section` is the one the person chose, for every team.
 */
export interface Tag {
  readonly user: string;
  readonly reaction: string;
  readonly section: Section;
  readonly via: "reaction" | "command";
}

/**
 * Whether two tags are the same tag: same user, same reaction exactly as named (`clap::skin-tone-3`
 * is not `clap`), whatever their sections.
 */
export function isSameTag(
  a: { readonly user: string; readonly reaction: string },
  b: { readonly user: string; readonly reaction: string },
): boolean {
  return a.user === b.user && a.reaction === b.reaction;
}

/** The reaction name of an explicit add. */
export const COMMAND_TAG_REACTION = "add";

/** The section a message's tags file it under (most taggers; ties to the earlier section). */
export function sectionOfTags(tags: readonly Tag[], order: readonly Section[]): Section | undefined {
  return chooseSection(
    tags.map((t) => ({ section: t.section, users: 1 })),
    order,
  );
}

/**
 * One captured item (SPEC §2): a chat message, or typed text, in one section. A message's highlight
 * is stored once, whatever number of teams draft from it. Times are UTC epoch ms.
 */
export interface Highlight {
  /**
   * Stable and unique within its workspace: `<conversationId>/<messageId>` for a message
   * (highlightIdOf), `typed/<unique id>` for typed text. Summaries cite it. Typed text stored
   * before the core re-cut keeps its old id, `<conversationId>/<made-up Slack ts>`, which its
   * revisions cite.
   */
  readonly id: string;
  readonly platform: Platform;
  /** Slack team id `T…` or Teams tenant id. */
  readonly workspace: string;
  /** Where the message was posted, or where the text was typed. */
  readonly conversationId: string;
  /** The conversation's name without `#`, as known when captured. */
  readonly conversationName: string;
  /** True for private channels and DMs: their text never reaches a public note unless allowed. */
  readonly private: boolean;
  /** The platform's id of the message, exactly as given; undefined for typed text. */
  readonly messageId: string | undefined;
  /** The message id of its thread's root when the message is a reply. */
  readonly threadId: string | undefined;
  /** When the message was posted (typed text: when it was added), UTC epoch ms. */
  readonly postedAtMs: number;
  readonly authorId: string | undefined;
  /** The author's display name, for attribution. */
  readonly authorName: string;
  /** Plain text: platform markup decoded, mentions resolved to names, Unicode kept as it was. */
  readonly text: string;
  readonly section: Section;
  readonly tags: readonly Tag[];
  readonly permalink: string | undefined;
  /**
   * The team typed text was added for (the team of the channel it was typed in, or one named);
   * undefined: every team that reads its conversation. Always undefined for messages.
   */
  readonly team: string | undefined;
}

/** The message a highlight was captured from; undefined for typed text. */
export function messageRefOf(highlight: Highlight): MessageRef | undefined {
  if (highlight.messageId === undefined) {
    return undefined;
  }
  return {
    platform: highlight.platform,
    workspace: highlight.workspace,
    conversationId: highlight.conversationId,
    messageId: highlight.messageId,
    threadId: highlight.threadId,
  };
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
