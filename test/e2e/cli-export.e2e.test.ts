/**
 * `weeknotes export --format md|html|atom --out DIR` (issue 9 item 5) writes a team's approved
 * notes from the store as the blog does, and `compile --format html` prints one note as a page;
 * hostile chat text (tags, links, entities, `]]>`) stays text in every format.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFeed } from "@rowanmanning/feed-parser";
import { Parser } from "htmlparser2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { openSqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { renderMarkdown } from "../../src/domain/render-markdown.ts";
import type { WeeknoteDocument } from "../../src/domain/weeknote.ts";
import { makeTeam } from "../contract/store-fixtures.ts";
import { runCli } from "../support/run-cli.ts";

const WS = "T0EXPORT01";
const HOSTILE_TITLE = '5.9 — weeknotes — <script>alert("t")</script> & ]]> co';

function hostileDocument(week: string): WeeknoteDocument {
  return {
    week,
    title: week === "2026-W13" ? HOSTILE_TITLE : `weeknotes ${week} — a quiet week`,
    themes: ["bins beta"],
    intro: "We shipped <img src=x onerror=alert(1)> & [win](javascript:alert(2)) &amp; ]]> done.",
    sections: [
      {
        section: "highlights",
        heading: "bins beta",
        paragraphs: [
          {
            text: "Niamh opened the beta <iframe src=//evil.example></iframe> ![x](https://evil.example/t.png)",
            highlightIds: ["C1/1"],
          },
        ],
        items: [],
      },
    ],
    intoNextWeek: [],
    footer: "Drafted offline.",
  };
}

let dir: string;
let dataDir: string;
let out: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "weeknotes-export-"));
  dataDir = join(dir, "data");
  out = join(dir, "site");
  const store = openSqliteStore({ path: join(await mkdirp(dataDir), "weeknotes.sqlite") });
  try {
    await store.createTeamIfAbsent(makeTeam({ workspace: WS, team: "digital", name: "Digital <b>team</b>" }));
    for (const [week, atMs] of [
      ["2026-W12", Date.parse("2026-03-20T15:00:00Z")],
      ["2026-W13", Date.parse("2026-03-27T15:00:00Z")],
    ] as const) {
      const key = { workspace: WS, team: "digital", week };
      const document = hostileDocument(week);
      await store.saveDraftRevision(key, {
        origin: "offline",
        model: undefined,
        promptVersion: "offline-2",
        highlightIds: ["C1/1"],
        document,
        markdown: renderMarkdown(document),
        author: undefined,
        createdAtMs: atMs - 1000,
      });
      await store.decideWeeknote(key, { status: "approved", by: "U1", atMs });
    }
    // A draft is not published.
    const draft = hostileDocument("2026-W14");
    await store.saveDraftRevision(
      { workspace: WS, team: "digital", week: "2026-W14" },
      {
        origin: "offline",
        model: undefined,
        promptVersion: "offline-2",
        highlightIds: [],
        document: draft,
        markdown: renderMarkdown(draft),
        author: undefined,
        createdAtMs: Date.parse("2026-04-03T15:00:00Z"),
      },
    );
  } finally {
    await store.close();
  }
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function mkdirp(path: string): Promise<string> {
  const { mkdir } = await import("node:fs/promises");
  await mkdir(path, { recursive: true });
  return path;
}

/** Every element name and every href/src in an HTML text, as a parser sees them. */
function elementsOf(html: string): { tags: string[]; urls: string[] } {
  const tags: string[] = [];
  const urls: string[] = [];
  const parser = new Parser({
    onopentag(name, attributes) {
      tags.push(name);
      for (const key of ["href", "src"]) {
        if (attributes[key] !== undefined) urls.push(attributes[key]);
      }
    },
  });
  parser.write(html);
  parser.end();
  return { tags, urls };
}

/** The text of each Atom `<content>` element (its HTML), read with an XML parser. */
function atomContents(xml: string): string[] {
  const contents: string[] = [];
  let current: string | undefined;
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === "content") current = "";
      },
      ontext(text) {
        if (current !== undefined) current += text;
      },
      onclosetag(name) {
        if (name === "content" && current !== undefined) {
          contents.push(current);
          current = undefined;
        }
      },
    },
    { xmlMode: true, recognizeCDATA: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  return contents;
}

function expectNoInjectedMarkup(html: string): void {
  const { tags, urls } = elementsOf(html);
  expect(tags.filter((t) => ["script", "img", "iframe", "object", "embed"].includes(t))).toEqual([]);
  expect(urls.filter((u) => !/^(?:\d{4}-W\d{2}\.html|index\.html|atom\.xml)$/.test(u))).toEqual([]);
}

