import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { link, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { completion, echoDocument, type FakeOpenAi, startFakeOpenAi } from "../support/fake-openai.ts";
import { HOSTILE_NAMES, shownAs } from "../support/hostile-names.ts";
import { htmlShape, renderHtml } from "../support/markdown-html.ts";
import { runCli } from "../support/run-cli.ts";
import { channels, message, reaction, TempExports, users } from "../unit/slack-export-fixture.ts";

// Issue 12: hostile names in a compiled note (item 2), and "never overwritten" and "nothing outside
// the export is read" through links (item 3), through the `weeknotes compile` command itself.

const ROOT = resolve(import.meta.dirname, "../..");
const temp = new TempExports();
afterAll(() => temp.cleanup());

const WEEK = ["--week", "2024-W10", "--tz", "UTC"];
const DAY = "general/2024-03-05.json";

/** An export whose users have `names`: each wrote one starred message; the last also a tune. */
function exportOf(names: readonly string[]): Record<string, unknown> {
  const ids = names.map((_, i) => `U${String(i).padStart(4, "0")}`);
  return {
    "users.json": users(
      ...names.map((name, i): [string, string, string, string] => [ids[i] ?? "", `user${i}`, name, name]),
    ),
    "channels.json": channels(["C1", "general"]),
    [DAY]: [
      ...names.map((_, i) =>
        message(`2024-03-05T10:${String(i).padStart(2, "0")}:00Z`, `Update number ${i} went out`, {
          user: ids[i],
        }),
      ),
      message("2024-03-05T11:00:00Z", "Gorilla by Blur", {
        user: ids.at(-1),
        reactions: [reaction("notes", "U_FAN")],
      }),
      message("2024-03-05T11:30:00Z", "Thanks for the help", {
        user: ids[0],
        reactions: [reaction("clap", "U_FAN")],
      }),
    ],
  };
}

async function compileNote(names: readonly string[], extra: string[] = [], env: Record<string, string> = {}) {
  const folder = await temp.folder(exportOf(names));
  const result = await runCli(["compile", "--slack-export", folder, ...WEEK, "--no-store", ...extra], env);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return result.stdout;
}

describe("compiling an export whose users have hostile display names (item 2)", () => {
  let fake: FakeOpenAi;
  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterAll(async () => {
    await fake.close();
  });
  const benign = HOSTILE_NAMES.map((_, i) => `Person ${i}`);
  const llm = () => ({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.url, OPENAI_MODEL: "gpt-4o-mini" });

  for (const summariser of ["offline", "openai"] as const) {
    it(`yields Markdown with no element, attribute, link or image that was not ours (${summariser})`, async () => {
      const run = async (names: readonly string[]) => {
        // The fake model copies each highlight's author and text into its items, as a model would.
        fake.script((request) => completion(echoDocument(request.body)));
        return compileNote(names, ["--summariser", summariser], summariser === "openai" ? llm() : {});
      };
      const ours = await run(benign);
      const theirs = await run(HOSTILE_NAMES);
      expect(ours).toContain("Person 3");
      for (const linkify of [false, true]) {
        const expected = htmlShape(renderHtml(ours, { linkify }));
        const got = htmlShape(renderHtml(theirs, { linkify }));
        expect([...got.tags].filter((tag) => !expected.tags.has(tag))).toEqual([]);
        expect([...got.attributes].filter((a) => !expected.attributes.has(a))).toEqual([]);
        expect(Object.fromEntries(got.counts)).toEqual(Object.fromEntries(expected.counts));
        expect(got.targets).toEqual([]);
        expect(expected.targets).toEqual([]);
      }
      const shown = htmlShape(renderHtml(theirs)).text;
      if (summariser === "offline") {
        // A prose note names each person in its paragraphs, three messages to a paragraph, and
        // shows each name there exactly as written.
        HOSTILE_NAMES.forEach((name, i) => {
          expect(shown).toContain(
            `${shownAs(name)} ${i % 3 === 0 ? "wrote" : "added"}: Update number ${i} went out.`,
          );
        });
        expect(theirs).toContain(
          "www\\.evil\\.example added: Update number 10 went out. https\\://evil\\.example/reset added: Update number 11 went out.",
        );
        expect(theirs).toContain(
          "\\*\\*CEO\\*\\* \\_urgent\\_ \\`code\\` \\~\\~old\\~\\~ added: Update number 13",
        );
        expect(theirs).toContain(
          "**Tune of the week:** Gorilla by Blur (Ann\\<U+202E>elgoog\\.www\\<U+202C>)",
        );
      } else {
        // The model's answer is cleaned first: a web address that was in no message is removed,
        // even from a name; the rest of the names is shown as written.
        expect(shown).not.toMatch(/https?:/);
        expect(shown).toContain("(<img src=x onerror=alert(document.domain)>)");
        expect(shown).toContain("([IT Helpdesk])");
      }
    });
  }
});

describe("--out never overwrites the database or the export, through links (item 3)", () => {
  const FILES = exportOf(["Alice", "Bob"]);

  async function expectRefused(
    result: { code: number; stdout: string; stderr: string },
    pattern: RegExp,
  ): Promise<void> {
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
  }

  it("refuses --out alias/weeknotes.sqlite where alias is a link to --data-dir, and the database survives", async () => {
    const dir = await temp.dir();
    const folder = await temp.folder(FILES);
    const data = join(dir, "data");
    const first = await runCli(["compile", "--slack-export", folder, ...WEEK, "--data-dir", data]);
    expect(first.code).toBe(0);
    const database = join(data, "weeknotes.sqlite");
    const before = await readFile(database);
    await symlink(data, join(dir, "alias"));

    for (const out of ["alias/weeknotes.sqlite", "alias/weeknotes.sqlite-wal", "alias/./weeknotes.sqlite"]) {
      const result = await runCli(
        ["compile", "--slack-export", folder, ...WEEK, "--data-dir", data, "--out", join(dir, out)],
        {},
      );
      await expectRefused(
        result,
        /^weeknotes: --out .* would overwrite .*weeknotes\.sqlite \(it leads to .*\)\. Write the note somewhere else/,
      );
    }
    // The same file under another name (a hard link) is the same file.
    await link(database, join(dir, "hard.md"));
    const hard = await runCli([
      "compile",
      "--slack-export",
      folder,
      ...WEEK,
      "--data-dir",
      data,
      "--out",
      join(dir, "hard.md"),
    ]);
    await expectRefused(hard, /^weeknotes: --out .*hard\.md would overwrite .*weeknotes\.sqlite/);

    expect((await readFile(database)).equals(before)).toBe(true);
    const store = openSqliteStore({ path: database });
    expect(await store.listTeams()).toBeDefined();
    await store.close();
  });

  it("refuses --out through a link into the export folder, and the day file survives", async () => {
    const dir = await temp.dir();
    const folder = await temp.folder(FILES);
    const day = join(folder, ...DAY.split("/"));
    const before = await readFile(day, "utf8");
    await symlink(join(folder, "general"), join(dir, "channel"));
    await symlink(day, join(dir, "day.md"));

    for (const out of [
      join(dir, "channel", "2024-03-05.json"),
      join(dir, "day.md"),
      join(dir, "channel", "new.md"),
    ]) {
      const result = await runCli(["compile", "--slack-export", folder, ...WEEK, "--no-store", "--out", out]);
      await expectRefused(result, new RegExp(`^weeknotes: --out .* would overwrite ${folder}`));
    }
    expect(await readFile(day, "utf8")).toBe(before);
    // A link to somewhere else is fine.
    await mkdir(join(dir, "notes"));
    await symlink(join(dir, "notes"), join(dir, "elsewhere"));
    const fine = await runCli([
      "compile",
      "--slack-export",
      folder,
      ...WEEK,
      "--no-store",
      "--out",
      join(dir, "elsewhere", "w10.md"),
    ]);
    expect(fine.code).toBe(0);
    expect(await readFile(join(dir, "notes", "w10.md"), "utf8")).toMatch(/^# weeknotes 2024-W10/);
  });
});

describe("a folder export is read only inside itself (item 3)", () => {
  async function refusal(arrange: (folder: string, outside: string) => Promise<void>) {
    const folder = await temp.folder(exportOf(["Alice", "Bob"]));
    const outside = await temp.dir();
    await arrange(folder, outside);
    const result = await runCli(["compile", "--slack-export", folder, ...WEEK, "--no-store"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toContain("LEAKED");
    return result.stderr;
  }
  const leaked = JSON.stringify(users(["U0000", "x", "LEAKED", "LEAKED"]));

  it("refuses a users.json linked from outside the export, and reads nothing of it", async () => {
    const stderr = await refusal(async (folder, outside) => {
      await writeFile(join(outside, "users.json"), leaked);
      await rm(join(folder, "users.json"));
      await symlink(join(outside, "users.json"), join(folder, "users.json"));
    });
    expect(stderr).toMatch(
      /^weeknotes: .* holds unsafe paths that lead out of the export, such as "users\.json" \(a symbolic link to .*users\.json\), so it was not read\. /,
    );
  });

  it("refuses a day file or a channel folder linked from outside the export", async () => {
    const day = await refusal(async (folder, outside) => {
      await writeFile(join(outside, "day.json"), JSON.stringify([message("2024-03-05T10:00:00Z", "LEAKED")]));
      await symlink(join(outside, "day.json"), join(folder, "general", "2024-03-06.json"));
    });
    expect(day).toContain('"general/2024-03-06.json"');
    const channel = await refusal(async (folder, outside) => {
      await mkdir(join(outside, "random"));
      await writeFile(join(outside, "random", "2024-03-05.json"), "[]");
      await symlink(join(outside, "random"), join(folder, "random"));
    });
    expect(channel).toContain('"random"');
  });

  it("still follows a link that stays inside the export, and an export folder given through a link", async () => {
    const folder = await temp.folder(exportOf(["Alice", "Bob"]));
    const dir = await temp.dir();
    await symlink(folder, join(dir, "export-link"));
    await mkdir(join(folder, "archive"));
    await symlink(join(folder, "channels.json"), join(folder, "archive", "channels.json"));
    const result = await runCli([
      "compile",
      "--slack-export",
      join(dir, "export-link"),
      ...WEEK,
      "--no-store",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Update number 1 went out");
  });
});

const run = promisify(execFile);

// Node's recursive mkdir never ends under /proc (creating a folder there fails with ENOENT although
// its parent exists). In a child process: a hang would otherwise take the test runner with it.
describe.skipIf(!existsSync("/proc/self"))("--out and the data folder under /proc (item 3)", () => {
  async function weeknotes(args: string[], env: Record<string, string> = {}) {
    const folder = await temp.folder(exportOf(["Alice"]));
    return run(
      process.execPath,
      ["bin/weeknotes-dev.js", "compile", "--slack-export", folder, ...WEEK, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: "", ...env },
        // A hang is killed well before the test's own time-out, so no process outlives the test.
        timeout: 30_000,
        killSignal: "SIGKILL",
      },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr, killed: false }),
      (error: { code: number; stdout: string; stderr: string; killed: boolean }) => error,
    );
  }

  it.each([
    [["--no-store", "--out", "/proc/nope/deeper/w10.md"], {}],
    [["--no-store", "--out", "/proc/self/w10.md"], {}],
    [["--data-dir", "/proc/nope/data"], {}],
    [[], { DATA_DIR: "/proc/self/weeknotes" }],
  ] as [string[], Record<string, string>][])("exits 2 with one clear line for %j %j", async (args, env) => {
    const result = await weeknotes(args, env);
    expect(result.killed).toBe(false);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^weeknotes: (--out|--data-dir|DATA_DIR) \/proc\/.* is on \/proc, where no files can be made\. /,
    );
  });
  it("serve with a HOST that is not this machine's exits 2 naming HOST, not its value", async () => {
    const dataDir = await temp.folder({});
    const result = await run(process.execPath, ["bin/weeknotes-dev.js", "serve"], {
      cwd: ROOT,
      // 192.0.2.1 is TEST-NET-1 (RFC 5737): no machine has it, and binding it sends nothing anywhere.
      env: { ...process.env, LOG_LEVEL: "", DATA_DIR: dataDir, PORT: "0", HOST: "192.0.2.1" },
      timeout: 30_000,
      killSignal: "SIGKILL",
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr, killed: false }),
      (error: { code: number; stdout: string; stderr: string; killed: boolean }) => error,
    );
    expect(result.killed).toBe(false);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^weeknotes: The server cannot listen on HOST and PORT \(EADDRNOTAVAIL\)\. /,
    );
    expect(result.stderr).not.toContain("192.0.2.1");
  });

  it("serve with DATA_DIR under /proc exits 2 with one clear line instead of hanging", async () => {
    const result = await run(process.execPath, ["bin/weeknotes-dev.js", "serve"], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "", DATA_DIR: "/proc/self/weeknotes", PORT: "0", HOST: "127.0.0.1" },
      timeout: 30_000,
      killSignal: "SIGKILL",
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr, killed: false }),
      (error: { code: number; stdout: string; stderr: string; killed: boolean }) => error,
    );
    expect(result.killed).toBe(false);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^weeknotes: DATA_DIR \S+ is on \/proc, where no files can be made\. [^\n]*\n$/,
    );
  });
});
