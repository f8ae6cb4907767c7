import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// Issue 11 item 6: the Dockerfile builds and the image's own command serves /healthz, proven
// without a Docker engine by scripts/container-test.sh (buildah, ../shared/CONTAINER-TESTING.md).
// It needs buildah (Debian's package) and takes far longer than CI's budget (a first run builds a
// stand-in Node image and the whole dependency tree), so it runs with WEEKNOTES_CONTAINER_TEST=1.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

async function hasBuildah(): Promise<boolean> {
  try {
    await run("buildah", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

const buildah = await hasBuildah();
const asked = process.env.WEEKNOTES_CONTAINER_TEST === "1";
if (!buildah)
  console.log("SKIPPED container.e2e: buildah is not installed (apt-get install -y buildah debootstrap)");
else if (!asked)
  console.log(
    "SKIPPED container.e2e: set WEEKNOTES_CONTAINER_TEST=1 to build and run the image with buildah",
  );

let out: string | undefined;
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe.runIf(buildah && asked)("the container image", () => {
  it("runs as a non-root user, has a HEALTHCHECK and no dev dependencies, and its command answers /healthz", async () => {
    out = await mkdtemp(join(tmpdir(), "weeknotes-container-"));
    await run(join(ROOT, "scripts/container-test.sh"), [out], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });

    const image = JSON.parse(await readFile(join(out, "image.json"), "utf8")) as {
      Docker: {
        config: {
          User?: string;
          Cmd?: string[];
          Entrypoint?: string[] | null;
          Volumes?: Record<string, unknown>;
          Healthcheck?: { Test?: string[] };
          ExposedPorts?: Record<string, unknown>;
        };
      };
    };
    const config = image.Docker.config;
    expect(config.User).toBe("10001:10001");
    expect((await readFile(join(out, "uid.txt"), "utf8")).trim()).toBe("10001");
    expect(config.Healthcheck?.Test?.join(" ")).toContain("/healthz");
    // Exec form: node is the process that gets SIGTERM.
    expect(config.Cmd).toEqual(["node", "bin/weeknotes.js", "serve"]);
    expect(config.Entrypoint ?? []).toEqual([]);
    expect(Object.keys(config.Volumes ?? {})).toEqual(["/data"]);
    expect(Object.keys(config.ExposedPorts ?? {})).toEqual(["3000/tcp"]);

    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const modules = (await readFile(join(out, "node_modules.txt"), "utf8")).split("\n").filter(Boolean);
    for (const dependency of Object.keys(pkg.dependencies)) expect(modules).toContain(dependency);
    // Dev-only packages are gone; what is left is all in the production tree (`npm ls --omit=dev`:
    // some packages, such as ws and @types/node, are dev dependencies here and production
    // dependencies of the Slack SDKs too).
    for (const dev of ["vitest", "typescript", "@biomejs/biome", "tsx", "esbuild", "flesch-kincaid"]) {
      expect(modules).not.toContain(dev);
    }
    const listed = await run("npm", ["ls", "--omit=dev", "--all", "--parseable"], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    const production = new Set(
      listed.stdout
        .split("\n")
        .map((path) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path)?.[1])
        .filter((name): name is string => name !== undefined),
    );
    expect(modules.filter((name) => !production.has(name))).toEqual([]);

    // The writer thread of the SQLite store starts and records on the image's Node (an LTS newer
    // than this machine's Node 20).
    expect(await readFile(join(out, "record.txt"), "utf8")).toBe("recorded duplicate\n");
    expect(await readFile(join(out, "healthz.txt"), "utf8")).toBe("ok\n");
  }, 3_600_000);
});
