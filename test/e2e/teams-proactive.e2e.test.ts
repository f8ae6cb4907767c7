import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TeamsActivityFactory } from "../support/bot-framework/activities.ts";
import type { BlockedShape } from "../support/bot-framework/connector.ts";
import { DEFAULT_PEOPLE, TEST_TEAM, TEST_TENANT_ID } from "../support/bot-framework/index.ts";
import { cardOf, cardText, postsOf, settle } from "../support/teams-cards.ts";
import { startTeamsBot, type TeamsTestBot } from "../support/teams-harness.ts";

// Proactive posting of the Friday draft from stored conversation references (CASES C12): one
// team's refusal never stops the others, a blocked or uninstalled team is left alone until the bot
// hears from it again, and a passing failure is tried again later.

const { alice } = DEFAULT_PEOPLE;
const WEEK = "2026-W13";
const FRIDAY_DRAFT = "2026-03-27T14:01:00Z";

/** A second Microsoft team of the tenant, with the channel its weeknotes team reviews in. */
const PARKING = {
  teamId: "19:Tm0parkingTeam00000000000000002@thread.tacv2",
  teamName: "Parking",
  teamAadGroupId: "9a0f0000-0000-4000-8000-0000000000b2",
  channelId: "19:Ch0parkingReviews0000000000002@thread.tacv2",
  channelName: "Parking reviews",
} as const;
const BINS_CHANNEL = TEST_TEAM.channelId;
const LIBRARIES_CHANNEL = "19:Ch0librariesWeeknotes0000000003@thread.tacv2";

let t: TeamsTestBot;
beforeEach(async () => {
  // Tuesday of 2026-W13, 10:15 in London; the minute sweep runs as the test moves the clock.
  t = await startTeamsBot({ now: "2026-03-24T10:15:00Z", schedule: true });
});
afterEach(async () => {
  await t.stop();
});

/** Every call the bot made about a conversation (or a thread of it). */
function callsTo(conversationId: string) {
  return t.bf.connector.calls.filter((c) => c.conversationId?.split(";messageid=")[0] === conversationId);
}

/** A weeknotes team made with "@Weeknotes new <name>" in a channel, with one line added there. */
async function teamIn(world: TeamsActivityFactory, name: string): Promise<void> {
  for (const text of [`new ${name}`, `add ${name}: the week's news`]) {
    expect((await t.post(world.channelMention(text, { from: alice }))).status).toBe(200);
  }
  await settle(t);
}

async function team(key: string) {
  const found = await t.bot.store.getTeam(TEST_TENANT_ID, key);
  if (!found) throw new Error(`no team ${key}`);
  return found;
}

describe("CASES C12: three teams, one blocked", () => {
  let bins: TeamsActivityFactory;
  let parking: TeamsActivityFactory;
  let libraries: TeamsActivityFactory;
  beforeEach(async () => {
    bins = t.teams;
    parking = t.bf.activities(PARKING);
    libraries = t.bf.activities({ channelId: LIBRARIES_CHANNEL, channelName: "Libraries" });
    await teamIn(bins, "Bins");
    await teamIn(parking, "Parking");
    await teamIn(libraries, "Libraries");
    expect(
      (await t.bot.store.listTeams(TEST_TENANT_ID)).map((s) => [s.team, s.reviewChannel]).sort(),
    ).toEqual([
      ["bins", BINS_CHANNEL],
      ["libraries", LIBRARIES_CHANNEL],
      ["parking", PARKING.channelId],
    ]);
  });

  it.each([
    ["error-envelope", "an installationUpdate add"],
    ["documented", "a message there"],
  ] as const)(
    "a %s 403 marks only that team inactive, left alone until %s",
    async (shape: BlockedShape, how) => {
      t.bf.connector.reset();
      t.bf.connector.blockWrites(PARKING.channelId, shape);
      await t.time.advanceTo(FRIDAY_DRAFT);
      await settle(t);

      // T1 and T3 get their cards, each in its own channel; T2's post was refused.
      for (const [key, channel] of [
        ["bins", BINS_CHANNEL],
        ["libraries", LIBRARIES_CHANNEL],
      ] as const) {
        const weeknote = await t.bot.store.getWeeknote({ workspace: TEST_TENANT_ID, team: key, week: WEEK });
        expect(weeknote?.review?.conversationId).toBe(channel);
        const posted = postsOf(t, channel);
        expect(posted.map((c) => c.status)).toEqual([201]);
        expect(cardText(cardOf(posted[0]?.body))).toContain(`Draft weeknote · ${WEEK}`);
      }
      const refused = callsTo(PARKING.channelId);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((c) => c.status === 403)).toBe(true);
      expect((await team("parking")).inactive).toMatchObject({ reason: "blocked" });
      expect((await team("bins")).inactive).toBeUndefined();
      expect((await team("libraries")).inactive).toBeUndefined();

      // Not tried again, minute after minute, for the rest of the afternoon.
      await t.time.advanceTo("2026-03-27T18:00:00Z");
      await settle(t);
      expect(callsTo(PARKING.channelId)).toHaveLength(refused.length);

      // The bot hears from there again (its serviceUrl now another region's): active again, and the
      // draft goes out at the next sweep, through the new serviceUrl.
      t.bf.connector.unblock(PARKING.channelId);
      const again = t.bf.activities({ ...PARKING, serviceUrl: t.bf.connector.serviceUrl("emea") });
      const heard =
        how === "an installationUpdate add"
          ? again.installationUpdate("add", { from: alice })
          : again.channelMention("list", { from: alice });
      expect((await t.post(heard)).status).toBe(200);
      await settle(t);
      expect((await team("parking")).inactive).toBeUndefined();
      await t.time.advance(60_000);
      await settle(t);
      const posted = postsOf(t, PARKING.channelId).filter((c) => c.status === 201);
      expect(posted).toHaveLength(1);
      expect(posted[0]?.prefix).toBe("/emea/");
      expect(cardText(cardOf(posted[0]?.body))).toContain(`Draft weeknote · ${WEEK}`);
      expect(
        (await t.bot.store.getWeeknote({ workspace: TEST_TENANT_ID, team: "parking", week: WEEK }))?.review,
      ).toMatchObject({ conversationId: PARKING.channelId, messageId: posted[0]?.answeredId });
      // The others were not posted again.
      expect(postsOf(t, BINS_CHANNEL)).toHaveLength(1);
      expect(postsOf(t, LIBRARIES_CHANNEL)).toHaveLength(1);
    },
  );
});

