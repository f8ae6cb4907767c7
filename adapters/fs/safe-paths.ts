/**
 * Paths compared as the file system sees them, not as they are spelled: a symbolic link or a hard
 * link must not let a write reach a file it was not meant for, and a folder the user gave must not
 * lead reads outside it. Also a `mkdir -p` that cannot hang: Node's recursive `mkdir` loops forever
 * under `/proc`, where creating a folder fails with ENOENT although its parent exists.
 */
import { constants } from "node:fs";
import { access, lstat, mkdir, realpath, stat, statfs } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { BotError } from "../../src/domain/errors.ts";

/**
 * The real path of `path` (made absolute), whether or not it exists: the longest part of it that
 * exists resolved with `fs.realpath` (every symbolic link followed, `..` applied after the links),
 * the names that do not exist yet appended as they are. A path whose part cannot be resolved for
 * another reason (a loop, no permission) is taken up to that part, lexically.
 */
export async function realPathOf(path: string): Promise<string> {
  const absolute = resolve(path);
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    try {
      return join(await realpath(existing), ...missing);
    } catch (error) {
      const parent = dirname(existing);
      const code = (error as NodeJS.ErrnoException).code;
      if (parent === existing || (code !== "ENOENT" && code !== "ENOTDIR")) {
        return absolute;
      }
      missing.unshift(basename(existing));
      existing = parent;
    }
  }
}

/** Whether `inner` is `outer` or inside it; both absolute, compared as spelled (pass real paths). */
export function isWithin(outer: string, inner: string): boolean {
  return isInsideRelative(relative(outer, inner).split(sep).join("/"));
}

/**
 * The one rule for a path inside a tree, given relative to its root with `/` between names (a zip
 * entry's name, or a folder's file as its real path relative to the folder's real path): it stays
 * inside when it is not absolute (`/x`, `C:/x`, `\\x`), names no drive, holds no backslash and no
 * `..` segment (`""` is the root itself, inside). The same judgement as yauzl's `validateFileName`,
 * so a folder and a zip of the same export are read alike.
 */
export function isInsideRelative(path: string): boolean {
  if (path.includes("\\") || path.startsWith("/") || /^[A-Za-z]:/.test(path)) {
    return false;
  }
  return !path.split("/").includes("..");
}

/** A path the command must not write over, and how to name it in a message. */
export interface GuardedPath {
  /** As the user gave it (or as the command made it, for the database). */
  readonly path: string;
  /**
   * `tree`: nothing inside it may be written either (an export folder; harmless for a file).
   * `file`: the file and its SQLite companions (`-wal`, `-shm`, `-journal`) may not be written.
   */
  readonly kind: "tree" | "file";
}

const SQLITE_COMPANIONS = ["-wal", "-shm", "-journal"] as const;

/**
 * Refuses a write to `target` that would replace one of `guarded` (or, for a `tree`, anything in
 * it) however it is reached: through symbolic links anywhere on either path (their real paths are
 * compared, see {@link realPathOf}), or as the same file under another name (a hard link: the same
 * device and inode).
 * @param option How the user named the target, for the message (`--out`).
 * @throws BotError `input.bad_option` naming `option`, the target as given and the guarded path.
 */
export async function refuseOverwrite(
  target: string,
  option: string,
  guarded: readonly GuardedPath[],
): Promise<void> {
  const real = await realPathOf(target);
  const targetFile = await identity(target);
  for (const entry of guarded) {
    const guardedReal = await realPathOf(entry.path);
    const files =
      entry.kind === "file"
        ? [entry.path, ...SQLITE_COMPANIONS.map((s) => `${entry.path}${s}`)]
        : [entry.path];
    const hit =
      real === guardedReal ||
      (entry.kind === "tree" && isWithin(guardedReal, real)) ||
      (entry.kind === "file" && SQLITE_COMPANIONS.some((s) => real === `${guardedReal}${s}`)) ||
      (targetFile !== undefined &&
        (await Promise.all(files.map(identity))).some(
          (file) => file !== undefined && file.dev === targetFile.dev && file.ino === targetFile.ino,
        ));
    if (hit) {
      const through = real === resolve(target) ? "" : ` (it leads to ${real})`;
      throw new BotError("input.bad_option", `${option} ${target} would overwrite ${entry.path}${through}`, {
        hint: "Write the note somewhere else",
      });
    }
  }
}

async function identity(path: string): Promise<{ dev: number; ino: number } | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? { dev: info.dev, ino: info.ino } : undefined;
}

// statfs(2) f_type of file systems that hold no files: procfs, sysfs, cgroup v1 and v2, debugfs,
// securityfs, tracefs. Creating a folder there fails (and Node's recursive mkdir loops on procfs).
const VIRTUAL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, "/proc"],
  [0x62656572, "/sys"],
  [0x27e0eb, "a cgroup file system"],
  [0x63677270, "a cgroup file system"],
  [0x64626720, "a debug file system"],
  [0x73636673, "a security file system"],
  [0x74726163, "a trace file system"],
]);

