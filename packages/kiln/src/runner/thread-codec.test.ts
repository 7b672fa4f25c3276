import { describe, expect, it } from "vitest";
import { Point } from "./__fixtures__/pipelines.js";
import pointCodec from "./__fixtures__/point-codec.js";
import { loadThreadCodecs } from "./load-thread-codecs.js";
import { codecStep, ThreadCodecFailure, ThreadCodecs } from "./thread-codec.js";

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url).href;

describe("ThreadCodecs", () => {
  const codecs = new ThreadCodecs([pointCodec]);

  it("encodes a value a codec takes, and lists its buffers to transfer", async () => {
    const transfer = new Set<ArrayBuffer>();
    const out = await codecs.encode(new Point(1, 2), transfer);
    expect(out.changed).toBe(true);
    expect(out.value).not.toBeInstanceOf(Point);
    expect(transfer.size).toBe(1);
    const back = await codecs.decode(structuredClone(out.value));
    expect(back).toEqual(new Point(1, 2));
    expect(back).toBeInstanceOf(Point);
  });

  it("reaches one level down: items of arrays, plain objects and Maps", async () => {
    const transfer = new Set<ArrayBuffer>();
    const value = {
      list: [new Point(1, 1), 7],
      record: { p: new Point(2, 2), s: "x" },
      map: new Map([["p", new Point(3, 3)]]),
    };
    const sent = await Promise.all(Object.values(value).map((v) => codecs.encode(v, transfer)));
    expect(sent.map((s) => s.changed)).toEqual([true, true, true]);
    expect(transfer.size).toBe(3);
    const [list, record, map] = await Promise.all(sent.map((s) => codecs.decode(structuredClone(s.value))));
    expect(list).toEqual([new Point(1, 1), 7]);
    expect((list as unknown[])[0]).toBeInstanceOf(Point);
    expect(record).toEqual({ p: new Point(2, 2), s: "x" });
    expect((map as Map<string, unknown>).get("p")).toBeInstanceOf(Point);
  });

  it("leaves other values as they are (the same object, not a copy)", async () => {
    const transfer = new Set<ArrayBuffer>();
    const numbers = Array.from({ length: 1000 }, (_, i) => i);
    const deep = { a: { b: new Point(1, 1) } }; // two levels down: not reached
    for (const value of [numbers, deep, 5, null, "s", new Float64Array(3)]) {
      const out = await codecs.encode(value, transfer);
      expect(out).toEqual({ value, changed: false });
      expect(out.value).toBe(value);
    }
    expect(transfer.size).toBe(0);
    expect(codecs.takes(new Point(0, 0))).toBe(true);
    expect(codecs.takes(deep)).toBe(false);
  });

  it("names the codec and the dataset when a codec throws", async () => {
    const fragile = (await loadThreadCodecs([fixture("failing-codec.ts")], process.cwd())) as ThreadCodecs;
    const failure = await fragile.encode({ codec: "encode" }, new Set()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ThreadCodecFailure);
    const error = await codecStep(
      () => fragile.encode({ codec: "encode" }, new Set()),
      "Input",
      "companies",
      "preprocess",
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KILN_RUNNER_THREAD_CODEC_FAILED",
      message:
        'Input "companies" of node "preprocess": thread codec "fragile" failed to encode: cannot encode this.',
    });
    const unknown = await codecs
      .decode({ __kilnThreadCodec: "nobody", payload: 1 })
      .catch((e: unknown) => (e as Error).message);
    expect(unknown).toBe('thread codec "nobody" failed to decode: this thread has no codec by that name');
  });
});

describe("loadThreadCodecs", () => {
  it("imports codec modules by URL", async () => {
    const codecs = await loadThreadCodecs([fixture("point-codec.ts")], process.cwd());
    expect(codecs.codecs.map((c) => c.name)).toEqual(["point"]);
  });

  it("refuses a module that cannot be imported, one without a codec, and two codecs of one name", async () => {
    await expect(loadThreadCodecs([fixture("missing-codec.ts")], process.cwd())).rejects.toMatchObject({
      code: "KILN_RUNNER_THREAD_CODEC",
      message: expect.stringContaining("Could not import the thread codec module"),
    });
    await expect(loadThreadCodecs([fixture("not-a-codec.ts")], process.cwd())).rejects.toMatchObject({
      code: "KILN_RUNNER_THREAD_CODEC",
      message: expect.stringContaining("(missing: encode(), decode())"),
      hint: expect.stringContaining("{ name, test(value), encode(value)"),
    });
    await expect(
      loadThreadCodecs([fixture("point-codec.ts"), fixture("point-codec.ts")], process.cwd()),
    ).rejects.toMatchObject({
      code: "KILN_RUNNER_THREAD_CODEC",
      message: expect.stringContaining('Two thread codecs are named "point"'),
    });
  });
});
