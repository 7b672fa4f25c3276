// Slicing a pipeline by node names, tags, namespaces and datasets, and filter()'s Kedro semantics.
import { describe, expect, it } from "vitest";
import { PipelineError } from "../errors/index.js";
import { thrown } from "./__fixtures__/expect-error.js";
import { node } from "./node.js";
import { Pipeline } from "./pipeline.js";
import { inNamespace } from "./slicing.js";

const f = (..._args: unknown[]) => 0;
const names = (p: Pipeline) => p.nodes.map((n) => n.name);

/**
 * raw → ingest → companies@pandas → profile → profile_report ───────────────┐
 *               companies@spark + params:split → ds.split → train, test     │
 *               train → ds.train → model; model + test → ds.eval.score → score ─┴→ publish → published
 * raw → dsx.other → other
 */
const p = new Pipeline([
  node({ func: f, inputs: "raw", outputs: "companies@pandas", name: "ingest", tags: ["etl"] }),
  node({
    func: f,
    inputs: "companies@pandas",
    outputs: "profile_report",
    name: "profile",
    tags: ["etl", "report"],
  }),
  node({
    func: f,
    inputs: ["companies@spark", "params:split"],
    outputs: ["train", "test"],
    name: "split",
    namespace: "ds",
  }),
  node({ func: f, inputs: "train", outputs: "model", name: "train", namespace: "ds", tags: ["ml"] }),
  node({
    func: f,
    inputs: ["model", "test"],
    outputs: "score",
    name: "score",
    namespace: "ds.eval",
    tags: ["ml", "report"],
  }),
  node({ func: f, inputs: "raw", outputs: "other", name: "other", namespace: "dsx" }),
  node({ func: f, inputs: ["score", "profile_report"], outputs: "published", name: "publish" }),
]);

const everything = ["dsx.other", "ingest", "ds.split", "profile", "ds.train", "ds.eval.score", "publish"];

describe("the fixture", () => {
  it("is ordered as expected", () => {
    expect(names(p)).toEqual(everything);
  });
});

describe("onlyNodes()", () => {
  it("keeps exactly the named nodes, ordered as a pipeline of their own", () => {
    // No edge links these three, so they form one layer, sorted by name.
    expect(names(p.onlyNodes("publish", "ds.train", "ingest"))).toEqual(["ds.train", "ingest", "publish"]);
    expect(names(p.onlyNodes("publish", "profile", "ingest"))).toEqual(["ingest", "profile", "publish"]);
  });

  it("rejects an unknown node with a did-you-mean", () => {
    const error = thrown(() => p.onlyNodes("ingest", "ds.trian"));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_PIPELINE_UNKNOWN_NODE");
    expect(error.message).toBe('The pipeline has no node named "ds.trian".');
    expect(error.hint).toBe('Did you mean "ds.train"?');
    expect(error.toDisplayString()).toContain('hint: Did you mean "ds.train"?');
  });

  it("explains full names when nothing is close", () => {
    const error = thrown(() => p.onlyNodes("completely_unrelated_name"));
    expect(error.code).toBe("KILN_PIPELINE_UNKNOWN_NODE");
    expect(error.hint).toContain("full names including the namespace");
  });

  it("does not match a node by its short name", () => {
    const error = thrown(() => p.onlyNodes("train"));
    expect(error.code).toBe("KILN_PIPELINE_UNKNOWN_NODE");
    expect(error.hint).toContain('"ds.train"');
  });
});

describe("onlyNodesWithTags()", () => {
  it("keeps the nodes that have any of the tags", () => {
    expect(names(p.onlyNodesWithTags("report"))).toEqual(["ds.eval.score", "profile"]);
    expect(names(p.onlyNodesWithTags("etl", "ml"))).toEqual([
      "ds.train",
      "ingest",
      "ds.eval.score",
      "profile",
    ]);
  });

  it("returns an empty pipeline for a tag no node has", () => {
    expect(p.onlyNodesWithTags("nope").nodes).toEqual([]);
  });
});

