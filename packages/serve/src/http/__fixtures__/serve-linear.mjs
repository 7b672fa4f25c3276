// Serves the linear test model from the build (dist), as `kiln models serve` would serve a real one.
// Usage: node serve-linear.mjs '{"workers": 2, "timeoutMs": 1000, ...}'. Prints "listening URL",
// "ready" and, after SIGTERM or SIGINT, "stopped"; a failure prints "failed CODE message" and exits 1.
import { fileURLToPath } from "node:url";
import { createLogger } from "kiln";
import { serveModel } from "../../../dist/http/serve-model.js";

const options = JSON.parse(process.argv[2] ?? "{}");
const { linear, logLevel, exportName, ...serveOptions } = options;
try {
  await serveModel({
    model: {
      module: fileURLToPath(new URL("../../../dist/testing/linear-model.js", import.meta.url)),
      exportName: exportName ?? "createLinearModel",
      args: [linear ?? {}],
    },
    host: "127.0.0.1",
    port: 0,
    ...serveOptions,
    logger: createLogger({ level: logLevel ?? "info" }),
    onListening: (url) => console.log(`listening ${url}`),
    onReady: () => console.log("ready"),
  });
  console.log("stopped");
} catch (error) {
  console.log(`failed ${error.code ?? ""} ${error.message}`);
  process.exitCode = 1;
}
