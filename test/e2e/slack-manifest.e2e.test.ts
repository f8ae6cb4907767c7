import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { WEEKNOTE_ACTIONS } from "../../adapters/slack/blocks.ts";
import { VIEW_IDS } from "../../adapters/slack/views.ts";
import { SECRET, startTestBot, TEAM, type TestBot } from "../support/bot-harness.ts";
import {
  ALICE,
  BOB,
  buttonClick,
  buttonsOf,
  GENERAL,
  modalValues,
  openedModal,
  reactionAdded,
  reviewPost,
  seedWorkspace,
  viewSubmission,
  w13Ts,
} from "../support/slack-scenario.ts";
import { postSlackCommand } from "../support/slack-signing.ts";

// Every id Slack routes on — the review buttons' action ids, the manifest's shortcut callback id,
// our modals' callback ids and the manifest's slash command — reaches a listener of the real bot:
// each is sent as a real signed request, and the test sees what the listener did (a command
// recorded in the inbox, a modal opened, an answer in the acknowledgement). An id nobody listens
// for is acknowledged and does nothing, so "handled" cannot pass by accident.

const ROOT = resolve(import.meta.dirname, "../..");

interface Manifest {
  features: {
    shortcuts: { type: string; callback_id: string }[];
    slash_commands: { command: string }[];
  };
}
const manifest = parse(readFileSync(join(ROOT, "manifest/slack.yaml"), "utf8")) as Manifest;

let t: TestBot;
let reviewTs: string;
/** The review message's buttons, as the bot posted them. */
let buttons: { action_id: string; value: string }[];

beforeEach(async () => {
  t = await startTestBot();
  seedWorkspace(t.fake);
  const ts = w13Ts(3600);
  t.fake.addMessage(GENERAL, { type: "message", ts, user: BOB, text: "Bins booking went live in beta" });
  await t.event(reactionAdded(ALICE, GENERAL, ts), "Ev0MANTAG01");
  await t.settle();
  await t.command("draft", ALICE);
  await t.settle();
  buttons = buttonsOf(reviewPost(t.fake));
  reviewTs = String(t.fake.messages(GENERAL).find((m) => m.blocks !== undefined)?.ts);
  t.fake.clearCalls();
});
afterEach(async () => {
  await t.stop();
});

/** Clicks a review button (its value as the bot posted it) with a fresh trigger id. */
function click(actionId: string, triggerId: string) {
  const value = buttons.find((b) => b.action_id === actionId)?.value ?? buttons[0]?.value;
  return t.interaction(
    buttonClick({
      user: ALICE,
      actionId,
      value,
      channel: GENERAL,
      messageTs: reviewTs,
      actionTs: "1774612800.000100",
      triggerId,
    }),
  );
}

/** The command the inbox recorded under `eventId`, if any. */
async function recorded(eventId: string): Promise<string | undefined> {
  return (await t.bot.store.getEvent(TEAM, eventId))?.kind;
}

