import { describe, expect, it } from "vitest";
import { BotError, isBotError } from "../../../src/domain/errors.ts";
import { PLATFORMS } from "../../../src/domain/message-ref.ts";
import { ALICE, GENERAL, refOf, startCore, WS, w13 } from "../../support/core-harness.ts";

// The durable inbox (SPEC §3): commands are checked when recorded and when read back, carried out
// once, retried as the failure says, and followed in the logs by their correlation id.
describe.each(PLATFORMS)("the inbox on %s", (platform) => {
  const tag = (messageId: string) =>
    ({
      kind: "tag_added",
      platform,
      workspace: WS,
      ref: refOf(platform, GENERAL, messageId),
      user: ALICE,
      reaction: "star",
    }) as const;

  it("refuses to record what is not a command, and records a redelivered event once", async () => {
    const core = startCore(platform);
    await expect(
      core.useCases.record.record({ ...tag("m1"), user: "" }, { eventId: "e1", correlationId: "c1" }),
    ).rejects.toSatisfy((error) => isBotError(error, "store.invalid"));
    expect(await core.store.getEvent(WS, "e1")).toBeUndefined();
    core.chat.hold(refOf(platform, GENERAL, "m1"), { text: "One", postedAtMs: w13(10) });
    expect(await core.useCases.record.record(tag("m1"), { eventId: "e2", correlationId: "c2" })).toBe(
      "recorded",
    );
    expect(await core.useCases.record.record(tag("m1"), { eventId: "e2", correlationId: "c3" })).toBe(
      "duplicate",
    );
    await core.drain();
    expect(core.chat.calls.filter((c) => c.method === "fetchMessage")).toHaveLength(1);
  });

  it("fails for good, as store.corrupt, an event read back that is no longer a command", async () => {
    const core = startCore(platform);
    await core.store.recordEvent({
      workspace: WS,
      eventId: "old",
      kind: "reaction_added",
      payload: { kind: "reaction_added", channel: GENERAL, ts: "1.2" },
      correlationId: "c-old",
      receivedAtMs: core.clock.now(),
    });
    await core.drain();
    expect(await core.store.getEvent(WS, "old")).toMatchObject({
      status: "failed",
      lastErrorCode: "store.corrupt",
    });
    expect(
      core.logs.some((e) => e.fields.correlationId === "c-old" && e.fields.code === "store.invalid"),
    ).toBe(true);
  });

  it("backs off a failure that may pass, and gives up after twelve attempts", async () => {
    const core = startCore(platform);
    core.chat.fail("fetchMessage", new BotError("platform.unavailable", "down", { retryable: true }), 12);
    const id = await core.record(tag("m1"));
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      await core.drain();
      const event = await core.store.getEvent(WS, id);
      if (event?.status !== "pending") break;
      waits.push(event.notBeforeMs - core.clock.now());
      core.clock.advance(event.notBeforeMs - core.clock.now());
    }
    expect(waits.slice(0, 4)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(await core.store.getEvent(WS, id)).toMatchObject({
      status: "failed",
      attempts: 12,
      lastErrorCode: "platform.unavailable",
    });
  });

  it("logs every step of an event with the correlation id it was recorded with", async () => {
    const core = startCore(platform);
    core.chat.hold(refOf(platform, GENERAL, "m1"), { text: "One", postedAtMs: w13(10) });
    await core.useCases.record.record(tag("m1"), { eventId: "e1", correlationId: "trace-42" });
    await core.drain();
    const traced = core.logs.filter((e) => e.fields.correlationId === "trace-42").map((e) => e.message);
    expect(traced).toEqual(["command recorded", "event processed"]);
  });
});
