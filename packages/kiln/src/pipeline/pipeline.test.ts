// Pipeline: ordering, the dataset and tag views, printing, the construction rules (duplicates, cycles,
// transcoding) and the set algebra.
import { describe, expect, it } from "vitest";
import { PipelineError } from "../errors/index.js";
import { thrown } from "./__fixtures__/expect-error.js";
import { pipeline } from "./modular.js";
import { type Node, node } from "./node.js";
import { Pipeline } from "./pipeline.js";

const f = (..._args: unknown[]) => 0;
const names = (p: Pipeline) => p.nodes.map((n) => n.name);

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/**
 * raw → load → clean → features → feats → train → model ─┐
 * raw → z_side → side ────────────────────────────────────┼→ report → summary
 *             clean → a_stats → stats ────────────────────┘
 */
const graph = (): Node[] => [
  node({ func: f, inputs: "raw", outputs: "clean", name: "load", tags: ["etl"] }),
  node({ func: f, inputs: "raw", outputs: "side", name: "z_side", tags: ["etl", "side"] }),
  node({ func: f, inputs: "clean", outputs: "feats", name: "features", tags: ["fe"] }),
  node({ func: f, inputs: "clean", outputs: "stats", name: "a_stats" }),
  node({ func: f, inputs: ["feats", "params:model.alpha"], outputs: "model", name: "train", tags: ["ml"] }),
  node({ func: f, inputs: ["model", "stats", "side"], outputs: "summary", name: "report", tags: ["ml"] }),
];
const graphOrder = ["load", "z_side", "a_stats", "features", "train", "report"];

describe("Pipeline order", () => {
  it("orders layer by layer, sorting names within a layer", () => {
    const p = new Pipeline(graph());
    expect(names(p)).toEqual(graphOrder);
    expect(p.layers().map((layer) => layer.map((n) => n.name))).toEqual([
      ["load", "z_side"],
      ["a_stats", "features"],
      ["train"],
      ["report"],
    ]);
  });

  it("gives the same order whatever order the nodes come in", () => {
    const nodes = graph();
    for (const order of permutations(nodes)) {
      expect(names(new Pipeline(order))).toEqual(graphOrder);
    }
  });

  it("places every node after the producers of its inputs", () => {
    const p = new Pipeline(graph());
    const position = new Map(p.nodes.map((n, i) => [n.name, i]));
    for (const n of p.nodes) {
      for (const input of n.inputs) {
        const producer = p.nodes.find((m) => m.outputs.includes(input));
        if (producer) expect(position.get(producer.name)!).toBeLessThan(position.get(n.name)!);
      }
    }
  });

  it("puts a node one layer below its deepest parent", () => {
    const p = new Pipeline([
      node({ func: f, inputs: "a", outputs: "b", name: "n1" }),
      node({ func: f, inputs: "b", outputs: "c", name: "n2" }),
      node({ func: f, inputs: ["a", "c"], outputs: "d", name: "n0" }),
    ]);
    expect(p.layers().map((layer) => layer.map((n) => n.name))).toEqual([["n1"], ["n2"], ["n0"]]);
  });

  it("is empty for no nodes", () => {
    const p = new Pipeline();
    expect(p.nodes).toEqual([]);
    expect(p.layers()).toEqual([]);
    expect(p.inputs()).toEqual([]);
    expect(pipeline([]).nodes).toEqual([]);
  });

  it("looks nodes up by full name", () => {
    const p = new Pipeline(graph());
    expect(p.node("train")?.outputs).toEqual(["model"]);
    expect(p.node("nope")).toBeUndefined();
  });
});

