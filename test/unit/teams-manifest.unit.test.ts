import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TeamsManifestV1D30 } from "@microsoft/app-manifest";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import {
  ADD_TO_WEEKNOTES_COMMAND_ID,
  buildTeamsManifest,
  CHANNEL_MESSAGE_READ_PERMISSION,
  defaultDeveloper,
  resolveDeveloper,
  TEAMS_MANIFEST_SCHEMA_URL,
  TEAMS_MANIFEST_VERSION,
  type TeamsManifest,
  type TeamsManifestOptions,
  teamsAppPackageFiles,
  writeTeamsAppPackage,
} from "../../adapters/teams/manifest.ts";
import {
  COLOR_ICON_SAFE_AREA,
  drawColorIcon,
  drawOutlineIcon,
  ICON_BACKGROUND,
  ICON_STAR,
} from "../../adapters/teams/manifest-icons.ts";
import { BotError } from "../../src/domain/errors.ts";

// Microsoft's published JSON schema of the Teams app manifest, v1.30, as the
// @microsoft/app-manifest package ships it (the same file as
// https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json). It is a
// draft-04 schema; Microsoft's own validator (AppManifestUtils) checks it with ajv-draft-04 and
// ajv-formats, as here.
const SCHEMA_VERSION = "v1.30";
const SCHEMA_FILE = join(
  dirname(createRequire(import.meta.url).resolve("@microsoft/app-manifest/package.json")),
  "build/json-schemas/teams",
  SCHEMA_VERSION,
  "MicrosoftTeams.schema.json",
);

const APP_ID = "8a7c2f3e-1b4d-4e5f-9a6b-0c1d2e3f4a5b";
const DEVELOPER = {
  name: "Example Council digital",
  websiteUrl: "https://digital.example.gov.uk/weeknotes",
  privacyUrl: "https://digital.example.gov.uk/privacy",
  termsOfUseUrl: "https://digital.example.gov.uk/terms",
};
const OPTIONS: TeamsManifestOptions = { appId: APP_ID, version: "1.4.0", developer: DEVELOPER };

type Validate = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};
let validate: Validate;
let dir: string;

