/**
 * Serving benchmark: autocannon (in this process) against a server in its own process.
 *   node bench/serve.mjs [--duration 10] [--connections 10] [--soak 100000]
 *                        [--spaceflights-model DIR] [--rows bare,kiln,spaceflights,…]
 *                        [--batch-max-rows 64] [--batch-wait-ms 0] [--paired-rounds 5] [--paired-seconds 2]
 *                        [--soak-model spaceflights|linear]
 * Throughput: 1-row JSON requests to the bare node:http server and to Kiln's scoring server
 * (linear model in JS, and as Polars expressions; the spaceflights example's packaged model, which
 * the setup trains and packages in a copy of the example unless `--spaceflights-model` names a
 * prepared model folder), both also with dynamic batching (`--batch-max-rows`, default 64, no
 * added wait). `--rows` runs only the named rows. Then the targeted rows again, each alternating
 * with the bare server round by round (`--paired-rounds` × `--paired-seconds`), for ratios that the
 * machine's moving load does not skew. Soak: `--soak` requests with bad ones
 * mixed in, the server's RSS before and after, and its 5xx count. Prints one JSON line.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { benchFile, parseArgs, report } from "./lib.mjs";
import { packageSpaceflights } from "./serve/spaceflights-model.mjs";

const args = parseArgs();
const duration = Number(args.duration ?? 10);
const connections = Number(args.connections ?? 10);
const soakRequests = Number(args.soak ?? 100_000);
const onlyRows = args.rows ? new Set(args.rows.split(",")) : undefined;
const progress = (message) => process.stderr.write(`[bench serve] ${message}\n`);

const ONE_ROW = JSON.stringify({
  dataframe_split: { columns: ["engines", "passenger_capacity", "crew"], data: [[2, 100, 4]] },
});
const json = (body) => ({
  method: "POST",
  path: "/invocations",
  headers: { "content-type": "application/json" },
  body,
});

/** Starts bench/serve/target.mjs and resolves once it prints its port. */
function startTarget(extra) {
  const child = spawn(process.execPath, [benchFile("serve/target.mjs"), ...extra], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve({ child, port: JSON.parse(line).port });
    });
    child.on("exit", (code) =>
      reject(new Error(`bench/serve/target.mjs ${extra.join(" ")} exited with ${code}`)),
    );
  });
}

