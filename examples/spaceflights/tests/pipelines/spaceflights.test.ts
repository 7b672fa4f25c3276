import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadModel } from "@kiln/serve";
import { openTrackingStore } from "@kiln/tracking";
import { createLogger, KilnSession } from "kiln";
import pl from "nodejs-polars";
import { generateRawData } from "../../src/pipelines/data_generation/nodes.js";
import { evaluateModel, predictPrice, splitData } from "../../src/pipelines/data_science/nodes.js";
import { priceBandCounts } from "../../src/pipelines/reporting/nodes.js";
import { inProjectCopy } from "../support/project-copy.js";

const small = { companies: 50, shuttles: 200, reviewed: 0.9, seed: 7 };

describe("data generation and data science nodes", () => {
  test("generate the same raw data for the same seed, with the tutorial's messy strings", () => {
    const [companies, reviews, shuttles] = generateRawData(small);
    assert.equal(companies.height, 50);
    assert.equal(shuttles.height, 200);
    assert.ok(reviews.height > 150 && reviews.height < 200);
    assert.match(
      String(
        shuttles
          .getColumn("price")
          .toArray()
          .find((p) => p !== null),
      ),
      /^\$\d{1,3}(,\d{3})*\.\d$/,
    );
    assert.match(
      String(
        companies
          .getColumn("company_rating")
          .toArray()
          .find((r) => r !== null),
      ),
      /^\d+%$/,
    );
    assert.deepEqual(generateRawData(small)[2].toRecords(), shuttles.toRecords());
  });

  test("splitData holds out ceil(test_size · rows), the same rows for the same seed", () => {
    const data = pl.DataFrame({ a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], price: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    const options = { test_size: 0.25, random_state: 1, features: ["a"] };
    const [xTrain, xTest, yTrain, yTest] = splitData(data, options);
    assert.equal(xTest.height, 3);
    assert.equal(xTrain.height + xTest.height, 10);
    assert.deepEqual(yTest.getColumn("price").toArray(), xTest.getColumn("a").toArray());
    assert.deepEqual(splitData(data, options)[1].toRecords(), xTest.toRecords());
    assert.equal(yTrain.height, 7);
    assert.throws(
      () => splitData(data, { ...options, features: ["nope"] }),
      /features names columns the table lacks: nope/,
    );
  });

  test("evaluateModel reports R², MAE and the largest error", () => {
    const model = { kind: "linear_regression" as const, features: ["a"], coefficients: [1], intercept: 0 };
    const metrics = evaluateModel(model, pl.DataFrame({ a: [1, 2, 3] }), pl.DataFrame({ price: [1, 2, 5] }));
    assert.equal(metrics.max_error, 2);
    assert.ok(Math.abs(metrics.mae - 2 / 3) < 1e-12);
    assert.ok(Math.abs(metrics.r2_score - (1 - 4 / (78 / 9))) < 1e-12); // total sum of squares: 78/9
  });
});

describe("the packaged model's node", () => {
  test("predictPrice takes the model's features from each row (booleans as 0/1), ignoring other columns", () => {
    const model = {
      kind: "linear_regression" as const,
      features: ["a", "b"],
      coefficients: [2, 10],
      intercept: 1,
    };
    const rows = pl.DataFrame({ b: [true, false], extra: ["x", "y"], a: [1, 3] });
    const prices = predictPrice(model, rows);
    assert.ok(prices instanceof Float64Array);
    assert.deepEqual([...prices], [13, 7]);
    assert.throws(() => predictPrice(model, pl.DataFrame({ a: [1] })), /lack the model's features: b/);
  });
});

describe("reporting nodes", () => {
  test("priceBandCounts puts each row in one actual × predicted band cell", () => {
    const table = pl.DataFrame({ price: [1, 2, 3, 4, 5, 6], a: [1, 2, 3, 4, 5, 6] });
    const perfect = { kind: "linear_regression" as const, features: ["a"], coefficients: [1], intercept: 0 };
    const cells = priceBandCounts(table, perfect);
    assert.equal(cells.length, 9);
    assert.equal(
      cells.reduce((sum, c) => sum + c.count, 0),
      6,
    );
    assert.deepEqual(
      cells.filter((c) => c.count > 0).map((c) => [c.actual, c.predicted, c.count]),
      [
        ["low", "low", 2],
        ["mid", "mid", 2],
        ["high", "high", 2],
      ],
    );
  });
});

describe("the spaceflights project", () => {
  test("generates its raw data, then runs processing and both models end to end, and packages the model", async () => {
    await inProjectCopy(async (projectPath) => {
      const logger = createLogger({ level: "silent" });
      const params = { data_generation: small };
      const generate = await KilnSession.create({ projectPath, logger, runtimeParams: params });
      await generate.run({ pipeline: "data_generation" });
      assert.deepEqual((await readdir(join(projectPath, "data/01_raw"))).sort(), [
        "companies.csv",
        "reviews.csv",
        "shuttles.xlsx",
      ]);

      const session = await KilnSession.create({ projectPath, logger });
      await session.run();
      // The run's metrics are in its tracking store (conf/base/tracking.yml), under the run's id.
      const store = await openTrackingStore({ projectPath, logger });
      const run = await store.getRun(session.lastRun!.runId);
      await store.close();
      assert.equal(run?.status, "FINISHED");
      for (const namespace of ["active_modelling_pipeline", "candidate_modelling_pipeline"]) {
        const r2 = run!.metrics[`${namespace}.r2_score`]!;
        assert.ok(r2 > 0.3 && r2 <= 1, `${namespace} R² ${r2}`);
        assert.equal(run!.params[`${namespace}.model_options.test_size`], "0.2");
        const versions = await readdir(join(projectPath, `data/06_models/${namespace}/regressor.json`));
        assert.equal(versions.length, 1);
      }
      // The run also packaged the active model's inference pipeline and registered it as the first
      // version of "spaceflights" (conf/base/tracking.yml): it predicts prices for its input example.
      const model = await loadModel("models:/spaceflights@champion", { projectPath });
      const example = model.inputExample!;
      const rows = pl.DataFrame(
        Object.fromEntries(example.columns.map((column, i) => [column, example.data.map((row) => row[i])])),
      );
      const prices = [...((await model.predict(rows)) as Float64Array)];
      assert.equal(prices.length, example.data.length);
      assert.ok(
        prices.every((price) => Number.isFinite(price) && price > 0),
        String(prices),
      );
      await model.close();
      const table = pl.readParquet(join(projectPath, "data/03_primary/model_input_table.parquet"));
      assert.equal(table.getColumn("price").nullCount(), 0);
      const reports = await readdir(join(projectPath, "data/08_reporting"));
      for (const file of [
        "shuttle_passenger_capacity_plot.json",
        "shuttle_passenger_capacity_plot.svg",
        "shuttle_passenger_capacity_plot.png",
        "price_band_confusion_matrix.png",
      ])
        assert.ok(reports.includes(file), `${file} in ${reports.join(", ")}`);
    });
  });
});
