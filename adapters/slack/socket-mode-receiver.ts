import {
  type App,
  type Logger as BoltLogger,
  type Receiver,
  type ReceiverEvent,
  ReceiverMultipleAckError,
  SocketModeReceiver,
} from "@slack/bolt";
import { answeringRequest } from "../../src/app/yield.ts";
import type { Logger } from "../../src/ports/logger.ts";
import { describeError } from "../http/server.ts";
import type { HotEventRoute } from "./http-receiver.ts";

export interface SocketModeReceiverOptions {
  /** App-level token, `xapp-…`, with `connections:write` (config `SLACK_APP_TOKEN`). */
  readonly appToken: string;
  /** The Web API base URL for `apps.connections.open` (config `SLACK_API_URL`); default Slack's. */
  readonly apiUrl?: string;
  readonly logger: Logger;
  /** The SDK's logger (slack-app.ts boltLogger), for the Socket Mode client's own messages. */
  readonly sdkLogger: BoltLogger;
  /** A new unique id: each envelope's correlation id, in its logs and in the inbox (SPEC §9). */
  readonly newId: () => string;
  /** Hot events recorded without Bolt (see HotEventRoute). */
  readonly hotEvents?: HotEventRoute;
}

/** What the Socket Mode client emits for each envelope (`@slack/socket-mode`, `slack_event`). */
interface SocketModeEnvelope {
  readonly ack: (response?: Record<string, unknown> | string) => Promise<void>;
  readonly envelope_id: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
  readonly retry_num?: number;
  readonly retry_reason?: string;
}

/**
 * A Bolt receiver for Socket Mode ("Using Socket Mode", api.slack.com/apis/socket-mode) that acks
 * an envelope only once what it carries is recorded (SPEC §4). Bolt's own SocketModeReceiver acks
 * an Events API envelope before any listener runs, so a record that then fails (a locked
 * database) loses the event. Here the connection is Bolt's (its SocketModeReceiver's client:
 * `apps.connections.open`, `hello`, reconnects on `disconnect`), but each envelope is handled as
 * the HTTP receiver handles a request:
 *
 * - a hot event (reaction, message) goes to `hotEvents`, and is acked once that resolves;
 * - anything else goes to `app.processEvent`, and the envelope is acked when it has finished,
 *   with what the listener gave `ack()` (a slash command's reply, a modal's errors) or nothing;
 * - when recording fails (`hotEvents` or processEvent rejects: slack-app.ts rethrows `store.*`
 *   errors from listeners) the envelope is **not** acked, so Slack sends it again (Events API
 *   envelopes carry `retry_attempt`); the inbox recognises the redelivery by `event_id`.
 *
 * `start()` connects and resolves once Slack's `hello` has arrived; `stop()` disconnects.
 */
export function createSocketModeReceiver(options: SocketModeReceiverOptions): Receiver {
  const logger = options.logger.child({ component: "slack-socket-mode" });
  const bolt = new SocketModeReceiver({
    appToken: options.appToken,
    logger: options.sdkLogger,
    installerOptions: options.apiUrl ? { clientOptions: { slackApiUrl: options.apiUrl } } : {},
  });
  let app: App | undefined;
  // Bolt's handler acks first; ours acks after the record.
  bolt.client.removeAllListeners("slack_event");
  bolt.client.on("slack_event", (envelope: SocketModeEnvelope) => {
    // Background work (the inbox worker, the sweep) gives way while envelopes wait for their ack.
    const answered = answeringRequest();
    void handle(envelope).finally(answered);
  });

  async function handle(envelope: SocketModeEnvelope): Promise<void> {
    const correlationId = options.newId();
    const body = envelope.body;
    const event = body?.event as { type?: unknown } | undefined;
    const fields = {
      correlationId,
      envelopeType: envelope.type,
      eventType: typeof event?.type === "string" ? event.type : undefined,
      eventId: typeof body?.event_id === "string" ? body.event_id : undefined,
      retryNum: envelope.retry_num,
      retryReason: envelope.retry_reason || undefined,
    };
    if (!app || typeof body !== "object" || body === null) {
      logger.error(fields, "Socket Mode envelope not handled (no app or no payload); not acked");
      return;
    }
    let answer: { value: unknown } | undefined;
    try {
      const lean = envelope.type === "events_api" ? options.hotEvents?.(body, correlationId) : undefined;
      if (lean !== undefined) {
        await lean;
      } else {
        const boltEvent: ReceiverEvent = {
          body,
          // biome-ignore lint/suspicious/noExplicitAny: Bolt's AckFn takes whatever the listener answers with.
          ack: async (value?: any) => {
            if (answer) throw new ReceiverMultipleAckError();
            answer = { value };
          },
          ...(envelope.retry_num === undefined ? {} : { retryNum: envelope.retry_num }),
          ...(envelope.retry_reason ? { retryReason: envelope.retry_reason } : {}),
          customProperties: { correlationId },
        };
        await app.processEvent(boltEvent);
      }
    } catch (error) {
      logger.error(
        { ...fields, ...describeError(error) },
        "Slack envelope not recorded; not acked, Slack sends it again",
      );
      return;
    }
    try {
      await envelope.ack(ackPayload(answer?.value));
      logger.info(fields, "Slack request acknowledged");
    } catch (error) {
      // The connection went away: Slack sends the envelope again on the next one (a duplicate).
      logger.warn({ ...fields, ...describeError(error) }, "Could not ack a recorded envelope");
    }
  }

  return {
    init(boltApp: App) {
      app = boltApp;
      bolt.init(boltApp);
    },
    async start() {
      await bolt.client.start();
      logger.info({}, "Connected to Slack (Socket Mode)");
    },
    stop: () => bolt.client.disconnect(),
  };
}

/** The ack's payload: a listener's string as `{text}`, an object as it is, nothing as `{}`. */
function ackPayload(value: unknown): Record<string, unknown> | string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") return value;
  return value as Record<string, unknown>;
}
