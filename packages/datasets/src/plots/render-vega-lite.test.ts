import { describe, expect, it } from "vitest";
import { barChart, failure, pngStats } from "../__fixtures__/media.js";
import { renderVegaLite } from "./render-vega-lite.js";
import { svgToPng } from "./svg-to-png.js";

describe("renderVegaLite", () => {
  it("renders SVG with the bars, the axis titles and the chart title", async () => {
    const svg = await renderVegaLite(barChart(), "svg");
    expect(svg.startsWith("<svg")).toBe(true);
    const bars = svg.match(/<g class="mark-rect role-mark[^>]*>(.*?)<\/g>/)?.[1] ?? "";
    expect(bars.match(/<path /g)).toHaveLength(3);
    expect(svg).toContain(">Shuttle type</text>");
    expect(svg).toContain(">Mean capacity</text>");
    expect(svg).toContain(">Passenger capacity</text>");
  });

  it("leaves the node's spec as it was", async () => {
    const spec = barChart();
    await renderVegaLite(spec, "svg");
    expect(spec).toEqual(barChart());
    expect(Object.getOwnPropertySymbols(spec.data.values[0])).toEqual([]);
  });

  it("renders a PNG at twice the SVG's size by default, with its text drawn", async () => {
    const svg = await renderVegaLite(barChart(), "svg");
    const width = Number(svg.match(/width="(\d+)"/)?.[1]);
    const height = Number(svg.match(/height="(\d+)"/)?.[1]);
    const stats = pngStats(await renderVegaLite(barChart(), "png"));
    expect(stats.width).toBe(width * 2);
    expect(stats.height).toBe(height * 2);
    expect(stats.colours).toBeGreaterThan(10);
    // Without a font the text vanishes and only the grey axes are dark-ish: count black glyph pixels.
    expect(stats.dark).toBeGreaterThan(1000);
    expect(pngStats(await renderVegaLite(barChart(), "png", { scale: 1 })).width).toBe(width);
  });

  it("draws text in a font the spec names but the machine lacks", async () => {
    const spec = { ...barChart(), config: { font: "No Such Font" } };
    expect(pngStats(await renderVegaLite(spec, "png", { scale: 1 })).dark).toBeGreaterThan(300);
  });

  it("renders a heatmap (the starter's confusion matrix)", async () => {
    const values = ["yes", "no"].flatMap((actual) =>
      ["yes", "no"].map((predicted) => ({ actual, predicted, count: actual === predicted ? 40 : 7 })),
    );
    const svg = await renderVegaLite(
      {
        data: { values },
        mark: "rect",
        encoding: {
          x: { field: "predicted", type: "nominal" },
          y: { field: "actual", type: "nominal" },
          color: { field: "count", type: "quantitative" },
        },
      },
      "svg",
    );
    const cells = svg.match(/<g class="mark-rect role-mark[^>]*>(.*?)<\/g>/)?.[1] ?? "";
    expect(cells.match(/<path /g)).toHaveLength(4);
  });

  it("renders a full Vega spec when its $schema says so", async () => {
    const svg = await renderVegaLite(
      {
        $schema: "https://vega.github.io/schema/vega/v6.json",
        width: 40,
        height: 20,
        marks: [{ type: "text", encode: { enter: { text: { value: "plain vega" } } } }],
      },
      "svg",
    );
    expect(svg).toContain(">plain vega</text>");
  });

  it("reports an invalid spec", async () => {
    const error = await failure(renderVegaLite({ data: { values: [] } }, "svg"));
    expect(error.code).toBe("KILN_PLOT_BAD_SPEC");
    expect(error.message).toContain("the Vega-Lite spec is not a valid Vega-Lite spec");
    expect(error.message).toContain('"mark"');
    const notObject = await failure(renderVegaLite([] as never, "svg"));
    expect(notObject.code).toBe("KILN_PLOT_BAD_SPEC");
    expect(notObject.message).toContain("expected an object, got an array");
  });

  it("refuses data loaded from a URL or a file, naming it", async () => {
    const spec = { ...barChart(), data: { url: "/etc/passwd", format: { type: "csv" } } };
    const error = await failure(renderVegaLite(spec, "svg", { where: "data/08_reporting/chart.json" }));
    expect(error.code).toBe("KILN_PLOT_BAD_SPEC");
    expect(error.message).toContain(
      'data/08_reporting/chart.json is not a valid Vega-Lite spec: it loads data from "/etc/passwd"',
    );
    expect(error.hint).toContain("data.values");
  });

  it("fails, rather than drawing an empty chart, when an expression breaks on the data", async () => {
    const spec = { ...barChart(), transform: [{ calculate: "datum.capacity.a.b", as: "broken" }] };
    const error = await failure(renderVegaLite(spec, "svg", { where: "chart.json" }));
    expect(error.code).toBe("KILN_PLOT_RENDER");
    expect(error.message).toContain(
      "Could not render chart.json to SVG: Cannot read properties of undefined",
    );
  });

  it("reports SVG that resvg cannot draw", async () => {
    const error = await failure(svgToPng("<svg><unclosed", { where: "chart.svg" }));
    expect(error.code).toBe("KILN_PLOT_RENDER");
    expect(error.message).toContain("Could not render chart.svg to PNG: SVG data parsing failed");
  });

  it("rejects an unknown format", async () => {
    const error = await failure(renderVegaLite(barChart(), "pdf" as never));
    expect(error.code).toBe("KILN_PLOT_BAD_ARG");
  });
});