describe("Pipeline views", () => {
  const p = new Pipeline(graph());

  it("inputs() lists the free inputs, sorted, parameters included", () => {
    expect(p.inputs()).toEqual(["params:model.alpha", "raw"]);
  });

  it("outputs() lists the datasets no node reads", () => {
    expect(p.outputs()).toEqual(["summary"]);
  });

  it("allInputs() and allOutputs() list every dataset read or written, sorted", () => {
    expect(p.allInputs()).toEqual(["clean", "feats", "model", "params:model.alpha", "raw", "side", "stats"]);
    expect(p.allOutputs()).toEqual(["clean", "feats", "model", "side", "stats", "summary"]);
  });

  it("datasets() lists every dataset once", () => {
    expect(p.datasets()).toEqual([
      "clean",
      "feats",
      "model",
      "params:model.alpha",
      "raw",
      "side",
      "stats",
      "summary",
    ]);
  });

  it("tags() lists every tag once, sorted", () => {
    expect(p.tags()).toEqual(["etl", "fe", "ml", "side"]);
  });

  it("namespaces() lists namespaces and the ones enclosing them", () => {
    const q = new Pipeline([
      node({ func: f, outputs: "a", name: "x", namespace: "outer.inner" }),
      node({ func: f, outputs: "b", name: "y", namespace: "zeta" }),
      node({ func: f, outputs: "c", name: "z" }),
    ]);
    expect(q.namespaces()).toEqual(["outer", "outer.inner", "zeta"]);
    expect(p.namespaces()).toEqual([]);
  });

  it("describe() prints the inputs, the execution order and the outputs", () => {
    expect(p.describe()).toBe(
      [
        "#### Pipeline execution order ####",
        "Inputs: params:model.alpha, raw",
        "",
        ...graphOrder,
        "",
        "Outputs: summary",
        "##################################",
      ].join("\n"),
    );
    expect(new Pipeline().describe()).toContain("Inputs: (none)");
    expect(new Pipeline().describe()).toContain("Outputs: (none)");
  });

  it("toJSON() lists the nodes in order with the free inputs and outputs", () => {
    const json = p.toJSON();
    expect(json.nodes.map((n) => n.name)).toEqual(graphOrder);
    expect(json.nodes[4]).toEqual({
      name: "train",
      namespace: null,
      tags: ["ml"],
      inputs: ["feats", "params:model.alpha"],
      outputs: "model",
      func: "f",
    });
    expect(json.inputs).toEqual(["params:model.alpha", "raw"]);
    expect(json.outputs).toEqual(["summary"]);
    expect(JSON.parse(JSON.stringify(p))).toEqual(json);
  });
});

