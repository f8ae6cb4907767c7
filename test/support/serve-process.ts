import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";

/** A `weeknotes serve` child process, its base URL read from its "weeknotes started" log line. */
export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Every line it wrote to stdout and stderr so far. */
  readonly output: string[];
  /** Resolves with the exit code (or the signal's name) when it ends. */
  readonly exited: Promise<number | string>;
}

/**
 * Spawns `command args` (a `weeknotes serve`) with `env` and waits up to `startMs` for its JSON log
 * line "weeknotes started", whose `url` field is where it listens.
 * @throws Error with its output when it exits or is not started in time.
 */
export async function startServe(
  command: string,
  args: readonly string[],
  options: { env: Record<string, string | undefined>; cwd?: string; startMs?: number },
): Promise<ServeProcess> {
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`weeknotes serve did not start in time:\n${output.join("")}`)),
      options.startMs ?? 60_000,
    );
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString("utf8"));
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line.includes('"weeknotes started"')) continue;
        clearTimeout(timer);
        resolve(String((JSON.parse(line) as { url: string }).url));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`weeknotes serve exited (${code}) before it started:\n${output.join("")}`));
    });
  });
  return { child, url, output, exited };
}

/** `GET url` on a fresh connection: its status, or the connection error's code. */
export function probe(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}
