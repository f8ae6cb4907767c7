import { describe, expect, it } from "vitest";
import type { Highlight, Tag } from "../../src/domain/highlight.ts";
import { EmojiSectionMap } from "../../src/domain/sections.ts";
import { defaultTeamSettings, type TeamSettings } from "../../src/domain/team.ts";
import { selectTeamHighlights } from "../../src/domain/team-highlights.ts";
import { makeHighlight } from "../support/highlights.ts";

const WS = "T0WEEK0001";
const t0 = Date.parse("2026-03-24T10:00:00Z");

const team = (overrides: Partial<TeamSettings> = {}): TeamSettings => ({
  ...defaultTeamSettings("slack", WS, "Europe/London", t0),
  ...overrides,
});
const reaction = (user: string, name: string, section: Tag["section"] = "highlights"): Tag => ({
  user,
  reaction: name,
  section,
  via: "reaction",
});
const command = (user: string, section: Tag["section"]): Tag => ({
  user,
  reaction: "add",
  section,
  via: "command",
});
// Typed text: no message id (makeHighlight would make one up).
const typed = (id: string, overrides: Partial<Highlight>): Highlight => ({
  ...makeHighlight({
    postedAtMs: t0,
    id: `typed/${id}`,
    tags: [command("U0ALICE001", "highlights")],
    ...overrides,
  }),
  messageId: undefined,
});

/** Selects with the team's own emoji map, as a draft does. */
function select(settings: TeamSettings, highlights: readonly Highlight[]): Highlight[] {
  return selectTeamHighlights(settings, highlights, new EmojiSectionMap(settings.emoji));
}
const ids = (highlights: readonly Highlight[]) => highlights.map((h) => h.id);

describe("selectTeamHighlights: where", () => {
  const general = makeHighlight({
    postedAtMs: t0,
    conversationId: "C0GENERAL1",
    conversationName: "general",
  });
  const bins = makeHighlight({ postedAtMs: t0 + 1, conversationId: "C0BINS0001", conversationName: "bins" });
  const web = makeHighlight({
    postedAtMs: t0 + 2,
    conversationId: "C0WEB00001",
    conversationName: "website",
  });

  it("takes every conversation when the team has no source channels", () => {
    expect(ids(select(team(), [general, bins, web]))).toEqual(ids([general, bins, web]));
  });

  it("takes only the team's source channels when it has some", () => {
    expect(ids(select(team({ sourceChannels: ["C0BINS0001"] }), [general, bins, web]))).toEqual([bins.id]);
    expect(ids(select(team({ sourceChannels: ["C0WEB00001", "C0GENERAL1"] }), [general, bins, web]))).toEqual(
      [general.id, web.id],
    );
  });

  it("never takes another workspace's highlights", () => {
    const elsewhere = makeHighlight({ postedAtMs: t0, workspace: "T0OTHER001" });
    expect(select(team(), [elsewhere])).toEqual([]);
  });

  it("gives typed text added for a team to that team only, wherever it was typed", () => {
    const forBins = typed("for-bins", { conversationId: "C0GENERAL1", team: "bins" });
    const forAll = typed("for-all", { conversationId: "C0GENERAL1", team: undefined });
    const digital = team();
    const binsTeam = team({ team: "bins", name: "Bins", sourceChannels: ["C0BINS0001"] });
    expect(ids(select(digital, [forBins, forAll]))).toEqual([forAll.id]);
    // Typed in #general, which the bins team does not read: it still goes to the team it was added for.
    expect(ids(select(binsTeam, [forBins, forAll]))).toEqual([forBins.id]);
  });

  it("keeps the input order", () => {
    expect(ids(select(team(), [web, general, bins]))).toEqual([web.id, general.id, bins.id]);
  });
});

describe("selectTeamHighlights: private conversations", () => {
  const open = makeHighlight({ postedAtMs: t0, conversationId: "C0OPEN0001" });
  const closed = makeHighlight({ postedAtMs: t0 + 1, conversationId: "G0PRIVATE1", private: true });

  it("leaves private channels and DMs out unless the team allows them", () => {
    expect(ids(select(team(), [open, closed]))).toEqual([open.id]);
    expect(ids(select(team({ includePrivate: true }), [open, closed]))).toEqual([open.id, closed.id]);
  });

  it("leaves them out even when named as a source channel", () => {
    expect(select(team({ sourceChannels: ["G0PRIVATE1"] }), [open, closed])).toEqual([]);
  });
});

