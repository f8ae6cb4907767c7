#!/usr/bin/env node
// The `weeknotes` command: runs the compiled code in dist/ (`npm run build`; `npm ci` builds it).
// During development `node bin/weeknotes-dev.js …` runs the TypeScript sources through tsx instead.
import { existsSync } from "node:fs";

const entry = new URL("../dist/src/weeknotes.js", import.meta.url);
if (!existsSync(entry)) {
  console.error(
    "weeknotes: the compiled code is missing (dist/). Run `npm run build` (npm ci runs it) first.",
  );
  process.exit(2);
}
await import(entry.href);
