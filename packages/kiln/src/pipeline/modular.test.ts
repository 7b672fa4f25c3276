// Modular pipelines: namespacing, remapping inputs, outputs and parameters, nesting, tags, and the
// spaceflights pattern of reusing one pipeline under two namespaces.
import { describe, expect, it } from "vitest";
import { PipelineError } from "../errors/index.js";
import { thrown } from "./__fixtures__/expect-error.js";
import { pipeline } from "./modular.js";
import { node } from "./node.js";
import { Pipeline } from "./pipeline.js";

const f = (..._args: unknown[]) => 0;
const names = (p: Pipeline) => p.nodes.map((n) => n.name);
const io = (p: Pipeline) => Object.fromEntries(p.nodes.map((n) => [n.name, [n.inputs, n.outputs]]));

/** raw + params:clean.threshold → clean → cleaned; cleaned + params:fit + parameters → fit → model, metrics */
const base = () =>
  new Pipeline([
    node({
      func: f,
      inputs: ["raw", "params:clean.threshold"],
      outputs: "cleaned",
      name: "clean",
      tags: ["etl"],
    }),
    node({
      func: f,
      inputs: { data: "cleaned", options: "params:fit", all: "parameters" },
      outputs: ["model", "metrics"],
      name: "fit",
    }),
  ]);

describe("pipeline() without options", () => {
  it("returns a pipeline given as is, and builds one from nodes", () => {
    const p = base();
    expect(pipeline(p)).toBe(p);
    const built = pipeline([...p.nodes]);
    expect(built).toBeInstanceOf(Pipeline);
    expect(names(built)).toEqual(["clean", "fit"]);
  });
});

