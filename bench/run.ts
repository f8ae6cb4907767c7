// `npm run bench`: every benchmark in turn; each prints its own figures and ratio.
import { benchCompile } from "./compile.ts";
import { benchIngest } from "./ingest.ts";
import { benchStartup } from "./startup.ts";
import { benchSummarise } from "./summarise.ts";
import { benchTeamsActivities } from "./teams-activities.ts";
import { benchTextScan } from "./text-scan.ts";

await benchCompile();
await benchIngest();
await benchTeamsActivities();
await benchSummarise();
await benchTextScan();
await benchStartup();
