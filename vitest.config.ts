import { defineConfig } from "vitest/config";

// Tests are told apart by suffix: *.unit.test.ts (pure, fast), *.contract.test.ts (every Store
// implementation against one suite), *.e2e.test.ts (real processes, files and servers on 127.0.0.1).
export default defineConfig({
  test: {
    // Every test process: refuse and record any connection or DNS lookup past loopback, and fail the
    // test file that tried one (SPEC §9: no test depends on the internet). See test/support/no-egress.ts.
    setupFiles: ["./test/support/no-egress.setup.ts"],
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.unit.test.ts"] } },
      { extends: true, test: { name: "contract", include: ["test/**/*.contract.test.ts"] } },
      {
        extends: true,
        test: { name: "e2e", include: ["test/**/*.e2e.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});
