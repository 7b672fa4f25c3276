// @vitest-environment happy-dom
// The Experiments view in happy-dom over a stand-in client holding three runs: the table, the filter
// (and its inline error), sorting, the chart, a run's details with a metric's steps, and the compare.
import { act } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { compareRuns } from "../../../../src/api/experiments/compare-runs.js";
import type { TrackedRun, TrackedRunDetails, TrackedRunsResponse } from "../../../../src/api/types.js";
import { ApiError, type ExperimentsClient } from "../../api-client.js";
import { defaultExperimentsState, type ExperimentsState } from "../../experiments-model.js";
import { type Rendered, render, settle } from "../render-test.js";
import { ExperimentsView } from "./ExperimentsView.js";

let rendered: Rendered | undefined;
afterEach(async () => {
  await rendered?.unmount();
  rendered = undefined;
});

const run = (id: string, start: number, r2: number, size: string): TrackedRun => ({
  runId: id,
  runName: `train-${id}`,
  experiment: "demo",
  status: id === "c" ? "FAILED" : "FINISHED",
  startTime: Date.UTC(2026, 0, 1, 12, 0, start),
  endTime: Date.UTC(2026, 0, 1, 12, 0, start + 2),
  durationMs: 2000,
  userId: "ada",
  error: id === "c" ? { code: "KILN_NODE_FAILED", message: "boom" } : null,
  params: { "model.size": size, seed: "1" },
  metrics: { r2, mae: r2 * 10 },
  tags: { "kiln.pipeline": "__default__" },
});
const RUNS = [run("a", 0, 0.5, "0.2"), run("b", 10, 0.8, "0.3"), run("c", 20, 0.6, "0.3")];

function details(r: TrackedRun): TrackedRunDetails {
  return {
    ...r,
    artifactUri: ".kiln/artifacts/1/a/artifacts",
    metricHistory: {
      r2: [{ step: 0, value: r.metrics.r2!, timestamp: 1 }],
      loss: [0.9, 0.5, 0.3].map((value, step) => ({ step, value, timestamp: step })),
    },
    metrics: { ...r.metrics, loss: 0.3 },
    nodes: [{ name: "train", status: "success", startTime: 0, endTime: 5, durationMs: 1500, error: null }],
    lineage: [
      {
        node: "train",
        dataset: "table",
        direction: "input",
        datasetType: "CSV",
        location: "data/t.csv",
        version: null,
      },
    ],
    artifacts: [{ path: "models/model.json", size: 2048, dataset: "model", loggedAt: 1 }],
    logLines: 12,
  };
}

function client() {
  const asked: Array<{ experiment: string | null; filter?: string; orderBy?: string }> = [];
  const fake: ExperimentsClient = {
    experiments: async () => ({
      store: "sqlite:///.kiln/tracking.db",
      storeExists: true,
      defaultExperiment: "demo",
      experiments: [{ id: "1", name: "demo", createdAt: 0 }],
    }),
    trackedRuns: async (experiment, query = {}) => {
      asked.push({ experiment, ...query });
      if (query.filter?.includes(">>"))
        throw new ApiError(
          "KILN_TRACKING_BAD_FILTER",
          "filter: expected a number at position 12:\n  metrics.r2 >> 1\n  ^",
          "A filter is conditions joined by AND",
        );
      const runs = query.filter ? RUNS.filter((r) => (r.metrics.r2 as number) > 0.55) : RUNS;
      return {
        experiments: [experiment ?? "demo"],
        filter: query.filter ?? "",
        orderBy: query.orderBy ?? "",
        limit: 200,
        total: RUNS.length,
        matched: runs.length,
        runs: [...runs].reverse(),
        metricKeys: ["mae", "r2"],
        paramKeys: ["model.size", "seed"],
      } satisfies TrackedRunsResponse;
    },
    trackedRun: async (id) => details(RUNS.find((r) => r.runId === id)!),
    compare: async (ids) => compareRuns(ids.map((id) => RUNS.find((r) => r.runId === id)!)),
  };
  return { fake, asked };
}

/** The view with its state kept as App keeps it. */
async function mount(initial: Partial<ExperimentsState> = {}, staticSite = false) {
  const { fake, asked } = client();
  const onChange = vi.fn();
  let state: ExperimentsState = { ...defaultExperimentsState(), ...initial };
  const element = () => (
    <ExperimentsView
      state={state}
      client={fake}
      staticSite={staticSite}
      onChange={(patch) => {
        onChange(patch);
        state = { ...state, ...patch };
        void rendered!.rerender(element());
      }}
    />
  );
  rendered = await render(element());
  await settle();
  return { container: rendered.container, onChange, asked, state: () => state };
}

const rows = (root: HTMLElement) =>
  [...root.querySelectorAll(".kv-xruns-table tbody tr")].map((tr) => tr.getAttribute("data-run"));
const button = (root: HTMLElement, text: string) =>
  [...root.querySelectorAll("button")].find((b) => b.textContent?.replace(/[▲▼]/g, "").trim() === text)!;