describe("namespacing", () => {
  it("prefixes datasets, parameters and node names; `parameters` is never prefixed", () => {
    const p = pipeline(base(), { namespace: "ns" });
    expect(names(p)).toEqual(["ns.clean", "ns.fit"]);
    expect(io(p)).toEqual({
      "ns.clean": [["ns.raw", "params:ns.clean.threshold"], ["ns.cleaned"]],
      "ns.fit": [
        ["ns.cleaned", "params:ns.fit", "parameters"],
        ["ns.model", "ns.metrics"],
      ],
    });
    expect(p.inputs()).toEqual(["ns.raw", "parameters", "params:ns.clean.threshold", "params:ns.fit"]);
  });

  it("sets the node namespace and keeps the short name", () => {
    const fit = pipeline(base(), { namespace: "ns" }).node("ns.fit")!;
    expect(fit.namespace).toBe("ns");
    expect(fit.shortName).toBe("fit");
    expect(fit.toJSON()).toMatchObject({
      name: "ns.fit",
      namespace: "ns",
      inputs: { data: "ns.cleaned", options: "params:ns.fit", all: "parameters" },
      outputs: ["ns.model", "ns.metrics"],
    });
  });

  it("keeps calling the function with the same argument shape", async () => {
    const seen: unknown[] = [];
    const p = pipeline(
      [
        node({
          func: (arg: unknown) => {
            seen.push(arg);
            return [1, 2];
          },
          inputs: { data: "x", k: "params:k" },
          outputs: ["a", "b"],
          name: "n",
        }),
      ],
      { namespace: "ns" },
    );
    expect(await p.nodes[0]!.run({ "ns.x": "X", "params:ns.k": 3 })).toEqual({ "ns.a": 1, "ns.b": 2 });
    expect(seen).toEqual([{ data: "X", k: 3 }]);
  });

  it("prefixes transcoded names before the format", () => {
    const p = pipeline(
      [
        node({ func: f, inputs: "raw", outputs: "companies@pandas", name: "load" }),
        node({ func: f, inputs: "companies@spark", outputs: "out", name: "use" }),
      ],
      { namespace: "ns" },
    );
    expect(p.allOutputs()).toEqual(["ns.companies@pandas", "ns.out"]);
    expect(p.allInputs()).toEqual(["ns.companies@spark", "ns.raw"]);
    expect(names(p)).toEqual(["ns.load", "ns.use"]);
  });

  it("does not change the pipeline it copies", () => {
    const p = base();
    pipeline(p, { namespace: "ns", inputs: { raw: "other" }, tags: ["x"] });
    expect(names(p)).toEqual(["clean", "fit"]);
    expect(p.inputs()).toEqual(["parameters", "params:clean.threshold", "params:fit", "raw"]);
    expect(p.tags()).toEqual(["etl"]);
  });

  it("only renames node names when prefixDatasetsWithNamespace is false", () => {
    const p = pipeline(base(), { namespace: "ns", prefixDatasetsWithNamespace: false });
    expect(names(p)).toEqual(["ns.clean", "ns.fit"]);
    expect(p.datasets()).toEqual(base().datasets());
  });

  it("stacks nested namespaces", () => {
    const inner = pipeline(base(), { namespace: "inner" });
    const outer = pipeline(inner, { namespace: "outer" });
    expect(names(outer)).toEqual(["outer.inner.clean", "outer.inner.fit"]);
    expect(outer.nodes.map((n) => n.namespace)).toEqual(["outer.inner", "outer.inner"]);
    expect(outer.nodes.map((n) => n.shortName)).toEqual(["clean", "fit"]);
    expect(outer.namespaces()).toEqual(["outer", "outer.inner"]);
    expect(outer.inputs()).toEqual([
      "outer.inner.raw",
      "parameters",
      "params:outer.inner.clean.threshold",
      "params:outer.inner.fit",
    ]);
    expect(outer.outputs()).toEqual(["outer.inner.metrics", "outer.inner.model"]);
  });

  it("prefixes a name the inner pipeline kept with the outer namespace", () => {
    const inner = pipeline(base(), { namespace: "inner", inputs: ["raw"] });
    const outer = pipeline(inner, { namespace: "outer" });
    expect(outer.inputs()).toContain("outer.raw");
    const kept = pipeline(inner, { namespace: "outer", inputs: ["raw"] });
    expect(kept.inputs()).toContain("raw");
    expect(kept.onlyNodesWithNamespaces("outer.inner").nodes).toHaveLength(2);
  });

  it("prefixes a node's own namespace", () => {
    const p = pipeline([node({ func: f, inputs: "a", outputs: "b", name: "n", namespace: "own" })], {
      namespace: "top",
    });
    expect(p.nodes[0]!.name).toBe("top.own.n");
    expect(p.nodes[0]!.namespace).toBe("top.own");
    expect(p.nodes[0]!.inputs).toEqual(["top.a"]);
  });

  it("adds tags to every node, keeping their own", () => {
    const p = pipeline(base(), { namespace: "ns", tags: ["model", "v2"] });
    expect([...p.node("ns.clean")!.tags].sort()).toEqual(["etl", "model", "v2"]);
    expect([...p.node("ns.fit")!.tags].sort()).toEqual(["model", "v2"]);
    const one = pipeline(base(), { tags: "single" });
    expect(one.tags()).toEqual(["etl", "single"]);
    expect(names(one)).toEqual(["clean", "fit"]);
  });

  it("rejects an invalid namespace or tag", () => {
    const ns = thrown(() => pipeline(base(), { namespace: "bad..ns" }));
    expect(ns).toBeInstanceOf(PipelineError);
    expect(ns.code).toBe("KILN_NODE_INVALID_NAMESPACE");
    expect(ns.message).toBe('pipeline(): namespace "bad..ns" is not valid.');
    const tag = thrown(() => pipeline(base(), { tags: ["bad tag"] }));
    expect(tag.code).toBe("KILN_NODE_INVALID_TAG");
    expect(tag.message).toBe('pipeline(): tag "bad tag" is not valid.');
  });
});

