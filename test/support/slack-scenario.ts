import type { Highlight } from "../../src/domain/highlight.ts";
import type { TestBot } from "./bot-harness.ts";
import { TEAM } from "./bot-harness.ts";
import type { FakeSlackApi, FakeSlackCall } from "./fake-slack-api.ts";

// Shared people, channels and helpers of the Slack end-to-end tests (ids as in CASES.md).

export const ALICE = "U0ALICE001";
export const BOB = "U0BOB00002";
export const GENERAL = "C0GENERAL1";
export const PRIVATE = "C0PRIV0001";
export const SHARED = "C0SHARED01";
export const REVIEW = "C0REVIEW01";
export const DM = "D0DM000001";

/** 2026-W13 (the harness's default "now" is Friday 2026-03-27 12:00Z): Monday 00:00Z as Unix seconds. */
export const W13_MONDAY_S = 1774224000;

/** A Slack ts `seconds` after Monday 00:00 of 2026-W13, with a distinguishing fraction. */
export function w13Ts(seconds: number, fraction = 100): string {
  return `${W13_MONDAY_S + seconds}.${String(fraction).padStart(6, "0")}`;
}

/** The fake workspace most tests use: #general, a review channel, Alice and Bob. */
export function seedWorkspace(fake: FakeSlackApi): void {
  fake.addChannel({ id: GENERAL, name: "general", is_channel: true, is_private: false });
  fake.addChannel({ id: REVIEW, name: "weeknotes-review", is_channel: true, is_private: false });
  fake.addUser({ id: ALICE, name: "alice", real_name: "Alice Smith", profile: { display_name: "Alice" } });
  fake.addUser({ id: BOB, name: "bob", real_name: "Bob Jones", profile: { display_name: "Bob" } });
}

export function reactionAdded(user: string, channel: string, ts: string, reaction = "star") {
  return {
    type: "reaction_added",
    user,
    reaction,
    item: { type: "message", channel, ts },
    event_ts: "1774600000.000100",
  };
}

export function reactionRemoved(user: string, channel: string, ts: string, reaction = "star") {
  return { ...reactionAdded(user, channel, ts, reaction), type: "reaction_removed" };
}

/** Every highlight of the test workspace, oldest first. */
export function allHighlights(t: TestBot): Promise<Highlight[]> {
  return t.bot.store.listHighlights({ workspace: TEAM, fromMs: 0, toMs: Date.parse("2100-01-01") });
}

interface Block {
  type: string;
  block_id?: string;
  text?: { type: string; text: string };
  elements?: { action_id?: string; value?: string; type?: string; text?: string }[];
}

/** The blocks of a recorded chat.postMessage / chat.update call. */
export function blocksOf(call: FakeSlackCall | undefined): Block[] {
  const blocks = call?.args.blocks;
  return Array.isArray(blocks) ? (blocks as Block[]) : [];
}

/** The buttons of a recorded call's actions blocks. */
export function buttonsOf(call: FakeSlackCall | undefined): { action_id: string; value: string }[] {
  return blocksOf(call)
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements ?? [])
    .map((e) => ({ action_id: String(e.action_id), value: String(e.value) }));
}

/** The first review message posted (the one with buttons). */
export function reviewPost(fake: FakeSlackApi): FakeSlackCall | undefined {
  return fake.callsOf("chat.postMessage").find((c) => buttonsOf(c).length > 0);
}

/** A block_actions click on a review button, as Slack posts it. */
export function buttonClick(options: {
  user: string;
  actionId: string;
  value: string | undefined;
  channel: string;
  messageTs: string;
  actionTs: string;
  triggerId?: string;
}): Record<string, unknown> {
  return {
    type: "block_actions",
    team: { id: TEAM },
    user: { id: options.user },
    api_app_id: "A0APP00001",
    trigger_id: options.triggerId ?? `trigger.${options.actionTs}`,
    container: { type: "message", message_ts: options.messageTs, channel_id: options.channel },
    channel: { id: options.channel },
    message: { ts: options.messageTs },
    actions: [
      {
        type: "button",
        action_id: options.actionId,
        block_id: "weeknote_actions",
        value: options.value,
        action_ts: options.actionTs,
      },
    ],
  };
}

let submissions = 0;

