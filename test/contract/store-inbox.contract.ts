import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.ts";
import { type CurrentStore, expectBotError, OTHER_WS, T0, WS } from "./store-fixtures.ts";

const LEASE = 30_000;

/** An event received at T0 + `offsetMs`. */
function event(eventId: string, offsetMs = 0, payload: unknown = { kind: "tag_added", n: offsetMs }) {
  return {
    workspace: WS,
    eventId,
    kind: "tag_added",
    payload,
    correlationId: `corr-${eventId}`,
    receivedAtMs: T0 + offsetMs,
  };
}

/** The inbox of platform events and its leases: part of describeStoreContract. */
export function inboxContract(current: CurrentStore): void {
  describe("inbox", () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    const claim = (holder: string, nowMs: number, limit = 10) =>
      store.claimEvents({ nowMs, limit, leaseMs: LEASE, holder });

    it("records an event once, however often it arrives", async () => {
      const payload = {
        kind: "tag_added",
        reaction: "clap::skin-tone-3",
        text: "شكراً 🎉",
        nested: [1, null],
      };
      expect(await store.recordEvent(event("Ev1", 0, payload))).toBe("recorded");
      expect(await store.recordEvent(event("Ev1", 5, { other: true }))).toBe("duplicate");
      expect(await store.recordEvent({ ...event("Ev1", 9), correlationId: "another" })).toBe("duplicate");

      expect(await store.getEvent(WS, "Ev1")).toStrictEqual({
        workspace: WS,
        eventId: "Ev1",
        kind: "tag_added",
        payload,
        correlationId: "corr-Ev1",
        receivedAtMs: T0,
        attempts: 0,
        notBeforeMs: T0,
        status: "pending",
        lastErrorCode: undefined,
      });
      expect(await claim("w1", T0 + 10)).toHaveLength(1);
      expect(await store.getEvent(WS, "nope")).toBeUndefined();
    });

    it("keeps workspaces apart", async () => {
      expect(await store.recordEvent(event("Ev1"))).toBe("recorded");
      expect(await store.recordEvent({ ...event("Ev1"), workspace: OTHER_WS })).toBe("recorded");
      expect(await store.getEvent(OTHER_WS, "Ev1")).toMatchObject({ workspace: OTHER_WS, eventId: "Ev1" });
      expect(await claim("w1", T0)).toHaveLength(2);
    });

    it("claims due events oldest first, up to the limit, leasing them and counting an attempt", async () => {
      await store.recordEvent(event("Ev3", 30));
      await store.recordEvent(event("Ev1", 10));
      await store.recordEvent(event("Ev2", 20));
      await store.recordEvent(event("Ev4", 40));

      expect(await claim("w1", T0 + 5)).toEqual([]); // none received yet
      const first = await claim("w1", T0 + 30, 2);
      expect(first.map((e) => e.eventId)).toEqual(["Ev1", "Ev2"]);
      expect(first.map((e) => e.attempts)).toEqual([1, 1]);
      expect(first[0]?.payload).toEqual({ kind: "tag_added", n: 10 });
      expect(first.map((e) => e.correlationId)).toEqual(["corr-Ev1", "corr-Ev2"]);

      // Leased events are not claimed again by anyone while the lease lasts.
      const second = await claim("w2", T0 + 30);
      expect(second.map((e) => e.eventId)).toEqual(["Ev3"]);
      expect(await claim("w1", T0 + 31)).toEqual([]);
      expect((await claim("w1", T0 + 40)).map((e) => e.eventId)).toEqual(["Ev4"]);
      expect(await claim("w2", T0 + 40, 0)).toEqual([]);
    });

    it("claims an event again once its lease has expired, counting a second attempt", async () => {
      await store.recordEvent(event("Ev1"));
      expect((await claim("w1", T0))[0]?.attempts).toBe(1);
      expect(await claim("w2", T0 + LEASE - 1)).toEqual([]);
      const again = await claim("w2", T0 + LEASE);
      expect(again.map((e) => [e.eventId, e.attempts])).toEqual([["Ev1", 2]]);
      expect((await store.getEvent(WS, "Ev1"))?.attempts).toBe(2);
    });

    it("gives disjoint events to two workers claiming at once", async () => {
      for (let i = 0; i < 20; i++) {
        await store.recordEvent(event(`Ev${String(i).padStart(2, "0")}`, i));
      }
      const batches = await Promise.all(
        ["w1", "w2", "w1", "w2", "w1", "w2"].map((holder) => claim(holder, T0 + 100, 4)),
      );
      const ids = batches.flat().map((e) => e.eventId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(20);
    });

    it("finishes an event as done, never to be claimed again", async () => {
      await store.recordEvent(event("Ev1"));
      await claim("w1", T0);
      await store.finishEvent(WS, "Ev1", { status: "done" });
      expect(await store.getEvent(WS, "Ev1")).toMatchObject({
        status: "done",
        attempts: 1,
        lastErrorCode: undefined,
      });
      expect(await claim("w2", T0 + 10 * LEASE)).toEqual([]);
    });

    it("finishes an event as failed for good, keeping the error code", async () => {
      await store.recordEvent(event("Ev1"));
      await claim("w1", T0);
      await store.finishEvent(WS, "Ev1", { status: "failed", errorCode: "platform.not_found" });
      expect(await store.getEvent(WS, "Ev1")).toMatchObject({
        status: "failed",
        lastErrorCode: "platform.not_found",
      });
      expect(await claim("w2", T0 + 10 * LEASE)).toEqual([]);
      // A finished event stays finished, even when a late worker reports on it.
      await store.finishEvent(WS, "Ev1", {
        status: "retry",
        notBeforeMs: T0,
        errorCode: "platform.unavailable",
      });
      expect((await store.getEvent(WS, "Ev1"))?.status).toBe("failed");
    });

    it("retries an event no earlier than notBeforeMs, clearing the lease", async () => {
      await store.recordEvent(event("Ev1"));
      await claim("w1", T0);
      const notBeforeMs = T0 + 5_000; // well before the lease would have expired
      await store.finishEvent(WS, "Ev1", {
        status: "retry",
        notBeforeMs,
        errorCode: "platform.rate_limited",
      });
      expect(await store.getEvent(WS, "Ev1")).toMatchObject({
        status: "pending",
        notBeforeMs,
        attempts: 1,
        lastErrorCode: "platform.rate_limited",
      });
      expect(await claim("w2", notBeforeMs - 1)).toEqual([]);
      const retried = await claim("w2", notBeforeMs);
      expect(retried.map((e) => [e.eventId, e.attempts])).toEqual([["Ev1", 2]]);

      await store.finishEvent(WS, "Ev1", { status: "done" });
      expect(await store.getEvent(WS, "Ev1")).toMatchObject({ status: "done", attempts: 2 });
    });

    it("keeps the correlation id through claims, retries and finishing", async () => {
      await store.recordEvent({ ...event("Ev1"), correlationId: "req-7f3a 🎯" });
      expect((await claim("w1", T0)).map((e) => e.correlationId)).toEqual(["req-7f3a 🎯"]);
      await store.finishEvent(WS, "Ev1", {
        status: "retry",
        notBeforeMs: T0 + 1,
        errorCode: "platform.unavailable",
      });
      expect((await claim("w2", T0 + 1)).map((e) => e.correlationId)).toEqual(["req-7f3a 🎯"]);
      await store.finishEvent(WS, "Ev1", { status: "done" });
      expect((await store.getEvent(WS, "Ev1"))?.correlationId).toBe("req-7f3a 🎯");
    });

    it("refuses an event whose payload has no JSON form, or without a correlation id", async () => {
      await expectBotError(store.recordEvent({ ...event("Ev1"), payload: undefined }), "store.invalid");
      await expectBotError(store.recordEvent(event("Ev2", 0, { big: 1n })), "store.invalid");
      await expectBotError(store.recordEvent({ ...event("Ev3"), correlationId: "" }), "store.invalid");
      for (const id of ["Ev1", "Ev2", "Ev3"]) {
        expect(await store.getEvent(WS, id)).toBeUndefined();
      }
    });
  });
}
