import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "test/**/*.test.ts",
      "src/**/*.test.ts",
      "adapters/**/*.test.ts",
      "chains/**/*.test.ts",
      "tools/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites start local servers on ephemeral ports; files run in parallel
    // but share one Redis, so every suite namespaces its keys.
    pool: "forks",
    // Every reply and log line of the suite is scanned for stack traces, paths and secrets.
    setupFiles: ["test/support/scan-setup.ts"],
  },
});
