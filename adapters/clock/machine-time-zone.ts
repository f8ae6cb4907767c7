import { readlinkSync } from "node:fs";
import { IANAZone } from "luxon";

export interface MachineTimeZoneSources {
  /** The process's `TZ` variable, as set (`Europe/London`, `:Europe/London`, `:/usr/share/zoneinfo/Europe/London`). */
  readonly tz: string | undefined;
  /** What Node reports: `Intl.DateTimeFormat().resolvedOptions().timeZone` (may be undefined or `Etc/Unknown`). */
  readonly reported: string | undefined;
  /** Where the machine's zone file link lives; default `/etc/localtime`. */
  readonly localtimePath?: string;
}

/**
 * The machine's IANA time zone, or undefined when it cannot be told (the caller then asks for one;
 * no zone is ever guessed, UTC included). In order:
 * 1. `TZ` (POSIX and glibc: a leading `:` is implementation-defined, and glibc reads the rest as a
 *    zone name or a file path): a zone name, or a path ending in `zoneinfo/<Zone>`, that is a valid
 *    IANA zone. Node's ICU does not read the path form and then reports no zone;
 * 2. the zone Node reports, unless it is missing or `Etc/Unknown` (ICU's answer when it cannot
 *    tell) — this is also how a POSIX `TZ` such as `EST5EDT` is read;
 * 3. with no `TZ` set, the target of the `/etc/localtime` link when it ends in `zoneinfo/<Zone>`
 *    (tzset(3)'s default when `TZ` is unset).
 * A `TZ` that is set but names no zone Node or this reading knows gives undefined, rather than the
 * zone of /etc/localtime that the user overrode.
 */
export function machineTimeZone(sources: MachineTimeZoneSources): string | undefined {
  const { tz, reported } = sources;
  if (tz !== undefined && tz !== "") {
    const named = zoneOfPath(tz.replace(/^:/, ""));
    if (named !== undefined) {
      return named;
    }
  }
  if (
    reported !== undefined &&
    reported !== "" &&
    reported !== "Etc/Unknown" &&
    IANAZone.isValidZone(reported)
  ) {
    return reported;
  }
  if (tz === undefined) {
    try {
      return zoneOfPath(readlinkSync(sources.localtimePath ?? "/etc/localtime"));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `Europe/London` or `/usr/share/zoneinfo/Europe/London` → `Europe/London` when valid. */
function zoneOfPath(value: string): string | undefined {
  const marker = value.lastIndexOf("zoneinfo/");
  const name = marker === -1 ? value : value.slice(marker + "zoneinfo/".length);
  // `posix/` and `right/` trees hold the same zones under another root.
  const zone = name.replace(/^(posix|right)\//, "");
  return zone !== "" && !zone.startsWith("/") && IANAZone.isValidZone(zone) ? zone : undefined;
}
