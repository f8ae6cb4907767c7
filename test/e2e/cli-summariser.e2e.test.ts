import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompileJson } from "../../adapters/slack-export/compile-json.ts";
import {
  completion,
  echoDocument,
  type FakeOpenAi,
  quotaExceeded,
  startFakeOpenAi,
} from "../support/fake-openai.ts";
import { runCli } from "../support/run-cli.ts";

const EXAMPLE = join(resolve(import.meta.dirname, "../.."), "examples/slack-export");
const W13 = [
  "compile",
  "--slack-export",
  EXAMPLE,
  "--week",
  "2026-W13",
  "--tz",
  "Europe/London",
  "--no-store",
];

const cli = runCli;

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.close();
});

describe("weeknotes compile --summariser openai", () => {
  const env = () => ({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.url, OPENAI_MODEL: "gpt-4o-mini" });

  it("drafts through the OpenAI-compatible server, citing only the week's highlights", async () => {
    fake.script((request) => completion(echoDocument(request.body)));
    const { code, stdout } = await cli([...W13, "--format", "json", "--summariser", "openai"], env());
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as CompileJson;
    expect(fake.requests).toHaveLength(1);
    const ids = new Set(json.highlights.map((h) => h.id));
    const cited = json.weeknote.sections
      .flatMap((s) => [...(s.paragraphs ?? []), ...s.items])
      .flatMap((i) => i.highlightIds);
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.every((id) => ids.has(id))).toBe(true);
    expect(json.weeknote.footer).toMatch(/gpt-4o-mini/);
    // A compile drafts for a team, so the note speaks as "we".
    const system = fake.requests[0]?.body?.messages[0];
    expect(system?.role).toBe("system");
    expect(system?.content).toContain('Write as the team, in the first person plural: "we", "our".');
    expect(system?.content).not.toContain("{{voice}}");
  });

  it("falls back to the offline summariser, and says so, when the account has no quota", async () => {
    fake.script(quotaExceeded());
    const before = fake.requests.length;
    const { code, stdout, stderr } = await cli([...W13, "--summariser", "openai"], env());
    expect(code).toBe(0);
    expect(fake.requests.length - before).toBe(1);
    expect(stdout).toMatch(/offline summariser/);
    expect(stdout).toMatch(/quota/);
    expect(stderr).toBe(
      "weeknotes: the LLM could not write this draft, so the offline summariser did; its footer says why.\n",
    );
  });

  it("uses a team's own prompts from TEAM_PROMPTS_DIR, with their own version", async () => {
    const teams = await mkdtemp(join(tmpdir(), "weeknotes-team-prompts-"));
    try {
      await mkdir(join(teams, "T0KBC00001_default"));
      const system = await readFile(
        join(resolve(import.meta.dirname, "../.."), "prompts/weeknote.system.md"),
        "utf8",
      );
      await writeFile(
        join(teams, "T0KBC00001_default", "weeknote.system.md"),
        `${system}\nHouse style: always mention the bins.\n`,
      );
      fake.script(
        (request) => completion(echoDocument(request.body)),
        (request) => completion(echoDocument(request.body)),
      );
      const before = fake.requests.length;
      const plain = await cli([...W13, "--format", "json", "--summariser", "openai"], env());
      const custom = await cli([...W13, "--format", "json", "--summariser", "openai"], {
        ...env(),
        TEAM_PROMPTS_DIR: teams,
      });
      const [first, second] = fake.requests.slice(before);
      expect(JSON.stringify(first?.body)).not.toContain("House style: always mention the bins.");
      expect(JSON.stringify(second?.body)).toContain("House style: always mention the bins.");
      const footer = (out: string) => (JSON.parse(out) as CompileJson).weeknote.footer;
      expect(footer(plain.stdout)).not.toBe(footer(custom.stdout));
    } finally {
      await rm(teams, { recursive: true, force: true });
    }
  });

  it("needs OPENAI_API_KEY, and says so", async () => {
    const { code, stderr } = await cli([...W13, "--summariser", "openai"], {});
    expect(code).toBe(2);
    expect(stderr).toMatch(/--summariser openai needs OPENAI_API_KEY/);
  });
});