describe("Pipeline construction rules", () => {
  it("keeps one copy of a node added twice", () => {
    const n = node({ func: f, inputs: "a", outputs: "b", name: "n" });
    const m = node({ func: f, inputs: "b", outputs: "c", name: "m" });
    const p = new Pipeline([n, m, n]);
    expect(names(p)).toEqual(["n", "m"]);
    expect(names(pipeline([p, p, n]))).toEqual(["n", "m"]);
    // An equal node built separately (same name, function and datasets) is the same node.
    expect(names(new Pipeline([n, node({ func: f, inputs: "a", outputs: "b", name: "n" })]))).toEqual(["n"]);
  });

  it("rejects two different nodes with one name", () => {
    const error = thrown(
      () =>
        new Pipeline([
          node({ func: f, inputs: "a", outputs: "b", name: "clean" }),
          node({ func: f, inputs: "x", outputs: "y", name: "clean" }),
        ]),
    );
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_PIPELINE_DUPLICATE_NODE_NAME");
    expect(error.message).toBe(
      'Two different nodes are named "clean" (clean: f(a) -> [b] and clean: f(x) -> [y]).',
    );
  });

  it("rejects two nodes with one name that differ only by function", () => {
    const g = (..._args: unknown[]) => 1;
    const error = thrown(
      () =>
        new Pipeline([
          node({ func: f, inputs: "a", outputs: "b", name: "n" }),
          node({ func: g, inputs: "a", outputs: "b", name: "n" }),
        ]),
    );
    expect(error.code).toBe("KILN_PIPELINE_DUPLICATE_NODE_NAME");
  });

  it("rejects two producers of one dataset", () => {
    const error = thrown(
      () =>
        new Pipeline([
          node({ func: f, inputs: "a", outputs: "shared", name: "first" }),
          node({ func: f, inputs: "b", outputs: ["other", "shared"], name: "second" }),
        ]),
    );
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_PIPELINE_DUPLICATE_OUTPUT");
    expect(error.message).toBe(
      'More than one node writes the same dataset: "shared" is written by "first", "second".',
    );
  });

  it("rejects two producers writing one dataset in two formats", () => {
    const error = thrown(
      () =>
        new Pipeline([
          node({ func: f, inputs: "in", outputs: "a@pandas", name: "p1" }),
          node({ func: f, inputs: "in", outputs: "a@spark", name: "p2" }),
        ]),
    );
    expect(error.code).toBe("KILN_PIPELINE_DUPLICATE_OUTPUT");
    expect(error.message).toContain('"a" is written by "p1", "p2"');
  });

  it("rejects a node that is not a node", () => {
    const error = thrown(() => new Pipeline([node({ func: f, outputs: "a", name: "n" }), f as never]));
    expect(error.code).toBe("KILN_PIPELINE_INVALID_ITEM");
    expect(error.message).toContain("pipeline() takes nodes and pipelines, but got function");
    expect(thrown(() => new Pipeline(42 as never)).code).toBe("KILN_PIPELINE_INVALID_ITEM");
  });

  /** Checks that `message` prints a real cycle of `p`'s nodes and returns its node names. */
  function cycleIn(message: string, nodes: readonly Node[]): string[] {
    const match = /^The pipeline has a cycle: (.+)\.$/.exec(message);
    expect(match, message).not.toBeNull();
    const path = match![1]!.split(" -> ");
    expect(path.length).toBeGreaterThanOrEqual(3);
    expect(path[0]).toBe(path[path.length - 1]);
    expect(new Set(path.slice(0, -1)).size).toBe(path.length - 1);
    const byName = new Map(nodes.map((n) => [n.name, n]));
    for (let i = 0; i + 1 < path.length; i++) {
      const from = byName.get(path[i]!)!;
      const to = byName.get(path[i + 1]!)!;
      expect(from, path[i]).toBeDefined();
      const feeds = from.outputs.some((o) =>
        to.inputs.some((input) => input.split("@")[0] === o.split("@")[0]),
      );
      expect(feeds, `${from.name} feeds ${to.name}`).toBe(true);
    }
    return path.slice(0, -1);
  }

  it("rejects a cycle and prints it as `a -> b -> c -> a`", () => {
    const nodes = [
      node({ func: f, inputs: "x", outputs: "y", name: "a" }),
      node({ func: f, inputs: "y", outputs: "z", name: "b" }),
      node({ func: f, inputs: "z", outputs: "x", name: "c" }),
    ];
    const error = thrown(() => new Pipeline(nodes));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_PIPELINE_CYCLE");
    expect(error.message).toBe("The pipeline has a cycle: a -> b -> c -> a.");
  });

  it("prints only a real cycle when other nodes hang off it, whatever the node order", () => {
    const nodes = [
      node({ func: f, inputs: "raw", outputs: "start", name: "upstream" }),
      node({ func: f, inputs: ["start", "loop_back"], outputs: "m1", name: "c1" }),
      node({ func: f, inputs: "m1", outputs: ["m2", "side"], name: "c2" }),
      node({ func: f, inputs: "m2", outputs: "loop_back", name: "c3" }),
      node({ func: f, inputs: "side", outputs: "down", name: "downstream" }),
      node({ func: f, inputs: "down", outputs: "further", name: "further_down" }),
    ];
    for (const order of permutations(nodes)) {
      const error = thrown(() => new Pipeline(order));
      expect(error.code).toBe("KILN_PIPELINE_CYCLE");
      expect(cycleIn(error.message, nodes).sort()).toEqual(["c1", "c2", "c3"]);
    }
  });

  it("finds a two-node cycle through transcoded datasets", () => {
    const nodes = [
      node({ func: f, inputs: "a@spark", outputs: "b", name: "one" }),
      node({ func: f, inputs: "b", outputs: "a@pandas", name: "two" }),
    ];
    const error = thrown(() => new Pipeline(nodes));
    expect(error.code).toBe("KILN_PIPELINE_CYCLE");
    expect(cycleIn(error.message, nodes).sort()).toEqual(["one", "two"]);
  });

  it("rejects a dataset used both with and without a transcoding format", () => {
    const error = thrown(
      () =>
        new Pipeline([
          node({ func: f, inputs: "raw", outputs: "a@pandas", name: "p" }),
          node({ func: f, inputs: "a", outputs: "b", name: "q" }),
        ]),
    );
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_PIPELINE_TRANSCODING_MIXED");
    expect(error.message).toBe(
      '"a" is used with a transcoding format ("name@format") in some nodes and without one in others.',
    );
  });

  it("reports every mixed dataset at once", () => {
    const error = thrown(
      () =>
        new Pipeline([
          node({ func: f, inputs: ["a", "b@x"], outputs: "c", name: "p" }),
          node({ func: f, inputs: ["a@y", "b"], outputs: "d", name: "q" }),
        ]),
    );
    expect(error.code).toBe("KILN_PIPELINE_TRANSCODING_MIXED");
    expect(error.message).toMatch(/^("a", "b"|"b", "a") are used with a transcoding format/);
  });
});

