import { main } from "../../src/cli.ts";
import type { QualityCase } from "./cases.ts";
import type { CompiledNote } from "./measure.ts";

/**
 * Compiles one case through `weeknotes compile` itself (the CLI's `main`, in this process): the
 * offline summariser, `--format json`, `--no-store`, no LLM and nothing written.
 * @throws Error with the CLI's stderr when it exits non-zero.
 */
export async function compileCase(c: QualityCase, extraArgs: readonly string[] = []): Promise<CompiledNote> {
  let stdout = "";
  let stderr = "";
  const argv = [
    "compile",
    "--slack-export",
    c.export,
    "--week",
    c.week,
    "--tz",
    c.zone,
    ...(c.emoji === undefined ? [] : ["--emoji", c.emoji]),
    "--summariser",
    "offline",
    "--format",
    "json",
    "--no-store",
    ...extraArgs,
  ];
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    // No settings from the machine: the same note wherever it runs.
    env: { LOG_LEVEL: "silent" },
    // Only `--week last` reads it; every case names its week.
    clock: { now: () => Date.UTC(2026, 5, 1) },
    interactive: false,
  });
  if (code !== 0) {
    throw new Error(`weeknotes ${argv.join(" ")} exited ${code}: ${stderr.trim()}`);
  }
  return JSON.parse(stdout) as CompiledNote;
}
