#!/usr/bin/env node
// Development only: the `weeknotes` command on the TypeScript sources through tsx, no build needed.
// The shipped command is bin/weeknotes.js, which runs the compiled code in dist/.
import { register } from "tsx/esm/api";

register();
await import("../src/weeknotes.ts");