describe("weeknotes export", () => {
  it("writes the blog of the store's approved notes: md, html, index and a feed a parser reads", async () => {
    const result = await runCli(["export", "--out", out, "--data-dir", dataDir]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Wrote 2 approved notes of Digital <b>team<\/b> to /);
    expect((await readdir(out)).sort()).toEqual([
      "2026-W12.html",
      "2026-W12.md",
      "2026-W13.html",
      "2026-W13.md",
      "atom.xml",
      "index.html",
    ]);

    const md = await readFile(join(out, "2026-W13.md"), "utf8");
    const [, front, body] = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(md) ?? [];
    expect(parseYaml(front ?? "")).toMatchObject({
      title: HOSTILE_TITLE,
      date: "2026-03-27T15:00:00.000Z",
      week: "2026-W13",
      team: "Digital <b>team</b>",
      themes: ["bins beta"],
    });
    expect(body).toBe(renderMarkdown(hostileDocument("2026-W13")).replace(/^# [^\n]*\n\n/, ""));

    for (const page of ["2026-W12.html", "2026-W13.html", "index.html"]) {
      expectNoInjectedMarkup(await readFile(join(out, page), "utf8"));
    }
    const html = await readFile(join(out, "2026-W13.html"), "utf8");
    expect(html).toContain(
      "<title>5.9 — weeknotes — &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; ]]&gt; co</title>",
    );
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const index = await readFile(join(out, "index.html"), "utf8");
    expect(index.indexOf("2026-W13.html")).toBeLessThan(index.indexOf("2026-W12.html"));

    const atom = await readFile(join(out, "atom.xml"), "utf8");
    const feed = parseFeed(atom);
    expect(feed.meta.type).toBe("atom");
    expect(feed.title).toBe("Digital <b>team</b> weeknotes");
    expect(feed.items.map((i) => i.title)).toEqual([HOSTILE_TITLE, "weeknotes 2026-W12 — a quiet week"]);
    expect(feed.items.map((i) => i.url)).toEqual([
      new URL("2026-W13.html", `file://${out}/`).href,
      new URL("2026-W12.html", `file://${out}/`).href,
    ]);
    // The entries' HTML as the XML holds it (the parser above decodes entities in content).
    const contents = atomContents(atom);
    expect(contents).toHaveLength(2);
    for (const content of contents) {
      expect(content).toContain("&lt;img src=x onerror=alert(1)&gt;");
      expectNoInjectedMarkup(content);
    }
  });

  it("writes one format at a time, leaves other files alone and takes --base-url for the feed", async () => {
    await writeFile(join(await mkdirp(out), "about.html"), "mine");
    const atom = await runCli([
      "export",
      "--format",
      "atom",
      "--out",
      out,
      "--data-dir",
      dataDir,
      "--team",
      "Digital <b>team</b>",
      "--base-url",
      "https://blog.example/notes",
    ]);
    expect(atom.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["about.html", "atom.xml"]);
    const feed = parseFeed(await readFile(join(out, "atom.xml"), "utf8"));
    expect(feed.items[0]?.url).toBe("https://blog.example/notes/2026-W13.html");

    const md = await runCli([
      "export",
      "--format",
      "md",
      "--out",
      out,
      "--data-dir",
      dataDir,
      "--team",
      "digital",
    ]);
    expect(md.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["2026-W12.md", "2026-W13.md", "about.html", "atom.xml"]);
  });

  it("changes nothing in a folder holding an index.html it did not write, nor in the data folder", async () => {
    const site = join(dir, "someone-elses-site");
    await writeFile(join(await mkdirp(site), "index.html"), "<p>our council's own page</p>");
    const refused = await runCli(["export", "--out", site, "--data-dir", dataDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `weeknotes: --out ${site} already holds index.html, which weeknotes did not write. Nothing was written. Give an empty folder, or one weeknotes wrote, or move that file away\n`,
    );
    expect(await readdir(site)).toEqual(["index.html"]);
    expect(await readFile(join(site, "index.html"), "utf8")).toBe("<p>our council's own page</p>");

    const before = (await readdir(dataDir)).sort();
    const beside = await runCli(["export", "--out", dataDir, "--data-dir", dataDir]);
    expect(beside.code).toBe(2);
    expect(beside.stderr).toContain(`--out ${dataDir} would overwrite`);
    expect((await readdir(dataDir)).sort()).toEqual(before);
  });

  it("goes on updating a blog it wrote before its files said so", async () => {
    const old = join(dir, "older-blog");
    expect((await runCli(["export", "--out", old, "--data-dir", dataDir])).code).toBe(0);
    // As the first blog-writing version left them: no generator line or meta (its feed
    // already named its generator).
    for (const name of await readdir(old)) {
      const text = await readFile(join(old, name), "utf8");
      await writeFile(
        join(old, name),
        text
          .replace(/^generator: weeknotes\n/m, "")
          .replace('<meta name="generator" content="weeknotes">\n', ""),
      );
    }
    const again = await runCli(["export", "--out", old, "--data-dir", dataDir]);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(await readFile(join(old, "index.html"), "utf8")).toContain(
      '<meta name="generator" content="weeknotes">',
    );
    expect(await readFile(join(old, "2026-W13.md"), "utf8")).toMatch(/^generator: weeknotes$/m);
  });

  it("says what is wrong: an unknown team, a missing database, a bad format", async () => {
    const unknown = await runCli(["export", "--out", out, "--data-dir", dataDir, "--team", "bins"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no team called bins/);
    expect(unknown.stderr).toMatch(/Digital <b>team<\/b> \(digital, workspace T0EXPORT01\)/);
    const missing = await runCli(["export", "--out", out, "--data-dir", join(dir, "nothing")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/There is no weeknotes database in/);
    const format = await runCli(["export", "--format", "pdf", "--out", out, "--data-dir", dataDir]);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/Allowed choices are md, html, atom/);
  });
});

describe("weeknotes compile --format html", () => {
  it("prints one note as an HTML page, chat markup kept as text", async () => {
    const result = await runCli([
      "compile",
      "--slack-export",
      "examples/slack-export",
      "--week",
      "2026-W13",
      "--tz",
      "Europe/London",
      "--no-store",
      "--format",
      "html",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^<!doctype html>\n<html lang="en">/);
    const { tags } = elementsOf(result.stdout);
    expect(tags).toContain("h1");
    expect(tags).toContain("p");
    expectNoInjectedMarkup(result.stdout);
  });
});
