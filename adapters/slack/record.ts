import type { InboxWorker } from "../../src/app/inbox-worker.ts";
import type { InboxPayload } from "../../src/app/process-event.ts";
import type { Clock } from "../../src/ports/clock.ts";
import type { Store } from "../../src/ports/store.ts";

/**
 * Records an event in the inbox (durably, deduplicated by event id) and wakes the worker. Listeners
 * call this before they acknowledge, so an acknowledged event is never lost (case C1).
 */
export function createRecorder(deps: { store: Store; worker: InboxWorker; clock: Clock }) {
  return async function record(
    workspace: string,
    eventId: string,
    payload: InboxPayload,
  ): Promise<"recorded" | "duplicate"> {
    const result = await deps.store.recordEvent({
      workspace,
      eventId,
      kind: payload.kind,
      payload,
      receivedAtMs: deps.clock.now(),
    });
    if (result === "recorded") {
      void deps.worker.kick();
    }
    return result;
  };
}

export type Recorder = ReturnType<typeof createRecorder>;

/** A unique made-up Slack-style ts (`<seconds>.<6 digits>`) for highlights typed, not posted. */
export function madeUpTs(nowMs: number, salt: string): string {
  let hash = 0;
  for (const char of salt) {
    hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 1000;
  }
  return `${Math.floor(nowMs / 1000)}.${String((nowMs % 1000) * 1000 + hash).padStart(6, "0")}`;
}
