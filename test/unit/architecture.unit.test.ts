import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// SPEC §3: the domain is pure, app sees only domain and ports, only the composition root and the
// CLI see adapters, and nothing under src/ talks to a vendor SDK directly. The core re-cut adds:
// domain and app take time and waiting from ports (no Date, timers or process), and app and ports
// know no platform's vocabulary (Slack ts, mrkdwn, slash-command text).
const ROOT = resolve(import.meta.dirname, "../..");
const VENDOR_SDK =
  /^(@slack\/|botbuilder|botframework-|@microsoft\/|openai$|mongodb$|better-sqlite3$|node-cron$)/;
const PURE_LIBRARIES = new Set(["luxon", "zod"]);
const ADAPTER_IMPORTERS = new Set(["src/compose.ts", "src/cli.ts"]);

/** Globals that read the clock, wait, or reach the process: only through the Clock and Timers ports. */
const IMPURE_GLOBALS = new Set([
  "Date",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "clearTimeout",
  "clearInterval",
  "clearImmediate",
  "queueMicrotask",
  "performance",
  "process",
  "NodeJS",
]);

/** Identifiers that only mean something on Slack (its message ids and markup). */
const SLACK_IDENTIFIER = /^(ts|.*Ts|.*_ts|mrkdwn.*|.*Mrkdwn.*|.*[sS]lack.*)$/;
/** Text that only means something on Slack: its slash command, its markup, its name. */
const SLACK_TEXT = /\/weeknotes|<[@#!]|mrkdwn|\bslack\b|:[a-z_]+:/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(dir, f).replaceAll("\\", "/"));
}