describe("selectTeamHighlights: a personal team", () => {
  const mine = team({ team: "my-note", name: "My note", personal: true, members: ["U0ALICE001"] });

  it("counts only its members' tags, and carries only those", () => {
    const both = makeHighlight({
      postedAtMs: t0,
      tags: [reaction("U0BOB00002", "star"), reaction("U0ALICE001", "clap", "thanks")],
    });
    const bobs = makeHighlight({ postedAtMs: t0 + 1, tags: [reaction("U0BOB00002", "star")] });
    const selected = select(mine, [both, bobs]);
    expect(ids(selected)).toEqual([both.id]);
    expect(selected[0]?.tags).toEqual([reaction("U0ALICE001", "clap", "thanks")]);
    expect(selected[0]?.section).toBe("thanks");
  });

  it("counts everyone's tags for a team that is not personal, members or not", () => {
    const bobs = makeHighlight({ postedAtMs: t0, tags: [reaction("U0BOB00002", "star")] });
    expect(ids(select(team({ members: ["U0ALICE001"] }), [bobs]))).toEqual([bobs.id]);
  });

  it("counts a member's typed text and Add to weeknotes", () => {
    const added = makeHighlight({ postedAtMs: t0, tags: [command("U0ALICE001", "coming_up")] });
    const text = typed("alice", { team: "my-note", tags: [command("U0ALICE001", "challenges")] });
    const selected = select(mine, [added, text]);
    expect(selected.map((h) => [h.id, h.section])).toEqual([
      [added.id, "coming_up"],
      [text.id, "challenges"],
    ]);
  });
});

describe("selectTeamHighlights: each team's emoji", () => {
  const tagged = makeHighlight({
    postedAtMs: t0,
    section: "highlights",
    tags: [reaction("U1", "tada", "highlights"), reaction("U2", "clap::skin-tone-3", "thanks")],
  });

  it("files a reaction by the team's own map, not by the section captured", () => {
    // The default map does not know tada: only the toned clap counts, a thanks.
    const byDefault = select(team(), [tagged]);
    expect(byDefault.map((h) => h.section)).toEqual(["thanks"]);
    expect(byDefault[0]?.tags).toEqual([reaction("U2", "clap::skin-tone-3", "thanks")]);

    const party = team({
      team: "party",
      emoji: [
        ["tada", "coming_up"],
        ["clap", "coming_up"],
      ],
    });
    const selected = select(party, [tagged]);
    expect(selected[0]?.section).toBe("coming_up");
    expect(selected[0]?.tags).toEqual([
      reaction("U1", "tada", "coming_up"),
      reaction("U2", "clap::skin-tone-3", "coming_up"),
    ]);
  });

  it("is not a team's highlight when no reaction is in its map", () => {
    const onlyTada = makeHighlight({ postedAtMs: t0, tags: [reaction("U1", "tada")] });
    expect(select(team(), [onlyTada])).toEqual([]);
    expect(select(team({ emoji: [["star", "highlights"]] }), [onlyTada])).toEqual([]);
  });

  it("keeps the section the person chose for a command tag, whatever the map", () => {
    const added = makeHighlight({ postedAtMs: t0, tags: [command("U1", "tune")] });
    expect(select(team({ emoji: [["star", "highlights"]] }), [added]).map((h) => h.section)).toEqual([
      "tune",
    ]);
  });

  it("uses the map it is given (built with aliases by the caller)", () => {
    const plusOne = makeHighlight({ postedAtMs: t0, tags: [reaction("U1", "thumbsup")] });
    const aliases = { canonical: (name: string) => (name === "thumbsup" ? "+1" : name) };
    const settings = team({ emoji: [["+1", "challenges"]] });
    expect(selectTeamHighlights(settings, [plusOne], new EmojiSectionMap(settings.emoji)).length).toBe(0);
    const selected = selectTeamHighlights(settings, [plusOne], new EmojiSectionMap(settings.emoji, aliases));
    expect(selected.map((h) => h.section)).toEqual(["challenges"]);
  });
});

describe("selectTeamHighlights: sections chosen again", () => {
  it("chooses the section with most taggers among the tags that count, ties to the earlier section", () => {
    const highlight = makeHighlight({
      postedAtMs: t0,
      section: "thanks",
      tags: [
        reaction("U1", "clap", "thanks"),
        reaction("U2", "clap", "thanks"),
        reaction("U3", "star", "highlights"),
        reaction("U4", "warning", "challenges"),
      ],
    });
    expect(select(team(), [highlight])[0]?.section).toBe("thanks");
    // A personal team of U3 and U4: one tag each, the tie goes to highlights (before challenges).
    const pair = team({ team: "pair", personal: true, members: ["U3", "U4"] });
    expect(select(pair, [highlight])[0]?.section).toBe("highlights");
    // A map where clap is not a section emoji: 1 star against 1 warning, highlights again.
    const noClap = team({
      team: "no-clap",
      emoji: [
        ["star", "highlights"],
        ["warning", "challenges"],
      ],
    });
    expect(select(noClap, [highlight])[0]?.section).toBe("highlights");
    // Only U4 counts: challenges.
    expect(select(team({ team: "u4", personal: true, members: ["U4"] }), [highlight])[0]?.section).toBe(
      "challenges",
    );
  });

  it("does not change the highlights it is given", () => {
    const highlight = makeHighlight({
      postedAtMs: t0,
      tags: [reaction("U1", "tada", "highlights"), reaction("U2", "clap", "thanks")],
    });
    const before = structuredClone(highlight);
    select(team(), [highlight]);
    expect(highlight).toEqual(before);
  });
});
