import { isAbsolute, relative } from "node:path";
import { type ConfigDocument, closestMatches, formatLocation } from "kiln";
import { TrackingError } from "../errors.js";
import { checkAlias, checkModelName } from "../model/names.js";

/** What to do with a parameter or tag value longer than `params.max_length`. */
export type LongValues = "truncate" | "fail";

/** The `model` section: what happens to models packaged from training/inference pairs (docs/models.md). */
export interface ModelConfig {
  /** Registers each packaged model as a new version of this model; a pair's `registeredModelName` wins. */
  registeredModelName: string | null;
  /** Moves an alias to new versions; a pair's `promote` wins. */
  promote: { alias: string; metric: string | null; greaterIsBetter: boolean } | null;
}

/** `conf/<env>/tracking.yml`, with every default filled in. Keys: docs/tracking.md. */
export interface TrackingConfig {
  /** False: runs are not recorded, and metric datasets save nothing. */
  enabled: boolean;
  store: {
    /** `sqlite:///relative/file.db`, `sqlite:////absolute/file.db`, a file path, or `postgresql://…`. */
    uri: string;
    /** A credentials.yml entry whose `con` (a connection string) replaces `uri`. */
    credentials: string | null;
  };
  artifacts: {
    /** A folder (relative to the project) or `s3://bucket/prefix`. */
    location: string;
    /** A credentials.yml entry for the artifact store (S3: key, secret, endpoint_url, …). */
    credentials: string | null;
  };
  experiment: { name: string | null };
  run: { name: string | null };
  pipelines: { skip: string[] };
  params: {
    flatten: boolean;
    separator: string;
    /** Levels flattened; deeper mappings are stored as JSON text. Null: all of them. */
    maxDepth: number | null;
    longValues: LongValues;
    /** Longest parameter or tag value kept, in characters. */
    maxLength: number;
  };
  /** Keep the run's log lines with the run. */
  logs: boolean;
  model: ModelConfig;
}

/** The defaults: a SQLite file and an artifact folder under `.kiln/`, everything recorded. */
export const DEFAULT_TRACKING_CONFIG: TrackingConfig = {
  enabled: true,
  store: { uri: "sqlite:///.kiln/tracking.db", credentials: null },
  artifacts: { location: ".kiln/artifacts", credentials: null },
  experiment: { name: null },
  run: { name: null },
  pipelines: { skip: [] },
  params: { flatten: true, separator: ".", maxDepth: null, longValues: "truncate", maxLength: 6000 },
  logs: true,
  model: { registeredModelName: null, promote: null },
};

/** Placeholders a run name may use. */
export const RUN_NAME_PLACEHOLDERS = ["pipeline", "env", "user", "run_id"] as const;

type Spec =
  | { kind: "boolean" }
  | { kind: "string"; nullable?: boolean; nonEmpty?: boolean; check?: (v: string) => string | undefined }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "int"; min: number; nullable?: boolean }
  | { kind: "names" }
  | { kind: "section"; keys: Record<string, Spec> };

function runNameProblem(name: string): string | undefined {
  for (const [, placeholder] of name.matchAll(/\{([^}]*)\}/g)) {
    if (!(RUN_NAME_PLACEHOLDERS as readonly string[]).includes(placeholder!)) {
      const near = closestMatches(placeholder!, RUN_NAME_PLACEHOLDERS)[0];
      return `run.name uses "{${placeholder}}", which is not a placeholder${near ? ` (did you mean "{${near}}"?)` : ""}; it may use ${RUN_NAME_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`;
    }
  }
  return undefined;
}

const SCHEMA: Spec = {
  kind: "section",
  keys: {
    enabled: { kind: "boolean" },
    store: {
      kind: "section",
      keys: {
        uri: { kind: "string", nonEmpty: true },
        credentials: { kind: "string", nullable: true, nonEmpty: true },
      },
    },
    artifacts: {
      kind: "section",
      keys: {
        location: { kind: "string", nonEmpty: true },
        credentials: { kind: "string", nullable: true, nonEmpty: true },
      },
    },
    experiment: { kind: "section", keys: { name: { kind: "string", nullable: true, nonEmpty: true } } },
    run: {
      kind: "section",
      keys: { name: { kind: "string", nullable: true, nonEmpty: true, check: runNameProblem } },
    },
    pipelines: { kind: "section", keys: { skip: { kind: "names" } } },
    params: {
      kind: "section",
      keys: {
        flatten: { kind: "boolean" },
        separator: { kind: "string", nonEmpty: true },
        max_depth: { kind: "int", min: 1, nullable: true },
        long_values: { kind: "enum", values: ["truncate", "fail"] },
        max_length: { kind: "int", min: 16 },
      },
    },
    logs: { kind: "boolean" },
    model: {
      kind: "section",
      keys: {
        registered_model_name: {
          kind: "string",
          nullable: true,
          nonEmpty: true,
          check: (v) => problemOf(() => checkModelName(v, "model.registered_model_name")),
        },
        promote: {
          kind: "section",
          keys: {
            alias: {
              kind: "string",
              nullable: true,
              nonEmpty: true,
              check: (v) => problemOf(() => checkAlias(v, "model.promote.alias")),
            },
            metric: { kind: "string", nullable: true, nonEmpty: true },
            greater_is_better: { kind: "boolean" },
          },
        },
      },
    },
  },
};

