import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("takes a folder that does not exist yet", async () => {
    const bot = await buildBot(config(join(dir, "blog", "new")), { logger: memoryLogger(), schedule: false });
    await bot.stop();
  });
});
