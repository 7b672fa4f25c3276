import { DataCatalog, MemoryDataset, pipeline, SequentialRunner } from "kiln";
import { describe, expect, it } from "vitest";
import { validationGate } from "./validation-gate.js";

/**
 * Runs the gate alone on `metrics` (and `params:model_validation` when given); returns its output,
 * or rejects with the gate's own error (the runner wraps it as the node's failure).
 */
async function runGate(gate: ReturnType<typeof validationGate>, metrics: unknown, thresholds?: unknown) {
  const catalog = new DataCatalog({ metrics: new MemoryDataset(metrics) });
  if (thresholds !== undefined) catalog.addParameters({ model_validation: thresholds });
  catalog.add("checks", new MemoryDataset());
  try {
    await new SequentialRunner().run(pipeline([gate]), catalog);
  } catch (error) {
    expect(error).toMatchObject({ code: "KILN_NODE_FAILED", nodeName: "validate_model" });
    throw (error as Error).cause;
  }
  return catalog.load("checks");
}

describe("validationGate", () => {
  it("passes metrics within their bounds and records each check", async () => {
    const gate = validationGate({
      metrics: "metrics",
      thresholds: { r2_score: { min: 0.5 }, mae: { max: 1500 } },
      output: "checks",
    });
    expect(gate.name).toBe("validate_model");
    expect(await runGate(gate, { r2_score: 0.8, mae: { value: 1200, step: 0 }, max_error: 9000 })).toEqual({
      r2_score: { value: 0.8, min: 0.5, max: null, passed: true },
      mae: { value: 1200, min: null, max: 1500, passed: true },
    });
  });

  it("KILN_MODEL_VALIDATION_FAILED: fails the run naming each metric that missed, and where the bound lives", async () => {
    const gate = validationGate({
      metrics: "metrics",
      thresholds: "params:model_validation",
      output: "checks",
    });
    await expect(
      runGate(gate, { r2_score: 0.42, mae: 2000 }, { r2_score: { min: 0.5 }, mae: { max: 1500 } }),
    ).rejects.toMatchObject({
      code: "KILN_MODEL_VALIDATION_FAILED",
      message:
        'Model validation failed (node "validate_model"): r2_score 0.42 is below its minimum 0.5; mae 2000 is above its maximum 1500.',
      hint: expect.stringContaining("neither packaged nor registered"),
    });
    await expect(runGate(gate, { r2_score: Number.NaN }, { r2_score: { min: 0 } })).rejects.toMatchObject({
      message: expect.stringContaining("r2_score NaN is not a number"),
    });
    await expect(runGate(gate, { r2: 0.9 }, { r2_score: { min: 0.5 } })).rejects.toMatchObject({
      message: 'Node "validate_model": "metrics" has no metric "r2_score".',
      hint: 'It has "r2"; name one of them in the thresholds.',
    });
  });

  it("KILN_MODEL_BAD_THRESHOLDS: literal bounds when the node is made, parameters when it runs", async () => {
    expect(() => validationGate({ metrics: "m", thresholds: { r2: { minimum: 1 } as never } })).toThrow(
      expect.objectContaining({
        code: "KILN_MODEL_BAD_THRESHOLDS",
        message: 'validationGate("validate_model"): "r2" has unknown keys minimum.',
      }),
    );
    expect(() => validationGate({ metrics: "m", thresholds: {} })).toThrow(
      expect.objectContaining({ message: 'validationGate("validate_model"): no metric has a threshold.' }),
    );
    const gate = validationGate({ metrics: "metrics", thresholds: "params:model_validation" });
    await expect(runGate(gate, { r2: 1 }, { r2: { min: "high" } })).rejects.toMatchObject({
      code: "KILN_MODEL_BAD_THRESHOLDS",
      message: 'params:model_validation (node "validate_model"): "r2.min" is "high", not a number.',
    });
  });
});
