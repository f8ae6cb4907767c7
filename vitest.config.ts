import { defineConfig } from "vitest/config";

// Tests are told apart by suffix: *.unit.test.ts (pure, fast), *.contract.test.ts (every Store
// implementation against one suite), *.e2e.test.ts (real processes, files and servers on 127.0.0.1).
export default defineConfig({
  test: {
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
