import { describe, expect, it } from "vitest";
import { defaultExperimentsState } from "./experiments-model.js";
import { formatViewState, parseExperimentsState, parseTab, parseViewState } from "./url-state.js";
import { defaultViewState } from "./view-model.js";

describe("the view state in the URL", () => {
  it("leaves defaults out", () => {
    expect(formatViewState(defaultViewState())).toBe("");
    expect(parseViewState("")).toEqual(defaultViewState());
  });

  it("round-trips every part", () => {
    const state = {
      ...defaultViewState("data_science"),
      direction: "TB" as const,
      hiddenTypes: new Set(["parameters" as const]),
      tags: new Set(["a", "b"]),
      expanded: new Set(["ns1", "ns1.inner"]),
      selected: "task:ns1.fit",
      slice: ["data:raw", "task:report"] as [string, string],
      search: "model",
      showRuns: false,
    };
    const text = formatViewState(state);
    expect(text).toBe(
      "?pipeline=data_science&dir=TB&hide=parameters&tags=a%2Cb&expand=ns1%2Cns1.inner&sel=task%3Ans1.fit&slice=data%3Araw%2Ctask%3Areport&q=model&runs=0",
    );
    expect(parseViewState(text)).toEqual(state);
    expect(parseViewState("?expand=all").expanded).toBe("all");
  });

  it("ignores what it does not know", () => {
    const state = parseViewState("?dir=diagonal&hide=task,nonsense&slice=only-one");
    expect(state.direction).toBe("LR");
    expect([...state.hiddenTypes]).toEqual(["task"]);
    expect(state.slice).toBeNull();
  });
});

describe("the tab and the Experiments view in the URL", () => {
  it("round-trips the experiment, filter, sort, chart metric, compared runs and open run", () => {
    const experiments = {
      experiment: "team",
      filter: "metrics.r2 > 0.5 and params.alpha = '0.1'",
      sort: { key: "metrics.r2", descending: true },
      metric: "r2",
      compare: ["2026-01-02T03.04.05.006Z", "2026-01-02T03.04.05.006Z-2"],
      run: "2026-01-02T03.04.05.006Z",
    };
    const text = formatViewState(defaultViewState(), { tab: "experiments", experiments });
    expect(text).toContain("tab=experiments&exp=team&filter=metrics.r2+%3E+0.5");
    expect(text).toContain("sort=-metrics.r2");
    expect(parseTab(text)).toBe("experiments");
    expect(parseExperimentsState(text)).toEqual(experiments);
    expect(parseViewState(text)).toEqual(defaultViewState());
  });

  it("leaves the defaults out and reads unknown tabs as the flowchart", () => {
    expect(
      formatViewState(defaultViewState(), { tab: "flowchart", experiments: defaultExperimentsState() }),
    ).toBe("");
    expect(parseTab("?tab=nonsense")).toBe("flowchart");
    expect(parseExperimentsState("?sort=params.alpha").sort).toEqual({
      key: "params.alpha",
      descending: false,
    });
  });
});
