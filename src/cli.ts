import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { systemClock } from "../adapters/clock/system-clock.ts";
import { slackEmojiAliases } from "../adapters/emoji/aliases.ts";
import { createPinoLogger, type LogLevel } from "../adapters/logger/pino-logger.ts";
import { createOfflineSummariser } from "../adapters/offline/offline-summariser.ts";
import { createSummariser } from "../adapters/openai/summariser-factory.ts";
import { packageVersion } from "../adapters/package-root.ts";
import { renderCompileJson, toHighlightJson } from "../adapters/slack-export/compile-json.ts";
import { progressBarOnStderr } from "../adapters/slack-export/progress.ts";
import { readExportHighlights } from "../adapters/slack-export/read-export.ts";
import { openSqliteStore } from "../adapters/sqlite/sqlite-store.ts";
import { createCompileWeeknote } from "./app/compile-weeknote.ts";
import { LOG_LEVELS } from "./config.ts";
import { loadSummariserConfig } from "./config-llm.ts";
import { BotError } from "./domain/errors.ts";
import { EmojiSectionMap, parseEmojiOption } from "./domain/sections.ts";
import { teamKeyOf } from "./domain/team.ts";
import { assertTimeZone, formatWeekKey, resolveWeek } from "./domain/week.ts";
import { serve } from "./main.ts";
import type { Clock } from "./ports/clock.ts";
import type { Logger } from "./ports/logger.ts";
import type { Summariser } from "./ports/summariser.ts";

/** What the CLI touches of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  /** Whether stderr is a terminal (progress bars only then). */
  readonly interactive: boolean;
}

