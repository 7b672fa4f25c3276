/**
 * The models benchmark's two halves (docs/models.md):
 *   node bench/models.mjs --project DIR      copies test/support/pair-project into DIR (node_modules linked)
 *   node bench/models.mjs --load MODEL --cache DIR [--calls N]
 *     loads a packaged model with @kiln/serve's loadModel and times it, then one-row and 1,000-row
 *     predictions; prints one JSON line.
 */
import { cpSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, parseArgs, report } from "./lib.mjs";

const args = parseArgs();
const repo = fileURLToPath(new URL("..", import.meta.url));

if (args.project) {
  cpSync(join(repo, "test/support/pair-project"), args.project, { recursive: true });
  symlinkSync(join(repo, "node_modules"), join(args.project, "node_modules"));
  report({ project: args.project });
} else {
  const { loadModel } = await import("../packages/serve/dist/index.js");
  const pl = (await import("nodejs-polars")).default;
  const t0 = performance.now();
  const model = await loadModel(args.load, { cacheDir: args.cache });
  const loadMs = performance.now() - t0;
  const calls = Number(args.calls ?? 1000);
  const time = async (frame, n) => {
    for (let i = 0; i < 20; i++) await model.predict(frame); // warm up
    const each = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await model.predict(frame);
      each.push(performance.now() - s);
    }
    each.sort((a, b) => a - b);
    return { p50: median(each), p99: each[Math.floor(n * 0.99)] };
  };
  const one = await time(pl.DataFrame({ x1: [1], x2: [0.5], flag: [true] }), calls);
  const rows = 1000;
  const many = await time(
    pl.DataFrame({
      x1: Array.from({ length: rows }, (_, i) => i),
      x2: Array.from({ length: rows }, (_, i) => i / 2),
      flag: Array.from({ length: rows }, (_, i) => i % 2 === 0),
    }),
    Math.max(10, calls / 10),
  );
  report({ loadMs, one, many, rows });
}
