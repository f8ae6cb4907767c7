import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { probe, type ServeProcess, startServe } from "../support/serve-process.ts";

// Issue 11 item 4: `weeknotes serve` as a process. SIGTERM turns /readyz to 503 at once while the
// server keeps answering (the load balancer stops sending), then the bot stops and the process
// exits 0, well inside a 30 s termination grace period.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
let dataDir: string | undefined;
let serve: ServeProcess | undefined;

afterEach(async () => {
  if (serve && serve.child.exitCode === null) serve.child.kill("SIGKILL");
  await serve?.exited;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("weeknotes serve and SIGTERM", () => {
  it("answers /readyz 503 and /healthz 200 while draining, then exits 0 within the grace period", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "weeknotes-serve-"));
    serve = await startServe(process.execPath, [join(ROOT, "bin/weeknotes-dev.js"), "serve"], {
      env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "info" },
      cwd: dataDir,
    });
    expect(await probe(`${serve.url}/readyz`)).toBe(200);

    const signalled = performance.now();
    serve.child.kill("SIGTERM");
    // Poll until the drain shows (the signal is handled asynchronously), within the drain window.
    let status: number | string = 200;
    for (let i = 0; i < 40 && status === 200; i += 1) {
      status = await probe(`${serve.url}/readyz`);
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(status).toBe(503);
    expect(await probe(`${serve.url}/healthz`)).toBe(200);

    expect(await serve.exited).toBe(0);
    const seconds = (performance.now() - signalled) / 1000;
    // The drain (3 s) plus an idle bot's stop; far from the 30 s after which SIGKILL comes.
    expect(seconds).toBeLessThan(25);
    const log = serve.output.join("");
    expect(log).toContain('"msg":"stopping"');
    expect(log).toContain('"msg":"draining: /readyz answers 503"');
    expect(log).toContain('"msg":"weeknotes stopped"');
  }, 90_000);

  it("logs an unhandled rejection as fatal, with its stack, before exiting with status 1", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "weeknotes-serve-"));
    // A bug stand-in: on SIGUSR2 the process rejects a promise nobody handles.
    const bug = `data:text/javascript,process.on("SIGUSR2",()=>{Promise.reject(new TypeError("bug stand-in"))})`;
    serve = await startServe(
      process.execPath,
      ["--import", bug, join(ROOT, "bin/weeknotes-dev.js"), "serve"],
      {
        env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "info" },
        cwd: dataDir,
      },
    );
    serve.child.kill("SIGUSR2");
    expect(await serve.exited).toBe(1);
    const fatal = serve.output
      .join("")
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.fatal === true);
    expect(fatal).toMatchObject({
      event: "unhandledRejection",
      error: "TypeError",
      reason: "bug stand-in",
      msg: "unhandledRejection: weeknotes is exiting",
    });
    expect(String(fatal?.stack)).toContain("TypeError: bug stand-in");
  }, 90_000);
});