/** Exit codes: 0 done, 1 an unexpected failure, 2 bad input (the message says what to do). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

interface CompileOptions {
  slackExport: string;
  week: string;
  tz?: string;
  emoji?: string;
  channels?: string;
  format: "md" | "json";
  summariser: "offline" | "openai";
  out?: string;
  team: string;
  dataDir?: string;
  store: boolean;
}

/**
 * Runs the `weeknotes` command with `argv` (without node and script) and returns the exit code.
 * Never calls `process.exit`, so it can run inside tests.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end through here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof BotError) {
      io.stderr(`weeknotes: ${error.toUserLine()}\n`);
      return error.code.startsWith("input.") || error.code === "config.invalid" ? EXIT.usage : EXIT.failure;
    }
    io.stderr(`weeknotes: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (/^(debug|trace)$/i.test(io.env.LOG_LEVEL ?? "") && error instanceof Error && error.stack) {
      io.stderr(`${error.stack}\n`);
    }
    return EXIT.failure;
  }
}

function buildProgram(io: CliIo): Command {
  const program = new Command("weeknotes")
    .description("Writes a team's weeknotes from its chat.")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run weeknotes help compile for the options)");

  program
    .command("compile")
    .description("Draft one week's weeknote from a Slack workspace export (a folder or a .zip).")
    .requiredOption("--slack-export <path>", "the export folder or .zip")
    .option("--week <week>", "a week key (2026-W13), a date (2026-03-27), last or this", "last")
    .option("--tz <zone>", "IANA time zone of the week (env DEFAULT_TIMEZONE, else the machine's zone)")
    .option(
      "--emoji <list>",
      "emoji that tag highlights, NAME[=SECTION],... (default: star, clap, crystal_ball, … see the README)",
    )
    .option("--channels <list>", "only these channels (names or ids, comma-separated)")
    .addOption(new Option("--format <format>", "output format").choices(["md", "json"]).default("md"))
    .addOption(
      new Option("--summariser <name>", "offline, or openai (needs OPENAI_API_KEY; see .env.example)")
        .choices(["offline", "openai"])
        .default("offline"),
    )
    .option(
      "--out <file>",
      "write to this file (replacing it, creating its folder) instead of standard output; - for stdout",
    )
    .option("--team <name>", "the weeknotes team the draft is stored for, by name or key", "default")
    .option("--data-dir <dir>", "where the SQLite database lives (env DATA_DIR, else ./data)")
    .option("--no-store", "do not save highlights or the draft")
    .action(async (options: CompileOptions) => {
      await compile(options, io);
    });
  program
    .command("serve")
    .description("Run the bot: the Slack app and health checks on one HTTP server (see .env.example).")
    .action(async () => {
      await serve(io.env);
    });
  return program;
}

async function compile(options: CompileOptions, io: CliIo): Promise<void> {
  const zone = timeZone(options.tz, io.env);
  const window = resolveWeek(options.week, io.clock.now(), zone);
  const aliases = slackEmojiAliases();
  const emoji =
    options.emoji === undefined
      ? EmojiSectionMap.defaults(aliases)
      : parseEmojiOption(options.emoji, aliases);
  const channels = options.channels
    ?.split(",")
    .map((c) => c.trim().replace(/^#/, ""))
    .filter(Boolean);
  const team = teamOption(options.team);
  const databasePath = options.store
    ? join(resolve(dataDir(options.dataDir, io.env)), "weeknotes.sqlite")
    : undefined;
  const out = outputPath(options.out, [options.slackExport, databasePath]);
  const logger = createPinoLogger({ level: logLevel(io.env.LOG_LEVEL) });
  const progress = io.interactive ? progressBarOnStderr() : undefined;
  const read = await readExportHighlights({
    path: options.slackExport,
    window,
    emoji,
    ...(channels && channels.length > 0 ? { channels } : {}),
    ...(progress ? { onProgress: progress.update } : {}),
  }).finally(() => progress?.stop());
  logger.info(
    { week: formatWeekKey(window.key), zone, ...read.stats, highlights: read.highlights.length },
    "export read",
  );

  const store = databasePath ? openSqliteStore({ path: databasePath }) : undefined;
  try {
    const compileWeeknote = createCompileWeeknote({
      summariser: chooseSummariser(options.summariser, io.env, logger),
      clock: io.clock,
      logger,
      ...(store ? { store } : {}),
    });
    const result = await compileWeeknote({
      workspace: read.workspace,
      team,
      teamName: options.team.trim(),
      window,
      highlights: read.highlights,
    });
    const output =
      options.format === "json"
        ? renderCompileJson({
            week: result.week,
            timezone: zone,
            highlights: result.highlights.map(toHighlightJson),
            weeknote: result.document,
            markdown: result.markdown,
          })
        : result.markdown;
    await writeOutput(output, out, io);
    if (options.summariser === "openai" && result.origin !== "llm" && result.highlights.length > 0) {
      io.stderr(
        "weeknotes: the LLM could not write this draft, so the offline summariser did; its footer says why.\n",
      );
    }
    if (read.stats.skipped.entries > 0 || read.stats.skipped.files > 0) {
      io.stderr(
        `weeknotes: skipped ${read.stats.skipped.entries} unreadable message entries and ${read.stats.skipped.files} unusable files in the export.\n`,
      );
    }
    if (result.highlights.length === 0) {
      const covers = read.stats.days
        ? ` The export has messages from ${read.stats.days.first} to ${read.stats.days.last}.`
        : "";
      io.stderr(
        `weeknotes: nothing in ${formatWeekKey(window.key)} (${zone}) carries ${describeEmoji(emoji)}; the note says so.${covers} Choose other emoji with --emoji or another week with --week.\n`,
      );
    } else if (store && result.notStored === "decided") {
      io.stderr(
        `weeknotes: draft not saved: the ${result.week} note is already ${result.weeknote?.status ?? "decided"}\n`,
      );
    }
  } finally {
    await store?.close();
  }
}

/**
 * The team key `--team` names, as the bot keys teams (`Bins service` → `bins-service`, `Default` →
 * `default`), so a backfilled week is the bot's team's week.
 * @throws BotError `input.bad_option` for an empty name, one with no letter or digit, or an option
 *   given where the name should be (`--team --no-store`).
 */
function teamOption(value: string): string {
  const key = teamKeyOf(value);
  if (value.trim().startsWith("-") || key === undefined) {
    throw new BotError(
      "input.bad_option",
      value.trim() ? `--team "${value}" is not a team name` : "--team is empty",
      {
        hint: "Give the team's name or key (letters or digits), such as --team bins-service, or leave --team out",
      },
    );
  }
  return key;
}