beforeAll(async () => {
  const schema = JSON.parse(await readFile(SCHEMA_FILE, "utf8")) as Record<string, unknown>;
  const ajv = new Ajv04.default({ allErrors: true, strictTypes: false });
  addFormats.default(ajv, ["uri", "email", "regex"]);
  validate = ajv.compile(schema) as Validate;
  dir = await mkdtemp(join(tmpdir(), "weeknotes-teams-manifest-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The schema's complaints about `manifest`, one line each; empty when it is valid. */
function schemaErrors(manifest: unknown): string[] {
  return validate(manifest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

/** The manifest as plain JSON, as it is written into the package. */
function json(manifest: TeamsManifest): Record<string, unknown> {
  return JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>;
}

/** The BotError `run` throws. */
function thrown(run: () => unknown): BotError {
  try {
    run();
  } catch (error) {
    if (error instanceof BotError) return error;
    throw error;
  }
  throw new Error("expected a BotError");
}

/** The names and contents of a zip's entries, in order. */
async function unzip(path: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  const files = new Map<string, Buffer>();
  try {
    for await (const entry of zip.eachEntry()) {
      const stream = await zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      files.set(entry.fileName, Buffer.concat(chunks));
    }
  } finally {
    zip.close();
  }
  return files;
}

function rgbOf(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}

describe("buildTeamsManifest against Microsoft's schema", () => {
  it(`names and follows the ${SCHEMA_VERSION} schema`, async () => {
    const schema = JSON.parse(await readFile(SCHEMA_FILE, "utf8")) as {
      properties: { manifestVersion: { const?: string } };
    };
    expect(`v${TEAMS_MANIFEST_VERSION}`).toBe(SCHEMA_VERSION);
    expect(schema.properties.manifestVersion.const).toBe(TEAMS_MANIFEST_VERSION);
    const manifest = buildTeamsManifest(OPTIONS);
    expect(manifest.$schema).toBe(TEAMS_MANIFEST_SCHEMA_URL);
    expect(manifest.$schema).toContain(`/teams/${SCHEMA_VERSION}/MicrosoftTeams.schema.json`);
    expect(schemaErrors(json(manifest))).toEqual([]);
  });

  it("is valid with every option used, and without the channel-message permission", () => {
    const full = buildTeamsManifest({
      ...OPTIONS,
      name: "Bins weeknotes",
      validDomains: ["weeknotes.example.gov.uk", "*.example.org"],
      channelMessageRead: true,
    });
    expect(schemaErrors(json(full))).toEqual([]);
    expect(full.validDomains).toEqual(["weeknotes.example.gov.uk", "*.example.org"]);
    const noSweep = buildTeamsManifest({ ...OPTIONS, channelMessageRead: false });
    expect(noSweep.authorization).toBeUndefined();
    expect(schemaErrors(json(noSweep))).toEqual([]);
  });

  it("is one of Microsoft's own manifest types (checked by tsc)", () => {
    const typed: TeamsManifestV1D30.TeamsManifestV1D30 = buildTeamsManifest(OPTIONS);
    expect(typed.manifestVersion).toBe("1.30");
  });

  it("the schema check bites: a missing required field or a wrong value fails", () => {
    const good = json(buildTeamsManifest(OPTIONS));
    const { developer: _dropped, ...noDeveloper } = good;
    expect(schemaErrors(noDeveloper).join("\n")).toMatch(/developer/);
    const badContext = json(buildTeamsManifest(OPTIONS)) as {
      composeExtensions: { commands: { context: string[] }[] }[];
    };
    (badContext.composeExtensions[0]?.commands[0] as { context: string[] }).context = ["messages"];
    expect(schemaErrors(badContext).join("\n")).toMatch(/context/);
    expect(schemaErrors({ ...good, id: "not-a-guid" }).join("\n")).toMatch(/\/id/);
    expect(schemaErrors({ ...good, bots: [{ botId: APP_ID, scopes: ["channel"] }] }).join("\n")).toMatch(
      /scopes/,
    );
  });
});

describe("buildTeamsManifest: what it declares", () => {
  const manifest = buildTeamsManifest(OPTIONS);

  it("one bot, the app's id, in personal chats, teams and group chats, with its command menu", () => {
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.version).toBe("1.4.0");
    expect(manifest.name.short).toBe("Weeknotes");
    expect(manifest.bots).toHaveLength(1);
    const bot = manifest.bots[0];
    expect(bot?.botId).toBe(APP_ID);
    expect([...(bot?.scopes ?? [])].sort()).toEqual(["groupChat", "personal", "team"]);
    expect(bot?.commandLists.flatMap((l) => l.scopes).sort()).toEqual(["groupChat", "personal", "team"]);
    for (const list of bot?.commandLists ?? []) {
      const titles = list.commands.map((c) => c.title);
      for (const command of ["add", "last week", "list", "help", "draft", "settings"]) {
        expect(titles, list.scopes.join()).toContain(command);
      }
    }
  });

  it("the Add to weeknotes message action: an action command on messages whose dialog the bot fetches", () => {
    expect(manifest.composeExtensions).toEqual([
      {
        botId: APP_ID,
        commands: [
          {
            id: ADD_TO_WEEKNOTES_COMMAND_ID,
            type: "action",
            title: "Add to weeknotes",
            description: expect.any(String),
            context: ["message"],
            fetchTask: true,
          },
        ],
      },
    ]);
    expect(ADD_TO_WEEKNOTES_COMMAND_ID).toBe("addToWeeknotes");
  });

  it("asks for resource-specific consent to read channel messages, with the webApplicationInfo RSC needs", () => {
    expect(manifest.authorization).toEqual({
      permissions: { resourceSpecific: [{ name: CHANNEL_MESSAGE_READ_PERMISSION, type: "Application" }] },
    });
    expect(CHANNEL_MESSAGE_READ_PERMISSION).toBe("ChannelMessage.Read.Group");
    expect(manifest.webApplicationInfo.id).toBe(APP_ID);
    expect(manifest.webApplicationInfo.resource.length).toBeGreaterThan(0);
  });

  it("the icons are the package's files, and the accent colour is the colour icon's background", () => {
    expect(manifest.icons).toEqual({ color: "color.png", outline: "outline.png" });
    expect(manifest.accentColor).toBe(ICON_BACKGROUND);
    expect(manifest.developer).toEqual(DEVELOPER);
    expect(manifest.validDomains).toEqual([]);
  });
});

describe("buildTeamsManifest refuses what Teams would refuse", () => {
  it.each([
    ["an app id that is not a GUID", { appId: "weeknotes-bot" }, /not a GUID/],
    ["an empty app id", { appId: " " }, /missing/],
    ["a GUID with a stray character", { appId: `${APP_ID}x` }, /not a GUID/],
    ["a name over 30 characters", { name: "Weeknotes for the bins service team" }, /too long/],
    ["an empty name", { name: "  " }, /empty/],
    ["a version that is not MAJOR.MINOR.PATCH", { version: "1.4" }, /MAJOR\.MINOR\.PATCH/],
    ["a pre-release version", { version: "1.4.0-beta.1" }, /MAJOR\.MINOR\.PATCH/],
    [
      "a website that is not a web address",
      { developer: { ...DEVELOPER, websiteUrl: "example.org" } },
      /websiteUrl/,
    ],
    [
      "a developer name over 32 characters",
      { developer: { ...DEVELOPER, name: "x".repeat(33) } },
      /developer name/,
    ],
    ["a valid domain with a scheme", { validDomains: ["https://example.org"] }, /not a host name/],
  ])("%s", (_what, change, message) => {
    const error = thrown(() => buildTeamsManifest({ ...OPTIONS, ...change }));
    expect(error.code).toBe("input.bad_option");
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
  });
});

describe("the publisher's details", () => {
  it("come from package.json: homepage first, else the repository", () => {
    expect(defaultDeveloper({ homepage: "https://example.org/weeknotes#readme" })?.websiteUrl).toBe(
      "https://example.org/weeknotes#readme",
    );
    expect(
      defaultDeveloper({ repository: { type: "git", url: "git+https://github.com/example/weeknotes.git" } }),
    ).toEqual({
      name: "weeknotes",
      websiteUrl: "https://github.com/example/weeknotes",
      privacyUrl: "https://github.com/example/weeknotes",
      termsOfUseUrl: "https://github.com/example/weeknotes",
    });
    expect(defaultDeveloper({ repository: "github:example/weeknotes" })?.websiteUrl).toBe(
      "https://github.com/example/weeknotes",
    );
    expect(defaultDeveloper({})).toBeUndefined();
    expect(defaultDeveloper({ repository: "example/weeknotes" })).toBeUndefined();
  });

  it("a website given stands for all three addresses; privacy and terms may differ", () => {
    expect(resolveDeveloper({ websiteUrl: "https://a.example" })).toEqual({
      name: "weeknotes",
      websiteUrl: "https://a.example",
      privacyUrl: "https://a.example",
      termsOfUseUrl: "https://a.example",
    });
    expect(
      resolveDeveloper({
        name: "Bins",
        websiteUrl: "https://a.example",
        privacyUrl: "https://a.example/privacy",
        termsOfUseUrl: "https://a.example/terms",
      }),
    ).toEqual({
      name: "Bins",
      websiteUrl: "https://a.example",
      privacyUrl: "https://a.example/privacy",
      termsOfUseUrl: "https://a.example/terms",
    });
  });
});

describe("the icons", () => {
  it("colour: a 192×192 opaque full-bleed square, the star inside the 120×120 safe area", () => {
    const png = PNG.sync.read(drawColorIcon());
    expect([png.width, png.height]).toEqual([192, 192]);
    const background = rgbOf(ICON_BACKGROUND);
    const star = rgbOf(ICON_STAR);
    const margin = (192 - COLOR_ICON_SAFE_AREA) / 2;
    let starPixels = 0;
    const wrong: string[] = [];
    for (let y = 0; y < 192; y++) {
      for (let x = 0; x < 192; x++) {
        const at = (y * 192 + x) * 4;
        const pixel = [...png.data.subarray(at, at + 4)];
        if (pixel[3] !== 255) {
          wrong.push(`${x},${y} is not opaque`);
        }
        const outsideSafeArea = x < margin || y < margin || x >= 192 - margin || y >= 192 - margin;
        if (outsideSafeArea && !pixel.slice(0, 3).every((v, i) => v === background[i])) {
          wrong.push(`${x},${y} outside the safe area is not the background`);
        }
        if (pixel.slice(0, 3).every((v, i) => v === star[i])) {
          starPixels++;
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // A star of this size covers about a fifth of the safe area.
    expect(starPixels).toBeGreaterThan(COLOR_ICON_SAFE_AREA ** 2 / 8);
    const centre = (96 * 192 + 96) * 4;
    expect([...png.data.subarray(centre, centre + 3)]).toEqual(star);
  });

  it("outline: 32×32, white on transparent only, a drawn outline with a transparent middle", () => {
    const png = PNG.sync.read(drawOutlineIcon());
    expect([png.width, png.height]).toEqual([32, 32]);
    const alphas: number[] = [];
    const coloured: number[] = [];
    for (let at = 0; at < png.data.length; at += 4) {
      if (png.data[at] !== 255 || png.data[at + 1] !== 255 || png.data[at + 2] !== 255) {
        coloured.push(at / 4);
      }
      alphas.push(png.data[at + 3] as number);
    }
    expect(coloured, "pixels that are not white").toEqual([]);
    const alphaAt = (x: number, y: number) => alphas[y * 32 + x];
    for (const [x, y] of [
      [0, 0],
      [31, 0],
      [0, 31],
      [31, 31],
    ] as const) {
      expect(alphaAt(x, y), `corner ${x},${y}`).toBe(0);
    }
    expect(alphaAt(16, 17), "the middle is see-through").toBe(0);
    expect(alphas.filter((a) => a === 255).length).toBeGreaterThan(40);
    expect(alphas.filter((a) => a === 0).length).toBeGreaterThan((32 * 32) / 2);
  });

  it("are drawn the same every time", () => {
    expect(drawColorIcon().equals(drawColorIcon())).toBe(true);
    expect(drawOutlineIcon().equals(drawOutlineIcon())).toBe(true);
  });
});

describe("writeTeamsAppPackage", () => {
  it("writes a zip of exactly manifest.json, color.png and outline.png at its root", async () => {
    const out = join(dir, "a", "weeknotes-teams.zip");
    expect(await writeTeamsAppPackage(out, OPTIONS)).toBe(out);
    const files = await unzip(out);
    expect([...files.keys()].sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const manifest = JSON.parse(String(files.get("manifest.json"))) as unknown;
    expect(manifest).toEqual(json(buildTeamsManifest(OPTIONS)));
    expect(schemaErrors(manifest)).toEqual([]);
    expect(files.get("color.png")?.equals(drawColorIcon())).toBe(true);
    expect(files.get("outline.png")?.equals(drawOutlineIcon())).toBe(true);
    expect(PNG.sync.read(files.get("color.png") as Buffer).width).toBe(192);
    expect(PNG.sync.read(files.get("outline.png") as Buffer).width).toBe(32);
    expect(await readdir(dirname(out))).toEqual(["weeknotes-teams.zip"]);
  });

  it("the same options make the same bytes, and a new package replaces an earlier one", async () => {
    const out = join(dir, "b", "package.zip");
    await writeTeamsAppPackage(out, OPTIONS);
    const first = await readFile(out);
    await writeTeamsAppPackage(out, OPTIONS);
    expect((await readFile(out)).equals(first)).toBe(true);
    await writeTeamsAppPackage(out, { ...OPTIONS, version: "1.5.0" });
    const manifest = JSON.parse(String((await unzip(out)).get("manifest.json"))) as { version: string };
    expect(manifest.version).toBe("1.5.0");
    expect(await readdir(dirname(out))).toEqual(["package.zip"]);
  });

  it("refuses a folder, and a file that is not a Teams app package, and leaves them as they were", async () => {
    const folder = join(dir, "c");
    await mkdir(folder, { recursive: true });
    const onFolder = await writeTeamsAppPackage(folder, OPTIONS).catch((e: unknown) => e);
    expect(onFolder).toBeInstanceOf(BotError);
    expect((onFolder as BotError).message).toMatch(/is a folder/);

    const notes = join(folder, "notes.md");
    await writeFile(notes, "# my notes\n");
    const onFile = await writeTeamsAppPackage(notes, OPTIONS).catch((e: unknown) => e);
    expect((onFile as BotError).code).toBe("input.bad_option");
    expect((onFile as BotError).message).toMatch(/not a Teams app package/);
    expect(await readFile(notes, "utf8")).toBe("# my notes\n");

    // A zip without manifest.json (a Slack export, say) is not a package either.
    const otherZip = join(folder, "export.zip");
    await writeTeamsAppPackage(join(folder, "tmp.zip"), OPTIONS);
    const files = await unzip(join(folder, "tmp.zip"));
    expect(files.size).toBe(3);
    await writeFile(otherZip, await readFile(join(folder, "tmp.zip")));
    await writeTeamsAppPackage(otherZip, OPTIONS); // a package: replaced
    await writeFile(otherZip, Buffer.from("PK\u0005\u0006".padEnd(22, "\u0000"), "latin1")); // an empty zip
    const onEmptyZip = await writeTeamsAppPackage(otherZip, OPTIONS).catch((e: unknown) => e);
    expect((onEmptyZip as BotError).message).toMatch(/not a Teams app package/);
    expect((await readdir(folder)).sort()).toEqual(["export.zip", "notes.md", "tmp.zip"]);
  });

  it("a path it cannot write is a clear error and leaves no temporary file", async () => {
    const folder = join(dir, "d");
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, "file"), "x");
    const error = await writeTeamsAppPackage(join(folder, "file", "p.zip"), OPTIONS).catch((e: unknown) => e);
    expect((error as BotError).code).toBe("input.bad_option");
    expect((error as BotError).message).toMatch(/Cannot write --out .*: part of its path is a file/);
    expect(await readdir(folder)).toEqual(["file"]);
    const empty = await writeTeamsAppPackage(" ", OPTIONS).catch((e: unknown) => e);
    expect((empty as BotError).message).toMatch(/--out is empty/);
  });

  it("checks the options before touching the disk", async () => {
    const out = join(dir, "e", "p.zip");
    const error = await writeTeamsAppPackage(out, { ...OPTIONS, appId: "nope" }).catch((e: unknown) => e);
    expect((error as BotError).message).toMatch(/not a GUID/);
    await expect(readdir(join(dir, "e"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("teamsAppPackageFiles: the three files by name", () => {
    expect([...teamsAppPackageFiles(OPTIONS).keys()]).toEqual(["manifest.json", "color.png", "outline.png"]);
  });
});
