// @kiln/distributed end to end: a real redis-server on 127.0.0.1, `kiln worker` processes and
// `kiln run --runner distributed` on a throwaway project. Workers use short stall settings
// (--lock-duration 3000 --stalled-interval 500), so a killed worker's job moves on within seconds.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../support/redis-server.js";
import {
  type KilnProcess,
  readMarks,
  startKiln,
  startWorkers,
  stopWorkers,
  writeDistributedProject,
} from "./distributed-project.js";
import { kiln, type Result } from "./kiln-process.js";

let redis: RedisServer;
let dir: string;
let queueCount = 0;
/** A queue of its own for each test: no test sees another's jobs or workers. */
const newQueue = () => `q${++queueCount}`;
const params = (queue: string, more = "") => `redis=${redis.url},queue=${queue}${more ? `,${more}` : ""}`;

beforeAll(async () => {
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), "kiln-e2e-distributed-"));
  await writeDistributedProject(dir);
});
afterAll(async () => {
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ok = (result: Result) => {
  expect(result.code, result.output).toBe(0);
  return result;
};
const outputs = async (names: string[]) =>
  Object.fromEntries(
    await Promise.all(
      names.map(async (n) => [n, await readFile(join(dir, "data/out", `${n}.json`), "utf8")]),
    ),
  );
const clean = () =>
  Promise.all(
    ["data/out", "data/marks", "data/hooks.log"].map((p) =>
      rm(join(dir, p), { recursive: true, force: true }),
    ),
  );
const MAIN = ["numbers", "squares", "total", "biggest", "count", "summary"];

/** Runs `body` with `count` workers on a new queue, stopping them after. */
async function withWorkers<T>(
  count: number,
  body: (queue: string, workers: KilnProcess[]) => Promise<T>,
  extra: string[] = [],
) {
  const queue = newQueue();
  const workers = await startWorkers(dir, redis.url, queue, count, extra);
  try {
    return await body(queue, workers);
  } finally {
    await stopWorkers(workers);
  }
}

describe("kiln run --runner distributed", () => {
  // Two workers serve every test but the kill test, which kills one of its own.
  let queue: string;
  let workers: KilnProcess[];
  beforeAll(async () => {
    queue = newQueue();
    workers = await startWorkers(dir, redis.url, queue, 2);
  });
  afterAll(() => stopWorkers(workers ?? []));

  it("runs every node on the workers, with the outputs of a sequential run; node hooks run where the node runs", async () => {
    await clean();
    ok(await kiln(dir, "run"));
    const sequential = await outputs(MAIN);
    await clean();
    const run = ok(await kiln(dir, "run", "--runner", "distributed", "--runner-params", params(queue)));
    expect(run.stderr).toContain("6 nodes in 6 jobs");
    expect(run.stderr).toContain("Pipeline completed: 6 nodes");
    expect(await outputs(MAIN)).toEqual(sequential);

    const hooks = (await readFile(join(dir, "data/hooks.log"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
    const coordinator = hooks.find((h) => h[1] === "beforePipelineRun")!;
    expect(coordinator[2]).toBe("DistributedRunner");
    const nodeHooks = hooks.filter((h) => h[1] === "beforeNodeRun");
    expect(nodeHooks.map((h) => h[2]).sort()).toEqual([
      "make_numbers",
      "square",
      "stats.biggest",
      "stats.count",
      "summarize",
      "total",
    ]);
    // Node hooks ran in the workers, with the data; pipeline hooks once, in the process that ran `kiln run`.
    expect(nodeHooks.every((h) => h[0] !== coordinator[0])).toBe(true);
    expect(hooks.filter((h) => h[1] === "afterPipelineRun")).toEqual([[coordinator[0], "afterPipelineRun"]]);
    expect(hooks.find((h) => h[1] === "afterNodeRun" && h[2] === "total")?.[3]).toBe('{"total":91}');
    // Each job told the worker's plugins which run it belongs to (beforeRunPart), with the run's params.
    const parts = hooks.filter((h) => h[1] === "beforeRunPart");
    expect(parts.map((h) => h[2]).sort()).toEqual(nodeHooks.map((h) => h[2]).sort());
    expect(
      parts.every((h) => h[0] !== coordinator[0] && h[3] === coordinator[3] && h[4] === "__default__"),
    ).toBe(true);
    expect(hooks.filter((h) => h[1] === "afterRunPart").map((h) => h[2])).toEqual(Array(6).fill("ok"));

    const records = (await readFile(join(dir, ".kiln/runs.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const last = records.at(-1);
    expect(last).toMatchObject({ status: "success", options: { runner: "distributed" } });
    expect(last.nodes.map((n: { name: string }) => n.name).sort()).toEqual(nodeHooks.map((h) => h[2]).sort());
  });

  it("finishes a node on another worker when the one running it is killed (SIGKILL), with the same outputs", async () => {
    await clean();
    await withWorkers(2, async (queue, workers) => {
      const run = startKiln(dir, [
        "run",
        "--pipeline",
        "slow_chain",
        "--runner",
        "distributed",
        "--runner-params",
        params(queue),
      ]);
      // slow_a leaves a mark, then takes 3 s: kill the worker that left it.
      await waitUntil(async () => (await readMarks(dir)).some((m) => m[0] === "slow_a"));
      const [, victim] = (await readMarks(dir)).find((m) => m[0] === "slow_a")!;
      const killed = workers.find((w) => w.child.pid === victim)!;
      expect(killed).toBeDefined();
      killed.child.kill("SIGKILL");
      expect(await run.exited, run.output()).toBe(0);
      expect(run.output()).toContain("stopped answering; its job goes back to the queue");
      const attempts = (await readMarks(dir)).filter((m) => m[0] === "slow_a");
      expect(attempts).toHaveLength(2);
      expect(attempts.find((m) => m[2] === 2)![1]).not.toBe(victim);
    });
    expect(JSON.parse(await readFile(join(dir, "data/out/s2.json"), "utf8"))).toBe(20);
  });

  it("tries a failing node again as often as retries says, then fails the run with its error and the resume command", async () => {
    {
      await clean();
      const failed = await kiln(
        dir,
        "run",
        "--pipeline",
        "flaky",
        "--params",
        "fail_times=9",
        "--runner",
        "distributed",
        "--runner-params",
        params(queue, "retries=2"),
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(
        'KILN_NODE_FAILED: Node "flaky" (function func) failed: RangeError: attempt 3 failed on purpose',
      );
      expect(failed.stderr).toContain(
        "(attempt 1 of 3): attempt 1 failed on purpose. Its job is tried again.",
      );
      expect(failed.stderr).toMatch(/kiln run --pipeline flaky .*--from-nodes "flaky"/);
      expect((await readMarks(dir)).filter((m) => m[0] === "flaky")).toHaveLength(3);

      await clean();
      const recovered = ok(
        await kiln(
          dir,
          "run",
          "--pipeline",
          "flaky",
          "--params",
          "fail_times=1",
          "--runner",
          "distributed",
          "--runner-params",
          params(queue, "retries=1"),
        ),
      );
      expect(recovered.stderr).toContain("attempt 1 of 2");
      expect(JSON.parse(await readFile(join(dir, "data/out/f_out.json"), "utf8"))).toBe(10);
    }
  });

  it("Ctrl-C (SIGINT) removes the run's queued jobs and exits non-zero", async () => {
    await clean();
    const run = startKiln(dir, [
      "run",
      "--pipeline",
      "slow_fan",
      "--runner",
      "distributed",
      "--runner-params",
      params(queue),
    ]);
    // Each worker takes one of the five slow nodes; the other three wait in the queue.
    await waitUntil(async () => (await readMarks(dir)).length === 2);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("KILN_DISTRIBUTED_CANCELLED");
    expect(run.output()).toContain("3 queued jobs removed, 2 already running on workers left to finish");
    const q = new Queue(queue, { connection: { url: redis.url } });
    try {
      expect(await q.getJobCounts("wait", "delayed", "prioritized")).toEqual({
        wait: 0,
        delayed: 0,
        prioritized: 0,
      });
      // The two running nodes finish; no other is started.
      await waitUntil(async () => (await q.getJobCounts("active")).active === 0);
    } finally {
      await q.close();
    }
    expect(await readMarks(dir)).toHaveLength(2);
  });

  it("refuses, before any node runs, memory data between jobs; runs it with group_by=namespace or memory=redis", async () => {
    {
      await clean();
      const refused = await kiln(
        dir,
        "run",
        "--pipeline",
        "memory",
        "--runner",
        "distributed",
        "--runner-params",
        params(queue),
      );
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        'KILN_DISTRIBUTED_MEMORY_DATASET: A dataset in memory would have to pass between jobs that may run on different workers: "between" (made by "mem.produce", read by "mem.consume").',
      );
      await expect(readFile(join(dir, "data/hooks.log"), "utf8")).rejects.toThrow(); // no hook, no node ran

      const grouped = ok(
        await kiln(
          dir,
          "run",
          "--pipeline",
          "memory",
          "--runner",
          "distributed",
          "--runner-params",
          params(queue, "group_by=namespace"),
        ),
      );
      expect(grouped.stderr).toContain("2 nodes in 1 job");
      expect(grouped.stderr).toContain("Completed 2 of 2 nodes: mem.consume");
      expect(JSON.parse(await readFile(join(dir, "data/out/mem_total.json"), "utf8"))).toBe(19);

      await clean();
      ok(
        await kiln(
          dir,
          "run",
          "--pipeline",
          "memory",
          "--runner",
          "distributed",
          "--runner-params",
          params(queue, "memory=redis"),
        ),
      );
      expect(JSON.parse(await readFile(join(dir, "data/out/mem_total.json"), "utf8"))).toBe(19);
    }
  });

  it("groups the nodes of a namespace into one job (group_by=namespace)", async () => {
    await clean();
    const run = ok(
      await kiln(
        dir,
        "run",
        "--runner",
        "distributed",
        "--runner-params",
        params(queue, "group_by=namespace"),
      ),
    );
    expect(run.stderr).toContain("6 nodes in 5 jobs"); // stats.biggest and stats.count together
    const hooks = (await readFile(join(dir, "data/hooks.log"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
    const statsPids = hooks
      .filter((h) => h[1] === "beforeNodeRun" && h[2]!.startsWith("stats."))
      .map((h) => h[0]);
    expect(new Set(statsPids).size).toBe(1);
  });
});

describe("with @kiln/tracking", () => {
  it("records every node of a distributed run where the run started, with the metrics workers logged", async () => {
    const tracked = await mkdtemp(join(tmpdir(), "kiln-e2e-distributed-tracked-"));
    try {
      await writeDistributedProject(tracked, { tracking: true });
      const queue = newQueue();
      const workers = await startWorkers(tracked, redis.url, queue, 2);
      let run: Result;
      try {
        run = ok(
          await kiln(
            tracked,
            "run",
            "--pipeline",
            "tracked",
            "--runner",
            "distributed",
            "--runner-params",
            params(queue),
          ),
        );
      } finally {
        await stopWorkers(workers);
      }
      const id = /Tracking run (\S+) in /.exec(run.stderr)?.[1];
      expect(id, run.output).toBeDefined();
      const shown = JSON.parse(ok(await kiln(tracked, "tracking", "show", id!, "--json")).stdout);
      expect(shown).toMatchObject({
        status: "FINISHED",
        tags: { "kiln.runner": "DistributedRunner" },
        metrics: { "run_metrics.n_count": 6, "run_metrics.n_max": 6 },
      });
      expect(shown.nodes.map((n: { name: string; status: string }) => [n.name, n.status]).sort()).toEqual([
        ["make_numbers", "success"],
        ["measure", "success"],
      ]);
      expect(shown.lineage).toContainEqual(
        expect.objectContaining({
          node: "make_numbers",
          dataset: "numbers",
          direction: "output",
          location: "data/out/numbers.json",
        }),
      );
    } finally {
      await rm(tracked, { recursive: true, force: true });
    }
  });
});

describe("kiln schedule", () => {
  it("adds a schedule a worker runs as a normal, recorded run; lists and removes it", async () => {
    await clean();
    await withWorkers(1, async (queue) => {
      const flags = ["--redis", redis.url, "--queue", queue];
      const added = ok(
        await kiln(
          dir,
          "schedule",
          "add",
          "tick",
          "--pipeline",
          "main",
          "--cron",
          "* * * * * *",
          "--params",
          "n=3",
          ...flags,
        ),
      );
      expect(added.stdout).toMatch(
        /^Added schedule "tick": pipeline main, cron "\* \* \* \* \* \*", next run \S+Z\. A kiln worker on queue "q\d+" runs it\.\n$/,
      );
      const listed = JSON.parse(ok(await kiln(dir, "schedule", "list", "--json", ...flags)).stdout);
      expect(listed).toEqual([
        expect.objectContaining({ name: "tick", pipeline: "main", cron: "* * * * * *", params: "n=3" }),
      ]);
      await waitUntil(async () => {
        const text = await readFile(join(dir, ".kiln/runs.jsonl"), "utf8").catch(() => "");
        return text.includes('"command":"kiln run --pipeline main --params n=3"');
      });
      ok(await kiln(dir, "schedule", "rm", "tick", ...flags));
      expect(ok(await kiln(dir, "schedule", "list", ...flags)).stdout).toContain("No schedules.");
    });
    const records = (await readFile(join(dir, ".kiln/runs.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const scheduled = records.find((r) => r.command === "kiln run --pipeline main --params n=3");
    expect(scheduled).toMatchObject({ status: "success", pipeline: "main", runtimeParams: { n: 3 } });
    expect(JSON.parse(await readFile(join(dir, "data/out/total.json"), "utf8"))).toBe(14);
  });

  it("refuses a bad cron expression and an unknown pipeline before adding anything", async () => {
    const flags = ["--redis", redis.url, "--queue", newQueue()];
    const cron = await kiln(
      dir,
      "schedule",
      "add",
      "x",
      "--pipeline",
      "main",
      "--cron",
      "61 * * * *",
      ...flags,
    );
    expect(cron.code).toBe(2);
    expect(cron.stderr).toContain(
      'KILN_DISTRIBUTED_BAD_CRON: --cron "61 * * * *" is not a cron expression: constraint error, got value 61 expected range 0-59.',
    );
    const pipeline = await kiln(
      dir,
      "schedule",
      "add",
      "x",
      "--pipeline",
      "mian",
      "--cron",
      "0 3 * * *",
      ...flags,
    );
    expect(pipeline.stderr).toContain(
      'KILN_PROJECT_UNKNOWN_PIPELINE: The project has no pipeline named "mian".',
    );
    expect(ok(await kiln(dir, "schedule", "list", ...flags)).stdout).toContain("No schedules.");
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
