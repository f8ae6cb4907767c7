import { dirname, join, resolve, sep } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { machineTimeZone } from "../adapters/clock/machine-time-zone.ts";
import { systemClock } from "../adapters/clock/system-clock.ts";
import { slackEmojiAliases } from "../adapters/emoji/aliases.ts";
import { prepareDataDir, prepareOutput, writeOutput } from "../adapters/fs/cli-files.ts";
import { refuseOverwrite, refuseVirtualFileSystem } from "../adapters/fs/safe-paths.ts";
import { createPinoLogger, type LogLevel } from "../adapters/logger/pino-logger.ts";
import { maskSettingValues } from "../adapters/logger/scrub.ts";
import { createOfflineSummariser } from "../adapters/offline/offline-summariser.ts";
import { createSummariser } from "../adapters/openai/summariser-factory.ts";
import { packageVersion } from "../adapters/package-root.ts";
import { standaloneNotePage } from "../adapters/publish/blog-files.ts";
import { exportCommand } from "../adapters/publish/export-command.ts";
import { renderCompileJson, toHighlightJson } from "../adapters/slack-export/compile-json.ts";
import { progressBarOnStderr } from "../adapters/slack-export/progress.ts";
import { readExportHighlights } from "../adapters/slack-export/read-export.ts";
import { openSqliteStore } from "../adapters/sqlite/sqlite-store.ts";
import {
  DEFAULT_TEAMS_PACKAGE_NAME,
  resolveDeveloper,
  TEAMS_MANIFEST_VERSION,
  writeTeamsAppPackage,
} from "../adapters/teams/manifest.ts";
import { createCompileWeeknote } from "./app/compile-weeknote.ts";
import { compileTeam, parseSeriesOption } from "./cli-compile-team.ts";
import { CONFIG_KEYS, LOG_LEVELS, loadConfig, secretSettings } from "./config.ts";
import { LLM_CONFIG_KEYS, loadSummariserConfig } from "./config-llm.ts";
import { PUBLISH_CONFIG_KEYS } from "./config-publish.ts";
import { STORE_CONFIG_KEYS } from "./config-store.ts";
import { BotError } from "./domain/errors.ts";
import { EmojiSectionMap, parseEmojiOption } from "./domain/sections.ts";
import { teamKeyOf } from "./domain/team.ts";
import { canonicalTimeZone, formatWeekKey, resolveWeek } from "./domain/week.ts";
import { NOTE_LANGUAGES, type NoteLanguage } from "./domain/weeknote.ts";
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
  format: "md" | "json" | "html";
  summariser: "offline" | "openai";
  out?: string;
  team: string;
  dataDir?: string;
  store: boolean;
  series?: string;
  lang?: NoteLanguage;
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
    .showHelpAfterError("(run weeknotes help for the commands)");

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
    .addOption(new Option("--format <format>", "output format").choices(["md", "json", "html"]).default("md"))
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
    .option(
      "--series <week=number>",
      "number the title: a week and its note's number, such as 2026-W13=5.9 or 2026-W13=42; later weeks count on from it (default: the stored team's series)",
    )
    .addOption(
      new Option(
        "--lang <language>",
        "language of the note's frame words (default: the team's, else en)",
      ).choices([...NOTE_LANGUAGES]),
    )
    .action(async (options: CompileOptions) => {
      await compile(options, io);
    });
  program
    .command("serve")
    .description("Run the bot: the Slack app and health checks on one HTTP server (see .env.example).")
    .action(async () => {
      try {
        // Bad settings first (every one at once), then the data folder, before anything starts.
        await prepareDataDir(
          loadConfig(io.env).dataDir,
          io.env.DATA_DIR?.trim() ? "DATA_DIR" : "default",
          false,
        );
        await serve(io.env);
      } catch (error) {
        throw withSettingValuesMasked(error, io.env);
      }
    });
  const manifest = program
    .command("manifest")
    .description("Write an app package for a chat platform (the Slack manifest is manifest/slack.yaml).");
  manifest
    .command("teams")
    .description(
      "Write the Microsoft Teams app package (manifest.json and icons, zipped) to upload to Teams.",
    )
    .option("--app-id <id>", "the bot's Microsoft App ID, a GUID (env MICROSOFT_APP_ID)")
    .option("--name <name>", "the app's name in Teams, at most 30 characters", "Weeknotes")
    .option(
      "--out <file>",
      "where to write the zip (replacing an earlier package)",
      DEFAULT_TEAMS_PACKAGE_NAME,
    )
    .option("--app-version <version>", "the app's version, MAJOR.MINOR.PATCH (default: weeknotes' version)")
    .option(
      "--website-url <url>",
      "your organisation's page about the bot, shown in Teams as the publisher's (required unless package.json names a homepage)",
    )
    .option("--privacy-url <url>", "the privacy statement's address (default: the website)")
    .option("--terms-url <url>", "the terms of use's address (default: the website)")
    .option(
      "--developer <name>",
      "the publisher's name shown in Teams, at most 32 characters (default: weeknotes)",
    )
    .option(
      "--no-reaction-sweep",
      "do not ask to read channel messages (ChannelMessage.Read.Group): no emoji tagging through Graph",
    )
    .showHelpAfterError("(run weeknotes manifest teams --help for the options)")
    .action(async (options: ManifestTeamsOptions) => {
      await manifestTeams(options, io);
    });
  program.addCommand(exportCommand(io));
  for (const command of program.commands) {
    command.showHelpAfterError(`(run weeknotes help ${command.name()} for the options)`);
  }
  return program;
}

