/**
 * Issue 10, item 7: the machine's time zone. `weeknotes compile` without --tz, run as a real child
 * process (the TypeScript sources through bin/weeknotes-dev.js) under different `TZ` values, so
 * Node's ICU sees exactly what a user's shell gives it.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { machineTimeZone } from "../../adapters/clock/machine-time-zone.ts";
import { channels, message, TempExports, users } from "../unit/slack-export-fixture.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const temp = new TempExports();
afterAll(() => temp.cleanup());

// Monday 1 July 2024 00:30 in London (BST, UTC+1) is still Sunday 30 June in UTC: in 2024-W27 only
// when the week is London's.
const EDGE = "2024-06-30T23:30:00Z";

async function compile(env: Record<string, string | undefined>) {
  const folder = await temp.folder({
    "channels.json": channels(["C1", "general"]),
    "users.json": users(["U_ALICE", "alice", "Alice", ""]),
    "general/2024-06-30.json": [message(EDGE, "Shipped at midnight")],
  });
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>), LOG_LEVEL: "" };
  delete childEnv.DEFAULT_TIMEZONE;
  delete childEnv.TZ;
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) childEnv[key] = value;
  }
  return run(
    process.execPath,
    [
      "bin/weeknotes-dev.js",
      "compile",
      "--slack-export",
      folder,
      "--week",
      "2024-W27",
      "--format",
      "json",
      "--no-store",
    ],
    { cwd: ROOT, env: childEnv, timeout: 30_000, killSignal: "SIGKILL" },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe("weeknotes compile without --tz", () => {
  it.each([[":/usr/share/zoneinfo/Europe/London"], ["/usr/share/zoneinfo/Europe/London"]])(
    "TZ=%s reads the week in Europe/London and finds the edge highlight",
    async (tz) => {
      const { code, stdout, stderr } = await compile({ TZ: tz });
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
      const json = JSON.parse(stdout) as { timezone: string; highlights: { text: string }[] };
      expect(json.timezone).toBe("Europe/London");
      expect(json.highlights.map((h) => h.text)).toEqual(["Shipped at midnight"]);
    },
  );

  it.each([[""], [":/nowhere/zoneinfo/Not/AZone"]])(
    "TZ=%j (Node reports no zone or Etc/Unknown) stops with exit 2 asking for --tz, naming no zone",
    async (tz) => {
      const { code, stdout, stderr } = await compile({ TZ: tz });
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/time zone cannot be told/);
      expect(stderr).toMatch(/--tz/);
      expect(stderr).not.toMatch(/UTC|Etc\//);
    },
  );

  it("--tz still wins over an unknown machine zone", async () => {
    const folder = await temp.folder({ "general/2024-06-30.json": [message(EDGE, "x")] });
    const { stdout } = await run(
      process.execPath,
      [
        "bin/weeknotes-dev.js",
        "compile",
        "--slack-export",
        folder,
        "--week",
        "2024-W27",
        "--tz",
        "Europe/London",
        "--format",
        "json",
        "--no-store",
      ],
      { cwd: ROOT, env: { ...process.env, TZ: "", LOG_LEVEL: "" }, timeout: 30_000 },
    );
    expect((JSON.parse(stdout) as { timezone: string }).timezone).toBe("Europe/London");
  });
});

describe("machineTimeZone", () => {
  it("reads the /etc/localtime link only when TZ is unset, and only a zoneinfo path", async () => {
    const { symlink } = await import("node:fs/promises");
    const dir = await temp.dir();
    const link = `${dir}/localtime`;
    await symlink("/usr/share/zoneinfo/Asia/Tokyo", link);
    expect(machineTimeZone({ tz: undefined, reported: "Etc/Unknown", localtimePath: link })).toBe(
      "Asia/Tokyo",
    );
    expect(machineTimeZone({ tz: "", reported: "Etc/Unknown", localtimePath: link })).toBeUndefined();
    expect(
      machineTimeZone({ tz: undefined, reported: undefined, localtimePath: `${dir}/none` }),
    ).toBeUndefined();
    expect(machineTimeZone({ tz: "EST5EDT", reported: "America/New_York" })).toBe("EST5EDT");
    expect(machineTimeZone({ tz: ":/usr/share/zoneinfo/posix/Europe/Paris", reported: undefined })).toBe(
      "Europe/Paris",
    );
  });
});
