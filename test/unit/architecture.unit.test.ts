import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// SPEC §3: the domain is pure, app sees only domain and ports, only the composition root and the
// CLI see adapters, and nothing under src/ talks to a vendor SDK directly.
const ROOT = resolve(import.meta.dirname, "../..");
const VENDOR_SDK =
  /^(@slack\/|botbuilder|botframework-|@microsoft\/|openai$|mongodb$|better-sqlite3$|node-cron$)/;
const PURE_LIBRARIES = new Set(["luxon", "zod"]);
const ADAPTER_IMPORTERS = new Set(["src/compose.ts", "src/cli.ts"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(dir, f));
}

/** Every module specifier a file imports or re-exports, as written. */
function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The rule-breaking imports of one file (path relative to the repo root). */
function violations(file: string, source: string): string[] {
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

describe("architecture", () => {
  it("keeps every file under src/ to the rules of SPEC §3", () => {
    const files = sourceFiles("src");
    expect(files.length).toBeGreaterThan(5);
    const found = files.flatMap((file) => violations(file, readFileSync(join(ROOT, file), "utf8")));
    expect(found).toEqual([]);
  });

  it("catches each kind of violation", () => {
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
});