describe("remapping", () => {
  it("keeps names given as a list", () => {
    const p = pipeline(base(), { namespace: "ns", inputs: ["raw"], outputs: ["model"] });
    expect(p.inputs()).toContain("raw");
    expect(p.inputs()).not.toContain("ns.raw");
    expect(p.outputs()).toEqual(["model", "ns.metrics"]);
  });

  it("keeps a single name given as a string", () => {
    const p = pipeline(base(), { namespace: "ns", inputs: "raw", outputs: "metrics" });
    expect(p.inputs()).toContain("raw");
    expect(p.outputs()).toEqual(["metrics", "ns.model"]);
  });

  it("renames names given as a record", () => {
    const p = pipeline(base(), {
      namespace: "ns",
      inputs: { raw: "companies" },
      outputs: { model: "regressor", metrics: "scores.ns" },
    });
    expect(io(p)).toEqual({
      "ns.clean": [["companies", "params:ns.clean.threshold"], ["ns.cleaned"]],
      "ns.fit": [
        ["ns.cleaned", "params:ns.fit", "parameters"],
        ["regressor", "scores.ns"],
      ],
    });
  });

  it("renames both the producer and the readers of a mapped intermediate output", () => {
    const p = pipeline(base(), { namespace: "ns", outputs: { cleaned: "clean_table" } });
    expect(p.node("ns.clean")!.outputs).toEqual(["clean_table"]);
    expect(p.node("ns.fit")!.inputs).toContain("clean_table");
    expect(names(p)).toEqual(["ns.clean", "ns.fit"]);
  });

  it("remaps without a namespace, leaving everything else as it was", () => {
    const p = pipeline(base(), { inputs: { raw: "raw_v2" } });
    expect(names(p)).toEqual(["clean", "fit"]);
    expect(p.inputs()).toEqual(["parameters", "params:clean.threshold", "params:fit", "raw_v2"]);
  });

  it.each([
    ["with params: on both sides", { "params:fit": "params:active.fit" }],
    ["without params:", { fit: "active.fit" }],
    ["with params: on one side only", { fit: "params:active.fit" }],
  ])("renames parameters given %s", (_, parameters) => {
    const p = pipeline(base(), { namespace: "ns", parameters });
    expect(p.node("ns.fit")!.inputs).toEqual(["ns.cleaned", "params:active.fit", "parameters"]);
    expect(p.inputs()).toContain("params:ns.clean.threshold");
  });

  it("keeps parameters given as a list, with or without params:", () => {
    const p = pipeline(base(), { namespace: "ns", parameters: ["clean.threshold", "params:fit"] });
    expect(p.inputs()).toEqual(["ns.raw", "parameters", "params:clean.threshold", "params:fit"]);
  });

  it("accepts `parameters` itself in the parameters mapping", () => {
    const p = pipeline(base(), { namespace: "ns", parameters: ["parameters"] });
    expect(p.inputs()).toContain("parameters");
  });

  it("keeps the format of transcoded names whose base name is mapped", () => {
    const p = pipeline(
      [
        node({ func: f, inputs: "companies@spark", outputs: "model@pickle", name: "fit" }),
        node({
          func: f,
          inputs: ["companies@pandas", "model@pickle"],
          outputs: "report@html",
          name: "report",
        }),
      ],
      { namespace: "ns", inputs: { companies: "raw_companies" }, outputs: { model: "regressor" } },
    );
    expect(io(p)).toEqual({
      "ns.fit": [["raw_companies@spark"], ["regressor@pickle"]],
      "ns.report": [["raw_companies@pandas", "regressor@pickle"], ["ns.report@html"]],
    });
    expect(names(p)).toEqual(["ns.fit", "ns.report"]);
  });

  it("maps a transcoded name exactly when the mapping names it with its format", () => {
    const p = pipeline([node({ func: f, inputs: "companies@spark", outputs: "out", name: "n" })], {
      namespace: "ns",
      inputs: { "companies@spark": "other@spark" },
    });
    expect(p.inputs()).toEqual(["other@spark"]);
  });
});

