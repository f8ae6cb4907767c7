#!/usr/bin/env node
// Development only: the `weeknotes` command on the TypeScript sources through tsx, no build needed.
// The shipped command is bin/weeknotes.js, which runs the compiled code in dist/.
import dotenv from "dotenv";
import { register } from "tsx/esm/api";

const loaded = dotenv.config({ quiet: true });
if (loaded.error && loaded.error.code !== "ENOENT") {
  console.error(`weeknotes: could not read .env: ${loaded.error.message}. Fix or remove the .env file.`);
  process.exit(2);
}
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
