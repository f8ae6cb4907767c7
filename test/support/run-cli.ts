import { type CliIo, main } from "../../src/cli.ts";

/**
 * Runs the `weeknotes` command in this process with a fixed clock (Wednesday 1 April 2026, 09:00
 * UTC, unless `nowIso` says otherwise) and logs silenced; returns the exit code and what it printed.
 */
export async function runCli(
  argv: string[],
  env: Record<string, string> = {},
  nowIso = "2026-04-01T09:00:00Z",
) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { LOG_LEVEL: "silent", ...env },
    clock: { now: () => Date.parse(nowIso) },
    interactive: false,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
