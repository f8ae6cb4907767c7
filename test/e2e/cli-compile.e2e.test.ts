import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompileJson } from "../../adapters/slack-export/compile-json.ts";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { runCli } from "../support/run-cli.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const EXAMPLE = join(ROOT, "examples/slack-export");
const run = promisify(execFile);

// The 17 tagged messages of 2026-W13 in Europe/London, as examples/README.md lists them (worked out
// by hand when the example was written, not by this code).
const EXPECTED_W13: readonly [channel: string, ts: string, section: string][] = [
  ["general", "1774260018.120700", "coming_up"],
  ["bins-digital", "1774342690.326569", "thanks"],
  ["bins-digital", "1774347892.213922", "coming_up"],
  ["website", "1774361453.530207", "challenges"],
  ["bins-digital", "1774368658.870577", "highlights"],
  ["bins-digital", "1774429948.598322", "highlights"],
  ["bins-digital", "1774436564.586835", "highlights"],
  ["team-kbc-digital", "1774444837.483716", "challenges"],
  ["team-kbc-digital", "1774447510.353664", "challenges"],
  ["team-kbc-digital", "1774517441.086866", "highlights"],
  ["bins-digital", "1774525212.039410", "challenges"],
  ["general", "1774541145.663493", "highlights"],
  ["general", "1774545001.206027", "thanks"],
  ["bins-digital", "1774605910.969764", "highlights"],
  ["team-kbc-digital", "1774612814.314868", "thanks"],
  ["team-kbc-digital", "1774629053.491306", "tune"],
  ["team-kbc-digital", "1774777339.920985", "highlights"],
];

const cli = runCli;

/** `weeknotes compile` of the example's week 2026-W13 in Europe/London; callers add options. */
const W13 = ["compile", "--slack-export", EXAMPLE, "--week", "2026-W13", "--tz", "Europe/London"];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("weeknotes compile, the real binary", () => {
  it("prints the README's weeknote from the example export", async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        "bin/weeknotes.js",
        "compile",
        "--slack-export",
        "examples/slack-export",
        "--week",
        "2026-W13",
        "--tz",
        "Europe/London",
      ],
      { cwd: ROOT, env: { ...process.env, DATA_DIR: join(dir, "binary"), LOG_LEVEL: "silent" } },
    );
    // A prose note (issue 9): a title of theme phrases (none a channel's name), themed paragraphs
    // with bold lead-ins naming the people, no headed bullet parts, the tune once, an honest footer.
    expect(stdout.split("\n")[0]).toBe(
      "# weeknotes 2026-W13 — bins collection booking — Tamar Room — accessibility retest results — waste team",
    );
    expect(stdout).not.toMatch(/^## /m);
    expect(stdout).toContain(
      "\n\n**Bins collection booking.** On Tuesday, Marcus wrote: Date picker fix is merged and on staging. Niamh added: Decision: we're GO for beta.",
    );
    expect(stdout.match(/\*\*Tune of the week:\*\*/g)).toHaveLength(1);
    expect(stdout).toContain(
      "**Tune of the week:** 'Bin Day Morning' by The Kerbside Collective 🎶 (Marcus)\n",
    );
    expect(stdout).toContain("from 17 highlights tagged in 2026-W13; cites 13 of 17");
    expect(stdout).not.toMatch(/<!|<@|&amp;|&lt;/);
    expect(stderr).toBe("");
  });

  it("answers --help and --version from the compiled code in dist/", async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    const env = { ...process.env, LOG_LEVEL: "silent" };
    for (const flag of ["--version", "-V"]) {
      const { stdout, stderr } = await run(process.execPath, ["bin/weeknotes.js", flag], { cwd: ROOT, env });
      expect(stdout).toBe(`${version}\n`);
      expect(stderr).toBe("");
    }
    const help = await run(process.execPath, ["bin/weeknotes.js", "--help"], { cwd: ROOT, env });
    expect(help.stdout).toMatch(/^Usage: weeknotes \[options\] \[command\]/);
    expect(help.stdout).toContain("compile");
    expect(help.stdout).toContain("serve");
    expect(help.stderr).toBe("");
    const compileHelp = await run(process.execPath, ["bin/weeknotes.js", "help", "compile"], {
      cwd: ROOT,
      env,
    });
    expect(compileHelp.stdout).toContain("--slack-export <path>");
  });

  it("exits 2 with one line saying what to do on bad input", async () => {
    const result = await run(
      process.execPath,
      ["bin/weeknotes.js", "compile", "--slack-export", "/no/such/export"],
      {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: "silent" },
      },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^weeknotes: No file or folder at \/no\/such\/export\. Give the path of a Slack export/,
    );
  });
});

