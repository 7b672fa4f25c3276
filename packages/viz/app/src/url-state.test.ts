import { describe, expect, it } from "vitest";
import { formatViewState, parseViewState } from "./url-state.js";
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