describe("onlyNodesWithNamespaces()", () => {
  it("matches a namespace and the namespaces nested in it, on dot boundaries", () => {
    expect(names(p.onlyNodesWithNamespaces("ds"))).toEqual(["ds.split", "ds.train", "ds.eval.score"]);
    expect(names(p.onlyNodesWithNamespaces("ds.eval"))).toEqual(["ds.eval.score"]);
    expect(names(p.onlyNodesWithNamespaces("dsx"))).toEqual(["dsx.other"]);
    expect(names(p.onlyNodesWithNamespaces("dsx", "ds.eval"))).toEqual(["ds.eval.score", "dsx.other"]);
  });

  it("inNamespace() matches `a` and `a.b` but not `ab`", () => {
    expect(inNamespace("a", "a")).toBe(true);
    expect(inNamespace("a.b", "a")).toBe(true);
    expect(inNamespace("ab", "a")).toBe(false);
    expect(inNamespace("a", "a.b")).toBe(false);
    expect(inNamespace(undefined, "a")).toBe(false);
  });

  it("rejects a namespace no node is in, with a did-you-mean", () => {
    const error = thrown(() => p.onlyNodesWithNamespaces("ds.evl"));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_PIPELINE_UNKNOWN_NAMESPACE");
    expect(error.message).toBe('No node of the pipeline is in namespace "ds.evl".');
    expect(error.hint).toMatch(/^Did you mean .*"ds\.eval"/);
  });

  it("rejects a prefix that stops inside a namespace segment", () => {
    const error = thrown(() => p.onlyNodesWithNamespaces("ds.ev"));
    expect(error.code).toBe("KILN_PIPELINE_UNKNOWN_NAMESPACE");
    expect(error.message).toContain('"ds.ev"');
  });

  it("lists the namespaces when nothing is close", () => {
    const error = thrown(() => p.onlyNodesWithNamespaces("zzzzzzzzzzzz"));
    expect(error.hint).toBe('Namespaces here: "ds", "ds.eval", "dsx".');
    const flat = new Pipeline([node({ func: f, outputs: "a", name: "n" })]);
    expect(thrown(() => flat.onlyNodesWithNamespaces("ds")).hint).toBe("Namespaces here: none.");
  });
});

describe("fromNodes() and toNodes()", () => {
  it("fromNodes() keeps the nodes and everything downstream", () => {
    expect(names(p.fromNodes("ds.train"))).toEqual(["ds.train", "ds.eval.score", "publish"]);
    expect(names(p.fromNodes("profile", "ds.eval.score"))).toEqual(["ds.eval.score", "profile", "publish"]);
  });

  it("fromNodes() follows transcoded datasets", () => {
    expect(names(p.fromNodes("ingest"))).toEqual([
      "ingest",
      "ds.split",
      "profile",
      "ds.train",
      "ds.eval.score",
      "publish",
    ]);
  });

  it("toNodes() keeps the nodes and everything upstream", () => {
    expect(names(p.toNodes("ds.eval.score"))).toEqual(["ingest", "ds.split", "ds.train", "ds.eval.score"]);
    expect(names(p.toNodes("profile", "dsx.other"))).toEqual(["dsx.other", "ingest", "profile"]);
  });

  it("rejects unknown nodes", () => {
    const from = thrown(() => p.fromNodes("ds.splt"));
    expect(from.code).toBe("KILN_PIPELINE_UNKNOWN_NODE");
    expect(from.hint).toBe('Did you mean "ds.split"?');
    const to = thrown(() => p.toNodes("publis"));
    expect(to.code).toBe("KILN_PIPELINE_UNKNOWN_NODE");
    expect(to.message).toContain('"publis"');
  });
});