interface ManifestTeamsOptions {
  appId?: string;
  name: string;
  out: string;
  appVersion?: string;
  websiteUrl?: string;
  privacyUrl?: string;
  termsUrl?: string;
  developer?: string;
  reactionSweep: boolean;
}

/** `weeknotes manifest teams`: writes the Teams app package and says where to upload it. */
async function manifestTeams(options: ManifestTeamsOptions, io: CliIo): Promise<void> {
  const appId = options.appId ?? io.env.MICROSOFT_APP_ID;
  if (appId === undefined || appId.trim() === "") {
    throw new BotError("input.bad_option", "The Microsoft App ID is missing", {
      hint: "Give --app-id or set MICROSOFT_APP_ID to the bot's Microsoft App ID (the Azure Bot's Configuration page)",
    });
  }
  if (options.out === "-") {
    throw new BotError("input.bad_option", "--out - is not possible: the package is a zip file", {
      hint: `Give a file path, such as ${DEFAULT_TEAMS_PACKAGE_NAME}`,
    });
  }
  const given = {
    name: options.developer,
    websiteUrl: options.websiteUrl,
    privacyUrl: options.privacyUrl,
    termsOfUseUrl: options.termsUrl,
  };
  // Its writer makes the folder with Node's recursive mkdir, which never ends under /proc.
  await refuseVirtualFileSystem(options.out, `--out ${options.out}`);
  const path = await writeTeamsAppPackage(options.out, {
    appId,
    name: options.name,
    version: options.appVersion ?? packageVersion().replace(/[-+].*$/, ""),
    // Without any of these, the manifest builder takes weeknotes' project page (after checking the app id).
    ...(Object.values(given).some((v) => v !== undefined) ? { developer: resolveDeveloper(given) } : {}),
    channelMessageRead: options.reactionSweep,
  });
  io.stdout(
    `Wrote ${path} (Teams app manifest ${TEAMS_MANIFEST_VERSION}, app id ${appId.trim()}).\n` +
      "Upload it in Teams (Apps → Manage your apps → Upload an app) or in the Teams admin centre; see the README, Install in Teams.\n",
  );
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
  if (channels?.length === 0) {
    // An empty list reading as "every channel" would do the opposite of what was asked.
    throw new BotError("input.bad_option", "--channels names no channel", {
      hint: "Give channel names or ids, comma-separated (--channels general,bins-digital), or leave --channels out for all",
    });
  }
  const team = teamOption(options.team);
  const series = options.series === undefined ? undefined : parseSeriesOption(options.series);
  const databasePath = options.store
    ? join(resolve(dataDir(options.dataDir, io.env)), "weeknotes.sqlite")
    : undefined;
  const out = outputPath(options.out, [options.slackExport, databasePath]);
  await refuseUnsafePlaces(options, out, databasePath);
  if (databasePath !== undefined) {
    const source = options.dataDir !== undefined ? "--data-dir" : io.env.DATA_DIR ? "DATA_DIR" : "default";
    await prepareDataDir(dirname(databasePath), source, true);
  }
  if (out !== undefined && options.out !== undefined) {
    // Before the export is read and the draft saved: a run that cannot print its note saves nothing.
    await prepareOutput(out, options.out);
  }
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
    const week = formatWeekKey(window.key);
    const about = compileTeam({
      teamOption: options.team,
      teamKey: team,
      stored: await store?.getTeam(read.workspace, team),
      series,
      language: options.lang,
      week,
    });
    if (series && about.seriesNumber === undefined) {
      io.stderr(
        `weeknotes: ${week} is before the series starts (${series.week}); the title has no number.\n`,
      );
    }
    const result = await compileWeeknote({
      workspace: read.workspace,
      team,
      teamName: about.teamName,
      voice: about.voice,
      window,
      highlights: read.highlights,
      language: about.language,
      ...(about.seriesNumber === undefined ? {} : { seriesNumber: about.seriesNumber }),
      ...(about.houseStyle === undefined ? {} : { houseStyle: about.houseStyle }),
    });
    const output =
      options.format === "json"
        ? renderCompileJson({
            week: result.week,
            timezone: zone,
            highlights: result.highlights.map(toHighlightJson),
            weeknote: result.document,
            markdown: result.markdown,
            leftOut: result.document.leftOut ?? [],
          })
        : options.format === "html"
          ? standaloneNotePage(result.document, result.markdown)
          : result.markdown;
    await writeOutput(output, out, io.stdout);
    if (options.summariser === "openai" && result.origin !== "llm" && result.highlights.length > 0) {
      io.stderr(
        "weeknotes: the LLM could not write this draft, so the offline summariser did; its footer says why.\n",
      );
    }
    for (const warning of read.stats.warnings) {
      io.stderr(`weeknotes: ${warning}\n`);
    }
    if (read.stats.skipped.entries > 0 || read.stats.skipped.files > 0) {
      io.stderr(`weeknotes: skipped ${skippedParts(read.stats.skipped)} in the export.\n`);
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
    return canonicalTimeZone(option);
  }
  const fromEnv = env.DEFAULT_TIMEZONE;
  if (fromEnv) {
    try {
      return canonicalTimeZone(fromEnv);
    } catch (error) {
      // The value is not quoted: a setting may hold a secret pasted by mistake (src/config.ts).
      throw new BotError("input.bad_timezone", "DEFAULT_TIMEZONE is not a time zone", {
        hint: "Set it (in the environment or .env) to an IANA zone such as Europe/London, or pass --tz",
        cause: error,
      });
    }
  }
  return systemTimeZone(env);
}

