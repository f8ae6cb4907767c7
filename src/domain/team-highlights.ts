import { type Highlight, sectionOfTags, type Tag } from "./highlight.ts";
import { type EmojiSectionMap, SECTIONS } from "./sections.ts";
import type { TeamSettings } from "./team.ts";

/**
 * The highlights one team's note draws on, out of its workspace's highlights (SPEC §2: a highlight
 * is stored once per message; each team's draft selects from them). Pure; keeps the input order.
 *
 * - **Where**: typed text added for a team goes to that team only; anything else comes from the
 *   team's `sourceChannels`, or from every conversation when it has none.
 * - **Private** channels and DMs only when the team allows them (`includePrivate`).
 * - **Who**: a personal team counts only tags by its `members`.
 * - **Section**: a reaction tag is filed by the team's emoji map (`emoji`, built from
 *   `team.emoji`); a reaction the map does not know does not count for this team. A command tag
 *   keeps the section the person chose. The section is then chosen again from the tags that
 *   count (most taggers, ties to the earlier section); a highlight with no tag left is not the
 *   team's. The highlight returned carries only the tags that count.
 */
export function selectTeamHighlights(
  team: TeamSettings,
  highlights: readonly Highlight[],
  emoji: EmojiSectionMap,
): Highlight[] {
  const sources = new Set(team.sourceChannels);
  const selected: Highlight[] = [];
  for (const highlight of highlights) {
    if (highlight.workspace !== team.workspace) {
      continue;
    }
    if (!postedForTeam(highlight, team.team, sources)) {
      continue;
    }
    if (highlight.private && !team.includePrivate) {
      continue;
    }
    const tags = highlight.tags.flatMap((tag): Tag[] => {
      if (!countsTagsOf(team, tag.user)) {
        return [];
      }
      if (tag.via === "command") {
        return [tag];
      }
      const section = emoji.sectionOf(tag.reaction);
      return section === undefined ? [] : [{ ...tag, section }];
    });
    const section = sectionOfTags(tags, SECTIONS);
    if (section === undefined) {
      continue;
    }
    selected.push({ ...highlight, tags, section });
  }
  return selected;
}

/** Whether `team` counts the tags of `user`: everyone's, or only its members' for a personal team. */
export function countsTagsOf(team: Pick<TeamSettings, "personal" | "members">, user: string): boolean {
  return !team.personal || team.members.includes(user);
}

/**
 * The "where" rule of {@link selectTeamHighlights}, which HighlightQuery.team asks stores for too:
 * typed text added for a team (`highlight.team`) belongs to that team only; anything else to a
 * team with its conversation among `sources`, or with no sources at all.
 */
export function postedForTeam(
  highlight: Pick<Highlight, "team" | "conversationId">,
  team: string,
  sources: ReadonlySet<string>,
): boolean {
  if (highlight.team !== undefined) return highlight.team === team;
  return sources.size === 0 || sources.has(highlight.conversationId);
}