describe("a failure that may pass", () => {
  it.each([
    ["429 Too Many Requests", { status: 429 }],
    ["503 with Retry-After", { status: 503, retryAfterSeconds: 0, times: 4 }],
  ] as const)("%s on the proactive post is tried again later; the team stays active", async (_, fault) => {
    await teamIn(t.teams, "Bins");
    t.bf.connector.reset();
    t.bf.connector.failNext(BINS_CHANNEL, fault);
    await t.time.advanceTo(FRIDAY_DRAFT);
    await settle(t);
    const failed = callsTo(BINS_CHANNEL);
    expect(failed.map((c) => c.status)).toEqual(failed.map(() => fault.status));
    expect(failed.length).toBeGreaterThan(0);
    expect((await team("bins")).inactive).toBeUndefined();
    const key = { workspace: TEST_TENANT_ID, team: "bins", week: WEEK };
    expect((await t.bot.store.getWeeknote(key))?.review).toBeUndefined();

    await t.time.advanceTo("2026-03-27T14:30:00Z");
    await settle(t);
    const posted = postsOf(t, BINS_CHANNEL).filter((c) => c.status === 201);
    expect(posted).toHaveLength(1);
    expect((await t.bot.store.getWeeknote(key))?.review?.messageId).toBe(posted[0]?.answeredId);
    expect((await team("bins")).inactive).toBeUndefined();
  });
});

describe("uninstalled", () => {
  it("an installationUpdate remove marks the teams reviewing in that Microsoft team inactive; add makes them active", async () => {
    const parking = t.bf.activities(PARKING);
    await teamIn(t.teams, "Bins");
    await teamIn(parking, "Parking");
    const personal = await t.post(t.teams.personalMessage("new personal Alice notes", { from: alice }));
    expect(personal.status).toBe(200);
    await settle(t);
    expect((await t.bot.store.listTeams(TEST_TENANT_ID)).map((s) => s.team).sort()).toEqual([
      "alice-notes",
      "bins",
      "parking",
    ]);

    // Removed from the Bins team: Teams names the team (its General channel), not the review channel.
    expect((await t.post(t.teams.installationUpdate("remove", { from: alice }))).status).toBe(200);
    await settle(t);
    expect((await team("bins")).inactive).toMatchObject({ reason: "uninstalled" });
    expect((await team("parking")).inactive).toBeUndefined();
    expect((await team("alice-notes")).inactive).toBeUndefined();

    // Removed from the Parking team, as documented: the conversation is a channel chosen at install.
    const removal = parking.installationUpdate("remove", { from: alice });
    removal.conversation = {
      ...(removal.conversation as object),
      id: "19:Ch0parkingOther00000000000000004@thread.tacv2",
    };
    expect((await t.post(removal)).status).toBe(200);
    await settle(t);
    expect((await team("parking")).inactive).toMatchObject({ reason: "uninstalled" });
    expect((await team("alice-notes")).inactive).toBeUndefined();

    // Nothing is drafted for the uninstalled teams on Friday.
    t.bf.connector.reset();
    await t.time.advanceTo(FRIDAY_DRAFT);
    await settle(t);
    expect(callsTo(BINS_CHANNEL)).toEqual([]);
    expect(callsTo(PARKING.channelId)).toEqual([]);

    // Installed again in the Bins team: active, and its draft goes out at the next sweep.
    expect((await t.post(t.teams.installationUpdate("add", { from: alice }))).status).toBe(200);
    await settle(t);
    expect((await team("bins")).inactive).toBeUndefined();
    expect((await team("parking")).inactive).toMatchObject({ reason: "uninstalled" });
    await t.time.advance(60_000);
    await settle(t);
    expect(postsOf(t, BINS_CHANNEL).filter((c) => c.status === 201)).toHaveLength(1);
    expect(callsTo(PARKING.channelId)).toEqual([]);
  });
});