/** `3 unreadable message entries and 1 unusable file`, leaving out a count of 0. */
function skippedParts(skipped: { readonly entries: number; readonly files: number }): string {
  const parts = [
    ...(skipped.entries > 0
      ? [`${skipped.entries} unreadable message ${skipped.entries === 1 ? "entry" : "entries"}`]
      : []),
    ...(skipped.files > 0 ? [`${skipped.files} unusable ${skipped.files === 1 ? "file" : "files"}`] : []),
  ];
  return parts.join(" and ");
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
 *   (the export, the database) as spelled: losing them to a typo is not recoverable. Links are
 *   followed by refuseUnsafePlaces, which compares real paths and files.
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

/**
 * Paths compared as the file system sees them (adapters/fs/safe-paths.ts): `--out` must not reach
 * the export or the database through a symbolic or hard link, and neither `--out` nor the data
 * folder may be on /proc or /sys (where Node's recursive mkdir never ends).
 * @throws BotError `input.bad_option`
 */
async function refuseUnsafePlaces(
  options: CompileOptions,
  out: string | undefined,
  databasePath: string | undefined,
): Promise<void> {
  if (out !== undefined && options.out !== undefined) {
    await refuseVirtualFileSystem(out, `--out ${options.out}`);
    await refuseOverwrite(options.out, "--out", [
      { path: options.slackExport, kind: "tree" },
      ...(databasePath === undefined ? [] : [{ path: databasePath, kind: "file" as const }]),
    ]);
  }
  if (databasePath !== undefined) {
    const given = options.dataDir === undefined ? "DATA_DIR" : "--data-dir";
    await refuseVirtualFileSystem(dirname(databasePath), `${given} ${dirname(databasePath)}`);
  }
}

/**
 * A failure of `weeknotes serve` with the value of every setting (and every URL's credentials)
 * taken out of its message and hint, for printing: an error from a library may quote a value (a
 * host name that does not resolve, a prompt folder), and any setting may hold a pasted secret
 * (the rule in src/config.ts, "What is never printed"). A BotError keeps its code, so the exit
 * code is the same; anything else stays an unexpected error, with the original as `cause`.
 */
export function withSettingValuesMasked(error: unknown, env: CliIo["env"]): Error {
  if (error instanceof CommanderError) {
    return error;
  }
  // Each value as given and as a path resolved from it (a library may print the path it tried).
  const keys = [...CONFIG_KEYS, ...LLM_CONFIG_KEYS, ...PUBLISH_CONFIG_KEYS, ...STORE_CONFIG_KEYS];
  const settings = keys.flatMap((key) => {
    const value = env[key]?.trim();
    return value ? [[key, value] as const, [key, resolve(value)] as const] : [];
  });
  const secrets = new Set(Object.keys(secretSettings(env)));
  const mask = (text: string) => maskSettingValues(text, settings, secrets);
  if (error instanceof BotError) {
    const masked = new BotError(error.code, mask(error.message), {
      ...(error.hint === undefined ? {} : { hint: mask(error.hint) }),
      retryable: error.retryable,
      cause: error,
    });
    return masked;
  }
  const masked = new Error(mask(error instanceof Error ? error.message : String(error)), { cause: error });
  masked.stack = `${masked.name}: ${masked.message}`;
  return masked;
}

function describeEmoji(emoji: EmojiSectionMap): string {
  const names = emoji.entries().map(([name]) => `:${name}:`);
  return names.length > 4 ? `${names.slice(0, 4).join(" ")} or the other chosen emoji` : names.join(" or ");
}

/**
 * The machine's zone (adapters/clock/machine-time-zone.ts: TZ in its path form too, never a guess).
 * @throws BotError `input.bad_timezone` asking for --tz when it cannot be told.
 */
function systemTimeZone(env: CliIo["env"]): string {
  const zone = machineTimeZone({ tz: env.TZ, reported: Intl.DateTimeFormat().resolvedOptions().timeZone });
  if (zone === undefined) {
    throw new BotError("input.bad_timezone", "The machine's time zone cannot be told", {
      hint: "Give the week's zone with --tz, such as --tz Europe/London (or set DEFAULT_TIMEZONE)",
    });
  }
  return zone;
}

function logLevel(value: string | undefined): LogLevel {
  if (value === undefined || value === "") {
    // The command says what matters in its own lines on stderr; LOG_LEVEL turns JSON logs on.
    return "silent";
  }
  const level = value.toLowerCase() as LogLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    // The value is not quoted: a setting may hold a secret pasted by mistake (src/config.ts).
    throw new BotError("input.bad_option", "LOG_LEVEL is not a log level", {
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
