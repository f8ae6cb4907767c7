import { describe, expect, it } from "vitest";
import { withSettingValuesMasked } from "../../src/cli.ts";
import { loadConfig, secretSettings } from "../../src/config.ts";
import { type BotError, isBotError } from "../../src/domain/errors.ts";

const URI = "mongodb://weeknotes:pa55-w0rd-x@mongo-1:27017,mongo-2:27017/weeknotes?replicaSet=rs0";

function refusal(env: Record<string, string>): BotError {
  try {
    loadConfig(env);
  } catch (error) {
    if (isBotError(error, "config.invalid")) return error;
    throw error;
  }
  throw new Error("expected config.invalid");
}

describe("storage settings", () => {
  it("defaults to SQLite, one replica and 30 days of retention", () => {
    expect(loadConfig({}).storage).toEqual({ store: { kind: "sqlite" }, replicas: 1, retentionDays: 30 });
  });

  it("uses MongoDB when STORE=mongodb, or when only MONGODB_URI is set (SPEC §7)", () => {
    const expected = { store: { kind: "mongodb", uri: URI }, replicas: 3, retentionDays: 7 };
    expect(
      loadConfig({ STORE: "MongoDB", MONGODB_URI: ` ${URI} `, REPLICAS: "3", RETENTION_DAYS: "7" }).storage,
    ).toEqual(expected);
    expect(loadConfig({ MONGODB_URI: URI, REPLICAS: "3", RETENTION_DAYS: "7" }).storage).toEqual(expected);
  });

  it("refuses several replicas on SQLite at start-up, saying why and what to do", () => {
    for (const env of [{ REPLICAS: "2" }, { STORE: "sqlite", REPLICAS: "4" }]) {
      const error = refusal(env);
      expect(error.message).toBe(
        "Invalid configuration, 1 problem:\n  REPLICAS must be 1 with the SQLite store: replicas on other hosts cannot share one SQLite file (set STORE=mongodb and MONGODB_URI to run several)",
      );
    }
    expect(loadConfig({ STORE: "mongodb", MONGODB_URI: URI, REPLICAS: "2" }).storage.replicas).toBe(2);
  });

  it("names every bad storage key, and never prints the URI", () => {
    const error = refusal({
      STORE: "postgres",
      REPLICAS: "0",
      RETENTION_DAYS: "-1",
      MONGODB_URI: "http://pa55-w0rd-x@x",
    });
    expect(error.message.split("\n").slice(1)).toEqual([
      "  STORE must be sqlite or mongodb",
      "  MONGODB_URI must be a mongodb:// or mongodb+srv:// connection string",
      "  REPLICAS must be a whole number of replicas, at least 1",
      "  RETENTION_DAYS must be a whole number of days from 1 to 3650",
    ]);
    expect(refusal({ STORE: "mongodb" }).message).toContain("MONGODB_URI is required when STORE is mongodb");
    const mixed = refusal({ STORE: "sqlite", MONGODB_URI: URI });
    expect(mixed.message).toContain("STORE is sqlite while MONGODB_URI is set");
    for (const e of [error, mixed]) {
      expect(`${e.message} ${e.hint}`).not.toContain("pa55-w0rd-x");
    }
  });

  it("keeps the MongoDB URI out of the logs as a secret, and out of a start-up error that quotes it", () => {
    expect(secretSettings({ MONGODB_URI: URI })).toEqual({ MONGODB_URI: URI });
    const masked = withSettingValuesMasked(new Error(`cannot reach ${URI}`), { MONGODB_URI: URI });
    expect(masked.message).not.toContain("pa55-w0rd-x");
    expect(masked.message).toContain("<MONGODB_URI>");
  });
});
