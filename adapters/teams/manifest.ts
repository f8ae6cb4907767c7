import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import yauzl from "yauzl";
import yazl from "yazl";
import { BotError } from "../../src/domain/errors.ts";
import { packageRoot } from "../package-root.ts";
import { drawColorIcon, drawOutlineIcon, ICON_BACKGROUND } from "./manifest-icons.ts";

/**
 * The Microsoft Teams app package: `manifest.json` and two icons, zipped, which an admin uploads
 * to Teams (SPEC §4 Microsoft Teams). Schema: the app manifest v1.30
 * (https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json, the newest
 * that @microsoft/app-manifest ships; test/unit/teams-manifest.unit.test.ts validates against it).
 */

/** The app manifest schema version the package follows. */
export const TEAMS_MANIFEST_VERSION = "1.30";
export const TEAMS_MANIFEST_SCHEMA_URL = `https://developer.microsoft.com/json-schemas/teams/v${TEAMS_MANIFEST_VERSION}/MicrosoftTeams.schema.json`;

/** The message action's command id: a `composeExtension/fetchTask` invoke carries it as `commandId`. */
export const ADD_TO_WEEKNOTES_COMMAND_ID = "addToWeeknotes";

/** The Graph permission the reaction sweep needs, granted per team by resource-specific consent. */
export const CHANNEL_MESSAGE_READ_PERMISSION = "ChannelMessage.Read.Group";

/** The package's file names, at the zip's root. */
export const TEAMS_PACKAGE_FILES = {
  manifest: "manifest.json",
  color: "color.png",
  outline: "outline.png",
} as const;

/** Where `weeknotes manifest teams` writes by default. */
export const DEFAULT_TEAMS_PACKAGE_NAME = "weeknotes-teams.zip";

/** The bot's commands in Teams' command menu (typed to the bot, or after @Weeknotes in a channel). */
export const TEAMS_BOT_COMMANDS: readonly { readonly title: string; readonly description: string }[] = [
  { title: "add", description: "Add a highlight: add <text>, or add thanks: <text>" },
  { title: "last week", description: "Show the latest approved weeknote" },
  { title: "week", description: "Show one week's note or where its draft stands: week 2026-W12" },
  { title: "list", description: "List the recent weeknotes" },
  { title: "draft", description: "Draft this week's note now and post it for review (approvers)" },
  {
    title: "settings",
    description: "The team's settings: review channel, approvers, time zone, draft time, emoji",
  },
  { title: "help", description: "What weeknotes can do here" },
];

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const SEMVER = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;
/** A host name, or `*.` and a host name (the schema allows wildcards in validDomains). */
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}(:[0-9]{1,5})?$/i;

/** Who publishes the app, as Teams shows it on the app's details page. */
export interface TeamsDeveloper {
  /** At most 32 characters. */
  readonly name: string;
  readonly websiteUrl: string;
  readonly privacyUrl: string;
  readonly termsOfUseUrl: string;
}

export interface TeamsManifestOptions {
  /** The bot's Microsoft App ID (MICROSOFT_APP_ID), a GUID: the app id, the bot id and the Entra app. */
  readonly appId: string;
  /** The app's and the bot's name in Teams, at most 30 characters; default "Weeknotes". */
  readonly name?: string;
  /** The app's version, MAJOR.MINOR.PATCH; Teams takes an upload as an update only when it grew. */
  readonly version: string;
  /** Who publishes it; default {@link defaultDeveloper} of weeknotes' own package.json. */
  readonly developer?: TeamsDeveloper;
  /** Host names the app may open (none needed by a bot); `*.example.org` allowed. Default none. */
  readonly validDomains?: readonly string[];
  /**
   * Ask for resource-specific consent to read the team's channel messages
   * (`ChannelMessage.Read.Group`), which the Graph reaction sweep needs. Default true.
   */
  readonly channelMessageRead?: boolean;
}

