import { createLogger } from "kiln";
import type pl from "nodejs-polars";
import { afterEach, describe, expect, it } from "vitest";
import type { LoadedModel } from "../model-types.js";
import { encodePredictions, frameFromTyped, type TypedTable, typedTable } from "../protocol/index.js";
import { createLinearModel, LINEAR_SIGNATURE } from "../testing/linear-model.js";
import { type BatchingOptions, PredictionBatcher } from "./batcher.js";
import { type ScoringServer, startScoringServer } from "./scoring-server.js";

const silent = createLogger({ level: "silent" });

/** The linear model, recording the rows and params of each call; engines < 0 makes it throw. */
function countingModel(base: LoadedModel = createLinearModel({ output: "dataframe" })) {
  const calls: { rows: number; params: Record<string, unknown> | undefined }[] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const model: LoadedModel = {
    ...base,
    async predict(input, params) {
      const frame = input as pl.DataFrame;
      calls.push({ rows: frame.height, params });
      if (gate) await gate;
      if ((frame.getColumn("engines").toArray() as number[]).some((e) => e < 0))
        throw new Error("engines cannot be negative");
      return base.predict(input, params);
    },
  };
  return {
    model,
    calls,
    /** Holds every prediction until `open()`. */
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    open() {
      gate = undefined;
      release?.();
    },
  };
}

const table = (...engines: number[]): TypedTable =>
  typedTable(
    {
      columns: ["engines", "passenger_capacity", "crew"],
      values: [engines, engines.map(() => 100), engines.map(() => 4)],
      rows: engines.length,
    },
    LINEAR_SIGNATURE.inputs,
  );

const batcherOf = (model: LoadedModel, options: Partial<BatchingOptions> = {}) =>
  new PredictionBatcher(model, { maxRows: 64, ...options }, silent);

/** What the model answers for `t` on its own, unbatched. */
const alone = async (t: TypedTable, params?: Record<string, unknown>) =>
  encodePredictions(await createLinearModel({ output: "dataframe" }).predict(frameFromTyped(t), params));

