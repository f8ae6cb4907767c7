import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SECRET, startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import { ALICE, GENERAL, reactionAdded, seedWorkspace, w13Ts } from "../support/slack-scenario.ts";
import { postSlackEvent } from "../support/slack-signing.ts";

// Issue 11, item 3: multi-workspace installs through OAuth. The env token's own workspace keeps
// working; a second workspace installs through /slack/install → Slack → /slack/oauth_redirect,
// its token is stored encrypted, its events are its own, and an uninstall forgets it.

const OTHER = "T0OTHER001";
const OTHER_TOKEN = "xoxb-2-other-workspace-token";
const OTHER_BOT_USER = "U0BOT00002";
const OTHER_CHANNEL = "C0OTHERGEN";
const KEY = Buffer.alloc(32, 9).toString("base64");

let t: TestBot;
beforeEach(async () => {
  t = await startTestBot({
    env: {
      SLACK_CLIENT_ID: "1111.2222",
      SLACK_CLIENT_SECRET: "client-secret-value",
      SLACK_STATE_SECRET: "state-secret-value-of-at-least-32-chars",
      INSTALLATION_ENCRYPTION_KEY: KEY,
    },
  });
  seedWorkspace(t.fake);
  t.fake.addChannel({ id: OTHER_CHANNEL, name: "other-general", is_channel: true, is_private: false });
  t.fake.addMessage(GENERAL, {
    type: "message",
    ts: w13Ts(3600, 1),
    user: ALICE,
    text: "Ours: bins went digital",
  });
  t.fake.addMessage(OTHER_CHANNEL, {
    type: "message",
    ts: w13Ts(3600, 2),
    user: "U0CAROL003",
    text: "Theirs: a cyber drill",
  });
  t.fake.setHandler("oauth.v2.access", (args) =>
    args.code === "good-code" &&
    args.client_id === "1111.2222" &&
    args.client_secret === "client-secret-value"
      ? {
          ok: true,
          access_token: OTHER_TOKEN,
          token_type: "bot",
          scope: "reactions:read,channels:history",
          bot_user_id: OTHER_BOT_USER,
          app_id: "A0APP00001",
          team: { id: OTHER, name: "Other council" },
          enterprise: null,
          is_enterprise_install: false,
          authed_user: { id: "U0ADMIN001" },
        }
      : { ok: false, error: "invalid_code" },
  );
  t.fake.setHandler("auth.test", (_args, call, next) =>
    call.headers.authorization === `Bearer ${OTHER_TOKEN}`
      ? { ok: true, team_id: OTHER, user_id: OTHER_BOT_USER, bot_id: "B0BOT00002", team: "Other council" }
      : next(),
  );
});
afterEach(async () => {
  await t.stop();
});

/** Runs the browser's side of an install: /slack/install, then Slack's redirect back with `code`. */
async function install(code: string, tamper?: (state: string) => string): Promise<Response> {
  const start = await fetch(`${t.bot.url}/slack/install`, { redirect: "manual" });
  expect(start.status).toBe(302);
  const location = new URL(start.headers.get("location") ?? "");
  expect(`${location.origin}${location.pathname}`).toBe("https://slack.com/oauth/v2/authorize");
  expect(location.searchParams.get("scope")?.split(",")).toContain("reactions:read");
  const state = location.searchParams.get("state") ?? "";
  const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const sent = tamper ? tamper(state) : state;
  return fetch(`${t.bot.url}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(sent)}`, {
    headers: { cookie },
    redirect: "manual",
  });
}

function otherEvent(event: Record<string, unknown>, eventId: string) {
  return postSlackEvent(
    `${t.bot.url}/slack/events`,
    {
      token: "x",
      team_id: OTHER,
      api_app_id: "A0APP00001",
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(t.clock.now() / 1000),
      event,
    },
    { secret: SECRET, timestampSeconds: Math.floor(t.clock.now() / 1000) },
  );
}

const all = (workspace: string) =>
  t.bot.store.listHighlights({ workspace, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER });

describe("Slack OAuth installs", () => {
  it("installs a second workspace, stores its token encrypted and keeps the two workspaces apart", async () => {
    const done = await install("good-code");
    expect(done.status).toBe(200);
    expect(await done.text()).toMatch(/installed/);
    const row = await t.bot.store.getInstallation("slack", OTHER);
    expect(row).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(OTHER_TOKEN);

    expect(
      (await otherEvent(reactionAdded("U0CAROL003", OTHER_CHANNEL, w13Ts(3600, 2)), "Ev0OTHER01")).status,
    ).toBe(200);
    expect((await t.event(reactionAdded(ALICE, GENERAL, w13Ts(3600, 1)), "Ev0OURS001")).status).toBe(200);
    // The installed workspace's own bot user (from its stored installation) never tags.
    t.fake.addMessage(OTHER_CHANNEL, {
      type: "message",
      ts: w13Ts(3600, 3),
      user: "U0CAROL003",
      text: "Not by a person's tag",
    });
    const own = reactionAdded(OTHER_BOT_USER, OTHER_CHANNEL, w13Ts(3600, 3));
    expect((await otherEvent(own, "Ev0OTHER03")).status).toBe(200);
    await t.settle();

    expect((await all(OTHER)).map((h) => h.text)).toEqual(["Theirs: a cyber drill"]);
    expect((await all(TEAM)).map((h) => h.text)).toEqual(["Ours: bins went digital"]);
    // Each workspace's messages were read with its own token.
    const reads = t.fake.callsOf("conversations.history");
    const tokenOf = (channel: string) => reads.find((c) => c.args.channel === channel)?.headers.authorization;
    expect(tokenOf(OTHER_CHANNEL)).toBe(`Bearer ${OTHER_TOKEN}`);
    expect(tokenOf(GENERAL)).toBe("Bearer xoxb-test");
  });

  it("refuses a forged or missing state and stores nothing", async () => {
    const forged = await install("good-code", (state) => `${state.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(400);
    const missing = await fetch(`${t.bot.url}/slack/oauth_redirect?code=good-code`, { redirect: "manual" });
    expect(missing.status).toBe(400);
    expect(t.fake.callsOf("oauth.v2.access")).toHaveLength(0);
    expect(await t.bot.store.getInstallation("slack", OTHER)).toBeUndefined();
  });

  it("forgets a workspace on app_uninstalled and tokens_revoked; its events are then ignored", async () => {
    expect((await install("good-code")).status).toBe(200);
    expect(
      (await otherEvent({ type: "app_uninstalled", event_ts: "1774600000.000200" }, "Ev0UNINST1")).status,
    ).toBe(200);
    await t.settle();
    expect(await t.bot.store.getInstallation("slack", OTHER)).toBeUndefined();
    expect(
      (await otherEvent(reactionAdded("U0CAROL003", OTHER_CHANNEL, w13Ts(3600, 2)), "Ev0OTHER02")).status,
    ).toBe(200);
    await t.settle();
    expect(await all(OTHER)).toEqual([]);

    expect((await install("good-code")).status).toBe(200);
    const revoked = {
      type: "tokens_revoked",
      tokens: { bot: [OTHER_BOT_USER] },
      event_ts: "1774600000.000300",
    };
    expect((await otherEvent(revoked, "Ev0REVOKE1")).status).toBe(200);
    await t.settle();
    expect(await t.bot.store.getInstallation("slack", OTHER)).toBeUndefined();
  });
});
