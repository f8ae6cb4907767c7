import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder of weeknotes' own package.json, found by walking up from this module: the same from
 * the TypeScript sources (`adapters/`) and from the compiled code (`dist/adapters/`), so files
 * shipped beside package.json (`prompts/`) are found wherever the code runs from.
 * @throws Error when no package.json named `weeknotes` is above this module (a broken install).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && packageName(manifest) === "weeknotes") {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error("weeknotes: cannot find its own package.json above its code; reinstall it");
    }
    dir = parent;
  }
}

/** weeknotes' version, from its package.json. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
    version?: unknown;
  };
  return typeof manifest.version === "string" ? manifest.version : "0.0.0";
}

function packageName(path: string): unknown {
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as { name?: unknown }).name;
  } catch {
    // A package.json we cannot read is not ours.
    return undefined;
  }
}
