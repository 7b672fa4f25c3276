// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about ${...} interpolation in config text.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.js";
import { type ConfDir, confDir, rejection } from "./__fixtures__/conf-dir.js";
import { RUNTIME_PARAMS_SOURCE } from "./location.js";
import { parseRuntimeParams } from "./runtime-params.js";

describe("parseRuntimeParams", () => {
  it("nests dotted keys and types values as YAML scalars", () => {
    expect(parseRuntimeParams("a.b=1,c=x,d=true,e=[1,2]")).toEqual({
      a: { b: 1 },
      c: "x",
      d: true,
      e: [1, 2],
    });
    expect(parseRuntimeParams("f=0.5, g=null,h='1,2',i=hello world,j={k: 1},l=")).toEqual({
      f: 0.5,
      g: null,
      h: "1,2",
      i: "hello world",
      j: { k: 1 },
      l: null,
    });
    expect(parseRuntimeParams("a.b=1,a.c=2,a.b=3")).toEqual({ a: { b: 3, c: 2 } });
    expect(parseRuntimeParams("")).toEqual({});
  });

  it("never lets a key reach a prototype", () => {
    const parsed = parseRuntimeParams("__proto__.polluted=1");
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(parsed, "__proto__")?.value).toEqual({ polluted: 1 });
  });

  it.each([
    ["a.b=1,oops", 7, 'has no "="'],
    ["=1", 1, "a key is empty"],
    ["a..b=1", 1, "not a valid key"],
    ["a=1,e=[1,2", 7, "not valid YAML"],
    ["a=!!js/function x", 3, "tags are not allowed"],
  ])("refuses %j, naming the column and the expected format", (text, column, what) => {
    let error: unknown;
    try {
      parseRuntimeParams(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.code).toBe("KILN_CONFIG_BAD_RUNTIME_PARAMS");
    expect(configError.message).toContain(`column ${column}`);
    expect(configError.message).toContain(what);
    expect(configError.hint).toContain("a.b=1,c=x");
  });
});

describe("runtimeParams in the loader", () => {
  let dir: ConfDir;
  beforeEach(async () => {
    dir = await confDir({
      "base/parameters.yml": "model:\n  lr: 0.1\n  epochs: 5\nseed: 1\n",
      "local/parameters.yml": "seed: 2\n",
    });
  });
  afterEach(() => dir.remove());

  it("override merged parameters deeply, by dotted key, and say where they came from", async () => {
    const runtimeParams = parseRuntimeParams("model.lr=0.5,extra.flag=true");
    const doc = await dir.loader({ runtimeParams }).load("parameters");
    expect(doc.value).toEqual({ model: { lr: 0.5, epochs: 5 }, seed: 2, extra: { flag: true } });
    expect(doc.locate(["model", "lr"])?.file).toBe(RUNTIME_PARAMS_SOURCE);
    expect(doc.locate(["model", "epochs"])?.file).toBe(dir.path("base/parameters.yml"));
  });

  it("locate only the keys they set: a mapping from a file that they add to keeps the file's place", async () => {
    const runtimeParams = parseRuntimeParams("model.lr=0.5,model.opt.name=adam,seed.x=1,extra.flag=true");
    const doc = await dir.loader({ runtimeParams }).load("parameters");
    const base = dir.path("base/parameters.yml");
    expect(doc.locate(["model"])).toEqual({ file: base, line: 1, column: 1 });
    expect(doc.locate(["model", "lr"])?.file).toBe(RUNTIME_PARAMS_SOURCE);
    // New mappings, and a scalar replaced by a mapping, are the runtime params' own.
    expect(doc.locate(["model", "opt"])?.file).toBe(RUNTIME_PARAMS_SOURCE);
    expect(doc.locate(["model", "opt", "name"])?.file).toBe(RUNTIME_PARAMS_SOURCE);
    expect(doc.locate(["seed"])?.file).toBe(RUNTIME_PARAMS_SOURCE);
    expect(doc.locate(["seed", "x"])?.file).toBe(RUNTIME_PARAMS_SOURCE);
    expect(doc.locate(["extra"])?.file).toBe(RUNTIME_PARAMS_SOURCE);
  });

  it("accept dotted keys in an object too, and leave the caller's object alone", async () => {
    const runtimeParams = { "model.epochs": 9, model: { lr: 1 } };
    const doc = await dir.loader({ runtimeParams }).load("parameters");
    expect(doc.value.model).toEqual({ lr: 1, epochs: 9 });
    expect(runtimeParams).toEqual({ "model.epochs": 9, model: { lr: 1 } });
  });

  it("do not touch other configs", async () => {
    await dir.write({ "base/catalog.yml": "model: {lr: 1}\n" });
    const doc = await dir.loader({ runtimeParams: { model: { lr: 2 } } }).load("catalog");
    expect(doc.value).toEqual({ model: { lr: 1 } });
  });

  it("can themselves use interpolation, resolved after the override", async () => {
    await dir.write({ "base/parameters.yml": "model:\n  lr: 0.1\n  warmup_lr: ${model.lr}\n" });
    const doc = await dir.loader({ runtimeParams: { model: { lr: 0.3 } } }).load("parameters");
    expect(doc.value.model).toEqual({ lr: 0.3, warmup_lr: 0.3 });
  });

  it("report a bad interpolation they bring as coming from runtime params", async () => {
    const error = await rejection(dir.loader({ runtimeParams: { x: "${nope}" } }).load("parameters"));
    expect(error.code).toBe("KILN_CONFIG_MISSING_REFERENCE");
    expect(error.message).toContain("runtime params (--params)");
  });
});
