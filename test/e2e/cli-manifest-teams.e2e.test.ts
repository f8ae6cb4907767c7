import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { defaultDeveloper } from "../../adapters/teams/manifest.ts";
import { runCli } from "../support/run-cli.ts";

// `weeknotes manifest teams` writes the Teams app package an admin uploads. The first tests run the
// real binary (bin/weeknotes.js → dist/, as installed); the rest run the same command in this
// process (test/support/run-cli.ts) for the usage errors.

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/weeknotes.js");
const run = promisify(execFile);

const APP_ID = "2f6b9c1e-7d3a-4b8e-a5c2-9e1f0d4b6a37";
const WEBSITE = ["--website-url", "https://digital.example.gov.uk/weeknotes"];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-cli-teams-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The environment of this test process without any Teams settings, logs off. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "silent", ...extra };
  if (!("MICROSOFT_APP_ID" in extra)) {
    delete env.MICROSOFT_APP_ID;
  }
  return env;
}

/** Runs the installed binary in `cwd`; never throws for a non-zero exit. */
async function binary(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** The zip's entries by name. */
async function unzip(path: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  const files = new Map<string, Buffer>();
  try {
    for await (const entry of zip.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      files.set(entry.fileName, Buffer.concat(chunks));
    }
  } finally {
    zip.close();
  }
  return files;
}

interface WrittenManifest {
  manifestVersion: string;
  id: string;
  version: string;
  name: { short: string };
  developer: { websiteUrl: string };
  bots: { botId: string }[];
  composeExtensions: { botId: string; commands: { id: string }[] }[];
  webApplicationInfo: { id: string };
  authorization?: { permissions: { resourceSpecific: { name: string; type: string }[] } };
}

async function manifestIn(path: string): Promise<WrittenManifest> {
  return JSON.parse(String((await unzip(path)).get("manifest.json"))) as WrittenManifest;
}

describe("weeknotes manifest teams, the real binary", () => {
  it("writes the package where --out says: manifest.json and the two icons at the root", async () => {
    const out = join(dir, "binary", "packages", "weeknotes-teams.zip");
    const result = await binary(
      ["manifest", "teams", "--app-id", APP_ID, "--out", out, ...WEBSITE],
      ROOT,
      cleanEnv(),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Wrote ${out}`);
    expect(result.stdout).toMatch(/Upload it in Teams/);
    const files = await unzip(out);
    expect([...files.keys()].sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const manifest = JSON.parse(String(files.get("manifest.json"))) as WrittenManifest;
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0]?.botId).toBe(APP_ID);
    expect(manifest.composeExtensions[0]?.botId).toBe(APP_ID);
    expect(manifest.composeExtensions[0]?.commands.map((c) => c.id)).toEqual(["addToWeeknotes"]);
    expect(manifest.webApplicationInfo.id).toBe(APP_ID);
    expect(manifest.authorization?.permissions.resourceSpecific).toEqual([
      { name: "ChannelMessage.Read.Group", type: "Application" },
    ]);
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(manifest.version).toBe(version.replace(/[-+].*$/, ""));
    const color = PNG.sync.read(files.get("color.png") as Buffer);
    const outline = PNG.sync.read(files.get("outline.png") as Buffer);
    expect([color.width, color.height, outline.width, outline.height]).toEqual([192, 192, 32, 32]);
  });

  it("takes the app id from MICROSOFT_APP_ID and writes weeknotes-teams.zip in the working folder", async () => {
    const cwd = join(dir, "binary-env");
    await mkdir(cwd, { recursive: true });
    const result = await binary(
      ["manifest", "teams", ...WEBSITE],
      cwd,
      cleanEnv({ MICROSOFT_APP_ID: APP_ID }),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await readdir(cwd)).toEqual(["weeknotes-teams.zip"]);
    expect((await manifestIn(join(cwd, "weeknotes-teams.zip"))).id).toBe(APP_ID);
  });

  it("an app id that is not a GUID, or none, is a usage error (exit 2) that says what to give", async () => {
    const cwd = join(dir, "binary-bad");
    await mkdir(cwd, { recursive: true });
    const bad = await binary(["manifest", "teams", "--app-id", "weeknotes-bot", ...WEBSITE], cwd, cleanEnv());
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toBe(
      "weeknotes: The Microsoft App ID \"weeknotes-bot\" is not a GUID. Give --app-id (or set MICROSOFT_APP_ID) to the bot's Microsoft App ID, such as 00000000-0000-0000-0000-000000000000, from the Azure Bot's Configuration page\n",
    );
    const none = await binary(["manifest", "teams", ...WEBSITE], cwd, cleanEnv());
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^weeknotes: The Microsoft App ID is missing\. Give --app-id or set MICROSOFT_APP_ID/,
    );
    expect(await readdir(cwd)).toEqual([]);
  });
});

describe("weeknotes manifest teams, usage", () => {
  const base = ["manifest", "teams", "--app-id", APP_ID, ...WEBSITE];

  it("--name, --app-version, the publisher's addresses and --no-reaction-sweep reach the manifest", async () => {
    const out = join(dir, "options.zip");
    const result = await runCli([
      ...base,
      "--out",
      out,
      "--name",
      "Bins weeknotes",
      "--app-version",
      "2.3.4",
      "--privacy-url",
      "https://digital.example.gov.uk/privacy",
      "--developer",
      "Example Council",
      "--no-reaction-sweep",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const manifest = (await manifestIn(out)) as WrittenManifest & {
      developer: { name: string; privacyUrl: string; termsOfUseUrl: string };
    };
    expect(manifest.name.short).toBe("Bins weeknotes");
    expect(manifest.version).toBe("2.3.4");
    expect(manifest.developer).toEqual({
      name: "Example Council",
      websiteUrl: "https://digital.example.gov.uk/weeknotes",
      privacyUrl: "https://digital.example.gov.uk/privacy",
      termsOfUseUrl: "https://digital.example.gov.uk/weeknotes",
    });
    expect(manifest.authorization).toBeUndefined();
  });

  it("--app-id wins over MICROSOFT_APP_ID", async () => {
    const out = join(dir, "wins.zip");
    const other = "11111111-2222-4333-8444-555555555555";
    const result = await runCli([...base, "--out", out], { MICROSOFT_APP_ID: other });
    expect(result.code).toBe(0);
    expect((await manifestIn(out)).id).toBe(APP_ID);
  });

  it("refuses a folder, standard output and a file that is not a package, touching nothing", async () => {
    const folder = join(dir, "usage");
    await mkdir(folder, { recursive: true });
    const notes = join(folder, "notes.md");
    await writeFile(notes, "keep me\n");
    for (const [out, message] of [
      [folder, /is a folder/],
      ["-", /--out - is not possible/],
      [notes, /exists and is not a Teams app package/],
    ] as const) {
      const result = await runCli([...base, "--out", out]);
      expect(result.code, out).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(message);
    }
    expect(await readFile(notes, "utf8")).toBe("keep me\n");
    expect(await readdir(folder)).toEqual(["notes.md"]);
  });

  it("bad values and unknown options are usage errors (exit 2)", async () => {
    const out = join(dir, "never.zip");
    for (const [args, message] of [
      [["--app-version", "1.2"], /MAJOR\.MINOR\.PATCH/],
      [["--name", "A name that is far too long for Teams"], /too long/],
      [["--website-url", "digital.example.gov.uk"], /not a web address/],
      [["--colour", "red"], /unknown option '--colour'/],
    ] as const) {
      const result = await runCli([...base, "--out", out, ...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    await expect(readFile(out)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("without --website-url the publisher is weeknotes' project page from package.json", async () => {
    const out = join(dir, "default-developer.zip");
    const packageJson = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as object;
    const expected = defaultDeveloper(packageJson);
    const result = await runCli(["manifest", "teams", "--app-id", APP_ID, "--out", out]);
    if (expected === undefined) {
      // package.json names no homepage or repository: the command says to give one.
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--website-url is required: .*your organisation.s page about the bot/);
    } else {
      expect(result.code).toBe(0);
      expect((await manifestIn(out)).developer.websiteUrl).toBe(expected.websiteUrl);
    }
  });

  it("help lists the command and its options", async () => {
    const manifest = await runCli(["manifest", "--help"]);
    expect(manifest.code).toBe(0);
    expect(manifest.stdout).toMatch(/teams \[options\]/);
    const teams = await runCli(["manifest", "teams", "--help"]);
    expect(teams.stdout).toMatch(/--app-id <id>/);
    expect(teams.stdout).toMatch(/MICROSOFT_APP_ID/);
    expect(teams.stdout).toMatch(/weeknotes-teams\.zip/);
  });
});