describe("fromInputs() and toOutputs()", () => {
  it("fromInputs() keeps the readers of a dataset and everything downstream of them", () => {
    expect(names(p.fromInputs("model"))).toEqual(["ds.eval.score", "publish"]);
    expect(names(p.fromInputs("params:split"))).toEqual(["ds.split", "ds.train", "ds.eval.score", "publish"]);
    expect(names(p.fromInputs("raw"))).toEqual(everything);
  });

  it("fromInputs() with a bare name matches every transcoded variant", () => {
    expect(names(p.fromInputs("companies"))).toEqual([
      "ds.split",
      "profile",
      "ds.train",
      "ds.eval.score",
      "publish",
    ]);
  });

  it("fromInputs() with `name@format` matches only that variant", () => {
    expect(names(p.fromInputs("companies@spark"))).toEqual([
      "ds.split",
      "ds.train",
      "ds.eval.score",
      "publish",
    ]);
    expect(names(p.fromInputs("companies@pandas"))).toEqual(["profile", "publish"]);
  });

  it("fromInputs() rejects a name that is no dataset of the pipeline, with a did-you-mean", () => {
    const error = thrown(() => p.fromInputs("raw", "companies@csv"));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_PIPELINE_UNKNOWN_DATASET");
    expect(error.message).toBe('fromInputs: "companies@csv" is not a dataset of the pipeline.');
    expect(error.hint).toBe(
      '"companies" is used as "companies@pandas", "companies@spark"; a bare "companies" matches every format.',
    );
    expect(thrown(() => p.toOutputs("score@csv")).hint).toBe(
      '"score" is used without a format: use "score".',
    );
    const two = thrown(() => p.fromInputs("zzzzzzzzzzzz", "qqqqqqqqqqqq"));
    expect(two.message).toBe('fromInputs: "zzzzzzzzzzzz", "qqqqqqqqqqqq" are not datasets of the pipeline.');
    expect(two.hint).toContain('Its datasets: "companies", "companies@pandas"');
  });

  it("fromInputs() rejects a free output, pointing at toOutputs", () => {
    const error = thrown(() => p.fromInputs("published"));
    expect(error.code).toBe("KILN_PIPELINE_NOT_AN_INPUT");
    expect(error.message).toBe(
      'fromInputs: no node reads "published" (it is a free output, written by node "publish").',
    );
    expect(error.hint).toContain('to run the nodes that produce "published", use toOutputs (--to-outputs)');
  });

  it("fromInputs() rejects a format no node reads, naming the formats nodes read", () => {
    // ingest writes companies@pandas; nodes read it as companies@pandas and companies@spark.
    const q = new Pipeline([
      node({ func: f, inputs: "raw", outputs: "c@csv", name: "w" }),
      node({ func: f, inputs: "c@pandas", outputs: "out", name: "r" }),
    ]);
    const error = thrown(() => q.fromInputs("c@csv"));
    expect(error.code).toBe("KILN_PIPELINE_NOT_AN_INPUT");
    expect(error.message).toBe('fromInputs: no node reads "c@csv" (it is read as "c@pandas").');
    expect(error.hint).toBe(
      'A name with "@format" matches only that format: use "c@pandas", or "c" for every format.',
    );
  });

  it("toOutputs() keeps the nodes needed to produce the datasets", () => {
    expect(names(p.toOutputs("score"))).toEqual(["ingest", "ds.split", "ds.train", "ds.eval.score"]);
    expect(names(p.toOutputs("other", "profile_report"))).toEqual(["dsx.other", "ingest", "profile"]);
  });

  it("toOutputs() matches a bare name against every format, and `name@format` exactly (as Kedro)", () => {
    expect(names(p.toOutputs("companies"))).toEqual(["ingest"]);
    expect(names(p.toOutputs("companies@pandas"))).toEqual(["ingest"]);
    // ingest writes companies@pandas: companies@spark, read by ds.split, has no writer under that name.
    const error = thrown(() => p.toOutputs("companies@spark"));
    expect(error.code).toBe("KILN_PIPELINE_NOT_AN_OUTPUT");
    expect(error.message).toBe(
      'toOutputs: no node writes "companies@spark" (node "ingest" writes it as "companies@pandas").',
    );
    expect(error.hint).toBe(
      'A name with "@format" matches only that format: use "companies@pandas", or "companies" for every format.',
    );
  });

  it("toOutputs() follows the inputs of the nodes it keeps whatever their format", () => {
    expect(names(p.toOutputs("train"))).toEqual(["ingest", "ds.split"]);
  });

  it("toOutputs() rejects a name that is no dataset of the pipeline, with a did-you-mean", () => {
    const error = thrown(() => p.toOutputs("scor"));
    expect(error.code).toBe("KILN_PIPELINE_UNKNOWN_DATASET");
    expect(error.message).toBe('toOutputs: "scor" is not a dataset of the pipeline.');
    expect(error.hint).toBe('Did you mean "score"?');
    expect(thrown(() => p.toOutputs("companies@csv")).code).toBe("KILN_PIPELINE_UNKNOWN_DATASET");
  });

  it("toOutputs() rejects a free input, pointing at fromInputs", () => {
    const error = thrown(() => p.toOutputs("raw"));
    expect(error.code).toBe("KILN_PIPELINE_NOT_AN_OUTPUT");
    expect(error.message).toBe(
      'toOutputs: no node writes "raw" (it is a free input, loaded from the catalog).',
    );
    expect(error.hint).toContain('to run the nodes that read "raw", use fromInputs (--from-inputs)');
  });

  it("reports every problem at once; an unknown name decides the code", () => {
    const error = thrown(() => p.toOutputs("raw", "scor", "score"));
    expect(error.code).toBe("KILN_PIPELINE_UNKNOWN_DATASET");
    expect(error.message).toBe(
      'toOutputs: "scor" is not a dataset of the pipeline; no node writes "raw" (it is a free input, loaded from the catalog).',
    );
    expect(error.hint).toContain('Did you mean "score"?');
    expect(error.hint).toContain("use fromInputs (--from-inputs)");
  });
});

