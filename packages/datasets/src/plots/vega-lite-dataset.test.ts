import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCatalog, createDefaultRegistry, createLogger } from "kiln";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { barChart, failure, pngStats } from "../__fixtures__/media.js";
import { datasetTypes } from "../plugin.js";
import { siblingPath, VegaLiteDataset } from "./vega-lite-dataset.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-plots-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function registry() {
  const types = createDefaultRegistry();
  for (const [name, type] of Object.entries(datasetTypes)) types.register(name, type);
  return types;
}

describe("VegaLiteDataset", () => {
  it("saves the spec as JSON and loads it back, writing no rendering by default", async () => {
    const dataset = new VegaLiteDataset({ filepath: join(dir, "chart.json") });
    expect(await dataset.exists()).toBe(false);
    await dataset.save(barChart());
    expect(await dataset.load()).toEqual(barChart());
    expect(JSON.parse(await readFile(join(dir, "chart.json"), "utf8"))).toEqual(barChart());
    expect(await readdir(dir)).toEqual(["chart.json"]);
  });

  it("writes the SVG and PNG renderings next to the spec", async () => {
    const dataset = new VegaLiteDataset({
      filepath: join(dir, "chart.json"),
      save_args: { render: ["svg", "png"], scale: 1 },
    });
    await dataset.save(barChart());
    expect((await readdir(dir)).sort()).toEqual(["chart.json", "chart.png", "chart.svg"]);
    const svg = await readFile(join(dir, "chart.svg"), "utf8");
    expect(svg).toContain(">Shuttle type</text>");
    const stats = pngStats(await readFile(join(dir, "chart.png")));
    expect(stats.width).toBe(Number(svg.match(/width="(\d+)"/)?.[1]));
    expect(stats.dark).toBeGreaterThan(300);
  });

  it("refuses a bad spec before writing anything", async () => {
    const dataset = new VegaLiteDataset({
      filepath: join(dir, "chart.json"),
      save_args: { render: ["png"] },
    });
    const error = await failure(
      dataset.save({
        data: { values: [{ a: 1 }] },
        mark: "bar",
        encoding: { x: { field: "a", type: "weird" } },
      }),
    );
    expect(error.code).toBe("KILN_PLOT_BAD_SPEC");
    expect(error.message).toContain(`${join(dir, "chart.json")} is not a valid Vega-Lite spec`);
    expect(error.message).toContain("Invalid field type");
    expect(await readdir(dir)).toEqual([]);
  });

  it("names the file when it is not valid JSON or not an object", async () => {
    const path = join(dir, "chart.json");
    await writeFile(path, '{"mark": "bar", "data": {"val');
    const error = await failure(new VegaLiteDataset({ filepath: path }).load());
    expect(error.code).toBe("KILN_PLOT_BAD_SPEC");
    expect(error.message).toContain(`Could not read ${path} as a Vega-Lite spec`);
    await writeFile(path, "[1, 2]");
    const array = await failure(new VegaLiteDataset({ filepath: path }).load());
    expect(array.message).toContain(`${path} holds an array, not a Vega-Lite spec object`);
  });

  it("checks save_args when the entry is built", () => {
    const make =
      (save_args: Record<string, unknown>, filepath = join(dir, "c.json")) =>
      () =>
        new VegaLiteDataset({ filepath, save_args });
    expect(make({ render: ["svg", "pdf"] })).toThrow(/save_args.render must list formats from svg, png/);
    expect(make({ scale: 0 })).toThrow(/save_args.scale must be a number above 0/);
    expect(make({ system_fonts: "yes" })).toThrow(/system_fonts must be true or false/);
    expect(make({ render: ["png"] }, join(dir, "chart.png"))).toThrow(/overwritten by its PNG rendering/);
    expect(make({ render: "svg" })().render).toEqual(["svg"]);
  });

  it("previews the spec with its SVG, stored or rendered", async () => {
    const stored = new VegaLiteDataset({ filepath: join(dir, "a.json"), save_args: { render: ["svg"] } });
    await stored.save(barChart());
    await writeFile(join(dir, "a.svg"), "<svg>stored</svg>");
    expect(await stored.preview()).toEqual({
      kind: "plot",
      data: { spec: barChart(), svg: "<svg>stored</svg>" },
    });
    const plain = new VegaLiteDataset({ filepath: join(dir, "b.json") });
    await plain.save(barChart());
    const preview = await plain.preview();
    expect(preview.kind).toBe("plot");
    expect((preview.data as { svg: string }).svg).toContain(">Mean capacity</text>");
  });

  it("swaps or adds the extension for the renderings' paths", () => {
    expect(siblingPath("data/08_reporting/chart.json", "svg")).toBe("data/08_reporting/chart.svg");
    expect(siblingPath("s3://b/x.y/chart", "png")).toBe("s3://b/x.y/chart.png");
    expect(siblingPath("a/.hidden", "svg")).toBe("a/.hidden.svg");
  });
});

describe("VegaLiteDataset through the catalog", () => {
  it("puts the renderings of each version inside that version's folder", async () => {
    const entries = {
      capacity_plot: {
        type: "plots.VegaLiteDataset",
        filepath: "data/08_reporting/capacity.json",
        versioned: true,
        save_args: { render: ["svg", "png"], scale: 1 },
      },
    };
    const open = () =>
      createCatalog({
        catalog: entries,
        registry: registry(),
        projectPath: dir,
        logger: createLogger({ level: "silent" }),
      });
    await (await open()).save("capacity_plot", barChart());
    await new Promise((r) => setTimeout(r, 5));
    const second = { ...barChart(), title: "Second" };
    await (await open()).save("capacity_plot", second);
    const root = join(dir, "data/08_reporting/capacity.json");
    const versions = (await readdir(root)).sort();
    expect(versions).toHaveLength(2);
    for (const version of versions) {
      expect((await readdir(join(root, version))).sort()).toEqual([
        "capacity.json",
        "capacity.png",
        "capacity.svg",
      ]);
    }
    expect(await readFile(join(root, versions[1]!, "capacity.svg"), "utf8")).toContain(">Second</text>");
    expect(await (await open()).load("capacity_plot")).toEqual(second);
  });

  it("reports a bad spec with the dataset's name", async () => {
    const catalog = await createCatalog({
      catalog: { chart: { type: "plots.VegaLiteDataset", filepath: "chart.json" } },
      registry: registry(),
      projectPath: dir,
      logger: createLogger({ level: "silent" }),
    });
    const error = await failure(Promise.resolve(catalog.save("chart", { encoding: {} })));
    expect(error.code).toBe("KILN_PLOT_BAD_SPEC");
    expect(error.message).toContain('Could not save dataset "chart" (VegaLiteDataset)');
  });
});