describe("weeknotes compile --format json", () => {
  it("finds exactly the example week's highlights, in the documented shape", async () => {
    const { code, stdout } = await cli([...W13, "--format", "json", "--no-store"]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as CompileJson;
    expect(Object.keys(json)).toEqual(["week", "timezone", "highlights", "weeknote", "markdown", "leftOut"]);
    expect(json.week).toBe("2026-W13");
    expect(json.timezone).toBe("Europe/London");
    expect(json.highlights.map((h) => [h.channel, h.ts, h.section]).sort()).toEqual([...EXPECTED_W13].sort());
    for (const h of json.highlights) {
      expect(Object.keys(h)).toEqual(["id", "channel", "ts", "author", "text", "section"]);
      expect(typeof h.ts).toBe("string");
    }
    expect(json.markdown.startsWith(`# ${json.weeknote.title}\n`)).toBe(true);
    // Every highlight is cited (by a paragraph, an item, next week or the tune) or left out with a reason.
    const cited = new Set(
      [
        ...json.weeknote.sections.flatMap((s) => [...(s.paragraphs ?? []), ...s.items]),
        ...json.weeknote.intoNextWeek,
        ...(json.weeknote.tune ? [json.weeknote.tune] : []),
      ].flatMap((i) => i.highlightIds),
    );
    const leftOut = json.leftOut.map((l) => l.highlightId);
    expect(leftOut.filter((id) => cited.has(id))).toEqual([]);
    expect([...cited, ...leftOut].sort()).toEqual(json.highlights.map((h) => h.id).sort());
  });

  it("decodes markup and keeps Unicode in the highlight text", async () => {
    const { stdout } = await cli([...W13, "--format", "json", "--no-store"]);
    const json = JSON.parse(stdout) as CompileJson;
    const byTs = new Map(json.highlights.map((h) => [h.ts, h]));
    const markup = byTs.get("1774517441.086866")?.text ?? "";
    expect(markup).not.toMatch(/<[@#!]|&amp;|&lt;|&gt;/);
    expect(markup).toContain("@here");
    expect(byTs.get("1774436564.586835")?.text).toMatch(/ŵ/);
    expect(byTs.get("1774541145.663493")?.text).toContain("👩🏽‍💻");
    expect(byTs.get("1774447510.353664")?.author).toBe("Joe Kowalski");
  });

  it("resolves --week last and a date against the clock, in the zone", async () => {
    const last = await cli([
      "compile",
      "--slack-export",
      EXAMPLE,
      "--week",
      "last",
      "--tz",
      "Europe/London",
      "--format",
      "json",
      "--no-store",
    ]);
    expect((JSON.parse(last.stdout) as CompileJson).week).toBe("2026-W13");
    const date = await cli([
      "compile",
      "--slack-export",
      EXAMPLE,
      "--week",
      "2026-03-30",
      "--tz",
      "Europe/London",
      "--format",
      "json",
      "--no-store",
    ]);
    const w14 = JSON.parse(date.stdout) as CompileJson;
    expect(w14.week).toBe("2026-W14");
    // Monday 00:20 BST is Sunday in UTC, but the week is local: it belongs to W14.
    expect(w14.highlights.map((h) => h.ts)).toContain("1774826402.829090");
  });

  it("filters by --channels and by --emoji", async () => {
    const { stdout } = await cli([
      ...W13,
      "--format",
      "json",
      "--no-store",
      "--channels",
      "#website,general",
      "--emoji",
      "warning=challenges,star2",
    ]);
    const json = JSON.parse(stdout) as CompileJson;
    expect(json.highlights.map((h) => [h.channel, h.ts, h.section])).toEqual([
      ["website", "1774361453.530207", "challenges"],
      ["general", "1774541145.663493", "highlights"],
    ]);
  });
});

describe("weeknotes compile, empty weeks and bad input", () => {
  it("writes an empty week as a valid note and exits 0", async () => {
    const { code, stdout, stderr } = await cli([
      "compile",
      "--slack-export",
      EXAMPLE,
      "--week",
      "2025-W13",
      "--tz",
      "Europe/London",
      "--no-store",
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# weeknotes 2025-W13 — a quiet week/);
    expect(stdout).toContain("Nothing was tagged");
    expect(stderr).toMatch(/nothing in 2025-W13 \(Europe\/London\)/);
  });

  it.each([
    [["--week", "2026-W54"], /There is no week 2026-W54/],
    [["--week", "next"], /"next" is not a week\. Give a week key like 2026-W13/],
    [["--tz", "Mars/Base"], /Unknown time zone "Mars\/Base"\. Use an IANA zone name/],
    [["--emoji", "star=somewhere"], /Unknown section "somewhere"/],
    [["--emoji", ""], /names no emoji/],
    [["--emoji", "a b"], /is not NAME or NAME=SECTION/],
    [["--channels", "nosuch"], /has no channel "nosuch"\. Its channels are: bins-digital, general/],
    [["--format", "xml"], /argument 'xml' is invalid/],
  ])("%j exits 2 with a clear message", async (extra, message) => {
    const { code, stderr, stdout } = await cli([
      "compile",
      "--slack-export",
      EXAMPLE,
      "--week",
      "2026-W13",
      "--no-store",
      ...extra,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe("");
  });

  it("says which dates the export covers when the week is empty, and stores nothing", async () => {
    const dataDir = join(dir, "empty-week");
    const { code, stderr } = await cli([...W13.slice(0, 3), "--week", "2025-W13", "--data-dir", dataDir]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/The export has messages from 2025-11-12 to 2026-03-31\./);
    const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
    expect(
      await store.getWeeknote({ workspace: "T0KBC00001", team: "default", week: "2025-W13" }),
    ).toBeUndefined();
    await store.close();
  });

  it("takes the emoji itself in --emoji", async () => {
    const { stdout } = await cli([...W13, "--format", "json", "--no-store", "--emoji", "⭐"]);
    expect((JSON.parse(stdout) as CompileJson).highlights).toHaveLength(6);
  });

  it("names DEFAULT_TIMEZONE when the zone from the environment is bad", async () => {
    const { code, stderr } = await cli([...W13.slice(0, 5), "--no-store"], {
      DEFAULT_TIMEZONE: "Nowhere/Land",
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/DEFAULT_TIMEZONE is not a time zone/);
    // Issue 12: a setting's value is never printed back (it may be a pasted secret).
    expect(stderr).not.toContain("Nowhere/Land");
  });

  it.each([
    [["--out", EXAMPLE], /would overwrite/],
    [["--out", join(EXAMPLE, "channels.json")], /would overwrite/],
    [["--out", ""], /--out is empty/],
    [["--team", " "], /--team is empty/],
    [["--team", "!!!"], /--team "!!!" is not a team name/],
    [["--team", "--no-store"], /--team "--no-store" is not a team name/],
  ])("%j protects inputs and exits 2", async (extra, message) => {
    const { code, stderr } = await cli([...W13, "--no-store", ...extra]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it("will not write the note over its own database", async () => {
    const dataDir = join(dir, "guarded");
    const { code, stderr } = await cli([
      ...W13,
      "--data-dir",
      dataDir,
      "--out",
      join(dataDir, "weeknotes.sqlite"),
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/would overwrite .*weeknotes\.sqlite/);
    const empty = await cli([...W13, "--data-dir", "", "--out", join(dir, "x.md")]);
    expect(empty.stderr).toMatch(/--data-dir is empty/);
  });

  it("reports an --out that is a folder in one line and leaves no temporary file", async () => {
    const folder = join(dir, "a-folder");
    await mkdir(folder, { recursive: true });
    const { code, stderr } = await cli([...W13, "--no-store", "--out", folder]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Cannot write --out .*a-folder: it is a folder/);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("writes to standard output for --out -", async () => {
    const { stdout } = await cli([...W13, "--no-store", "--out", "-"]);
    expect(stdout).toMatch(/^# weeknotes 2026-W13/);
  });

  it("refuses a file that is not an export", async () => {
    const notZip = join(dir, "notes.zip");
    await writeFile(notZip, "not a zip");
    const { code, stderr } = await cli([
      "compile",
      "--slack-export",
      notZip,
      "--week",
      "2026-W13",
      "--no-store",
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/neither a folder nor a readable zip file/);
  });
});

describe("weeknotes compile with the store", () => {
  it("saves a --team week under the key the bot gives that team, so the bot finds it", async () => {
    const dataDir = join(dir, "team-key");
    expect((await cli([...W13, "--data-dir", dataDir, "--team", "Bins Service"])).code).toBe(0);
    expect((await cli([...W13, "--data-dir", dataDir, "--team", "Default"])).code).toBe(0);
    const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
    try {
      for (const team of ["bins-service", "default"]) {
        expect((await store.getWeeknote({ workspace: "T0KBC00001", team, week: "2026-W13" }))?.status).toBe(
          "draft",
        );
      }
      expect(
        await store.getWeeknote({ workspace: "T0KBC00001", team: "Bins Service", week: "2026-W13" }),
      ).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("saves highlights and the draft once, and a new revision only when the text changes", async () => {
    const dataDir = join(dir, "store");
    const args = [...W13, "--data-dir", dataDir];
    expect((await cli(args)).code).toBe(0);
    expect((await cli(args)).code).toBe(0);
    expect((await cli([...args, "--emoji", "star"])).code).toBe(0);

    const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
    try {
      const weeknote = await store.getWeeknote({
        workspace: "T0KBC00001",
        team: "default",
        week: "2026-W13",
      });
      expect(weeknote?.status).toBe("draft");
      expect(weeknote?.revisions.map((r) => [r.number, r.origin, r.highlightIds.length])).toEqual([
        [1, "offline", 17],
        [2, "offline", 6],
      ]);
      const highlights = await store.listHighlights({
        workspace: "T0KBC00001",
        fromMs: Date.parse("2026-03-23T00:00:00Z"),
        toMs: Date.parse("2026-03-29T23:00:00Z"),
      });
      expect(highlights).toHaveLength(17);
    } finally {
      await store.close();
    }
  });

  it("compiles but does not overwrite a week whose note was approved", async () => {
    const dataDir = join(dir, "approved");
    const args = [...W13, "--data-dir", dataDir];
    await cli(args);
    const store = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
    const key = { workspace: "T0KBC00001", team: "default", week: "2026-W13" };
    await store.decideWeeknote(key, {
      status: "approved",
      by: "U0KBC00001",
      atMs: Date.parse("2026-03-27T15:00:00Z"),
    });
    await store.close();

    const again = await cli([...args, "--emoji", "star"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/draft not saved: the 2026-W13 note is already approved/);
    const reopened = openSqliteStore({ path: join(dataDir, "weeknotes.sqlite") });
    expect((await reopened.getWeeknote(key))?.revisions).toHaveLength(1);
    await reopened.close();
  });

  it("writes --out whole, creating its folder, and leaves no temporary file", async () => {
    const out = join(dir, "out", "nested", "w13.md");
    const { code, stdout } = await cli([...W13, "--no-store", "--out", out]);
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(await readFile(out, "utf8")).toMatch(/^# weeknotes 2026-W13/);
    expect(await readdir(join(dir, "out", "nested"))).toEqual(["w13.md"]);
  });
});

// Issue 12, item 6: a data folder that cannot hold the database is bad input (exit 2) with one
// line saying why, before the export is read; it used to be an unexpected failure (exit 1).
describe("a data folder the database cannot be written in", () => {
  it("--data-dir through a file: exit 2, one line, no note printed", async () => {
    const file = join(dir, "a-file");
    await writeFile(file, "not a folder");
    for (const dataDir of [file, join(file, "data")]) {
      const { code, stdout, stderr } = await cli([...W13, "--data-dir", dataDir]);
      expect(code).toBe(2);
      expect(stderr).toBe(
        `weeknotes: --data-dir ${dataDir} cannot hold the database: part of its path is a file. Give --data-dir a folder you can write to, or --no-store to save nothing\n`,
      );
      expect(stdout).toBe("");
    }
  });

  it("DATA_DIR through a file, for compile and for serve: exit 2, the setting named, its value not printed", async () => {
    const file = join(dir, "another-file");
    await writeFile(file, "not a folder");
    const env = { DATA_DIR: join(file, "data"), PORT: "0", HOST: "127.0.0.1" };
    for (const [argv, skip] of [
      [W13, ", or --no-store to save nothing"],
      [["serve"], ""],
    ] as const) {
      const { code, stderr } = await cli([...argv], env);
      expect(code).toBe(2);
      expect(stderr).toBe(
        `weeknotes: DATA_DIR cannot hold the database: part of its path is a file. Give DATA_DIR a folder you can write to${skip}\n`,
      );
    }
  });

  // A read-only folder, and a read-only database in a writable one. Root writes anywhere, so when
  // the test runs as root (as CI does) the command runs as the unprivileged user `nobody`, through
  // the real binary; otherwise in this process.
  it.each([
    ["a read-only folder", "read-only", "permission denied"],
    [
      "a read-only weeknotes.sqlite",
      "read-only-db",
      "its weeknotes.sqlite cannot be written (permission denied)",
    ],
  ])("%s: exit 2 and one clear line", async (_, name, reason) => {
    const dataDir = join(dir, name);
    await mkdir(dataDir, { recursive: true });
    if (name === "read-only-db") {
      await writeFile(join(dataDir, "weeknotes.sqlite"), "");
      await chmod(join(dataDir, "weeknotes.sqlite"), 0o444);
      await chmod(dataDir, 0o777);
    } else {
      await chmod(dataDir, 0o555);
    }
    const argv = [...W13, "--data-dir", dataDir];
    const asRoot = process.getuid?.() === 0;
    const { code, stdout, stderr } = asRoot ? await asNobody(argv) : await cli(argv);
    expect(stderr).toBe(
      `weeknotes: --data-dir ${dataDir} cannot hold the database: ${reason}. Give --data-dir a folder you can write to, or --no-store to save nothing\n`,
    );
    expect(code).toBe(2);
    expect(stdout).toBe("");
  });
});

/** Runs `weeknotes` (the sources, through tsx) as the user `nobody`; returns its exit code and output. */
async function asNobody(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  await chmod(dir, 0o755);
  try {
    const { stdout, stderr } = await run(process.execPath, ["bin/weeknotes-dev.js", ...argv], {
      cwd: ROOT,
      uid: 65_534,
      gid: 65_534,
      env: { PATH: process.env.PATH ?? "", HOME: tmpdir(), LOG_LEVEL: "silent" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