function chooseSummariser(name: "offline" | "openai", env: CliIo["env"], logger: Logger): Summariser {
  if (name === "offline") {
    return createOfflineSummariser();
  }
  const config = loadSummariserConfig(env);
  if (!config.llm) {
    throw new BotError("input.bad_option", "--summariser openai needs OPENAI_API_KEY", {
      hint: "Set OPENAI_API_KEY (and OPENAI_BASE_URL for Azure or another server) in the environment or .env",
    });
  }
  return createSummariser(config, logger);
}

function timeZone(option: string | undefined, env: CliIo["env"]): string {
  if (option !== undefined) {
    assertTimeZone(option);
    return option;
  }
  const fromEnv = env.DEFAULT_TIMEZONE;
  if (fromEnv) {
    try {
      assertTimeZone(fromEnv);
    } catch (error) {
      throw new BotError("input.bad_timezone", `DEFAULT_TIMEZONE "${fromEnv}" is not a time zone`, {
        hint: "Set it (in the environment or .env) to an IANA zone such as Europe/London, or pass --tz",
        cause: error,
      });
    }
    return fromEnv;
  }
  return systemTimeZone();
}

function dataDir(option: string | undefined, env: CliIo["env"]): string {
  const dir = option ?? (env.DATA_DIR || "./data");
  if (!dir.trim()) {
    throw new BotError("input.bad_option", "--data-dir is empty", {
      hint: "Give the folder for weeknotes.sqlite, or --no-store to save nothing",
    });
  }
  return dir;
}

/**
 * Where `--out` writes, or undefined for stdout (`-` or no option).
 * @throws BotError `input.bad_option` for an empty path, or one that would overwrite an input
 *   (the export, the database): losing them to a typo is not recoverable.
 */
function outputPath(out: string | undefined, inputs: readonly (string | undefined)[]): string | undefined {
  if (out === undefined || out === "-") {
    return undefined;
  }
  if (!out.trim()) {
    throw new BotError("input.bad_option", "--out is empty", {
      hint: "Give a file path, or - for standard output",
    });
  }
  const target = resolve(out);
  for (const input of inputs) {
    if (input === undefined) {
      continue;
    }
    const protectedPath = resolve(input);
    if (
      target === protectedPath ||
      target.startsWith(`${protectedPath}${sep}`) ||
      target.startsWith(`${protectedPath}-`)
    ) {
      throw new BotError("input.bad_option", `--out ${out} would overwrite ${input}`, {
        hint: "Write the note somewhere else",
      });
    }
  }
  return target;
}

// Written next to the target and renamed over it, so a failure never leaves half a file.
async function writeOutput(text: string, target: string | undefined, io: CliIo): Promise<void> {
  if (target === undefined) {
    io.stdout(text);
    return;
  }
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temporary, text, "utf8");
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === "EISDIR"
        ? "it is a folder"
        : code === "EACCES" || code === "EPERM" || code === "EROFS"
          ? "permission denied"
          : code === "ENOTDIR"
            ? "part of its path is a file"
            : code === "ENOSPC"
              ? "the disk is full"
              : (error as Error).message;
    throw new BotError("input.bad_option", `Cannot write --out ${target}: ${problem}`, {
      hint: "Give a file path you can write to, or leave --out out to print the note",
      cause: error,
    });
  }
}

function describeEmoji(emoji: EmojiSectionMap): string {
  const names = emoji.entries().map(([name]) => `:${name}:`);
  return names.length > 4 ? `${names.slice(0, 4).join(" ")} or the other chosen emoji` : names.join(" or ");
}

function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

function logLevel(value: string | undefined): LogLevel {
  if (value === undefined || value === "") {
    // The command says what matters in its own lines on stderr; LOG_LEVEL turns JSON logs on.
    return "silent";
  }
  const level = value.toLowerCase() as LogLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new BotError("input.bad_option", `LOG_LEVEL "${value}" is not a log level`, {
      hint: `Use one of ${LOG_LEVELS.join(", ")}`,
    });
  }
  return level;
}

function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    clock: systemClock,
    interactive: process.stderr.isTTY === true,
  };
}
