/**
 * What `kiln models serve --log-inputs` costs: the packaged spaceflights model served twice by the
 * real CLI, without and with input logging, measured in alternating rounds (both see the same load).
 *   node bench/serve-log-inputs.mjs [--sample-rate 1] [--rounds 4] [--seconds 3] [--connections 10]
 * Prints JSON. Needs the build (`npm run build`); trains the model in a throwaway copy of the example.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { packageSpaceflights } from "./serve/spaceflights-model.mjs";

const { values: args } = parseArgs({
  options: {
    "sample-rate": { type: "string", default: "1" },
    rounds: { type: "string", default: "4" },
    seconds: { type: "string", default: "3" },
    connections: { type: "string", default: "10" },
  },
});
const repo = fileURLToPath(new URL("..", import.meta.url));
const progress = (m) => process.stderr.write(`[bench serve-log-inputs] ${m}\n`);

/** `kiln models serve` of the model folder on a free port; resolves once the model answers. */
function serve(project, model, extra) {
  const child = spawn(
    process.execPath,
    [join(repo, "packages/kiln/bin/kiln.js"), "models", "serve", "-m", model, "--port", "0", ...extra],
    { cwd: project, env: { ...process.env, KILN_ENV: "" } },
  );
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url && output.includes("/invocations answers")) resolve({ child, url });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`kiln models serve exited (${code}):\n${output}`)));
  });
}

const stop = ({ child }) =>
  new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", resolve);
    child.kill("SIGTERM");
  });

const model = packageSpaceflights();
const logged = mkdtempSync(join(tmpdir(), "kiln-bench-logged-"));
const servers = [];
try {
  const example = JSON.parse(readFileSync(join(model.modelPath, "input_example.json"), "utf8"));
  const body = JSON.stringify({ dataframe_split: { columns: example.columns, data: [example.data[0]] } });
  const off = await serve(model.projectPath, model.modelPath, []);
  servers.push(off);
  const on = await serve(model.projectPath, model.modelPath, [
    "--log-inputs",
    logged,
    "--log-sample-rate",
    args["sample-rate"],
  ]);
  servers.push(on);
  const cannon = (url, duration) =>
    autocannon({
      url: `${url}/invocations`,
      connections: Number(args.connections),
      duration,
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
  await cannon(off.url, 2);
  await cannon(on.url, 2);
  const rounds = [];
  for (let i = 0; i < Number(args.rounds); i++) {
    const a = await cannon(off.url, Number(args.seconds));
    const b = await cannon(on.url, Number(args.seconds));
    rounds.push({
      off: Math.round(a.requests.average),
      on: Math.round(b.requests.average),
      ratio: b.requests.average / a.requests.average,
      p99OffMs: a.latency.p99,
      p99OnMs: b.latency.p99,
      non2xx: a.non2xx + b.non2xx,
    });
    progress(`round ${i + 1}: ${JSON.stringify(rounds.at(-1))}`);
  }
  await stop(on);
  servers.pop();
  const parts = readdirSync(logged).filter((f) => f.endsWith(".parquet")).length;
  const ratios = rounds.map((r) => r.ratio).sort((x, y) => x - y);
  console.log(
    JSON.stringify(
      { sampleRate: Number(args["sample-rate"]), rounds, medianRatio: ratios[ratios.length >> 1], parts },
      null,
      2,
    ),
  );
} finally {
  for (const s of servers) await stop(s);
  model.remove();
  rmSync(logged, { recursive: true, force: true });
}
