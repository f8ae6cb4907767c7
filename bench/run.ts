// `npm run bench`: every benchmark in turn; each prints its own figures and ratio.
import { benchCompile } from "./compile.ts";

await benchCompile();