describe("filter()", () => {
  it("returns the whole pipeline when given no criteria", () => {
    expect(names(p.filter({}))).toEqual(everything);
  });

  it("applies each criterion to the whole pipeline, then intersects", () => {
    // toNodes("publish") on the etl-tagged nodes alone would fail: publish is not tagged etl.
    expect(names(p.filter({ tags: ["etl"], toNodes: ["publish"] }))).toEqual(["ingest", "profile"]);
    // fromNodes("ds.split") on the ml-tagged nodes alone would fail the same way.
    expect(names(p.filter({ tags: ["ml"], fromNodes: ["ds.split"] }))).toEqual(["ds.train", "ds.eval.score"]);
  });

  it("combines every kind of criterion", () => {
    const result = p.filter({
      tags: ["ml", "etl"],
      fromNodes: ["ingest"],
      toNodes: ["publish"],
      nodeNames: ["ds.train", "ds.eval.score", "profile", "ds.split"],
      fromInputs: ["companies@spark"],
      toOutputs: ["score"],
      nodeNamespaces: ["ds"],
    });
    expect(names(result)).toEqual(["ds.train", "ds.eval.score"]);
  });

  it("accepts any iterable", () => {
    expect(names(p.filter({ nodeNamespaces: new Set(["dsx"]) }))).toEqual(["dsx.other"]);
  });

  it("rejects a tag no node has, with a did-you-mean", () => {
    const error = thrown(() => p.filter({ tags: ["ml", "repotr"] }));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_PIPELINE_UNKNOWN_TAG");
    expect(error.message).toBe('No node of the pipeline has tag "repotr".');
    expect(error.hint).toBe('Did you mean "report"?');
    expect(thrown(() => p.filter({ tags: ["zzzzzzzzzz"] })).hint).toBe('Tags here: "etl", "ml", "report".');
  });

  it("rejects unknown nodes, datasets and namespaces", () => {
    expect(thrown(() => p.filter({ nodeNames: ["nope"] })).code).toBe("KILN_PIPELINE_UNKNOWN_NODE");
    expect(thrown(() => p.filter({ fromNodes: ["nope"] })).code).toBe("KILN_PIPELINE_UNKNOWN_NODE");
    expect(thrown(() => p.filter({ fromInputs: ["nope"] })).code).toBe("KILN_PIPELINE_UNKNOWN_DATASET");
    expect(thrown(() => p.filter({ toOutputs: ["nope"] })).code).toBe("KILN_PIPELINE_UNKNOWN_DATASET");
    expect(thrown(() => p.filter({ toOutputs: ["raw"] })).code).toBe("KILN_PIPELINE_NOT_AN_OUTPUT");
    expect(thrown(() => p.filter({ fromInputs: ["published"] })).code).toBe("KILN_PIPELINE_NOT_AN_INPUT");
    expect(thrown(() => p.filter({ nodeNamespaces: ["nope"] })).code).toBe("KILN_PIPELINE_UNKNOWN_NAMESPACE");
  });

  it("rejects criteria whose intersection is empty", () => {
    const error = thrown(() => p.filter({ tags: ["etl"], nodeNamespaces: ["ds"] }));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_PIPELINE_EMPTY_FILTER");
    expect(error.message).toBe("No node is left after applying all the given filters.");
    expect(thrown(() => p.filter({ fromNodes: ["publish"], toNodes: ["ingest"] })).code).toBe(
      "KILN_PIPELINE_EMPTY_FILTER",
    );
  });

  it("leaves the pipeline it filters unchanged", () => {
    p.filter({ tags: ["ml"] });
    expect(names(p)).toEqual(everything);
  });
});
