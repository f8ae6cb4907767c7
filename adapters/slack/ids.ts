import type { MessageRef } from "../../src/domain/message-ref.ts";

/**
 * A Slack ts (`"1700000000.000100"`: seconds, a dot, a 6-digit fraction) as UTC epoch ms, from the
 * digits rather than through a float, so it is exact. NaN when `ts` is not of that form. Slack's
 * "Retrieving messages" docs: a ts is a message's id within its channel and also its time.
 */
export function slackTsToMs(ts: string): number {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(ts);
  if (!match) {
    return Number.NaN;
  }
  return Number(match[1]) * 1000 + Number((match[2] ?? "").padEnd(3, "0").slice(0, 3));
}

/**
 * The platform-neutral reference of a Slack message: workspace = team id `T…`, conversation =
 * channel id, message id = its `ts` exactly as Slack gave it, thread = the parent's `thread_ts`
 * when the message is a reply (a parent's own `thread_ts` equals its ts and is left out).
 */
export function slackMessageRef(
  workspace: string,
  channel: string,
  ts: string,
  threadTs?: string,
): MessageRef {
  return {
    platform: "slack",
    workspace,
    conversationId: channel,
    messageId: ts,
    ...(threadTs !== undefined && threadTs !== ts ? { threadId: threadTs } : {}),
  };
}
