// A server for the serving benchmark, in its own process: `bare` (node:http answering a constant)
// or `kiln` (the scoring server with the in-process linear model: `--engine js|polars`,
// `--output array|dataframe`; `--engine none` predicts a constant without reading the DataFrame;
// `--model DIR` serves a packaged model folder instead, loaded as `kiln models serve` loads it;
// `--batch-max-rows N [--batch-wait-ms W]` turns batching on).
// Prints {"port": N} once listening; stops on SIGTERM. Needs the build (npm run build).
import { createServer } from "node:http";
import { createLogger } from "kiln";
import { loadModel, startScoringServer } from "../../packages/serve/dist/index.js";
import { createLinearModel } from "../../packages/serve/dist/testing/linear-model.js";
import { parseArgs } from "../lib.mjs";

const args = parseArgs();
let close;
if (args.server === "bare") {
  const body = JSON.stringify({ predictions: [{ price: 4120 }] });
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
  close = () => new Promise((resolve) => server.close(resolve));
} else {
  let model;
  if (args.model) {
    model = await loadModel(args.model);
  } else {
    const linear = createLinearModel({
      engine: args.engine === "polars" ? "polars" : "js",
      output: args.output ?? "array",
    });
    model = args.engine === "none" ? { ...linear, predict: async () => [0] } : linear;
  }
  const server = await startScoringServer({
    model,
    ...(args["batch-max-rows"]
      ? { batch: { maxRows: Number(args["batch-max-rows"]), waitMs: Number(args["batch-wait-ms"] ?? 0) } }
      : {}),
    port: 0,
    logger: createLogger({ level: "warn" }),
  });
  await server.ready;
  process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
  close = () => server.close();
}
process.on("SIGTERM", () => void close().then(() => process.exit(0)));
