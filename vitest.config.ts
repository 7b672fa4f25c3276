import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests exercise the sources; worker threads and examples run the built `dist`.
    alias: { kiln: fileURLToPath(new URL("./packages/kiln/src/index.ts", import.meta.url)) },
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "examples/*/tests/**/*.test.ts"],
    pool: "threads",
    typecheck: { enabled: true, include: ["packages/*/src/**/*.test-d.ts"] },
  },
});