/** The manifest's shape, as far as weeknotes writes it (see Microsoft's schema for every field). */
export interface TeamsManifest {
  $schema: string;
  manifestVersion: typeof TEAMS_MANIFEST_VERSION;
  version: string;
  id: string;
  developer: TeamsDeveloper;
  name: { short: string; full: string };
  description: { short: string; full: string };
  icons: { color: string; outline: string };
  accentColor: string;
  bots: {
    botId: string;
    scopes: ("personal" | "team" | "groupChat")[];
    isNotificationOnly: boolean;
    supportsFiles: boolean;
    commandLists: {
      scopes: ("personal" | "team" | "groupChat")[];
      commands: { title: string; description: string }[];
    }[];
  }[];
  composeExtensions: {
    botId: string;
    commands: {
      id: string;
      type: "action";
      title: string;
      description: string;
      context: "message"[];
      fetchTask: boolean;
    }[];
  }[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
  authorization?: {
    permissions: { resourceSpecific: { name: string; type: "Application" | "Delegated" }[] };
  };
  defaultInstallScope: "team";
}

/**
 * The app manifest for weeknotes' bot: the bot in personal chats, teams and group chats with its
 * command menu; the "Add to weeknotes" message action (a message extension action command on
 * messages whose dialog the bot fetches, `fetchTask`); resource-specific consent to read the
 * team's channel messages (Application), with the `webApplicationInfo` that RSC requires
 * (learn.microsoft.com/microsoftteams/platform/graph-api/rsc/resource-specific-consent: `id` the
 * Entra app id; `resource` unused by RSC but must be set, here the bot's conventional Application
 * ID URI `api://botid-<appId>`); icons `color.png` and `outline.png`.
 * @throws BotError `input.bad_option` for an app id that is not a GUID, an empty or too long name,
 *   a version that is not MAJOR.MINOR.PATCH, a developer name or URL Teams would refuse, or a
 *   valid domain that is not a host name.
 */
export function buildTeamsManifest(options: TeamsManifestOptions): TeamsManifest {
  const appId = checkAppId(options.appId);
  const name = (options.name ?? "Weeknotes").trim();
  if (name === "" || name.length > 30) {
    throw new BotError("input.bad_option", name === "" ? "--name is empty" : `--name "${name}" is too long`, {
      hint: "Give the app a name of 1 to 30 characters, such as Weeknotes",
    });
  }
  if (!SEMVER.test(options.version)) {
    throw new BotError("input.bad_option", `The app version "${options.version}" is not MAJOR.MINOR.PATCH`, {
      hint: "Give a version such as 1.2.0; Teams needs a higher one for each update",
    });
  }
  const developer = checkDeveloper(options.developer ?? ownDeveloper());
  const validDomains = (options.validDomains ?? []).map((domain) => {
    if (!DOMAIN.test(domain)) {
      throw new BotError("input.bad_option", `"${domain}" is not a host name`, {
        hint: "Give host names without https:// or a path, such as weeknotes.example.org",
      });
    }
    return domain.toLowerCase();
  });
  const scopes: ("personal" | "team" | "groupChat")[] = ["personal", "team", "groupChat"];
  const commands = TEAMS_BOT_COMMANDS.map((c) => ({ title: c.title, description: c.description }));
  const manifest: TeamsManifest = {
    $schema: TEAMS_MANIFEST_SCHEMA_URL,
    manifestVersion: TEAMS_MANIFEST_VERSION,
    version: options.version,
    id: appId,
    developer,
    name: { short: name, full: `${name}: your team's weekly notes from its chat` },
    description: {
      short: "Turns the week's tagged messages into a weeknote for your team to approve",
      full:
        "During the week, add messages to your team's weeknotes: choose Add to weeknotes in a message's " +
        "menu (… → More actions), or write @" +
        name +
        " add followed by the text. At the end of the week the bot drafts the note and posts it for " +
        "the team's approvers to approve, edit, regenerate or skip; approved notes are published " +
        "in the team's channel. Message the bot 'last week' for the latest note, or 'help'.",
    },
    icons: { color: TEAMS_PACKAGE_FILES.color, outline: TEAMS_PACKAGE_FILES.outline },
    accentColor: ICON_BACKGROUND,
    bots: [
      {
        botId: appId,
        scopes,
        isNotificationOnly: false,
        supportsFiles: false,
        // One list a scope, as Microsoft advises; the commands are the same everywhere.
        commandLists: [
          { scopes: ["team", "groupChat"], commands },
          { scopes: ["personal"], commands: commands.map((c) => ({ ...c })) },
        ],
      },
    ],
    composeExtensions: [
      {
        botId: appId,
        commands: [
          {
            id: ADD_TO_WEEKNOTES_COMMAND_ID,
            type: "action",
            title: "Add to weeknotes",
            description: "Add this message to your team's weeknotes",
            context: ["message"],
            fetchTask: true,
          },
        ],
      },
    ],
    validDomains,
    webApplicationInfo: { id: appId, resource: `api://botid-${appId}` },
    defaultInstallScope: "team",
  };
  if (options.channelMessageRead ?? true) {
    manifest.authorization = {
      permissions: { resourceSpecific: [{ name: CHANNEL_MESSAGE_READ_PERMISSION, type: "Application" }] },
    };
  }
  return manifest;
}

/**
 * The package's three files (manifest.json pretty-printed, then the icons), by name in the zip.
 * @throws BotError `input.bad_option` as {@link buildTeamsManifest}.
 */
export function teamsAppPackageFiles(options: TeamsManifestOptions): Map<string, Buffer> {
  const manifest = buildTeamsManifest(options);
  return new Map([
    [TEAMS_PACKAGE_FILES.manifest, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8")],
    [TEAMS_PACKAGE_FILES.color, drawColorIcon()],
    [TEAMS_PACKAGE_FILES.outline, drawOutlineIcon()],
  ]);
}

/** The package's files carry this time, so the same options make the same zip (2026-01-01 UTC). */
const PACKAGE_MTIME = new Date(Date.UTC(2026, 0, 1));

/**
 * Writes the Teams app package to `outPath` (creating its folder): a zip with `manifest.json`,
 * `color.png` and `outline.png` at its root. The zip is written to a temporary file beside the
 * target and renamed over it, so a failure never leaves half a package. An existing file is
 * replaced only when it is itself a Teams app package (a zip with `manifest.json` at its root).
 * @returns the absolute path written.
 * @throws BotError `input.bad_option` when the options are invalid (see {@link buildTeamsManifest}),
 *   when `outPath` is empty, a folder, or an existing file that is not a Teams app package, or when
 *   the file cannot be written (permissions, a full disk, a file where a folder should be).
 */
export async function writeTeamsAppPackage(outPath: string, options: TeamsManifestOptions): Promise<string> {
  if (!outPath.trim()) {
    throw new BotError("input.bad_option", "--out is empty", {
      hint: `Give a file path for the package, such as ${DEFAULT_TEAMS_PACKAGE_NAME}`,
    });
  }
  const target = resolve(outPath);
  const files = teamsAppPackageFiles(options);
  await refuseToReplace(target, outPath);
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temporary, await zip(files), { flag: "wx" });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new BotError("input.bad_option", `Cannot write --out ${outPath}: ${writeProblem(error)}`, {
      hint: "Give a file path you can write to",
      cause: error,
    });
  }
  return target;
}