/**
 * A view_submission of a modal, its inputs given as `state.values`. Like Slack, each submission
 * has a trigger id of its own (the inbox records it as `view:<trigger id>`), unless `triggerId`
 * is given (a redelivery of the same submission).
 */
export function viewSubmission(options: {
  user: string;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, Record<string, unknown>>>;
  viewId?: string;
  triggerId?: string;
}): Record<string, unknown> {
  submissions += 1;
  return {
    type: "view_submission",
    team: { id: TEAM },
    user: { id: options.user },
    api_app_id: "A0APP00001",
    trigger_id: options.triggerId ?? `trigger.view.${options.viewId ?? "V0VIEW0001"}.${submissions}`,
    view: {
      id: options.viewId ?? "V0VIEW0001",
      type: "modal",
      team_id: TEAM,
      callback_id: options.callbackId,
      private_metadata: options.privateMetadata,
      state: { values: options.values },
      hash: "1700000000.abcdef",
    },
  };
}

/** A modal as the bot opened it with views.open. */
export interface OpenedModal {
  readonly callback_id: string;
  readonly private_metadata: string;
  readonly blocks: readonly { readonly block_id: string; readonly element?: Record<string, unknown> }[];
}

/** The view of the `index`-th views.open call (the last by default). */
export function openedModal(fake: FakeSlackApi, index = -1): OpenedModal {
  const view = fake.callsOf("views.open").at(index)?.args.view;
  if (typeof view !== "object" || view === null) {
    throw new Error("No modal was opened");
  }
  return view as OpenedModal;
}

type ViewValues = Record<string, Record<string, Record<string, unknown>>>;

/**
 * A modal's `state.values` as Slack submits it when nobody changes anything: every input at its
 * initial value, in the shape Slack gives each element type (view_submission payload reference).
 * `changes` then replaces some inputs' state, by block id (`{ timezone: { value: "Europe/Dublin" } }`).
 */
export function modalValues(
  modal: OpenedModal,
  changes: Record<string, Record<string, unknown>> = {},
): ViewValues {
  const values: ViewValues = {};
  for (const block of modal.blocks) {
    const element = block.element;
    if (!element) {
      continue;
    }
    const state: Record<string, unknown> = { type: element.type };
    switch (element.type) {
      case "plain_text_input":
        state.value = element.initial_value ?? null;
        break;
      case "conversations_select":
        state.selected_conversation = element.initial_conversation ?? null;
        break;
      case "multi_conversations_select":
        state.selected_conversations = element.initial_conversations ?? [];
        break;
      case "multi_users_select":
        state.selected_users = element.initial_users ?? [];
        break;
      case "checkboxes":
        state.selected_options = element.initial_options ?? [];
        break;
    }
    const action = String(element.action_id ?? "value");
    values[block.block_id] = { [action]: { ...state, ...changes[block.block_id] } };
  }
  return values;
}

/** Submits a modal the bot opened, with `changes` (see modalValues), as `user`. */
export function submitModal(
  t: TestBot,
  modal: OpenedModal,
  user: string,
  changes: Record<string, Record<string, unknown>> = {},
  viewId?: string,
) {
  return t.interaction(
    viewSubmission({
      user,
      callbackId: modal.callback_id,
      privateMetadata: modal.private_metadata,
      values: modalValues(modal, changes),
      ...(viewId === undefined ? {} : { viewId }),
    }),
  );
}

/**
 * Polls `check` until it returns something other than undefined or false, every 20 ms, for at
 * most `timeoutMs` (real time, for work in another process); throws with `what` when it never does.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (performance.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Clicks Approve on the review card the bot posted in `channel`, as `user`, and waits for the
 * worker: the last step of the Slack loop. Returns the click's HTTP status.
 */
export async function approveReview(t: TestBot, user: string, channel: string): Promise<number> {
  const review = t.fake.callsOf("chat.postMessage").find((c) => buttonsOf(c).length > 0);
  const approve = buttonsOf(review).find((b) => b.action_id === "weeknote_approve");
  const reviewTs = (t.fake.messages(channel).find((m) => m.blocks !== undefined) ?? { ts: "" }).ts;
  const click = await t.interaction(
    buttonClick({
      user,
      actionId: "weeknote_approve",
      value: approve?.value,
      channel,
      messageTs: reviewTs,
      actionTs: "1774612800.000100",
    }),
  );
  await t.settle();
  return click.status;
}
