// Import boundaries of the core (docs/architecture.md): folders import each other only through their
// index.ts, lower layers never import higher ones, and there are no cycles.
// Layers: cli → project/session → runner → hooks → {pipeline, catalog} → io; config apart;
// errors, logging and utils are leaves anyone may use.
const src = "^packages/kiln/src/";
const folder = (name) => `${src}${name}/`;

/** `from` may import only the listed folders (plus itself and the leaves). */
const only = (from, allowed) => ({
  name: `${from}-imports-only-${allowed.join("-") || "leaves"}`,
  comment: `${from}/ may import only ${[...allowed, "errors", "logging", "utils"].join(", ")}`,
  severity: "error",
  from: { path: folder(from) },
  to: {
    path: src,
    pathNot: [folder(from), ...[...allowed, "errors", "logging", "utils"].map(folder)],
  },
});

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    only("errors", []),
    only("utils", []),
    only("logging", []),
    only("pipeline", []),
    only("io", []),
    only("catalog", ["io"]),
    only("hooks", ["pipeline", "catalog"]),
    only("runner", ["hooks", "pipeline", "catalog"]),
    only("project", ["pipeline", "catalog", "hooks", "config"]),
    only("session", ["project", "config", "runner", "hooks", "pipeline", "catalog"]),
    only("cli", ["session", "project", "config", "runner", "hooks", "pipeline", "catalog"]),
    only("config", []),
    {
      name: "through-index-only",
      comment: "Other folders import a folder only through its index.ts (its public face).",
      severity: "error",
      from: { path: `${src}([^/]+)/` },
      to: { path: `${src}([^/]+)/`, pathNot: [`${src}$1/`, `${src}[^/]+/index\\.ts$`] },
    },
    {
      name: "core-never-imports-index",
      comment: "Inside the core, import the folder, not the package entry (it would make cycles).",
      severity: "error",
      from: { path: `${src}[^/]+/` },
      to: { path: `${src}index\\.ts$` },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(\\.test\\.ts|\\.test-d\\.ts|__fixtures__)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