/**
 * The default publisher: weeknotes' own project pages, from its package.json (`homepage`, else
 * `repository`), or undefined when package.json names neither.
 */
export function defaultDeveloper(packageJson: {
  homepage?: unknown;
  repository?: unknown;
}): TeamsDeveloper | undefined {
  const repository =
    typeof packageJson.repository === "string"
      ? packageJson.repository
      : typeof packageJson.repository === "object" && packageJson.repository !== null
        ? (packageJson.repository as { url?: unknown }).url
        : undefined;
  const repositoryUrl =
    typeof repository === "string"
      ? repository
          .replace(/^git\+/, "")
          .replace(/^github:/, "https://github.com/")
          .replace(/^git:\/\//, "https://")
          .replace(/\.git$/, "")
      : undefined;
  const homepage = typeof packageJson.homepage === "string" ? packageJson.homepage : undefined;
  const website = [homepage, repositoryUrl].find((url) => url !== undefined && /^https?:\/\//i.test(url));
  if (website === undefined) {
    return undefined;
  }
  return { name: "weeknotes", websiteUrl: website, privacyUrl: website, termsOfUseUrl: website };
}

/**
 * The publisher from what the user gave, the rest from {@link defaultDeveloper} of weeknotes' own
 * package.json: a website alone stands for all three addresses; privacy and terms default to it.
 * @throws BotError `input.bad_option` when no website is given and package.json names none.
 */
export function resolveDeveloper(given: {
  readonly name?: string | undefined;
  readonly websiteUrl?: string | undefined;
  readonly privacyUrl?: string | undefined;
  readonly termsOfUseUrl?: string | undefined;
}): TeamsDeveloper {
  const base =
    given.websiteUrl === undefined
      ? ownDeveloper()
      : {
          name: "weeknotes",
          websiteUrl: given.websiteUrl,
          privacyUrl: given.websiteUrl,
          termsOfUseUrl: given.websiteUrl,
        };
  return {
    name: given.name ?? base.name,
    websiteUrl: base.websiteUrl,
    privacyUrl: given.privacyUrl ?? base.privacyUrl,
    termsOfUseUrl: given.termsOfUseUrl ?? base.termsOfUseUrl,
  };
}

/**
 * {@link defaultDeveloper} of weeknotes' own package.json.
 * @throws BotError `input.bad_option` when it names no homepage or repository.
 */
function ownDeveloper(): TeamsDeveloper {
  const packageJson = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as object;
  const developer = defaultDeveloper(packageJson);
  if (developer === undefined) {
    throw new BotError(
      "input.bad_option",
      "--website-url is required: Teams shows every app's publisher with a web page",
      {
        hint: "Give --website-url (and --privacy-url, --terms-url if they differ): your organisation's page about the bot",
      },
    );
  }
  return developer;
}

function checkAppId(appId: string): string {
  const id = appId.trim();
  if (!GUID.test(id)) {
    throw new BotError(
      "input.bad_option",
      id === "" ? "The Microsoft App ID is missing" : `The Microsoft App ID "${appId}" is not a GUID`,
      {
        hint: "Give --app-id (or set MICROSOFT_APP_ID) to the bot's Microsoft App ID, such as 00000000-0000-0000-0000-000000000000, from the Azure Bot's Configuration page",
      },
    );
  }
  return id;
}

function checkDeveloper(developer: TeamsDeveloper): TeamsDeveloper {
  const name = developer.name.trim();
  if (name === "" || name.length > 32) {
    throw new BotError("input.bad_option", `The developer name "${developer.name}" is empty or too long`, {
      hint: "Give a name of 1 to 32 characters",
    });
  }
  const urls = {
    websiteUrl: developer.websiteUrl,
    privacyUrl: developer.privacyUrl,
    termsOfUseUrl: developer.termsOfUseUrl,
  };
  for (const [field, url] of Object.entries(urls)) {
    if (!/^https?:\/\/[^\s/]+/i.test(url) || url.length > 2048) {
      throw new BotError("input.bad_option", `The developer's ${field} "${url}" is not a web address`, {
        hint: "Give an https:// address",
      });
    }
  }
  return { name, ...urls };
}

/** Refuses a folder, and any existing file that is not a Teams app package. */
async function refuseToReplace(target: string, outPath: string): Promise<void> {
  const found = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") {
      return undefined;
    }
    throw new BotError("input.bad_option", `Cannot write --out ${outPath}: ${writeProblem(error)}`, {
      hint: "Give a file path you can write to",
      cause: error,
    });
  });
  if (found === undefined) {
    return;
  }
  if (found.isDirectory()) {
    throw new BotError("input.bad_option", `--out ${outPath} is a folder`, {
      hint: `Give a file path, such as ${join(outPath, DEFAULT_TEAMS_PACKAGE_NAME)}`,
    });
  }
  if (!found.isFile() || !(await isTeamsAppPackage(target))) {
    throw new BotError("input.bad_option", `--out ${outPath} exists and is not a Teams app package`, {
      hint: "Give another path, or move that file away first",
    });
  }
}

/** Whether `path` is a readable zip with `manifest.json` at its root. */
async function isTeamsAppPackage(path: string): Promise<boolean> {
  let zipFile: yauzl.ZipFile | undefined;
  try {
    zipFile = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
    for await (const entry of zipFile.eachEntry()) {
      if (entry.fileName === TEAMS_PACKAGE_FILES.manifest) {
        return true;
      }
    }
    return false;
  } catch {
    return false;
  } finally {
    zipFile?.close();
  }
}

function zip(files: ReadonlyMap<string, Buffer>): Promise<Buffer> {
  const archive = new yazl.ZipFile();
  for (const [name, data] of files) {
    archive.addBuffer(data, name, { mtime: PACKAGE_MTIME, mode: 0o100644 });
  }
  archive.end();
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    archive.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    archive.outputStream.on("error", reject);
    archive.outputStream.on("end", () => resolvePromise(Buffer.concat(chunks)));
  });
}

function writeProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "EISDIR":
      return "it is a folder";
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return "permission denied";
    case "ENOTDIR":
    case "EEXIST":
      return "part of its path is a file";
    case "ENOSPC":
      return "the disk is full";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
