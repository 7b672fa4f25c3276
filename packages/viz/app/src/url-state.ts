// The view state in the page's query string, so a link reopens the same view:
// ?pipeline=data_science&dir=TB&hide=data,parameters&tags=a,b&expand=all|ns1,ns2&sel=id&slice=a,b&q=text&runs=0
// and the tab with the Experiments view's state:
// &tab=experiments&exp=name&filter=text&sort=-metrics.r2&metric=r2&compare=id1,id2&run=id
import type { ElementType } from "../../src/api/types.js";
import { defaultExperimentsState, type ExperimentsState } from "./experiments-model.js";
import { defaultViewState, type ViewState } from "./view-model.js";

/** The page's tabs; the flowchart is the default. */
export type Tab = "flowchart" | "runs" | "experiments";

const TYPES: readonly ElementType[] = ["task", "data", "parameters"];
const TABS: readonly Tab[] = ["flowchart", "runs", "experiments"];
const list = (value: string | null) => (value ? value.split(",").filter(Boolean) : []);

/** Reads a view state from a query string; what is missing or unknown takes its default. */
export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const state = defaultViewState(params.get("pipeline") || "__default__");
  const expand = params.get("expand");
  const slice = list(params.get("slice"));
  return {
    ...state,
    direction: params.get("dir") === "TB" ? "TB" : "LR",
    hiddenTypes: new Set(
      list(params.get("hide")).filter((t): t is ElementType => TYPES.includes(t as ElementType)),
    ),
    tags: new Set(list(params.get("tags"))),
    expanded: expand === "all" ? "all" : new Set(list(expand)),
    selected: params.get("sel") || null,
    slice: slice.length === 2 ? [slice[0]!, slice[1]!] : null,
    search: params.get("q") ?? "",
    showRuns: params.get("runs") !== "0",
  };
}

/** Reads the tab from a query string (`tab=runs|experiments`). */
export function parseTab(search: string): Tab {
  const tab = new URLSearchParams(search).get("tab");
  return TABS.includes(tab as Tab) ? (tab as Tab) : "flowchart";
}

/** Reads the Experiments view's state from a query string. */
export function parseExperimentsState(search: string): ExperimentsState {
  const params = new URLSearchParams(search);
  const sort = params.get("sort");
  return {
    ...defaultExperimentsState(),
    experiment: params.get("exp") || null,
    filter: params.get("filter") ?? "",
    sort: sort ? { key: sort.replace(/^-/, ""), descending: sort.startsWith("-") } : null,
    metric: params.get("metric") || null,
    compare: [...new Set(list(params.get("compare")))],
    run: params.get("run") || null,
  };
}

/** Writes a view state as a query string (defaults left out), `?` included when not empty. */
export function formatViewState(
  state: ViewState,
  page: { tab?: Tab; experiments?: ExperimentsState } = {},
): string {
  const params = new URLSearchParams();
  if (state.pipeline !== "__default__") params.set("pipeline", state.pipeline);
  if (state.direction !== "LR") params.set("dir", state.direction);
  if (state.hiddenTypes.size > 0) params.set("hide", [...state.hiddenTypes].join(","));
  if (state.tags.size > 0) params.set("tags", [...state.tags].join(","));
  if (state.expanded === "all") params.set("expand", "all");
  else if (state.expanded.size > 0) params.set("expand", [...state.expanded].join(","));
  if (state.selected) params.set("sel", state.selected);
  if (state.slice) params.set("slice", state.slice.join(","));
  if (state.search) params.set("q", state.search);
  if (!state.showRuns) params.set("runs", "0");
  if (page.tab && page.tab !== "flowchart") params.set("tab", page.tab);
  const x = page.experiments;
  if (x) {
    if (x.experiment) params.set("exp", x.experiment);
    if (x.filter) params.set("filter", x.filter);
    if (x.sort) params.set("sort", `${x.sort.descending ? "-" : ""}${x.sort.key}`);
    if (x.metric) params.set("metric", x.metric);
    if (x.compare.length > 0) params.set("compare", x.compare.join(","));
    if (x.run) params.set("run", x.run);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
