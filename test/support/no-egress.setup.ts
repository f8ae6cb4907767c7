/**
 * Vitest setup file (vitest.config.ts `setupFiles`), run in every test process before each test
 * file: installs the no-egress guard (no-egress.ts; importing it installs it and adds loopback to
 * `NO_PROXY`) and fails the file if any of its tests tried to reach past this machine.
 */
import { afterAll, expect } from "vitest";
import { takeEgressAttempts } from "./no-egress.ts";

afterAll(() => {
  expect(takeEgressAttempts(), "a test tried to reach a host that is not loopback (no-egress guard)").toEqual(
    [],
  );
});
