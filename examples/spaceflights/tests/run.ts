// Runs every tests/**/*.test.ts with Node's built-in test runner (`npm test`). A script rather than
// `node --test <glob>` because Node 20 does not expand globs and npm's shell cannot expand `**`.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { run } from "node:test";
import { spec } from "node:test/reporters";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const files = (readdirSync(dir, { recursive: true }) as string[])
  .filter((file) => file.endsWith(".test.ts"))
  .sort()
  .map((file) => join(dir, file));

// Each file runs in its own process, which inherits `--import tsx` from this one.
run({ files })
  .on("test:fail", () => {
    process.exitCode = 1;
  })
  .compose(new spec())
  .pipe(process.stdout);
