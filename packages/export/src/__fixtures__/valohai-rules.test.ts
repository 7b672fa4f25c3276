// The rule checker must catch what valohai-yaml catches, or passing it would prove nothing.
import { describe, expect, it } from "vitest";
import { checkValohai } from "./valohai-rules.js";

const step = (extra: Record<string, unknown> = {}) => ({
  step: { name: "train", image: "python:3.12", command: ["python train.py {parameters}"], ...extra },
});
const messages = (doc: unknown) => checkValohai(doc).map((f) => `${f.type}: ${f.message}`);

describe("checkValohai", () => {
  it("passes a small valid config", () => {
    const doc = [
      step({ outputs: [{ name: "model" }] }),
      { step: { name: "eval", image: "x", command: "python eval.py", inputs: [{ name: "model" }] } },
      {
        pipeline: {
          name: "p",
          nodes: [
            { name: "train", type: "execution", step: "train" },
            { name: "eval", type: "execution", step: "eval" },
          ],
          edges: [
            { source: "train.output.model/*", target: "eval.input.model" },
            ["train.output.x", "eval.input.model"],
          ],
        },
      },
    ];
    expect(messages(doc)).toEqual([]);
  });

  it("finds schema errors: required and unknown properties, wrong types, long input names", () => {
    expect(messages([{ step: { name: "s", command: 1, imag: "x" } }])).toEqual([
      "error: step s: 'image' is a required property",
      "error: step s: additional property 'imag'",
      "error: step s: image is not a string",
      "error: step s: command is neither a string nor a list of strings",
    ]);
    expect(
      messages([step({ inputs: [{ name: "x".repeat(65) }], parameters: [{ name: "a", type: "int" }] })]),
    ).toEqual([
      `error: step train, input ${"x".repeat(65)}: name is longer than 64 characters`,
      "error: Step train, parameter a: type int is not one of flag, float, integer, string",
    ]);
    expect(messages([{ pipeline: { name: "p", nodes: [] } }])).toEqual([
      "error: pipeline p: 'edges' is a required property",
    ]);
  });

  it("finds lint warnings on parameters: defaults of the wrong type, flag misuse", () => {
    const parameters = [
      { name: "lr", type: "float", default: "fast" },
      { name: "n", type: "integer", default: 2.5, min: 3 },
      { name: "s", type: "string", default: 5 },
      { name: "f", type: "flag", optional: true, "pass-as": "--f", "pass-true-as": "--f=1" },
      { name: "t", type: "string", "pass-true-as": "--t" },
    ];
    expect(messages([step({ parameters })])).toEqual([
      "warning: Step train, parameter lr: default fast is not a floating-point number",
      "warning: Step train, parameter n: default 2.5 is not an integer",
      "warning: Step train, parameter n: default 2.5 is less than the minimum allowed (3)",
      "warning: Step train, parameter s: default `default` value 5 is not a string",
      "warning: Step train, parameter f: `optional` has no effect on flag-type parameters",
      "warning: Step train, parameter f: `pass-as` has no effect with `pass-true-as`/`pass-false-as`",
      "warning: Step train, parameter t: `pass-true-as` has no effect on non-flag parameters",
    ]);
  });

  it("finds pipeline errors: dotted node names in edges, missing nodes and steps, bad edge types", () => {
    const doc = [
      step({ inputs: [{ name: "data" }] }),
      {
        pipeline: {
          name: "p",
          nodes: [
            { name: "ns.train", type: "execution", step: "train" },
            { name: "train", type: "execution", step: "nope" },
            { name: "train", type: "execution", step: "train" },
          ],
          edges: [
            { source: "ns.train.output.model", target: "train.input.data" },
            { source: "train.outputs.model", target: "train.input.other" },
            { source: "train", target: "train.input.data" },
          ],
        },
      },
    ];
    expect(messages(doc)).toEqual([
      "error: Pipeline p node train step nope does not exist",
      "error: Pipeline p has 2 nodes with the same name of train",
      // "ns.train.output.model" splits as node "ns", type "train": the dot breaks it
      "error: Pipeline p edge source node ns does not exist",
      "error: Pipeline p source type train (between ns and train) not valid",
      "error: Pipeline p source type outputs (between train and train) not valid",
      "error: Pipeline p edge target train.input.other: step has no input other (Kiln)",
      "error: Source specifier 'train' must have 3 parts",
    ]);
  });
});