describe("Pipeline transcoding", () => {
  const nodes = () => [
    node({ func: f, inputs: "companies@spark", outputs: "report", name: "b_consume" }),
    node({ func: f, inputs: "raw", outputs: "companies@pandas", name: "z_produce" }),
  ];

  it("orders a reader of `a@spark` after the writer of `a@pandas`", () => {
    const p = new Pipeline(nodes());
    expect(names(p)).toEqual(["z_produce", "b_consume"]);
    expect(p.layers()).toHaveLength(2);
  });

  it("counts `a@pandas` and `a@spark` as one dataset for inputs() and outputs()", () => {
    const p = new Pipeline(nodes());
    expect(p.inputs()).toEqual(["raw"]);
    expect(p.outputs()).toEqual(["report"]);
    expect(p.allInputs()).toEqual(["companies@spark", "raw"]);
    expect(p.allOutputs()).toEqual(["companies@pandas", "report"]);
  });

  it("still lists the transcoded name as a free input when no node writes it", () => {
    const p = new Pipeline([nodes()[0]!]);
    expect(p.inputs()).toEqual(["companies@spark"]);
    const q = new Pipeline([nodes()[1]!]);
    expect(q.outputs()).toEqual(["companies@pandas"]);
  });
});

describe("Pipeline algebra", () => {
  const a = node({ func: f, inputs: "x", outputs: "y", name: "a" });
  const b = node({ func: f, inputs: "y", outputs: "z", name: "b" });
  const c = node({ func: f, inputs: "z", outputs: "w", name: "c" });

  it("add() returns the union, re-ordered and de-duplicated", () => {
    const p = new Pipeline([c]).add(new Pipeline([a, b]));
    expect(names(p)).toEqual(["a", "b", "c"]);
    expect(names(new Pipeline([a, b]).add([b, c]))).toEqual(["a", "b", "c"]);
    expect(names(new Pipeline([a]).add(b))).toEqual(["a", "b"]);
  });

  it("add() applies the construction rules to the union", () => {
    const clash = node({ func: f, inputs: "q", outputs: "y", name: "other" });
    expect(thrown(() => new Pipeline([a]).add([clash])).code).toBe("KILN_PIPELINE_DUPLICATE_OUTPUT");
    const back = node({ func: f, inputs: "w", outputs: "x", name: "back" });
    expect(thrown(() => new Pipeline([a, b, c]).add(back)).code).toBe("KILN_PIPELINE_CYCLE");
  });

  it("difference() drops the other pipeline's nodes", () => {
    const p = new Pipeline([a, b, c]);
    expect(names(p.difference(new Pipeline([b])))).toEqual(["a", "c"]);
    expect(names(p.difference([a, c]))).toEqual(["b"]);
    expect(names(p.difference(new Pipeline()))).toEqual(["a", "b", "c"]);
    expect(p.difference(p).nodes).toEqual([]);
  });

  it("intersection() keeps the nodes of both", () => {
    const p = new Pipeline([a, b, c]);
    expect(names(p.intersection(new Pipeline([c, a])))).toEqual(["a", "c"]);
    expect(names(p.intersection(b))).toEqual(["b"]);
    expect(p.intersection(new Pipeline()).nodes).toEqual([]);
  });

  it("never changes the pipelines it combines", () => {
    const p = new Pipeline([a, b]);
    p.add(c);
    p.difference(a);
    p.intersection(b);
    expect(names(p)).toEqual(["a", "b"]);
  });

  it("tag() adds tags to every node", () => {
    const p = new Pipeline([a, b]).tag(["t1", "t2"]);
    expect(p.nodes.every((n) => n.tags.has("t1") && n.tags.has("t2"))).toBe(true);
    expect(a.tags.size).toBe(0);
    expect(thrown(() => new Pipeline([a]).tag("bad tag")).code).toBe("KILN_NODE_INVALID_TAG");
  });
});
