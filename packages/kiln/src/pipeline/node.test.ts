// node(): how inputs and outputs are declared, how the function is called, default names and
// validation. The checks on a function's result are in node-run.test.ts.
import { describe, expect, it } from "vitest";
import { PipelineError } from "../errors/index.js";
import { thrown } from "./__fixtures__/expect-error.js";
import { pipeline } from "./modular.js";
import { Node, node } from "./node.js";

const identity = (x: unknown) => x;

describe("node() inputs", () => {
  it("passes a single named input as the only argument", async () => {
    const calls: unknown[][] = [];
    const n = node({
      func: (...args: unknown[]) => {
        calls.push(args);
        return 1;
      },
      inputs: "a",
      outputs: "b",
      name: "n",
    });
    expect(n.inputs).toEqual(["a"]);
    expect(n.inputShape).toEqual({ kind: "single", name: "a" });
    await n.run({ a: 42, other: 0 });
    expect(calls).toEqual([[42]]);
  });

  it("passes a list of inputs as positional arguments, in declaration order", async () => {
    const calls: unknown[][] = [];
    const n = node({
      func: (...args: unknown[]) => {
        calls.push(args);
        return 0;
      },
      inputs: ["c", "a", "b"],
      outputs: "out",
      name: "n",
    });
    expect(n.inputs).toEqual(["c", "a", "b"]);
    await n.run({ a: 1, b: 2, c: 3 });
    expect(calls).toEqual([[3, 1, 2]]);
  });

  it("lists a dataset read twice once in `inputs`, but still passes it twice", async () => {
    const calls: unknown[][] = [];
    const n = node({
      func: (...args: unknown[]) => {
        calls.push(args);
        return 0;
      },
      inputs: ["a", "a"],
      outputs: "out",
      name: "n",
    });
    expect(n.inputs).toEqual(["a"]);
    await n.run({ a: 7 });
    expect(calls).toEqual([[7, 7]]);
    // Names with characters outside the common set (here "@") are compared too.
    const transcoded = node({ func: identity, inputs: ["a@pandas", "b", "a@pandas", "a@spark"], name: "t" });
    expect(transcoded.inputs).toEqual(["a@pandas", "b", "a@spark"]);
    expect(transcoded.inputShape).toEqual({ kind: "list", names: ["a@pandas", "b", "a@pandas", "a@spark"] });
  });

  it("passes a record of inputs as one object argument keyed like the record", async () => {
    const calls: unknown[][] = [];
    const n = node({
      func: (...args: unknown[]) => {
        calls.push(args);
        return 0;
      },
      inputs: { left: "x", right: "y" },
      outputs: "out",
      name: "n",
    });
    expect(n.inputs).toEqual(["x", "y"]);
    expect(n.inputShape).toEqual({ kind: "record", keys: ["left", "right"], names: ["x", "y"] });
    await n.run({ x: 1, y: 2 });
    expect(calls).toEqual([[{ left: 1, right: 2 }]]);
  });

  it.each([
    ["omitted", undefined],
    ["null", null],
    ["an empty list", []],
    ["an empty record", {}],
  ])("calls the function with no arguments when inputs are %s", async (_, inputs) => {
    const calls: unknown[][] = [];
    const n = node({
      func: (...args: unknown[]) => {
        calls.push(args);
        return "v";
      },
      inputs,
      outputs: "out",
      name: "n",
    });
    expect(n.inputs).toEqual([]);
    expect(n.inputShape).toEqual({ kind: "none" });
    expect(await n.run({ out: "ignored" })).toEqual({ out: "v" });
    expect(calls).toEqual([[]]);
  });

  it("treats `params:a.b` and `parameters` as ordinary inputs", async () => {
    const n = node({
      func: (size: number, all: Record<string, unknown>) => ({ size, keys: Object.keys(all) }),
      inputs: ["params:model_options.test_size", "parameters"],
      outputs: "report",
      name: "n",
    });
    expect(n.inputs).toEqual(["params:model_options.test_size", "parameters"]);
    const out = await n.run({ "params:model_options.test_size": 0.2, parameters: { model_options: {} } });
    expect(out).toEqual({ report: { size: 0.2, keys: ["model_options"] } });
  });
});

