#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so a fresh clone needs no build step.
import { register } from "tsx/esm/api";

// SPEC §8: a .env file in the working directory is read if present; real environment wins.
try {
  process.loadEnvFile();
} catch (error) {
  if (error?.code !== "ENOENT") {
    console.error(`weeknotes: could not read .env: ${error?.message ?? error}`);
    process.exit(2);
  }
}

register();
const { main } = await import("../src/cli.ts");
process.exitCode = await main(process.argv.slice(2));