describe("PredictionBatcher", () => {
  it("predicts the requests of one turn of the event loop in one call, each answered with its own rows", async () => {
    const { model, calls } = countingModel();
    const batcher = batcherOf(model);
    const tables = [table(1), table(2, 3), table(4)];
    const bodies = await Promise.all(tables.map((t) => batcher.predict(t, undefined)));
    expect(calls.map((c) => c.rows)).toEqual([4]);
    for (const [i, t] of tables.entries()) expect(bodies[i]).toBe(await alone(t));
    expect(JSON.parse(bodies[1]!)).toEqual({
      predictions: [{ price: 2000 + 2000 + 20 + 100 }, { price: 3000 + 2000 + 20 + 100 }],
    });
  });

  it("batches the requests that arrive while a prediction runs", async () => {
    const counting = countingModel();
    const batcher = batcherOf(counting.model);
    counting.hold();
    const first = batcher.predict(table(1), undefined);
    while (counting.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const later = [table(2), table(3), table(4)].map((t) => batcher.predict(t, undefined));
    await new Promise((resolve) => setImmediate(resolve));
    counting.open();
    expect(await first).toBe(await alone(table(1)));
    expect(await Promise.all(later)).toEqual([
      await alone(table(2)),
      await alone(table(3)),
      await alone(table(4)),
    ]);
    expect(counting.calls.map((c) => c.rows)).toEqual([1, 3]);
  });

  it("merges only requests with the same params, in arrival order", async () => {
    const { model, calls } = countingModel();
    const batcher = batcherOf(model);
    const bodies = await Promise.all([
      batcher.predict(table(1), { scale: 2 }),
      batcher.predict(table(2), undefined),
      batcher.predict(table(3), { scale: 2 }),
      batcher.predict(table(4), { scale: 3 }),
    ]);
    expect(calls).toEqual([
      { rows: 2, params: { scale: 2 } },
      { rows: 1, params: undefined },
      { rows: 1, params: { scale: 3 } },
    ]);
    expect(bodies).toEqual([
      await alone(table(1), { scale: 2 }),
      await alone(table(2)),
      await alone(table(3), { scale: 2 }),
      await alone(table(4), { scale: 3 }),
    ]);
  });

  it("merges only requests with the same columns (an optional column left out is another batch)", async () => {
    const { model, calls } = countingModel();
    const batcher = batcherOf(model);
    const withoutCrew = typedTable(
      { columns: ["engines", "passenger_capacity"], values: [[5], [100]], rows: 1 },
      LINEAR_SIGNATURE.inputs,
    );
    const bodies = await Promise.all([
      batcher.predict(table(1), undefined),
      batcher.predict(withoutCrew, undefined),
      batcher.predict(table(2), undefined),
    ]);
    expect(calls.map((c) => c.rows)).toEqual([2, 1]);
    expect(bodies[1]).toBe(await alone(withoutCrew));
  });

  it("takes at most maxRows rows per call, never splitting a request", async () => {
    const { model, calls } = countingModel();
    const batcher = batcherOf(model, { maxRows: 4 });
    await Promise.all(
      [table(1, 2), table(3, 4), table(5, 6), table(1, 2, 3, 4, 5)].map((t) => batcher.predict(t, undefined)),
    );
    expect(calls.map((c) => c.rows)).toEqual([4, 2, 5]);
  });

  it("with waitMs, the first request waits for others (here until maxRows rows are queued)", async () => {
    const { model, calls } = countingModel();
    const batcher = batcherOf(model, { maxRows: 2, waitMs: 60_000 });
    const first = batcher.predict(table(1), undefined);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([]);
    const second = batcher.predict(table(2), undefined);
    expect([await first, await second]).toEqual([await alone(table(1)), await alone(table(2))]);
    expect(calls.map((c) => c.rows)).toEqual([2]);
  });

  it("when the model fails on a batch, predicts each request alone: only the one it fails on fails", async () => {
    const { model, calls } = countingModel();
    const batcher = batcherOf(model);
    const results = await Promise.allSettled([
      batcher.predict(table(1), undefined),
      batcher.predict(table(-1), undefined),
      batcher.predict(table(3), undefined),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("engines cannot be negative");
    expect((results[2] as PromiseFulfilledResult<string>).value).toBe(await alone(table(3)));
    expect(calls.map((c) => c.rows)).toEqual([3, 1, 1, 1]);
  });

  it.each([
    ["one value for the batch", async () => 42],
    ["fewer predictions than rows", async () => [1]],
  ])("KILN_SERVE_BATCH_ROWS: a model whose result is not one prediction per row (%s)", async (_, predict) => {
    const batcher = batcherOf({ ...createLinearModel(), predict });
    const results = await Promise.allSettled([
      batcher.predict(table(1), undefined),
      batcher.predict(table(2), undefined),
    ]);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      expect((result as PromiseRejectedResult).reason).toMatchObject({
        code: "KILN_SERVE_BATCH_ROWS",
        status: 500,
        errorCode: "INTERNAL_ERROR",
      });
    }
    expect((results[0] as PromiseRejectedResult).reason.message).toMatch(/for 2 input rows/);
  });
});

describe("scoring server with batch", () => {
  let server: ScoringServer | undefined;
  afterEach(async () => {
    await server?.close({ graceMs: 0 });
    server = undefined;
  });

  const invoke = (body: unknown) =>
    fetch(`${server!.url}/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("answers concurrent requests from one prediction; a bad request among them is its own 400", async () => {
    const { model, calls } = countingModel(createLinearModel({ output: "array" }));
    // A long wait: the batch goes when its 3 rows are there, whatever the timing of the requests.
    server = await startScoringServer({
      model,
      port: 0,
      logger: silent,
      batch: { maxRows: 3, waitMs: 60_000 },
    });
    await server.ready;
    const row = (engines: number) => ({ engines, passenger_capacity: 100, crew: 4 });
    const answers = await Promise.all([
      invoke({ dataframe_records: [row(1)] }),
      invoke({ dataframe_records: [{ engines: 2 }] }),
      invoke({
        dataframe_split: { columns: ["engines", "passenger_capacity", "crew"], data: [[3, 100, 4]] },
      }),
      invoke({ instances: [row(4)] }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 400, 200, 200]);
    expect(answers[1]!.headers.get("x-kiln-error-code")).toBe("KILN_SERVE_MISSING_COLUMN");
    const prices = await Promise.all(
      [0, 2, 3].map(async (i) => ((await answers[i]!.json()) as { predictions: unknown }).predictions),
    );
    expect(prices).toEqual([[3120], [5120], [6120]]);
    expect(calls.map((c) => c.rows)).toEqual([3]);
  });

  it("KILN_SERVE_BATCH_ROWS is a 500 INTERNAL_ERROR for the batch's requests", async () => {
    server = await startScoringServer({
      model: { ...createLinearModel(), predict: async () => 42 },
      port: 0,
      logger: silent,
      batch: { maxRows: 8 },
    });
    await server.ready;
    const res = await invoke({ dataframe_records: [{ engines: 1, passenger_capacity: 100 }] });
    expect(res.status).toBe(500);
    expect(res.headers.get("x-kiln-error-code")).toBe("KILN_SERVE_BATCH_ROWS");
    const body = (await res.json()) as { error_code: string; message: string };
    expect(body.error_code).toBe("INTERNAL_ERROR");
    expect(body.message).toMatch(/--batch-max-rows/);
  });
});