/**
 * Refuses a path on a virtual file system such as `/proc` or `/sys`, where nothing can be created,
 * with a clear message instead of a hang or an errno. Looks only at the nearest part of `path` that
 * exists; never creates anything.
 * @param what The path as the user named it, for the message (`--out notes/w13.md`, `--data-dir x`).
 * @throws BotError `input.bad_option` when that part is on such a file system.
 */
export async function refuseVirtualFileSystem(path: string, what: string): Promise<void> {
  let existing = resolve(path);
  for (;;) {
    const info = await lstat(existing).catch(() => undefined);
    const parent = dirname(existing);
    if (info !== undefined || parent === existing) {
      break;
    }
    existing = parent;
  }
  const kind = await statfs(existing)
    .then((fs) => VIRTUAL_FILE_SYSTEMS.get(Number(fs.type)))
    .catch(() => undefined);
  if (kind !== undefined) {
    throw new BotError("input.bad_option", `${what} is on ${kind}, where no files can be made`, {
      hint: "Give a place on a disk",
    });
  }
}

/**
 * Refuses a folder setting that names a file, or a place under a file, before anything is written
 * there: the mistake shows at start-up, not at the first approval. A missing folder is fine (it is
 * made when needed); never creates anything.
 * @param what The setting as the user named it (`BLOG_DIR`), never its value.
 * @throws BotError `config.invalid` when `path` or a part of it is a file.
 */
export async function refuseFileAsFolder(path: string, what: string): Promise<void> {
  let existing = resolve(path);
  for (;;) {
    const info = await stat(existing).catch(() => undefined);
    if (info !== undefined) {
      if (!info.isDirectory()) {
        throw new BotError("config.invalid", `${what} names a file (or a place inside one), not a folder`, {
          hint: `Set ${what} to a folder (it is made if it does not exist)`,
        });
      }
      return;
    }
    const parent = dirname(existing);
    if (parent === existing) return;
    existing = parent;
  }
}

/**
 * Refuses a folder setting this process cannot write: the folder itself when it exists, else the
 * nearest folder above it that exists (where it would be made). Checked at start-up with
 * `access(W_OK | X_OK)`, so an unwritable BLOG_DIR shows then, not as retries after the first
 * approval. Never creates anything. (Root passes any mode check; a read-only disk still fails.)
 * @param what The setting as the user named it (`BLOG_DIR`), never its value.
 * @throws BotError `config.invalid` saying why (permission denied, a read-only disk…).
 */
export async function refuseUnwritableFolder(path: string, what: string): Promise<void> {
  let existing = resolve(path);
  while (!(await stat(existing).catch(() => undefined)) && dirname(existing) !== existing) {
    existing = dirname(existing);
  }
  try {
    await access(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    const made = existing === resolve(path) ? "" : " (nor the folder it would be made in)";
    throw new BotError(
      "config.invalid",
      `${what} cannot be written${made}: ${fileProblem((error as NodeJS.ErrnoException).code)}`,
      { hint: `Set ${what} to a folder this process can write to, or change its permissions`, cause: error },
    );
  }
}

/**
 * `mkdir -p` that always ends: makes each missing folder of `dir` one at a time (never Node's
 * recursive mkdir, which loops forever where a folder cannot be created although its parent
 * exists, as under `/proc`).
 * @param what The path as the user named it, for the message (`--out notes/w13.md`).
 * @throws BotError `input.bad_option` when `dir` is on a virtual file system
 *   ({@link refuseVirtualFileSystem}) or a folder cannot be made (permissions, a file in the way,
 *   a read-only disk…; the file-system error kept as `cause`).
 */
export async function makeDirectory(dir: string, what: string): Promise<void> {
  await refuseVirtualFileSystem(dir, what);
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const info = await stat(at).catch(() => undefined);
    if (info?.isDirectory()) {
      break;
    }
    if (info !== undefined || dirname(at) === at) {
      throw cannotMake(what, at, "a file is in the way");
    }
    missing.unshift(at);
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && (await stat(folder).catch(() => undefined))?.isDirectory()) {
        continue;
      }
      throw cannotMake(what, folder, fileProblem(code), error);
    }
  }
}

/**
 * What a file-system error code means for a place the user named, in a few words
 * (`permission denied`, `the disk is full`, `a file is in the way`…); an unknown code is quoted.
 */
export function fileProblem(code: string | undefined): string {
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "the disk is read-only";
    case "ENOSPC":
      return "the disk is full";
    case "EEXIST":
    case "ENOTDIR":
      return "a file is in the way";
    case "ENOENT":
      return "the system cannot make folders there";
    default:
      return `the system refused (${code ?? "unknown error"})`;
  }
}

function cannotMake(what: string, folder: string, why: string, cause?: unknown): BotError {
  return new BotError("input.bad_option", `Cannot make the folder ${folder} for ${what}: ${why}`, {
    hint: "Give a place you can write to",
    ...(cause === undefined ? {} : { cause }),
  });
}
