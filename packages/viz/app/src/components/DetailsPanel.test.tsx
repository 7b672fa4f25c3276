// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import type { NodeDetails } from "../../../src/api/types.js";
import { DetailsPanel } from "./DetailsPanel.js";
import { type Rendered, render, settle } from "./render-test.js";

let rendered: Rendered | undefined;
afterEach(async () => {
  await rendered?.unmount();
  rendered = undefined;
});

const panel = (details: NodeDetails, extra: Partial<Parameters<typeof DetailsPanel>[0]> = {}) => (
  <DetailsPanel
    id={details.id}
    pipeline="__default__"
    load={async () => details}
    run={undefined}
    runError={null}
    onSelect={() => {}}
    onExpand={() => {}}
    onClose={() => {}}
    {...extra}
  />
);

describe("DetailsPanel", () => {
  it("shows a table preview: columns with their types, the first rows, how many rows in all", async () => {
    rendered = await render(
      panel({
        type: "data",
        id: "data:companies",
        name: "companies",
        datasetType: "polars.CSVDataset",
        filepath: "data/01_raw/companies.csv",
        versioned: false,
        versions: [],
        layer: "raw",
        description: {},
        preview: {
          kind: "table",
          data: [
            { id: 1, rating: "90%" },
            { id: 2, rating: null },
          ],
          schema: { id: "Int64", rating: "String" },
          rowCount: 77096,
        },
        previewError: null,
      }),
    );
    await settle();
    const text = rendered.container.textContent ?? "";
    expect(text).toContain("polars.CSVDataset");
    expect(text).toContain("data/01_raw/companies.csv");
    const headers = [...rendered.container.querySelectorAll("th")].map((th) => th.textContent);
    expect(headers).toEqual(["idInt64", "ratingString"]);
    expect(rendered.container.querySelectorAll("tbody tr")).toHaveLength(2);
    expect(text).toContain("2 of 77,096 rows");
  });

  it("shows a task's source with its file and line, its parameters, and the command that runs it", async () => {
    const select = vi.fn();
    rendered = await render(
      panel(
        {
          type: "task",
          id: "task:ns.fit",
          name: "ns.fit",
          namespace: "ns",
          func: "fitModel",
          source: {
            file: "src/pipelines/ds/nodes.ts",
            line: 12,
            code: "function fitModel(x: number) {\n  return x;\n}",
          },
          inputs: ["data:table", "param:params:ns.alpha"],
          outputs: ["data:ns.model"],
          tags: ["model"],
          parameters: [{ name: "params:ns.alpha", value: { alpha: 0.5 } }],
          runCommand: "kiln run --nodes ns.fit",
        },
        {
          pipeline: "data_science",
          onSelect: select,
          run: { name: "ns.fit", status: "failed", durationMs: 1500 },
          runError: { code: "KILN_NODE_FAILED", message: "Node ns.fit failed: boom" },
        },
      ),
    );
    await settle();
    const text = rendered.container.textContent ?? "";
    expect(rendered.container.querySelector(".kv-source-file")?.textContent).toBe(
      "src/pipelines/ds/nodes.ts:12",
    );
    expect(rendered.container.querySelector(".kv-source")?.textContent).toContain(
      "function fitModel(x: number)",
    );
    expect(text).toContain('"alpha": 0.5');
    expect(rendered.container.querySelector(".kv-command code")?.textContent).toBe(
      "kiln run --pipeline data_science --nodes ns.fit",
    );
    expect(text).toContain("failed in 1.50 s");
    expect(text).toContain("KILN_NODE_FAILED: Node ns.fit failed: boom");
    const input = [...rendered.container.querySelectorAll<HTMLButtonElement>(".kv-id-list button")].find(
      (b) => b.textContent === "table",
    );
    input!.click();
    expect(select).toHaveBeenCalledWith("data:table");
  });

  it("renders a chart preview as an image, so nothing in it can run", async () => {
    rendered = await render(
      panel({
        type: "data",
        id: "data:plot",
        name: "plot",
        datasetType: "plots.VegaLiteDataset",
        filepath: "data/08_reporting/plot.json",
        versioned: false,
        versions: [],
        layer: null,
        description: {},
        preview: {
          kind: "plot",
          data: { spec: {}, svg: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' },
        },
        previewError: null,
      }),
    );
    await settle();
    const img = rendered.container.querySelector("img");
    expect(img?.getAttribute("src")).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    expect(rendered.container.querySelector("script")).toBeNull();
  });
});