/** The message of what `check` throws, for a config problem; undefined when it passes. */
function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** One value against its spec; returns the problem, or undefined. */
function checkLeaf(
  spec: Exclude<Spec, { kind: "section" }>,
  value: unknown,
  key: string,
): string | undefined {
  if (value === null && "nullable" in spec && spec.nullable) return undefined;
  switch (spec.kind) {
    case "boolean":
      return typeof value === "boolean"
        ? undefined
        : `${key} must be true or false, got ${describeValue(value)}`;
    case "string":
      if (typeof value !== "string")
        return `${key} must be ${spec.nullable ? "text or null" : "text"}, got ${describeValue(value)}`;
      if (spec.nonEmpty && value.trim() === "") return `${key} must not be empty`;
      return spec.check?.(value);
    case "enum":
      return typeof value === "string" && spec.values.includes(value)
        ? undefined
        : `${key} must be one of ${spec.values.join(", ")}, got ${describeValue(value)}${typeof value === "string" && closestMatches(value, spec.values)[0] ? ` (did you mean "${closestMatches(value, spec.values)[0]}"?)` : ""}`;
    case "int":
      return Number.isInteger(value) && (value as number) >= spec.min
        ? undefined
        : `${key} must be a whole number of at least ${spec.min}${spec.nullable ? " (or null)" : ""}, got ${describeValue(value)}`;
    case "names":
      return Array.isArray(value) && value.every((v) => typeof v === "string" && v !== "")
        ? undefined
        : `${key} must be a list of names, got ${describeValue(value)}`;
  }
}

/** A file path as messages show it: relative to the project when inside it. */
function shownLocation(doc: ConfigDocument, path: string[], projectRoot: string | undefined): string {
  const loc = doc.locate(path) ?? doc.locate(path.slice(0, -1));
  if (!loc) return doc.files.length > 0 ? "tracking config" : "tracking defaults";
  const inside = projectRoot ? relative(projectRoot, loc.file) : "";
  const file = inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : loc.file;
  return formatLocation({ ...loc, file });
}

/**
 * The tracking config of `doc` (the merged `tracking` key), checked and with defaults filled in.
 * Every problem is collected and reported together, each with file:line:column and close matches.
 * @throws TrackingError `KILN_TRACKING_BAD_CONFIG`.
 */
export function parseTrackingConfig(doc: ConfigDocument, projectRoot?: string): TrackingConfig {
  const problems: string[] = [];
  const walk = (spec: Spec, value: unknown, path: string[]): void => {
    const key = path.join(".") || "tracking";
    if (spec.kind !== "section") {
      const problem = checkLeaf(spec, value, key);
      if (problem) problems.push(`${shownLocation(doc, path, projectRoot)}: ${problem}`);
      return;
    }
    if (value === null && path.length > 0) return; // `store:` with every key commented out
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      problems.push(
        `${shownLocation(doc, path, projectRoot)}: ${key} must be a mapping of ${Object.keys(spec.keys).join(", ")}, got ${describeValue(value)}`,
      );
      return;
    }
    for (const [name, item] of Object.entries(value)) {
      if (path.length === 0 && name.startsWith("_")) continue; // YAML anchor helpers
      const child = spec.keys[name];
      if (child === undefined) {
        const near = closestMatches(name, Object.keys(spec.keys))[0];
        const where = [...path, name].join(".");
        problems.push(
          `${shownLocation(doc, [...path, name], projectRoot)}: unknown key "${where}"${near ? ` (did you mean "${[...path, near].join(".")}"?)` : `; ${path.length ? `${path.join(".")} takes` : "tracking.yml takes"} ${Object.keys(spec.keys).join(", ")}`}`,
        );
        continue;
      }
      walk(child, item, [...path, name]);
    }
  };
  walk(SCHEMA, doc.value, []);
  if (problems.length > 0) {
    throw new TrackingError(
      "KILN_TRACKING_BAD_CONFIG",
      problems.length === 1
        ? `The tracking config is wrong: ${problems[0]}.`
        : `The tracking config has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      { hint: "Fix tracking.yml (every key and its default: kiln tracking init, or docs/tracking.md)." },
    );
  }
  return fillDefaults(doc.value as Record<string, Record<string, unknown> | undefined>);
}

function fillDefaults(v: Record<string, Record<string, unknown> | undefined>): TrackingConfig {
  const d = DEFAULT_TRACKING_CONFIG;
  const pick = <T>(section: string, key: string, fallback: T): T => {
    const s = v[section];
    return s !== undefined && s !== null && Object.hasOwn(s, key) ? (s[key] as T) : fallback;
  };
  return {
    enabled: (v.enabled as unknown as boolean | undefined) ?? d.enabled,
    store: {
      uri: pick("store", "uri", d.store.uri),
      credentials: pick("store", "credentials", d.store.credentials),
    },
    artifacts: {
      location: pick("artifacts", "location", d.artifacts.location),
      credentials: pick("artifacts", "credentials", d.artifacts.credentials),
    },
    experiment: { name: pick("experiment", "name", d.experiment.name) },
    run: { name: pick("run", "name", d.run.name) },
    pipelines: { skip: [...pick("pipelines", "skip", d.pipelines.skip)] },
    params: {
      flatten: pick("params", "flatten", d.params.flatten),
      separator: pick("params", "separator", d.params.separator),
      maxDepth: pick("params", "max_depth", d.params.maxDepth),
      longValues: pick("params", "long_values", d.params.longValues),
      maxLength: pick("params", "max_length", d.params.maxLength),
    },
    logs: (v.logs as unknown as boolean | undefined) ?? d.logs,
    model: modelConfig(v.model),
  };
}

function modelConfig(section: Record<string, unknown> | undefined): ModelConfig {
  const promote = (section?.promote ?? null) as Record<string, unknown> | null;
  const alias = promote?.alias;
  return {
    registeredModelName: (section?.registered_model_name as string | null | undefined) ?? null,
    promote:
      typeof alias === "string"
        ? {
            alias,
            metric: (promote?.metric as string | null | undefined) ?? null,
            greaterIsBetter: (promote?.greater_is_better as boolean | undefined) ?? true,
          }
        : null,
  };
}
