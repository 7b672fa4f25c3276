import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests exercise the sources; worker threads and examples run the built `dist`.
    alias: { kiln: fileURLToPath(new URL("./packages/kiln/src/index.ts", import.meta.url)) },
  },
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      // The viz's React app: pure modules and components (components run in happy-dom).
      "packages/viz/app/src/**/*.test.{ts,tsx}",
      "test/**/*.test.ts",
      "examples/hello/tests/**/*.test.ts",
    ],
    pool: "threads",
    // Many tests spawn real processes and servers; a timeout is a hang detector, not a speed goal
    // (those live in benchmarks), so it leaves room for a slow or busy CI machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    typecheck: { enabled: true, include: ["packages/*/src/**/*.test-d.ts"] },
  },
});