describe("every id in the manifest and on the review buttons reaches a listener", () => {
  it("the review carries exactly the buttons the code routes on", () => {
    expect(buttons.map((b) => b.action_id)).toEqual(Object.values(WEEKNOTE_ACTIONS));
  });

  it("Approve and Skip clicks are recorded as commands before Slack is answered", async () => {
    for (const [kind, actionId] of [
      ["approve", WEEKNOTE_ACTIONS.approve],
      ["skip", WEEKNOTE_ACTIONS.skip],
    ] as const) {
      const trigger = `trigger.${kind}.1`;
      const answer = await click(actionId, trigger);
      expect(answer.status).toBe(200);
      expect(answer.body).toBe("");
      expect(await recorded(`action:${trigger}`), actionId).toBe(kind);
    }
  });

  it("Edit and Regenerate open their modals, whose callback ids are ours", async () => {
    for (const [actionId, callbackId] of [
      [WEEKNOTE_ACTIONS.edit, VIEW_IDS.edit],
      [WEEKNOTE_ACTIONS.regenerate, VIEW_IDS.regenerate],
    ] as const) {
      t.fake.clearCalls();
      const answer = await click(actionId, `trigger.${actionId}`);
      expect(answer.status).toBe(200);
      const opened = t.fake.callsOf("views.open");
      expect(opened, actionId).toHaveLength(1);
      expect(opened[0]?.args.trigger_id).toBe(`trigger.${actionId}`);
      expect(openedModal(t.fake).callback_id).toBe(callbackId);
    }
  });

  it("a submission of each modal (edit, regenerate, settings) is recorded as its command", async () => {
    const modals: { callbackId: string; kind: string; open: () => Promise<unknown> }[] = [
      {
        callbackId: VIEW_IDS.edit,
        kind: "edit",
        open: () => click(WEEKNOTE_ACTIONS.edit, "trigger.open.edit"),
      },
      {
        callbackId: VIEW_IDS.regenerate,
        kind: "regenerate",
        open: () => click(WEEKNOTE_ACTIONS.regenerate, "trigger.open.regenerate"),
      },
      { callbackId: VIEW_IDS.config, kind: "configure_team", open: () => t.command("config", ALICE) },
    ];
    // Every modal the code knows is covered here.
    expect(modals.map((m) => m.callbackId).sort()).toEqual(Object.values(VIEW_IDS).sort());
    for (const modal of modals) {
      t.fake.clearCalls();
      await modal.open();
      const view = openedModal(t.fake);
      expect(view.callback_id).toBe(modal.callbackId);
      const trigger = `trigger.submit.${modal.kind}`;
      const values = modalValues(
        view,
        modal.kind === "edit" ? { text: { value: "# Our week\n\nBins." } } : {},
      );
      const answer = await t.interaction(
        viewSubmission({
          user: ALICE,
          callbackId: view.callback_id,
          privateMetadata: view.private_metadata,
          values,
          triggerId: trigger,
        }),
      );
      expect(answer.status).toBe(200);
      expect(answer.body, modal.callbackId).toBe("");
      expect(await recorded(`view:${trigger}`), modal.callbackId).toBe(modal.kind);
    }
  });

  it("the manifest's message shortcut is recorded as an add", async () => {
    const shortcuts = manifest.features.shortcuts;
    expect(shortcuts.length).toBeGreaterThan(0);
    for (const [i, shortcut] of shortcuts.entries()) {
      expect(shortcut.type).toBe("message");
      const trigger = `trigger.shortcut.${i}`;
      const ts = w13Ts(7200 + i);
      const answer = await t.interaction({
        type: "message_action",
        callback_id: shortcut.callback_id,
        trigger_id: trigger,
        action_ts: "1774612800.000500",
        team: { id: TEAM, domain: "weeknotes-test" },
        user: { id: ALICE, name: "alice", team_id: TEAM },
        channel: { id: GENERAL, name: "general" },
        message_ts: ts,
        message: { type: "message", ts, user: BOB, text: "Forms beta opened" },
        response_url: `${t.fake.url}response/shortcut`,
      });
      expect(answer.status).toBe(200);
      expect(await recorded(`shortcut:${trigger}`), shortcut.callback_id).toBe("add_message");
    }
  });

  it("the manifest's slash command is answered in the acknowledgement and records what it was asked", async () => {
    const commands = manifest.features.slash_commands.map((c) => c.command);
    expect(commands.length).toBeGreaterThan(0);
    for (const [i, command] of commands.entries()) {
      const trigger = `trigger.command.${i}`;
      const answer = await postSlackCommand(
        `${t.bot.url}/slack/events`,
        {
          token: "x",
          team_id: TEAM,
          team_domain: "weeknotes-test",
          channel_id: GENERAL,
          channel_name: "general",
          user_id: ALICE,
          user_name: "alice",
          command,
          text: "add thanks: Jo for the phones",
          api_app_id: "A0APP00001",
          response_url: `${t.fake.url}response/command`,
          trigger_id: trigger,
        },
        { secret: SECRET, timestampSeconds: Math.floor(t.clock.now() / 1000) },
      );
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({
        response_type: "ephemeral",
        text: expect.stringContaining("Added"),
      });
      expect(await recorded(`command:${trigger}`), command).toBe("add_text");
    }
  });

  it("an id nobody listens for is acknowledged and does nothing (the checks above can fail)", async () => {
    const action = await click("weeknote_unknown", "trigger.unknown.action");
    const view = await t.interaction(
      viewSubmission({
        user: ALICE,
        callbackId: "weeknotes_unknown_modal",
        privateMetadata: "{}",
        values: {},
        triggerId: "trigger.unknown.view",
      }),
    );
    const shortcut = await t.interaction({
      type: "message_action",
      callback_id: "weeknotes_unknown_shortcut",
      trigger_id: "trigger.unknown.shortcut",
      team: { id: TEAM },
      user: { id: ALICE },
      channel: { id: GENERAL },
      message: { type: "message", ts: w13Ts(9000), user: BOB, text: "x" },
    });
    expect([action.status, view.status, shortcut.status]).toEqual([200, 200, 200]);
    expect(await recorded("action:trigger.unknown.action")).toBeUndefined();
    expect(await recorded("view:trigger.unknown.view")).toBeUndefined();
    expect(await recorded("shortcut:trigger.unknown.shortcut")).toBeUndefined();
    expect(t.fake.callsOf("views.open")).toEqual([]);
  });
});
