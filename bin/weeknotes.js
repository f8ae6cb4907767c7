#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so a fresh clone needs no build step.
import dotenv from "dotenv";
import { register } from "tsx/esm/api";

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

register();
const { main } = await import("../src/cli.ts");
process.exitCode = await main(process.argv.slice(2));
