import { createServer } from "node:net";
import {
  MongoClientClosedError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from "mongodb";
import { describe, expect, it } from "vitest";
import { isDuplicateKey, translateMongoError } from "../../adapters/mongodb/errors.ts";
import { COLLECTIONS, INDEX_VERSION, INDEXES } from "../../adapters/mongodb/indexes.ts";
import { openMongoStore } from "../../adapters/mongodb/mongodb-store.ts";
import { BotError, isBotError } from "../../src/domain/errors.ts";

// What can be proven of the MongoDB store without a MongoDB server (none can run here): how the
// driver's own error classes are translated, the index specifications, and a real connection
// attempt to a port nothing listens on. The store's behaviour is test/contract's, run against
// MONGODB_URI.

function translated(error: unknown): BotError {
  const result = translateMongoError("do it", error);
  if (!isBotError(result)) throw new Error(`not translated: ${String(result)}`);
  return result;
}

const serverError = (code: number, codeName: string) =>
  new MongoServerError({ ok: 0, code, codeName, errmsg: `${codeName} happened` });

describe("MongoDB error translation", () => {
  it.each([
    ["a network error", new MongoNetworkError("connection reset")],
    ["a network time-out", new MongoNetworkTimeoutError("timed out")],
    ["NotWritablePrimary (10107)", serverError(10107, "NotWritablePrimary")],
    ["PrimarySteppedDown (189)", serverError(189, "PrimarySteppedDown")],
    ["InterruptedDueToReplStateChange (11602)", serverError(11602, "InterruptedDueToReplStateChange")],
    ["WriteConflict (112)", serverError(112, "WriteConflict")],
    [
      "a write concern not met",
      new MongoWriteConcernError({
        ok: 1,
        writeConcernError: { code: 64, errmsg: "waiting for replication timed out" },
      }),
    ],
  ])("maps %s to a retryable store.unavailable, keeping the cause", (_, error) => {
    const bot = translated(error);
    expect(bot.code).toBe("store.unavailable");
    expect(bot.retryable).toBe(true);
    expect(bot.cause).toBe(error);
  });

  it("maps an error the server labels transient or retryable to a retryable store.unavailable", () => {
    for (const label of [MongoErrorLabel.TransientTransactionError, MongoErrorLabel.RetryableWriteError]) {
      const error = serverError(251, "NoSuchTransaction");
      error.addErrorLabel(label);
      expect(translated(error)).toMatchObject({ code: "store.unavailable", retryable: true });
    }
    expect(translated(serverError(251, "NoSuchTransaction")).retryable).toBe(false);
  });

  it("maps E11000 to store.conflict and recognises it as a lost race", () => {
    const duplicate = serverError(11000, "DuplicateKey");
    expect(isDuplicateKey(duplicate)).toBe(true);
    expect(isDuplicateKey(serverError(112, "WriteConflict"))).toBe(false);
    expect(isDuplicateKey(new Error("E11000"))).toBe(false);
    expect(translated(duplicate)).toMatchObject({ code: "store.conflict", retryable: false });
  });

  it("maps a closed client to a store.unavailable that is not retryable", () => {
    for (const error of [new MongoTopologyClosedError(), new MongoClientClosedError()]) {
      expect(translated(error)).toMatchObject({ code: "store.unavailable", retryable: false });
    }
  });

  it("maps any other server error to store.corrupt and leaves other errors alone", () => {
    expect(translated(serverError(2, "BadValue")).code).toBe("store.corrupt");
    const mine = new BotError("lease.lost", "gone");
    expect(translateMongoError("do it", mine)).toBe(mine);
    const bug = new TypeError("a bug");
    expect(translateMongoError("do it", bug)).toBe(bug);
  });
});

describe("MongoDB indexes", () => {
  const unique = (collection: string) =>
    INDEXES.filter((i) => i.collection === collection && i.options.unique === true).map((i) => i.keys);

  it("has a unique index on the key of every idempotent write", () => {
    expect(unique("highlights")).toEqual([{ workspace: 1, id: 1 }]);
    expect(unique("weeknotes")).toEqual([{ workspace: 1, team: 1, week: 1 }]);
    expect(unique("inbox")).toEqual([{ workspace: 1, eventId: 1 }]);
    expect(unique("teams")).toEqual([{ workspace: 1, team: 1 }]);
    expect(unique("leases")).toEqual([{ name: 1 }]);
    expect(unique("installations")).toEqual([{ platform: 1, workspace: 1 }]);
    expect(unique("references")).toEqual([{ platform: 1, workspace: 1, conversationId: 1 }]);
    expect(unique("cursors")).toEqual([{ name: 1 }]);
  });

  it("expires only finished inbox events by TTL, never leases", () => {
    const ttl = INDEXES.filter((i) => i.options.expireAfterSeconds !== undefined);
    expect(ttl).toEqual([
      {
        collection: "inbox",
        keys: { purgeAt: 1 },
        options: { name: "inbox_purge_ttl", expireAfterSeconds: 0 },
      },
    ]);
  });

  it("names every index once, on a known collection, under a whole version number", () => {
    const names = INDEXES.map((i) => `${i.collection}.${i.options.name}`);
    expect(new Set(names).size).toBe(names.length);
    for (const index of INDEXES) expect(Object.keys(COLLECTIONS)).toContain(index.collection);
    expect(Number.isInteger(INDEX_VERSION) && INDEX_VERSION >= 1).toBe(true);
  });
});

describe("MongoDB store without a server", () => {
  it("fails to open with a retryable store.unavailable that never quotes the URI's password", async () => {
    const port = await closedPort();
    const uri = `mongodb://weeknotes:s3cret-pa55@127.0.0.1:${port}/weeknotes?directConnection=true`;
    let caught: unknown;
    try {
      await openMongoStore({ uri, serverSelectionTimeoutMs: 200 });
    } catch (error) {
      caught = error;
    }
    expect(isBotError(caught, "store.unavailable")).toBe(true);
    const bot = caught as BotError;
    expect(bot.retryable).toBe(true);
    expect(`${bot.message} ${bot.hint} ${String(bot.cause)}`).not.toContain("s3cret-pa55");
  });
});

/** A loopback port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