describe("bad remaps", () => {
  it("rejects an input that is not a free input, listing those that are", () => {
    const error = thrown(() => pipeline(base(), { namespace: "ns", inputs: ["cleaned"] }));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_PIPELINE_BAD_REMAP");
    expect(error.message).toBe(
      'Cannot map "cleaned": it is not a free input of the pipeline. The ones that can be mapped are: "raw".',
    );
    const unknown = thrown(() => pipeline(base(), { inputs: { rwa: "x" } }));
    expect(unknown.code).toBe("KILN_PIPELINE_BAD_REMAP");
    expect(unknown.message).toContain('Cannot map "rwa"');
    expect(unknown.hint).toBe('Did you mean "raw"?');
  });

  it("rejects an output that no node writes, listing the outputs", () => {
    const error = thrown(() => pipeline(base(), { namespace: "ns", outputs: { raw: "x", modl: "y" } }));
    expect(error.code).toBe("KILN_PIPELINE_BAD_REMAP");
    expect(error.message).toBe(
      'Cannot map "raw", "modl": they are not outputs of the pipeline. ' +
        'The ones that can be mapped are: "cleaned", "metrics", "model".',
    );
    expect(error.hint).toContain('Did you mean "model"?');
  });

  it("rejects a parameter no node reads, listing the used parameters", () => {
    const error = thrown(() => pipeline(base(), { namespace: "ns", parameters: { fti: "x" } }));
    expect(error.code).toBe("KILN_PIPELINE_BAD_REMAP");
    expect(error.message).toBe(
      'Cannot map "params:fti": no node of the pipeline reads this parameter. ' +
        'The ones that can be mapped are: "parameters", "params:clean.threshold", "params:fit".',
    );
    expect(error.hint).toContain('"params:fit"');
  });

  it("rejects a parameter that is read only through a nested key", () => {
    const error = thrown(() => pipeline(base(), { parameters: ["clean"] }));
    expect(error.code).toBe("KILN_PIPELINE_BAD_REMAP");
    expect(error.message).toContain('Cannot map "params:clean"');
  });

  it("rejects a parameter passed in `inputs`, telling to use `parameters`", () => {
    for (const inputs of [["params:fit"], { "params:fit": "params:other" }, ["parameters"]]) {
      const error = thrown(() => pipeline(base(), { namespace: "ns", inputs }));
      expect(error).toBeInstanceOf(PipelineError);
      expect(error.code).toBe("KILN_PIPELINE_BAD_REMAP");
      expect(error.message).toContain(
        ": it is a parameter, and parameters go in `parameters`, not `inputs`.",
      );
      expect(error.hint).toBe("Move it to `parameters`.");
    }
    const two = thrown(() => pipeline(base(), { inputs: ["params:fit", "parameters"] }));
    expect(two.message).toContain(": they are parameters, and parameters go in `parameters`, not `inputs`.");
    expect(two.hint).toBe("Move them to `parameters`.");
  });

  it("suggests parameters, never datasets, for a parameter in `inputs`", () => {
    const p = new Pipeline([node({ func: f, inputs: ["a", "params:p"], outputs: "b", name: "n" })]);
    // "a" is contained in "params:p", so a suggestion drawn from the datasets would offer it.
    expect(thrown(() => pipeline(p, { inputs: ["params:p"] })).hint).toBe("Move it to `parameters`.");
    expect(thrown(() => pipeline(p, { inputs: ["params:q"] })).hint).toBe(
      'Did you mean "params:p"? Move it to `parameters`.',
    );
  });

  it("rejects invalid dataset names in a mapping", () => {
    const error = thrown(() => pipeline(base(), { inputs: { raw: "has space" } }));
    expect(error.code).toBe("KILN_NODE_INVALID_DATASET_NAME");
    expect(error.message).toContain('"has space"');
  });

  it("says so when nothing can be mapped", () => {
    const p = new Pipeline([node({ func: f, outputs: "a", name: "n" })]);
    const error = thrown(() => pipeline(p, { inputs: ["x"] }));
    expect(error.message).toContain("The ones that can be mapped are: (none).");
  });
});

describe("default node names in modular copies", () => {
  function clean(x: unknown) {
    return x;
  }
  const unnamed = () => new Pipeline([node({ func: clean, inputs: "raw", outputs: "cleaned" })]);

  it("namespaces default names", () => {
    const p = pipeline(unnamed(), { namespace: "ns" });
    expect(p.nodes[0]!.name).toMatch(/^ns\.clean__[0-9a-f]{8}$/);
    expect(p.nodes[0]!.namespace).toBe("ns");
  });

  it("gives a renamed copy of an unnamed node a name of its own, so both fit in one pipeline", () => {
    const original = unnamed();
    const copy = pipeline(original, { inputs: { raw: "raw_v2" }, outputs: { cleaned: "cleaned_v2" } });
    expect(copy.nodes[0]!.name).toMatch(/^clean__[0-9a-f]{8}$/);
    expect(copy.nodes[0]!.name).not.toBe(original.nodes[0]!.name);
    // The same name as a node declared directly with those datasets.
    expect(copy.nodes[0]!.name).toBe(node({ func: clean, inputs: "raw_v2", outputs: "cleaned_v2" }).name);
    expect(pipeline([original, copy]).nodes).toHaveLength(2);
  });

  it("keeps explicit names when renaming datasets", () => {
    const p = new Pipeline([node({ func: clean, inputs: "raw", outputs: "cleaned", name: "clean" })]);
    expect(pipeline(p, { inputs: { raw: "raw_v2" } }).nodes[0]!.name).toBe("clean");
  });
});

