import { z } from "zod";
import { presentValues } from "./config-llm.ts";

/**
 * Where the bot keeps its data, how many replicas share it, and how long it keeps chat text
 * (SPEC §7). Read by loadConfig (src/config.ts), which reports these keys' problems with the
 * others'.
 */
export type StoreChoice =
  /** The SQLite file `weeknotes.sqlite` under DATA_DIR: one process on one host. */
  | { readonly kind: "sqlite" }
  /** MongoDB (a replica set) at `uri`: for several replicas. The URI may hold a password: never logged. */
  | { readonly kind: "mongodb"; readonly uri: string };

export interface StorageConfig {
  /**
   * Env `STORE` (`sqlite` or `mongodb`, case-insensitive); default `mongodb` when `MONGODB_URI` is
   * set (SPEC §7), else `sqlite`. `MONGODB_URI` (`mongodb://` or `mongodb+srv://`) is required
   * with `mongodb`, and refused with an explicit `sqlite` (one of the two would be ignored).
   */
  readonly store: StoreChoice;
  /**
   * How many copies of the bot run against this store. Env `REPLICAS`; default 1. More than 1
   * needs MongoDB: SQLite is a file on one host's disk, so replicas on other hosts cannot reach
   * it, and a network file system does not give SQLite the locking its WAL journal relies on.
   */
  readonly replicas: number;
  /**
   * Days a week's raw highlight text is kept after its note is approved or skipped (approved
   * notes themselves are kept). Env `RETENTION_DAYS`; default 30; 1 to 3650.
   */
  readonly retentionDays: number;
}

export const STORE_CONFIG_KEYS = ["STORE", "MONGODB_URI", "REPLICAS", "RETENTION_DAYS"] as const;
type StoreConfigKey = (typeof STORE_CONFIG_KEYS)[number];

const wholeNumber = (message: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);

const schema = z.object({
  STORE: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(["sqlite", "mongodb"], { error: "must be sqlite or mongodb" }))
    .optional(),
  // Checked by its scheme only: the driver parses the rest, and its errors never quote a password.
  MONGODB_URI: z
    .string()
    .refine(
      (uri) => /^mongodb(\+srv)?:\/\/\S+$/.test(uri),
      "must be a mongodb:// or mongodb+srv:// connection string",
    )
    .optional(),
  REPLICAS: wholeNumber("must be a whole number of replicas, at least 1", 1, 1000).default(1),
  RETENTION_DAYS: wholeNumber("must be a whole number of days from 1 to 3650", 1, 3650).default(30),
});

/**
 * The problems of the storage keys in `env`, by key (never quoting a value), and the settings when
 * there are none. Blank values count as unset.
 */
export function readStorageConfig(env: Record<string, string | undefined>): {
  readonly problems: Map<StoreConfigKey, string>;
  readonly config: StorageConfig | undefined;
} {
  const values = presentValues(env, STORE_CONFIG_KEYS);
  const problems = new Map<StoreConfigKey, string>();
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as StoreConfigKey;
      if (!problems.has(key)) problems.set(key, issue.message);
    }
  }
  const kind = values.STORE?.toLowerCase() ?? (values.MONGODB_URI ? "mongodb" : "sqlite");
  if (kind === "mongodb" && !values.MONGODB_URI) {
    problems.set("MONGODB_URI", "is required when STORE is mongodb");
  }
  if (kind === "sqlite" && values.MONGODB_URI) {
    problems.set("STORE", "is sqlite while MONGODB_URI is set: unset MONGODB_URI, or set STORE=mongodb");
  }
  const replicas = Number(values.REPLICAS ?? "1");
  if (kind === "sqlite" && replicas > 1 && !problems.has("REPLICAS")) {
    problems.set(
      "REPLICAS",
      "must be 1 with the SQLite store: replicas on other hosts cannot share one SQLite file (set STORE=mongodb and MONGODB_URI to run several)",
    );
  }
  if (!parsed.success || problems.size > 0) {
    return { problems, config: undefined };
  }
  const s = parsed.data;
  return {
    problems,
    config: {
      store:
        s.MONGODB_URI && kind === "mongodb" ? { kind: "mongodb", uri: s.MONGODB_URI } : { kind: "sqlite" },
      replicas: s.REPLICAS,
      retentionDays: s.RETENTION_DAYS,
    },
  };
}
