import type { RunParams } from "kiln";
import { describe, expect, it } from "vitest";
import { isSkipped, runName } from "./tracking-hooks.js";

const params = (pipelineName?: string): RunParams => ({
  runId: "2026-01-02T03.04.05.678Z",
  runner: "SequentialRunner",
  env: "prod",
  ...(pipelineName ? { pipelineName } : {}),
});

describe("run names", () => {
  it("default to the pipeline's name, and fill run.name's placeholders", () => {
    expect(runName(null, params("training"))).toBe("training");
    expect(runName(null, params())).toBe("__default__");
    expect(runName("{pipeline}@{env} #{run_id} {other}", params("training"))).toBe(
      "training@prod #2026-01-02T03.04.05.678Z {other}",
    );
  });
});

describe("pipelines.skip", () => {
  it("skips a run whose pipelines are all listed", () => {
    expect(isSkipped(["data_generation"], params("data_generation"))).toBe(true);
    expect(isSkipped(["data_generation"], params("data_generation,data_science"))).toBe(false);
    expect(isSkipped(["a", "b"], params("a,b"))).toBe(true);
    expect(isSkipped([], params())).toBe(false);
    expect(isSkipped(["__default__"], params())).toBe(true);
  });
});