describe("node() outputs", () => {
  it("saves the whole result to a single output", async () => {
    const n = node({ func: () => [1, 2], outputs: "pair", name: "n" });
    expect(n.outputs).toEqual(["pair"]);
    expect(await n.run({})).toEqual({ pair: [1, 2] });
  });

  it("maps an array result onto a list of outputs", async () => {
    const n = node({ func: () => [1, "two", null], outputs: ["a", "b", "c"], name: "n" });
    expect(n.outputs).toEqual(["a", "b", "c"]);
    expect(await n.run({})).toEqual({ a: 1, b: "two", c: null });
  });

  it("maps an object result onto a record of outputs, renaming keys to dataset names", async () => {
    const n = node({
      func: () => ({ model: "m", metrics: { r2: 0.9 } }),
      outputs: { model: "regressor", metrics: "scores" },
      name: "n",
    });
    expect(n.outputs).toEqual(["regressor", "scores"]);
    expect(await n.run({})).toEqual({ regressor: "m", scores: { r2: 0.9 } });
  });

  it.each([
    ["omitted", undefined],
    ["null", null],
    ["an empty list", []],
  ])("returns nothing when outputs are %s, but still runs the function", async (_, outputs) => {
    let ran = 0;
    const n = node({
      func: () => {
        ran++;
        return "ignored";
      },
      inputs: "a",
      outputs,
      name: "n",
    });
    expect(n.outputs).toEqual([]);
    expect(await n.run({ a: 1 })).toEqual({});
    expect(ran).toBe(1);
  });

  it("awaits async functions for every output shape", async () => {
    const single = node({ func: async (x: number) => x + 1, inputs: "x", outputs: "y", name: "s" });
    const list = node({ func: async () => [1, 2], outputs: ["a", "b"], name: "l" });
    const record = node({ func: async () => ({ k: 3 }), outputs: { k: "c" }, name: "r" });
    expect(await single.run({ x: 1 })).toEqual({ y: 2 });
    expect(await list.run({})).toEqual({ a: 1, b: 2 });
    expect(await record.run({})).toEqual({ c: 3 });
  });
});

describe("node() names", () => {
  function split(a: unknown, b: unknown) {
    return [a, b];
  }

  it("defaults to `<function name>__<8 hex digits>`", () => {
    const n = node({ func: split, inputs: ["a", "b"], outputs: ["c", "d"] });
    expect(n.name).toMatch(/^split__[0-9a-f]{8}$/);
    expect(n.shortName).toBe(n.name);
    expect(n.namespace).toBeUndefined();
  });

  it("gives the same default name to the same function name, inputs and outputs", () => {
    const a = node({ func: split, inputs: ["a", "b"], outputs: ["c", "d"] });
    const b = node({ func: split, inputs: ["a", "b"], outputs: ["c", "d"], tags: ["other"] });
    expect(b.name).toBe(a.name);
  });

  it("gives different default names to different inputs, outputs or function names", () => {
    const base = node({ func: split, inputs: ["a", "b"], outputs: ["c", "d"] }).name;
    const names = [
      node({ func: split, inputs: ["a", "x"], outputs: ["c", "d"] }).name,
      node({ func: split, inputs: ["b", "a"], outputs: ["c", "d"] }).name,
      node({ func: split, inputs: ["a", "b"], outputs: ["c", "e"] }).name,
      node({ func: split, inputs: ["a"], outputs: ["b", "c", "d"] }).name,
    ];
    for (const name of names) expect(name).toMatch(/^split__[0-9a-f]{8}$/);
    expect(new Set([base, ...names]).size).toBe(5);
    function other(a: unknown, b: unknown) {
      return [a, b];
    }
    expect(node({ func: other, inputs: ["a", "b"], outputs: ["c", "d"] }).name).toMatch(
      /^other__[0-9a-f]{8}$/,
    );
  });

  it("names anonymous functions `node__<hash>` and prints them as <anonymous>", () => {
    const [anonymous] = [(x: unknown) => x];
    expect(anonymous!.name).toBe("");
    const n = node({ func: anonymous!, inputs: "a", outputs: "b" });
    expect(n.name).toMatch(/^node__[0-9a-f]{8}$/);
    expect(n.funcName).toBe("<anonymous>");
    expect(n.toString()).toBe(`${n.name}: <anonymous>(a) -> [b]`);
    expect(node({ func: anonymous!, inputs: "a", outputs: "c" }).name).not.toBe(n.name);
  });

  it("falls back to `node` when the function name is not a valid node name", () => {
    const bound = split.bind(null);
    expect(bound.name).toBe("bound split");
    expect(node({ func: bound, inputs: "a", outputs: "b" }).name).toMatch(/^node__[0-9a-f]{8}$/);
  });

  it("keeps an explicit name, and prefixes it with the namespace", () => {
    const n = node({
      func: identity,
      inputs: "a",
      outputs: "b",
      name: "step-1.v2_x",
      namespace: "ds.active",
    });
    expect(n.name).toBe("ds.active.step-1.v2_x");
    expect(n.shortName).toBe("step-1.v2_x");
    expect(n.namespace).toBe("ds.active");
  });

  it("accepts tags as one string or any iterable", () => {
    expect([...node({ func: identity, outputs: "a", name: "n", tags: "t" }).tags]).toEqual(["t"]);
    const n = node({ func: identity, outputs: "a", name: "n", tags: new Set(["x", "y.z", "w-1"]) });
    expect([...n.tags].sort()).toEqual(["w-1", "x", "y.z"]);
  });
});