describe("ExperimentsView", () => {
  it("lists the runs newest first with status, duration, metric and varying param columns", async () => {
    const { container, asked } = await mount();
    expect(asked).toEqual([{ experiment: null }]);
    expect(rows(container)).toEqual(["c", "b", "a"]);
    const headers = [...container.querySelectorAll(".kv-xruns-table thead th")].map((th) => th.textContent);
    expect(headers).toEqual([
      "Compare",
      "Status",
      "Started",
      "Duration",
      "Name",
      "metricmae",
      "metricr2",
      "parammodel.size",
    ]);
    const first = container.querySelector(".kv-xruns-table tbody tr")!;
    expect(first.querySelector(".kv-run-status")!.textContent).toBe("failed");
    expect(first.querySelector(".kv-run-status")!.getAttribute("title")).toBe("boom");
    expect(container.querySelector('[role="status"]')!.textContent).toContain(
      "3 runs in demo (sqlite:///.kiln/tracking.db)",
    );
    // The chart draws one point per run.
    expect(container.querySelectorAll(".kv-chart-point")).toHaveLength(3);
  });

  it("sorts by a header: the API is asked in that order and the table follows", async () => {
    const { container, asked, state } = await mount();
    await act(async () =>
      container.querySelector<HTMLButtonElement>('th[title="metrics.r2"] button')!.click(),
    );
    await settle();
    expect(state().sort).toEqual({ key: "metrics.r2", descending: true });
    expect(asked.at(-1)).toEqual({ experiment: null, orderBy: "metrics.r2 DESC" });
    expect(rows(container)).toEqual(["b", "c", "a"]);
    expect(container.querySelector('th[aria-sort="descending"]')!.textContent).toContain("r2");
  });

  it("applies a filter on Enter and shows a filter that does not parse under the box", async () => {
    const { container, asked } = await mount();
    const input = container.querySelector<HTMLInputElement>('[aria-label="Filter runs"]')!;
    const submit = async (text: string) => {
      await act(async () => {
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!;
        setter.call(input, text);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      await act(async () => input.form!.requestSubmit());
      await settle();
    };
    await submit("metrics.r2 > 0.55");
    expect(asked.at(-1)).toEqual({ experiment: null, filter: "metrics.r2 > 0.55" });
    expect(rows(container)).toEqual(["c", "b"]);
    expect(container.querySelector('[role="status"]')!.textContent).toContain(
      "2 runs meeting the filter, of 3",
    );
    await submit("metrics.r2 >> 1");
    const alert = container.querySelector('[role="alert"]')!;
    expect(alert.querySelector("pre")!.textContent).toContain("filter: expected a number at position 12:");
    expect(alert.textContent).toContain("A filter is conditions joined by AND");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    await submit("metrics.r2 > 0.55");
    expect(container.querySelector('[role="alert"]')).toBeNull();
  });

  it("compares two ticked runs, differences highlighted, and can show only those", async () => {
    const { container, state } = await mount();
    const tick = (id: string) =>
      act(async () =>
        container.querySelector<HTMLInputElement>(`tr[data-run="${id}"] input[type=checkbox]`)!.click(),
      );
    await tick("a");
    await settle();
    expect(container.querySelector(".kv-compare")).toBeNull();
    expect(container.querySelector('[role="status"]')!.textContent).toContain("Tick another run to compare");
    await tick("b");
    await settle();
    expect(state().compare).toEqual(["a", "b"]);
    const compare = container.querySelector(".kv-compare")!;
    const differing = [...compare.querySelectorAll("tr.kv-differs")].map((tr) => tr.getAttribute("data-key"));
    expect(differing).toEqual(["model.size", "mae", "r2"]);
    expect(compare.querySelector('tr[data-key="seed"]')!.className).not.toContain("kv-differs");
    expect([...compare.querySelectorAll('tr[data-key="r2"] td')].map((td) => td.textContent)).toEqual([
      "0.5",
      "0.8",
    ]);
    // Ticked runs are ringed in the chart.
    expect(container.querySelectorAll(".kv-chart-point.kv-lit")).toHaveLength(2);
    await act(async () => compare.querySelector<HTMLInputElement>("input[type=checkbox]")!.click());
    expect(compare.querySelector('tr[data-key="seed"]')).toBeNull();
  });

  it("opens a run: its summary, metrics with the history of one over steps, nodes, lineage and artifacts", async () => {
    const { container, state } = await mount();
    await act(async () => button(container, "train-b").click());
    await settle();
    expect(state().run).toBe("b");
    const panel = container.querySelector(".kv-run-details")!;
    expect(panel.querySelector("h2")!.textContent).toBe("train-b");
    // The first metric with more than one step is charted: three points.
    expect(panel.querySelector(".kv-history h4")!.textContent).toBe("loss over steps");
    expect(panel.querySelectorAll(".kv-chart-point")).toHaveLength(3);
    await act(async () => button(panel as HTMLElement, "r2").click());
    expect(panel.querySelector(".kv-history")!.textContent).toBe("r2: one value, at step 0.");
    expect(panel.querySelector('[aria-label="nodes"]')!.textContent).toContain("train");
    expect(panel.textContent).toContain("models/model.json");
    expect(panel.textContent).toContain("2.0 KiB");
    await act(async () => panel.querySelector<HTMLButtonElement>('[aria-label="Close the run"]')!.click());
    expect(state().run).toBeNull();
  });

  it("on a static site, disables the filter and sorts what it holds", async () => {
    const { container, asked } = await mount(
      { filter: "metrics.r2 > 0.55", sort: { key: "duration", descending: true } },
      true,
    );
    expect(asked).toEqual([{ experiment: null }]);
    expect(container.querySelector<HTMLInputElement>('[aria-label="Filter runs"]')!.disabled).toBe(true);
    expect(container.textContent).toContain("Filters need kiln viz");
    expect(rows(container)).toHaveLength(3);
  });
});
