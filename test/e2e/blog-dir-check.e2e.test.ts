import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildBot } from "../../src/compose.ts";
import { loadConfig } from "../../src/config.ts";
import { memoryLogger } from "../support/bot-harness.ts";

// A BLOG_DIR that names a file shows at start-up, not at the first approval (newcomer's trial).
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-blogdir-"));
  await writeFile(join(dir, "afile"), "hi\n");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (blogDir: string) =>
  loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: join(dir, "data"), BLOG_DIR: blogDir });

describe("BLOG_DIR", () => {
  it.each([
    ["a file", "afile"],
    ["a place inside a file", "afile/sub"],
  ])("refuses %s at start-up, naming the setting, not its value", async (_what, path) => {
    const error = await buildBot(config(join(dir, path)), { logger: memoryLogger(), schedule: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "config.invalid" });
    expect(String((error as Error).message)).toBe(
      "BLOG_DIR names a file (or a place inside one), not a folder",
    );
  });

  // Root writes anywhere, so as root (as CI runs) `weeknotes serve` runs as the user `nobody`.
  it.each([
    ["a read-only folder", "read-only", "BLOG_DIR cannot be written: permission denied"],
    [
      "a missing folder under a read-only one",
      "read-only/new",
      "BLOG_DIR cannot be written (nor the folder it would be made in): permission denied",
    ],
  ])("refuses %s at start-up, naming the setting, not its value", async (_what, path, message) => {
    await mkdir(join(dir, "read-only"), { recursive: true });
    await chmod(join(dir, "read-only"), 0o555);
    const blogDir = join(dir, path);
    if (process.getuid?.() !== 0) {
      const error = await buildBot(config(blogDir), { logger: memoryLogger(), schedule: false }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "config.invalid", message });
      return;
    }
    await chmod(dir, 0o777);
    const failure = await promisify(execFile)(
      process.execPath,
      [join(resolve(import.meta.dirname, "../.."), "bin/weeknotes-dev.js"), "serve"],
      {
        uid: 65_534,
        gid: 65_534,
        timeout: 30_000,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: dir,
          LOG_LEVEL: "silent",
          PORT: "0",
          HOST: "127.0.0.1",
          DATA_DIR: join(dir, "data-nobody"),
          BLOG_DIR: blogDir,
        },
      },
    ).then(
      () => undefined,
      (e: { code: unknown; stderr: string }) => e,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain(
      `weeknotes: ${message}. Set BLOG_DIR to a folder this process can write to`,
    );
    expect(failure?.stderr).not.toContain(blogDir);
  });

  it("takes a folder that does not exist yet", async () => {
    const bot = await buildBot(config(join(dir, "blog", "new")), { logger: memoryLogger(), schedule: false });
    await bot.stop();
  });
});