describe("spaceflights-like reuse", () => {
  type Table = { rows: number[] };
  function preprocessCompanies(companies: Table): Table {
    return { rows: companies.rows.map((r) => r * 10) };
  }
  function splitData(table: Table, options: { testSize: number }): [number[], number[]] {
    const cut = Math.round(table.rows.length * (1 - options.testSize));
    return [table.rows.slice(0, cut), table.rows.slice(cut)];
  }
  function trainModel(train: number[]): number {
    return train.reduce((s, v) => s + v, 0) / train.length;
  }
  function evaluateModel({ model, test }: { model: number; test: number[] }): { error: number } {
    return { error: test.reduce((s, v) => s + Math.abs(v - model), 0) };
  }

  const dataProcessing = pipeline([
    node({
      func: preprocessCompanies,
      inputs: "companies",
      outputs: "model_input_table",
      name: "preprocess_companies_node",
    }),
  ]);
  const dataScience = pipeline([
    node({
      func: splitData,
      inputs: ["model_input_table", "params:model_options"],
      outputs: ["X_train", "X_test"],
      name: "split_data_node",
    }),
    node({ func: trainModel, inputs: "X_train", outputs: "regressor", name: "train_model_node" }),
    node({
      func: evaluateModel,
      inputs: { model: "regressor", test: "X_test" },
      outputs: "metrics",
      name: "evaluate_model_node",
    }),
  ]);
  const reuse = (namespace: string) =>
    pipeline(dataScience, { namespace, inputs: ["model_input_table"], tags: ["model"] });

  it("composes the same pipeline under two namespaces into one valid pipeline", () => {
    const full = pipeline([dataProcessing, reuse("active"), reuse("candidate")]);
    expect(full.layers().map((layer) => layer.map((n) => n.name))).toEqual([
      ["preprocess_companies_node"],
      ["active.split_data_node", "candidate.split_data_node"],
      ["active.train_model_node", "candidate.train_model_node"],
      ["active.evaluate_model_node", "candidate.evaluate_model_node"],
    ]);
    expect(full.inputs()).toEqual([
      "companies",
      "params:active.model_options",
      "params:candidate.model_options",
    ]);
    expect(full.outputs()).toEqual(["active.metrics", "candidate.metrics"]);
    expect(full.namespaces()).toEqual(["active", "candidate"]);
    expect(names(full.onlyNodesWithTags("model"))).toHaveLength(6);
    expect(names(full.filter({ nodeNamespaces: ["candidate"] }))).toEqual([
      "candidate.split_data_node",
      "candidate.train_model_node",
      "candidate.evaluate_model_node",
    ]);
  });

  it("runs each copy on its own parameters", async () => {
    const full = pipeline([dataProcessing, reuse("active"), reuse("candidate")]);
    const data: Record<string, unknown> = {
      companies: { rows: [1, 2, 3, 4] },
      "params:active.model_options": { testSize: 0.25 },
      "params:candidate.model_options": { testSize: 0.5 },
    };
    for (const n of full.nodes) Object.assign(data, await n.run(data));
    expect(data["active.X_test"]).toEqual([40]);
    expect(data["candidate.X_test"]).toEqual([30, 40]);
    expect(data["active.metrics"]).toEqual({ error: 20 });
    expect(data["candidate.metrics"]).toEqual({ error: 40 });
  });

  it("rejects two differently wired copies without namespaces, since their nodes share names", () => {
    const rewired = pipeline(dataScience, { outputs: { metrics: "metrics_v2" } });
    const error = thrown(() => pipeline([dataScience, rewired]));
    expect(error.code).toBe("KILN_PIPELINE_DUPLICATE_NODE_NAME");
    expect(error.message).toContain('Two different nodes are named "evaluate_model_node"');
  });
});
