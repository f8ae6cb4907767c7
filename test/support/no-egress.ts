/**
 * The no-egress guard: proof that no test reaches past this machine (SPEC §9: no test depends on
 * the internet). Once installed it records and refuses, in this process:
 *
 * - every `dns.lookup` / `dns.promises.lookup` of a host name other than `localhost` (IP literals
 *   need no lookup and pass through to the connect check), answered `ENOTFOUND` as on a machine
 *   without DNS;
 * - every `net.Socket#connect` (so `net.connect`, `tls.connect`, node:http(s), undici's `fetch`,
 *   node-fetch, MSAL…) to a host that is not loopback: 127.0.0.0/8, `::1`, `localhost`, and the
 *   wildcard addresses `0.0.0.0` / `::`, which reach this machine. The socket is destroyed with
 *   `ECONNREFUSED` on the next tick, as a closed port would answer. Unix sockets and pipes pass.
 *
 * The vitest setup file (no-egress.setup.ts) installs it in every test process and fails a test
 * file after which {@link takeEgressAttempts} is not empty. Child processes are not covered: start
 * them with `--import ./test/support/no-egress.ts` under tsx (which installs on import) if they
 * could reach out.
 *
 * Installing twice is harmless: the state lives on globalThis, so a second copy of this module
 * (vitest loads test modules per file) shares the first one's record.
 */
import dns from "node:dns";
import net from "node:net";
import { promisify } from "node:util";

/** One refused attempt to leave the machine. */
export interface EgressAttempt {
  readonly kind: "dns.lookup" | "connect";
  readonly host: string;
  readonly port?: number | undefined;
}

interface GuardState {
  readonly attempts: EgressAttempt[];
  installed: boolean;
}

const STATE = Symbol.for("weeknotes.test.no-egress");

function state(): GuardState {
  const holder = globalThis as { [STATE]?: GuardState };
  holder[STATE] ??= { attempts: [], installed: false };
  return holder[STATE];
}

/** True for a host that reaches this machine without any network: loopback and wildcard addresses. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (name === "localhost" || name === "localhost.") return true;
  if (net.isIPv4(name)) return name.startsWith("127.") || name === "0.0.0.0";
  if (net.isIPv6(name)) {
    if (name === "::1" || name === "::" || name === "0:0:0:0:0:0:0:1") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name)?.[1];
    return mapped?.startsWith("127.") === true;
  }
  return false;
}

/** The refused attempts so far, oldest first. */
export function egressAttempts(): readonly EgressAttempt[] {
  return [...state().attempts];
}

/** The refused attempts so far, removed from the record (a test that provokes one on purpose takes it). */
export function takeEgressAttempts(): EgressAttempt[] {
  return state().attempts.splice(0);
}

/** Installs the guard in this process (idempotent). */
export function installNoEgressGuard(): void {
  const guard = state();
  if (guard.installed) return;
  guard.installed = true;
  guardLookups(guard);
  guardConnects(guard);
}

function blockedLookup(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`no-egress guard: DNS lookup of ${hostname} refused`), {
    code: "ENOTFOUND",
    syscall: "getaddrinfo",
    hostname,
  });
}

function guardLookups(guard: GuardState): void {
  const original = dns.lookup;
  const refuses = (hostname: unknown): hostname is string =>
    typeof hostname === "string" && net.isIP(hostname) === 0 && !isLoopbackHost(hostname);

  function lookup(hostname: string, ...rest: unknown[]): void {
    if (refuses(hostname)) {
      guard.attempts.push({ kind: "dns.lookup", host: hostname });
      const callback = rest.findLast((arg) => typeof arg === "function") as
        | ((error: NodeJS.ErrnoException) => void)
        | undefined;
      if (callback) process.nextTick(callback, blockedLookup(hostname));
      return;
    }
    (original as (...args: unknown[]) => void)(hostname, ...rest);
  }
  // util.promisify(dns.lookup) resolves to { address, family } (or the list with `all`), as the original's.
  Object.defineProperty(lookup, promisify.custom, {
    value: (hostname: string, options: dns.LookupOptions = {}) =>
      new Promise((resolve, reject) => {
        lookup(hostname, options, (error: Error | null, address: unknown, family: unknown) => {
          if (error) reject(error);
          else resolve(Array.isArray(address) ? address : { address, family });
        });
      }),
  });
  dns.lookup = lookup as typeof dns.lookup;

  const originalPromise = dns.promises.lookup;
  dns.promises.lookup = ((hostname: string, options?: dns.LookupOptions) => {
    if (refuses(hostname)) {
      guard.attempts.push({ kind: "dns.lookup", host: hostname });
      return Promise.reject(blockedLookup(hostname));
    }
    return originalPromise(hostname, options ?? {});
  }) as typeof dns.promises.lookup;
}

/** The host and port a `connect(...)` call aims at, or undefined for a Unix socket or pipe. */
function connectTarget(args: unknown[]): { host: string; port: number | undefined } | undefined {
  // net.connect() normalises its arguments to [options, callback] tagged with a private symbol.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === "object" && first !== null) {
    const options = first as { path?: unknown; host?: unknown; port?: unknown };
    // http(s) agents pass `path: null` for TCP; only a non-empty path is a Unix socket or pipe.
    if (typeof options.path === "string" && options.path !== "") return undefined;
    return {
      host: typeof options.host === "string" && options.host !== "" ? options.host : "localhost",
      port: options.port === undefined ? undefined : Number(options.port),
    };
  }
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    return { host: typeof args[1] === "string" ? args[1] : "localhost", port: Number(first) };
  }
  return undefined; // connect(path): a Unix socket or Windows pipe
}

function guardConnects(guard: GuardState): void {
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    if (target && !isLoopbackHost(target.host)) {
      guard.attempts.push({ kind: "connect", host: target.host, port: target.port });
      const error = Object.assign(
        new Error(`no-egress guard: connection to ${target.host}:${target.port ?? "?"} refused`),
        { code: "ECONNREFUSED", syscall: "connect", address: target.host, port: target.port },
      );
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
}

/** `NO_PROXY` with loopback added, so HTTP clients that honour proxy variables never route 127.0.0.1 through one. */
export function withLoopbackNoProxy(current: string | undefined): string {
  const entries = new Set(
    (current ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
  );
  for (const host of ["127.0.0.1", "localhost", "::1"]) entries.add(host);
  return [...entries].join(",");
}

// Imported as a preload (`node --import tsx --import ./test/support/no-egress.ts child.ts`), it installs itself.
installNoEgressGuard();
process.env.NO_PROXY = withLoopbackNoProxy(process.env.NO_PROXY);
process.env.no_proxy = process.env.NO_PROXY;
