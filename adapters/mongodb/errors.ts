import {
  MongoClientClosedError,
  MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from "mongodb";
import { BotError, isBotError } from "../../src/domain/errors.ts";

/** The server's duplicate key error: a unique index refused a write (someone else won a race). */
export const DUPLICATE_KEY = 11000;

/**
 * Server error codes meaning "this server cannot take the write now, another soon will": the
 * primary stepped down or is shutting down, an election is under way, or a write conflicted with
 * another transaction's. From the server's error_codes.yml, as the driver's retryable-writes
 * specification lists them (NotWritablePrimary is 10107, once called NotMaster).
 */
export const RETRYABLE_SERVER_CODES: ReadonlySet<number> = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  112, // WriteConflict
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** True when `error` is the server's duplicate key error (E11000). */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/**
 * The BotError for a driver error met while doing `action` (the driver's error is its `cause`):
 * - the network, server selection, a write concern not met, a server that is not (or no longer)
 *   the writable primary, a transient transaction error or a retryable write error (the driver's
 *   error labels) → `store.unavailable`, retryable;
 * - a client closed or never connected → `store.unavailable`, not retryable;
 * - a duplicate key (E11000) nobody expected → `store.conflict`;
 * - any other server or driver error → `store.corrupt`.
 * BotErrors and errors that are not the driver's pass through unchanged.
 */
export function translateMongoError(action: string, error: unknown): unknown {
  if (isBotError(error) || !(error instanceof MongoError)) {
    return error;
  }
  const code = typeof error.code === "number" || typeof error.code === "string" ? error.code : error.name;
  const message = `Cannot ${action} (MongoDB ${code})`;
  if (
    error instanceof MongoClientClosedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError
  ) {
    return new BotError("store.unavailable", `Cannot ${action}: the store is closed`, { cause: error });
  }
  if (isRetryable(error)) {
    return new BotError("store.unavailable", message, {
      cause: error,
      retryable: true,
      hint: "MongoDB is unreachable or electing a primary; try again shortly",
    });
  }
  if (isDuplicateKey(error)) {
    return new BotError("store.conflict", message, { cause: error });
  }
  return new BotError("store.corrupt", message, {
    cause: error,
    hint: "MongoDB refused the operation; check the server's log and the database's indexes",
  });
}

function isRetryable(error: MongoError): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoWriteConcernError ||
    error.hasErrorLabel(MongoErrorLabel.TransientTransactionError) ||
    error.hasErrorLabel(MongoErrorLabel.RetryableWriteError) ||
    (error instanceof MongoServerError &&
      typeof error.code === "number" &&
      RETRYABLE_SERVER_CODES.has(error.code))
  );
}

/**
 * Runs `work`, turning driver errors into BotErrors with {@link translateMongoError}.
 * @throws BotError as described there; others as `work` threw them.
 */
export async function translating<T>(action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateMongoError(action, error);
  }
}
