import { node, Pipeline, pipeline } from "kiln";
import { describe, expect, it } from "vitest";
import {
  DemotedPair,
  demotedPairReason,
  isPipelineML,
  PipelineML,
  pipelineML,
  pipelineMlFactory,
} from "./pipeline-ml.js";

const id = (x: unknown) => x;
const fit = (x: unknown) => ({ fitted: x });

// prepare → fit (scaler, model) → evaluate; inference: scale → predict.
const training = pipeline([
  node({ func: id, inputs: "raw", outputs: "features", name: "prepare" }),
  node({ func: fit, inputs: "features", outputs: "scaler", name: "fit_scaler", tags: "fit" }),
  node({ func: fit, inputs: ["features", "scaler"], outputs: "model", name: "fit_model", tags: "fit" }),
  node({ func: id, inputs: ["model", "features"], outputs: "metrics", name: "evaluate" }),
]);
const inference = pipeline([
  node({ func: id, inputs: ["features", "scaler"], outputs: "scaled", name: "scale" }),
  node({
    func: id,
    inputs: ["model", "scaled", "params:threshold"],
    outputs: "predictions",
    name: "predict",
  }),
]);
const pair = () => pipelineML({ training, inference, inputName: "features" });

describe("pipelineML", () => {
  it("is the training pipeline, with the inference side described", () => {
    const p = pair();
    expect(p).toBeInstanceOf(Pipeline);
    expect(isPipelineML(p)).toBe(true);
    expect(isPipelineML(training)).toBe(false);
    expect(p.nodes.map((n) => n.name)).toEqual(training.nodes.map((n) => n.name));
    expect(p.spec).toMatchObject({
      inputName: "features",
      outputName: "predictions",
      artifacts: ["model", "scaler"],
      parameters: ["params:threshold"],
      defaultCopyMode: "assign",
      inputExampleRows: 5,
    });
    expect(p.training).toBeInstanceOf(Pipeline);
    expect(isPipelineML(p.training)).toBe(false);
    expect(pipelineMlFactory).toBe(pipelineML);
  });

  it("KILN_MODEL_INFERENCE_OUTPUTS: the inference pipeline must have exactly one output", () => {
    const two = pipeline([
      node({ func: id, inputs: ["model", "features"], outputs: "a", name: "a" }),
      node({ func: id, inputs: "features", outputs: "b", name: "b" }),
    ]);
    expect(() => pipelineML({ training, inference: two, inputName: "features" })).toThrow(
      expect.objectContaining({
        code: "KILN_MODEL_INFERENCE_OUTPUTS",
        message: expect.stringContaining('it has 2: "a", "b"'),
      }),
    );
  });

  it("KILN_MODEL_INPUT_NAME: inputName must be an input of the inference pipeline, with a did-you-mean", () => {
    const error = (() => {
      try {
        pipelineML({ training, inference, inputName: "featurez" });
      } catch (e) {
        return e as { code: string; message: string; hint: string };
      }
    })();
    expect(error?.code).toBe("KILN_MODEL_INPUT_NAME");
    expect(error?.message).toBe(
      'pipelineML(): inputName "featurez" is not an input of the inference pipeline.',
    );
    expect(error?.hint).toContain('Did you mean "features"?');
    expect(error?.hint).toContain('"features", "model", "scaler"');
    expect(() => pipelineML({ training, inference, inputName: "params:threshold" })).toThrow(
      expect.objectContaining({ code: "KILN_MODEL_INPUT_NAME" }),
    );
  });

  it("KILN_MODEL_FREE_INFERENCE_INPUT: every other input is made by training", () => {
    const withoutScaler = training.difference(training.onlyNodes("fit_scaler"));
    expect(() => pipelineML({ training: withoutScaler, inference, inputName: "features" })).toThrow(
      expect.objectContaining({
        code: "KILN_MODEL_FREE_INFERENCE_INPUT",
        message: expect.stringContaining('reads "scaler", which the training pipeline does not produce'),
      }),
    );
  });

  it("checks its options: names, aliases, copy modes, example rows", () => {
    const make = (extra: object) => () =>
      pipelineML({ training, inference, inputName: "features", ...extra });
    expect(make({ registeredModelName: "a/b" })).toThrow(
      expect.objectContaining({ code: "KILN_MODEL_BAD_NAME" }),
    );
    expect(make({ promote: { alias: "latest" } })).toThrow(
      expect.objectContaining({ code: "KILN_MODEL_BAD_ALIAS", message: expect.stringContaining("reserved") }),
    );
    expect(make({ promote: { alias: "v2" } })).toThrow(
      expect.objectContaining({ code: "KILN_MODEL_BAD_ALIAS" }),
    );
    expect(make({ copyMode: "shallow" })).toThrow(
      expect.objectContaining({ code: "KILN_MODEL_BAD_PAIR", message: expect.stringContaining('"shallow"') }),
    );
    expect(make({ copyMode: { modle: "copy" } })).toThrow(
      expect.objectContaining({ code: "KILN_MODEL_BAD_PAIR", hint: 'Did you mean "model"?' }),
    );
    expect(make({ inputExampleRows: 0 })).toThrow(expect.objectContaining({ code: "KILN_MODEL_BAD_PAIR" }));
    const ok = make({
      registeredModelName: "price",
      promote: { alias: "champion", metric: "r2" },
      copyMode: { model: "deepcopy" },
    })();
    expect(ok.spec).toMatchObject({
      registeredModelName: "price",
      promote: { alias: "champion", metric: "r2", greaterIsBetter: true },
      copyModes: { model: "deepcopy" },
    });
  });
});

describe("filtering a pair", () => {
  it("keeps the pair when the training part still makes every artifact", () => {
    const p = pair();
    for (const kept of [
      p.filter({ tags: ["fit"], nodeNames: ["fit_scaler", "fit_model"] }),
      p.toNodes("fit_model"),
      p.toOutputs("model"),
      p.onlyNodesWithTags("fit"),
      p.add(node({ func: id, inputs: "metrics", outputs: "report", name: "report" })),
      p.tag("training"),
    ]) {
      expect(kept).toBeInstanceOf(PipelineML);
      expect((kept as PipelineML).inference).toBe(inference);
    }
    expect(p.tag("training").nodes.every((n) => n.tags.has("training"))).toBe(true);
  });

  it("a filter that drops a node making an artifact gives the plain training nodes, saying why", () => {
    const p = pair();
    const cut = p.filter({ fromNodes: ["fit_model"] });
    expect(cut).toBeInstanceOf(DemotedPair);
    expect(isPipelineML(cut)).toBe(false);
    expect(cut.nodes.map((n) => n.name)).toEqual(["fit_model", "evaluate"]);
    expect(demotedPairReason(cut)).toBe(
      'Filtering with --from-nodes fit_model leaves out node "fit_scaler" of the pair, so this run does not produce "scaler", which its inference pipeline reads',
    );
    expect(demotedPairReason(p.onlyNodes("evaluate"))).toContain('nodes "fit_model", "fit_scaler"');
    expect(demotedPairReason(p.difference(training.onlyNodes("fit_model")))).toContain('node "fit_model"');
    // Slicing the demoted pipeline again gives a plain pipeline; a kept pair is not demoted.
    expect(demotedPairReason(cut.onlyNodes("evaluate"))).toBeUndefined();
    expect(demotedPairReason(p.toNodes("fit_model"))).toBeUndefined();
    // The plain training part slices freely: nothing is packaged from it.
    expect(p.training.fromNodes("fit_model").nodes.map((n) => n.name)).toEqual(["fit_model", "evaluate"]);
  });
});