describe("node() validation", () => {
  it.each(["", ".hidden", "-dash", "has space", "a/b", "a@b", "é"])("rejects the node name %j", (name) => {
    const error = thrown(() => node({ func: identity, inputs: "a", outputs: "b", name }));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_NODE_INVALID_NAME");
    expect(error.message).toContain(`node name ${JSON.stringify(name)} is not valid`);
    expect(error.hint).toBeTruthy();
  });

  it.each(["", "has space", "a,b", "a/b", "tag!"])("rejects the tag %j", (tag) => {
    const error = thrown(() => node({ func: identity, outputs: "b", name: "n", tags: ["ok", tag] }));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_NODE_INVALID_TAG");
    expect(error.message).toBe(`Node "n": tag ${JSON.stringify(tag)} is not valid.`);
  });

  it.each(["", ".a", "a.", "a..b", "a b", "a/b", "a@b"])("rejects the namespace %j", (namespace) => {
    const error = thrown(() => node({ func: identity, outputs: "b", name: "n", namespace }));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_NODE_INVALID_NAMESPACE");
    expect(error.message).toBe(`Node "n": namespace ${JSON.stringify(namespace)} is not valid.`);
  });

  it.each([
    ["", "is empty"],
    ["has space", "contains whitespace or a comma"],
    ["tab\there", "contains whitespace or a comma"],
    ["a,b", "contains whitespace or a comma"],
    ["a@b@c", 'has more than one "@"'],
    ["@pandas", 'has an empty part around "@"'],
    ["a@", 'has an empty part around "@"'],
    ["params:", "names no parameter after params:"],
  ])("rejects the dataset name %j (%s) in inputs and outputs", (name, problem) => {
    for (const spec of [
      { inputs: name, outputs: "ok" },
      { inputs: ["ok", name], outputs: "out" },
      { inputs: { k: name }, outputs: "out" },
      { inputs: "in", outputs: name },
      { inputs: "in", outputs: ["ok", name] },
      { inputs: "in", outputs: { k: name } },
    ]) {
      const error = thrown(() => node({ func: identity, name: "n", ...spec }));
      expect(error).toBeInstanceOf(PipelineError);
      expect(error.code).toBe("KILN_NODE_INVALID_DATASET_NAME");
      expect(error.message).toBe(`Node "n": dataset name ${JSON.stringify(name)} ${problem}.`);
    }
  });

  it("accepts one transcoding format and dotted parameter names", () => {
    const n = node({ func: identity, inputs: "companies@pandas", outputs: "params_out.x", name: "n" });
    expect(n.inputs).toEqual(["companies@pandas"]);
  });

  it("names the function, or <anonymous>, in errors of nodes without a name", () => {
    function load(x: unknown) {
      return x;
    }
    expect(thrown(() => node({ func: load, inputs: "a b", outputs: "c" })).message).toBe(
      'Node "load": dataset name "a b" contains whitespace or a comma.',
    );
    const [anonymous] = [(x: unknown) => x];
    expect(thrown(() => node({ func: anonymous!, inputs: "a b", outputs: "c" })).message).toBe(
      'Node "<anonymous>": dataset name "a b" contains whitespace or a comma.',
    );
  });

  it("rejects a non-string dataset name inside a list", () => {
    const error = thrown(() => node({ func: identity, inputs: ["a", 3 as never], outputs: "b", name: "n" }));
    expect(error.code).toBe("KILN_NODE_INVALID_DATASET_NAME");
    expect(error.message).toBe('Node "n": dataset name 3 must be a string, got number.');
  });

  it.each([
    ["a string", "split_data"],
    ["undefined", undefined],
    ["null", null],
    ["an object with keys []", {}],
  ])("rejects a func that is %s", (described, func) => {
    const error = thrown(() => node({ func: func as never, inputs: "a", outputs: "b", name: "n" }));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_NODE_INVALID_FUNC");
    expect(error.message).toBe(`Node "n": func must be a function, got ${described}.`);
  });

  it("rejects a call without an options object", () => {
    const error = thrown(() => node(undefined as never));
    expect(error.code).toBe("KILN_NODE_INVALID_FUNC");
    expect(error.message).toContain("node() takes one options object");
  });

  it.each([
    ["a number", 42],
    ["a boolean", true],
    ["a function", () => "a"],
  ])("rejects inputs and outputs that are %s", (described, spec) => {
    const inputs = thrown(() => node({ func: identity, inputs: spec as never, outputs: "b", name: "n" }));
    expect(inputs).toBeInstanceOf(PipelineError);
    expect(inputs.code).toBe("KILN_NODE_INVALID_INPUTS");
    expect(inputs.message).toBe(
      `Node "n": inputs must be a dataset name, a list of names or a record of names, got ${described}.`,
    );
    const outputs = thrown(() => node({ func: identity, inputs: "a", outputs: spec as never, name: "n" }));
    expect(outputs.code).toBe("KILN_NODE_INVALID_OUTPUTS");
    expect(outputs.message).toContain(`outputs must be a dataset name, a list of names or a record of names`);
  });

  it("rejects a Set or a Map instead of silently reading nothing", () => {
    const set = thrown(() =>
      node({ func: identity, inputs: new Set(["a"]) as never, outputs: "b", name: "n" }),
    );
    expect(set.code).toBe("KILN_NODE_INVALID_INPUTS");
    const map = thrown(() =>
      node({ func: identity, inputs: "a", outputs: new Map([["k", "b"]]) as never, name: "n" }),
    );
    expect(map.code).toBe("KILN_NODE_INVALID_OUTPUTS");
  });

  it.each([
    ["a list", ["a", "b", "a"]],
    ["transcoded variants", ["a@pandas", "a@spark"]],
    ["a record", { x: "a", y: "a" }],
  ])("rejects the same output named twice in %s", (_, outputs) => {
    const error = thrown(() => node({ func: identity, inputs: "in", outputs, name: "n" }));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_NODE_DUPLICATE_OUTPUT");
    expect(error.message).toBe('Node "n" names output "a" more than once.');
  });

  it.each([
    ["the same name", "a", "a", "a"],
    ["two transcoded variants", "a@pandas", "a@spark", "a@pandas"],
    ["a plain and a transcoded name", ["x", "a"], { r: "a@csv" }, "a"],
  ])("rejects a node reading and writing one dataset: %s", (_, inputs, outputs, reported) => {
    const error = thrown(() => node({ func: identity, inputs, outputs, name: "loop" }));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe("KILN_NODE_SELF_LOOP");
    expect(error.message).toContain(`Node "loop" reads and writes the same dataset "${reported}"`);
  });
});

