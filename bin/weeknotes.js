#!/usr/bin/env node
// The `weeknotes` command: runs the compiled code in dist/ (`npm run build`; `npm ci` builds it).
// During development `node bin/weeknotes-dev.js …` runs the TypeScript sources through tsx instead.
import { existsSync } from "node:fs";
import dotenv from "dotenv";

const entry = new URL("../dist/src/cli.js", import.meta.url);
if (!existsSync(entry)) {
  console.error(
    "weeknotes: the compiled code is missing (dist/). Run `npm run build` (npm ci runs it) first.",
  );
  process.exit(2);
}

// A .env file in the working directory is read if present; the real environment wins.
const loaded = dotenv.config({ quiet: true });
if (loaded.error && loaded.error.code !== "ENOENT") {
  console.error(`weeknotes: could not read .env: ${loaded.error.message}. Fix or remove the .env file.`);
  process.exit(2);
}

// A closed pipe (`weeknotes … | head`) ends the run quietly; a full disk is reported in one line.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") {
    process.exit(0);
  }
  console.error(`weeknotes: could not write the output: ${error.message}`);
  process.exit(1);
});

const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
