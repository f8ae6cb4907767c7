/**
 * The `weeknotes` command's process entry: reads `.env`, guards stdout, runs the CLI and sets the
 * exit code. Compiled to dist/src/weeknotes.js, which bin/weeknotes.js (the package's bin) runs;
 * `node dist/src/weeknotes.js --help` works on its own after `npm run build`.
 */
import dotenv from "dotenv";
import { main } from "./cli.ts";

// A .env file in the working directory is read if present; the real environment wins.
const loaded = dotenv.config({ quiet: true });
const failure = loaded.error as NodeJS.ErrnoException | undefined;
if (failure && failure.code !== "ENOENT") {
  process.stderr.write(`weeknotes: could not read .env: ${failure.message}. Fix or remove the .env file.\n`);
  process.exit(2);
}

// A closed pipe (`weeknotes … | head`) ends the run quietly; a full disk is reported in one line.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") {
    process.exit(0);
  }
  process.stderr.write(`weeknotes: could not write the output: ${error.message}\n`);
  process.exit(1);
});

process.exitCode = await main(process.argv.slice(2));