describe("Node printing and equality", () => {
  function fit(x: unknown, y: unknown) {
    return { model: [x, y] };
  }

  it("toJSON() returns the node as declared", () => {
    const n = node({
      func: fit,
      inputs: { x: "X_train", y: "params:model.y" },
      outputs: { model: "regressor" },
      name: "fit",
      namespace: "ds",
      tags: ["z", "a"],
    });
    expect(n.toJSON()).toEqual({
      name: "ds.fit",
      namespace: "ds",
      tags: ["a", "z"],
      inputs: { x: "X_train", y: "params:model.y" },
      outputs: { model: "regressor" },
      func: "fit",
    });
    const list = node({ func: fit, inputs: ["a", "b"], outputs: ["c"], name: "l" }).toJSON();
    expect(list).toMatchObject({ namespace: null, tags: [], inputs: ["a", "b"], outputs: ["c"] });
    const bare = node({ func: fit, name: "bare" }).toJSON();
    expect(bare).toMatchObject({ inputs: null, outputs: null });
    expect(JSON.parse(JSON.stringify(node({ func: fit, inputs: "a", outputs: "b", name: "s" })))).toEqual({
      name: "s",
      namespace: null,
      tags: [],
      inputs: "a",
      outputs: "b",
      func: "fit",
    });
  });

  it("toString() shows name, function, inputs and outputs", () => {
    expect(node({ func: fit, inputs: ["a", "b"], outputs: ["c", "d"], name: "fit" }).toString()).toBe(
      "fit: fit(a, b) -> [c, d]",
    );
    expect(node({ func: fit, name: "bare" }).toString()).toBe("bare: fit() -> []");
  });

  it("equals() compares name, function and datasets", () => {
    const a = node({ func: fit, inputs: "x", outputs: "y", name: "n" });
    expect(a.equals(a)).toBe(true);
    expect(a.equals(node({ func: fit, inputs: "x", outputs: "y", name: "n" }))).toBe(true);
    expect(a.equals(node({ func: identity, inputs: "x", outputs: "y", name: "n" }))).toBe(false);
    expect(a.equals(node({ func: fit, inputs: "x2", outputs: "y", name: "n" }))).toBe(false);
    expect(a.equals(node({ func: fit, inputs: "x", outputs: "y2", name: "n" }))).toBe(false);
    expect(a.equals(node({ func: fit, inputs: "x", outputs: "y", name: "m" }))).toBe(false);
  });

  it("is a Node and copies the inputs list it is given", () => {
    const inputs = ["a", "b"];
    const n = node({ func: fit, inputs, outputs: "c", name: "n" });
    inputs.push("c2");
    expect(n).toBeInstanceOf(Node);
    expect(n.inputs).toEqual(["a", "b"]);
  });
});

