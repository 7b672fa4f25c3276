// Node.run(): the checks applied to a node function's result against its declared outputs.
import { describe, expect, it } from "vitest";
import { KilnError, NodeError } from "../errors/index.js";
import { node } from "./node.js";

/** The KilnError `promise` rejects with. */
async function rejected(promise: Promise<unknown>): Promise<KilnError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KilnError) return error;
    throw error;
  }
  return expect.unreachable("expected the promise to reject with a KilnError");
}

describe("Node.run() result shape", () => {
  function splitFn(): unknown {
    return [1, 2, 3];
  }

  it("rejects 3 values for 4 list outputs, naming the node, the expectation and the result", async () => {
    const n = node({ func: splitFn, outputs: ["a", "b", "c", "d"], name: "split" });
    const error = await rejected(n.run({}));
    expect(error).toBeInstanceOf(NodeError);
    expect(error.code).toBe("KILN_NODE_OUTPUT_SHAPE");
    expect(error.message).toBe(
      'Node "split" (function splitFn) must return an array of 4 values for outputs ["a","b","c","d"], ' +
        "but returned an array of 3 values.",
    );
  });

  it("rejects too many values for list outputs", async () => {
    const n = node({ func: splitFn, outputs: ["a", "b"], name: "split" });
    const error = await rejected(n.run({}));
    expect(error.code).toBe("KILN_NODE_OUTPUT_SHAPE");
    expect(error.message).toContain("but returned an array of 3 values");
  });

  it.each([
    ["a string", "ab"],
    ["undefined", undefined],
    ["null", null],
    ['an object with keys ["0","1"]', { 0: 1, 1: 2 }],
  ])("rejects a non-array result (%s) for list outputs", async (received, value) => {
    const [func] = [() => value]; // an array element gets no name: an anonymous function
    const n = node({ func: func!, outputs: ["a", "b"], name: "pair" });
    const error = await rejected(n.run({}));
    expect(error).toBeInstanceOf(NodeError);
    expect(error.code).toBe("KILN_NODE_OUTPUT_SHAPE");
    expect(error.message).toContain('Node "pair" (function <anonymous>) must return an array of 2 values');
    expect(error.message).toContain(`but returned ${received}.`);
  });

  it("rejects an object missing a declared key", async () => {
    function train() {
      return { model: 1 };
    }
    const n = node({ func: train, outputs: { model: "m", metrics: "s" }, name: "train" });
    const error = await rejected(n.run({}));
    expect(error).toBeInstanceOf(NodeError);
    expect(error.code).toBe("KILN_NODE_OUTPUT_SHAPE");
    expect(error.message).toBe(
      'Node "train" (function train) must return an object with keys ["model","metrics"], ' +
        'but returned an object with missing key ["metrics"].',
    );
  });

  it("rejects an object with an undeclared key", async () => {
    const n = node({ func: () => ({ model: 1, extra: 2, more: 3 }), outputs: { model: "m" }, name: "train" });
    const error = await rejected(n.run({}));
    expect(error.code).toBe("KILN_NODE_OUTPUT_SHAPE");
    expect(error.message).toContain('must return an object with keys ["model"]');
    expect(error.message).toContain('but returned an object with unexpected keys ["extra","more"].');
  });

  it("reports missing and extra keys together", async () => {
    const n = node({ func: () => ({ a: 1, z: 2 }), outputs: { a: "a", b: "b" }, name: "n" });
    const error = await rejected(n.run({}));
    expect(error.message).toContain('an object with missing key ["b"] and unexpected key ["z"]');
  });

  it("does not take inherited properties for declared keys", async () => {
    const n = node({ func: () => ({ a: 1 }), outputs: { a: "a", constructor: "c" }, name: "n" });
    const error = await rejected(n.run({}));
    expect(error.code).toBe("KILN_NODE_OUTPUT_SHAPE");
    expect(error.message).toContain('missing key ["constructor"]');
  });

  it.each([
    ["an array of 1 value", [1]],
    ["null", null],
    ["a number", 5],
  ])("rejects a non-object result (%s) for record outputs", async (received, value) => {
    const n = node({ func: () => value, outputs: { a: "a" }, name: "n" });
    const error = await rejected(n.run({}));
    expect(error.code).toBe("KILN_NODE_OUTPUT_SHAPE");
    expect(error.message).toContain(`must return an object with keys ["a"], but returned ${received}.`);
  });

  it("checks the shape of an async function's resolved value", async () => {
    const n = node({ func: async () => [1], outputs: ["a", "b"], name: "late" });
    const error = await rejected(n.run({}));
    expect(error.code).toBe("KILN_NODE_OUTPUT_SHAPE");
    expect(error.message).toContain("but returned an array of 1 value.");
  });

  it("lets errors thrown by the function through unchanged", async () => {
    const boom = new TypeError("boom");
    const n = node({
      func: () => {
        throw boom;
      },
      outputs: "a",
      name: "n",
    });
    await expect(n.run({})).rejects.toBe(boom);
  });
});