async function stopTarget({ child }) {
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

function cannon(port, options) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}`, connections, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

const summary = (r) => ({
  requestsPerSecond: r.requests.average,
  p50Ms: r.latency.p50,
  p99Ms: r.latency.p99,
  requests: r.requests.total,
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
});

async function throughput(name, extra, body = ONE_ROW) {
  const target = await startTarget(extra);
  try {
    progress(`${name}: warm-up 2 s`);
    await cannon(target.port, { duration: 2, requests: [json(body)] });
    progress(`${name}: ${duration} s, ${connections} connections`);
    return summary(await cannon(target.port, { duration, requests: [json(body)] }));
  } finally {
    await stopTarget(target);
  }
}

const result = { duration, connections, throughput: {} };
const kiln = (engine, output) => ["--server", "kiln", "--engine", engine, "--output", output];
// The packaged spaceflights model, and one row of its input example (8 columns) as the request.
let spaceflights;
const spaceflightsModel = () => {
  if (args["spaceflights-model"]) return args["spaceflights-model"];
  if (!spaceflights) {
    progress("spaceflights: training and packaging the model in a copy of the example");
    spaceflights = packageSpaceflights();
  }
  return spaceflights.modelPath;
};
const spaceflightsRow = () => {
  const example = JSON.parse(readFileSync(join(spaceflightsModel(), "input_example.json"), "utf8"));
  return JSON.stringify({ dataframe_split: { columns: example.columns, data: [example.data[0]] } });
};
// `--batch-max-rows 64`, no added wait: a batch is what arrived while the previous one ran.
const batch = [
  "--batch-max-rows",
  args["batch-max-rows"] ?? "64",
  "--batch-wait-ms",
  args["batch-wait-ms"] ?? "0",
];
const rows = [
  ["bare", "bare node:http", () => ["--server", "bare"]],
  ["kilnStub", "kiln, a model that does not read its input", () => kiln("none", "array")],
  ["kiln", "kiln, linear model in JS, array out", () => kiln("js", "array")],
  ["kilnFrameOut", "kiln, linear model in JS, DataFrame out", () => kiln("js", "dataframe")],
  ["kilnPolars", "kiln, linear model as Polars expressions", () => kiln("polars", "dataframe")],
  [
    "spaceflights",
    "kiln, the packaged spaceflights model",
    () => ["--server", "kiln", "--model", spaceflightsModel()],
    spaceflightsRow,
  ],
  ["kilnBatched", "kiln, linear model in JS, array out, batched", () => [...kiln("js", "array"), ...batch]],
  [
    "spaceflightsBatched",
    "kiln, the packaged spaceflights model, batched",
    () => ["--server", "kiln", "--model", spaceflightsModel(), ...batch],
    spaceflightsRow,
  ],
  // The bare server again: the machine's load moves during the run, and the ratios use both.
  ["bareAfter", "bare node:http, again", () => ["--server", "bare"]],
];
/**
 * A Kiln row against the bare server in alternation: both servers up, `rounds` runs of `seconds`
 * each, bare then Kiln, so both see the same load (on a shared machine the load moves within
 * seconds). The ratio of each round, and the Kiln server's p99 in each.
 */
async function paired(name, extra, body = ONE_ROW) {
  const bare = await startTarget(["--server", "bare"]);
  const target = await startTarget(extra);
  const requests = [json(body)];
  try {
    progress(`${name} paired with bare: warm-up 2 s each, then ${pairedRounds} × ${pairedSeconds} s each`);
    await cannon(bare.port, { duration: 2, requests });
    await cannon(target.port, { duration: 2, requests });
    const rounds = [];
    for (let i = 0; i < pairedRounds; i++) {
      const b = await cannon(bare.port, { duration: pairedSeconds, requests });
      const k = await cannon(target.port, { duration: pairedSeconds, requests });
      rounds.push({
        bare: b.requests.average,
        kiln: k.requests.average,
        ratio: k.requests.average / b.requests.average,
        p99Ms: k.latency.p99,
        non2xx: k.non2xx,
      });
    }
    const sorted = (values) => [...values].sort((a, b) => a - b);
    const ratios = sorted(rounds.map((r) => r.ratio));
    return {
      rounds,
      medianRatio: ratios[ratios.length >> 1],
      minRatio: ratios[0],
      maxRatio: ratios[ratios.length - 1],
      p99MaxMs: Math.max(...rounds.map((r) => r.p99Ms)),
    };
  } finally {
    await stopTarget(target);
    await stopTarget(bare);
  }
}

const pairedRows = new Set(["kiln", "spaceflights", "kilnBatched", "spaceflightsBatched"]);
const pairedRounds = Number(args["paired-rounds"] ?? 5);
const pairedSeconds = Number(args["paired-seconds"] ?? 2);
try {
  for (const [key, name, extra, body] of rows) {
    if (onlyRows && !onlyRows.has(key)) continue;
    result.throughput[key] = await throughput(name, extra(), body?.());
  }
  if (pairedRounds > 0) {
    result.paired = {};
    for (const [key, name, extra, body] of rows) {
      if (!pairedRows.has(key) || (onlyRows && !onlyRows.has(key))) continue;
      result.paired[key] = await paired(name, extra(), body?.());
    }
  }
} catch (error) {
  spaceflights?.remove();
  throw error;
}

if (soakRequests > 0) {
  // One request in five is bad, of six kinds; autocannon cycles through the list on each connection.
  // The soak's server: the packaged spaceflights model (the issue's), or `--soak-model linear`.
  const soakModel = args["soak-model"] ?? "spaceflights";
  const good = json(soakModel === "linear" ? ONE_ROW : spaceflightsRow());
  const bad = [
    json("{not json"),
    json(JSON.stringify({ dataframe_records: [{ engines: 1 }] })),
    json(JSON.stringify({ dataframe_records: [{ engines: "x", passenger_capacity: 1 }] })),
    json(JSON.stringify({ dataframe_records: [{ engines: 1, passenger_capacity: 1 }], params: { nope: 1 } })),
    { method: "POST", path: "/invocations", headers: { "content-type": "text/plain" }, body: "x" },
    { method: "GET", path: "/nowhere" },
  ];
  const mix = [];
  for (const b of bad) mix.push(good, good, good, good, b);
  const target = await startTarget(
    soakModel === "linear" ? kiln("js", "array") : ["--server", "kiln", "--model", spaceflightsModel()],
  );
  try {
    // RSS grows while V8's heap and the allocator settle (it levels off after 50,000–100,000
    // requests here, then moves with the garbage collector); growth after that is what a leak shows.
    const warmUp = soakRequests;
    const warmSteps = [];
    let warmed5xx = 0;
    let warmedErrors = 0;
    for (let i = 0; i < 4; i++) {
      progress(
        `soak: warm-up ${((i * warmUp) / 4).toLocaleString("en")}–${(((i + 1) * warmUp) / 4).toLocaleString("en")}`,
      );
      const warmed = await cannon(target.port, { amount: warmUp / 4, requests: mix });
      warmed5xx += warmed["5xx"];
      warmedErrors += warmed.errors;
      warmSteps.push(rssMiB(target.child.pid));
    }
    const before = rssMiB(target.child.pid);
    const counts = {
      requests: 0,
      status2xx: 0,
      status4xx: 0,
      status5xx: warmed5xx,
      errors: warmedErrors,
      seconds: 0,
    };
    const rssSteps = [];
    const part = soakRequests / 4;
    for (let i = 0; i < 4; i++) {
      progress(
        `soak: requests ${(i * part).toLocaleString("en")}–${((i + 1) * part).toLocaleString("en")} (RSS ${rssMiB(target.child.pid).toFixed(0)} MiB)`,
      );
      const soak = await cannon(target.port, { amount: part, requests: mix });
      counts.requests += soak.requests.total;
      counts.status2xx += soak["2xx"];
      counts.status4xx += soak["4xx"];
      counts.status5xx += soak["5xx"];
      counts.errors += soak.errors;
      counts.seconds += soak.duration;
      rssSteps.push(rssMiB(target.child.pid));
    }
    const after = rssSteps[rssSteps.length - 1];
    result.soak = {
      model: soakModel,
      ...counts,
      warmUp,
      rssWarmUpMiB: warmSteps,
      rssBeforeMiB: before,
      rssStepsMiB: rssSteps,
      rssAfterMiB: after,
      rssGrowth: (after - before) / before,
    };
  } finally {
    await stopTarget(target);
    spaceflights?.remove();
  }
} else spaceflights?.remove();
report(result);