/** Every module specifier a file imports or re-exports, as written. */
function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The rule-breaking imports of one file (path relative to the repo root). */
function importViolations(file: string, source: string): string[] {
  const found: string[] = [];
  for (const specifier of importsOf(source)) {
    const relativeTarget = specifier.startsWith(".")
      ? relative(ROOT, resolve(ROOT, dirname(file), specifier)).replaceAll("\\", "/")
      : undefined;
    if (file.startsWith("src/") && !relativeTarget && VENDOR_SDK.test(specifier)) {
      found.push(`${file} imports the vendor SDK ${specifier}`);
    }
    if (file.startsWith("src/domain/")) {
      const inside = relativeTarget?.startsWith("src/domain/") ?? PURE_LIBRARIES.has(specifier);
      if (!inside) {
        found.push(`${file} imports ${specifier} from outside the domain`);
      }
    }
    if (
      (file.startsWith("src/app/") || file.startsWith("src/ports/")) &&
      !relativeTarget?.match(/^src\/(domain|ports|app)\//)
    ) {
      found.push(`${file} imports ${specifier}: app and ports may use only domain and ports`);
    }
    if (relativeTarget?.startsWith("adapters/") && file.startsWith("src/") && !ADAPTER_IMPORTERS.has(file)) {
      found.push(`${file} imports an adapter (${specifier}); only src/compose.ts and src/cli.ts may`);
    }
  }
  return found;
}

/** Whether an identifier names something of its own (a property, a member), not a global in use. */
function isOwnName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return true;
  if (ts.isQualifiedName(parent) && parent.right === node) return true;
  if (
    (ts.isPropertySignature(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isBindingElement(parent) ||
      ts.isParameter(parent) ||
      ts.isVariableDeclaration(parent) ||
      ts.isFunctionDeclaration(parent)) &&
    parent.name === node
  ) {
    return true;
  }
  return ts.isBindingElement(parent) && parent.propertyName === node;
}

/** The code-level rule breaks of one file: impure globals, platform vocabulary. */
function codeViolations(file: string, source: string): string[] {
  const impureRule = file.startsWith("src/domain/") || file.startsWith("src/app/");
  const vocabularyRule = file.startsWith("src/app/") || file.startsWith("src/ports/");
  if (!impureRule && !vocabularyRule) {
    return [];
  }
  const found: string[] = [];
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      if (impureRule && IMPURE_GLOBALS.has(node.text) && !isOwnName(node)) {
        found.push(`${file} uses ${node.text}: take time, timers and the process from ports`);
      }
      if (vocabularyRule && SLACK_IDENTIFIER.test(node.text)) {
        found.push(`${file} names ${node.text}: Slack vocabulary belongs in adapters/slack`);
      }
    }
    if (
      vocabularyRule &&
      (ts.isStringLiteral(node) ||
        ts.isNoSubstitutionTemplateLiteral(node) ||
        ts.isTemplateHead(node) ||
        ts.isTemplateMiddle(node) ||
        ts.isTemplateTail(node)) &&
      SLACK_TEXT.test(node.text) &&
      !ts.isImportDeclaration(node.parent) &&
      !ts.isExportDeclaration(node.parent)
    ) {
      found.push(
        `${file} says ${JSON.stringify(node.text.slice(0, 40))}: platform words belong in presenters`,
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function violations(file: string, source: string): string[] {
  return [...importViolations(file, source), ...codeViolations(file, source)];
}

describe("architecture", () => {
  it("keeps every file under src/ to the rules of SPEC §3", () => {
    const files = sourceFiles("src");
    expect(files.length).toBeGreaterThan(5);
    const found = files.flatMap((file) => violations(file, readFileSync(join(ROOT, file), "utf8")));
    expect(found).toEqual([]);
  });

  it("catches each kind of import violation", () => {
    expect(violations("src/domain/x.ts", 'import { a } from "../ports/store.ts";')).toHaveLength(1);
    expect(violations("src/domain/x.ts", 'import fs from "node:fs";')).toHaveLength(1);
    expect(violations("src/domain/x.ts", 'export * from "../../adapters/sqlite/x.ts";')).toHaveLength(2);
    expect(violations("src/domain/x.ts", 'import { DateTime } from "luxon"; import "./y.ts";')).toEqual([]);
    expect(violations("src/app/x.ts", 'import { App } from "@slack/bolt";')).toHaveLength(2);
    expect(violations("src/app/x.ts", 'import type { Store } from "../ports/store.ts";')).toEqual([]);
    expect(violations("src/config.ts", 'const m = await import("openai");')).toHaveLength(1);
    expect(violations("src/config.ts", 'import { x } from "../adapters/sqlite/x.ts";')).toHaveLength(1);
    expect(violations("src/cli.ts", 'import { x } from "../adapters/sqlite/x.ts";')).toEqual([]);
  });

  it("catches Date, timers and process in the domain and the use cases, and only there", () => {
    expect(violations("src/domain/x.ts", "export const now = () => Date.now();")).toHaveLength(1);
    expect(violations("src/domain/x.ts", "export const utc = Date.UTC(2026, 0, 1);")).toHaveLength(1);
    expect(violations("src/app/x.ts", "setTimeout(() => undefined, 10);")).toHaveLength(1);
    expect(violations("src/app/x.ts", "const t = setInterval(f, 1); clearInterval(t);")).toHaveLength(2);
    expect(violations("src/app/x.ts", "let t: NodeJS.Timeout | undefined;")).toHaveLength(1);
    expect(violations("src/app/x.ts", "export const pid = process.pid;")).toHaveLength(1);
    expect(violations("src/app/x.ts", "const { env } = process;")).toHaveLength(1);
    // A property of our own may be called `process`; `deps.process(...)` is not the global.
    expect(
      violations("src/app/x.ts", "interface D { process(): void } const f = (d: D) => d.process();"),
    ).toEqual([]);
    expect(violations("src/compose.ts", "const holder = `w-` + process.pid; Date.now();")).toEqual([]);
  });

  it("catches Slack vocabulary in the use cases and ports, and only there", () => {
    expect(violations("src/app/x.ts", "export function f(ts: string) { return ts; }")).toHaveLength(2);
    expect(violations("src/ports/x.ts", "export interface M { readonly threadTs: string }")).toHaveLength(1);
    expect(violations("src/app/x.ts", "const text = decodeMrkdwn(raw);")).toHaveLength(1);
    expect(violations("src/app/x.ts", 'const hint = "run `/weeknotes config`";')).toHaveLength(1);
    expect(violations("src/app/x.ts", "const who = `<@` + user + `>`;")).toHaveLength(1);
    expect(violations("src/app/x.ts", 'const emoji = "React with :star: to messages";')).toHaveLength(1);
    expect(violations("src/app/x.ts", "const chat = slackChat();")).toHaveLength(1);
    expect(violations("src/app/x.ts", "const ref = { messageId: id, threadId: root };")).toEqual([]);
    expect(violations("adapters/slack/x.ts", "const ts = `<@` + user + `>`;")).toEqual([]);
    expect(violations("src/domain/x.ts", "const ts = 1;")).toEqual([]);
  });
});
