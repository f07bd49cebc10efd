import { defineConfig } from "vitest/config";
import path from "node:path";

// One runner for the whole repository. Integration tests start real node processes, so they
// get generous timeouts; timing itself is never asserted (see CONVENTIONS.md).
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["{chain,worker,lib,app,components,contracts,scripts,docs}/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "**/.next/**", "**/dist/**"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
    setupFiles: ["./scripts/test-setup.ts"],
    globalSetup: ["./contracts/test/global-setup.ts"],
  },
});