describe("node() confirms", () => {
  const id = (x: unknown) => x;

  it("keeps the datasets to confirm, once each, and shows them in toJSON()", () => {
    const n = node({
      func: id,
      inputs: "events",
      outputs: "counts",
      name: "count",
      confirms: ["events", "events"],
    });
    expect(n.confirms).toEqual(["events"]);
    expect(n.toJSON().confirms).toEqual(["events"]);
    expect(node({ func: id, inputs: "a", outputs: "b", name: "plain" }).toJSON()).not.toHaveProperty(
      "confirms",
    );
    expect(node({ func: id, inputs: "a", outputs: "b", name: "one", confirms: "a" }).confirms).toEqual(["a"]);
  });

  it("refuses a bad dataset name, saying it is in confirms", () => {
    expect(() => node({ func: id, inputs: "a", outputs: "b", name: "n", confirms: ["bad name"] })).toThrow(
      /Node "n" confirms.*contains whitespace or a comma/,
    );
  });

  it("namespaces the confirmed datasets with the node's other datasets in a modular pipeline", () => {
    const base = pipeline([
      node({ func: id, inputs: "events", outputs: "counts", name: "count", confirms: "events" }),
    ]);
    expect(pipeline(base, { namespace: "eu" }).nodes[0]!.confirms).toEqual(["eu.events"]);
    expect(pipeline(base, { namespace: "eu", inputs: "events" }).nodes[0]!.confirms).toEqual(["events"]);
  });
});
